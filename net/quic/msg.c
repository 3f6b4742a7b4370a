// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sendmsg() and recvmsg() (draft-lxin-quic-socket-apis-02 section 4):
 * stream data with the QUIC_STREAM_INFO cmsg, TLS handshake messages with
 * QUIC_HANDSHAKE_INFO, and events with MSG_NOTIFICATION; the receive
 * flow control windows that reading opens (RFC 9000 section 4.2).
 */

#include <linux/uio.h>
#include <net/sock.h>

#include "input.h"
#include "output.h"
#include "socket.h"

/* Handshake data user space may queue per level before it is sent. */
#define QUIC_CRYPTO_SEND_MAX	(64 * 1024)

void quic_sock_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	skb_set_owner_r(skb, sk);
	/* During the handshake the TLS library reads the socket: stream
	 * data (0-RTT, 0.5-RTT) and datagrams wait for its end.
	 */
	if (sk->sk_state == QUIC_SS_ESTABLISHING && !quic_rbuf_cb(skb)->event &&
	    (quic_rbuf_cb(skb)->stream_id >= 0 || quic_rbuf_cb(skb)->datagram)) {
		__skb_queue_tail(&quic_sk(sk)->conn.early_rx, skb);
		return;
	}
	/* A peeled-off stream's data waits in its own socket (peeloff.c). */
	if (quic_sk(sk)->conn.peels && !quic_rbuf_cb(skb)->event &&
	    !quic_rbuf_cb(skb)->datagram && quic_rbuf_cb(skb)->stream_id >= 0 &&
	    quic_peel_queue_rcv(sk, skb))
		return;
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_data_ready(sk);
}

/* Drop the data of stream @id waiting to be read (it was reset). */
void quic_sock_purge_stream(struct sock *sk, s64 id)
{
	struct sk_buff_head *queues[] = { &sk->sk_receive_queue,
					  &quic_sk(sk)->conn.early_rx };
	struct sk_buff *skb, *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(queues); i++) {
		skb_queue_walk_safe(queues[i], skb, tmp) {
			if (quic_rbuf_cb(skb)->event ||
			    quic_rbuf_cb(skb)->stream_id != id)
				continue;
			__skb_unlink(skb, queues[i]);
			kfree_skb(skb);
		}
	}
	if (quic_sk(sk)->conn.peels)
		quic_peel_purge(sk, id);
}

void quic_sock_uncharge(struct sock *sk, u32 bytes)
{
	if (!bytes)
		return;
	WRITE_ONCE(sk->sk_wmem_queued, sk->sk_wmem_queued - bytes);
}

bool quic_sock_writable(const struct sock *sk)
{
	return READ_ONCE(sk->sk_wmem_queued) < READ_ONCE(sk->sk_sndbuf);
}

/* Credit or buffer space arrived: wake writers (and poll). */
void quic_stream_write_space(struct sock *sk)
{
	sk->sk_write_space(sk);
}

static void quic_event_queue(struct sock *sk, u8 type, const void *data,
			     u32 len)
{
	struct sk_buff *skb;

	if (!(quic_sk(sk)->events & BIT(type)))
		return;
	skb = alloc_skb(1 + len, GFP_ATOMIC);
	if (!skb)
		return;
	skb_put_u8(skb, type);
	skb_put_data(skb, data, len);
	quic_rbuf_cb(skb)->event = true;
	quic_rbuf_cb(skb)->stream_id = -1;
	quic_sock_queue_rcv(sk, skb);
}

/* QUIC_EVENT_STREAM_UPDATE: a stream changed state. */
void quic_stream_event(struct sock *sk, struct quic_stream *st)
{
	struct quic_stream_update u = {
		.id = st->id,
	};

	if (st->recv_state == QUIC_STREAM_RECV_STATE_RESET_RECVD) {
		u.state = st->recv_state;
		u.errcode = st->peer_reset_code;
		u.finalsz = st->recv.final;
	} else {
		u.state = st->send_state;
		u.finalsz = st->send.tail;
	}
	quic_event_queue(sk, QUIC_EVENT_STREAM_UPDATE, &u, sizeof(u));
}

/* QUIC_EVENT_STREAM_MAX_DATA: the peer let us send more on a stream. */
void quic_event_stream_max_data(struct sock *sk, s64 id, u64 max_data)
{
	struct quic_stream_max_data m = { .id = id, .max_data = max_data };

	quic_event_queue(sk, QUIC_EVENT_STREAM_MAX_DATA, &m, sizeof(m));
}

/* QUIC_EVENT_STREAM_MAX_STREAM: the peer let us open @count streams of a
 * type; the event carries the highest stream ID we may now open.
 */
void quic_event_stream_max_stream(struct sock *sk, bool uni, u64 count)
{
	struct quic_streams *ss = &quic_sk(sk)->conn.streams;
	u64 id = ((count - 1) << 2) | (ss->is_server ? QUIC_STREAM_TYPE_SERVER_MASK : 0) |
		 (uni ? QUIC_STREAM_TYPE_UNI_MASK : 0);

	quic_event_queue(sk, QUIC_EVENT_STREAM_MAX_STREAM, &id, sizeof(id));
}

/* QUIC_EVENT_CONNECTION_ID: the peer made us send with another ID. */
void quic_event_connection_id(struct sock *sk, u64 active, u64 prior_to)
{
	struct quic_connection_id_info info = {
		.dest = 1,
		.active = active,
		.prior_to = prior_to,
	};

	quic_event_queue(sk, QUIC_EVENT_CONNECTION_ID, &info, sizeof(info));
}

/* QUIC_EVENT_NEW_TOKEN: the server gave a token for later connections. */
void quic_event_new_token(struct sock *sk, const u8 *token, u32 len)
{
	quic_event_queue(sk, QUIC_EVENT_NEW_TOKEN, token, len);
}

/* QUIC_EVENT_NEW_SESSION_TICKET: the server's NewSessionTicket message. */
void quic_event_session_ticket(struct sock *sk, const u8 *msg, u32 len)
{
	quic_event_queue(sk, QUIC_EVENT_NEW_SESSION_TICKET, msg, len);
}

/* QUIC_EVENT_KEY_UPDATE: both directions use the keys of @phase. */
void quic_event_key_update(struct sock *sk, u8 phase)
{
	quic_event_queue(sk, QUIC_EVENT_KEY_UPDATE, &phase, sizeof(phase));
}

/* QUIC_EVENT_CONNECTION_MIGRATION: the connection is on a new path,
 * @local when we moved, not the peer.
 */
void quic_event_connection_migration(struct sock *sk, bool local)
{
	u8 v = local;

	quic_event_queue(sk, QUIC_EVENT_CONNECTION_MIGRATION, &v, sizeof(v));
}

/* QUIC_EVENT_CONNECTION_CLOSE: the peer closed the connection. */
void quic_event_connection_close(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct {
		struct quic_connection_close close;
		char reason[sizeof(c->peer_close_reason)];
	} ev = {};
	u32 n = strlen(c->peer_close_reason) + 1;

	ev.close = c->peer_close;
	memcpy(ev.reason, c->peer_close_reason, n);
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_CLOSE, &ev,
			 sizeof(ev.close) + n);
}

/**
 * quic_stream_reset - abandon sending on a stream (RESET_STREAM)
 * @sk: the socket
 * @st: the stream
 * @code: application error code
 *
 * RFC 9000 section 3.1: from Ready, Send or Data Sent; the data not yet
 * acknowledged is dropped.
 */
void quic_stream_reset(struct sock *sk, struct quic_stream *st, u64 code)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	if (!st->can_send || quic_stream_send_done(st) ||
	    st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT)
		return;
	st->send_state = QUIC_STREAM_SEND_STATE_RESET_SENT;
	st->reset_code = code;
	st->reset_pending = true;
	/* The final size is what was sent (section 4.5). */
	st->send.tail = st->send.next;
	quic_sock_uncharge(sk, quic_sbuf_free(&st->send));
	quic_stream_queue(&c->streams, st);
	quic_stream_event(sk, st);
}

struct quic_msg_info {
	s64	stream_id;
	u32	flags;
	int	level;		/* QUIC_HANDSHAKE_INFO level, -1 for none */
	bool	has_stream;
	bool	peeled;		/* from the stream's peeled-off socket */
};

static int quic_msg_parse(struct msghdr *msg, struct quic_msg_info *mi)
{
	struct quic_handshake_info *hi;
	struct quic_stream_info *si;
	struct cmsghdr *cmsg;

	mi->stream_id = -1;
	mi->flags = msg->msg_flags;
	mi->level = -1;
	mi->has_stream = false;
	mi->peeled = false;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_QUIC)
			continue;
		switch (cmsg->cmsg_type) {
		case QUIC_STREAM_INFO:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(*si)))
				return -EINVAL;
			si = CMSG_DATA(cmsg);
			mi->stream_id = si->stream_id;
			mi->flags = si->stream_flags;
			mi->has_stream = true;
			break;
		case QUIC_HANDSHAKE_INFO:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(*hi)))
				return -EINVAL;
			hi = CMSG_DATA(cmsg);
			if (hi->crypto_level >= QUIC_CRYPTO_EARLY)
				return -EINVAL;
			mi->level = hi->crypto_level;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int quic_send_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, u8 level)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[level];
	int err;

	if (sk->sk_state != QUIC_SS_ESTABLISHING &&
	    sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (!lvl->send_ready || quic_conn_space(c, level)->discarded)
		return -EINVAL;
	if (len > QUIC_CRYPTO_SEND_MAX ||
	    lvl->crypto_send.bytes + len > QUIC_CRYPTO_SEND_MAX)
		return -EMSGSIZE;
	err = quic_sbuf_append(&lvl->crypto_send, &msg->msg_iter, len,
			       sk->sk_allocation);
	if (err)
		return err;
	quic_xmit(sk);
	return len;
}

/* Wait until @cond or the timeout; the socket lock is dropped meanwhile. */
/* Stream data and datagrams may be written: after the handshake, or
 * before it by a client that resumes (0-RTT, RFC 9001 section 4.6).
 */
static bool quic_sendable(struct sock *sk)
{
	return sk->sk_state == QUIC_SS_ESTABLISHED ||
	       (sk->sk_state == QUIC_SS_ESTABLISHING &&
		quic_sk(sk)->conn.early_data);
}

static int quic_wait(struct sock *sk, long *timeo, bool (*cond)(struct sock *))
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		if (cond(sk))
			break;
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (!quic_sendable(sk)) {
			err = -EPIPE;
			break;
		}
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		sk_wait_event(sk, timeo, cond(sk) || sk->sk_err ||
			      !quic_sendable(sk), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

static bool quic_cond_writable(struct sock *sk)
{
	return quic_sock_writable(sk);
}

static bool quic_cond_stream_credit(struct sock *sk)
{
	struct quic_streams *ss = &quic_sk(sk)->conn.streams;
	bool uni = quic_stream_id_uni(quic_sk(sk)->send_sid);
	u64 index = (u64)quic_sk(sk)->send_sid >> 2;

	return index < (uni ? ss->max_uni : ss->max_bidi);
}

/* The stream a sendmsg() writes to, opened if needed (section 2.1). */
static struct quic_stream *quic_send_stream(struct sock *sk,
					    struct quic_msg_info *mi,
					    long *timeo, int *err)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;
	struct quic_stream *st;
	u64 send_max, recv_max;
	s64 id = mi->stream_id;

	if (id == -1) {
		if (mi->flags & MSG_STREAM_NEW)
			id = quic_stream_next_id(&c->streams,
						 mi->flags & MSG_STREAM_UNI);
		else
			id = qs->send_sid;
	}
	if (id < 0) {
		*err = -EINVAL;
		return NULL;
	}
	st = quic_stream_find(&c->streams, id);
	if (st)
		goto found;
	/* A peer's stream exists once the peer opened it (section 2.1). */
	if (!quic_stream_id_local(&c->streams, id)) {
		*err = -EINVAL;
		return NULL;
	}
	for (;;) {
		quic_stream_limits(c, id, &send_max, &recv_max);
		st = quic_stream_open_local(&c->streams, id, send_max, recv_max,
					    sk->sk_allocation, err);
		if (st || *err != -EAGAIN)
			break;
		/* Section 4.6: wait for MAX_STREAMS unless told not to. */
		quic_xmit(sk);
		if (mi->flags & MSG_STREAM_DONTWAIT)
			return NULL;
		qs->send_sid = id;
		*err = quic_wait(sk, timeo, quic_cond_stream_credit);
		if (*err)
			return NULL;
	}
	if (!st)
		return NULL;
found:
	if (!st->can_send) {
		*err = -EINVAL;
		return NULL;
	}
	/* Peeled off: written through its own socket only. */
	if (st->peel && !mi->peeled) {
		*err = -EBUSY;
		return NULL;
	}
	if (st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
	    st->send_state == QUIC_STREAM_SEND_STATE_RESET_RECVD || st->send.fin) {
		*err = -EPIPE;
		return NULL;
	}
	/* A peeled-off stream's writes are not the connection's. */
	if (!mi->peeled)
		qs->send_sid = id;
	return st;
}

/**
 * quic_dgram_max - the largest DATAGRAM payload we may send now
 * @sk: the socket
 *
 * RFC 9221 section 3: the frame (type, length and payload) is at most the
 * peer's max_datagram_frame_size; section 5: it is never split, so it
 * fits in one short header packet of the path's current size.
 *
 * Return: bytes, 0 if the peer takes no DATAGRAM frames.
 */
u32 quic_dgram_max(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u32 frame = c->peer.p.max_datagram_frame_size, room, max;

	room = c->path.mtu - (1 + QUIC_CID_MAX_LEN + QUIC_PN_MAX_LEN) -
	       QUIC_TAG_LEN;
	frame = min(frame, room);
	if (frame < 2)
		return 0;
	/* The largest payload whose type and length still fit. */
	max = frame - 1 - quic_varint_len(frame);
	if (1 + quic_varint_len(max + 1) + max + 1 <= frame)
		max++;
	return max;
}

/* Drop the DATAGRAM payloads not sent yet; returns the bytes charged. */
u32 quic_dgram_purge(struct sock *sk)
{
	struct sk_buff_head *q = &quic_sk(sk)->conn.dgram_send;
	struct sk_buff *skb;
	u32 bytes = 0;

	while ((skb = __skb_dequeue(q))) {
		bytes += skb->truesize;
		kfree_skb(skb);
	}
	return bytes;
}

/* RFC 9221 section 5: one message, one DATAGRAM frame, never resent. */
static int quic_send_datagram(struct sock *sk, struct msghdr *msg, size_t len,
			      long timeo)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct sk_buff *skb;
	int err;

	if (!c->peer.p.max_datagram_frame_size)
		return -EINVAL;
	if (len > quic_dgram_max(sk))
		return -EMSGSIZE;
	err = quic_wait(sk, &timeo, quic_cond_writable);
	if (err)
		return err;
	skb = alloc_skb(len, sk->sk_allocation);
	if (!skb)
		return -ENOBUFS;
	if (copy_from_iter(skb_put(skb, len), len, &msg->msg_iter) != len) {
		kfree_skb(skb);
		return -EFAULT;
	}
	WRITE_ONCE(sk->sk_wmem_queued, sk->sk_wmem_queued + skb->truesize);
	__skb_queue_tail(&c->dgram_send, skb);
	quic_xmit(sk);
	return len;
}

/* Stream data of one sendmsg(), with the socket locked. */
static int quic_send_stream_data(struct sock *sk, struct msghdr *msg,
				 size_t len, struct quic_msg_info *mi,
				 long timeo)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st;
	size_t copied = 0;
	u32 room;
	s64 id;
	int err;

	st = quic_send_stream(sk, mi, &timeo, &err);
	if (!st)
		return err;
	id = st->id;
	err = 0;
	while (copied < len) {
		err = quic_wait(sk, &timeo, quic_cond_writable);
		if (err)
			break;
		/* The stream may have been reset, or ended by another
		 * writer, while we slept (nothing goes past a FIN, RFC 9000
		 * section 4.5), or peeled off (peeloff.c).
		 */
		if (st != quic_stream_find(&c->streams, id) ||
		    st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
		    st->send.fin) {
			err = -EPIPE;
			break;
		}
		if (st->peel && !mi->peeled) {
			err = -EBUSY;
			break;
		}
		room = sk->sk_sndbuf - sk->sk_wmem_queued;
		room = min_t(size_t, room, len - copied);
		err = quic_sbuf_append(&st->send, &msg->msg_iter, room,
				       sk->sk_allocation);
		if (err)
			break;
		WRITE_ONCE(sk->sk_wmem_queued, sk->sk_wmem_queued + room);
		copied += room;
		/* The FIN goes with the last data, not in a frame of its own. */
		if (copied == len && (mi->flags & MSG_STREAM_FIN))
			st->send.fin = true;
		quic_stream_queue(&c->streams, st);
		quic_xmit(sk);
	}
	if (!len && !err && (mi->flags & MSG_STREAM_FIN)) {
		st->send.fin = true;
		quic_stream_queue(&c->streams, st);
		quic_xmit(sk);
	}
	if (copied)
		return copied;
	return err;
}

int quic_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct quic_msg_info mi;
	long timeo;
	int err;

	err = quic_msg_parse(msg, &mi);
	if (err)
		return err;
	lock_sock(sk);
	if (mi.level >= 0) {
		err = quic_send_handshake(sk, msg, len, mi.level);
		goto out;
	}
	err = -ENOTCONN;
	if (!quic_sendable(sk))
		goto out;
	timeo = sock_sndtimeo(sk, (msg->msg_flags & MSG_DONTWAIT) ||
			      (mi.flags & MSG_DONTWAIT));
	if (msg->msg_flags & MSG_DATAGRAM)
		err = quic_send_datagram(sk, msg, len, timeo);
	else
		err = quic_send_stream_data(sk, msg, len, &mi, timeo);
out:
	release_sock(sk);
	return err;
}

/**
 * quic_stream_sendmsg - send() on a peeled-off stream
 * @sk: the connection's socket, locked
 * @msg: the data
 * @len: its length
 * @id: the stream
 * @flags: %MSG_STREAM_FIN to end the stream after the data
 * @timeo: how long to wait for buffer space
 *
 * Return: bytes queued, or a negative errno.
 */
int quic_stream_sendmsg(struct sock *sk, struct msghdr *msg, size_t len,
			s64 id, u32 flags, long timeo)
{
	struct quic_msg_info mi = {
		.stream_id = id, .flags = flags, .level = -1,
		.has_stream = true, .peeled = true,
	};

	if (!quic_sendable(sk))
		return -ENOTCONN;
	return quic_send_stream_data(sk, msg, len, &mi, timeo);
}

/* RFC 9000 section 4.2 leaves the size of the windows to the receiver.
 * A window the reader gets through in less than two round trips limits
 * the sender: the credit comes back too late. Such a window doubles, as
 * TCP grows its receive window (tcp_rcv_space_adjust()), up to @max, a
 * share of the receive buffer, which bounds what is kept anyway.
 */
static u64 quic_window_tune(struct sock *sk, u64 window, u64 max,
			    ktime_t *last)
{
	const struct quic_rtt *rtt = &quic_sk(sk)->conn.path.rtt;
	ktime_t now = ktime_get();

	if (*last && window < max && rtt->has_sample &&
	    ktime_us_delta(now, *last) < 2 * (s64)rtt->smoothed)
		window = min(window * 2, max);
	*last = now;
	return window;
}

/**
 * quic_recv_credit - @n bytes were read, or will never be (a reset)
 * @sk: the socket
 * @st: their stream, or NULL for the connection window only
 * @n: byte count
 *
 * RFC 9000 section 4.2: MAX_STREAM_DATA and MAX_DATA go out early, once
 * half the window is used, so that the peer does not run out; the windows
 * grow when that is not early enough (quic_window_tune()).
 */
void quic_recv_credit(struct sock *sk, struct quic_stream *st, u64 n)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u64 window, send_max, max;
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	c->recv_read += n;
	window = c->recv_window ?: c->params.p.max_data;
	if (c->recv_max_data - c->recv_read < window / 2) {
		max = max_t(u64, c->params.p.max_data, rcvbuf / 2);
		window = quic_window_tune(sk, window, max,
					  &c->recv_window_time);
		c->recv_window = window;
		c->recv_max_data = c->recv_read + window;
		c->max_data_pending = true;
	}
	if (!st)
		return;
	st->recv_read += n;
	quic_stream_limits(c, st->id, &send_max, &window);
	max = max_t(u64, window, rcvbuf / 4);
	if (st->recv_window)
		window = st->recv_window;
	if (st->recv_state == QUIC_STREAM_RECV_STATE_RECV &&
	    st->recv_max - st->recv_read < window / 2) {
		window = quic_window_tune(sk, window, max,
					  &st->recv_window_time);
		st->recv_window = window;
		st->recv_max = st->recv_read + window;
		st->max_pending = true;
		quic_stream_queue(&c->streams, st);
	}
}

static int quic_recv_event(struct sock *sk, struct msghdr *msg, size_t len,
			   struct sk_buff *skb, int flags)
{
	size_t n = min_t(size_t, len, skb->len);

	if (skb_copy_datagram_msg(skb, 0, msg, n))
		return -EFAULT;
	msg->msg_flags |= MSG_NOTIFICATION;
	if (n < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	if (!(flags & MSG_PEEK)) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		kfree_skb(skb);
	}
	return n;
}

/* A DATAGRAM payload: one per read, the rest of it dropped if too long. */
static int quic_recv_datagram(struct sock *sk, struct msghdr *msg, size_t len,
			      struct sk_buff *skb, int flags)
{
	size_t n = min_t(size_t, len, skb->len), full = skb->len;

	if (skb_copy_datagram_msg(skb, 0, msg, n))
		return -EFAULT;
	msg->msg_flags |= MSG_DATAGRAM;
	if (n < full)
		msg->msg_flags |= MSG_TRUNC;
	if (!(flags & MSG_PEEK)) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		kfree_skb(skb);
	}
	return flags & MSG_TRUNC ? full : n;
}

static int quic_recv_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, struct sk_buff *skb, int flags)
{
	struct quic_handshake_info hi = {
		.crypto_level = quic_rbuf_cb(skb)->level,
	};
	size_t n = min_t(size_t, len, skb->len);
	int err;

	err = put_cmsg(msg, SOL_QUIC, QUIC_HANDSHAKE_INFO, sizeof(hi), &hi);
	if (err)
		return err;
	if (skb_copy_datagram_msg(skb, 0, msg, n))
		return -EFAULT;
	if (flags & MSG_PEEK)
		return n;
	if (n == skb->len) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		kfree_skb(skb);
	} else {
		skb_pull(skb, n);
	}
	return n;
}

/**
 * quic_recv_stream_queue - read stream data from a receive queue
 * @sk: the connection's socket, locked
 * @q: its receive queue, or a peeled-off stream's
 * @msg: where to
 * @len: room there
 * @skb: the first buffer of @q, stream data
 * @flags: recvmsg() flags
 * @fin: set when the read took the stream's end
 *
 * As much of one stream as fits; the windows reopen as it is read.
 *
 * Return: bytes read, or -EFAULT.
 */
int quic_recv_stream_queue(struct sock *sk, struct sk_buff_head *q,
			   struct msghdr *msg, size_t len, struct sk_buff *skb,
			   int flags, bool *fin)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	s64 id = quic_rbuf_cb(skb)->stream_id;
	struct quic_stream *st = quic_stream_find(&c->streams, id);
	size_t copied = 0, n;

	*fin = false;
	while (skb && copied < len) {
		n = min_t(size_t, len - copied, skb->len);
		if (skb_copy_datagram_msg(skb, 0, msg, n))
			return copied ? copied : -EFAULT;
		copied += n;
		if (flags & MSG_PEEK)
			break;
		if (n < skb->len) {
			skb_pull(skb, n);
			quic_recv_credit(sk, st, n);
			break;
		}
		*fin = quic_rbuf_cb(skb)->fin;
		__skb_unlink(skb, q);
		kfree_skb(skb);
		quic_recv_credit(sk, st, n);
		if (*fin)
			break;
		skb = skb_peek(q);
		if (skb && (quic_rbuf_cb(skb)->event ||
			    quic_rbuf_cb(skb)->stream_id != id))
			break;
	}
	/* A FIN that arrived on its own ends this read too. */
	skb = skb_peek(q);
	if (!*fin && !(flags & MSG_PEEK) && skb && !skb->len &&
	    !quic_rbuf_cb(skb)->event && quic_rbuf_cb(skb)->stream_id == id &&
	    quic_rbuf_cb(skb)->fin) {
		*fin = true;
		__skb_unlink(skb, q);
		kfree_skb(skb);
	}
	if (*fin && st) {
		st->recv_state = QUIC_STREAM_RECV_STATE_READ;
		quic_sock_uncharge(sk, quic_stream_maybe_free(&c->streams, st));
	}
	quic_xmit(sk);
	return copied;
}

/* Stream data: as much of one stream as fits, then the stream info. */
static int quic_recv_stream(struct sock *sk, struct msghdr *msg, size_t len,
			    struct sk_buff *skb, int flags)
{
	struct quic_stream_info si = {
		.stream_id = quic_rbuf_cb(skb)->stream_id,
	};
	bool fin;
	int n;

	n = quic_recv_stream_queue(sk, &sk->sk_receive_queue, msg, len, skb,
				   flags, &fin);
	if (n < 0)
		return n;
	if (fin) {
		si.stream_flags |= MSG_STREAM_FIN;
		msg->msg_flags |= MSG_EOR;
	}
	put_cmsg(msg, SOL_QUIC, QUIC_STREAM_INFO, sizeof(si), &si);
	return n;
}

/* Something for a reader: data, an event, an error or the end. */
static bool quic_recv_ready(struct sock *sk)
{
	u8 state = sk->sk_state;

	return !skb_queue_empty(&sk->sk_receive_queue) || sk->sk_err ||
	       (sk->sk_shutdown & RCV_SHUTDOWN) || state == QUIC_SS_CLOSING ||
	       state == QUIC_SS_CLOSED || state == QUIC_SS_LISTENING;
}

int quic_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sk_buff *skb;
	long timeo;
	int err;

	lock_sock(sk);
	err = -ENOTCONN;
	if (!quic_sk(sk)->conn.initialised)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	for (;;) {
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			break;
		err = sock_error(sk);
		if (err)
			goto out;
		err = 0;
		if (sk->sk_shutdown & RCV_SHUTDOWN ||
		    sk->sk_state == QUIC_SS_CLOSING ||
		    sk->sk_state == QUIC_SS_CLOSED)
			goto out;
		err = -ENOTCONN;
		if (sk->sk_state == QUIC_SS_LISTENING)
			goto out;
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		/* Not sk_wait_data(): a close must wake the reader too. */
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo, quic_recv_ready(sk), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	if (quic_rbuf_cb(skb)->event)
		err = quic_recv_event(sk, msg, len, skb, flags);
	else if (quic_rbuf_cb(skb)->datagram)
		err = quic_recv_datagram(sk, msg, len, skb, flags);
	else if (quic_rbuf_cb(skb)->stream_id < 0)
		err = quic_recv_handshake(sk, msg, len, skb, flags);
	else
		err = quic_recv_stream(sk, msg, len, skb, flags);
out:
	release_sock(sk);
	return err;
}
