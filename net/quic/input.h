/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The receive path: from a UDP datagram to frames acted on. */

#ifndef __NET_QUIC_INPUT_H
#define __NET_QUIC_INPUT_H

#include <linux/skbuff.h>

#include "conn.h"

void quic_udp_rcv(struct net *net, struct quic_udp_sock *us,
		  struct sk_buff *skb);
int quic_rcv(struct sock *sk, struct sk_buff *skb);
void quic_deliver(struct sock *sk, struct sk_buff *skb);
void quic_input_replay(struct sock *sk);
void quic_skb_addrs(struct sk_buff *skb, union quic_addr *src,
		    union quic_addr *dst);
void quic_stream_limits(struct quic_conn *c, s64 id, u64 *send_max,
			u64 *recv_max);
struct quic_stream *quic_stream_lookup(struct sock *sk, s64 id, u64 *errcode);

#endif /* __NET_QUIC_INPUT_H */
