/* The answers written without a request object (daemon/raw_reply.c):
 * whole HTTP responses in deskd's error format with the security headers. */
#include "test.h"

#include <jansson.h>

#include "raw_reply.h"

static void test_whole_answer(void **state)
{
	char out[1024];
	(void)state;
	size_t n = raw_reply_format(out, sizeof out, 503, "too_many_connections",
				    "too many connections are open; try again shortly", 5);
	assert_true(n > 0 && n == strlen(out));
	assert_true(!strncmp(out, "HTTP/1.1 503 Service Unavailable\r\n", 34));
	const char *want[] = {
		"\r\nContent-Type: application/json; charset=utf-8\r\n",
		"\r\nConnection: close\r\n",
		"\r\nRetry-After: 5\r\n",
		"\r\nX-Content-Type-Options: nosniff\r\n",
		"\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n",
		"\r\nX-Frame-Options: DENY\r\n",
		"\r\nReferrer-Policy: no-referrer\r\n",
		"\r\nCache-Control: no-store\r\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_non_null(strstr(out, want[i]));
	/* the body is the JSON error, exactly as long as the header says */
	const char *body = strstr(out, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	long len = strtol(strstr(out, "Content-Length: ") + 16, NULL, 10);
	assert_int_equal(len, (long)strlen(body));
	json_error_t jerr;
	json_t *v = json_loads(body, 0, &jerr);
	assert_non_null(v);
	json_t *e = json_object_get(v, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "too_many_connections");
	assert_non_null(json_string_value(json_object_get(e, "message")));
	json_decref(v);
}

static void test_no_retry_after_and_too_small(void **state)
{
	char out[1024];
	(void)state;
	assert_true(raw_reply_format(out, sizeof out, 408, "request_timeout", "slow", 0) > 0);
	assert_null(strstr(out, "Retry-After"));
	assert_true(!strncmp(out, "HTTP/1.1 408 Request Timeout\r\n", 30));
	/* a buffer too small gets nothing rather than half an answer */
	assert_int_equal(raw_reply_format(out, 100, 408, "request_timeout", "slow", 0), 0);
}

static void test_libevent_statuses(void **state)
{
	const char *code, *message;
	(void)state;
	raw_reply_for_status(400, &code, &message);
	assert_string_equal(code, "bad_request");
	raw_reply_for_status(413, &code, &message);
	assert_string_equal(code, "too_large");
	raw_reply_for_status(501, &code, &message);
	assert_string_equal(code, "method_not_allowed");
	raw_reply_for_status(599, &code, &message);
	assert_string_equal(code, "refused");
	assert_true(message && *message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_answer),
		cmocka_unit_test(test_no_retry_after_and_too_small),
		cmocka_unit_test(test_libevent_statuses),
	};

	return cmocka_run_group_tests_name("raw_reply", tests, NULL, NULL);
}
