/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUIC versions: Version Negotiation (RFC 9000 section 6), QUIC v2 (RFC
 * 9369) and the version_information transport parameter (RFC 9368).
 */

#ifndef __NET_QUIC_VERSION_H
#define __NET_QUIC_VERSION_H

#include <linux/types.h>

struct quic_packet_hdr;
struct quic_udp_sock;
struct quic_tparams;
struct sk_buff;
struct sock;

/* Version Negotiation packets sent per second, all sockets together. */
#define QUIC_VN_RATE		100

void quic_version_init(void);
bool quic_version_supported(u32 version);
void quic_version_fill(struct quic_tparams *tp, u32 version);
int quic_version_check_peer(struct sock *sk, const struct quic_tparams *tp);
void quic_version_negotiation_send(struct quic_udp_sock *us,
				   struct sk_buff *skb,
				   const struct quic_packet_hdr *hdr);
void quic_version_negotiation_rcv(struct sock *sk, const u8 *pkt,
				  const struct quic_packet_hdr *hdr);

#endif /* __NET_QUIC_VERSION_H */
