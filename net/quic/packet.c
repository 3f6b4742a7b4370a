// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC packet headers (RFC 9000 section 17). Pure functions over buffers
 * and numbers, with no socket state, so that they can be unit-tested.
 */

#include <linux/bitops.h>
#include <linux/kernel.h>

#include "packet.h"

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
