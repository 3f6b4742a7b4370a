/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pacing (RFC 9002 section 7.7): the packets of a window spread over the
 * round trip instead of leaving in one burst.
 */

#ifndef __NET_QUIC_PACING_H
#define __NET_QUIC_PACING_H

#include <linux/ktime.h>
#include <linux/types.h>

/* Packets that may leave back to back after an idle period. */
#define QUIC_PACING_BURST_PACKETS	10
/* Section 7.7's N, in percent: ahead of the window in slow start, where
 * it doubles each round trip, by a quarter in congestion avoidance.
 */
#define QUIC_PACING_SS_PCT		200
#define QUIC_PACING_CA_PCT		125

/**
 * struct quic_pacing - the pacer of a path
 * @next: the earliest time the next paced packet may leave, 0 for now
 */
struct quic_pacing {
	ktime_t	next;
};

u64 quic_pacing_interval_ns(u32 len, u32 srtt_us, u32 window, bool slow_start);
bool quic_pacing_ready(const struct quic_pacing *p, ktime_t now);
void quic_pacing_sent(struct quic_pacing *p, ktime_t now, u64 interval_ns);

#endif /* __NET_QUIC_PACING_H */
