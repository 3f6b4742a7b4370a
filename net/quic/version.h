/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QUIC versions: Version Negotiation (RFC 9000 section 6), QUIC v2 (RFC
 * 9369) and the version_information transport parameter (RFC 9368).
 */

#ifndef __NET_QUIC_VERSION_H
#define __NET_QUIC_VERSION_H

#include <linux/types.h>

struct quic_cid;
struct quic_crypto_key;
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
u32 quic_version_of_level(const struct sock *sk, u8 level);
int quic_version_compat_init(struct sock *sk, const struct quic_cid *dcid);
int quic_version_compat_decide(struct sock *sk, const struct quic_tparams *tp);
struct quic_crypto_key *quic_version_compat_key(struct sock *sk,
						const struct quic_packet_hdr *hdr,
						u8 level);
void quic_version_compat_opened(struct sock *sk, struct quic_crypto_key *key);
void quic_version_compat_free(struct sock *sk);
void quic_version_negotiation_send(struct quic_udp_sock *us,
				   struct sk_buff *skb,
				   const struct quic_packet_hdr *hdr);
void quic_version_negotiation_rcv(struct sock *sk, const u8 *pkt,
				  const struct quic_packet_hdr *hdr);

#endif /* __NET_QUIC_VERSION_H */
