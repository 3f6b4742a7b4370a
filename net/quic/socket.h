/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QUIC socket: one socket per connection (draft-lxin-quic-socket-apis). */

#ifndef __NET_QUIC_SOCKET_H
#define __NET_QUIC_SOCKET_H

#include <linux/ipv6.h>
#include <linux/quic.h>
#include <net/inet_sock.h>

#include "conn.h"
#include "udp.h"

/* RFC 9000 section 18.2 limits, and the bounds this implementation sets. */
#define QUIC_MIN_UDP_PAYLOAD		1200
#define QUIC_MAX_UDP_PAYLOAD		65527
#define QUIC_MAX_ACK_DELAY_EXPONENT	20
#define QUIC_MAX_ACK_DELAY		(16384 * 1000)	/* 2^14 ms, in us */
#define QUIC_MIN_CONN_ID_LIMIT		2
#define QUIC_MAX_CONN_ID_LIMIT		8
#define QUIC_MIN_IDLE_TIMEOUT		(1000 * 1000)	/* us */
#define QUIC_MAX_STREAMS		4096
#define QUIC_MAX_DATA			(S32_MAX / 2)
#define QUIC_MAX_STREAM_DATA		(S32_MAX / 4)

/* Configuration bounds (microseconds). */
#define QUIC_MIN_INITIAL_RTT		1000
#define QUIC_MAX_INITIAL_RTT		6000000
#define QUIC_MIN_PLPMTUD_INTERVAL	5000000
#define QUIC_MAX_PLPMTUD_INTERVAL	(600 * 1000 * 1000)
#define QUIC_MIN_KEEPALIVE_INTERVAL	1000000
#define QUIC_MAX_KEEPALIVE_INTERVAL	(3600U * 1000 * 1000)

/* Socket buffer defaults: enough for a few windows of stream data. */
#define QUIC_SNDBUF_DEFAULT		(4 * 1024 * 1024)
#define QUIC_RCVBUF_DEFAULT		(8 * 1024 * 1024)
/* How long close() waits for data in flight to be acknowledged. */
#define QUIC_CLOSE_WAIT_DEFAULT		(5 * HZ)

/* ALPN list as user space passes it: "h3,hq-interop" (RFC 7301). */
#define QUIC_ALPN_MAX_LEN		128

/**
 * struct quic_sock - a QUIC socket
 * @inet: IPv4 socket state, must be first
 * @udp: the UDP tunnel socket it is bound to, or NULL
 * @config: %QUIC_SOCKOPT_CONFIG
 * @local_param: our transport parameters
 * @remote_param: the peer's transport parameters (RFC 9000 defaults
 *	until the peer's arrive, or as set for resumption)
 * @remote_set: user space set @remote_param: a client resumes, and may
 *	send early data
 * @events: bit N set delivers event type N
 * @alpn: the ALPN list as set, NUL-terminated, or NULL
 * @send_sid: the stream the last sendmsg() wrote to (0 before any), the one
 *	a sendmsg() without QUIC_STREAM_INFO, sendfile() and splice() write to
 * @token: QUIC_SOCKOPT_TOKEN as set: the token a client's Initial carries
 * @token_len: its length
 * @ticket: QUIC_SOCKOPT_SESSION_TICKET: as set (client: session state to
 *	resume; server: ticket key), or a client's latest NewSessionTicket
 * @ticket_len: its length
 * @pref_udp: a server's UDP socket at its preferred_address (RFC 9000
 *	section 9.6), or NULL
 * @pref_addr: that address
 * @conn: the connection
 */
struct quic_sock {
	struct inet_sock		inet;
	struct quic_udp_sock		*udp;
	struct quic_config		config;
	struct quic_transport_param	local_param;
	struct quic_transport_param	remote_param;
	bool				remote_set;
	u32				events;
	char				*alpn;
	s64				send_sid;
	u8				*token;
	u32				token_len;
	u8				*ticket;
	u32				ticket_len;
	struct quic_udp_sock		*pref_udp;
	union quic_addr			pref_addr;
	struct quic_conn		conn;
};

/**
 * struct quic6_sock - an AF_INET6 QUIC socket
 * @quic: the QUIC socket
 * @inet6: IPv6 socket state, must be last (6.1's inet6_sk_generic)
 */
struct quic6_sock {
	struct quic_sock	quic;
	struct ipv6_pinfo	inet6;
};

static inline struct quic_sock *quic_sk(const struct sock *sk)
{
	return (struct quic_sock *)sk;
}

extern struct proto quic_prot;
extern struct proto quicv6_prot;
void quic_proto_init_v6(void);
extern const struct proto_ops quic_inet_ops;
extern const struct proto_ops quic_inet6_ops;

int quic_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int quic_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);
void quic_sockopt_init(struct quic_sock *qs);
void quic_sockopt_destroy(struct quic_sock *qs);

void quic_set_bound_addr(struct sock *sk, const union quic_addr *a);
void quic_set_peer_addr(struct sock *sk, const union quic_addr *a);
int quic_addr_from_user(struct sock *sk, const struct sockaddr *uaddr,
			int len, union quic_addr *a);

/* accept.c */
struct quic_packet_hdr;
bool quic_listener_queue(struct quic_udp_sock *us, struct sk_buff *skb,
			 const struct quic_packet_hdr *hdr);
int quic_accept(struct sock *sk, struct sock **newsk, int flags, bool kern);

/* msg.c */
int quic_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int quic_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len);
void quic_sock_queue_rcv(struct sock *sk, struct sk_buff *skb);
u32 quic_dgram_max(struct sock *sk);
u32 quic_dgram_purge(struct sock *sk);
void quic_sock_uncharge(struct sock *sk, u32 bytes);
void quic_sock_destroy(struct sock *sk);
void quic_sock_purge_stream(struct sock *sk, s64 id);
int quic_stream_sendmsg(struct sock *sk, struct msghdr *msg, size_t len,
			s64 id, u32 flags, long timeo);
int quic_recv_stream_queue(struct sock *sk, struct sk_buff_head *q,
			   struct msghdr *msg, size_t len, struct sk_buff *skb,
			   int flags, bool *fin);

/* peeloff.c */
int quic_peel_stream(struct sock *sk, int len, char __user *optval,
		     int __user *optlen);
bool quic_peel_queue_rcv(struct sock *sk, struct sk_buff *skb);
void quic_peel_purge(struct sock *sk, s64 id);
void quic_recv_credit(struct sock *sk, struct quic_stream *st, u64 n);
bool quic_sock_writable(const struct sock *sk);
void quic_stream_write_space(struct sock *sk);
void quic_stream_event(struct sock *sk, struct quic_stream *st);
void quic_event_connection_close(struct sock *sk);
void quic_event_connection_id(struct sock *sk, u64 active, u64 prior_to);
void quic_event_stream_max_data(struct sock *sk, s64 id, u64 max_data);
void quic_event_stream_max_stream(struct sock *sk, bool uni, u64 count);
void quic_event_key_update(struct sock *sk, u8 phase);
void quic_event_connection_migration(struct sock *sk, bool local);
void quic_event_new_token(struct sock *sk, const u8 *token, u32 len);
void quic_event_session_ticket(struct sock *sk, const u8 *msg, u32 len);
void quic_stream_reset(struct sock *sk, struct quic_stream *st, u64 code);

#endif /* __NET_QUIC_SOCKET_H */
