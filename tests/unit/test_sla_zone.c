/* Time zone names, conversions, and TZ left as it was found. */
#include <time.h>

#include "test_sla.h"

#include "dk_err.h"

void test_zone_names(void **state)
{
	static const char *const good[] = {
		"Europe/Amsterdam", "Europe/Stockholm", "UTC", "Etc/GMT+1",
		"America/Argentina/Buenos_Aires", "America/Port-au-Prince",
	};
	static const char *const bad[] = {
		"", "Europe/../Europe/Amsterdam", "../zoneinfo/UTC", "/usr/share/zoneinfo/UTC",
		"/UTC", "Europe/Nowhere", "Europe", "Europe/", "europe/amsterdam",
		"Europe//Amsterdam", "zone.tab", "tzdata.zi", "iso3166.tab",
		"right/Europe/Amsterdam", "localtime", "posixrules", "Europe/Amsterdam\n",
		"Europe/Am sterdam", "Europe/.Amsterdam", "./UTC", "Europe/Amsterdam/",
		"UTC;rm", "Europe/Amsterdam\\",
	};
	char longname[SLA_ZONE_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!sla_zone_valid(good[i]))
			fail_msg("refused %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sla_zone_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(sla_zone_valid(NULL));
	/* one byte too long, else harmless */
	memset(longname, 'a', sizeof(longname) - 1);
	memcpy(longname, "Europe/", 7);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(sla_zone_valid(longname));
}

void test_zone_conversions(void **state)
{
	struct sla_local l;
	int64_t t;

	(void)state;
	/* 01:30Z on 2024-03-31 is 03:30 CEST, a Sunday */
	assert_int_equal(sla_time_to_local("Europe/Amsterdam", wall(2024, 3, 31, 1, 30, 0), &l), 0);
	assert_int_equal(l.year, 2024);
	assert_int_equal(l.month, 3);
	assert_int_equal(l.day, 31);
	assert_int_equal(l.hour, 3);
	assert_int_equal(l.minute, 30);
	assert_int_equal(l.weekday, 6);
	assert_int_equal(l.utc_offset_s, 7200);
	assert_true(l.dst);
	/* a minute before the jump it was 01:59 CET */
	assert_int_equal(sla_time_to_local("Europe/Amsterdam", wall(2024, 3, 31, 0, 59, 0), &l), 0);
	assert_int_equal(l.hour, 1);
	assert_int_equal(l.minute, 59);
	assert_int_equal(l.utc_offset_s, 3600);
	assert_false(l.dst);
	/* Kolkata is 5:30 ahead: New Year 2024 there began at 18:30Z */
	assert_int_equal(sla_time_from_local("Asia/Kolkata", 2024, 1, 1, 0, 0, &t), 0);
	assert_int_equal(t, wall(2023, 12, 31, 18, 30, 0));
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2024, 7, 1, 12, 0, &t), 0);
	assert_int_equal(t, wall(2024, 7, 1, 10, 0, 0));
	assert_int_equal(sla_time_from_local("Europe/Stockholm", 2024, 1, 15, 9, 0, &t), 0);
	assert_int_equal(t, wall(2024, 1, 15, 8, 0, 0));
	/* 02:30 never happened on 2024-03-31: the moment the clocks jumped */
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2024, 3, 31, 2, 30, &t), 0);
	assert_int_equal(t, wall(2024, 3, 31, 1, 0, 0));
	/* New York jumped at 02:00 EST on 2024-03-10, 07:00Z */
	assert_int_equal(sla_time_from_local("America/New_York", 2024, 3, 10, 2, 15, &t), 0);
	assert_int_equal(t, wall(2024, 3, 10, 7, 0, 0));
	/* 02:30 happened twice on 2024-10-27: the first time, in CEST */
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2024, 10, 27, 2, 30, &t), 0);
	assert_int_equal(t, wall(2024, 10, 27, 0, 30, 0));
	assert_int_equal(sla_time_from_local("Europe/Stockholm", 2024, 10, 27, 3, 0, &t), 0);
	assert_int_equal(t, wall(2024, 10, 27, 2, 0, 0));
	/* refusals */
	assert_int_equal(sla_time_from_local("Europe/Nowhere", 2024, 1, 1, 0, 0, &t),
			 DK_ERR_INVALID);
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2024, 2, 30, 0, 0, &t),
			 DK_ERR_INVALID);
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2023, 2, 29, 0, 0, &t),
			 DK_ERR_INVALID);
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 2024, 1, 1, 24, 0, &t),
			 DK_ERR_INVALID);
	/* 1970-01-01 00:00 in Amsterdam was still 1969 in UTC */
	assert_int_equal(sla_time_from_local("Europe/Amsterdam", 1970, 1, 1, 0, 0, &t),
			 DK_ERR_INVALID);
	assert_int_equal(sla_time_to_local("../UTC", 0, &l), DK_ERR_INVALID);
	assert_int_equal(sla_time_to_local("UTC", -1, &l), DK_ERR_INVALID);
	assert_int_equal(sla_time_to_local("UTC", SLA_TIME_MAX, &l), 0);
	assert_int_equal(l.year, 9999);
}

/* The UTC offset the process's own local time has at t. */
static long own_offset(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

static void exercise(void)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_local l;
	int64_t t;

	assert_int_not_equal(sla_add_business_ms(&c, wall(2024, 1, 9, 10, 0, 1), 20 * HOUR_MS),
			     SLA_NEVER);
	assert_true(sla_business_ms_between(&c, 0, wall(2024, 1, 9, 10, 0, 1)) > 0);
	assert_int_equal(sla_time_to_local("Asia/Tokyo", 0, &l), 0);
	assert_int_equal(sla_time_from_local("Europe/Stockholm", 2024, 1, 1, 0, 0, &t), 0);
	/* the calls that fail must restore too */
	assert_int_equal(sla_time_to_local("Europe/Nowhere", 0, &l), DK_ERR_INVALID);
}

/* The environment is never written: other threads (libcurl's and
 * OpenSSL's getenv in the mail delivery thread) read it meanwhile, and a
 * setenv that moves it under them crashes them. */
void test_environment_untouched(void **state)
{
	extern char **environ;
	char **before = environ;
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;

	(void)state;
	unsetenv("TZ");
	before = environ;
	exercise();
	assert_ptr_equal(environ, before);
	assert_null(getenv("TZ"));
	if (saved)
		setenv("TZ", saved, 1);
	free(saved);
}

void test_tz_restored(void **state)
{
	const char *orig = getenv("TZ");
	char *saved = orig ? strdup(orig) : NULL;
	time_t jan = (time_t)(wall(2024, 1, 15, 12, 0, 0) / 1000);

	(void)state;
	/* a process running in New York stays in New York */
	setenv("TZ", ":/usr/share/zoneinfo/America/New_York", 1);
	tzset();
	exercise();
	assert_string_equal(getenv("TZ"), ":/usr/share/zoneinfo/America/New_York");
	assert_int_equal(own_offset(jan), -5 * 3600);
	/* a process without TZ stays without, and follows the system again */
	unsetenv("TZ");
	tzset();
	exercise();
	assert_null(getenv("TZ"));
	/* and a POSIX rule string survives as written */
	setenv("TZ", "XST-3", 1);
	tzset();
	exercise();
	assert_string_equal(getenv("TZ"), "XST-3");
	assert_int_equal(own_offset(jan), 3 * 3600);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}
