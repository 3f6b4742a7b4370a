/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Retry (RFC 9000 sections 8.1.2 and 17.2.5). */

#ifndef __NET_QUIC_RETRY_H
#define __NET_QUIC_RETRY_H

#include <linux/types.h>

struct quic_packet_hdr;
struct sk_buff;
struct sock;

/* The longest Retry token a client keeps. */
#define QUIC_RETRY_TOKEN_MAX	512

int quic_retry_init(struct sock *sk);
void quic_new_token_issue(struct sock *sk);
void quic_new_token_rcv(struct sock *sk, const u8 *data, u32 len);
void quic_retry_free(struct sock *sk);
void quic_retry_rcv(struct sock *sk, const u8 *pkt,
		    const struct quic_packet_hdr *hdr);
void quic_retry_apply(struct sock *sk, const u8 *pkt, u32 len);
int quic_retry_send(struct sock *lsk, struct sk_buff *skb,
		    const struct quic_packet_hdr *hdr);

#endif /* __NET_QUIC_RETRY_H */
