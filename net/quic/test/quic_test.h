/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scaffolding of the in-kernel test suites: each case is a function of a
 * &struct quic_test_ctx. A suite file ends with
 *
 *	#define QUIC_TEST_SUITE_NAME	"quic_codec"
 *	#define QUIC_TEST_CASES		quic_codec_cases
 *	#include "quic_test_suite.h"
 *
 * With KUnit (the debug kernel) that is a KUnit suite; without it (Debian's
 * stock kernel) the module runs the cases when loaded, prints KTAP to the
 * kernel log and fails to load if a case fails. One suite per module.
 */

#ifndef __NET_QUIC_TEST_QUIC_TEST_H
#define __NET_QUIC_TEST_QUIC_TEST_H

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/test.h>

struct quic_test_ctx {
	struct kunit *test;
};

#define quic_test_fail(ctx, fmt, ...) \
	KUNIT_FAIL((ctx)->test, fmt, ##__VA_ARGS__)
#else
struct quic_test_ctx {
	int failures;
};

#define quic_test_fail(ctx, fmt, ...)					\
	do {								\
		(ctx)->failures++;					\
		pr_err("    # " fmt "\n", ##__VA_ARGS__);		\
	} while (0)
#endif

struct quic_test_case {
	const char *name;
	void (*run)(struct quic_test_ctx *ctx);
};

static inline bool quic_expect_mem(struct quic_test_ctx *ctx, int line,
				   const char *what, const u8 *got,
				   const u8 *want, u32 len)
{
	if (!memcmp(got, want, len))
		return true;
	quic_test_fail(ctx, "line %d: %s differs: got %*phN, want %*phN", line,
		       what, min(len, 32U), got, min(len, 32U), want);
	return false;
}

static inline bool quic_expect_int(struct quic_test_ctx *ctx, int line,
				   const char *what, long long got,
				   long long want)
{
	if (got == want)
		return true;
	quic_test_fail(ctx, "line %d: %s is %lld, want %lld", line, what, got,
		       want);
	return false;
}

#define EXPECT_MEM(ctx, got, want, len) \
	quic_expect_mem(ctx, __LINE__, #got, got, want, len)
#define EXPECT_INT(ctx, got, want) \
	quic_expect_int(ctx, __LINE__, #got, got, want)

#endif /* __NET_QUIC_TEST_QUIC_TEST_H */
