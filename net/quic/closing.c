// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The closing and draining states (RFC 9000 section 10.2): entering them,
 * answering what still arrives while closing, and keeping a connection
 * closed by close() alive for those three PTOs after its file is gone.
 */

#include <linux/log2.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include "output.h"
#include "protocol.h"
#include "socket.h"

/* The sk_err a close with @code gives user space: 0 is a clean end. */
static int quic_close_errno(u64 code, bool app)
{
	int err = -EPROTO;

	if (code == QUIC_TRANSPORT_ERROR_NONE)
		err = 0;
	else if (app)
		err = -ECONNRESET;
	else if (code == QUIC_TRANSPORT_ERROR_CONNECTION_REFUSED ||
		 (code >= QUIC_TRANSPORT_ERROR_CRYPTO && code <= 0x1ff))
		err = -ECONNREFUSED;
	return -err;
}

/**
 * quic_conn_close - close the connection with CONNECTION_CLOSE
 * @sk: the socket
 * @code: transport or application error code
 * @frame: frame type that caused a transport error, 0 otherwise
 * @reason: reason phrase
 * @app: @code is an application error (frame type 0x1d)
 *
 * RFC 9000 section 10.2.1: the closing state lasts three PTOs.
 */
void quic_conn_close(struct sock *sk, u64 code, u64 frame, const char *reason,
		     bool app)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (sk->sk_state == QUIC_SS_CLOSING || sk->sk_state == QUIC_SS_CLOSED ||
	    !c->initialised)
		return;
	c->close_code = code;
	c->close_frame = frame;
	c->close_app = app;
	strscpy(c->close_reason, reason ?: "", sizeof(c->close_reason));
	c->close_pending = true;
	if (quic_close_errno(code, app))
		WRITE_ONCE(sk->sk_err, quic_close_errno(code, app));
	inet_sk_set_state(sk, QUIC_SS_CLOSING);
	quic_xmit(sk);
	quic_timer_stop(sk, QUIC_DEFER_LOSS);
	quic_timer_stop(sk, QUIC_DEFER_ACK);
	quic_timer_stop(sk, QUIC_DEFER_PATH);
	quic_timer_start(sk, QUIC_DEFER_IDLE, 3ULL * quic_recovery_pto_us(sk));
	quic_conn_wake(sk);
}

/* The draining state (RFC 9000 section 10.2.2): nothing more is sent. */
static void quic_conn_enter_draining(struct sock *sk, u64 code, u64 frame,
				     const u8 *reason, u32 reason_len, int err)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u32 n = min_t(u32, reason_len, sizeof(c->peer_close_reason) - 1);

	if (sk->sk_state == QUIC_SS_CLOSING || sk->sk_state == QUIC_SS_CLOSED)
		return;
	c->peer_close.errcode = code;
	c->peer_close.frame = frame;
	memcpy(c->peer_close_reason, reason, n);
	c->peer_close_reason[n] = '\0';
	c->peer_closed = true;
	if (err)
		WRITE_ONCE(sk->sk_err, err);
	inet_sk_set_state(sk, QUIC_SS_CLOSING);
	quic_event_connection_close(sk);
	quic_timer_stop(sk, QUIC_DEFER_LOSS);
	quic_timer_stop(sk, QUIC_DEFER_ACK);
	quic_timer_stop(sk, QUIC_DEFER_PATH);
	quic_timer_start(sk, QUIC_DEFER_IDLE, 3ULL * quic_recovery_pto_us(sk));
	quic_conn_wake(sk);
}

/* The peer closed with CONNECTION_CLOSE. */
void quic_conn_drain(struct sock *sk, const struct quic_frame *f)
{
	bool app = f->type == QUIC_FRAME_CONNECTION_CLOSE_APP;

	quic_conn_enter_draining(sk, f->close.error_code, f->close.frame_type,
				 f->close.reason, f->close.reason_len,
				 quic_close_errno(f->close.error_code, app));
}

/**
 * quic_conn_abandon - give up a connection without telling the peer
 * @sk: the socket
 * @code: transport error code for QUIC_SOCKOPT_CONNECTION_CLOSE
 * @reason: its reason phrase
 * @err: the errno user space sees
 *
 * For a peer that cannot be talked to, such as one without a common
 * version (RFC 9000 section 6.2).
 */
void quic_conn_abandon(struct sock *sk, u64 code, const char *reason, int err)
{
	quic_conn_enter_draining(sk, code, 0, reason, strlen(reason), err);
}

/* RFC 9000 section 10.3.1: the peer lost the connection's state. */
void quic_conn_stateless_reset(struct sock *sk)
{
	static const char reason[] = "stateless reset";

	quic_conn_enter_draining(sk, QUIC_TRANSPORT_ERROR_NONE, 0, reason,
				 sizeof(reason) - 1, ECONNRESET);
}

/**
 * quic_closing_rcv - a datagram arrived for a closing or draining connection
 * @sk: the socket
 *
 * RFC 9000 section 10.2.1: a closing endpoint answers packets it
 * attributes to the connection with its CONNECTION_CLOSE, for the first
 * one may have been lost; it limits the rate of those answers, here to
 * the 1st, 2nd, 4th, 8th... datagram. Section 10.2.2: draining sends
 * nothing. Nothing of the datagram is processed.
 *
 * Return: true when a CONNECTION_CLOSE is to be sent (close_pending).
 */
bool quic_closing_rcv(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (c->peer_closed || !c->close_sent)
		return false;
	if (!is_power_of_2(++c->closing_rx))
		return false;
	c->close_pending = true;
	return true;
}

/* The orphan's UDP sockets: they stay open, not holding their address. */
static void quic_closing_orphan_udp(struct sock *sk, bool orphan)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->udp)
		quic_udp_sock_orphan(sock_net(sk), qs->udp, orphan);
	if (qs->pref_udp)
		quic_udp_sock_orphan(sock_net(sk), qs->pref_udp, orphan);
}

/* Process context: the connection's state needs the socket lock and
 * mutexes (its UDP socket), so the idle timer leaves the teardown here.
 */
static void quic_closing_reap(struct work_struct *work)
{
	struct quic_conn *c = container_of(work, struct quic_conn, closing_reap);
	struct sock *sk = &container_of(c, struct quic_sock, conn)->inet.sk;

	lock_sock(sk);
	quic_closing_orphan_udp(sk, false);
	quic_sock_destroy(sk);
	release_sock(sk);
	sock_put(sk);	/* quic_closing_linger()'s */
}

void quic_closing_init(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	INIT_WORK(&c->closing_reap, quic_closing_reap);
	c->closing_rx = 0;
	c->orphan = false;
}

/**
 * quic_closing_linger - keep a closing connection past close()
 * @sk: the socket, locked, being closed
 *
 * RFC 9000 section 10.2: the closing or draining state lasts three PTOs,
 * for packets still in flight to meet the connection (and, closing, to
 * get its CONNECTION_CLOSE again) rather than a stateless reset. Like
 * TCP's orphans, the socket outlives its file until the idle timer ends
 * the state (quic_closing_end()); it holds its netns and the module.
 *
 * Return: true if the socket stays: its connection is not to be freed now.
 */
bool quic_closing_linger(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	/* A kernel socket's netns may be on its way out (it holds none). */
	if (!c->initialised || sk->sk_state != QUIC_SS_CLOSING ||
	    !timer_pending(&c->idle_timer) || sk->sk_kern_sock)
		return false;
	c->orphan = true;
	quic_closing_orphan_udp(sk, true);
	sock_hold(sk);
	return true;
}

/* The idle timer ended the closing or draining state. */
void quic_closing_end(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	inet_sk_set_state(sk, QUIC_SS_CLOSED);
	quic_conn_wake(sk);
	if (c->orphan)
		queue_work(quic_wq, &c->closing_reap);
}
