// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Retry (RFC 9000 sections 8.1.2 and 17.2.5).
 *
 * A server with QUIC_CONFIG.validate_peer_address answers an Initial that
 * brings no valid token with a Retry packet carrying one, and keeps no
 * state: the token holds what it needs later (token.c). This runs in
 * accept(), in process context, since the Retry integrity tag (RFC 9001
 * section 5.8) needs a transform.
 *
 * A client takes at most one Retry, before anything else from the server:
 * it checks the tag, then sends its Initial again, with the token, to the
 * Retry's Source Connection ID and under Initial keys derived from it.
 * Softirq only keeps the packet; a work item does the rest in process
 * context (new keys allocate transforms).
 */

#include <linux/slab.h>
#include <crypto/algapi.h>
#include <asm/unaligned.h>

#include "input.h"
#include "output.h"
#include "retry.h"
#include "socket.h"
#include "token.h"

static void quic_retry_work(struct work_struct *work)
{
	struct quic_conn *c = container_of(work, struct quic_conn, retry_work);
	struct quic_sock *qs = container_of(c, struct quic_sock, conn);
	struct sock *sk = &qs->inet.sk;
	struct sk_buff *skb;

	lock_sock(sk);
	skb = c->retry_skb;
	c->retry_skb = NULL;
	if (skb && c->initialised)
		quic_retry_apply(sk, skb->data, skb->len);
	kfree_skb(skb);
	release_sock(sk);
	sock_put(sk);
}

/**
 * quic_retry_init - set up the Retry and token state of a connection
 * @sk: the socket, in quic_conn_init()
 *
 * A client's first Initial carries the token set with QUIC_SOCKOPT_TOKEN.
 *
 * Return: 0 or -ENOMEM.
 */
int quic_retry_init(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_conn *c = &qs->conn;

	INIT_WORK(&c->retry_work, quic_retry_work);
	c->retry_skb = NULL;
	c->token = NULL;
	c->token_len = 0;
	c->new_token = NULL;
	c->new_token_len = 0;
	c->new_token_pending = false;
	c->retried = false;
	if (!qs->token_len)
		return 0;
	c->token = kmemdup(qs->token, qs->token_len, GFP_KERNEL);
	if (!c->token)
		return -ENOMEM;
	c->token_len = qs->token_len;
	return 0;
}

void quic_retry_free(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;

	kfree_skb(c->retry_skb);
	c->retry_skb = NULL;
	kfree(c->token);
	c->token = NULL;
	c->token_len = 0;
	kfree(c->new_token);
	c->new_token = NULL;
	c->new_token_len = 0;
}

/**
 * quic_new_token_issue - a NEW_TOKEN for the client (RFC 9000 section 8.1.3)
 * @sk: the server's socket, its handshake confirmed
 *
 * Bound to the client's address (not its port, which may change between
 * connections). Without memory, the client simply gets no token.
 *
 * Context: process context.
 */
void quic_new_token_issue(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u8 *token = kmalloc(QUIC_TOKEN_MAX_LEN, GFP_KERNEL);
	int len;

	if (!token)
		return;
	len = quic_token_make(QUIC_TOKEN_NEW, &c->path.remote, NULL, NULL,
			      token);
	if (len < 0) {
		kfree(token);
		return;
	}
	kfree(c->token);
	c->token = token;
	c->token_len = len;
	c->new_token_pending = true;
}

/**
 * quic_new_token_rcv - a NEW_TOKEN frame arrived (client)
 * @sk: the client's socket
 * @data: the token
 * @len: its length, not 0 (the frame codec refuses that)
 *
 * Kept for getsockopt(QUIC_SOCKOPT_TOKEN) and told with
 * QUIC_EVENT_NEW_TOKEN; a later one replaces it.
 */
void quic_new_token_rcv(struct sock *sk, const u8 *data, u32 len)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	u8 *token;

	if (len > QUIC_RETRY_TOKEN_MAX)
		return;
	token = kmemdup(data, len, GFP_ATOMIC);
	if (!token)
		return;
	kfree(c->new_token);
	c->new_token = token;
	c->new_token_len = len;
	quic_event_new_token(sk, token, len);
}

/**
 * quic_retry_rcv - a Retry packet for a client's connection
 * @sk: the socket, locked (softirq or backlog)
 * @pkt: the packet, which ends the datagram (section 17.2.5)
 * @hdr: its header
 */
void quic_retry_rcv(struct sock *sk, const u8 *pkt,
		    const struct quic_packet_hdr *hdr)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct sk_buff *skb;

	if (c->is_server || c->retried || c->retry_skb ||
	    sk->sk_state != QUIC_SS_ESTABLISHING || c->dcid_from_peer ||
	    hdr->version != c->version)
		return;
	skb = alloc_skb(hdr->len, GFP_ATOMIC);
	if (!skb)
		return;
	skb_put_data(skb, pkt, hdr->len);
	c->retry_skb = skb;
	sock_hold(sk);
	if (!schedule_work(&c->retry_work))
		sock_put(sk);
}

/**
 * quic_retry_apply - act on a Retry (section 17.2.5.2)
 * @sk: the client's socket, locked
 * @pkt: the Retry packet
 * @len: its length
 *
 * Ignored unless it is the first packet from the server, its tag checks
 * out, its token is not empty and its Source Connection ID is new.
 *
 * Context: process context.
 */
void quic_retry_apply(struct sock *sk, const u8 *pkt, u32 len)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_level *lvl = &c->levels[QUIC_CRYPTO_INITIAL];
	u8 tag[QUIC_RETRY_TAG_LEN];
	struct quic_packet_hdr hdr;
	struct quic_dcid *d;
	struct quic_cid scid;
	u8 *token;

	if (c->retried || c->dcid_from_peer || lvl->space.recv_count ||
	    sk->sk_state != QUIC_SS_ESTABLISHING ||
	    quic_packet_parse_header(pkt, len, QUIC_CID_LEN, &hdr) ||
	    hdr.type != QUIC_PACKET_RETRY || !hdr.token_len ||
	    hdr.token_len > QUIC_RETRY_TOKEN_MAX || hdr.scid_len < 1 ||
	    (hdr.scid_len == c->odcid.len &&
	     !memcmp(hdr.scid, c->odcid.data, c->odcid.len)))
		return;
	if (quic_crypto_retry_tag(c->version, c->odcid.data, c->odcid.len, pkt,
				  len - QUIC_RETRY_TAG_LEN, tag) ||
	    crypto_memneq(tag, pkt + len - QUIC_RETRY_TAG_LEN, sizeof(tag)))
		return;
	d = quic_cid_first_dcid(&c->ids);
	token = kmemdup(hdr.token, hdr.token_len, GFP_KERNEL);
	if (!d || !token) {
		kfree(token);
		return;
	}
	scid.len = hdr.scid_len;
	memcpy(scid.data, hdr.scid, hdr.scid_len);
	quic_crypto_key_free(&lvl->send_key);
	quic_crypto_key_free(&lvl->recv_key);
	lvl->send_ready = false;
	lvl->recv_ready = false;
	if (quic_conn_initial_keys(sk, &scid)) {
		kfree(token);
		quic_conn_close(sk, QUIC_TRANSPORT_ERROR_INTERNAL, 0,
				"no memory for Initial keys", false);
		return;
	}
	kfree(c->token);
	c->token = token;
	c->token_len = hdr.token_len;
	c->retry_scid = scid;
	c->retried = true;
	d->cid = scid;
	quic_recovery_resend_initial(sk);
	quic_xmit(sk);
}

/* The long header type bits of Retry: RFC 9000 Table 5, RFC 9369 3.2. */
static u8 quic_retry_type_bits(u32 version)
{
	return version == QUIC_VERSION_V2 ? 0 : 3;
}

/**
 * quic_retry_send - answer a client's Initial with a Retry
 * @lsk: the listening socket
 * @skb: the client's datagram
 * @hdr: its Initial's header
 *
 * The Retry's Source Connection ID is a new random ID, which the client's
 * next Initial is sent to; the token is bound to it, to the client's
 * address and port, and carries the client's first Destination ID.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int quic_retry_send(struct sock *lsk, struct sk_buff *skb,
		    const struct quic_packet_hdr *hdr)
{
	struct quic_udp_sock *us = quic_sk(lsk)->udp;
	u8 token[QUIC_TOKEN_MAX_LEN];
	struct quic_cid odcid, scid;
	union quic_addr src, dst;
	struct sk_buff *retry;
	int tlen, err;
	u32 len;
	u8 *p;

	if (hdr->dcid_len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	quic_skb_addrs(skb, &src, &dst);
	odcid.len = hdr->dcid_len;
	memcpy(odcid.data, hdr->dcid, hdr->dcid_len);
	scid.len = QUIC_CID_LEN;
	get_random_bytes(scid.data, scid.len);
	tlen = quic_token_make(QUIC_TOKEN_RETRY, &src, &odcid, &scid, token);
	if (tlen < 0)
		return tlen;
	len = 1 + 4 + 1 + hdr->scid_len + 1 + scid.len + tlen +
	      QUIC_RETRY_TAG_LEN;
	retry = alloc_skb(MAX_HEADER + sizeof(struct ipv6hdr) +
			  sizeof(struct udphdr) + len, GFP_KERNEL);
	if (!retry)
		return -ENOMEM;
	skb_reserve(retry, MAX_HEADER + sizeof(struct ipv6hdr) +
		    sizeof(struct udphdr));
	p = skb_put(retry, len);
	*p++ = 0xc0 | (quic_retry_type_bits(hdr->version) << 4) |
	       (get_random_u8() & 0x0f);
	put_unaligned_be32(hdr->version, p);
	p += 4;
	*p++ = hdr->scid_len;
	memcpy(p, hdr->scid, hdr->scid_len);
	p += hdr->scid_len;
	*p++ = scid.len;
	memcpy(p, scid.data, scid.len);
	p += scid.len;
	memcpy(p, token, tlen);
	p += tlen;
	err = quic_crypto_retry_tag(hdr->version, odcid.data, odcid.len,
				    retry->data, p - retry->data, p);
	if (err) {
		kfree_skb(retry);
		return err;
	}
	local_bh_disable();
	quic_udp_send(us, retry, &dst, &src, NULL, us->ifindex, 0);
	local_bh_enable();
	return 0;
}
