// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Variable-length integers and packet numbers against RFC 9000 Appendix A
 * (A.1 varint examples, A.2 and section 17.1 encoding, A.3 decoding), plus
 * the bounds: every length boundary, truncated input, values too large.
 * Packet headers: the RFC 9001/9369 Initial and Retry headers, truncation
 * at every length into exact-size buffers, malformed fields, coalescing.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/quic.h>

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

/* RFC 9001 A.2: the client Initial's header, before protection. */
static const u8 quic_test_initial_hdr[] = {
	0xc3, 0x00, 0x00, 0x00, 0x01, 0x08, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51,
	0x57, 0x08, 0x00, 0x00, 0x44, 0x9e, 0x00, 0x00, 0x00, 0x02,
};

/* RFC 9001 A.4 (v1) and RFC 9369 A.4 (v2): Retry packets. */
static const u8 quic_test_retry_v1[] = {
	0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0xf0, 0x67, 0xa5, 0x50, 0x2a,
	0x42, 0x62, 0xb5, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x04, 0xa2, 0x65, 0xba,
	0x2e, 0xff, 0x4d, 0x82, 0x90, 0x58, 0xfb, 0x3f, 0x0f, 0x24, 0x96, 0xba,
};

static const u8 quic_test_retry_v2[] = {
	0xcf, 0x6b, 0x33, 0x43, 0xcf, 0x00, 0x08, 0xf0, 0x67, 0xa5, 0x50, 0x2a,
	0x42, 0x62, 0xb5, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0xc8, 0x64, 0x6c, 0xe8,
	0xbf, 0xe3, 0x39, 0x52, 0xd9, 0x55, 0x54, 0x36, 0x65, 0xdc, 0xc7, 0xb6,
};

/* A copy of @src in an allocation of exactly @len bytes (KASAN bounds it). */
static u8 *quic_test_exact(const u8 *src, u32 src_len, u32 len)
{
	u8 *p = kzalloc(len ?: 1, GFP_KERNEL);

	if (p)
		memcpy(p, src, min(src_len, len));
	return p;
}

static void quic_test_header_initial(struct quic_test_ctx *ctx)
{
	static const u8 dcid[] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
	struct quic_packet_hdr hdr;
	u32 len = 1200, n;
	u8 *pkt;

	pkt = quic_test_exact(quic_test_initial_hdr, sizeof(quic_test_initial_hdr), len);
	if (!pkt)
		goto oom;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, len, 0, &hdr), 0);
	EXPECT_INT(ctx, hdr.type, QUIC_PACKET_INITIAL);
	EXPECT_INT(ctx, hdr.version, QUIC_VERSION_V1);
	EXPECT_INT(ctx, hdr.dcid_len, 8);
	EXPECT_MEM(ctx, hdr.dcid, dcid, sizeof(dcid));
	EXPECT_INT(ctx, hdr.scid_len, 0);
	EXPECT_INT(ctx, hdr.token_len, 0);
	EXPECT_INT(ctx, hdr.pn_offset, 18);
	EXPECT_INT(ctx, hdr.len, 1200);
	kfree(pkt);

	/* Cut short anywhere, the header is refused, read within bounds. */
	for (n = 0; n < len; n += n < 40 ? 1 : 97) {
		pkt = quic_test_exact(quic_test_initial_hdr,
				      sizeof(quic_test_initial_hdr), n);
		if (!pkt)
			goto oom;
		if (quic_packet_parse_header(pkt, n, 0, &hdr) != -EINVAL)
			quic_test_fail(ctx, "%u-byte Initial accepted", n);
		kfree(pkt);
	}
	return;
oom:
	quic_test_fail(ctx, "out of memory");
}

static void quic_test_header_retry(struct quic_test_ctx *ctx)
{
	static const u8 scid[] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };
	const u8 *pkts[] = { quic_test_retry_v1, quic_test_retry_v2 };
	u32 versions[] = { QUIC_VERSION_V1, QUIC_VERSION_V2 };
	struct quic_packet_hdr hdr;
	u32 len = sizeof(quic_test_retry_v1), n;
	int i;
	u8 *pkt;

	for (i = 0; i < 2; i++) {
		EXPECT_INT(ctx, quic_packet_parse_header(pkts[i], len, 0, &hdr), 0);
		EXPECT_INT(ctx, hdr.type, QUIC_PACKET_RETRY);
		EXPECT_INT(ctx, hdr.version, versions[i]);
		EXPECT_INT(ctx, hdr.dcid_len, 0);
		EXPECT_INT(ctx, hdr.scid_len, 8);
		EXPECT_MEM(ctx, hdr.scid, scid, sizeof(scid));
		EXPECT_INT(ctx, hdr.token_len, 5);
		EXPECT_MEM(ctx, hdr.token, (const u8 *)"token", 5);
		/* Without room for the tag it is malformed. */
		for (n = 0; n < 7 + 8 + QUIC_RETRY_TAG_LEN; n++) {
			pkt = quic_test_exact(pkts[i], len, n);
			if (!pkt)
				goto oom;
			if (quic_packet_parse_header(pkt, n, 0, &hdr) != -EINVAL)
				quic_test_fail(ctx, "%u-byte Retry accepted", n);
			kfree(pkt);
		}
	}
	return;
oom:
	quic_test_fail(ctx, "out of memory");
}

static void quic_test_header_malformed(struct quic_test_ctx *ctx)
{
	u8 pkt[64] = { 0xc3, 0x00, 0x00, 0x00, 0x01 };
	struct quic_packet_hdr hdr;

	/* A v1 connection ID above 20 bytes (RFC 9000 section 17.2). */
	pkt[5] = 21;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), -EINVAL);
	/* Length beyond the datagram. */
	pkt[5] = 0;
	pkt[6] = 0;
	pkt[7] = 0;		/* no token */
	pkt[8] = 0x40;
	pkt[9] = 55;		/* 55 bytes, 54 there */
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), -EINVAL);
	pkt[9] = 54;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), 0);
	EXPECT_INT(ctx, hdr.len, sizeof(pkt));
	/* A zero Length leaves no room for the packet number. */
	pkt[9] = 0;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), -EINVAL);
	/* Token length beyond the datagram. */
	pkt[7] = 0x7f;
	pkt[8] = 0xff;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), -EINVAL);
	/* An unknown version: Version Negotiation's business. */
	pkt[1] = 0x1a;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr),
		   -EPROTONOSUPPORT);
	/* Version Negotiation: a list of 4-byte versions after the CIDs. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x80;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 7 + 8, 0, &hdr), 0);
	EXPECT_INT(ctx, hdr.type, QUIC_PACKET_VERSION_NEGOTIATION);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 7 + 6, 0, &hdr), -EINVAL);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 7, 0, &hdr), -EINVAL);
	/* Short headers need the DCID and a packet number byte. */
	pkt[0] = 0x40;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 10, 8, &hdr), 0);
	EXPECT_INT(ctx, hdr.type, QUIC_PACKET_SHORT);
	EXPECT_INT(ctx, hdr.pn_offset, 9);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 9, 8, &hdr), -EINVAL);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 0, 8, &hdr), -EINVAL);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, 64, 21, &hdr), -EINVAL);
}

static void quic_test_header_coalesced(struct quic_test_ctx *ctx)
{
	/* Two Handshake packets of 20 and 30 bytes in one datagram. */
	u8 pkt[50] = { 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x40, 11 };
	struct quic_packet_hdr hdr;

	memcpy(pkt + 20, pkt, 9);
	pkt[20 + 8] = 21;
	EXPECT_INT(ctx, quic_packet_parse_header(pkt, sizeof(pkt), 0, &hdr), 0);
	EXPECT_INT(ctx, hdr.type, QUIC_PACKET_HANDSHAKE);
	EXPECT_INT(ctx, hdr.len, 20);
	EXPECT_INT(ctx, quic_packet_parse_header(pkt + hdr.len, sizeof(pkt) - hdr.len,
						 0, &hdr), 0);
	EXPECT_INT(ctx, hdr.type, QUIC_PACKET_HANDSHAKE);
	EXPECT_INT(ctx, hdr.len, 30);
}

static const struct quic_test_case quic_codec_cases[] = {
	{ "varint_rfc9000_a1", quic_test_varint_rfc },
	{ "varint_bounds", quic_test_varint_bounds },
	{ "pn_encode", quic_test_pn_encode },
	{ "pn_decode", quic_test_pn_decode },
	{ "header_initial", quic_test_header_initial },
	{ "header_retry", quic_test_header_retry },
	{ "header_malformed", quic_test_header_malformed },
	{ "header_coalesced", quic_test_header_coalesced },
};

#define QUIC_TEST_SUITE_NAME	"quic_codec"
#define QUIC_TEST_CASES		quic_codec_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC varint and packet number codec tests");
MODULE_LICENSE("GPL");
