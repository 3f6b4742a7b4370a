/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HyStart++ (RFC 9406): leave slow start before the queue overflows, when
 * the round trip time grows.
 */

#ifndef __NET_QUIC_HYSTART_H
#define __NET_QUIC_HYSTART_H

#include <linux/types.h>

/**
 * struct quic_hystart - HyStart++ state of a path in slow start
 * @window_end: the round ends when a packet from this one on is acked
 * @last_round_min_rtt: lastRoundMinRTT, us (U32_MAX: none)
 * @round_min_rtt: currentRoundMinRTT, us
 * @rtt_samples: rttSampleCount of the round
 * @css_baseline: cssBaselineMinRtt, us
 * @css_rounds: rounds spent in Conservative Slow Start
 * @in_css: in Conservative Slow Start
 * @started: @window_end is set
 */
struct quic_hystart {
	u64	window_end;
	u32	last_round_min_rtt;
	u32	round_min_rtt;
	u32	rtt_samples;
	u32	css_baseline;
	u32	css_rounds;
	bool	in_css;
	bool	started;
};

/* What the slow start of an acknowledgment does (quic_hystart_on_ack()). */
enum quic_hystart_action {
	QUIC_HYSTART_SLOW_START,	/* grow by the bytes acked */
	QUIC_HYSTART_CSS,		/* grow by a quarter of them */
	QUIC_HYSTART_EXIT,		/* ssthresh = cwnd: avoidance now */
};

void quic_hystart_reset(struct quic_hystart *h);
enum quic_hystart_action quic_hystart_on_ack(struct quic_hystart *h, u64 pn,
					     u32 rtt_us, u64 next_pn);

#endif /* __NET_QUIC_HYSTART_H */
