/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC packet headers (RFC 9000 section 17): pure functions on buffers. */

#ifndef __NET_QUIC_PACKET_H
#define __NET_QUIC_PACKET_H

#include <linux/types.h>

#define QUIC_PN_MAX		((1ULL << 62) - 1)
#define QUIC_PN_MAX_LEN		4

u32 quic_pn_encode_len(u64 pn, u64 largest_acked, bool acked);
u64 quic_pn_decode(u64 largest_pn, u64 truncated_pn, u32 pn_len);

#endif /* __NET_QUIC_PACKET_H */
