// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pacing (RFC 9002 section 7.7). A packet of len bytes takes
 * len * smoothed_rtt / (N * congestion_window) of the path's time; the
 * pacer keeps the earliest time the next one may leave. Time not used
 * while the sender had nothing to send is credited up to a burst of
 * QUIC_PACING_BURST_PACKETS packets, so that an application writing in
 * bursts is not slowed below the rate, and no more, so that the window
 * does not leave at once after an idle period (section 7.8).
 *
 * The sender (output.c) asks quic_pacing_ready() before a packet that
 * counts in flight and arms the connection's pacing timer (conn.c) for
 * @next when it is not; ACKs, CONNECTION_CLOSE and probes are not paced.
 */

#include <linux/math64.h>
#include <linux/minmax.h>

#include "pacing.h"

/* A larger smoothed_rtt is taken as this (keeps the product in 64 bits). */
#define QUIC_PACING_SRTT_MAX_US		(60U * USEC_PER_SEC)

/**
 * quic_pacing_interval_ns - the time a packet takes at the pacing rate
 * @len: its size, bytes
 * @srtt_us: the path's smoothed_rtt
 * @window: its congestion_window, bytes
 * @slow_start: the window is below ssthresh
 *
 * Return: len * srtt / (N * window), in ns; 0 for no window.
 */
u64 quic_pacing_interval_ns(u32 len, u32 srtt_us, u32 window, bool slow_start)
{
	u32 pct = slow_start ? QUIC_PACING_SS_PCT : QUIC_PACING_CA_PCT;
	u64 num;

	if (!window)
		return 0;
	num = (u64)len * min(srtt_us, QUIC_PACING_SRTT_MAX_US) *
	      NSEC_PER_USEC * 100;
	return div64_u64(num, (u64)window * pct);
}

/* Whether a paced packet may leave at @now. */
bool quic_pacing_ready(const struct quic_pacing *p, ktime_t now)
{
	return ktime_compare(now, p->next) >= 0;
}

/**
 * quic_pacing_sent - a paced packet left
 * @p: the pacer
 * @now: when
 * @interval_ns: its quic_pacing_interval_ns()
 *
 * The next one leaves @interval_ns after this one was due, or, when
 * that is further back than the burst credit (QUIC_PACING_BURST_PACKETS
 * packets back to back, this one the first), after @now less the credit.
 */
void quic_pacing_sent(struct quic_pacing *p, ktime_t now, u64 interval_ns)
{
	ktime_t floor = ktime_sub_ns(now, (QUIC_PACING_BURST_PACKETS - 1) *
					  interval_ns);

	if (ktime_compare(p->next, floor) < 0)
		p->next = floor;
	p->next = ktime_add_ns(p->next, interval_ns);
}
