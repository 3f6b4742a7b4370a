// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stream buffers and packet number spaces: range sets (merging, removal,
 * the bound), the send buffer (new and lost data, FIN, acknowledgment
 * freeing the front), the receive buffer (reordering, duplicates, final
 * size rules of RFC 9000 section 4.5) and received packet numbers (ACK
 * ranges, duplicates, when an ACK is due: RFC 9000 section 13.2).
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "../buffer.h"
#include "../pnspace.h"
#include "quic_test.h"

static void quic_test_ranges(struct quic_test_ctx *ctx)
{
	struct quic_ranges set = {};
	u32 i;

	quic_ranges_add(&set, 10, 20, false);
	quic_ranges_add(&set, 30, 40, false);
	quic_ranges_add(&set, 20, 30, false);	/* bridges both */
	EXPECT_INT(ctx, set.count, 1);
	EXPECT_INT(ctx, set.r[0].start, 10);
	EXPECT_INT(ctx, set.r[0].end, 40);
	quic_ranges_remove(&set, 15, 25);	/* splits */
	EXPECT_INT(ctx, set.count, 2);
	EXPECT_INT(ctx, set.r[0].end, 15);
	EXPECT_INT(ctx, set.r[1].start, 25);
	quic_ranges_trim_below(&set, 30);
	EXPECT_INT(ctx, set.count, 1);
	EXPECT_INT(ctx, set.r[0].start, 30);
	quic_ranges_add(&set, 5, 5, false);	/* empty: no change */
	EXPECT_INT(ctx, set.count, 1);

	/* Full: without merge the range is refused, with merge it widens. */
	memset(&set, 0, sizeof(set));
	for (i = 0; i < QUIC_RANGES_MAX; i++)
		EXPECT_INT(ctx, quic_ranges_add(&set, i * 10, i * 10 + 5, false), 1);
	EXPECT_INT(ctx, quic_ranges_add(&set, 1000, 1001, false), 0);
	EXPECT_INT(ctx, set.count, QUIC_RANGES_MAX);
	EXPECT_INT(ctx, quic_ranges_add(&set, 1000, 1001, true), 1);
	EXPECT_INT(ctx, set.count, QUIC_RANGES_MAX);
	EXPECT_INT(ctx, set.r[QUIC_RANGES_MAX - 1].end, 1001);
	for (i = 1; i < set.count; i++)
		if (set.r[i - 1].end >= set.r[i].start)
			quic_test_fail(ctx, "ranges %u and %u overlap", i - 1, i);
}

static int quic_test_append(struct quic_sbuf *sb, const u8 *data, u32 len)
{
	struct kvec kv = { (void *)data, len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	return quic_sbuf_append(sb, &it, len, GFP_KERNEL);
}

static void quic_test_sbuf(struct quic_test_ctx *ctx)
{
	struct quic_sbuf sb;
	u8 *data, out[100];
	u64 off;
	bool fin;
	u32 n, i;

	data = kmalloc(40000, GFP_KERNEL);
	if (!data) {
		quic_test_fail(ctx, "no memory");
		return;
	}
	for (i = 0; i < 40000; i++)
		data[i] = i * 7;
	quic_sbuf_init(&sb);
	EXPECT_INT(ctx, quic_test_append(&sb, data, 40000), 0);
	EXPECT_INT(ctx, sb.tail, 40000);
	EXPECT_INT(ctx, sb.bytes, 40000);
	sb.fin = true;

	/* New data within the flow control limit. */
	n = quic_sbuf_next_range(&sb, 100, 1000, &off, &fin);
	EXPECT_INT(ctx, n, 100);
	EXPECT_INT(ctx, off, 0);
	EXPECT_INT(ctx, fin, 0);
	n = quic_sbuf_next_range(&sb, 100, 1000, &off, &fin);
	EXPECT_INT(ctx, n, 0);	/* blocked */
	n = quic_sbuf_next_range(&sb, 20000, 100, &off, &fin);
	EXPECT_INT(ctx, off, 100);
	quic_sbuf_copy(&sb, 16380, 8, out);	/* across a chunk boundary */
	EXPECT_MEM(ctx, out, data + 16380, 8);

	/* Lost data goes first, and is not limited by flow control. */
	quic_sbuf_lose(&sb, 0, 50, false);
	n = quic_sbuf_next_range(&sb, 0, 1000, &off, &fin);
	EXPECT_INT(ctx, off, 0);
	EXPECT_INT(ctx, n, 50);
	EXPECT_INT(ctx, quic_sbuf_pending(&sb), 1);

	/* Acknowledgements free the front only when contiguous. */
	EXPECT_INT(ctx, quic_sbuf_ack(&sb, 100, 100, false), 0);
	EXPECT_INT(ctx, sb.base, 0);
	quic_sbuf_ack(&sb, 0, 100, false);
	EXPECT_INT(ctx, sb.base, 200);

	/* The rest with the FIN, then a lost FIN alone. */
	while ((n = quic_sbuf_next_range(&sb, U64_MAX, 30000, &off, &fin)))
		;
	EXPECT_INT(ctx, sb.next, 40000);
	EXPECT_INT(ctx, sb.fin_sent, 1);
	quic_sbuf_lose(&sb, 40000, 0, true);
	n = quic_sbuf_next_range(&sb, U64_MAX, 1000, &off, &fin);
	EXPECT_INT(ctx, n, 0);
	EXPECT_INT(ctx, fin, 1);
	EXPECT_INT(ctx, off, 40000);
	quic_sbuf_ack(&sb, 200, 39800, true);
	EXPECT_INT(ctx, quic_sbuf_all_acked(&sb), 1);
	EXPECT_INT(ctx, sb.bytes, 0);
	EXPECT_INT(ctx, quic_sbuf_free(&sb), 0);
	kfree(data);
}

static struct sk_buff *quic_test_skb(u64 offset, u32 len)
{
	struct sk_buff *skb = alloc_skb(max(len, 1U), GFP_KERNEL);
	u32 i;

	if (!skb)
		return NULL;
	for (i = 0; i < len; i++)
		skb_put_u8(skb, (u8)(offset + i));
	return skb;
}

static void quic_test_rbuf(struct quic_test_ctx *ctx)
{
	struct quic_rbuf rb;
	struct sk_buff *skb;
	u64 next = 0;
	u32 i;

	quic_rbuf_init(&rb);
	/* Out of order, overlapping and duplicate pieces. */
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(20, 10), 20, false), 0);
	EXPECT_INT(ctx, !quic_rbuf_pop(&rb), 1);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(0, 15), 0, false), 0);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(10, 12), 10, false), 0);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(0, 5), 0, false), 0);
	while ((skb = quic_rbuf_pop(&rb))) {
		EXPECT_INT(ctx, quic_rbuf_cb(skb)->offset, next);
		for (i = 0; i < skb->len; i++)
			if (skb->data[i] != (u8)(next + i))
				quic_test_fail(ctx, "byte %llu wrong", next + i);
		next += skb->len;
		kfree_skb(skb);
	}
	EXPECT_INT(ctx, next, 30);
	/* Final size: fixed by the FIN, no data beyond, no change. */
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(40, 0), 40, true), 0);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(38, 5), 38, false), -EPROTO);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(30, 5), 30, true), -EPROTO);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(30, 10), 30, false), 0);
	skb = quic_rbuf_pop(&rb);
	EXPECT_INT(ctx, skb && skb->len == 10 && quic_rbuf_cb(skb)->fin, 1);
	kfree_skb(skb);
	/* The bare FIN queued earlier is not delivered a second time. */
	EXPECT_INT(ctx, !quic_rbuf_pop(&rb), 1);
	/* A FIN below data already seen is a final size error. */
	quic_rbuf_free(&rb);
	quic_rbuf_init(&rb);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(50, 10), 50, false), 0);
	EXPECT_INT(ctx, quic_rbuf_insert(&rb, quic_test_skb(0, 10), 0, true), -EPROTO);
	quic_rbuf_free(&rb);
}

static void quic_test_pnspace(struct quic_test_ctx *ctx)
{
	struct quic_pnspace *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct quic_frame *f = kzalloc(sizeof(*f), GFP_KERNEL);
	ktime_t t = ktime_set(100, 0);
	u64 pn;

	if (!s || !f) {
		quic_test_fail(ctx, "no memory");
		goto out;
	}
	quic_pnspace_init(s);
	quic_pnspace_record(s, 0, true, t, 25000);
	EXPECT_INT(ctx, quic_pnspace_ack_due(s, t), 0);	/* delayed */
	EXPECT_INT(ctx, quic_pnspace_ack_due(s, ktime_add_us(t, 25000)), 1);
	quic_pnspace_record(s, 1, true, t, 25000);
	EXPECT_INT(ctx, s->ack_immediate, 1);		/* second packet */
	quic_pnspace_ack_sent(s);
	quic_pnspace_record(s, 5, true, t, 25000);	/* a gap */
	EXPECT_INT(ctx, s->ack_immediate, 1);
	quic_pnspace_record(s, 3, false, t, 25000);
	EXPECT_INT(ctx, quic_pnspace_seen(s, 3), 1);
	EXPECT_INT(ctx, quic_pnspace_seen(s, 4), 0);
	quic_pnspace_fill_ack(s, f, ktime_add_us(t, 8000), 3);
	EXPECT_INT(ctx, f->ack.largest, 5);
	EXPECT_INT(ctx, f->ack.range_count, 3);
	EXPECT_INT(ctx, f->ack.ranges[1].start, 3);
	EXPECT_INT(ctx, f->ack.ranges[2].end, 1);
	EXPECT_INT(ctx, f->ack.delay, 1000);		/* 8000 us >> 3 */
	quic_pnspace_record(s, 4, true, t, 25000);	/* joins 3 and 5 */
	EXPECT_INT(ctx, s->recv_count, 2);
	EXPECT_INT(ctx, s->recv[0].start, 3);
	EXPECT_INT(ctx, s->recv[0].end, 5);
	quic_pnspace_record(s, 2, true, t, 25000);	/* fills the gap */
	EXPECT_INT(ctx, s->recv_count, 1);
	EXPECT_INT(ctx, s->recv[0].start, 0);
	/* Beyond the bound the oldest ranges are forgotten, as duplicates. */
	for (pn = 10; pn < 10 + 2 * (QUIC_PNSPACE_MAX_RANGES + 4); pn += 2)
		quic_pnspace_record(s, pn, false, t, 25000);
	EXPECT_INT(ctx, s->recv_count, QUIC_PNSPACE_MAX_RANGES);
	EXPECT_INT(ctx, quic_pnspace_seen(s, 0), 1);
	EXPECT_INT(ctx, quic_pnspace_seen(s, 9), 1);
out:
	kfree(s);
	kfree(f);
}

static const struct quic_test_case quic_buffer_cases[] = {
	{ "ranges", quic_test_ranges },
	{ "send_buffer", quic_test_sbuf },
	{ "receive_buffer", quic_test_rbuf },
	{ "pnspace", quic_test_pnspace },
};

#define QUIC_TEST_SUITE_NAME	"quic_buffer"
#define QUIC_TEST_CASES		quic_buffer_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC stream buffer and packet number space tests");
MODULE_LICENSE("GPL");
