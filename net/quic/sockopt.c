// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC socket options (draft-lxin-quic-socket-apis-02 section 5): the
 * option table, the options that configure a socket before it connects,
 * and those of the handshake and of streams. Options not implemented yet
 * fail with -EOPNOTSUPP; an option used in a direction it does not have
 * (or an unknown one) fails with -ENOPROTOOPT.
 */

#include <linux/slab.h>
#include <linux/tls.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "input.h"
#include "output.h"
#include "protocol.h"
#include "socket.h"
#include "ticket.h"

#define QUIC_OPT_GET	BIT(0)
#define QUIC_OPT_SET	BIT(1)
#define QUIC_OPT_RW	(QUIC_OPT_GET | QUIC_OPT_SET)

/* Directions of each option of the draft (section 5). */
static const u8 quic_sockopt_dirs[] = {
	[QUIC_SOCKOPT_EVENT]			= QUIC_OPT_RW,
	[QUIC_SOCKOPT_STREAM_OPEN]		= QUIC_OPT_GET,
	[QUIC_SOCKOPT_STREAM_RESET]		= QUIC_OPT_SET,
	[QUIC_SOCKOPT_STREAM_STOP_SENDING]	= QUIC_OPT_SET,
	[QUIC_SOCKOPT_CONNECTION_ID]		= QUIC_OPT_RW,
	[QUIC_SOCKOPT_CONNECTION_CLOSE]		= QUIC_OPT_RW,
	[QUIC_SOCKOPT_CONNECTION_MIGRATION]	= QUIC_OPT_SET,
	[QUIC_SOCKOPT_KEY_UPDATE]		= QUIC_OPT_SET,
	[QUIC_SOCKOPT_TRANSPORT_PARAM]		= QUIC_OPT_RW,
	[QUIC_SOCKOPT_CONFIG]			= QUIC_OPT_RW,
	[QUIC_SOCKOPT_TOKEN]			= QUIC_OPT_RW,
	[QUIC_SOCKOPT_ALPN]			= QUIC_OPT_RW,
	[QUIC_SOCKOPT_SESSION_TICKET]		= QUIC_OPT_RW,
	[QUIC_SOCKOPT_CRYPTO_SECRET]		= QUIC_OPT_SET,
	[QUIC_SOCKOPT_TRANSPORT_PARAM_EXT]	= QUIC_OPT_RW,
	[QUIC_SOCKOPT_STREAM_PEELOFF]		= QUIC_OPT_GET,
};

/* Accepted sizes: the draft's, and the shorter ones of earlier users. */
#define QUIC_PARAM_MIN_LEN	offsetof(struct quic_transport_param, reserved)
#define QUIC_CONFIG_MIN_LEN	offsetof(struct quic_config, keepalive_probe_interval)

/* RFC 9000 section 18.2: what a peer that sent no parameter means. */
static const struct quic_transport_param quic_remote_param_defaults = {
	.remote				= 1,
	.max_udp_payload_size		= QUIC_MAX_UDP_PAYLOAD,
	.ack_delay_exponent		= 3,
	.max_ack_delay			= 25000,
	.active_connection_id_limit	= QUIC_MIN_CONN_ID_LIMIT,
};

/* Our defaults, as draft-lxin-quic-socket-apis-02 lists them. */
static const struct quic_transport_param quic_local_param_defaults = {
	.max_udp_payload_size		= QUIC_MAX_UDP_PAYLOAD,
	.ack_delay_exponent		= 3,
	.max_ack_delay			= 25000,
	.active_connection_id_limit	= 7,
	.max_idle_timeout		= 30 * 1000 * 1000,
	.max_streams_bidi		= 100,
	.max_streams_uni		= 100,
	.max_data			= 65536 * 32,
	.max_stream_data_bidi_local	= 65536 * 4,
	.max_stream_data_bidi_remote	= 65536 * 4,
	.max_stream_data_uni		= 65536 * 4,
};

static const struct quic_config quic_config_defaults = {
	.version			= QUIC_VERSION_V1,
	.initial_smoothed_rtt		= 333000,
	.congestion_control_algo	= QUIC_CONG_ALG_RENO,
};

void quic_sockopt_init(struct quic_sock *qs)
{
	qs->config = quic_config_defaults;
	/* net.quic.congestion_control (sysctl.c) */
	qs->config.congestion_control_algo =
		READ_ONCE(quic_net(sock_net(&qs->inet.sk))->cong_algo);
	qs->local_param = quic_local_param_defaults;
	qs->remote_param = quic_remote_param_defaults;
	qs->events = 0;
	qs->alpn = NULL;
	qs->token = NULL;
	qs->token_len = 0;
	qs->ticket = NULL;
	qs->ticket_len = 0;
}

void quic_sockopt_destroy(struct quic_sock *qs)
{
	kfree(qs->alpn);
	qs->alpn = NULL;
	kfree(qs->token);
	qs->token = NULL;
	qs->token_len = 0;
	quic_ticket_free(&qs->inet.sk);
}

/* QUIC_SOCKOPT_EVENT */

static int quic_sockopt_set_event(struct quic_sock *qs, sockptr_t optval,
				  unsigned int optlen)
{
	struct quic_event_option ev;

	if (optlen != sizeof(ev))
		return -EINVAL;
	if (copy_from_sockptr(&ev, optval, sizeof(ev)))
		return -EFAULT;
	if (ev.type == QUIC_EVENT_NONE || ev.type >= QUIC_EVENT_MAX)
		return -EINVAL;
	if (ev.on)
		qs->events |= BIT(ev.type);
	else
		qs->events &= ~BIT(ev.type);
	return 0;
}

static int quic_sockopt_get_event(struct quic_sock *qs, int len,
				  char __user *optval, int __user *optlen)
{
	struct quic_event_option ev;

	if (len < (int)sizeof(ev))
		return -EINVAL;
	if (copy_from_user(&ev, optval, sizeof(ev)))
		return -EFAULT;
	if (ev.type == QUIC_EVENT_NONE || ev.type >= QUIC_EVENT_MAX)
		return -EINVAL;
	ev.on = !!(qs->events & BIT(ev.type));
	if (put_user(sizeof(ev), optlen) ||
	    copy_to_user(optval, &ev, sizeof(ev)))
		return -EFAULT;
	return 0;
}

/* QUIC_SOCKOPT_TRANSPORT_PARAM: RFC 9000 section 18.2 bounds. */

static int quic_param_check(const struct quic_transport_param *p)
{
	if (p->remote > 1 || p->reserved)
		return -EINVAL;
	if (p->max_udp_payload_size &&
	    (p->max_udp_payload_size < QUIC_MIN_UDP_PAYLOAD ||
	     p->max_udp_payload_size > QUIC_MAX_UDP_PAYLOAD))
		return -EINVAL;
	if (p->ack_delay_exponent > QUIC_MAX_ACK_DELAY_EXPONENT)
		return -EINVAL;
	if (p->max_ack_delay >= QUIC_MAX_ACK_DELAY)
		return -EINVAL;
	if (p->active_connection_id_limit &&
	    (p->active_connection_id_limit < QUIC_MIN_CONN_ID_LIMIT ||
	     p->active_connection_id_limit > QUIC_MAX_CONN_ID_LIMIT))
		return -EINVAL;
	if (p->max_idle_timeout && p->max_idle_timeout < QUIC_MIN_IDLE_TIMEOUT)
		return -EINVAL;
	if (p->max_streams_bidi > QUIC_MAX_STREAMS ||
	    p->max_streams_uni > QUIC_MAX_STREAMS)
		return -EINVAL;
	if (p->max_data > QUIC_MAX_DATA ||
	    p->max_stream_data_bidi_local > QUIC_MAX_STREAM_DATA ||
	    p->max_stream_data_bidi_remote > QUIC_MAX_STREAM_DATA ||
	    p->max_stream_data_uni > QUIC_MAX_STREAM_DATA)
		return -EINVAL;
	return 0;
}

/* A field left 0 keeps its value; flags are booleans. */
static void quic_param_merge(struct quic_transport_param *dst,
			     const struct quic_transport_param *src)
{
	if (src->disable_active_migration)
		dst->disable_active_migration = 1;
	if (src->grease_quic_bit)
		dst->grease_quic_bit = 1;
	if (src->stateless_reset)
		dst->stateless_reset = 1;
	if (src->disable_1rtt_encryption)
		dst->disable_1rtt_encryption = 1;
	if (src->disable_compatible_version)
		dst->disable_compatible_version = 1;
	if (src->active_connection_id_limit)
		dst->active_connection_id_limit = src->active_connection_id_limit;
	if (src->ack_delay_exponent)
		dst->ack_delay_exponent = src->ack_delay_exponent;
	if (src->max_datagram_frame_size)
		dst->max_datagram_frame_size = src->max_datagram_frame_size;
	if (src->max_udp_payload_size)
		dst->max_udp_payload_size = src->max_udp_payload_size;
	if (src->max_idle_timeout)
		dst->max_idle_timeout = src->max_idle_timeout;
	if (src->max_ack_delay)
		dst->max_ack_delay = src->max_ack_delay;
	if (src->max_streams_bidi)
		dst->max_streams_bidi = src->max_streams_bidi;
	if (src->max_streams_uni)
		dst->max_streams_uni = src->max_streams_uni;
	if (src->max_data)
		dst->max_data = src->max_data;
	if (src->max_stream_data_bidi_local)
		dst->max_stream_data_bidi_local = src->max_stream_data_bidi_local;
	if (src->max_stream_data_bidi_remote)
		dst->max_stream_data_bidi_remote = src->max_stream_data_bidi_remote;
	if (src->max_stream_data_uni)
		dst->max_stream_data_uni = src->max_stream_data_uni;
}

static int quic_sockopt_set_param(struct sock *sk, sockptr_t optval,
				  unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_transport_param p = {};
	int err;

	if (optlen < QUIC_PARAM_MIN_LEN || optlen > sizeof(p))
		return -EINVAL;
	if (copy_from_sockptr(&p, optval, optlen))
		return -EFAULT;
	err = quic_param_check(&p);
	if (err)
		return err;
	/* The peer's parameters are set by a client about to resume, from
	 * those of the session's connection (RFC 9000 section 7.4.1), after
	 * connect() at the latest: they bound its 0-RTT data until the
	 * server's own arrive, and cannot change after that.
	 */
	if (p.remote) {
		if (qs->conn.is_server || qs->conn.peer_params_set ||
		    (sk->sk_state != QUIC_SS_CLOSED &&
		     sk->sk_state != QUIC_SS_ESTABLISHING))
			return -EISCONN;
		quic_param_merge(&qs->remote_param, &p);
		qs->remote_set = true;
		if (qs->conn.initialised)
			quic_conn_remember_params(sk);
		return 0;
	}
	quic_param_merge(&qs->local_param, &p);
	return 0;
}

static int quic_sockopt_get_param(struct sock *sk, int len,
				  char __user *optval, int __user *optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_transport_param p;
	u8 remote;

	if (len < (int)QUIC_PARAM_MIN_LEN)
		return -EINVAL;
	if (get_user(remote, (u8 __user *)optval))
		return -EFAULT;
	if (remote > 1)
		return -EINVAL;
	p = remote ? qs->remote_param : qs->local_param;
	p.remote = remote;
	len = min_t(int, len, sizeof(p));
	if (put_user(len, optlen) || copy_to_user(optval, &p, len))
		return -EFAULT;
	return 0;
}

/* QUIC_SOCKOPT_CONFIG */

static int quic_config_check(const struct quic_config *c)
{
	if (c->version && c->version != QUIC_VERSION_V1 &&
	    c->version != QUIC_VERSION_V2)
		return -EINVAL;
	if (c->plpmtud_probe_interval &&
	    (c->plpmtud_probe_interval < QUIC_MIN_PLPMTUD_INTERVAL ||
	     c->plpmtud_probe_interval > QUIC_MAX_PLPMTUD_INTERVAL))
		return -EINVAL;
	if (c->initial_smoothed_rtt &&
	    (c->initial_smoothed_rtt < QUIC_MIN_INITIAL_RTT ||
	     c->initial_smoothed_rtt > QUIC_MAX_INITIAL_RTT))
		return -EINVAL;
	switch (c->payload_cipher_type) {
	case 0:
	case TLS_CIPHER_AES_GCM_128:
	case TLS_CIPHER_AES_GCM_256:
	case TLS_CIPHER_CHACHA20_POLY1305:
		break;
	case TLS_CIPHER_AES_CCM_128:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	if (c->congestion_control_algo >= QUIC_CONG_ALG_MAX)
		return -EINVAL;
	if (c->congestion_control_algo == QUIC_CONG_ALG_BBR)
		return -EOPNOTSUPP;
	if (c->certificate_request > 2)
		return -EINVAL;
	if (c->reserved[0] || c->reserved[1] || c->reserved[2])
		return -EINVAL;
	if (c->keepalive_probe_interval &&
	    (c->keepalive_probe_interval < QUIC_MIN_KEEPALIVE_INTERVAL ||
	     c->keepalive_probe_interval > QUIC_MAX_KEEPALIVE_INTERVAL))
		return -EINVAL;
	return 0;
}

static int quic_sockopt_set_config(struct sock *sk, sockptr_t optval,
				   unsigned int optlen)
{
	struct quic_config *dst = &quic_sk(sk)->config;
	struct quic_config c = {};
	int err;

	if (optlen < QUIC_CONFIG_MIN_LEN || optlen > sizeof(c))
		return -EINVAL;
	if (copy_from_sockptr(&c, optval, optlen))
		return -EFAULT;
	err = quic_config_check(&c);
	if (err)
		return err;
	if (c.version)
		dst->version = c.version;
	if (c.plpmtud_probe_interval)
		dst->plpmtud_probe_interval = c.plpmtud_probe_interval;
	if (c.initial_smoothed_rtt)
		dst->initial_smoothed_rtt = c.initial_smoothed_rtt;
	if (c.payload_cipher_type)
		dst->payload_cipher_type = c.payload_cipher_type;
	if (c.congestion_control_algo)
		dst->congestion_control_algo = c.congestion_control_algo;
	if (c.receive_session_ticket)
		dst->receive_session_ticket = c.receive_session_ticket;
	if (c.certificate_request)
		dst->certificate_request = c.certificate_request;
	if (c.keepalive_probe_interval)
		dst->keepalive_probe_interval = c.keepalive_probe_interval;
	if (c.validate_peer_address)
		dst->validate_peer_address = 1;
	if (c.stream_data_nodelay)
		dst->stream_data_nodelay = 1;
	return 0;
}

static int quic_sockopt_get_config(struct sock *sk, int len,
				   char __user *optval, int __user *optlen)
{
	/* Copied out of the socket first: sock slabs are not usercopy-whitelisted. */
	struct quic_config c = quic_sk(sk)->config;

	/* Once there is a connection: the version it uses. */
	if (quic_sk(sk)->conn.initialised)
		c.version = quic_sk(sk)->conn.version;

	if (len < (int)QUIC_CONFIG_MIN_LEN)
		return -EINVAL;
	len = min_t(int, len, sizeof(c));
	if (put_user(len, optlen) || copy_to_user(optval, &c, len))
		return -EFAULT;
	return 0;
}

/* QUIC_SOCKOPT_ALPN: "id[,id]..." (RFC 7301 section 3.1 identifiers). */

static int quic_alpn_check(const char *alpn, unsigned int len)
{
	unsigned int i, id_len = 0;

	for (i = 0; i < len; i++) {
		if (alpn[i] == ',') {
			if (!id_len)
				return -EINVAL;
			id_len = 0;
			continue;
		}
		if (!alpn[i])
			return -EINVAL;
		id_len++;
	}
	return id_len ? 0 : -EINVAL;
}

static int quic_sockopt_set_alpn(struct sock *sk, sockptr_t optval,
				 unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	char *alpn;
	int err;

	if (!optlen || optlen > QUIC_ALPN_MAX_LEN + 1)
		return -EINVAL;
	alpn = kzalloc(optlen + 1, GFP_KERNEL);
	if (!alpn)
		return -ENOMEM;
	if (copy_from_sockptr(alpn, optval, optlen)) {
		kfree(alpn);
		return -EFAULT;
	}
	/* A C string may come with its terminating NUL. */
	if (!alpn[optlen - 1])
		optlen--;
	err = -EINVAL;
	if (optlen > QUIC_ALPN_MAX_LEN || quic_alpn_check(alpn, optlen))
		goto err_free;
	if (sk->sk_state == TCP_LISTEN)
		goto err_free;
	kfree(qs->alpn);
	qs->alpn = alpn;
	return 0;

err_free:
	kfree(alpn);
	return err;
}

static int quic_sockopt_get_alpn(struct sock *sk, int len,
				 char __user *optval, int __user *optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	int alpn_len = qs->alpn ? strlen(qs->alpn) : 0;

	if (len < alpn_len)
		return -EINVAL;
	/* Add the NUL when it fits; the length does not count it. */
	if (copy_to_user(optval, qs->alpn ?: "", min(len, alpn_len + 1)) ||
	    put_user(alpn_len, optlen))
		return -EFAULT;
	return 0;
}

/* QUIC_SOCKOPT_CRYPTO_SECRET: the kernel derives the keys itself. */
static int quic_sockopt_set_secret(struct sock *sk, sockptr_t optval,
				   unsigned int optlen)
{
	struct quic_crypto_secret secret;
	int err;

	if (optlen != sizeof(secret))
		return -EINVAL;
	if (copy_from_sockptr(&secret, optval, sizeof(secret)))
		return -EFAULT;
	err = -EINVAL;
	if (secret.send <= 1 && !secret.reserved)
		err = quic_conn_set_secret(sk, &secret);
	memzero_explicit(&secret, sizeof(secret));
	return err;
}

/* QUIC_SOCKOPT_TRANSPORT_PARAM_EXT: the TLS extension body, both ways. */
#define QUIC_TPARAM_EXT_MAX	512

static int quic_sockopt_set_param_ext(struct sock *sk, sockptr_t optval,
				      unsigned int optlen)
{
	u8 *buf;
	int err;

	if (!optlen || optlen > QUIC_TPARAM_EXT_MAX)
		return -EINVAL;
	buf = memdup_sockptr(optval, optlen);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = quic_conn_set_tparams_ext(sk, buf, optlen);
	kfree(buf);
	return err;
}

static int quic_sockopt_get_param_ext(struct sock *sk, int len,
				      char __user *optval, int __user *optlen)
{
	u8 *buf;
	int n;

	buf = kzalloc(QUIC_TPARAM_EXT_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = quic_conn_get_tparams_ext(sk, buf, QUIC_TPARAM_EXT_MAX);
	if (n >= 0 && len < n)
		n = -EINVAL;
	if (n >= 0 && (copy_to_user(optval, buf, n) || put_user(n, optlen)))
		n = -EFAULT;
	kfree(buf);
	return n < 0 ? n : 0;
}

/* QUIC_SOCKOPT_CONNECTION_CLOSE: set, the error code and phrase close()
 * sends; get, what the peer closed the connection with. Set during the
 * handshake, a code of 0x100-0x1ff is a TLS alert and goes as a transport
 * error (RFC 9001 section 4.8); once the connection is established every
 * code is the application's (RFC 9000 section 20.2: HTTP/3's own codes are
 * 0x100-0x110, RFC 9114 section 8.1).
 */
static int quic_sockopt_set_close(struct sock *sk, sockptr_t optval,
				  unsigned int optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	char reason[sizeof(c->user_close_reason)];
	struct quic_connection_close cc;
	u32 n;

	if (optlen < offsetof(struct quic_connection_close, phrase) ||
	    optlen > sizeof(cc) + sizeof(c->close_reason))
		return -EINVAL;
	if (copy_from_sockptr(&cc, optval,
			      offsetof(struct quic_connection_close, phrase)))
		return -EFAULT;
	n = optlen - offsetof(struct quic_connection_close, phrase);
	n = min_t(u32, n, sizeof(reason) - 1);
	/* Through the stack: hardened usercopy guards the socket object. */
	memset(reason, 0, sizeof(reason));
	if (n && copy_from_sockptr_offset(reason, optval,
					  offsetof(struct quic_connection_close,
						   phrase), n))
		return -EFAULT;
	memcpy(c->user_close_reason, reason, sizeof(reason));
	c->user_close_code = cc.errcode;
	c->user_close_frame = cc.frame;
	c->user_close_app = sk->sk_state == QUIC_SS_ESTABLISHED ||
			    cc.errcode < QUIC_TRANSPORT_ERROR_CRYPTO ||
			    cc.errcode > 0x1ff;
	c->user_close_set = true;
	return 0;
}

static int quic_sockopt_get_close(struct sock *sk, int len,
				  char __user *optval, int __user *optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u32 off = offsetof(struct quic_connection_close, phrase);
	u32 n = strlen(c->peer_close_reason) + 1;
	char reason[sizeof(c->peer_close_reason)];
	struct quic_connection_close cc;

	if (!c->peer_closed)
		return -ENOTCONN;
	if (len < (int)(off + n))
		return -EINVAL;
	/* Through the stack: hardened usercopy guards the socket object. */
	cc = c->peer_close;
	memcpy(reason, c->peer_close_reason, sizeof(reason));
	if (copy_to_user(optval, &cc, off) ||
	    copy_to_user(optval + off, reason, n) ||
	    put_user(off + n, optlen))
		return -EFAULT;
	return 0;
}

/* QUIC_SOCKOPT_TOKEN (RFC 9000 section 8.1.3). A client gets the latest
 * NEW_TOKEN token of its connection, to set on a later socket, whose
 * first Initial then carries it. Servers have no token to give.
 */
static int quic_sockopt_get_token(struct sock *sk, int len,
				  char __user *optval, int __user *optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u32 n = c->new_token_len;

	if (c->is_server || sk->sk_state == QUIC_SS_LISTENING)
		return -EINVAL;
	if (len < n)
		return -EINVAL;
	if (put_user(n, optlen) || copy_to_user(optval, c->new_token, n))
		return -EFAULT;
	return 0;
}

static int quic_sockopt_set_token(struct sock *sk, sockptr_t optval,
				  unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *token = NULL;

	if (optlen > QUIC_RETRY_TOKEN_MAX)
		return -EINVAL;
	if (sk->sk_state != QUIC_SS_CLOSED || qs->conn.initialised)
		return -EISCONN;
	if (optlen) {
		token = memdup_sockptr(optval, optlen);
		if (IS_ERR(token))
			return PTR_ERR(token);
	}
	kfree(qs->token);
	qs->token = token;
	qs->token_len = optlen;
	return 0;
}

/* QUIC_SOCKOPT_SESSION_TICKET (see ticket.c): the bytes as set, or a
 * client's latest NewSessionTicket; optlen 0 when there are none.
 */
static int quic_sockopt_get_ticket(struct sock *sk, int len,
				   char __user *optval, int __user *optlen)
{
	struct quic_sock *qs = quic_sk(sk);

	if (len < qs->ticket_len)
		return -EINVAL;
	if (put_user(qs->ticket_len, optlen) ||
	    copy_to_user(optval, qs->ticket, qs->ticket_len))
		return -EFAULT;
	return 0;
}

static int quic_sockopt_set_ticket(struct sock *sk, sockptr_t optval,
				   unsigned int optlen)
{
	u8 *data;
	int err;

	if (optlen > QUIC_TICKET_MAX)
		return -EINVAL;
	if (!optlen)
		return quic_ticket_set(sk, NULL, 0);
	data = memdup_sockptr(optval, optlen);
	if (IS_ERR(data))
		return PTR_ERR(data);
	err = quic_ticket_set(sk, data, optlen);
	kfree_sensitive(data);
	return err;
}

/* QUIC_SOCKOPT_STREAM_RESET and _STOP_SENDING (RFC 9000 section 3.5). */
static int quic_sockopt_set_stream_err(struct sock *sk, int optname,
				       sockptr_t optval, unsigned int optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_errinfo ei;
	struct quic_stream *st;

	if (optlen != sizeof(ei))
		return -EINVAL;
	if (copy_from_sockptr(&ei, optval, sizeof(ei)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	st = quic_stream_find(&c->streams, ei.stream_id);
	if (!st)
		return -EINVAL;
	if (optname == QUIC_SOCKOPT_STREAM_RESET) {
		if (!st->can_send)
			return -EINVAL;
		quic_stream_reset(sk, st, ei.errcode);
	} else {
		if (!st->can_recv)
			return -EINVAL;
		if (st->recv_state == QUIC_STREAM_RECV_STATE_RECV) {
			st->stop_code = ei.errcode;
			st->stop_pending = true;
			quic_stream_queue(&c->streams, st);
		}
	}
	quic_xmit(sk);
	return 0;
}

/* QUIC_SOCKOPT_CONNECTION_ID: which IDs are in use (RFC 9000 5.1). */
static int quic_sockopt_get_cid(struct sock *sk, int len, char __user *optval,
				int __user *optlen)
{
	struct quic_cids *ids = &quic_sk(sk)->conn.ids;
	struct quic_connection_id_info info;
	struct quic_dcid *d;

	if (len < (int)sizeof(info))
		return -EINVAL;
	if (copy_from_user(&info, optval, sizeof(info)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (info.dest) {
		d = quic_cid_first_dcid(ids);
		if (!d)
			return -ENOTCONN;
		info.active = d->seq;
		info.prior_to = ids->dcid_retire_prior_to;
	} else {
		info.active = quic_cid_scid_active(ids);
		info.prior_to = ids->scid_retire_prior_to;
	}
	if (copy_to_user(optval, &info, sizeof(info)) ||
	    put_user(sizeof(info), optlen))
		return -EFAULT;
	return 0;
}

/* Set: switch to (and retire below) another of the peer's IDs, or ask the
 * peer to retire ours below @prior_to.
 */
static int quic_sockopt_set_cid(struct sock *sk, sockptr_t optval,
				unsigned int optlen)
{
	struct quic_cids *ids = &quic_sk(sk)->conn.ids;
	struct quic_connection_id_info info;
	int err;

	if (optlen < sizeof(info))
		return -EINVAL;
	if (copy_from_sockptr(&info, optval, sizeof(info)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (info.dest) {
		err = quic_cid_dcid_use(ids, max(info.active, info.prior_to));
		if (!err)
			quic_reset_token_update(sk);
	} else {
		err = quic_cid_scid_retire_prior(ids, sk, info.prior_to,
						 GFP_KERNEL);
	}
	if (!err)
		quic_xmit(sk);
	return err;
}

/* QUIC_SOCKOPT_CONNECTION_MIGRATION, a struct sockaddr_in or sockaddr_in6
 * (path.c): a client moves to it as its new local address; on a listener
 * it is the preferred_address its connections offer.
 */
static int quic_sockopt_set_migration(struct sock *sk, sockptr_t optval,
				      unsigned int optlen)
{
	struct sockaddr_storage ss;
	union quic_addr a;
	int err;

	if (optlen > sizeof(ss))
		optlen = sizeof(ss);
	if (optlen < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (copy_from_sockptr(&ss, optval, optlen))
		return -EFAULT;
	err = quic_addr_from_user(sk, (struct sockaddr *)&ss, optlen, &a);
	if (err)
		return err;
	if (sk->sk_state == QUIC_SS_LISTENING)
		return quic_path_set_preferred(sk, &a);
	return quic_path_migrate(sk, &a);
}

/* QUIC_SOCKOPT_STREAM_OPEN: open a stream now and learn its ID. */
static int quic_sockopt_get_stream_open(struct sock *sk, int len,
					char __user *optval,
					int __user *optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream_info si;
	u64 send_max, recv_max;
	struct quic_stream *st;
	int err;

	if (len < (int)sizeof(si))
		return -EINVAL;
	if (copy_from_user(&si, optval, sizeof(si)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (si.stream_id == -1)
		si.stream_id = quic_stream_next_id(&c->streams,
						   si.stream_flags & MSG_STREAM_UNI);
	if (quic_stream_find(&c->streams, si.stream_id))
		return -EEXIST;
	quic_stream_limits(c, si.stream_id, &send_max, &recv_max);
	st = quic_stream_open_local(&c->streams, si.stream_id, send_max,
				    recv_max, GFP_KERNEL, &err);
	if (!st) {
		quic_xmit(sk);	/* STREAMS_BLOCKED */
		return err;
	}
	if (copy_to_user(optval, &si, sizeof(si)) || put_user(sizeof(si), optlen))
		return -EFAULT;
	return 0;
}

static int quic_sockopt_dir(int optname, u8 dir)
{
	if (optname < 0 || optname >= ARRAY_SIZE(quic_sockopt_dirs) ||
	    !(quic_sockopt_dirs[optname] & dir))
		return -ENOPROTOOPT;
	return 0;
}

/* QUIC_SOCKOPT_KEY_UPDATE: start a key update; the option has no value. */
static int quic_sockopt_set_key_update(struct sock *sk, unsigned int optlen)
{
	int err;

	if (optlen)
		return -EINVAL;
	err = quic_ku_initiate(sk);
	if (err == -EAGAIN)
		quic_xmit(sk);	/* the PING it may have asked for */
	if (err)
		return err;
	/* Process context: the next keys now rather than from the work. */
	quic_ku_prepare(sk);
	quic_xmit(sk);
	return 0;
}

int quic_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	int err;

	if (level != SOL_QUIC) {
		if (sk->sk_family == AF_INET6)
			return ipv6_setsockopt(sk, level, optname, optval, optlen);
		return ip_setsockopt(sk, level, optname, optval, optlen);
	}
	err = quic_sockopt_dir(optname, QUIC_OPT_SET);
	if (err)
		return err;

	lock_sock(sk);
	switch (optname) {
	case QUIC_SOCKOPT_EVENT:
		err = quic_sockopt_set_event(qs, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		err = quic_sockopt_set_param(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONFIG:
		err = quic_sockopt_set_config(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_ALPN:
		err = quic_sockopt_set_alpn(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		err = quic_sockopt_set_secret(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		err = quic_sockopt_set_param_ext(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		err = quic_sockopt_set_close(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_STREAM_RESET:
	case QUIC_SOCKOPT_STREAM_STOP_SENDING:
		err = quic_sockopt_set_stream_err(sk, optname, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_ID:
		err = quic_sockopt_set_cid(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_MIGRATION:
		err = quic_sockopt_set_migration(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_KEY_UPDATE:
		err = quic_sockopt_set_key_update(sk, optlen);
		break;
	case QUIC_SOCKOPT_TOKEN:
		err = quic_sockopt_set_token(sk, optval, optlen);
		break;
	case QUIC_SOCKOPT_SESSION_TICKET:
		err = quic_sockopt_set_ticket(sk, optval, optlen);
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	release_sock(sk);
	return err;
}

int quic_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	int len, err;

	if (level != SOL_QUIC) {
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval, optlen);
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	err = quic_sockopt_dir(optname, QUIC_OPT_GET);
	if (err)
		return err;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	lock_sock(sk);
	switch (optname) {
	case QUIC_SOCKOPT_EVENT:
		err = quic_sockopt_get_event(qs, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		err = quic_sockopt_get_param(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONFIG:
		err = quic_sockopt_get_config(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_ALPN:
		err = quic_sockopt_get_alpn(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		err = quic_sockopt_get_param_ext(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		err = quic_sockopt_get_close(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_TOKEN:
		err = quic_sockopt_get_token(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_SESSION_TICKET:
		err = quic_sockopt_get_ticket(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_STREAM_OPEN:
		err = quic_sockopt_get_stream_open(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_CONNECTION_ID:
		err = quic_sockopt_get_cid(sk, len, optval, optlen);
		break;
	case QUIC_SOCKOPT_STREAM_PEELOFF:
		err = quic_peel_stream(sk, len, optval, optlen);
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	release_sock(sk);
	return err;
}
