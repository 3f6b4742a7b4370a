// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HyStart++ (RFC 9406 section 4). Slow start runs in rounds of one window
 * of packets; each round takes the smallest of its first RTT samples. A
 * round whose minimum exceeds the previous round's by eta (an eighth of
 * it, 4..16 ms) moves to Conservative Slow Start, which grows a quarter
 * as fast; back to slow start if the RTT falls below where CSS began, or
 * out of slow start (ssthresh = cwnd) after CSS_ROUNDS rounds of it.
 */

#include <linux/limits.h>
#include <linux/minmax.h>

#include "hystart.h"

/* Section 4.3, the RECOMMENDED constants. */
#define QUIC_HYSTART_MIN_RTT_THRESH	4000	/* us */
#define QUIC_HYSTART_MAX_RTT_THRESH	16000
#define QUIC_HYSTART_MIN_RTT_DIVISOR	8
#define QUIC_HYSTART_N_RTT_SAMPLE	8
#define QUIC_HYSTART_CSS_ROUNDS		5

/* Section 4.2: before the first round, and after a loss in slow start. */
void quic_hystart_reset(struct quic_hystart *h)
{
	h->window_end = 0;
	h->last_round_min_rtt = U32_MAX;
	h->round_min_rtt = U32_MAX;
	h->rtt_samples = 0;
	h->css_baseline = U32_MAX;
	h->css_rounds = 0;
	h->in_css = false;
	h->started = false;
}

/**
 * quic_hystart_on_ack - a packet acknowledged in slow start
 * @h: the state
 * @pn: its packet number
 * @rtt_us: the RTT sample it gave
 * @next_pn: the next packet number to be sent (the next round's end)
 *
 * Return: how the window grows for it (&enum quic_hystart_action).
 */
enum quic_hystart_action quic_hystart_on_ack(struct quic_hystart *h, u64 pn,
					     u32 rtt_us, u64 next_pn)
{
	u32 eta;

	if (!h->started) {
		h->started = true;
		h->window_end = next_pn;
	}
	if (pn >= h->window_end) {
		/* A new round. */
		h->last_round_min_rtt = h->round_min_rtt;
		h->round_min_rtt = U32_MAX;
		h->rtt_samples = 0;
		h->window_end = next_pn;
		if (h->in_css && ++h->css_rounds >= QUIC_HYSTART_CSS_ROUNDS)
			return QUIC_HYSTART_EXIT;
	}
	h->round_min_rtt = min(h->round_min_rtt, rtt_us);
	h->rtt_samples++;
	if (!h->in_css) {
		if (h->rtt_samples >= QUIC_HYSTART_N_RTT_SAMPLE &&
		    h->round_min_rtt != U32_MAX &&
		    h->last_round_min_rtt != U32_MAX) {
			eta = clamp(h->last_round_min_rtt /
				    QUIC_HYSTART_MIN_RTT_DIVISOR,
				    QUIC_HYSTART_MIN_RTT_THRESH,
				    QUIC_HYSTART_MAX_RTT_THRESH);
			if (h->round_min_rtt >= h->last_round_min_rtt + eta) {
				h->css_baseline = h->round_min_rtt;
				h->in_css = true;
				h->css_rounds = 0;
				return QUIC_HYSTART_CSS;
			}
		}
		return QUIC_HYSTART_SLOW_START;
	}
	/* Section 4.2: a spurious exit, the RTT came back down. */
	if (h->rtt_samples >= QUIC_HYSTART_N_RTT_SAMPLE &&
	    h->round_min_rtt < h->css_baseline) {
		h->last_round_min_rtt = h->round_min_rtt;
		h->css_baseline = U32_MAX;
		h->in_css = false;
		h->css_rounds = 0;
		return QUIC_HYSTART_SLOW_START;
	}
	return QUIC_HYSTART_CSS;
}
