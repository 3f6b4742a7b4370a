// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frame codec against RFC 9000 section 19: every frame type encoded
 * and decoded back, byte-exact encodings written from the RFC's layouts,
 * every truncation and each malformed field rejected with
 * FRAME_ENCODING_ERROR, the ACK range bound, short output buffers, and
 * the frame/packet type table of section 12.4.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/quic.h>

#include "../frame.h"
#include "quic_test.h"

static const u8 quic_test_data[] = "0123456789abcdef";

/* One frame of every type, as the codec's round trip input. */
static u32 quic_test_frames(struct quic_frame *f)
{
	u32 n = 0;

	memset(f, 0, 24 * sizeof(*f));
	f[n++].type = QUIC_FRAME_PING;
	f[n++].type = QUIC_FRAME_HANDSHAKE_DONE;
	f[n].type = QUIC_FRAME_ACK;
	f[n].ack.largest = 1000;
	f[n].ack.delay = 77;
	f[n].ack.range_count = 3;
	f[n].ack.ranges[0] = (struct quic_ack_range){ 990, 1000 };
	f[n].ack.ranges[1] = (struct quic_ack_range){ 500, 980 };
	f[n++].ack.ranges[2] = (struct quic_ack_range){ 0, 2 };
	f[n].type = QUIC_FRAME_ACK_ECN;
	f[n].ack.ecn = true;
	f[n].ack.largest = 5;
	f[n].ack.range_count = 1;
	f[n].ack.ranges[0] = (struct quic_ack_range){ 5, 5 };
	f[n].ack.ect0 = 1;
	f[n].ack.ect1 = 2;
	f[n++].ack.ce = 300000;
	f[n].type = QUIC_FRAME_RESET_STREAM;
	f[n].reset.stream_id = 4;
	f[n].reset.error_code = 0x1234;
	f[n++].reset.final_size = 1 << 20;
	f[n].type = QUIC_FRAME_STOP_SENDING;
	f[n].stop.stream_id = 8;
	f[n++].stop.error_code = 7;
	f[n].type = QUIC_FRAME_CRYPTO;
	f[n].crypto.offset = 70000;
	f[n].crypto.data = quic_test_data;
	f[n++].crypto.len = 16;
	f[n].type = QUIC_FRAME_NEW_TOKEN;
	f[n].token.data = quic_test_data;
	f[n++].token.len = 5;
	f[n].type = QUIC_FRAME_STREAM;
	f[n].stream.stream_id = 3;
	f[n].stream.offset = 123456789;
	f[n].stream.data = quic_test_data;
	f[n].stream.len = 10;
	f[n++].stream.fin = true;
	f[n].type = QUIC_FRAME_STREAM;
	f[n].stream.stream_id = 0;
	f[n].stream.data = quic_test_data;
	f[n++].stream.len = 0;
	f[n].type = QUIC_FRAME_MAX_DATA;
	f[n++].max.value = 1ULL << 40;
	f[n].type = QUIC_FRAME_DATA_BLOCKED;
	f[n++].max.value = 63;
	f[n].type = QUIC_FRAME_MAX_STREAMS_BIDI;
	f[n++].max.value = 1ULL << 60;
	f[n].type = QUIC_FRAME_STREAMS_BLOCKED_UNI;
	f[n++].max.value = 16384;
	f[n].type = QUIC_FRAME_MAX_STREAM_DATA;
	f[n].stream_max.stream_id = 2;
	f[n++].stream_max.value = 99;
	f[n].type = QUIC_FRAME_STREAM_DATA_BLOCKED;
	f[n].stream_max.stream_id = 6;
	f[n++].stream_max.value = 100;
	f[n].type = QUIC_FRAME_NEW_CONNECTION_ID;
	f[n].new_cid.seq = 3;
	f[n].new_cid.retire_prior_to = 1;
	f[n].new_cid.cid_len = 20;
	memcpy(f[n].new_cid.cid, "0123456789abcdefghij", 20);
	memcpy(f[n++].new_cid.reset_token, "tokentokentoken!", 16);
	f[n].type = QUIC_FRAME_RETIRE_CONNECTION_ID;
	f[n++].retire_cid.seq = 2;
	f[n].type = QUIC_FRAME_PATH_CHALLENGE;
	memcpy(f[n++].path.data, "abcdefgh", 8);
	f[n].type = QUIC_FRAME_PATH_RESPONSE;
	memcpy(f[n++].path.data, "hgfedcba", 8);
	f[n].type = QUIC_FRAME_CONNECTION_CLOSE;
	f[n].close.error_code = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	f[n].close.frame_type = QUIC_FRAME_STREAM;
	f[n].close.reason = quic_test_data;
	f[n++].close.reason_len = 4;
	f[n].type = QUIC_FRAME_CONNECTION_CLOSE_APP;
	f[n++].close.error_code = 0x100;
	f[n].type = QUIC_FRAME_DATAGRAM;
	f[n].datagram.data = quic_test_data;
	f[n++].datagram.len = 12;
	return n;
}

static bool quic_test_same(struct quic_test_ctx *ctx, const struct quic_frame *a,
			   const struct quic_frame *b)
{
	u32 i;

	if (!EXPECT_INT(ctx, b->type, a->type))
		return false;
	switch (a->type) {
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		EXPECT_INT(ctx, b->ack.largest, a->ack.largest);
		EXPECT_INT(ctx, b->ack.delay, a->ack.delay);
		EXPECT_INT(ctx, b->ack.range_count, a->ack.range_count);
		for (i = 0; i < a->ack.range_count; i++) {
			EXPECT_INT(ctx, b->ack.ranges[i].start, a->ack.ranges[i].start);
			EXPECT_INT(ctx, b->ack.ranges[i].end, a->ack.ranges[i].end);
		}
		EXPECT_INT(ctx, b->ack.ce, a->ack.ce);
		return EXPECT_INT(ctx, b->ack.ect1, a->ack.ect1);
	case QUIC_FRAME_RESET_STREAM:
		return EXPECT_MEM(ctx, (u8 *)&b->reset, (u8 *)&a->reset, sizeof(a->reset));
	case QUIC_FRAME_STOP_SENDING:
		return EXPECT_MEM(ctx, (u8 *)&b->stop, (u8 *)&a->stop, sizeof(a->stop));
	case QUIC_FRAME_CRYPTO:
		EXPECT_INT(ctx, b->crypto.offset, a->crypto.offset);
		EXPECT_INT(ctx, b->crypto.len, a->crypto.len);
		return EXPECT_MEM(ctx, b->crypto.data, a->crypto.data, a->crypto.len);
	case QUIC_FRAME_NEW_TOKEN:
		EXPECT_INT(ctx, b->token.len, a->token.len);
		return EXPECT_MEM(ctx, b->token.data, a->token.data, a->token.len);
	case QUIC_FRAME_STREAM:
		EXPECT_INT(ctx, b->stream.stream_id, a->stream.stream_id);
		EXPECT_INT(ctx, b->stream.offset, a->stream.offset);
		EXPECT_INT(ctx, b->stream.fin, a->stream.fin);
		EXPECT_INT(ctx, b->stream.len, a->stream.len);
		return EXPECT_MEM(ctx, b->stream.data, a->stream.data, a->stream.len);
	case QUIC_FRAME_MAX_DATA:
	case QUIC_FRAME_DATA_BLOCKED:
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		return EXPECT_INT(ctx, b->max.value, a->max.value);
	case QUIC_FRAME_MAX_STREAM_DATA:
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		EXPECT_INT(ctx, b->stream_max.stream_id, a->stream_max.stream_id);
		return EXPECT_INT(ctx, b->stream_max.value, a->stream_max.value);
	case QUIC_FRAME_NEW_CONNECTION_ID:
		return EXPECT_MEM(ctx, (u8 *)&b->new_cid, (u8 *)&a->new_cid,
				  sizeof(a->new_cid));
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		return EXPECT_INT(ctx, b->retire_cid.seq, a->retire_cid.seq);
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		return EXPECT_MEM(ctx, b->path.data, a->path.data, 8);
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		EXPECT_INT(ctx, b->close.error_code, a->close.error_code);
		EXPECT_INT(ctx, b->close.frame_type, a->close.frame_type);
		EXPECT_INT(ctx, b->close.reason_len, a->close.reason_len);
		return EXPECT_MEM(ctx, b->close.reason, a->close.reason,
				  a->close.reason_len);
	case QUIC_FRAME_DATAGRAM:
		EXPECT_INT(ctx, b->datagram.len, a->datagram.len);
		return EXPECT_MEM(ctx, b->datagram.data, a->datagram.data,
				  a->datagram.len);
	}
	return true;
}

struct quic_test_bufs {
	struct quic_frame in[24];
	struct quic_frame out;
	u8 wire[256];
};

static void quic_test_round_trip(struct quic_test_ctx *ctx)
{
	struct quic_test_bufs *b = kzalloc(sizeof(*b), GFP_KERNEL);
	u32 i, n, len;
	u64 err = 0;
	u8 *exact;
	int w, r;

	if (!b) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	n = quic_test_frames(b->in);
	for (i = 0; i < n; i++) {
		len = quic_frame_len(&b->in[i]);
		w = quic_frame_put(b->wire, sizeof(b->wire), &b->in[i]);
		if (!EXPECT_INT(ctx, w, len) || w <= 0)
			continue;
		/* Decoded from an exact-size copy: KASAN sees any overread. */
		exact = kmemdup(b->wire, w, GFP_KERNEL);
		if (!exact)
			break;
		r = quic_frame_parse(exact, w, &b->out, &err);
		if (EXPECT_INT(ctx, r, w))
			quic_test_same(ctx, &b->in[i], &b->out);
		/* Output one byte short: nothing fits. */
		EXPECT_INT(ctx, quic_frame_put(b->wire, w - 1, &b->in[i]), -ENOSPC);
		kfree(exact);
	}
	kfree(b);
}

static void quic_test_truncated(struct quic_test_ctx *ctx)
{
	struct quic_test_bufs *b = kzalloc(sizeof(*b), GFP_KERNEL);
	u32 i, n, cut;
	u64 err;
	u8 *exact;
	int w;

	if (!b) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	n = quic_test_frames(b->in);
	for (i = 0; i < n; i++) {
		w = quic_frame_put(b->wire, sizeof(b->wire), &b->in[i]);
		for (cut = 1; cut < w; cut++) {
			exact = kmemdup(b->wire, cut, GFP_KERNEL);
			if (!exact)
				break;
			err = 0;
			if (quic_frame_parse(exact, cut, &b->out, &err) != -EINVAL ||
			    err != QUIC_TRANSPORT_ERROR_FRAME_ENCODING)
				quic_test_fail(ctx, "frame %#llx cut at %u of %d accepted",
					       b->in[i].type, cut, w);
			kfree(exact);
		}
	}
	kfree(b);
}

/* Encodings written by hand from RFC 9000 sections 19.3 and 19.8. */
static void quic_test_exact(struct quic_test_ctx *ctx)
{
	static const u8 ack[] = { 0x02, 0x0a, 0x02, 0x01, 0x02, 0x01, 0x02 };
	static const u8 stream[] = { 0x0f, 0x04, 0x40, 0x64, 0x03, 'a', 'b', 'c' };
	static const u8 padding[] = { 0x00, 0x00, 0x00, 0x01 };
	struct quic_frame *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u8 out[16];
	u64 err;

	if (!f) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	/* Largest 10, delay 2, one more range: [8, 10] then gap 1, [3, 5]. */
	EXPECT_INT(ctx, quic_frame_parse(ack, sizeof(ack), f, &err), sizeof(ack));
	EXPECT_INT(ctx, f->ack.range_count, 2);
	EXPECT_INT(ctx, f->ack.ranges[0].start, 8);
	EXPECT_INT(ctx, f->ack.ranges[1].end, 5);
	EXPECT_INT(ctx, f->ack.ranges[1].start, 3);
	EXPECT_INT(ctx, quic_frame_put(out, sizeof(out), f), sizeof(ack));
	EXPECT_MEM(ctx, out, ack, sizeof(ack));

	EXPECT_INT(ctx, quic_frame_parse(stream, sizeof(stream), f, &err),
		   sizeof(stream));
	EXPECT_INT(ctx, f->stream.stream_id, 4);
	EXPECT_INT(ctx, f->stream.offset, 100);
	EXPECT_INT(ctx, f->stream.fin, 1);
	EXPECT_MEM(ctx, f->stream.data, (const u8 *)"abc", 3);
	EXPECT_INT(ctx, quic_frame_put_stream_hdr(out, sizeof(out), 4, 100, 3,
						  true, true), 5);
	EXPECT_MEM(ctx, out, stream, 5);
	/* Without LEN the data runs to the end of the packet. */
	out[0] = 0x0d;
	memcpy(out + 1, stream + 1, 3);
	memcpy(out + 4, "xyz", 3);
	EXPECT_INT(ctx, quic_frame_parse(out, 7, f, &err), 7);
	EXPECT_INT(ctx, f->stream.len, 3);
	/* A run of PADDING is one frame, stopping at the PING. */
	EXPECT_INT(ctx, quic_frame_parse(padding, sizeof(padding), f, &err), 3);
	EXPECT_INT(ctx, f->type, QUIC_FRAME_PADDING);
	kfree(f);
}

struct quic_test_bad {
	const char *what;
	u8 bytes[16];
	u32 len;
};

/* Each is a FRAME_ENCODING_ERROR (RFC 9000 section 19 field rules). */
static const struct quic_test_bad quic_bad_frames[] = {
	{ "unknown type 0x21", { 0x21 }, 1 },
	{ "ACK first range beyond largest", { 0x02, 0x05, 0x00, 0x00, 0x06 }, 5 },
	{ "ACK gap below zero", { 0x02, 0x05, 0x00, 0x01, 0x02, 0x02, 0x00 }, 7 },
	{ "ACK range below zero", { 0x02, 0x05, 0x00, 0x01, 0x00, 0x00, 0x04 }, 7 },
	{ "NEW_TOKEN empty", { 0x07, 0x00 }, 2 },
	{ "MAX_STREAMS above 2^60",
	  { 0x12, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 9 },
	{ "STREAMS_BLOCKED above 2^60",
	  { 0x17, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 9 },
	{ "NEW_CONNECTION_ID length 0", { 0x18, 0x01, 0x00, 0x00 }, 4 },
	{ "NEW_CONNECTION_ID length 21", { 0x18, 0x01, 0x00, 21 }, 4 },
	{ "NEW_CONNECTION_ID retire > seq", { 0x18, 0x01, 0x02, 0x01, 0xaa }, 5 },
	{ "STREAM beyond 2^62",
	  { 0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 }, 12 },
	{ "CRYPTO beyond 2^62",
	  { 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 }, 11 },
	{ "CONNECTION_CLOSE reason too long", { 0x1c, 0x00, 0x00, 0x05, 'a' }, 5 },
	{ "DATAGRAM length too long", { 0x31, 0x05, 'a' }, 3 },
};

static void quic_test_malformed(struct quic_test_ctx *ctx)
{
	struct quic_frame *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u64 err;
	u8 *exact;
	u32 i;

	if (!f) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(quic_bad_frames); i++) {
		const struct quic_test_bad *t = &quic_bad_frames[i];

		exact = kmemdup(t->bytes, t->len, GFP_KERNEL);
		if (!exact)
			break;
		err = 0;
		if (quic_frame_parse(exact, t->len, f, &err) != -EINVAL ||
		    err != QUIC_TRANSPORT_ERROR_FRAME_ENCODING)
			quic_test_fail(ctx, "%s: accepted", t->what);
		kfree(exact);
	}
	kfree(f);
}

/* More ranges than kept: all are checked, the highest are kept. */
static void quic_test_ack_many(struct quic_test_ctx *ctx)
{
	struct quic_frame *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u8 *buf = kzalloc(512, GFP_KERNEL), *p;
	u32 i, ranges = QUIC_ACK_MAX_RANGES + 8;
	u64 err;

	if (!f || !buf)
		goto out;
	/* Packets 1000, 998, 996...: every range one packet, gap 0. */
	p = buf;
	*p++ = 0x02;
	*p++ = 0x43;
	*p++ = 0xe8;	/* largest 1000 */
	*p++ = 0x00;	/* delay */
	*p++ = ranges - 1;
	*p++ = 0x00;	/* first range: 1 packet */
	for (i = 1; i < ranges; i++) {
		*p++ = 0x00;	/* gap: one missing */
		*p++ = 0x00;
	}
	EXPECT_INT(ctx, quic_frame_parse(buf, p - buf, f, &err), p - buf);
	EXPECT_INT(ctx, f->ack.range_count, QUIC_ACK_MAX_RANGES);
	EXPECT_INT(ctx, f->ack.ranges[QUIC_ACK_MAX_RANGES - 1].end,
		   1000 - 2 * (QUIC_ACK_MAX_RANGES - 1));
	/* The same with the last range reaching below 0 is rejected. */
	buf[1] = 0x40;
	buf[2] = 0x40;		/* largest 64: too small for 40 ranges */
	EXPECT_INT(ctx, quic_frame_parse(buf, p - buf, f, &err), -EINVAL);
out:
	kfree(f);
	kfree(buf);
}

static void quic_test_allowed(struct quic_test_ctx *ctx)
{
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_CRYPTO, QUIC_PACKET_INITIAL), 1);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_ACK, QUIC_PACKET_HANDSHAKE), 1);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_CONNECTION_CLOSE,
					   QUIC_PACKET_INITIAL), 1);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_CONNECTION_CLOSE_APP,
					   QUIC_PACKET_INITIAL), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_STREAM, QUIC_PACKET_HANDSHAKE), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_HANDSHAKE_DONE,
					   QUIC_PACKET_INITIAL), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_STREAM, QUIC_PACKET_0RTT), 1);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_ACK, QUIC_PACKET_0RTT), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_CRYPTO, QUIC_PACKET_0RTT), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_NEW_TOKEN, QUIC_PACKET_0RTT), 0);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_HANDSHAKE_DONE,
					   QUIC_PACKET_SHORT), 1);
	EXPECT_INT(ctx, quic_frame_allowed(QUIC_FRAME_PING, QUIC_PACKET_RETRY), 0);
	EXPECT_INT(ctx, quic_frame_ack_eliciting(QUIC_FRAME_ACK), 0);
	EXPECT_INT(ctx, quic_frame_ack_eliciting(QUIC_FRAME_PADDING), 0);
	EXPECT_INT(ctx, quic_frame_ack_eliciting(QUIC_FRAME_PING), 1);
	EXPECT_INT(ctx, quic_frame_in_flight(QUIC_FRAME_PADDING), 1);
	EXPECT_INT(ctx, quic_frame_in_flight(QUIC_FRAME_ACK), 0);
}

static const struct quic_test_case quic_frame_cases[] = {
	{ "round_trip_every_type", quic_test_round_trip },
	{ "truncated_every_length", quic_test_truncated },
	{ "exact_encodings", quic_test_exact },
	{ "malformed_fields", quic_test_malformed },
	{ "ack_range_bound", quic_test_ack_many },
	{ "allowed_in_packet", quic_test_allowed },
};

#define QUIC_TEST_SUITE_NAME	"quic_frame"
#define QUIC_TEST_CASES		quic_frame_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC frame codec tests");
MODULE_LICENSE("GPL");
