// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet number spaces: which packet numbers arrived (RFC 9000 section
 * 13.2, for ACK frames and section 12.3 duplicate detection) and when an
 * ACK is due.
 */

#include <linux/kernel.h>
#include <linux/string.h>

#include "pnspace.h"

void quic_pnspace_init(struct quic_pnspace *s)
{
	memset(s, 0, sizeof(*s));
	INIT_LIST_HEAD(&s->sent);
}

/* RFC 9000 section 12.3: a packet number is processed at most once. */
bool quic_pnspace_seen(const struct quic_pnspace *s, u64 pn)
{
	u32 i;

	if (pn < s->recv_floor)
		return true;
	for (i = 0; i < s->recv_count; i++) {
		if (pn > s->recv[i].end)
			return false;
		if (pn >= s->recv[i].start)
			return true;
	}
	return false;
}

u64 quic_pnspace_largest(const struct quic_pnspace *s)
{
	return s->recv_count ? s->recv[0].end : 0;
}

static void quic_pnspace_del(struct quic_pnspace *s, u32 i)
{
	memmove(&s->recv[i], &s->recv[i + 1],
		(s->recv_count - i - 1) * sizeof(s->recv[0]));
	s->recv_count--;
}

static void quic_pnspace_insert(struct quic_pnspace *s, u64 pn)
{
	u32 i;

	/* First range at or below @pn (ranges are descending). */
	for (i = 0; i < s->recv_count && s->recv[i].start > pn; i++)
		;
	if (i < s->recv_count && s->recv[i].end + 1 == pn) {
		s->recv[i].end = pn;
		if (i > 0 && s->recv[i - 1].start == pn + 1) {
			s->recv[i - 1].start = s->recv[i].start;
			quic_pnspace_del(s, i);
		}
		return;
	}
	if (i > 0 && s->recv[i - 1].start == pn + 1) {
		s->recv[i - 1].start = pn;
		return;
	}
	if (s->recv_count == QUIC_PNSPACE_MAX_RANGES) {
		/* Forget the oldest range (RFC 9000 section 13.2.3). */
		s->recv_floor = s->recv[s->recv_count - 1].end + 1;
		s->recv_count--;
		if (i == QUIC_PNSPACE_MAX_RANGES)
			return;
	}
	memmove(&s->recv[i + 1], &s->recv[i],
		(s->recv_count - i) * sizeof(s->recv[0]));
	s->recv[i].start = pn;
	s->recv[i].end = pn;
	s->recv_count++;
}

/**
 * quic_pnspace_record - note a packet that was processed
 * @s: its space
 * @pn: its packet number (not seen before)
 * @eliciting: it contained an ack-eliciting frame
 * @now: arrival time
 * @max_ack_delay_us: how long the ACK may wait; 0 sends it at once
 *
 * RFC 9000 section 13.2.1: acknowledge at once when packets arrive out of
 * order or two ack-eliciting packets are waiting; otherwise within
 * max_ack_delay.
 */
void quic_pnspace_record(struct quic_pnspace *s, u64 pn, bool eliciting,
			 ktime_t now, u32 max_ack_delay_us)
{
	bool in_order = !s->recv_count || pn == s->recv[0].end + 1;
	bool largest = !s->recv_count || pn > s->recv[0].end;

	quic_pnspace_insert(s, pn);
	if (largest)
		s->largest_recv_time = now;
	if (!eliciting)
		return;
	s->ack_pending++;
	if (!in_order || !max_ack_delay_us ||
	    s->ack_pending >= QUIC_ACK_ELICITING_THRESHOLD)
		s->ack_immediate = true;
	else if (!s->ack_deadline)
		s->ack_deadline = ktime_add_us(now, max_ack_delay_us);
}

bool quic_pnspace_ack_due(const struct quic_pnspace *s, ktime_t now)
{
	if (!s->ack_pending)
		return false;
	return s->ack_immediate ||
	       (s->ack_deadline && ktime_compare(now, s->ack_deadline) >= 0);
}

/**
 * quic_pnspace_fill_ack - the ACK frame for what was received
 * @s: the space; must have received something
 * @f: the frame (out)
 * @now: current time, for the ACK Delay field
 * @ack_delay_exponent: our ack_delay_exponent (RFC 9000 section 18.2)
 */
void quic_pnspace_fill_ack(const struct quic_pnspace *s, struct quic_frame *f,
			   ktime_t now, u32 ack_delay_exponent)
{
	s64 delay = ktime_us_delta(now, s->largest_recv_time);
	u32 i;

	memset(&f->ack, 0, sizeof(f->ack));
	f->type = QUIC_FRAME_ACK;
	f->ack.largest = s->recv[0].end;
	f->ack.delay = max_t(s64, delay, 0) >> ack_delay_exponent;
	f->ack.range_count = s->recv_count;
	for (i = 0; i < s->recv_count; i++) {
		f->ack.ranges[i].start = s->recv[i].start;
		f->ack.ranges[i].end = s->recv[i].end;
	}
	quic_ecn_fill_ack(&s->ecn, &f->ack);
}

void quic_pnspace_ack_sent(struct quic_pnspace *s)
{
	s->ack_pending = 0;
	s->ack_immediate = false;
	s->ack_deadline = 0;
}

/* RFC 9000 section 13.2.4: once an ACK we sent is acknowledged, ranges
 * below its largest need not be reported again; keep a few anyway so that
 * reordered packets are still acknowledged quickly.
 */
void quic_pnspace_ack_acked(struct quic_pnspace *s, u64 largest)
{
	while (s->recv_count > 4 && s->recv[s->recv_count - 1].end < largest) {
		s->recv_floor = s->recv[s->recv_count - 1].end + 1;
		s->recv_count--;
	}
}
