// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Variable-length integers and packet numbers against RFC 9000 Appendix A
 * (A.1 varint examples, A.2 and section 17.1 encoding, A.3 decoding), plus
 * the bounds: every length boundary, truncated input, values too large.
 */

#include <linux/module.h>

#include "../packet.h"
#include "../varint.h"
#include "quic_test.h"

struct quic_test_varint {
	u8 bytes[8];
	u32 len;
	u64 value;
};

/* RFC 9000 Appendix A.1 */
static const struct quic_test_varint quic_rfc_varints[] = {
	{ { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c }, 8, 151288809941952652ULL },
	{ { 0x9d, 0x7f, 0x3e, 0x7d }, 4, 494878333 },
	{ { 0x7b, 0xbd }, 2, 15293 },
	{ { 0x25 }, 1, 37 },
	{ { 0x40, 0x25 }, 2, 37 },	/* not minimal, still valid */
};

static void quic_test_varint_rfc(struct quic_test_ctx *ctx)
{
	u8 out[8];
	u64 v;
	int i;

	for (i = 0; i < ARRAY_SIZE(quic_rfc_varints); i++) {
		const struct quic_test_varint *t = &quic_rfc_varints[i];

		EXPECT_INT(ctx, quic_varint_get(t->bytes, t->len, &v), t->len);
		EXPECT_INT(ctx, v, t->value);
		/* Truncated by one byte: nothing is read. */
		EXPECT_INT(ctx, quic_varint_get(t->bytes, t->len - 1, &v), 0);
		if (i == ARRAY_SIZE(quic_rfc_varints) - 1)
			continue;	/* 0x4025 re-encodes minimally as 0x25 */
		EXPECT_INT(ctx, quic_varint_put(out, sizeof(out), t->value), t->len);
		EXPECT_MEM(ctx, out, t->bytes, t->len);
	}
}

static void quic_test_varint_bounds(struct quic_test_ctx *ctx)
{
	static const u64 values[] = {
		0, 63, 64, 16383, 16384, (1ULL << 30) - 1, 1ULL << 30,
		QUIC_VARINT_MAX,
	};
	static const u32 lens[] = { 1, 1, 2, 2, 4, 4, 8, 8 };
	u8 out[8];
	u64 v;
	int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		EXPECT_INT(ctx, quic_varint_len(values[i]), lens[i]);
		EXPECT_INT(ctx, quic_varint_put(out, sizeof(out), values[i]), lens[i]);
		EXPECT_INT(ctx, quic_varint_get(out, lens[i], &v), lens[i]);
		EXPECT_INT(ctx, v, values[i]);
		/* No room for it: nothing written. */
		EXPECT_INT(ctx, quic_varint_put(out, lens[i] - 1, values[i]), 0);
	}
	EXPECT_INT(ctx, quic_varint_put(out, sizeof(out), QUIC_VARINT_MAX + 1), 0);
	EXPECT_INT(ctx, quic_varint_get(out, 0, &v), 0);
}

static void quic_test_pn_encode(struct quic_test_ctx *ctx)
{
	/* RFC 9000 section 17.1: 0xac5c02 after 0xabe8b3 needs 16 bits... */
	EXPECT_INT(ctx, quic_pn_encode_len(0xac5c02, 0xabe8b3, true), 2);
	/* ...and 0xace8fe needs 18 bits, so 3 bytes. */
	EXPECT_INT(ctx, quic_pn_encode_len(0xace8fe, 0xabe8b3, true), 3);
	/* Nothing acknowledged yet: the distance is from -1. */
	EXPECT_INT(ctx, quic_pn_encode_len(0, 0, false), 1);
	EXPECT_INT(ctx, quic_pn_encode_len(200, 0, false), 2);
	EXPECT_INT(ctx, quic_pn_encode_len(10, 9, true), 1);
	EXPECT_INT(ctx, quic_pn_encode_len(1ULL << 40, 0, true), 4);
}

static void quic_test_pn_decode(struct quic_test_ctx *ctx)
{
	u64 largest, pn;
	u32 len;

	/* RFC 9000 Appendix A.3 */
	EXPECT_INT(ctx, quic_pn_decode(0xa82f30ea, 0x9b32, 2), 0xa82f9b32);
	/* Wrapping the window forwards and backwards. */
	EXPECT_INT(ctx, quic_pn_decode(0xff, 0x01, 1), 0x101);
	EXPECT_INT(ctx, quic_pn_decode(0x101, 0xff, 1), 0xff);
	EXPECT_INT(ctx, quic_pn_decode(0, 0, 1), 0);
	/* Near the top of the space the window must not go past 2^62 - 1. */
	EXPECT_INT(ctx, quic_pn_decode(QUIC_PN_MAX - 1, 0xff, 1), QUIC_PN_MAX);

	/* Any number in flight encodes and decodes back to itself. */
	for (largest = 0; largest < 70000; largest += 997) {
		for (pn = largest + 1; pn < largest + 3000; pn += 101) {
			len = quic_pn_encode_len(pn, largest, true);
			EXPECT_INT(ctx, quic_pn_decode(largest,
						       pn & ((1ULL << (len * 8)) - 1),
						       len), pn);
		}
	}
}

static const struct quic_test_case quic_codec_cases[] = {
	{ "varint_rfc9000_a1", quic_test_varint_rfc },
	{ "varint_bounds", quic_test_varint_bounds },
	{ "pn_encode", quic_test_pn_encode },
	{ "pn_decode", quic_test_pn_decode },
};

#define QUIC_TEST_SUITE_NAME	"quic_codec"
#define QUIC_TEST_CASES		quic_codec_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC varint and packet number codec tests");
MODULE_LICENSE("GPL");
