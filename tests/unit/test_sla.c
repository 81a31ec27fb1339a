/*
 * SLA arithmetic on concrete dates. Every expected instant is worked out by
 * hand in the comment next to it, with the UTC offset of the day written
 * out: Amsterdam and Stockholm are UTC+1 in winter and UTC+2 from the last
 * Sunday of March (2024-03-31, 02:00 -> 03:00) to the last Sunday of
 * October (2024-10-27, 03:00 -> 02:00).
 */
#include "test_sla.h"

#include "dk_err.h"

/* Every day 01:00-04:00: the hours the clocks change in. */
#define NIGHT(zone) \
	"{\"time_zone\": \"" zone "\"," \
	" \"hours\": {\"mon\": [\"01:00-04:00\"], \"tue\": [\"01:00-04:00\"]," \
	"  \"wed\": [\"01:00-04:00\"], \"thu\": [\"01:00-04:00\"]," \
	"  \"fri\": [\"01:00-04:00\"], \"sat\": [\"01:00-04:00\"]," \
	"  \"sun\": [\"01:00-04:00\"]}}"

/* Monday to Friday 08:00-17:00 with Swedish holidays of 2024. */
#define OFFICE_SE \
	"{\"time_zone\": \"Europe/Stockholm\"," \
	" \"hours\": {\"mon\": [\"08:00-17:00\"], \"tue\": [\"08:00-17:00\"]," \
	"  \"wed\": [\"08:00-17:00\"], \"thu\": [\"08:00-17:00\"]," \
	"  \"fri\": [\"08:00-17:00\"], \"sat\": [], \"sun\": []}," \
	" \"holidays\": [\"2024-03-29\", \"2024-04-01\", \"2024-12-24\"," \
	"  \"2024-12-25\", \"2024-12-26\"]}"

static void expect_add(const struct sla_calendar *c, int64_t start, int64_t dur, int64_t want)
{
	int64_t got = sla_add_business_ms(c, start, dur);

	if (got != want)
		fail_msg("add(%lld, %lld): got %lld, want %lld (off by %lld min)",
			 (long long)start, (long long)dur, (long long)got, (long long)want,
			 (long long)((got - want) / MIN_MS));
	/* and the other way round */
	if (dur > 0 && sla_business_ms_between(c, start, got) != dur)
		fail_msg("between(%lld, %lld) = %lld, want %lld", (long long)start,
			 (long long)got, (long long)sla_business_ms_between(c, start, got),
			 (long long)dur);
}

static void test_within_days(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);

	(void)state;
	/* Tue 2024-03-05 10:00 CET + 2 h = 12:00 */
	expect_add(&c, wall(2024, 3, 5, 10, 0, 1), 2 * HOUR_MS, wall(2024, 3, 5, 12, 0, 1));
	/* 16:00 + 2 h: one hour to 17:00, one from Wed 08:30: 09:30 */
	expect_add(&c, wall(2024, 3, 5, 16, 0, 1), 2 * HOUR_MS, wall(2024, 3, 6, 9, 30, 1));
	/* a whole day from the opening ends at the closing, not next morning */
	expect_add(&c, wall(2024, 3, 5, 8, 30, 1), 8 * HOUR_MS + 30 * MIN_MS,
		   wall(2024, 3, 5, 17, 0, 1));
	/* one millisecond more is the next opening and a millisecond */
	expect_add(&c, wall(2024, 3, 5, 8, 30, 1), 8 * HOUR_MS + 30 * MIN_MS + 1,
		   wall(2024, 3, 6, 8, 30, 1) + 1);
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 5, 10, 0, 1),
						 wall(2024, 3, 5, 12, 0, 1)), 2 * HOUR_MS);
	/* nothing counts before from or after to */
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 5, 12, 0, 1),
						 wall(2024, 3, 5, 10, 0, 1)), 0);
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 5, 17, 0, 1),
						 wall(2024, 3, 6, 8, 30, 1)), 0);
}

static void test_weekend(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);

	(void)state;
	/* Fri 2024-03-08 16:00 + 2 h: one hour Friday, one from Mon 11th 08:30 */
	expect_add(&c, wall(2024, 3, 8, 16, 0, 1), 2 * HOUR_MS, wall(2024, 3, 11, 9, 30, 1));
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 8, 17, 0, 1),
						 wall(2024, 3, 11, 8, 30, 1)), 0);
	/* Friday's closing + 1 min = Monday 08:31 */
	expect_add(&c, wall(2024, 3, 8, 17, 0, 1), MIN_MS, wall(2024, 3, 11, 8, 31, 1));
}

static void test_start_outside_hours(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);

	(void)state;
	/* Sat 2024-03-09 12:00 + 1 h: counting starts Monday 08:30 */
	expect_add(&c, wall(2024, 3, 9, 12, 0, 1), HOUR_MS, wall(2024, 3, 11, 9, 30, 1));
	/* Tue 07:00 + 1 h = 09:30; Tue 18:00 + 30 min = Wed 09:00 */
	expect_add(&c, wall(2024, 3, 5, 7, 0, 1), HOUR_MS, wall(2024, 3, 5, 9, 30, 1));
	expect_add(&c, wall(2024, 3, 5, 18, 0, 1), 30 * MIN_MS, wall(2024, 3, 6, 9, 0, 1));
	/* nothing to count: the start itself, even at night */
	assert_int_equal(sla_add_business_ms(&c, wall(2024, 3, 9, 12, 0, 1), 0),
			 wall(2024, 3, 9, 12, 0, 1));
}

static void test_holidays(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);

	(void)state;
	/* Tue 2024-12-24 16:00 + 2 h: 1 h on the 24th; 25th and 26th are
	 * holidays; Fri 27th 08:30 + 1 h = 09:30 */
	expect_add(&c, wall(2024, 12, 24, 16, 0, 1), 2 * HOUR_MS,
		   wall(2024, 12, 27, 9, 30, 1));
	/* Mon 23 Dec to Mon 6 Jan: 23, 24, 27, 30, 31 Dec, 2, 3 Jan = 7 days */
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 12, 23, 8, 30, 1),
						 wall(2025, 1, 6, 8, 30, 1)),
			 7 * (8 * HOUR_MS + 30 * MIN_MS));
}

static void test_five_days_across_holiday_and_weekend(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	int64_t day = 8 * HOUR_MS + 30 * MIN_MS;

	(void)state;
	/*
	 * 5 business days = 42 h 30 min from Thu 2024-03-28 10:00 CET:
	 * Thu 7 h (35.5 left), Fri 8.5 (27), weekend (clocks go forward),
	 * Easter Monday off, Tue 8.5 (18.5), Wed 8.5 (10), Thu 8.5 (1.5),
	 * Fri 2024-04-05 08:30 + 1.5 h = 10:00 CEST.
	 */
	expect_add(&c, wall(2024, 3, 28, 10, 0, 1), 5 * day, wall(2024, 4, 5, 10, 0, 2));
}

static void test_weeks(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	int64_t day = 8 * HOUR_MS + 30 * MIN_MS;

	(void)state;
	/* ten days from Mon 2024-01-08 08:30 end on Fri 19th at closing */
	expect_add(&c, wall(2024, 1, 8, 8, 30, 1), 10 * day, wall(2024, 1, 19, 17, 0, 1));
	expect_add(&c, wall(2024, 1, 8, 8, 30, 1), 10 * day + MIN_MS,
		   wall(2024, 1, 22, 8, 31, 1));
	/*
	 * 15 days (127.5 h) from Mon 2024-03-18 09:00 CET, across the change
	 * to summer time and Easter Monday: 18-22 Mar 8 + 4 x 8.5 = 42;
	 * 25-29 Mar 42.5 (84.5); 1 Apr off; 2-5 Apr 34 (118.5); Mon 8 Apr
	 * 8.5 (127); Tue 9 Apr 08:30 + 0.5 = 09:00 CEST.
	 */
	expect_add(&c, wall(2024, 3, 18, 9, 0, 1), 15 * day, wall(2024, 4, 9, 9, 0, 2));
	/*
	 * 2024 began on a Monday and has 366 days: 52 weeks and Mon 30, Tue 31
	 * Dec, 262 weekdays; three of them are holidays in the list.
	 */
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 1, 1, 0, 0, 1),
						 wall(2025, 1, 1, 0, 0, 1)), 259 * day);
	/* a year's business time from New Year ends at the last closing */
	expect_add(&c, wall(2024, 1, 1, 0, 0, 1), 259 * day, wall(2024, 12, 31, 17, 0, 1));
}

static void test_split_and_midnight_hours(void **state)
{
	struct sla_calendar c = cal_from(
		"{\"time_zone\": \"Europe/Amsterdam\","
		" \"hours\": {\"mon\": [\"08:00-12:00\", \"13:00-17:00\"], \"tue\": [],"
		"  \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [\"20:00-24:00\"],"
		"  \"sun\": [\"00:00-04:00\"]}}");

	(void)state;
	/* Mon 2024-03-04 11:30 + 1 h: half before lunch, half after: 13:30 */
	expect_add(&c, wall(2024, 3, 4, 11, 30, 1), HOUR_MS, wall(2024, 3, 4, 13, 30, 1));
	/* Sat 2024-03-09 23:00 + 2 h runs on through midnight: Sun 01:00 */
	expect_add(&c, wall(2024, 3, 9, 23, 0, 1), 2 * HOUR_MS, wall(2024, 3, 10, 1, 0, 1));
	/* Mon 16:00 + 6 h: 1 h Mon, 4 h Sat night, Sun 00:00 + 1 h */
	expect_add(&c, wall(2024, 3, 4, 16, 0, 1), 6 * HOUR_MS, wall(2024, 3, 10, 1, 0, 1));
}

static void test_dst_amsterdam(void **state)
{
	struct sla_calendar c = cal_from(NIGHT("Europe/Amsterdam"));

	(void)state;
	/*
	 * Sun 2024-03-31: 01:00 CET is 00:00Z, at 01:00Z the clocks jump from
	 * 02:00 to 03:00, 04:00 CEST is 02:00Z: two hours open that night.
	 * From Sun 00:00 CET (Sat 23:00Z): 90 min end at 01:30Z (03:30 CEST);
	 * two hours at 02:00Z; one minute more on Monday 01:01 CEST (Sun 23:01Z).
	 */
	expect_add(&c, wall(2024, 3, 31, 0, 0, 1), 90 * MIN_MS, wall(2024, 3, 31, 1, 30, 0));
	expect_add(&c, wall(2024, 3, 31, 0, 0, 1), 2 * HOUR_MS, wall(2024, 3, 31, 2, 0, 0));
	expect_add(&c, wall(2024, 3, 31, 0, 0, 1), 2 * HOUR_MS + MIN_MS,
		   wall(2024, 3, 31, 23, 1, 0));
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 31, 0, 0, 1),
						 wall(2024, 4, 1, 0, 0, 2)), 2 * HOUR_MS);
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 30, 0, 0, 1),
						 wall(2024, 4, 1, 0, 0, 2)), 5 * HOUR_MS);
	/*
	 * Sun 2024-10-27: 01:00 CEST is Sat 23:00Z, at 01:00Z the clocks go
	 * back from 03:00 to 02:00, 04:00 CET is 03:00Z: four hours open.
	 * From Sun 00:00 CEST (Sat 22:00Z) 3.5 h end at 02:30Z (03:30 CET).
	 */
	expect_add(&c, wall(2024, 10, 27, 0, 0, 2), 3 * HOUR_MS + 30 * MIN_MS,
		   wall(2024, 10, 27, 2, 30, 0));
	expect_add(&c, wall(2024, 10, 27, 0, 0, 2), 4 * HOUR_MS, wall(2024, 10, 27, 3, 0, 0));
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 10, 27, 0, 0, 2),
						 wall(2024, 10, 28, 0, 0, 1)), 4 * HOUR_MS);
	/* 01:30Z is 02:30 the second time; to 03:00Z is 1.5 h */
	expect_add(&c, wall(2024, 10, 27, 1, 30, 0), HOUR_MS, wall(2024, 10, 27, 2, 30, 0));
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 10, 27, 1, 30, 0),
						 wall(2024, 10, 27, 3, 0, 0)), 90 * MIN_MS);
}

static void test_dst_weeks(void **state)
{
	struct sla_calendar c = cal_from(NIGHT("Europe/Amsterdam"));

	(void)state;
	/* Mon 25 Mar to Mon 8 Apr 2024: 14 nights of 3 h, one of them 2 h */
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 25, 0, 0, 1),
						 wall(2024, 4, 8, 0, 0, 2)), 41 * HOUR_MS);
	/* ... ending at the last closing, Sun 7 Apr 04:00 CEST */
	expect_add(&c, wall(2024, 3, 25, 0, 0, 1), 41 * HOUR_MS, wall(2024, 4, 7, 4, 0, 2));
	/* Mon 21 Oct to Mon 4 Nov 2024: 14 nights, one of them 4 h */
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 10, 21, 0, 0, 2),
						 wall(2024, 11, 4, 0, 0, 1)), 43 * HOUR_MS);
	expect_add(&c, wall(2024, 10, 21, 0, 0, 2), 43 * HOUR_MS, wall(2024, 11, 3, 4, 0, 1));
}

static void test_dst_stockholm(void **state)
{
	struct sla_calendar office = cal_from(OFFICE_SE);
	struct sla_calendar night = cal_from(NIGHT("Europe/Stockholm"));

	(void)state;
	/*
	 * Thu 2024-03-28 16:00 CET + 4 h: 1 h Thursday; Good Friday and Easter
	 * Monday are holidays, and the clocks go forward in between; Tue 2 Apr
	 * 08:00 + 3 h = 11:00 CEST.
	 */
	expect_add(&office, wall(2024, 3, 28, 16, 0, 1), 4 * HOUR_MS, wall(2024, 4, 2, 11, 0, 2));
	/* Fri 2024-10-25 15:00 CEST + 4 h: 2 h Friday, Mon 28th 08:00 + 2 h
	 * = 10:00 CET, though 67 hours passed on the clock on the wall */
	expect_add(&office, wall(2024, 10, 25, 15, 0, 2), 4 * HOUR_MS,
		   wall(2024, 10, 28, 10, 0, 1));
	/* one business day (9 h) from Friday 10:00 CEST is Monday 10:00 CET */
	expect_add(&office, wall(2024, 10, 25, 10, 0, 2), 9 * HOUR_MS,
		   wall(2024, 10, 28, 10, 0, 1));
	/* the night the clocks go back holds four hours, forward two */
	assert_int_equal(sla_business_ms_between(&night, wall(2024, 10, 27, 0, 0, 2),
						 wall(2024, 10, 28, 0, 0, 1)), 4 * HOUR_MS);
	assert_int_equal(sla_business_ms_between(&night, wall(2024, 3, 31, 0, 0, 1),
						 wall(2024, 4, 1, 0, 0, 2)), 2 * HOUR_MS);
	/* Sun 2024-03-31 01:00 CET + 1.5 h = 03:30 CEST (01:30Z) */
	expect_add(&night, wall(2024, 3, 31, 1, 0, 1), 90 * MIN_MS, wall(2024, 3, 31, 1, 30, 0));
}

static void test_other_zones(void **state)
{
	struct sla_calendar ny = cal_from(
		"{\"time_zone\": \"America/New_York\", \"hours\": {"
		" \"mon\": [\"09:00-17:00\"], \"tue\": [\"09:00-17:00\"], \"wed\": [\"09:00-17:00\"],"
		" \"thu\": [\"09:00-17:00\"], \"fri\": [\"09:00-17:00\"], \"sat\": [], \"sun\": []}}");
	struct sla_calendar in = cal_from(
		"{\"time_zone\": \"Asia/Kolkata\", \"hours\": {"
		" \"mon\": [\"09:30-18:30\"], \"tue\": [\"09:30-18:30\"], \"wed\": [],"
		" \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}");

	(void)state;
	/* New York goes to summer time on the second Sunday of March: Fri
	 * 2024-03-08 16:00 EST (UTC-5) + 2 h = Mon 11th 10:00 EDT (UTC-4) */
	expect_add(&ny, wall(2024, 3, 8, 16, 0, -5), 2 * HOUR_MS, wall(2024, 3, 11, 10, 0, -4));
	/* UTC+5:30: Mon 2024-03-04 18:00 (12:30Z) + 1 h = Tue 10:00 (04:30Z) */
	expect_add(&in, wall(2024, 3, 4, 12, 30, 0), HOUR_MS, wall(2024, 3, 5, 4, 30, 0));
}

static void test_around_the_clock(void **state)
{
	struct sla_calendar c;

	(void)state;
	sla_calendar_around_the_clock(&c, "Europe/Amsterdam");
	/* 24 real hours, though the night of 30/31 March has 23 on the wall */
	expect_add(&c, wall(2024, 3, 30, 12, 0, 0), 24 * HOUR_MS, wall(2024, 3, 31, 12, 0, 0));
	assert_int_equal(sla_business_ms_between(&c, wall(2024, 3, 30, 12, 0, 0),
						 wall(2024, 4, 2, 12, 0, 0)), 72 * HOUR_MS);
	assert_int_equal(sla_add_business_ms(&c, SLA_TIME_MAX - 5, 10), SLA_NEVER);
}

static void test_bad_arguments(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL), bad = c;
	int64_t t = wall(2024, 3, 5, 10, 0, 1);

	(void)state;
	assert_int_equal(sla_add_business_ms(NULL, t, HOUR_MS), SLA_NEVER);
	assert_true(sla_business_ms_between(NULL, t, t + 1) < 0);
	assert_int_equal(sla_add_business_ms(&c, -1, HOUR_MS), SLA_NEVER);
	assert_int_equal(sla_add_business_ms(&c, SLA_TIME_MAX + 1, HOUR_MS), SLA_NEVER);
	assert_int_equal(sla_business_ms_between(&c, -5, t), DK_ERR_INVALID);
	/* beyond the year 9999, and absurdly far, answered at once */
	assert_int_equal(sla_add_business_ms(&c, t, INT64_MAX), SLA_NEVER);
	assert_int_equal(sla_add_business_ms(&c, t, INT64_C(1) << 52), SLA_NEVER);
	/* a calendar that is never open would count forever: refused */
	memset(bad.n_intervals, 0, sizeof(bad.n_intervals));
	assert_int_equal(sla_add_business_ms(&bad, t, HOUR_MS), SLA_NEVER);
	assert_int_equal(sla_business_ms_between(&bad, t, t + HOUR_MS), DK_ERR_INVALID);
	bad = c;
	strcpy(bad.zone, "../etc/passwd");
	assert_int_equal(sla_add_business_ms(&bad, t, HOUR_MS), SLA_NEVER);
	bad = c;
	bad.hours[0][0].end = 1500;
	assert_int_equal(sla_add_business_ms(&bad, t, HOUR_MS), SLA_NEVER);
}

/* add and between agree everywhere, also on odd starts and in odd zones. */
static void test_add_between_agree(void **state)
{
	static const char *const docs[] = {
		OFFICE_NL, OFFICE_SE, NIGHT("Europe/Amsterdam"), NIGHT("America/New_York"),
		NIGHT("Australia/Lord_Howe"),
	};
	static const int64_t durs[] = {
		1, MIN_MS, 2 * HOUR_MS, 8 * HOUR_MS + 30 * MIN_MS, 42 * HOUR_MS + 30 * MIN_MS,
		200 * HOUR_MS, 2000 * HOUR_MS,
	};
	size_t i, j;
	int64_t s, a, prev;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct sla_calendar c = cal_from(docs[i]);

		/* every 7 h 13 min through March and April 2024 */
		for (s = wall(2024, 3, 1, 0, 0, 0); s < wall(2024, 5, 1, 0, 0, 0);
		     s += 7 * HOUR_MS + 13 * MIN_MS) {
			prev = s;
			for (j = 0; j < sizeof(durs) / sizeof(durs[0]); j++) {
				a = sla_add_business_ms(&c, s, durs[j]);
				assert_true(a > prev);
				assert_int_equal(sla_business_ms_between(&c, s, a), durs[j]);
				prev = a;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_within_days),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_start_outside_hours),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_five_days_across_holiday_and_weekend),
		cmocka_unit_test(test_weeks),
		cmocka_unit_test(test_split_and_midnight_hours),
		cmocka_unit_test(test_dst_amsterdam),
		cmocka_unit_test(test_dst_weeks),
		cmocka_unit_test(test_dst_stockholm),
		cmocka_unit_test(test_other_zones),
		cmocka_unit_test(test_around_the_clock),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_add_between_agree),
		cmocka_unit_test(test_zone_names),
		cmocka_unit_test(test_zone_conversions),
		cmocka_unit_test(test_tz_restored),
		cmocka_unit_test(test_environment_untouched),
		cmocka_unit_test(test_calendar_round_trip),
		cmocka_unit_test(test_calendar_bad_documents),
		cmocka_unit_test(test_calendar_check),
		cmocka_unit_test(test_policy_round_trip),
		cmocka_unit_test(test_policy_bad_documents),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_day_length),
		cmocka_unit_test(test_clock_runs_out),
		cmocka_unit_test(test_clock_pause_resume),
		cmocka_unit_test(test_clock_stop_reopen),
		cmocka_unit_test(test_clock_retarget),
		cmocka_unit_test(test_clock_retarget_paused),
		cmocka_unit_test(test_clock_waiting_from_start),
		cmocka_unit_test(test_clock_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
