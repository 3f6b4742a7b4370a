/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Variable-length integers (RFC 9000 section 16): pure functions on buffers. */

#ifndef __NET_QUIC_VARINT_H
#define __NET_QUIC_VARINT_H

#include <linux/log2.h>
#include <linux/types.h>

#define QUIC_VARINT_MAX		((1ULL << 62) - 1)

/* Bytes of the shortest encoding of @v (at most QUIC_VARINT_MAX). */
static inline u32 quic_varint_len(u64 v)
{
	if (v < (1ULL << 6))
		return 1;
	if (v < (1ULL << 14))
		return 2;
	if (v < (1ULL << 30))
		return 4;
	return 8;
}

/**
 * quic_varint_get - decode one variable-length integer
 * @p: input
 * @len: bytes available at @p
 * @v: the value
 *
 * Any encoding length is accepted, minimal or not (RFC 9000 section 16).
 *
 * Return: bytes consumed, or 0 if @len is too short.
 */
static inline u32 quic_varint_get(const u8 *p, u32 len, u64 *v)
{
	u32 n, i;
	u64 val;

	if (!len)
		return 0;
	n = 1U << (p[0] >> 6);
	if (len < n)
		return 0;
	val = p[0] & 0x3f;
	for (i = 1; i < n; i++)
		val = (val << 8) | p[i];
	*v = val;
	return n;
}

/**
 * quic_varint_put - encode @v in its shortest form
 * @p: output
 * @len: room at @p
 * @v: the value
 *
 * Return: bytes written, or 0 if @v is above QUIC_VARINT_MAX or does not fit.
 */
static inline u32 quic_varint_put(u8 *p, u32 len, u64 v)
{
	u32 n, i;

	if (v > QUIC_VARINT_MAX)
		return 0;
	n = quic_varint_len(v);
	if (len < n)
		return 0;
	for (i = n; i > 0; i--) {
		p[i - 1] = v & 0xff;
		v >>= 8;
	}
	p[0] |= (u8)(ilog2(n) << 6);
	return n;
}

#endif /* __NET_QUIC_VARINT_H */
