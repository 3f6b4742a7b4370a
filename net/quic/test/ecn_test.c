// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ECN validation (RFC 9000 section 13.4.2.1, appendix A.4): counts that
 * cover what was newly acknowledged keep the path capable; missing
 * counts, counts that fall, fall short, exceed what was sent or report
 * ECT(1) stop marking; CE growth is a congestion event; testing marks
 * QUIC_ECN_TESTING_SENT datagrams, then waits for their ACKs, and gives up
 * after QUIC_ECN_TESTING_LOST marked packets lost and none acknowledged.
 * And what a receiver counts and reports.
 */

#include <net/inet_ecn.h>

#include "../ecn.h"
#include "../frame.h"
#include "quic_test.h"

static void quic_ecn_setup(struct quic_ecn *e, struct quic_ecn_space *s,
			   u64 sent)
{
	quic_ecn_init(e, true);
	memset(s, 0, sizeof(*s));
	s->sent = sent;
}

static struct quic_frame_ack quic_ecn_ack(u64 ect0, u64 ect1, u64 ce)
{
	struct quic_frame_ack a = {};

	a.ecn = true;
	a.ect0 = ect0;
	a.ect1 = ect1;
	a.ce = ce;
	return a;
}

static void quic_test_ecn_valid(struct quic_test_ctx *ctx)
{
	struct quic_frame_ack a;
	struct quic_ecn_space s;
	struct quic_ecn e;

	quic_ecn_setup(&e, &s, 10);
	EXPECT_INT(ctx, e.state, QUIC_ECN_TESTING);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 1);
	a = quic_ecn_ack(4, 0, 0);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 4), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_CAPABLE);
	EXPECT_INT(ctx, s.peer[QUIC_ECN_ECT0], 4);
	/* CE for two of the next three: valid, and a congestion event. */
	a = quic_ecn_ack(5, 0, 2);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 3), 1);
	EXPECT_INT(ctx, e.state, QUIC_ECN_CAPABLE);
	/* The same counts again, nothing new: no event. */
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 0), 0);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 1);
	/* More counted than newly acknowledged (earlier ACKs lost): fine. */
	a = quic_ecn_ack(8, 0, 2);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 1), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_CAPABLE);
}

static void quic_test_ecn_invalid(struct quic_test_ctx *ctx)
{
	struct quic_frame_ack a;
	struct quic_ecn_space s;
	struct quic_ecn e;

	/* No counts for marked packets: the path bleaches ECN. */
	quic_ecn_setup(&e, &s, 10);
	a = quic_ecn_ack(0, 0, 0);
	a.ecn = false;
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 2), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 0);
	/* No counts, and no marked packet newly acknowledged: still fine. */
	quic_ecn_setup(&e, &s, 10);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 0), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_TESTING);
	/* Too few: ECT(0) + CE grew by 2 for 3 newly acknowledged. */
	quic_ecn_setup(&e, &s, 10);
	a = quic_ecn_ack(1, 0, 1);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 3), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* A count that goes down. */
	quic_ecn_setup(&e, &s, 10);
	a = quic_ecn_ack(5, 0, 0);
	quic_ecn_on_ack(&e, &s, &a, 5);
	a = quic_ecn_ack(4, 0, 1);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 0), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* More than was ever sent marked. */
	quic_ecn_setup(&e, &s, 3);
	a = quic_ecn_ack(3, 0, 1);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 3), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* ECT(1), which we never send. */
	quic_ecn_setup(&e, &s, 10);
	a = quic_ecn_ack(2, 1, 0);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 2), 0);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* Once failed, nothing brings it back and no event is reported. */
	a = quic_ecn_ack(2, 0, 5);
	EXPECT_INT(ctx, quic_ecn_on_ack(&e, &s, &a, 2), 0);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 0);
}

static void quic_test_ecn_testing(struct quic_test_ctx *ctx)
{
	struct quic_frame_ack a;
	struct quic_ecn_space s;
	struct quic_ecn e;
	int i;

	quic_ecn_setup(&e, &s, 20);
	for (i = 0; i < QUIC_ECN_TESTING_LOST - 1; i++)
		quic_ecn_on_lost(&e);
	EXPECT_INT(ctx, e.state, QUIC_ECN_TESTING);
	quic_ecn_on_lost(&e);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* Losses after a validated acknowledgment are only losses. */
	quic_ecn_setup(&e, &s, 20);
	a = quic_ecn_ack(1, 0, 0);
	quic_ecn_on_ack(&e, &s, &a, 1);
	for (i = 0; i < 2 * QUIC_ECN_TESTING_LOST; i++)
		quic_ecn_on_lost(&e);
	EXPECT_INT(ctx, e.state, QUIC_ECN_CAPABLE);
	/* Marking stops after the testing datagrams, until validated. */
	quic_ecn_setup(&e, &s, 20);
	for (i = 0; i < QUIC_ECN_TESTING_SENT - 1; i++)
		quic_ecn_sent(&e, true);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 1);
	quic_ecn_sent(&e, false);	/* unmarked ones do not count */
	EXPECT_INT(ctx, quic_ecn_marking(&e), 1);
	quic_ecn_sent(&e, true);
	EXPECT_INT(ctx, e.state, QUIC_ECN_UNKNOWN);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 0);
	a = quic_ecn_ack(3, 0, 0);
	quic_ecn_on_ack(&e, &s, &a, 3);
	EXPECT_INT(ctx, e.state, QUIC_ECN_CAPABLE);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 1);
	/* ...or given up when all of them are lost. */
	quic_ecn_setup(&e, &s, 20);
	for (i = 0; i < QUIC_ECN_TESTING_SENT; i++)
		quic_ecn_sent(&e, true);
	for (i = 0; i < QUIC_ECN_TESTING_LOST; i++)
		quic_ecn_on_lost(&e);
	EXPECT_INT(ctx, e.state, QUIC_ECN_FAILED);
	/* net.quic.ecn = 0: never marks. */
	quic_ecn_init(&e, false);
	EXPECT_INT(ctx, quic_ecn_marking(&e), 0);
}

static void quic_test_ecn_receiver(struct quic_test_ctx *ctx)
{
	struct quic_frame_ack a = {};
	struct quic_ecn_space s = {};

	/* Nothing marked yet: a plain ACK. */
	quic_ecn_received(&s, INET_ECN_NOT_ECT);
	quic_ecn_fill_ack(&s, &a);
	EXPECT_INT(ctx, a.ecn, 0);
	EXPECT_INT(ctx, quic_ecn_received(&s, INET_ECN_ECT_0), 0);
	EXPECT_INT(ctx, quic_ecn_received(&s, INET_ECN_ECT_0), 0);
	EXPECT_INT(ctx, quic_ecn_received(&s, INET_ECN_ECT_1), 0);
	EXPECT_INT(ctx, quic_ecn_received(&s, INET_ECN_CE), 1);
	quic_ecn_fill_ack(&s, &a);
	EXPECT_INT(ctx, a.ecn, 1);
	EXPECT_INT(ctx, a.ect0, 2);
	EXPECT_INT(ctx, a.ect1, 1);
	EXPECT_INT(ctx, a.ce, 1);
}

static const struct quic_test_case quic_ecn_cases[] = {
	{ "valid", quic_test_ecn_valid },
	{ "invalid", quic_test_ecn_invalid },
	{ "testing", quic_test_ecn_testing },
	{ "receiver", quic_test_ecn_receiver },
};

#define QUIC_TEST_SUITE_NAME	"quic_ecn"
#define QUIC_TEST_CASES		quic_ecn_cases
#include "quic_test_suite.h"

MODULE_DESCRIPTION("QUIC ECN validation tests");
MODULE_LICENSE("GPL");
