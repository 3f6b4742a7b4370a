// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pacing (RFC 9002 section 7.7): the interval of a packet at N times
 * cwnd / smoothed_rtt (N = 2 in slow start, 1.25 after), a window sent
 * over about srtt / N, the burst credit after an idle period capped at
 * QUIC_PACING_BURST_PACKETS packets, and no overflow at the extremes.
 */

#include <linux/ktime.h>

#include "../pacing.h"
#include "quic_test.h"

#define MSS	1200

/* Section 7.7: rate = N * cwnd / srtt, so a packet takes srtt * len /
 * (N * cwnd).
 */
static void quic_test_interval(struct quic_test_ctx *ctx)
{
	/* 100 packets in 100 ms at 1.25: 0.8 ms each. */
	EXPECT_INT(ctx, quic_pacing_interval_ns(MSS, 100000, 100 * MSS, false),
		   800000);
	/* In slow start at 2: 0.5 ms each. */
	EXPECT_INT(ctx, quic_pacing_interval_ns(MSS, 100000, 100 * MSS, true),
		   500000);
	/* Half the size, half the time. */
	EXPECT_INT(ctx, quic_pacing_interval_ns(MSS / 2, 100000, 100 * MSS,
						false), 400000);
	/* No window: nothing to pace against. */
	EXPECT_INT(ctx, quic_pacing_interval_ns(MSS, 100000, 0, false), 0);
	/* The largest values stay in 64 bits: 60 s (the cap) * 65535 /
	 * (1.25 * 2 bytes).
	 */
	EXPECT_INT(ctx, quic_pacing_interval_ns(65535, U32_MAX, 2, false),
		   60ULL * NSEC_PER_SEC * 65535 * 100 / 250);
	EXPECT_INT(ctx, quic_pacing_interval_ns(65535, 1, U32_MAX, false), 0);
}

/* A busy sender: each packet leaves one interval after the one before,
 * whatever the delay of the timer that woke it.
 */
static void quic_test_spacing(struct quic_test_ctx *ctx)
{
	struct quic_pacing p = {};
	u64 iv = quic_pacing_interval_ns(MSS, 100000, 100 * MSS, false);
	ktime_t now = ms_to_ktime(1000);
	int i, sent = 0;

	/* The first burst leaves at once, then one per interval. */
	for (i = 0; i < QUIC_PACING_BURST_PACKETS; i++) {
		EXPECT_INT(ctx, quic_pacing_ready(&p, now), true);
		quic_pacing_sent(&p, now, iv);
	}
	EXPECT_INT(ctx, quic_pacing_ready(&p, now), false);
	EXPECT_INT(ctx, ktime_to_ns(p.next), ktime_to_ns(now) + iv);
	/* Simulate 100 ms, woken every 0.1 ms: the window, 100 packets,
	 * at 1.25 times in 80 ms, leaves in 100 ms as 125 packets.
	 */
	for (i = 0; i < 1000; i++) {
		now = ktime_add_us(now, 100);
		while (quic_pacing_ready(&p, now)) {
			quic_pacing_sent(&p, now, iv);
			sent++;
		}
	}
	EXPECT_INT(ctx, sent, 125);
	/* Woken late (2 ms): what was due goes, and no more. */
	now = ktime_add_us(now, 2000);
	sent = 0;
	while (quic_pacing_ready(&p, now)) {
		quic_pacing_sent(&p, now, iv);
		sent++;
	}
	EXPECT_INT(ctx, sent, 2);
}

/* Section 7.8: after an idle period the credit is one burst, not the
 * whole time idle.
 */
static void quic_test_idle_burst(struct quic_test_ctx *ctx)
{
	struct quic_pacing p = {};
	u64 iv = quic_pacing_interval_ns(MSS, 100000, 100 * MSS, false);
	ktime_t now = ms_to_ktime(1000);
	int sent = 0;

	quic_pacing_sent(&p, now, iv);
	now = ktime_add_ms(now, 10000);
	while (quic_pacing_ready(&p, now)) {
		quic_pacing_sent(&p, now, iv);
		sent++;
	}
	EXPECT_INT(ctx, sent, QUIC_PACING_BURST_PACKETS);
	/* A smaller window later: the gap after the next packet is the
	 * new, longer one.
	 */
	quic_pacing_sent(&p, now, 10 * iv);
	EXPECT_INT(ctx, ktime_to_ns(p.next) - ktime_to_ns(now), 11 * iv);
}

static const struct quic_test_case quic_pacing_cases[] = {
	{ "interval", quic_test_interval },
	{ "spacing", quic_test_spacing },
	{ "idle_burst", quic_test_idle_burst },
};

#define QUIC_TEST_SUITE_NAME	"quic_pacing"
#define QUIC_TEST_CASES		quic_pacing_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC pacing tests");
MODULE_LICENSE("GPL");
