// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC packet headers (RFC 9000 section 17). Pure functions over buffers
 * and numbers, with no socket state, so that they can be unit-tested.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/quic.h>
#include <linux/string.h>

#include "packet.h"
#include "varint.h"

/**
 * quic_pn_encode_len - bytes to send a packet number in (RFC 9000 A.2)
 * @pn: the full packet number
 * @largest_acked: the largest packet number the peer acknowledged
 * @acked: false when nothing was acknowledged yet in this number space
 *
 * RFC 9000 section 17.1: enough bits to represent more than twice the
 * distance to the largest acknowledged packet, at most 4 bytes.
 *
 * Return: 1 to 4.
 */
u32 quic_pn_encode_len(u64 pn, u64 largest_acked, bool acked)
{
	u64 unacked = acked && pn > largest_acked ? pn - largest_acked : pn + 1;
	u32 bits = fls64(unacked) + 1;

	return clamp_t(u32, DIV_ROUND_UP(bits, 8), 1, QUIC_PN_MAX_LEN);
}

/**
 * quic_pn_decode - full packet number from its truncated form (RFC 9000 A.3)
 * @largest_pn: largest packet number received in this number space
 * @truncated_pn: the number as sent
 * @pn_len: its length in bytes, 1 to 4
 *
 * Return: the packet number closest to @largest_pn + 1 whose low bits are
 * @truncated_pn.
 */
u64 quic_pn_decode(u64 largest_pn, u64 truncated_pn, u32 pn_len)
{
	u64 expected = largest_pn + 1, win = 1ULL << (pn_len * 8);
	u64 hwin = win / 2, candidate;

	candidate = (expected & ~(win - 1)) | truncated_pn;
	if (candidate + hwin <= expected && candidate < QUIC_PN_MAX + 1 - win)
		return candidate + win;
	if (candidate > expected + hwin && candidate >= win)
		return candidate - win;
	return candidate;
}

/* Long header type bits to types: RFC 9000 section 17.2, RFC 9369 3.2. */
static const enum quic_packet_type quic_long_types_v1[] = {
	QUIC_PACKET_INITIAL, QUIC_PACKET_0RTT, QUIC_PACKET_HANDSHAKE,
	QUIC_PACKET_RETRY,
};

static const enum quic_packet_type quic_long_types_v2[] = {
	QUIC_PACKET_RETRY, QUIC_PACKET_INITIAL, QUIC_PACKET_0RTT,
	QUIC_PACKET_HANDSHAKE,
};

/* Read a length-prefixed connection ID at @*off; false if it is not there. */
static bool quic_packet_get_cid(const u8 *data, u32 len, u32 *off,
				const u8 **cid, u32 *cid_len, u32 max)
{
	if (*off >= len)
		return false;
	*cid_len = data[(*off)++];
	if (*cid_len > max || len - *off < *cid_len)
		return false;
	*cid = data + *off;
	*off += *cid_len;
	return true;
}

static bool quic_packet_get_varint(const u8 *data, u32 len, u32 *off, u64 *v)
{
	u32 n = quic_varint_get(data + *off, len - *off, v);

	*off += n;
	return n;
}

static int quic_packet_parse_long(const u8 *data, u32 len,
				  struct quic_packet_hdr *hdr)
{
	u32 off = 5, max_cid = QUIC_CID_MAX_LEN;
	u64 token_len, length;
	u8 bits;

	if (len < 7)
		return -EINVAL;
	hdr->version = (u32)data[1] << 24 | (u32)data[2] << 16 |
		       (u32)data[3] << 8 | data[4];
	/* RFC 8999 section 5.1: other versions may use CIDs up to 255 bytes. */
	if (hdr->version == 0 || (hdr->version != QUIC_VERSION_V1 &&
				  hdr->version != QUIC_VERSION_V2))
		max_cid = 255;
	if (!quic_packet_get_cid(data, len, &off, &hdr->dcid, &hdr->dcid_len,
				 max_cid) ||
	    !quic_packet_get_cid(data, len, &off, &hdr->scid, &hdr->scid_len,
				 max_cid))
		return -EINVAL;
	if (!hdr->version) {
		/* The rest is the list of supported versions (17.2.1). */
		hdr->type = QUIC_PACKET_VERSION_NEGOTIATION;
		hdr->len = len;
		return (len - off) % 4 || len == off ? -EINVAL : 0;
	}
	if (max_cid != QUIC_CID_MAX_LEN)
		return -EPROTONOSUPPORT;

	bits = (data[0] >> 4) & 0x03;
	hdr->type = hdr->version == QUIC_VERSION_V2 ? quic_long_types_v2[bits] :
						      quic_long_types_v1[bits];
	if (hdr->type == QUIC_PACKET_RETRY) {
		/* Token up to the 16-byte integrity tag (17.2.5). */
		if (len - off < QUIC_RETRY_TAG_LEN)
			return -EINVAL;
		hdr->token = data + off;
		hdr->token_len = len - off - QUIC_RETRY_TAG_LEN;
		hdr->len = len;
		return 0;
	}
	if (hdr->type == QUIC_PACKET_INITIAL) {
		if (!quic_packet_get_varint(data, len, &off, &token_len) ||
		    token_len > len - off)
			return -EINVAL;
		hdr->token = data + off;
		hdr->token_len = token_len;
		off += token_len;
	}
	/* Length covers the packet number and the payload (17.2). */
	if (!quic_packet_get_varint(data, len, &off, &length) ||
	    !length || length > len - off)
		return -EINVAL;
	hdr->pn_offset = off;
	hdr->len = off + length;
	return 0;
}

/**
 * quic_packet_parse_header - parse the unprotected part of a packet header
 * @data: the packet, at the start of a datagram or after a coalesced one
 * @len: bytes from @data to the end of the datagram
 * @short_dcid_len: length of our connection IDs, for a short header
 * @hdr: the result, pointing into @data
 *
 * Only what header protection leaves readable is parsed (RFC 9001
 * section 5.4): the packet number and the protected first-byte bits are
 * read after protection is removed. Nothing beyond @len is read.
 *
 * Return: 0; -EINVAL for a malformed or truncated header (the packet is
 * dropped, RFC 9000 section 12.2); -EPROTONOSUPPORT for a long header of
 * a version we do not speak (a server answers with Version Negotiation).
 */
int quic_packet_parse_header(const u8 *data, u32 len, u32 short_dcid_len,
			     struct quic_packet_hdr *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	if (!len)
		return -EINVAL;
	if (data[0] & 0x80)
		return quic_packet_parse_long(data, len, hdr);

	/* Short header (17.3): the DCID length is the receiver's own. */
	if (short_dcid_len > QUIC_CID_MAX_LEN || len < 1 + short_dcid_len + 1)
		return -EINVAL;
	hdr->type = QUIC_PACKET_SHORT;
	hdr->dcid = data + 1;
	hdr->dcid_len = short_dcid_len;
	hdr->pn_offset = 1 + short_dcid_len;
	hdr->len = len;
	return 0;
}
