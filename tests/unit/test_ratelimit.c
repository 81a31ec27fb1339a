/* The in-memory rate limiter of the account endpoints (daemon/ratelimit.c). */
#include "test.h"

#include "ratelimit.h"

#define HOUR 3600000

static void test_window(void **state)
{
	struct ratelimit *rl = ratelimit_new();
	int64_t retry = -1;

	(void)state;
	assert_non_null(rl);
	for (int i = 0; i < 3; i++) {
		assert_true(ratelimit_allows(rl, "a", 1000 + i, 3, HOUR, &retry));
		assert_int_equal(retry, 0);
		ratelimit_count(rl, "a", 1000 + i, HOUR);
	}
	assert_false(ratelimit_allows(rl, "a", 2000, 3, HOUR, &retry));
	assert_int_equal(retry, (HOUR - 1000 + 999) / 1000);
	/* other keys are their own */
	assert_true(ratelimit_allows(rl, "b", 2000, 3, HOUR, &retry));
	/* the last second of the window, then a new one */
	assert_false(ratelimit_allows(rl, "a", 1000 + HOUR - 1, 3, HOUR, &retry));
	assert_int_equal(retry, 1);
	assert_true(ratelimit_allows(rl, "a", 1000 + HOUR, 3, HOUR, &retry));
	ratelimit_count(rl, "a", 1000 + HOUR, HOUR);
	assert_true(ratelimit_allows(rl, "a", 1000 + HOUR, 2, HOUR, &retry));
	ratelimit_forget(rl, "a");
	ratelimit_forget(rl, "never-seen");
	assert_true(ratelimit_allows(rl, "a", 1000 + HOUR, 1, HOUR, &retry));
	ratelimit_free(rl);
}

/* Far more keys than slots: memory stays as it is and recent keys are
 * still counted. */
static void test_bounded(void **state)
{
	struct ratelimit *rl = ratelimit_new();
	char key[32];
	int64_t retry;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		ratelimit_count(rl, key, i, HOUR);
	}
	ratelimit_count(rl, "recent", 100001, HOUR);
	assert_false(ratelimit_allows(rl, "recent", 100002, 1, HOUR, &retry));
	ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
