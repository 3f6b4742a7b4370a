/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stateless reset (RFC 9000 section 10.3): answering packets of
 * connections we have no state for, and recognising the peer's resets.
 */

#ifndef __NET_QUIC_RESET_H
#define __NET_QUIC_RESET_H

#include <linux/rhashtable-types.h>

#include "frame.h"
#include "packet.h"

/* Section 10.3: the smallest reset, 5 unpredictable bytes + the token. */
#define QUIC_RESET_MIN_LEN	(5 + QUIC_STATELESS_RESET_TOKEN_LEN)
/* Resets sent per second at most (section 10.3, amplification). */
#define QUIC_RESET_RATE		100

struct net;
struct sk_buff;
struct sock;
struct quic_udp_sock;

/**
 * struct quic_reset_node - the peer's token of the ID a connection uses,
 *	found by the datagrams that may be resets
 * @node: in the table, keyed by @key
 * @key: a keyed hash of @token, so that the table leaks nothing of it
 * @token: the token
 * @sk: the connection's socket (SOCK_RCU_FREE)
 * @hashed: @node is in the table
 */
struct quic_reset_node {
	struct rhash_head	node;
	u64			key;
	u8			token[QUIC_STATELESS_RESET_TOKEN_LEN];
	struct sock		*sk;
	bool			hashed;
};

int quic_reset_table_init(void);
void quic_reset_table_destroy(void);

void quic_reset_token_update(struct sock *sk);
void quic_reset_token_clear(struct sock *sk);
struct sock *quic_reset_lookup(struct net *net, const struct sk_buff *skb);
bool quic_reset_match(struct sock *sk, const u8 *tail);
void quic_reset_send(struct quic_udp_sock *us, struct sk_buff *skb,
		     const struct quic_packet_hdr *hdr);

#endif /* __NET_QUIC_RESET_H */
