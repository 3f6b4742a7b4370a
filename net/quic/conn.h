/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A QUIC connection (RFC 9000): its encryption levels, paths, connection
 * IDs, streams, flow control and timers. One socket is one connection;
 * the state lives in &struct quic_sock and is protected by the socket lock.
 */

#ifndef __NET_QUIC_CONN_H
#define __NET_QUIC_CONN_H

#include <linux/hrtimer.h>
#include <linux/quic.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

#include "buffer.h"
#include "cid.h"
#include "crypto.h"
#include "ecn.h"
#include "hystart.h"
#include "keyupdate.h"
#include "pacing.h"
#include "path.h"
#include "pmtu.h"
#include "pnspace.h"
#include "reset.h"
#include "retry.h"
#include "stream.h"
#include "tparam.h"
#include "udp.h"

/* Connection states, kept in sk->sk_state (draft-lxin section 3). */
enum {
	QUIC_SS_CLOSED		= TCP_CLOSE,
	QUIC_SS_LISTENING	= TCP_LISTEN,
	QUIC_SS_ESTABLISHING	= TCP_SYN_SENT,
	QUIC_SS_ESTABLISHED	= TCP_ESTABLISHED,
	QUIC_SS_CLOSING		= TCP_CLOSING,
};

/* RFC 9002 section 6.2.2 and appendix A.2 constants. */
#define QUIC_GRANULARITY_US		1000
#define QUIC_TIME_THRESHOLD_NUM		9	/* 9/8 */
#define QUIC_PACKET_THRESHOLD		3
#define QUIC_PERSISTENT_CONG_THRESHOLD	3
/* RFC 9002 section 7.2 */
#define QUIC_MIN_WINDOW_PACKETS		2
#define QUIC_INITIAL_WINDOW_PACKETS	10
/* RFC 9000 section 14: what we send before knowing the path MTU. */
#define QUIC_PATH_MTU_MIN		QUIC_PMTU_BASE
/* The longest a connection timer is armed for at once. */
#define QUIC_TIMER_MAX_US		(600ULL * USEC_PER_SEC)
/* Undecryptable packets kept until their keys arrive (RFC 9001 5.7). */
#define QUIC_PENDING_MAX		16
/* Initial and Handshake CRYPTO data accepted ahead (RFC 9000 7.5). */
#define QUIC_CRYPTO_RECV_MAX		(64 * 1024)

/**
 * struct quic_rtt - RTT estimator of a path (RFC 9002 section 5)
 * @latest: latest_rtt, us
 * @min: min_rtt, us
 * @smoothed: smoothed_rtt, us
 * @var: rttvar, us
 * @has_sample: a first sample was taken
 */
struct quic_rtt {
	u32	latest;
	u32	min;
	u32	smoothed;
	u32	var;
	bool	has_sample;
};

/**
 * struct quic_cong - congestion controller (RFC 9002 section 7)
 * @algo: &enum quic_cong_algo: NewReno or CUBIC (cubic.c)
 * @window: congestion_window, bytes
 * @ssthresh: slow start threshold, bytes
 * @in_flight: bytes_in_flight
 * @recovery_start: congestion_recovery_start_time, 0 for none
 * @acked_bytes: bytes acknowledged in congestion avoidance, toward growth
 * @cubic_w_max: CUBIC: the window before the last reduction (RFC 9438)
 * @cubic_k_ms: CUBIC: K, when W_cubic gets back to @cubic_w_max
 * @cubic_epoch: CUBIC: when growth started, ms (ktime), 0 for not yet
 * @cubic_w_est: CUBIC: the Reno-friendly estimate, bytes
 * @hystart: CUBIC: HyStart++ in slow start (RFC 9406)
 * @pacing: the pacer of the path (RFC 9002 section 7.7)
 */
struct quic_cong {
	u8	algo;
	u32	window;
	u32	ssthresh;
	u32	in_flight;
	ktime_t	recovery_start;
	u32	acked_bytes;
	u32	cubic_w_max;
	u64	cubic_k_ms;
	s64	cubic_epoch;
	u32	cubic_w_est;
	struct quic_hystart hystart;
	struct quic_pacing pacing;
};

/**
 * struct quic_path - a network path (DESIGN section 6); path 0 is the
 * path of a single-path connection
 * @id: path ID
 * @local: local address
 * @remote: peer address
 * @space: the application data packet number space of the path
 * @rtt: RTT estimator
 * @cong: congestion controller
 * @mtu: largest UDP payload we send on it (before the route's limit)
 * @route_mtu: largest UDP payload its route takes, 0 before the first send
 * @dst: cached route
 * @pto_count: consecutive PTOs (RFC 9002 section 6.2.1)
 * @validated: the peer's address is validated (RFC 9000 section 8)
 * @rx_bytes: bytes received on it before validation
 * @tx_bytes: bytes sent on it before validation
 * @ecn: ECN validation of the path (ecn.c)
 * @pmtu: PLPMTUD of the path (pmtu.c)
 * @check: validation of the peer's address after it moved (path.c)
 */
struct quic_path {
	u32			id;
	union quic_addr		local;
	union quic_addr		remote;
	struct quic_pnspace	space;
	struct quic_rtt		rtt;
	struct quic_cong	cong;
	u32			mtu;
	u32			route_mtu;
	struct dst_cache	dst;
	u32			pto_count;
	bool			validated;
	u64			rx_bytes;
	u64			tx_bytes;
	struct quic_ecn		ecn;
	struct quic_pmtu	pmtu;
	struct quic_path_check	check;
};

/* RFC 9000 section 8.1: before validation, at most three times what the
 * peer sent.
 */
#define QUIC_AMPLIFICATION_FACTOR	3

static inline bool quic_path_amp_blocked(const struct quic_path *path,
					 u32 size)
{
	return !path->validated &&
	       path->tx_bytes + size > QUIC_AMPLIFICATION_FACTOR * path->rx_bytes;
}

/**
 * struct quic_level - one encryption level (RFC 9001 section 4)
 * @send_key: key to protect with
 * @recv_key: key to remove protection with
 * @send_ready: @send_key installed
 * @recv_ready: @recv_key installed
 * @space: packet number space (Initial, Handshake; 1-RTT uses the path's)
 * @crypto_send: CRYPTO data to send
 * @crypto_recv: CRYPTO data received
 */
struct quic_level {
	struct quic_crypto_key	send_key;
	struct quic_crypto_key	recv_key;
	bool			send_ready;
	bool			recv_ready;
	struct quic_pnspace	space;
	struct quic_sbuf	crypto_send;
	struct quic_rbuf	crypto_recv;
};

/* Deferred work of a socket owned by user space when it was due. */
enum {
	QUIC_DEFER_LOSS,
	QUIC_DEFER_ACK,
	QUIC_DEFER_IDLE,
	QUIC_DEFER_PATH,
	QUIC_DEFER_PACE,
	QUIC_DEFER_XMIT,	/* packets came through the backlog */
};

/**
 * struct quic_compat_vn - compatible version negotiation (RFC 9368)
 * @orig_version: the version of the client's first Initial once another
 *	one was negotiated, else 0; the client's 0-RTT packets keep it
 * @initial_dcid: the Destination Connection ID the Initial keys come from
 * @send: Initial send key of the version not in use: client: the one
 *	the server may switch us to, ready beforehand; unused on a server
 * @recv: Initial receive key of the version not in use: client: as
 *	@send; server: the client's original version, for its Initials
 *	still in flight after the switch
 */
struct quic_compat_vn {
	u32			orig_version;
	struct quic_cid		initial_dcid;
	struct quic_crypto_key	send;
	struct quic_crypto_key	recv;
};

/**
 * struct quic_conn - connection state of a QUIC socket
 * @is_server: our role
 * @version: the QUIC version in use
 * @vn: compatible version negotiation (RFC 9368 section 2.3, version.c)
 * @levels: 1-RTT, Initial, Handshake and 0-RTT (indexed by &enum
 *	quic_crypto_level); 0-RTT has keys only, its packets are 1-RTT's space
 * @ku: 1-RTT key update state
 * @path: path 0
 * @ids: connection IDs
 * @reset: the peer's stateless reset token we watch for
 * @odcid: the Destination Connection ID of the client's first Initial
 * @token: client: the token its Initial packets carry (set with
 *	QUIC_SOCKOPT_TOKEN, or from a Retry); server: the NEW_TOKEN token
 * @token_len: its length
 * @new_token: client: the latest NEW_TOKEN token, for later connections
 * @new_token_len: its length
 * @new_token_pending: server: the NEW_TOKEN frame is to be sent
 * @retry_scid: the Source Connection ID of the Retry taken (client), or
 *	sent (server)
 * @retried: a Retry was taken (client) or made this connection (server)
 * @retry_skb: client: the Retry waiting for @retry_work
 * @retry_work: client: acts on the Retry in process context
 * @streams: streams
 * @params: our transport parameters, as encoded in the TLS extension
 * @peer: the peer's transport parameters, once received
 * @peer_params_set: @peer holds what the peer sent
 * @plain_1rtt: both sides sent disable_1rtt_encryption: 1-RTT packets
 *	carry no packet or header protection (quic_packet_unprotected())
 * @send_max_data: the peer's MAX_DATA
 * @send_data: stream bytes sent for the first time (flow control)
 * @recv_max_data: the MAX_DATA we advertised
 * @recv_data: highest received offsets summed over streams
 * @recv_read: stream bytes the application read
 * @recv_window: the connection window now (0: max_data of our parameters)
 * @recv_window_time: when MAX_DATA last moved, for quic_window_tune()
 * @max_data_pending: MAX_DATA to send
 * @data_blocked_pending: DATA_BLOCKED to send
 * @data_blocked_at: the limit the last DATA_BLOCKED reported
 * @initialised: quic_conn_init() ran
 * @dcid_from_peer: the client switched to the server's chosen ID
 * @path_response: data of the PATH_CHALLENGE to answer
 * @path_response_pending: PATH_RESPONSE to send
 * @handshake_done_pending: HANDSHAKE_DONE to send (server)
 * @handshake_confirmed: RFC 9001 section 4.1.2
 * @ping_pending: levels (bits) that must send an ack-eliciting packet
 *	(PTO probes, keepalive)
 * @close_pending: CONNECTION_CLOSE to send
 * @close_sent: it was sent at least once
 * @close_app: it is the application variant (0x1d)
 * @close_code: its error code
 * @close_frame: the frame type that caused a transport error
 * @close_reason: its reason phrase, NUL-terminated
 * @user_close_code: error code set with QUIC_SOCKOPT_CONNECTION_CLOSE
 * @user_close_frame: its frame type
 * @user_close_reason: its reason phrase
 * @user_close_app: @user_close_code is an application error (frame 0x1d)
 * @user_close_set: close() sends @user_close_code
 * @peer_close: the peer's CONNECTION_CLOSE, for the socket option
 * @peer_close_reason: its reason phrase
 * @peer_closed: @peer_close is valid
 * @closing_rx: datagrams received while closing (closing.c rate limit)
 * @orphan: close() left the socket in the closing or draining state;
 *	@closing_reap frees it when the state ends
 * @closing_reap: frees an orphan's connection in process context
 * @early_data: client: stream data and datagrams may be sent before the
 *	handshake completes, in 0-RTT packets once the 0-RTT key is set,
 *	within the remembered parameters (set for resumption)
 * @early_done: 0-RTT is over: no more sent (client) or accepted (server)
 * @pacing: net.quic.pacing when the connection began: its packets are paced
 * @gso: net.quic.gso when the connection began: it sends with UDP GSO
 * @peels: streams peeled off into sockets of their own (peeloff.c)
 * @early_rx: what arrived for the application during the handshake,
 *	delivered when it completes (the TLS library reads the socket)
 * @tls_msg: post-handshake TLS message being gathered (ticket.c)
 * @tls_msg_len: bytes of it so far
 * @pending: packets waiting for their keys
 * @dgram_send: DATAGRAM payloads to send (RFC 9221), charged to the socket
 * @loss_timer: loss detection / PTO (RFC 9002 section 6.2)
 * @ack_timer: delayed ACK
 * @idle_timer: idle timeout (RFC 9000 section 10.1), closing and draining
 * @path_timer: path validation: a new PATH_CHALLENGE, or giving up
 *	(path.c)
 * @pace_timer: pacing: the next packet may leave (pacing.c)
 * @deferred: QUIC_DEFER_* work for release_cb
 * @loss_deadline: when @loss_timer is due
 * @idle_timeout: effective idle timeout, us
 * @last_activity: last packet received or first ack-eliciting sent
 * @tx_in_progress: the transmit path is running (no reentry)
 * @accept_list: child: entry in the listener's queue; listener: the queue
 * @accept_skbs: listener: Initial packets of connections not accepted yet
 * @listener: child not yet accepted: its listening socket
 * @tx_frame: frame being built (too large for the stack)
 * @rx_frame: frame being parsed
 */
struct quic_conn {
	bool			is_server;
	u32			version;
	struct quic_compat_vn	vn;
	struct quic_level	levels[QUIC_CRYPTO_MAX];
	struct quic_key_update	ku;
	struct quic_path	path;
	struct quic_cids	ids;
	struct quic_reset_node	reset;
	struct quic_cid		odcid;
	u8			*token;
	u32			token_len;
	u8			*new_token;
	u32			new_token_len;
	bool			new_token_pending;
	struct quic_cid		retry_scid;
	bool			retried;
	struct sk_buff		*retry_skb;
	struct work_struct	retry_work;
	struct quic_streams	streams;
	struct quic_tparams	params;
	struct quic_tparams	peer;
	bool			peer_params_set;
	bool			plain_1rtt;

	u64			send_max_data;
	u64			send_data;
	u64			recv_max_data;
	u64			recv_data;
	u64			recv_read;
	u64			recv_window;
	ktime_t			recv_window_time;
	bool			max_data_pending;
	bool			data_blocked_pending;
	u64			data_blocked_at;

	bool			initialised;
	bool			dcid_from_peer;
	u8			path_response[QUIC_PATH_DATA_LEN];
	bool			path_response_pending;
	bool			handshake_done_pending;
	bool			handshake_confirmed;
	u8			ping_pending;
	bool			close_pending;
	bool			close_sent;
	bool			close_app;
	u64			close_code;
	u64			close_frame;
	char			close_reason[64];
	u32			user_close_code;
	u8			user_close_frame;
	char			user_close_reason[64];
	bool			user_close_app;
	bool			user_close_set;
	struct quic_connection_close peer_close;
	char			peer_close_reason[64];
	bool			peer_closed;
	u32			closing_rx;
	bool			orphan;
	struct work_struct	closing_reap;

	bool			early_data;
	bool			early_done;
	bool			pacing;
	bool			gso;
	struct sk_buff_head	early_rx;
	u32			peels;
	u8			*tls_msg;
	u32			tls_msg_len;
	struct sk_buff_head	pending;
	struct sk_buff_head	dgram_send;
	struct timer_list	loss_timer;
	struct timer_list	ack_timer;
	struct timer_list	idle_timer;
	struct timer_list	path_timer;
	struct hrtimer		pace_timer;
	unsigned long		deferred;
	ktime_t			loss_deadline;
	u64			idle_timeout;
	ktime_t			last_activity;
	bool			tx_in_progress;

	struct list_head	accept_list;
	struct sk_buff_head	accept_skbs;
	struct sock		*listener;
	struct quic_frame	*tx_frame;
	struct quic_frame	*rx_frame;
};

/* The largest UDP payload worth sending on the path: the peer takes at
 * most its max_udp_payload_size (RFC 9000 section 18.2), the route at
 * most its MTU, and nothing goes above QUIC_PMTU_MAX.
 */
static inline u32 quic_path_mtu_bound(const struct quic_conn *c)
{
	u32 route = c->path.route_mtu ?: QUIC_PMTU_MAX;
	u32 bound = min3((u32)c->peer.p.max_udp_payload_size, route,
			 (u32)QUIC_PMTU_MAX);

	return max_t(u32, bound, QUIC_PATH_MTU_MIN);
}

static inline struct quic_pnspace *quic_conn_space(struct quic_conn *c,
						   u8 level)
{
	/* RFC 9000 section 12.3: 0-RTT and 1-RTT share a space. */
	return level == QUIC_CRYPTO_APP || level == QUIC_CRYPTO_EARLY ?
	       &c->path.space : &c->levels[level].space;
}

int quic_conn_init(struct sock *sk, bool is_server);
void quic_conn_destroy(struct sock *sk);
void quic_conn_remember_params(struct sock *sk);
int quic_conn_initial_keys(struct sock *sk, const struct quic_cid *dcid);
int quic_conn_set_secret(struct sock *sk, const struct quic_crypto_secret *s);
int quic_conn_get_tparams_ext(struct sock *sk, u8 *buf, u32 len);
int quic_conn_set_tparams_ext(struct sock *sk, const u8 *buf, u32 len);
void quic_conn_confirm(struct sock *sk);
void quic_path_mtu_update(struct quic_conn *c);
void quic_conn_discard_level(struct sock *sk, u8 level);
void quic_conn_close(struct sock *sk, u64 code, u64 frame, const char *reason,
		     bool app);
void quic_conn_drain(struct sock *sk, const struct quic_frame *f);
void quic_conn_stateless_reset(struct sock *sk);
void quic_conn_abandon(struct sock *sk, u64 code, const char *reason, int err);
void quic_conn_idle_timeout(struct sock *sk);
void quic_conn_wake(struct sock *sk);
void quic_closing_init(struct sock *sk);
bool quic_closing_rcv(struct sock *sk);
bool quic_closing_linger(struct sock *sk);
void quic_closing_end(struct sock *sk);
void quic_conn_touch(struct sock *sk);
void quic_timer_start(struct sock *sk, int which, u64 us);
void quic_timer_stop(struct sock *sk, int which);
void quic_pace_timer_start(struct sock *sk, ktime_t when);
void quic_release_cb(struct sock *sk);

#endif /* __NET_QUIC_CONN_H */
