// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PLPMTUD search (RFC 8899 section 5, RFC 9000 section 14.3): a simulated
 * path carries datagrams up to a size; the search acknowledges probes up
 * to it and loses the rest. It must end within QUIC_PMTU_STEP below the
 * path's size and never above it, try each failing size
 * QUIC_PMTU_MAX_PROBES times, stay within the bound, start again on the
 * raise timer and fall back to the base size on a black hole.
 */

#include "../pmtu.h"
#include "quic_test.h"

#define QUIC_TEST_INTERVAL_US	(600U * 1000 * 1000)

/* Run the search over a path that carries @carries bytes; returns the
 * probes sent, and -1 if the search does not end within 100.
 */
static int quic_pmtu_run(struct quic_pmtu *p, u32 bound, u32 carries,
			 ktime_t now)
{
	int sent = 0;
	u32 size;

	while ((size = quic_pmtu_probe_due(p, bound, now))) {
		if (++sent > 100)
			return -1;
		quic_pmtu_probe_sent(p);
		/* Nothing else is due while the probe is outstanding. */
		if (quic_pmtu_probe_due(p, bound, now))
			return -1;
		if (size <= carries)
			quic_pmtu_probe_acked(p, size, now);
		else
			quic_pmtu_probe_lost(p, size, now);
	}
	return sent;
}

static void quic_test_pmtu_disabled(struct quic_test_ctx *ctx)
{
	struct quic_pmtu p;

	quic_pmtu_init(&p, 0);
	quic_pmtu_start(&p, 8972, 0);
	EXPECT_INT(ctx, quic_pmtu_enabled(&p), 0);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, 0), 0);
	EXPECT_INT(ctx, quic_pmtu_probe_acked(&p, 8972, 0), 0);
	EXPECT_INT(ctx, p.plpmtu, QUIC_PMTU_BASE);
}

/* The bound is carried: one probe, and the search is complete. */
static void quic_test_pmtu_first_probe(struct quic_test_ctx *ctx)
{
	struct quic_pmtu p;

	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	/* Nothing before the handshake is confirmed. */
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 1472, 0), 0);
	quic_pmtu_start(&p, 1472, 0);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 1472, 0), 1472);
	EXPECT_INT(ctx, quic_pmtu_run(&p, 1472, 1472, 0), 1);
	EXPECT_INT(ctx, p.plpmtu, 1472);
	EXPECT_INT(ctx, p.state, QUIC_PMTU_COMPLETE);
}

/* A smaller path: the bisection ends just below its size. */
static void quic_test_pmtu_search(struct quic_test_ctx *ctx)
{
	static const u32 paths[] = { 1200, 1201, 1280, 1400, 1499, 4000, 8971 };
	struct quic_pmtu p;
	u32 i;
	int n;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
		quic_pmtu_start(&p, 8972, 0);
		n = quic_pmtu_run(&p, 8972, paths[i], 0);
		EXPECT_INT(ctx, n > 0, 1);
		EXPECT_INT(ctx, p.state, QUIC_PMTU_COMPLETE);
		EXPECT_INT(ctx, p.plpmtu <= paths[i], 1);
		EXPECT_INT(ctx, p.plpmtu + QUIC_PMTU_STEP >= paths[i], 1);
		EXPECT_INT(ctx, p.plpmtu >= QUIC_PMTU_BASE, 1);
		/* Each failed size took MAX_PROBES; about 10 halvings. */
		EXPECT_INT(ctx, n <= 10 * QUIC_PMTU_MAX_PROBES + 4, 1);
	}
}

/* A size fails only after QUIC_PMTU_MAX_PROBES losses. */
static void quic_test_pmtu_retries(struct quic_test_ctx *ctx)
{
	struct quic_pmtu p;
	int i;

	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_start(&p, 8972, 0);
	for (i = 0; i < QUIC_PMTU_MAX_PROBES; i++) {
		EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, 0), 8972);
		quic_pmtu_probe_sent(&p);
		quic_pmtu_probe_lost(&p, 8972, 0);
	}
	EXPECT_INT(ctx, p.high, 8972);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, 0),
		   QUIC_PMTU_BASE + (8972 - QUIC_PMTU_BASE) / 2);
	/* A late loss report of another size changes nothing. */
	quic_pmtu_probe_sent(&p);
	quic_pmtu_probe_lost(&p, 8972, 0);
	EXPECT_INT(ctx, p.in_flight, 1);
	/* A late acknowledgment of a larger size is still good news. */
	EXPECT_INT(ctx, quic_pmtu_probe_acked(&p, 6000, 0), 1);
	EXPECT_INT(ctx, p.plpmtu, 6000);
}

/* The route shrank: the search stays within the new bound. */
static void quic_test_pmtu_bound(struct quic_test_ctx *ctx)
{
	struct quic_pmtu p;
	u32 size;

	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_start(&p, 8972, 0);
	quic_pmtu_probe_sent(&p);
	quic_pmtu_probe_lost(&p, 8972, 0);
	size = quic_pmtu_probe_due(&p, 1452, 0);
	EXPECT_INT(ctx, size <= 1452 && size > QUIC_PMTU_BASE, 1);
	EXPECT_INT(ctx, quic_pmtu_run(&p, 1452, 1452, 0) > 0, 1);
	EXPECT_INT(ctx, p.plpmtu <= 1452, 1);
	EXPECT_INT(ctx, p.plpmtu + QUIC_PMTU_STEP >= 1452, 1);
	/* A bound below the base still leaves the base. */
	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_start(&p, 1000, 0);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 1000, 0), 0);
	EXPECT_INT(ctx, p.plpmtu, QUIC_PMTU_BASE);
}

/* Section 5.3.1: the raise timer probes the bound again. */
static void quic_test_pmtu_raise(struct quic_test_ctx *ctx)
{
	ktime_t later = ktime_add_us(0, QUIC_TEST_INTERVAL_US);
	struct quic_pmtu p;

	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_start(&p, 8972, 0);
	EXPECT_INT(ctx, quic_pmtu_run(&p, 8972, 1400, 0) > 0, 1);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, later - 1), 0);
	/* The path now carries more. */
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, later), 8972);
	EXPECT_INT(ctx, quic_pmtu_run(&p, 8972, 8972, later), 1);
	EXPECT_INT(ctx, p.plpmtu, 8972);
}

/* Section 4.3: a black hole takes the base size, then the old one back. */
static void quic_test_pmtu_black_hole(struct quic_test_ctx *ctx)
{
	struct quic_pmtu p;

	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_start(&p, 8972, 0);
	EXPECT_INT(ctx, quic_pmtu_run(&p, 8972, 8972, 0), 1);
	quic_pmtu_black_hole(&p, 0);
	EXPECT_INT(ctx, p.plpmtu, QUIC_PMTU_BASE);
	EXPECT_INT(ctx, quic_pmtu_probe_due(&p, 8972, 0), 8972);
	/* The path now carries 3000 only. */
	EXPECT_INT(ctx, quic_pmtu_run(&p, 8972, 3000, 0) > 0, 1);
	EXPECT_INT(ctx, p.plpmtu <= 3000, 1);
	EXPECT_INT(ctx, p.plpmtu + QUIC_PMTU_STEP >= 3000, 1);
	/* At the base already: nothing to fall back from. */
	quic_pmtu_init(&p, QUIC_TEST_INTERVAL_US);
	quic_pmtu_black_hole(&p, 0);
	EXPECT_INT(ctx, p.state, QUIC_PMTU_COMPLETE);
}

static const struct quic_test_case quic_pmtu_cases[] = {
	{ "disabled", quic_test_pmtu_disabled },
	{ "first_probe", quic_test_pmtu_first_probe },
	{ "search", quic_test_pmtu_search },
	{ "retries", quic_test_pmtu_retries },
	{ "bound", quic_test_pmtu_bound },
	{ "raise", quic_test_pmtu_raise },
	{ "black_hole", quic_test_pmtu_black_hole },
};

#define QUIC_TEST_SUITE_NAME	"quic_pmtu"
#define QUIC_TEST_CASES		quic_pmtu_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC PLPMTUD search tests");
MODULE_LICENSE("GPL");
