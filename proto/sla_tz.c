/*
 * Time zones through glibc and the system tzdata, and the civil calendar.
 *
 * glibc knows each zone's rules but offers only "UTC to local" for the zone
 * named by TZ (localtime_r), so a scope sets TZ, asks, and restores it. The
 * reverse, wall clock to UTC, is worked out here from offsets, because
 * mktime's choice for repeated and skipped times depends on tm_isdst
 * guesses, and the arithmetic needs a rule that never moves backwards.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dk_err.h"
#define DESKD_SLA_INTERNAL
#include "sla_int.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo/"

const char *const sla_day_keys[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* ---- civil calendar (H. Hinnant's day-number algorithms) ------------------ */

int32_t sla_days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void sla_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int32_t z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int sla_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int w = (int)((days + 3) % 7);

	return w < 0 ? w + 7 : w;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int sla_date_parse(const char *s, int32_t *days)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*days = sla_days_from_civil(y, m, d);
	return 0;
}

/* ---- zone names -------------------------------------------------------- */

bool sla_zone_syntax_ok(const char *zone)
{
	size_t i, len;

	if (!zone)
		return false;
	len = strlen(zone);
	if (len == 0 || len > SLA_ZONE_MAX || zone[0] == '/' || zone[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		char ch = zone[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || strchr("_+-./", ch)))
			return false;
		/* no "..", no "//", no hidden or relative component */
		if (ch == '.' && (i == 0 || zone[i - 1] == '/'))
			return false;
		if (ch == '/' && zone[i + 1] == '/')
			return false;
	}
	if (strstr(zone, ".."))
		return false;
	/* right/ zones count leap seconds in time_t: every conversion would
	 * be off by half a minute. localtime and posixrules are links to
	 * whatever the machine is set to, not zones. */
	if (strncmp(zone, "right/", 6) == 0 || strcmp(zone, "localtime") == 0 ||
	    strcmp(zone, "posixrules") == 0)
		return false;
	return true;
}

bool sla_zone_valid(const char *zone)
{
	char path[sizeof(ZONEINFO_DIR) + SLA_ZONE_MAX];
	char magic[4];
	struct stat st;
	bool ok = false;
	int fd;

	if (!sla_zone_syntax_ok(zone))
		return false;
	snprintf(path, sizeof(path), ZONEINFO_DIR "%s", zone);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	/* A directory ("Europe") or a table ("zone.tab") is no zone. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0)
		ok = true;
	close(fd);
	return ok;
}

/* ---- TZ scopes ----------------------------------------------------------- */

int sla_tz_enter(struct sla_tz_scope *s, const char *zone)
{
	/* ":" + absolute path: glibc reads exactly this file, whatever TZDIR
	 * says, and never parses the name as a POSIX rule. */
	char value[sizeof(ZONEINFO_DIR) + SLA_ZONE_MAX + 1];
	const char *old = getenv("TZ");

	s->active = false;
	if (!sla_zone_syntax_ok(zone))
		return DK_ERR_INVALID;
	s->had_tz = old != NULL;
	if (old) {
		if (strlen(old) >= sizeof(s->saved))
			return DK_ERR_INVALID;
		strcpy(s->saved, old);
	}
	snprintf(value, sizeof(value), ":" ZONEINFO_DIR "%s", zone);
	if (setenv("TZ", value, 1) != 0)
		return DK_ERR_NOMEM;
	tzset();
	s->active = true;
	return 0;
}

void sla_tz_leave(struct sla_tz_scope *s)
{
	if (!s->active)
		return;
	if (s->had_tz) {
		/* Only fails without memory; TZ then keeps our zone, which is
		 * still a valid zone, so the process goes on in a known state. */
		if (setenv("TZ", s->saved, 1) != 0)
			return;
	} else {
		unsetenv("TZ");
	}
	tzset();
	s->active = false;
}

int32_t sla_tz_offset(int64_t utc_s)
{
	time_t t = (time_t)utc_s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

int32_t sla_tz_day(int64_t utc_s)
{
	time_t t = (time_t)utc_s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return (int32_t)(utc_s / SLA_DAY_S);
	return sla_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/*
 * A zone changes its offset at most once in any two days (true of every
 * zone in tzdata for the years deskd sees), so the offsets a day either
 * side of the wall time are the only candidates.
 */
int64_t sla_tz_from_wall(int64_t local_s)
{
	int32_t before = sla_tz_offset(local_s - SLA_DAY_S);
	int32_t after = sla_tz_offset(local_s + SLA_DAY_S);
	int64_t ta, tb, lo, hi;
	bool va, vb;

	if (before == after)
		return local_s - before;
	ta = local_s - before;
	tb = local_s - after;
	va = sla_tz_offset(ta) == before;
	vb = sla_tz_offset(tb) == after;
	if (va && vb)           /* clocks set back: the first occurrence */
		return ta < tb ? ta : tb;
	if (va)
		return ta;
	if (vb)
		return tb;
	/* Clocks set forward past this time: find the jump, the first second
	 * with the new offset, which lies in (tb, ta]. */
	lo = tb;
	hi = ta;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (sla_tz_offset(mid) == after)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* ---- public conversions --------------------------------------------------- */

int sla_time_to_local(const char *zone, int64_t utc_ms, struct sla_local *out)
{
	struct sla_tz_scope scope;
	time_t t;
	struct tm tm;
	int rc;

	memset(out, 0, sizeof(*out));
	if (utc_ms < 0 || utc_ms > SLA_TIME_MAX || !sla_zone_valid(zone))
		return DK_ERR_INVALID;
	if ((rc = sla_tz_enter(&scope, zone)))
		return rc;
	t = (time_t)(utc_ms / 1000);
	if (!localtime_r(&t, &tm)) {
		sla_tz_leave(&scope);
		return DK_ERR_INVALID;
	}
	sla_tz_leave(&scope);
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	out->weekday = (tm.tm_wday + 6) % 7;
	out->utc_offset_s = (int32_t)tm.tm_gmtoff;
	out->dst = tm.tm_isdst > 0;
	return 0;
}

int sla_time_from_local(const char *zone, int year, int month, int day,
			int hour, int minute, int64_t *utc_ms)
{
	struct sla_tz_scope scope;
	int64_t local_s;
	int rc;

	*utc_ms = 0;
	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > month_days(year, month) || hour < 0 || hour > 23 || minute < 0 ||
	    minute > 59 || !sla_zone_valid(zone))
		return DK_ERR_INVALID;
	if ((rc = sla_tz_enter(&scope, zone)))
		return rc;
	local_s = (int64_t)sla_days_from_civil(year, month, day) * SLA_DAY_S +
		  hour * 3600 + minute * 60;
	*utc_ms = sla_tz_from_wall(local_s) * 1000;
	sla_tz_leave(&scope);
	/* 1970-01-01 00:00 east of Greenwich was still 1969 in UTC. */
	if (*utc_ms < 0 || *utc_ms > SLA_TIME_MAX) {
		*utc_ms = 0;
		return DK_ERR_INVALID;
	}
	return 0;
}
