/*
 * Time zones from the system tzdata, read through GLib's GTimeZone, and
 * the civil calendar.
 *
 * GLib gives each zone's offset at any UTC instant; the reverse, wall
 * clock to UTC, is worked out here from offsets, because the choice for
 * repeated and skipped times needs a rule that never moves backwards.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

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

/* ---- zone scopes ---------------------------------------------------------- */

/*
 * Zones come from GLib's GTimeZone, which reads the tzdata file itself:
 * no TZ in the environment is set, so no other thread's getenv (libcurl's
 * proxy lookup, OpenSSL's) can race a setenv. The zones a thread used last
 * stay loaded (GLib drops a zone from its cache with its last reference).
 */
#define ZONES_KEPT 16

struct kept_zone {
	char name[SLA_ZONE_MAX + 1];
	GTimeZone *tz;
};

static _Thread_local struct kept_zone kept[ZONES_KEPT];
static _Thread_local unsigned kept_next;
/* The zone of the innermost scope of this thread. */
static _Thread_local GTimeZone *zone_now;

static GTimeZone *zone_load(const char *zone)
{
	char path[sizeof(ZONEINFO_DIR) + SLA_ZONE_MAX + 1];
	struct kept_zone *k;

	for (unsigned i = 0; i < ZONES_KEPT; i++)
		if (kept[i].tz && !strcmp(kept[i].name, zone))
			return kept[i].tz;
	/* an absolute path: GLib reads exactly this file, whatever TZDIR says */
	snprintf(path, sizeof(path), ZONEINFO_DIR "%s", zone);
	GTimeZone *tz = g_time_zone_new_identifier(path);
	if (!tz)
		return NULL;
	k = &kept[kept_next++ % ZONES_KEPT];
	if (k->tz)
		g_time_zone_unref(k->tz);
	snprintf(k->name, sizeof(k->name), "%s", zone);
	k->tz = tz;
	return tz;
}

int sla_tz_enter(struct sla_tz_scope *s, const char *zone)
{
	s->active = false;
	if (!sla_zone_syntax_ok(zone))
		return DK_ERR_INVALID;
	GTimeZone *tz = zone_load(zone);
	if (!tz)
		return DK_ERR_INVALID;
	s->prev = zone_now;
	zone_now = tz;
	s->active = true;
	return 0;
}

void sla_tz_leave(struct sla_tz_scope *s)
{
	if (!s->active)
		return;
	zone_now = s->prev;
	s->active = false;
}

/* The interval of the scope's zone that utc_s lies in; -1 outside a scope. */
static int interval_at(int64_t utc_s)
{
	return zone_now ? g_time_zone_find_interval(zone_now, G_TIME_TYPE_UNIVERSAL, utc_s) : -1;
}

int32_t sla_tz_offset(int64_t utc_s)
{
	int i = interval_at(utc_s);

	return i < 0 ? 0 : g_time_zone_get_offset(zone_now, i);
}

/* Floor division: days before 1970 count down. */
static int32_t day_of(int64_t local_s)
{
	return (int32_t)(local_s >= 0 ? local_s / SLA_DAY_S : -((-local_s + SLA_DAY_S - 1) / SLA_DAY_S));
}

int32_t sla_tz_day(int64_t utc_s)
{
	return day_of(utc_s + sla_tz_offset(utc_s));
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
	int64_t utc_s, local_s;
	int32_t days;
	int rc, i;

	memset(out, 0, sizeof(*out));
	if (utc_ms < 0 || utc_ms > SLA_TIME_MAX || !sla_zone_valid(zone))
		return DK_ERR_INVALID;
	if ((rc = sla_tz_enter(&scope, zone)))
		return rc;
	utc_s = utc_ms / 1000;
	i = interval_at(utc_s);
	out->utc_offset_s = i < 0 ? 0 : g_time_zone_get_offset(zone_now, i);
	out->dst = i >= 0 && g_time_zone_is_dst(zone_now, i);
	sla_tz_leave(&scope);
	local_s = utc_s + out->utc_offset_s;
	days = day_of(local_s);
	sla_civil_from_days(days, &out->year, &out->month, &out->day);
	local_s -= (int64_t)days * SLA_DAY_S;
	out->hour = (int)(local_s / 3600);
	out->minute = (int)(local_s / 60 % 60);
	out->second = (int)(local_s % 60);
	out->weekday = sla_weekday(days);
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
