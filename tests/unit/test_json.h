/* JSON helpers of the unit tests of request bodies. */
#ifndef DESKD_TEST_JSON_H
#define DESKD_TEST_JSON_H

#include "test.h"

#include <jansson.h>

/* Parses test JSON or fails the test. NUL escapes reach the parsers only
 * from code, not from the HTTP layer (which refuses them): they are
 * allowed here to test that too. */
static inline json_t *test_json_parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (!v)
		fail_msg("bad test JSON: %s: %s", text, jerr.text);
	return v;
}

#endif
