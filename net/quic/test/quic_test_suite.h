/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner of one test suite; included at the end of a suite file that
 * defines QUIC_TEST_SUITE_NAME and QUIC_TEST_CASES (see quic_test.h).
 */

#if !defined(QUIC_TEST_SUITE_NAME) || !defined(QUIC_TEST_CASES)
#error "define QUIC_TEST_SUITE_NAME and QUIC_TEST_CASES first"
#endif

#if IS_ENABLED(CONFIG_KUNIT)
static const void *quic_test_case_params(const void *prev, char *desc)
{
	const struct quic_test_case *c = prev;

	c = c ? c + 1 : QUIC_TEST_CASES;
	if (c >= QUIC_TEST_CASES + ARRAY_SIZE(QUIC_TEST_CASES))
		return NULL;
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
	return c;
}

static void quic_test_case_run(struct kunit *test)
{
	const struct quic_test_case *c = test->param_value;
	struct quic_test_ctx ctx = { .test = test };

	c->run(&ctx);
}

static struct kunit_case quic_test_kunit_cases[] = {
	KUNIT_CASE_PARAM(quic_test_case_run, quic_test_case_params),
	{}
};

static struct kunit_suite quic_test_suite = {
	.name = QUIC_TEST_SUITE_NAME,
	.test_cases = quic_test_kunit_cases,
};

kunit_test_suite(quic_test_suite);
#else
static int __init quic_test_init(void)
{
	const size_t n = ARRAY_SIZE(QUIC_TEST_CASES);
	int i, failed = 0;

	pr_info("KTAP version 1\n");
	pr_info("# Subtest: %s\n", QUIC_TEST_SUITE_NAME);
	pr_info("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		const struct quic_test_case *c = &QUIC_TEST_CASES[i];
		struct quic_test_ctx ctx = {};

		c->run(&ctx);
		pr_info("%sok %d %s\n", ctx.failures ? "not " : "", i + 1, c->name);
		failed += !!ctx.failures;
	}
	pr_info("# %s: pass:%zu fail:%d skip:0 total:%zu\n",
		QUIC_TEST_SUITE_NAME, n - failed, failed, n);
	return failed ? -EINVAL : 0;
}

static void __exit quic_test_exit(void)
{
}

module_init(quic_test_init);
module_exit(quic_test_exit);
#endif
