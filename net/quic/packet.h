/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC packet headers (RFC 9000 section 17): pure functions on buffers. */

#ifndef __NET_QUIC_PACKET_H
#define __NET_QUIC_PACKET_H

#include <linux/types.h>

#define QUIC_PN_MAX		((1ULL << 62) - 1)
#define QUIC_PN_MAX_LEN		4
#define QUIC_CID_MAX_LEN	20	/* RFC 9000 section 17.2 */
#define QUIC_RETRY_TAG_LEN	16

/**
 * enum quic_packet_type - packet types, whatever the version's codepoints
 * @QUIC_PACKET_INITIAL: Initial (RFC 9000 section 17.2.2)
 * @QUIC_PACKET_0RTT: 0-RTT (section 17.2.3)
 * @QUIC_PACKET_HANDSHAKE: Handshake (section 17.2.4)
 * @QUIC_PACKET_RETRY: Retry (section 17.2.5)
 * @QUIC_PACKET_VERSION_NEGOTIATION: Version Negotiation (section 17.2.1)
 * @QUIC_PACKET_SHORT: 1-RTT, short header (section 17.3)
 */
enum quic_packet_type {
	QUIC_PACKET_INITIAL,
	QUIC_PACKET_0RTT,
	QUIC_PACKET_HANDSHAKE,
	QUIC_PACKET_RETRY,
	QUIC_PACKET_VERSION_NEGOTIATION,
	QUIC_PACKET_SHORT,
};

/**
 * struct quic_packet_hdr - a parsed header, pointing into the datagram
 * @type: the packet type
 * @version: the version of a long header
 * @dcid: Destination Connection ID
 * @dcid_len: its length
 * @scid: Source Connection ID (long header)
 * @scid_len: its length
 * @token: Initial token, or the Retry token
 * @token_len: its length
 * @pn_offset: offset of the (protected) packet number
 * @len: bytes of this packet in the datagram; more may follow (coalescing)
 */
struct quic_packet_hdr {
	enum quic_packet_type	type;
	u32			version;
	const u8		*dcid;
	u32			dcid_len;
	const u8		*scid;
	u32			scid_len;
	const u8		*token;
	u32			token_len;
	u32			pn_offset;
	u32			len;
};

int quic_packet_parse_header(const u8 *data, u32 len, u32 short_dcid_len,
			     struct quic_packet_hdr *hdr);
u32 quic_pn_encode_len(u64 pn, u64 largest_acked, bool acked);
u64 quic_pn_decode(u64 largest_pn, u64 truncated_pn, u32 pn_len);

#endif /* __NET_QUIC_PACKET_H */
