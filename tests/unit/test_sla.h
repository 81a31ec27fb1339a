/* Helpers and cases shared by the test_sla*.c files, one cmocka group. */
#ifndef DESKD_TEST_SLA_H
#define DESKD_TEST_SLA_H

#include "test.h"

#include <jansson.h>

#include "sla.h"
#include "validate.h"

#define MIN_MS INT64_C(60000)
#define HOUR_MS INT64_C(3600000)

/*
 * UTC ms of a wall-clock time whose offset from UTC (in hours) the test
 * states itself: the expectations never come from the code under test.
 * Days are counted the slow way, year by year and month by month.
 */
static inline int64_t wall(int y, int mo, int d, int h, int mi, int offset_h)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t days = 0;
	int i;

	for (i = 1970; i < y; i++)
		days += (i % 4 == 0 && (i % 100 != 0 || i % 400 == 0)) ? 366 : 365;
	for (i = 1; i < mo; i++)
		days += mdays[i - 1] + (i == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	days += d - 1;
	return ((days * 24 + h - offset_h) * 60 + mi) * MIN_MS;
}

/* A calendar from JSON text; fails the test when it is refused. */
static inline struct sla_calendar cal_from(const char *text)
{
	struct sla_calendar c;
	struct field_error err = { 0 };
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);

	if (!doc)
		fail_msg("bad test JSON: %s", jerr.text);
	if (sla_calendar_from_json(doc, &c, &err) != 0)
		fail_msg("calendar refused: %s %s %s", err.code, err.field, err.message);
	json_decref(doc);
	return c;
}

/* Monday to Friday 08:30-17:00 in Amsterdam with Dutch holidays of
 * 2024/2025 (Easter Monday, Christmas, New Year). */
#define OFFICE_NL \
	"{\"time_zone\": \"Europe/Amsterdam\"," \
	" \"hours\": {\"mon\": [\"08:30-17:00\"], \"tue\": [\"08:30-17:00\"]," \
	"  \"wed\": [\"08:30-17:00\"], \"thu\": [\"08:30-17:00\"]," \
	"  \"fri\": [\"08:30-17:00\"], \"sat\": [], \"sun\": []}," \
	" \"holidays\": [\"2024-04-01\", \"2024-12-25\", \"2024-12-26\", \"2025-01-01\"]}"

/* test_sla_zone.c */
void test_zone_names(void **state);
void test_zone_conversions(void **state);
void test_tz_restored(void **state);
void test_environment_untouched(void **state);
/* test_sla_json.c */
void test_calendar_round_trip(void **state);
void test_calendar_bad_documents(void **state);
void test_calendar_check(void **state);
void test_policy_round_trip(void **state);
void test_policy_bad_documents(void **state);
void test_presets(void **state);
void test_day_length(void **state);
/* test_sla_clock.c */
void test_clock_runs_out(void **state);
void test_clock_pause_resume(void **state);
void test_clock_stop_reopen(void **state);
void test_clock_retarget(void **state);
void test_clock_retarget_paused(void **state);
void test_clock_waiting_from_start(void **state);
void test_clock_refusals(void **state);

#endif
