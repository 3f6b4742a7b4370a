// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Send and receive byte streams with offsets (RFC 9000 sections 2.2, 13.3):
 * data stays in the send buffer until acknowledged and lost ranges are
 * sent again as new frames; received frames are reassembled in order.
 */

#include <linux/slab.h>
#include <linux/uio.h>

#include "buffer.h"

/* Largest piece of application data held in one allocation. */
#define QUIC_SBUF_CHUNK_MAX	16384

struct quic_sbuf_chunk {
	struct list_head	list;
	u64			offset;
	u32			len;
	u8			data[];
};

/* Ranges */

static void quic_ranges_del(struct quic_ranges *set, u32 i)
{
	memmove(&set->r[i], &set->r[i + 1], (set->count - i - 1) * sizeof(set->r[0]));
	set->count--;
}

/**
 * quic_ranges_add - add [@start, @end) to a range set
 * @set: the set
 * @start: first byte
 * @end: byte after the last
 * @merge: when the set is full, grow the nearest range to cover the new
 *	one instead of failing (for sets where a superset is safe)
 *
 * Return: false if the range was not recorded (set full and !@merge).
 */
bool quic_ranges_add(struct quic_ranges *set, u64 start, u64 end, bool merge)
{
	u32 i, j;

	if (start >= end)
		return true;
	/* First range that ends at or after @start. */
	for (i = 0; i < set->count && set->r[i].end < start; i++)
		;
	if (i == set->count || set->r[i].start > end) {
		/* Disjoint from every range: insert at i. */
		if (set->count == QUIC_RANGES_MAX) {
			if (!merge)
				return false;
			if (i == set->count)
				i--;
			set->r[i].start = min(set->r[i].start, start);
			set->r[i].end = max(set->r[i].end, end);
			goto coalesce;
		}
		memmove(&set->r[i + 1], &set->r[i], (set->count - i) * sizeof(set->r[0]));
		set->r[i].start = start;
		set->r[i].end = end;
		set->count++;
		return true;
	}
	set->r[i].start = min(set->r[i].start, start);
	set->r[i].end = max(set->r[i].end, end);
coalesce:
	for (j = i + 1; j < set->count && set->r[j].start <= set->r[i].end;) {
		set->r[i].end = max(set->r[i].end, set->r[j].end);
		quic_ranges_del(set, j);
	}
	while (i > 0 && set->r[i - 1].end >= set->r[i].start) {
		set->r[i - 1].end = max(set->r[i - 1].end, set->r[i].end);
		quic_ranges_del(set, i);
		i--;
	}
	return true;
}

/**
 * quic_ranges_remove - take [@start, @end) out of a range set
 * @set: the set
 * @start: first byte
 * @end: byte after the last
 *
 * A range that would have to split while the set is full stays whole:
 * the sets this is used on tolerate holding more than they must.
 */
void quic_ranges_remove(struct quic_ranges *set, u64 start, u64 end)
{
	u32 i = 0;

	while (i < set->count) {
		u64 s = set->r[i].start, e = set->r[i].end;

		if (e <= start || s >= end) {
			i++;
			continue;
		}
		if (s < start && e > end) {
			if (set->count == QUIC_RANGES_MAX)
				return;
			memmove(&set->r[i + 1], &set->r[i], (set->count - i) * sizeof(set->r[0]));
			set->count++;
			set->r[i].end = start;
			set->r[i + 1].start = end;
			return;
		}
		if (s < start) {
			set->r[i].end = start;
			i++;
		} else if (e > end) {
			set->r[i].start = end;
			i++;
		} else {
			quic_ranges_del(set, i);
		}
	}
}

/* Drop everything below @offset. */
void quic_ranges_trim_below(struct quic_ranges *set, u64 offset)
{
	while (set->count && set->r[0].end <= offset)
		quic_ranges_del(set, 0);
	if (set->count && set->r[0].start < offset)
		set->r[0].start = offset;
}

/* Send buffer */

void quic_sbuf_init(struct quic_sbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
	INIT_LIST_HEAD(&sb->chunks);
}

/* Free all data; returns the bytes released so the caller can uncharge. */
u32 quic_sbuf_free(struct quic_sbuf *sb)
{
	struct quic_sbuf_chunk *c, *tmp;
	u32 bytes = sb->bytes;

	list_for_each_entry_safe(c, tmp, &sb->chunks, list) {
		list_del(&c->list);
		kfree(c);
	}
	sb->bytes = 0;
	return bytes;
}

static struct quic_sbuf_chunk *quic_sbuf_chunk_new(struct quic_sbuf *sb,
						   u32 len, gfp_t gfp)
{
	struct quic_sbuf_chunk *c;

	c = kmalloc(struct_size(c, data, len), gfp);
	if (!c)
		return NULL;
	c->offset = sb->tail;
	c->len = len;
	return c;
}

static void quic_sbuf_chunk_add(struct quic_sbuf *sb, struct quic_sbuf_chunk *c)
{
	list_add_tail(&c->list, &sb->chunks);
	sb->tail += c->len;
	sb->bytes += c->len;
}

/**
 * quic_sbuf_append - copy application data to the end of the stream
 * @sb: the send buffer
 * @from: the data
 * @len: bytes to copy
 * @gfp: allocation flags
 *
 * Return: 0, -ENOMEM or -EFAULT; on error nothing was appended.
 */
int quic_sbuf_append(struct quic_sbuf *sb, struct iov_iter *from, u32 len,
		     gfp_t gfp)
{
	struct quic_sbuf_chunk *c, *tmp;
	LIST_HEAD(pieces);
	u64 tail = sb->tail;
	u32 n;

	while (len) {
		n = min_t(u32, len, QUIC_SBUF_CHUNK_MAX);
		c = quic_sbuf_chunk_new(sb, n, gfp);
		if (!c)
			goto err;
		c->offset = tail;
		if (!copy_from_iter_full(c->data, n, from)) {
			kfree(c);
			list_for_each_entry_safe(c, tmp, &pieces, list)
				kfree(c);
			return -EFAULT;
		}
		list_add_tail(&c->list, &pieces);
		tail += n;
		len -= n;
	}
	list_for_each_entry_safe(c, tmp, &pieces, list) {
		list_del(&c->list);
		quic_sbuf_chunk_add(sb, c);
	}
	return 0;
err:
	list_for_each_entry_safe(c, tmp, &pieces, list)
		kfree(c);
	return -ENOMEM;
}

int quic_sbuf_append_buf(struct quic_sbuf *sb, const u8 *data, u32 len,
			 gfp_t gfp)
{
	struct quic_sbuf_chunk *c;

	if (!len)
		return 0;
	c = quic_sbuf_chunk_new(sb, len, gfp);
	if (!c)
		return -ENOMEM;
	memcpy(c->data, data, len);
	quic_sbuf_chunk_add(sb, c);
	return 0;
}

/* Something is waiting to be sent: lost data, new data, or the FIN. */
bool quic_sbuf_pending(const struct quic_sbuf *sb)
{
	return sb->lost.count || sb->next < sb->tail ||
	       (sb->fin && !sb->fin_acked && (!sb->fin_sent || sb->fin_lost));
}

/**
 * quic_sbuf_next_range - the next bytes to put in a frame
 * @sb: the send buffer
 * @limit: flow control limit (offset) for new data
 * @max: room for data in the frame
 * @offset: the offset of the range (out)
 * @fin: whether the frame carries the FIN (out)
 *
 * Lost data goes first (RFC 9000 section 13.3: data is sent again in new
 * frames), then new data up to @limit. The range is counted as sent.
 *
 * Return: bytes in the range; 0 with *@fin set for a bare FIN, 0 with
 * *@fin clear when there is nothing to send.
 */
u32 quic_sbuf_next_range(struct quic_sbuf *sb, u64 limit, u32 max,
			 u64 *offset, bool *fin)
{
	u64 start, end;

	*fin = false;
	if (sb->lost.count) {
		start = sb->lost.r[0].start;
		end = min(sb->lost.r[0].end, start + max);
		quic_ranges_remove(&sb->lost, start, end);
	} else {
		start = sb->next;
		end = min3(sb->tail, start + max, max(limit, start));
		sb->next = end;
	}
	*offset = start;
	/* The FIN rides on the data that ends the stream, or goes alone. */
	if (sb->fin && end == sb->tail && !sb->fin_acked &&
	    (!sb->fin_sent || sb->fin_lost || start < end)) {
		*fin = true;
		sb->fin_sent = true;
		sb->fin_lost = false;
	}
	return end - start;
}

/* Copy @len bytes at stream offset @offset, all held, to @to. */
void quic_sbuf_copy(const struct quic_sbuf *sb, u64 offset, u32 len, u8 *to)
{
	struct quic_sbuf_chunk *c;
	u32 skip, n;

	list_for_each_entry(c, &sb->chunks, list) {
		if (!len)
			return;
		if (c->offset + c->len <= offset)
			continue;
		skip = offset - c->offset;
		n = min(len, c->len - skip);
		memcpy(to, c->data + skip, n);
		to += n;
		offset += n;
		len -= n;
	}
	WARN_ON_ONCE(len);
}

/**
 * quic_sbuf_ack - the peer acknowledged a range
 * @sb: the send buffer
 * @offset: first byte
 * @len: bytes
 * @fin: the acknowledged frame carried the FIN
 *
 * Return: bytes released from the front of the buffer.
 */
u32 quic_sbuf_ack(struct quic_sbuf *sb, u64 offset, u32 len, bool fin)
{
	struct quic_sbuf_chunk *c, *tmp;
	u32 freed = 0;

	if (fin)
		sb->fin_acked = true;
	if (offset + len <= sb->base)
		return 0;
	/* If the set is full the range is simply acknowledged again later. */
	quic_ranges_add(&sb->acked, max(offset, sb->base), offset + len, false);
	quic_ranges_remove(&sb->lost, offset, offset + len);
	while (sb->acked.count && sb->acked.r[0].start <= sb->base) {
		sb->base = max(sb->base, sb->acked.r[0].end);
		quic_ranges_del(&sb->acked, 0);
	}
	quic_ranges_trim_below(&sb->lost, sb->base);
	list_for_each_entry_safe(c, tmp, &sb->chunks, list) {
		if (c->offset + c->len > sb->base)
			break;
		list_del(&c->list);
		freed += c->len;
		kfree(c);
	}
	sb->bytes -= freed;
	return freed;
}

/* A frame with this range was declared lost: send it again. */
void quic_sbuf_lose(struct quic_sbuf *sb, u64 offset, u32 len, bool fin)
{
	u32 i;

	if (fin && !sb->fin_acked)
		sb->fin_lost = true;
	if (offset + len <= sb->base)
		return;
	offset = max(offset, sb->base);
	quic_ranges_add(&sb->lost, offset, offset + len, true);
	/* Acknowledged parts need no resend. */
	for (i = 0; i < sb->acked.count; i++)
		quic_ranges_remove(&sb->lost, sb->acked.r[i].start,
				   sb->acked.r[i].end);
}

bool quic_sbuf_all_acked(const struct quic_sbuf *sb)
{
	return sb->base == sb->tail && (!sb->fin || sb->fin_acked);
}

/* Receive buffer */

void quic_rbuf_init(struct quic_rbuf *rb)
{
	memset(rb, 0, sizeof(*rb));
	skb_queue_head_init(&rb->frags);
}

void quic_rbuf_free(struct quic_rbuf *rb)
{
	skb_queue_purge(&rb->frags);
	rb->bytes = 0;
}

/**
 * quic_rbuf_insert - file a received frame's data
 * @rb: the receive buffer
 * @skb: an skb holding exactly the frame's data; consumed
 * @offset: its stream offset
 * @fin: the frame carried the FIN
 *
 * RFC 9000 section 4.5: once the final size is known it cannot change and
 * no data may lie beyond it.
 *
 * Return: 0, or -EPROTO for a FINAL_SIZE_ERROR (@skb freed either way).
 */
int quic_rbuf_insert(struct quic_rbuf *rb, struct sk_buff *skb, u64 offset,
		     bool fin)
{
	u64 end = offset + skb->len;
	struct sk_buff *pos;

	if (rb->final_known &&
	    (end > rb->final || (fin && end != rb->final)))
		goto final_size;
	if (fin) {
		if (end < rb->highest)
			goto final_size;
		rb->final = end;
		rb->final_known = true;
	}
	rb->highest = max(rb->highest, end);

	if (end < rb->next || (end == rb->next && (!fin || rb->fin_delivered))) {
		kfree_skb(skb);
		return 0;
	}
	if (offset < rb->next) {
		skb_pull(skb, rb->next - offset);
		offset = rb->next;
	}
	quic_rbuf_cb(skb)->offset = offset;
	quic_rbuf_cb(skb)->fin = fin;
	skb_queue_walk(&rb->frags, pos) {
		u64 start = quic_rbuf_cb(pos)->offset;

		/* A retransmission of what is held already costs nothing. */
		if (start <= offset && start + pos->len >= end &&
		    (!fin || quic_rbuf_cb(pos)->fin || start + pos->len > end)) {
			kfree_skb(skb);
			return 0;
		}
		if (start > offset) {
			__skb_queue_before(&rb->frags, pos, skb);
			goto queued;
		}
	}
	__skb_queue_tail(&rb->frags, skb);
queued:
	rb->bytes += skb->len;
	return 0;

final_size:
	kfree_skb(skb);
	return -EPROTO;
}

/**
 * quic_rbuf_pop - the next in-order data, if it arrived
 * @rb: the receive buffer
 *
 * Return: an skb whose &struct quic_rbuf_cb gives its offset and whether
 * it ends the stream, or NULL.
 */
struct sk_buff *quic_rbuf_pop(struct quic_rbuf *rb)
{
	struct sk_buff *skb;
	u64 offset, end;

	while ((skb = skb_peek(&rb->frags))) {
		offset = quic_rbuf_cb(skb)->offset;
		if (offset > rb->next)
			return NULL;
		__skb_unlink(skb, &rb->frags);
		rb->bytes -= skb->len;
		end = offset + skb->len;
		if (end < rb->next || (end == rb->next &&
				       (skb->len || rb->fin_delivered))) {
			kfree_skb(skb);
			continue;
		}
		if (offset < rb->next)
			skb_pull(skb, rb->next - offset);
		quic_rbuf_cb(skb)->offset = rb->next;
		rb->next = end;
		quic_rbuf_cb(skb)->fin = rb->final_known && end == rb->final &&
					 !rb->fin_delivered;
		if (quic_rbuf_cb(skb)->fin)
			rb->fin_delivered = true;
		return skb;
	}
	return NULL;
}
