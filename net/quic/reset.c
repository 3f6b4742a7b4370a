// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stateless reset (RFC 9000 section 10.3). A short header packet for a
 * connection ID we do not know is answered with a datagram that looks like
 * a short header packet and ends with the token of that ID, which we can
 * compute without state (quic_cid_reset_token()). The other way round, a
 * datagram that cannot be processed and ends with the token of the ID we
 * send with means the peer lost the connection (section 10.3.1).
 */

#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <net/sock.h>

#include "input.h"
#include "reset.h"
#include "socket.h"

static struct rhashtable quic_reset_table;
static siphash_key_t quic_reset_hash_key;
static DEFINE_RATELIMIT_STATE(quic_reset_rs, HZ, QUIC_RESET_RATE);

static const struct rhashtable_params quic_reset_params = {
	.head_offset		= offsetof(struct quic_reset_node, node),
	.key_offset		= offsetof(struct quic_reset_node, key),
	.key_len		= sizeof(u64),
	.automatic_shrinking	= true,
};

int quic_reset_table_init(void)
{
	get_random_bytes(&quic_reset_hash_key, sizeof(quic_reset_hash_key));
	ratelimit_set_flags(&quic_reset_rs, RATELIMIT_MSG_ON_RELEASE);
	return rhashtable_init(&quic_reset_table, &quic_reset_params);
}

void quic_reset_table_destroy(void)
{
	rhashtable_destroy(&quic_reset_table);
}

static u64 quic_reset_key(const u8 *token)
{
	return siphash(token, QUIC_STATELESS_RESET_TOKEN_LEN,
		       &quic_reset_hash_key);
}

/**
 * quic_reset_token_clear - stop recognising resets for a connection
 * @sk: the connection's socket
 */
void quic_reset_token_clear(struct sock *sk)
{
	struct quic_reset_node *r = &quic_sk(sk)->conn.reset;

	if (!r->hashed)
		return;
	rhashtable_remove_fast(&quic_reset_table, &r->node, quic_reset_params);
	r->hashed = false;
}

/**
 * quic_reset_token_update - recognise resets with the token of the ID in use
 * @sk: the connection's socket
 *
 * Section 10.3.1: only the tokens of IDs we used and did not retire count.
 * A token that another connection already has is not registered (a peer
 * can only hurt itself with that).
 */
void quic_reset_token_update(struct sock *sk)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_reset_node *r = &c->reset;
	struct quic_dcid *d = quic_cid_first_dcid(&c->ids);

	if (r->hashed && d && d->has_token &&
	    !memcmp(r->token, d->reset_token, sizeof(r->token)))
		return;
	quic_reset_token_clear(sk);
	if (!d || !d->has_token)
		return;
	memcpy(r->token, d->reset_token, sizeof(r->token));
	r->key = quic_reset_key(r->token);
	r->sk = sk;
	if (!rhashtable_lookup_insert_fast(&quic_reset_table, &r->node,
					   quic_reset_params))
		r->hashed = true;
}

/**
 * quic_reset_lookup - the connection a possible stateless reset is for
 * @net: namespace the datagram arrived in
 * @skb: the datagram (UDP payload)
 *
 * Context: softirq.
 * Return: the socket with a reference held, or NULL.
 */
struct sock *quic_reset_lookup(struct net *net, const struct sk_buff *skb)
{
	const u8 *tail = skb->data + skb->len - QUIC_STATELESS_RESET_TOKEN_LEN;
	struct quic_reset_node *r;
	struct sock *sk = NULL;
	u64 key;

	if (skb->len < QUIC_RESET_MIN_LEN)
		return NULL;
	key = quic_reset_key(tail);
	rcu_read_lock();
	r = rhashtable_lookup(&quic_reset_table, &key, quic_reset_params);
	if (r && net_eq(sock_net(r->sk), net) &&
	    refcount_inc_not_zero(&r->sk->sk_refcnt))
		sk = r->sk;
	rcu_read_unlock();
	return sk;
}

/**
 * quic_reset_match - whether a datagram ends with the connection's token
 * @sk: the connection's socket, locked
 * @tail: the last %QUIC_STATELESS_RESET_TOKEN_LEN bytes of the datagram
 *
 * Section 10.3.1: compared in constant time.
 */
bool quic_reset_match(struct sock *sk, const u8 *tail)
{
	struct quic_reset_node *r = &quic_sk(sk)->conn.reset;

	return r->hashed &&
	       !crypto_memneq(r->token, tail, QUIC_STATELESS_RESET_TOKEN_LEN);
}

/**
 * quic_reset_send - answer a packet of an unknown connection with a reset
 * @us: the UDP socket it arrived on
 * @skb: the datagram (UDP payload); not consumed
 * @hdr: its parsed short header
 *
 * Section 10.3: the reset is smaller than the packet that triggered it, so
 * that two endpoints without state cannot keep resetting each other, and
 * its first bytes are random, with the fixed bit set and the short header
 * form. Section 10.3.3 rate-limits them.
 *
 * Context: softirq.
 */
void quic_reset_send(struct quic_udp_sock *us, struct sk_buff *skb,
		     const struct quic_packet_hdr *hdr)
{
	struct net *net = sock_net(us->sock->sk);
	union quic_addr src, dst;
	struct quic_cid cid = {};
	struct sk_buff *reset;
	u32 len;
	u8 *p;

	if (hdr->type != QUIC_PACKET_SHORT || hdr->dcid_len != QUIC_CID_LEN ||
	    skb->len <= QUIC_RESET_MIN_LEN)
		return;
	len = min_t(u32, skb->len - 1, QUIC_RESET_MIN_LEN + 20 +
		    get_random_u32_below(16));
	if (!__ratelimit(&quic_reset_rs))
		return;
	reset = alloc_skb(MAX_HEADER + sizeof(struct ipv6hdr) +
			  sizeof(struct udphdr) + len, GFP_ATOMIC);
	if (!reset)
		return;
	skb_reserve(reset, MAX_HEADER + sizeof(struct ipv6hdr) +
		    sizeof(struct udphdr));
	p = skb_put(reset, len);
	get_random_bytes(p, len - QUIC_STATELESS_RESET_TOKEN_LEN);
	p[0] = (p[0] & 0x3f) | 0x40;
	cid.len = hdr->dcid_len;
	memcpy(cid.data, hdr->dcid, hdr->dcid_len);
	quic_cid_reset_token(net, &cid, p + len - QUIC_STATELESS_RESET_TOKEN_LEN);
	quic_skb_addrs(skb, &src, &dst);
	quic_udp_send(us, reset, &dst, &src, NULL, us->ifindex, 0);
}
