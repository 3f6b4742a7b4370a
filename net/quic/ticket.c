// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session tickets. RFC 9001 section 4: after the handshake, TLS still
 * speaks in 1-RTT CRYPTO frames, but the TLS library in user space has
 * finished and no longer reads them. The kernel takes those messages
 * itself: a client keeps the server's NewSessionTicket (RFC 8446 section
 * 4.6.1) for QUIC_SOCKOPT_SESSION_TICKET and QUIC_EVENT_NEW_SESSION_TICKET,
 * so that the TLS library can make a resumable session of it; anything
 * else is a TLS message QUIC does not allow there.
 *
 * The same socket option holds what user space sets: on a client, the
 * session state its TLS library resumes from; on a server (and a
 * listener, whose accepted sockets inherit it), the key its TLS library
 * protects tickets with. The kernel only stores those bytes.
 */

#include <linux/slab.h>
#include <net/sock.h>

#include "conn.h"
#include "socket.h"
#include "ticket.h"

#define QUIC_TLS_HDR_LEN	4	/* type, 24-bit length */

/* A whole post-handshake message arrived. */
static int quic_ticket_msg(struct sock *sk, const u8 *msg, u32 len,
			   u64 *errcode)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *copy;

	/* RFC 9001 section 6: no KeyUpdate; section 4.6 and RFC 8446
	 * section 4.6: only a server sends NewSessionTicket, and nothing
	 * else is expected once TLS 1.3 is done (QUIC has no post-handshake
	 * authentication, RFC 9001 section 4.4).
	 */
	if (qs->conn.is_server || msg[0] != QUIC_TLS_NEW_SESSION_TICKET) {
		*errcode = QUIC_TRANSPORT_ERROR_CRYPTO + QUIC_TLS_ALERT_UNEXPECTED;
		return -EPROTO;
	}
	/* Without memory the ticket is lost, not the connection. */
	copy = kmemdup(msg, len, GFP_ATOMIC);
	if (!copy)
		return 0;
	kfree_sensitive(qs->ticket);
	qs->ticket = copy;
	qs->ticket_len = len;
	quic_event_session_ticket(sk, msg, len);
	return 0;
}

/**
 * quic_ticket_rcv - in-order 1-RTT CRYPTO data after the handshake
 * @sk: the socket
 * @skb: the data; consumed
 * @errcode: the transport error to close with, on -EPROTO
 *
 * Messages may span frames: their bytes gather in the connection's
 * buffer until whole. One larger than %QUIC_TICKET_MAX closes the
 * connection with CRYPTO_BUFFER_EXCEEDED (RFC 9000 section 7.5).
 *
 * Return: 0, or -EPROTO to close.
 */
int quic_ticket_rcv(struct sock *sk, struct sk_buff *skb, u64 *errcode)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	const u8 *p = skb->data;
	u32 left = skb->len, need, n;
	int err = 0;

	if (!c->tls_msg) {
		/* The bytes are taken: losing them would lose the
		 * message boundaries, so no memory ends the connection.
		 */
		c->tls_msg = kmalloc(QUIC_TICKET_MAX, GFP_ATOMIC);
		if (!c->tls_msg) {
			kfree_skb(skb);
			*errcode = QUIC_TRANSPORT_ERROR_INTERNAL;
			return -EPROTO;
		}
	}
	while (left) {
		need = QUIC_TLS_HDR_LEN;
		if (c->tls_msg_len >= QUIC_TLS_HDR_LEN)
			need += (c->tls_msg[1] << 16) | (c->tls_msg[2] << 8) |
				c->tls_msg[3];
		n = min(left, need - c->tls_msg_len);
		memcpy(c->tls_msg + c->tls_msg_len, p, n);
		c->tls_msg_len += n;
		p += n;
		left -= n;
		if (c->tls_msg_len < need)
			continue;
		if (need == QUIC_TLS_HDR_LEN) {
			/* The header is in: now the body's length is known. */
			need += (c->tls_msg[1] << 16) | (c->tls_msg[2] << 8) |
				c->tls_msg[3];
			if (need > QUIC_TICKET_MAX) {
				*errcode = QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED;
				c->tls_msg_len = 0;
				err = -EPROTO;
				break;
			}
			if (need > QUIC_TLS_HDR_LEN)
				continue;
		}
		err = quic_ticket_msg(sk, c->tls_msg, c->tls_msg_len, errcode);
		c->tls_msg_len = 0;
		if (err)
			break;
	}
	kfree_skb(skb);
	return err;
}

/**
 * quic_ticket_set - QUIC_SOCKOPT_SESSION_TICKET set by user space
 * @sk: the socket, locked
 * @data: the bytes (session state or ticket key), copied
 * @len: their length, up to %QUIC_TICKET_MAX; 0 clears
 *
 * Return: 0 or a negative errno.
 */
int quic_ticket_set(struct sock *sk, const u8 *data, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *copy = NULL;

	if (len > QUIC_TICKET_MAX)
		return -EINVAL;
	if (len) {
		copy = kmemdup(data, len, GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
	}
	kfree_sensitive(qs->ticket);
	qs->ticket = copy;
	qs->ticket_len = len;
	return 0;
}

/* The socket goes: its ticket with it. */
void quic_ticket_free(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	kfree_sensitive(qs->ticket);
	qs->ticket = NULL;
	qs->ticket_len = 0;
}
