/*
 * Business-hours calendars and the arithmetic on them.
 *
 * Open time is counted in real elapsed time between the UTC instants of the
 * local opening and closing times, so an interval of 01:00-04:00 lasts two
 * hours on the night the clocks go forward and four on the night they go
 * back. Days are local dates. Whole weeks are taken in one step: a week
 * holds the calendar's open time less its holidays, unless the zone
 * changes its offset close enough to matter, and only such a week is
 * counted day by day. Everything else walks at most a few days.
 */
#include <stdio.h>
#include <string.h>

#include "dk_err.h"
#include "validate.h"
#include "validate_int.h"
#define DESKD_SLA_INTERNAL
#include "sla_int.h"

#define MS_PER_MIN INT64_C(60000)
#define MS_PER_DAY (INT64_C(1000) * SLA_DAY_S)

/* What every call works out once from the calendar. */
struct ctx {
	const struct sla_calendar *c;
	int64_t wall[7];   /* open ms of each weekday by the clock on the wall */
	int64_t week;
};

void sla_calendar_office(struct sla_calendar *out)
{
	int wd;

	memset(out, 0, sizeof(*out));
	strcpy(out->zone, "Europe/Amsterdam");
	for (wd = 0; wd < 5; wd++) {
		out->n_intervals[wd] = 1;
		out->hours[wd][0] = (struct sla_interval){ 8 * 60 + 30, 17 * 60 };
	}
}

void sla_calendar_around_the_clock(struct sla_calendar *out, const char *zone)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->zone, sizeof(out->zone), "%s", zone ? zone : "");
	out->around_the_clock = true;
}

static int fail_at(struct field_error *err, const char *code, const char *prefix,
		   const char *field, const char *msg)
{
	char path[64];

	snprintf(path, sizeof(path), "%s%s", prefix, field);
	return v_fail(err, code, path, "%s", msg);
}

static int check_hours(const struct sla_calendar *c, const char *prefix,
		       struct field_error *err)
{
	char field[32];
	int wd, i, total = 0;

	for (wd = 0; wd < 7; wd++) {
		unsigned prev_end = 0;

		snprintf(field, sizeof(field), "hours.%s", sla_day_keys[wd]);
		if (c->n_intervals[wd] > SLA_DAY_INTERVALS_MAX)
			return fail_at(err, "too_long", prefix, field,
				       "a day has at most 4 opening intervals");
		for (i = 0; i < c->n_intervals[wd]; i++) {
			const struct sla_interval *iv = &c->hours[wd][i];

			snprintf(field, sizeof(field), "hours.%s[%d]", sla_day_keys[wd], i);
			if (iv->start >= 1440 || iv->end > 1440)
				return fail_at(err, "invalid_value", prefix, field,
					       "times run from 00:00 to 24:00");
			if (iv->end <= iv->start)
				return fail_at(err, "invalid_value", prefix, field,
					       "an interval ends after it starts and may not "
					       "cross midnight; split it over two days");
			if (i > 0 && iv->start < prev_end)
				return fail_at(err, "invalid_value", prefix, field,
					       "intervals must be in order and not overlap");
			prev_end = iv->end;
			total++;
		}
	}
	if (total == 0)
		return fail_at(err, "invalid_value", prefix, "hours",
			       "at least one day needs opening hours");
	return 0;
}

int sla_calendar_check_at(const struct sla_calendar *c, const char *prefix,
			  bool files, struct field_error *err)
{
	char field[32];
	int wd, i;

	if (!memchr(c->zone, '\0', sizeof(c->zone)) || !c->zone[0])
		return fail_at(err, "required", prefix, "time_zone", "a time zone is required");
	if (files ? !sla_zone_valid(c->zone) : !sla_zone_syntax_ok(c->zone))
		return fail_at(err, "invalid_value", prefix, "time_zone",
			       "not a time zone of the system's tzdata, such as "
			       "\"Europe/Amsterdam\"");
	if (c->around_the_clock) {
		for (wd = 0; wd < 7; wd++)
			if (c->n_intervals[wd])
				return fail_at(err, "invalid_value", prefix, "hours",
					       "a calendar around the clock has no hours");
		if (c->n_holidays)
			return fail_at(err, "invalid_value", prefix, "holidays",
				       "a calendar around the clock has no holidays");
		return 0;
	}
	if (check_hours(c, prefix, err))
		return DK_ERR_INVALID;
	if (c->n_holidays > SLA_HOLIDAYS_MAX)
		return fail_at(err, "too_long", prefix, "holidays",
			       "at most 256 holidays");
	for (i = 0; i < c->n_holidays; i++) {
		snprintf(field, sizeof(field), "holidays[%d]", i);
		if (c->holidays[i] < SLA_MIN_DAY || c->holidays[i] > SLA_MAX_DAY)
			return fail_at(err, "invalid_value", prefix, field,
				       "a holiday lies between 1970 and 9999");
		if (i > 0 && c->holidays[i] <= c->holidays[i - 1])
			return fail_at(err, "invalid_value", prefix, field,
				       "holidays must be in ascending order without repeats");
	}
	return 0;
}

int sla_calendar_check(const struct sla_calendar *c, struct field_error *err)
{
	if (!c)
		return v_fail(err, "required", "", "a calendar is required");
	return sla_calendar_check_at(c, "", true, err);
}

static void ctx_init(struct ctx *x, const struct sla_calendar *c)
{
	int wd, i;

	x->c = c;
	x->week = 0;
	for (wd = 0; wd < 7; wd++) {
		x->wall[wd] = 0;
		for (i = 0; i < c->n_intervals[wd]; i++)
			x->wall[wd] += (c->hours[wd][i].end - c->hours[wd][i].start) *
				       MS_PER_MIN;
		x->week += x->wall[wd];
	}
}

int64_t sla_calendar_day_ms(const struct sla_calendar *c)
{
	struct ctx x;
	int wd, open_days = 0;

	if (c->around_the_clock)
		return MS_PER_DAY;
	ctx_init(&x, c);
	for (wd = 0; wd < 7; wd++)
		open_days += x.wall[wd] > 0;
	return open_days ? x.week / open_days : 0;
}

/* Index of the first holiday on or after day d. */
static int holiday_from(const struct sla_calendar *c, int32_t d)
{
	int lo = 0, hi = c->n_holidays;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (c->holidays[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool holiday(const struct sla_calendar *c, int32_t d)
{
	int i = holiday_from(c, d);

	return i < c->n_holidays && c->holidays[i] == d;
}

/* UTC ms of minute m of local day d (inside a TZ scope). */
static int64_t at(int32_t d, int m)
{
	return sla_tz_from_wall((int64_t)d * SLA_DAY_S + m * 60) * 1000;
}

/* Open ms of local day d within [lo, hi), exactly. */
static int64_t day_between(const struct ctx *x, int32_t d, int64_t lo, int64_t hi)
{
	int wd = sla_weekday(d), i;
	int64_t sum = 0;

	if (!x->wall[wd] || holiday(x->c, d))
		return 0;
	for (i = 0; i < x->c->n_intervals[wd]; i++) {
		int64_t a = at(d, x->c->hours[wd][i].start);
		int64_t b = at(d, x->c->hours[wd][i].end);

		if (a < lo)
			a = lo;
		if (b > hi)
			b = hi;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

/* Spends *rem on local day d from lo on: true with *out the instant it
 * runs out, else false with *rem reduced by what the day held. */
static bool day_add(const struct ctx *x, int32_t d, int64_t lo, int64_t *rem,
		    int64_t *out)
{
	int wd = sla_weekday(d), i;

	if (!x->wall[wd] || holiday(x->c, d))
		return false;
	for (i = 0; i < x->c->n_intervals[wd]; i++) {
		int64_t a = at(d, x->c->hours[wd][i].start);
		int64_t b = at(d, x->c->hours[wd][i].end);

		if (a < lo)
			a = lo;
		if (b <= a)
			continue;
		if (*rem <= b - a) {
			*out = a + *rem;
			return true;
		}
		*rem -= b - a;
	}
	return false;
}

/* Open ms of the whole local days [d, e), e - d <= 7. */
static int64_t block_ms(const struct ctx *x, int32_t d, int32_t e)
{
	const struct sla_calendar *c = x->c;
	int64_t sum = 0;
	int32_t i;
	int h;

	/* The block's opening hours lie between these two instants (no zone
	 * is more than 14 hours from UTC). The same offset at both ends means
	 * no clock change among them, and the wall clock is the real one. */
	if (sla_tz_offset((int64_t)(d - 1) * SLA_DAY_S) !=
	    sla_tz_offset((int64_t)(e + 1) * SLA_DAY_S)) {
		for (i = d; i < e; i++)
			sum += day_between(x, i, INT64_MIN, INT64_MAX);
		return sum;
	}
	if (e - d == 7)
		sum = x->week;
	else
		for (i = d; i < e; i++)
			sum += x->wall[sla_weekday(i)];
	for (h = holiday_from(c, d); h < c->n_holidays && c->holidays[h] < e; h++)
		sum -= x->wall[sla_weekday(c->holidays[h])];
	return sum;
}

static bool in_range(int64_t t)
{
	return t >= 0 && t <= SLA_TIME_MAX;
}

/* Inside a scope; rem > 0. */
static int64_t add_in_zone(const struct ctx *x, int64_t start, int64_t rem)
{
	int32_t d1 = sla_tz_day(start / 1000), d, e;
	int64_t out, weeks_left, b;

	/* The day before too: its hours may reach past start in the odd zone
	 * that sets its clocks back across midnight. */
	for (d = d1 - 1; d <= d1 + 1; d++)
		if (day_add(x, d, start, &rem, &out))
			return out;
	/* No week holds more than its open time and a day's worth of clock
	 * changes: a target beyond that many weeks before the year 10000 is
	 * hopeless, and saying so now bounds the loop below. */
	d = d1 + 2;
	weeks_left = (SLA_MAX_DAY - d) / 7 + 1;
	if (rem / (x->week + MS_PER_DAY) >= weeks_left)
		return SLA_NEVER;
	for (;;) {
		if (d > SLA_MAX_DAY)
			return SLA_NEVER;
		b = block_ms(x, d, d + 7);
		if (b >= rem)
			break;
		rem -= b;
		d += 7;
	}
	/* The block holds the rest, and day_add counts it as block_ms did. */
	for (e = d + 7; d < e; d++)
		if (day_add(x, d, INT64_MIN, &rem, &out))
			return out;
	return SLA_NEVER;
}

int64_t sla_add_business_ms(const struct sla_calendar *c, int64_t start_ms,
			    int64_t duration_ms)
{
	struct sla_tz_scope scope;
	struct ctx x;
	int64_t out;

	if (!c || sla_calendar_check_at(c, "", false, NULL) || !in_range(start_ms))
		return SLA_NEVER;
	if (duration_ms <= 0)
		return start_ms;
	if (c->around_the_clock)
		return duration_ms > SLA_TIME_MAX - start_ms ? SLA_NEVER : start_ms + duration_ms;
	ctx_init(&x, c);
	if (sla_tz_enter(&scope, c->zone))
		return SLA_NEVER;
	out = add_in_zone(&x, start_ms, duration_ms);
	sla_tz_leave(&scope);
	return out > SLA_TIME_MAX ? SLA_NEVER : out;
}

int64_t sla_business_ms_between(const struct sla_calendar *c, int64_t from_ms,
				int64_t to_ms)
{
	struct sla_tz_scope scope;
	struct ctx x;
	int32_t d1, d2, d, e;
	int64_t sum = 0;

	if (!c || sla_calendar_check_at(c, "", false, NULL) || !in_range(from_ms) ||
	    !in_range(to_ms))
		return DK_ERR_INVALID;
	if (to_ms <= from_ms)
		return 0;
	if (c->around_the_clock)
		return to_ms - from_ms;
	ctx_init(&x, c);
	if (sla_tz_enter(&scope, c->zone))
		return DK_ERR_INVALID;
	d1 = sla_tz_day(from_ms / 1000);
	d2 = sla_tz_day(to_ms / 1000);
	if (d2 - d1 <= 4) {
		for (d = d1 - 1; d <= d2 + 1; d++)
			sum += day_between(&x, d, from_ms, to_ms);
	} else {
		/* Ends exactly (clipped), the days between whole. */
		for (d = d1 - 1; d <= d1 + 1; d++)
			sum += day_between(&x, d, from_ms, to_ms);
		for (d = d1 + 2; d < d2 - 1; d = e) {
			e = d + 7 < d2 - 1 ? d + 7 : d2 - 1;
			sum += block_ms(&x, d, e);
		}
		for (d = d2 - 1; d <= d2 + 1; d++)
			sum += day_between(&x, d, from_ms, to_ms);
	}
	sla_tz_leave(&scope);
	return sum;
}
