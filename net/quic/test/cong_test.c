// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CUBIC (RFC 9438) against its formulas: the integer cube root, the
 * window after a congestion event (beta_cubic, K, fast convergence), the
 * curve through W_max at K, the growth of a simulated connection back to
 * W_max in about K and beyond it, at most 1.5 times per RTT, and slow
 * start below ssthresh; HyStart++ (RFC 9406): rounds, the move to
 * Conservative Slow Start when the RTT grows, back when it falls, out of
 * slow start after five rounds of it.
 */

#include <linux/ktime.h>

#include "../conn.h"
#include "../cubic.h"
#include "quic_test.h"

#define MSS	1200

/* Within @pct percent of @want. */
static void quic_expect_near(struct quic_test_ctx *ctx, int line,
			     const char *what, long long got, long long want,
			     int pct)
{
	if (abs(got - want) * 100 > want * pct)
		quic_test_fail(ctx, "line %d: %s is %lld, want %lld +-%d%%",
			       line, what, got, want, pct);
}

#define EXPECT_NEAR(ctx, got, want, pct) \
	quic_expect_near(ctx, __LINE__, #got, got, want, pct)

static void quic_test_cbrt(struct quic_test_ctx *ctx)
{
	EXPECT_INT(ctx, quic_cubic_cbrt(0), 0);
	EXPECT_INT(ctx, quic_cubic_cbrt(1), 1);
	EXPECT_INT(ctx, quic_cubic_cbrt(7), 1);
	EXPECT_INT(ctx, quic_cubic_cbrt(8), 2);
	EXPECT_INT(ctx, quic_cubic_cbrt(26), 2);
	EXPECT_INT(ctx, quic_cubic_cbrt(27), 3);
	EXPECT_INT(ctx, quic_cubic_cbrt(1000000000000000000ULL), 1000000);
	EXPECT_INT(ctx, quic_cubic_cbrt(U64_MAX), 2642245);
}

/* Section 4.6: cwnd * 0.7; section 4.2: K = cbrt((W_max - cwnd) / C). */
static void quic_test_congestion(struct quic_test_ctx *ctx)
{
	struct quic_cong c = { .algo = QUIC_CONG_ALG_CUBIC };

	c.window = 100 * MSS;
	c.ssthresh = U32_MAX;
	quic_cubic_on_congestion(&c, MSS);
	EXPECT_INT(ctx, c.window, 70 * MSS);
	EXPECT_INT(ctx, c.ssthresh, 70 * MSS);
	EXPECT_INT(ctx, c.cubic_w_max, 100 * MSS);
	/* (100 - 70) / 0.4 = 75 s^3: K = 4.217 s. */
	EXPECT_INT(ctx, c.cubic_k_ms, 4217);
	/* W_cubic(0) is the reduced window, W_cubic(K) is W_max. */
	EXPECT_NEAR(ctx, quic_cubic_window(&c, MSS, 0), 70 * MSS, 1);
	EXPECT_NEAR(ctx, quic_cubic_window(&c, MSS, 4217), 100 * MSS, 1);
	/* Symmetric around K: 0.4 * 2^3 = 3.2 MSS two seconds either way. */
	EXPECT_NEAR(ctx, quic_cubic_window(&c, MSS, 6217),
		    100 * MSS + 32 * MSS / 10, 1);
	EXPECT_NEAR(ctx, quic_cubic_window(&c, MSS, 2217),
		    100 * MSS - 32 * MSS / 10, 1);
	/* Section 4.7: a second event below W_max lowers W_max further. */
	c.window = 80 * MSS;
	quic_cubic_on_congestion(&c, MSS);
	EXPECT_INT(ctx, c.cubic_w_max, 80 * MSS * 17 / 20);
	EXPECT_INT(ctx, c.window, 56 * MSS);
	/* Never below the minimum window (RFC 9002 section 7.2). */
	c.window = 2 * MSS;
	quic_cubic_on_congestion(&c, MSS);
	EXPECT_INT(ctx, c.window, 2 * MSS);
}

/* A connection acknowledging a window per 100 ms RTT: back at W_max after
 * about K, concave before, growing past it after, never more than 1.5x
 * per RTT.
 */
static void quic_test_growth(struct quic_test_ctx *ctx)
{
	struct quic_cong c = { .algo = QUIC_CONG_ALG_CUBIC };
	struct quic_cubic_ack a = {
		.acked = MSS, .rtt_us = 100000, .srtt_us = 100000,
		.now = ms_to_ktime(1000),
	};
	u32 prev, at_half = 0, at_k = 0, rtt_ms = 100, i, n;

	c.window = 100 * MSS;
	c.ssthresh = U32_MAX;
	quic_cubic_on_congestion(&c, MSS);
	for (i = 1; i <= 80; i++) {
		prev = c.window;
		for (n = 0; n < prev / MSS; n++)
			quic_cubic_on_acked(&c, MSS, &a);
		a.now = ktime_add_ms(a.now, rtt_ms);
		if (c.window > prev + prev / 2)
			quic_test_fail(ctx, "RTT %u: %u to %u, more than 1.5x",
				       i, prev, c.window);
		if (c.window < prev)
			quic_test_fail(ctx, "RTT %u: shrank %u to %u", i, prev,
				       c.window);
		if (i == 21)
			at_half = c.window;
		if (i == 42)
			at_k = c.window;
	}
	/* Concave: most of the way back by K / 2. */
	EXPECT_NEAR(ctx, at_half, 96 * MSS, 3);
	EXPECT_NEAR(ctx, at_k, 100 * MSS, 3);
	/* Convex past K: 8 s after the event W_cubic = 100 + 0.4 * 3.78^3. */
	EXPECT_NEAR(ctx, c.window, 100 * MSS + 216 * MSS / 10, 5);
}

/* Below ssthresh: slow start, the window grows by what is acknowledged. */
static void quic_test_slow_start(struct quic_test_ctx *ctx)
{
	struct quic_cong c = { .algo = QUIC_CONG_ALG_CUBIC };
	struct quic_cubic_ack a = {
		.acked = 3 * MSS, .rtt_us = 10000, .srtt_us = 10000,
		.now = ms_to_ktime(5), .next_pn = 10,
	};

	c.window = 10 * MSS;
	c.ssthresh = U32_MAX;
	quic_hystart_reset(&c.hystart);
	quic_cubic_on_acked(&c, MSS, &a);
	EXPECT_INT(ctx, c.window, 13 * MSS);
	EXPECT_INT(ctx, c.cubic_epoch, 0);
}

/* @rounds rounds of 10 packets acknowledged with @rtt_us each, the next
 * round's packets sent as each round begins. Returns the action of the
 * last acknowledgment.
 */
static enum quic_hystart_action hystart_rounds(struct quic_hystart *h,
					       u64 *pn, u32 rtt_us, int rounds)
{
	enum quic_hystart_action act = QUIC_HYSTART_SLOW_START;
	int r, i;

	for (r = 0; r < rounds; r++) {
		u64 end = *pn + 10;

		for (i = 0; i < 10; i++)
			act = quic_hystart_on_ack(h, (*pn)++, rtt_us, end);
	}
	return act;
}

static void quic_test_hystart(struct quic_test_ctx *ctx)
{
	struct quic_hystart h;
	u64 pn = 0;

	quic_hystart_reset(&h);
	/* A steady RTT: slow start goes on. */
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 50000, 4), QUIC_HYSTART_SLOW_START);
	EXPECT_INT(ctx, h.in_css, 0);
	/* Up by less than eta (50 ms / 8 = 6.25 ms): still slow start. */
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 56000, 1), QUIC_HYSTART_SLOW_START);
	/* Up by more: Conservative Slow Start. */
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 70000, 1), QUIC_HYSTART_CSS);
	EXPECT_INT(ctx, h.in_css, 1);
	EXPECT_INT(ctx, h.css_baseline, 70000);
	/* The RTT falls below the baseline: a spurious exit, slow start. */
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 60000, 1), QUIC_HYSTART_SLOW_START);
	EXPECT_INT(ctx, h.in_css, 0);
	/* Up again, and staying up: out of slow start after 5 CSS rounds. */
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 90000, 1), QUIC_HYSTART_CSS);
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 90000, 4), QUIC_HYSTART_CSS);
	EXPECT_INT(ctx, quic_hystart_on_ack(&h, pn, 90000, pn + 10),
		   QUIC_HYSTART_EXIT);
	/* The clamp of eta: 4 ms at least, for a tiny RTT. */
	quic_hystart_reset(&h);
	pn = 0;
	hystart_rounds(&h, &pn, 1000, 2);
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 4500, 1), QUIC_HYSTART_SLOW_START);
	EXPECT_INT(ctx, hystart_rounds(&h, &pn, 9000, 1), QUIC_HYSTART_CSS);
}

/* In CUBIC's slow start, CSS grows a quarter as fast. */
static void quic_test_css_growth(struct quic_test_ctx *ctx)
{
	struct quic_cong c = { .algo = QUIC_CONG_ALG_CUBIC };
	struct quic_cubic_ack a = { .acked = MSS, .srtt_us = 50000 };
	u32 before;
	int i;

	c.window = 10 * MSS;
	c.ssthresh = U32_MAX;
	quic_hystart_reset(&c.hystart);
	c.hystart.started = true;
	c.hystart.window_end = 1000;
	c.hystart.in_css = true;
	c.hystart.css_baseline = 50000;
	before = c.window;
	for (i = 0; i < 8; i++) {
		a.pn = i;
		a.rtt_us = 60000;
		quic_cubic_on_acked(&c, MSS, &a);
	}
	EXPECT_INT(ctx, c.window, before + 2 * MSS);
}

static const struct quic_test_case quic_cong_cases[] = {
	{ "cbrt", quic_test_cbrt },
	{ "congestion_event", quic_test_congestion },
	{ "growth", quic_test_growth },
	{ "slow_start", quic_test_slow_start },
	{ "hystart", quic_test_hystart },
	{ "css_growth", quic_test_css_growth },
};

#define QUIC_TEST_SUITE_NAME	"quic_cong"
#define QUIC_TEST_CASES		quic_cong_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC CUBIC congestion control tests");
MODULE_LICENSE("GPL");
