// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CUBIC (RFC 9438). After a congestion event the window grows along
 * W_cubic(t) = C * (t - K)^3 + W_max (section 4.2), with C = 0.4 and the
 * multiplicative decrease beta_cubic = 0.7 (section 4.6), never slower
 * than the Reno-friendly estimate W_est (section 4.3) and by at most half
 * the window per RTT (section 4.4). Slow start is Reno's (RFC 9002
 * section 7.3.1) with HyStart++ (RFC 9406, hystart.c). Windows are in
 * bytes, with @mss the datagram size; time in milliseconds.
 */

#include <linux/math64.h>
#include <linux/minmax.h>

#include "conn.h"
#include "cubic.h"

/* C = 0.4 = 4/10, beta_cubic = 0.7 = 7/10 (sections 4.2 and 4.6). */
#define QUIC_CUBIC_C_NUM	4
#define QUIC_CUBIC_C_DEN	10
#define QUIC_CUBIC_BETA_NUM	7
#define QUIC_CUBIC_BETA_DEN	10
/* Section 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta) = 9/17. */
#define QUIC_CUBIC_ALPHA_NUM	9
#define QUIC_CUBIC_ALPHA_DEN	17
/* |t - K| is bounded so that its cube times the window fits in 64 bits. */
#define QUIC_CUBIC_T_MAX_MS	(1000 * 1000)

/**
 * quic_cubic_cbrt - integer cube root
 * @x: the number
 *
 * Return: the largest r with r^3 <= @x.
 */
u64 quic_cubic_cbrt(u64 x)
{
	u64 lo = 0, hi = 2642245, mid;	/* 2642245^3 < 2^64 <= 2642246^3 */

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (mid * mid * mid <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/**
 * quic_cubic_window - W_cubic(t) of section 4.2
 * @cong: the controller, after a congestion event
 * @mss: datagram size, bytes
 * @t_ms: time since the event, ms
 *
 * Return: the window in bytes (at least @mss).
 */
u32 quic_cubic_window(const struct quic_cong *cong, u32 mss, u64 t_ms)
{
	s64 d = (s64)t_ms - (s64)cong->cubic_k_ms, w;
	u64 cube;

	d = clamp_t(s64, d, -QUIC_CUBIC_T_MAX_MS, QUIC_CUBIC_T_MAX_MS);
	cube = (u64)abs(d) * abs(d) * abs(d);	/* ms^3, below 2^60 */
	/* C * d^3 (s^3) in bytes: d^3 / 10^9 * 0.4 * mss, divided early
	 * enough not to overflow.
	 */
	w = div64_u64(div64_u64(cube, 1000000) * QUIC_CUBIC_C_NUM * mss,
		      1000ULL * QUIC_CUBIC_C_DEN);
	w = d < 0 ? (s64)cong->cubic_w_max - w : (s64)cong->cubic_w_max + w;
	return clamp_t(s64, w, mss, U32_MAX);
}

/**
 * quic_cubic_on_congestion - a congestion event (loss), section 4.6
 * @cong: the controller
 * @mss: datagram size
 *
 * Sets ssthresh and the window to beta_cubic of the window, remembers
 * W_max (lowered by fast convergence, section 4.7, when the window had
 * not got back to the previous one) and starts a new epoch.
 */
void quic_cubic_on_congestion(struct quic_cong *cong, u32 mss)
{
	u32 w = cong->window, reduced;
	u64 k3;

	if (w < cong->cubic_w_max)
		cong->cubic_w_max = (u32)div_u64((u64)w * (QUIC_CUBIC_BETA_DEN +
						 QUIC_CUBIC_BETA_NUM),
						 2 * QUIC_CUBIC_BETA_DEN);
	else
		cong->cubic_w_max = w;
	reduced = (u32)div_u64((u64)w * QUIC_CUBIC_BETA_NUM,
			       QUIC_CUBIC_BETA_DEN);
	cong->ssthresh = max(reduced, QUIC_MIN_WINDOW_PACKETS * mss);
	cong->window = cong->ssthresh;
	/* K = cbrt((W_max - cwnd_epoch) / C), in ms: the cube is
	 * (W_max - cwnd) / mss / 0.4 * 10^9.
	 */
	k3 = cong->cubic_w_max > cong->window ?
	     div64_u64((u64)(cong->cubic_w_max - cong->window) *
		       QUIC_CUBIC_C_DEN * 1000000000ULL,
		       (u64)QUIC_CUBIC_C_NUM * mss) : 0;
	cong->cubic_k_ms = quic_cubic_cbrt(k3);
	cong->cubic_epoch = 0;	/* starts with the next acknowledgment */
	cong->cubic_w_est = cong->window;
	cong->acked_bytes = 0;
}

/* Slow start, paced by HyStart++ (RFC 9406 section 4.2). */
static void quic_cubic_slow_start(struct quic_cong *cong,
				  const struct quic_cubic_ack *a)
{
	switch (quic_hystart_on_ack(&cong->hystart, a->pn, a->rtt_us,
				    a->next_pn)) {
	case QUIC_HYSTART_SLOW_START:
		cong->window += a->acked;
		break;
	case QUIC_HYSTART_CSS:
		/* CSS_GROWTH_DIVISOR 4 */
		cong->acked_bytes += a->acked;
		cong->window += cong->acked_bytes / 4;
		cong->acked_bytes %= 4;
		break;
	case QUIC_HYSTART_EXIT:
		cong->ssthresh = cong->window;
		cong->acked_bytes = 0;
		break;
	}
}

/**
 * quic_cubic_on_acked - bytes were acknowledged, outside recovery
 * @cong: the controller
 * @mss: datagram size
 * @a: the acknowledgment
 */
void quic_cubic_on_acked(struct quic_cong *cong, u32 mss,
			 const struct quic_cubic_ack *a)
{
	u32 w = cong->window, target, cubic, acked = a->acked;
	ktime_t now = a->now;
	u32 srtt_us = a->srtt_us;
	u64 t_ms, grow;

	if (w < cong->ssthresh) {
		quic_cubic_slow_start(cong, a);
		return;
	}
	if (!cong->cubic_epoch) {
		/* Section 4.2: an epoch with no congestion event before
		 * starts where the window is.
		 */
		cong->cubic_epoch = ktime_to_ms(now) ?: 1;
		if (cong->cubic_w_max < w) {
			cong->cubic_w_max = w;
			cong->cubic_k_ms = 0;
		}
		cong->cubic_w_est = w;
	}
	/* Section 4.2: the target is W_cubic one RTT ahead. */
	t_ms = max_t(s64, ktime_to_ms(now) - cong->cubic_epoch, 0) +
	       srtt_us / 1000;
	cubic = quic_cubic_window(cong, mss, t_ms);
	/* Section 4.3: the Reno-friendly estimate. */
	cong->cubic_w_est += (u32)div_u64((u64)acked * mss * QUIC_CUBIC_ALPHA_NUM,
					  (u64)w * QUIC_CUBIC_ALPHA_DEN);
	target = max(cubic, cong->cubic_w_est);
	/* Section 4.4: at most 1.5 times the window per RTT. */
	target = clamp(target, w, w + w / 2);
	if (target == w)
		return;
	/* (target - cwnd) / cwnd per acknowledged datagram, in bytes. */
	cong->acked_bytes += acked;
	grow = div_u64((u64)(target - w) * cong->acked_bytes, w);
	if (!grow)
		return;
	cong->window += (u32)grow;
	cong->acked_bytes = 0;
}

/* Persistent congestion (RFC 9002 section 7.6): no W_max to go back to,
 * and slow start again from the minimum window.
 */
void quic_cubic_reset(struct quic_cong *cong)
{
	quic_hystart_reset(&cong->hystart);
	cong->cubic_w_max = 0;
	cong->cubic_k_ms = 0;
	cong->cubic_epoch = 0;
	cong->cubic_w_est = 0;
}
