/*
 * Service level arithmetic: business-hours calendars, SLA policies and the
 * clock of one ticket's target. Pure functions: nothing here stores, logs
 * or arms a timer; the engine in daemon/ does that with what these return.
 * docs/SLA.md describes the rules and the JSON formats.
 *
 * Times are UTC milliseconds since 1970 in [0, SLA_TIME_MAX]; durations are
 * milliseconds of business time, the time during which the calendar is
 * open. SLA_NEVER stands for "no such instant".
 *
 * Time zones. Local time comes from glibc and the system's tzdata (Debian
 * package tzdata): while a function that takes a calendar runs, it points
 * the TZ environment variable at the calendar's zone file, calls tzset(),
 * and puts the previous value back (or removes TZ when there was none)
 * before it returns. Nothing is cached between calls. Because TZ is process
 * wide, these functions are for deskd's one loop thread only: no other
 * thread may call getenv/setenv, localtime, mktime or strftime while they
 * run (the password-hashing workers do none of these).
 *
 * Structs here are plain values with no pointers: copy them, compare them
 * with memcmp after zeroing, free nothing.
 */
#ifndef DESKD_SLA_H
#define DESKD_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct field_error; /* validate.h */

#define SLA_NEVER INT64_MAX
#define SLA_TIME_MAX INT64_C(253402300799999) /* 9999-12-31T23:59:59.999Z */

#define SLA_ZONE_MAX 64          /* bytes of an IANA zone name */
#define SLA_NAME_MAX 64          /* bytes of a policy name */
#define SLA_DAY_INTERVALS_MAX 4  /* opening intervals per weekday */
#define SLA_HOLIDAYS_MAX 256
#define SLA_WARNING_DEFAULT 80   /* percent of a target that warns */
#define SLA_PRIORITIES 4         /* P1..P4 */

/* ---- time zones --------------------------------------------------------- */

/*
 * True when zone names a time zone of the system tzdata: 1..SLA_ZONE_MAX
 * bytes of letters, digits and "_+-./", no "..", no leading, trailing or
 * doubled "/", not under "right/" (leap-second clocks) nor "localtime" or
 * "posixrules", and a TZif file under /usr/share/zoneinfo.
 */
bool sla_zone_valid(const char *zone);

/* A wall-clock moment in some zone. */
struct sla_local {
	int year, month, day;      /* month 1..12, day 1..31 */
	int hour, minute, second;
	int weekday;               /* 0 Monday .. 6 Sunday */
	int32_t utc_offset_s;      /* local minus UTC, seconds */
	bool dst;
};

/* utc_ms as wall-clock time in zone: 0, or DK_ERR_INVALID for a bad zone
 * or a time outside [0, SLA_TIME_MAX]. */
int sla_time_to_local(const char *zone, int64_t utc_ms, struct sla_local *out);
/*
 * The UTC instant of wall-clock time year-month-day hour:minute in zone.
 * A time that occurs twice (clocks set back) is its first occurrence; one
 * that never occurs (clocks set forward) is the moment the clocks jump.
 * 0 and *utc_ms, or DK_ERR_INVALID for a bad zone or date.
 */
int sla_time_from_local(const char *zone, int year, int month, int day,
			int hour, int minute, int64_t *utc_ms);

/* ---- calendars ----------------------------------------------------------- */

/* Minutes after local midnight, start < end <= 1440: an interval never
 * crosses midnight (split it over two days). */
struct sla_interval {
	uint16_t start, end;
};

struct sla_calendar {
	char zone[SLA_ZONE_MAX + 1];
	bool around_the_clock;       /* every moment counts; hours and
				      * holidays are unused */
	uint8_t n_intervals[7];      /* per weekday, 0 Monday .. 6 Sunday */
	struct sla_interval hours[7][SLA_DAY_INTERVALS_MAX]; /* ascending,
							      * not overlapping */
	uint16_t n_holidays;
	int32_t holidays[SLA_HOLIDAYS_MAX]; /* local dates as days since
					     * 1970-01-01, ascending, unique */
};

/* Monday to Friday 08:30-17:00 in Europe/Amsterdam, no holidays: the
 * calendar of the presets. */
void sla_calendar_office(struct sla_calendar *out);
/* Around the clock in zone (copied, cut to SLA_ZONE_MAX bytes). */
void sla_calendar_around_the_clock(struct sla_calendar *out, const char *zone);

/* Checks a calendar built in code as strictly as the import does: 0, or
 * DK_ERR_INVALID with err (may be NULL) naming the field as the import
 * would ("time_zone", "hours.tue[1]", "holidays[3]"). */
int sla_calendar_check(const struct sla_calendar *c, struct field_error *err);

/* Business time of one open day: 24 h around the clock, else the week's
 * open time divided by the number of weekdays that have hours (8 h 30 min
 * for Monday to Friday 08:30-17:00). This is what "1d" means in a target.
 * 0 for a calendar with no hours. */
int64_t sla_calendar_day_ms(const struct sla_calendar *c);

/*
 * JSON form (docs/SLA.md):
 *   {"time_zone": "Europe/Amsterdam",
 *    "hours": {"mon": ["08:30-12:00", "13:00-17:00"], "tue": [...], ...,
 *              "sun": []},
 *    "holidays": ["2024-12-25", "2024-12-26"]}
 * or {"time_zone": "UTC", "hours": "around_the_clock"}.
 * All seven days are required; times are "HH:MM-HH:MM" with "24:00" as the
 * only end past 23:59; intervals ascend without overlap; holidays ascend
 * without repeats and are optional. Unknown keys are refused.
 * 0 and *out, or DK_ERR_INVALID with *out zeroed and err naming the field.
 */
int sla_calendar_from_json(const json_t *doc, struct sla_calendar *out,
			   struct field_error *err);
/* The canonical form, "holidays" always written for a weekly calendar;
 * importing it gives back an equal calendar. New reference; NULL when out
 * of memory. */
json_t *sla_calendar_to_json(const struct sla_calendar *c);

/* ---- business-time arithmetic ------------------------------------------- */

/*
 * The instant at which duration_ms of business time has elapsed from
 * start_ms. Counting starts at start_ms when the calendar is open then,
 * else at its next opening; a result at the end of an open interval is
 * that closing time, not the next opening. A duration <= 0 gives start_ms.
 * SLA_NEVER when the calendar is not valid, start_ms is out of range or the
 * result would lie past SLA_TIME_MAX.
 */
int64_t sla_add_business_ms(const struct sla_calendar *c, int64_t start_ms,
			    int64_t duration_ms);
/* Business time in [from_ms, to_ms): 0 when to_ms <= from_ms, or a
 * negative DK_ERR_INVALID for an invalid calendar or a time out of range.
 * sla_business_ms_between(c, s, sla_add_business_ms(c, s, d)) == d. */
int64_t sla_business_ms_between(const struct sla_calendar *c, int64_t from_ms,
				int64_t to_ms);

/* ---- policies ------------------------------------------------------------ */

enum sla_kind {
	SLA_FIRST_RESPONSE = 0,  /* stops at the first public agent reply */
	SLA_RESOLUTION = 1,      /* stops at resolved, resumes on reopen */
	SLA_TRIAGE = 2           /* priority assessed; one for all priorities */
};

/* A target as written: count and unit, "90m", "4h", "3d". A day is the
 * calendar's business day (sla_calendar_day_ms). count 0: no target. */
struct sla_duration {
	uint32_t count;
	char unit;               /* 'm', 'h' or 'd' */
};

struct sla_policy {
	char name[SLA_NAME_MAX + 1];  /* "" when unnamed */
	struct sla_calendar calendar;
	uint8_t warning_percent;      /* 1..99 */
	struct sla_duration triage;   /* optional */
	struct sla_duration first_response[SLA_PRIORITIES]; /* [0] is P1 */
	struct sla_duration resolution[SLA_PRIORITIES];
};

/* The target in business ms on calendar c; 0 for no target or a bad one. */
int64_t sla_duration_ms(const struct sla_duration *d, const struct sla_calendar *c);
/* Target of kind for priority 1..4 (ignored for SLA_TRIAGE): business ms,
 * or 0 when the policy has none or the arguments are out of range. */
int64_t sla_policy_target_ms(const struct sla_policy *p, enum sla_kind kind,
			     uint8_t priority);

/*
 * The presets, on calendar cal (NULL: sla_calendar_office):
 *   "standard": resolution P1 4h, P2 1d, P3 3d, P4 5d;
 *               first response P1 1h, P2 4h, P3 1d, P4 2d;
 *   "fast":     first response P1 15m, P2 60m, P3 1d, P4 2d;
 *               resolution P1 4h, P2 1d, P3 3d, P4 5d;
 * both with a 15-minute triage target and an 80 % warning.
 * 0 and *out, or DK_ERR_NOTFOUND for another name (*out zeroed).
 */
int sla_policy_preset(const char *name, const struct sla_calendar *cal,
		      struct sla_policy *out);
/* Preset names in order, i from 0; NULL past the last. Static strings. */
const char *sla_preset_name(size_t i);

/*
 * JSON form:
 *   {"name": "standard", "calendar": {...}, "warning_percent": 80,
 *    "triage": "15m",
 *    "targets": {"P1": {"first_response": "1h", "resolution": "4h"}, ...,
 *                "P4": {...}}}
 * "name", "warning_percent" (default 80) and "triage" are optional, the rest
 * required. Durations are 1 to 525600 minutes ("m"), 8760 hours ("h") or
 * 365 days ("d"); a first response target may not exceed its resolution
 * target. 0 and *out, or DK_ERR_INVALID with *out zeroed and err naming
 * the field ("targets.P2.resolution", "calendar.hours.mon[0]").
 */
int sla_policy_from_json(const json_t *doc, struct sla_policy *out,
			 struct field_error *err);
/* Canonical form, "warning_percent" always written; importing it gives back
 * an equal policy. New reference; NULL when out of memory. */
json_t *sla_policy_to_json(const struct sla_policy *p);

/* ---- clocks -------------------------------------------------------------- */

enum sla_clock_run {
	SLA_CLOCK_OFF = 0,       /* never started */
	SLA_CLOCK_RUNNING = 1,
	SLA_CLOCK_PAUSED = 2,    /* ticket waits for someone else */
	SLA_CLOCK_STOPPED = 3    /* answered, or resolved */
};

/*
 * One target of one ticket. consumed_ms is the business time used before
 * started_ms; while running, more accrues from started_ms on. warning_ms
 * and due_ms are the instants at which the warning share and the whole
 * target are used up: in the future while running and not yet reached,
 * SLA_NEVER while paused or stopped before reaching them, and once reached
 * the instant it happened (kept through pauses, stops and reopens). They
 * are what the engine indexes as deadlines.
 */
struct sla_clock {
	int64_t target_ms;
	int64_t consumed_ms;
	int64_t started_ms;      /* start of the current running stretch */
	int64_t stopped_ms;      /* when it stopped; 0 unless stopped */
	int64_t warning_ms;
	int64_t due_ms;
	uint8_t run;             /* enum sla_clock_run */
	uint8_t warning_percent; /* 1..99 */
};

/*
 * Transitions; each returns 0, DK_ERR_INVALID for a bad calendar, target or
 * percent, or DK_ERR_CONFLICT when the clock was never started. Calls that
 * would not change the state are accepted and change nothing: pause of a
 * paused or stopped clock, resume of a running or stopped one, stop of a
 * stopped one, reopen of a running or paused one. A ticket created in a
 * waiting status is started and paused at the same instant.
 */
/* Starts running at now_ms (from any state: the clock is reset). */
int sla_clock_start(struct sla_clock *k, const struct sla_calendar *c,
		    int64_t target_ms, unsigned warning_percent, int64_t now_ms);
/* The ticket waits: the stretch's business time is added to consumed_ms. */
int sla_clock_pause(struct sla_clock *k, const struct sla_calendar *c, int64_t now_ms);
/* The wait is over: runs again from now_ms. */
int sla_clock_resume(struct sla_clock *k, const struct sla_calendar *c, int64_t now_ms);
/* Answered (first response) or resolved (resolution); from running or paused. */
int sla_clock_stop(struct sla_clock *k, const struct sla_calendar *c, int64_t now_ms);
/* A resolved ticket reopens: runs on from what it had consumed. */
int sla_clock_reopen(struct sla_clock *k, const struct sla_calendar *c, int64_t now_ms);
/* Priority changed: same consumed time against target_ms; the due and
 * warning instants follow. A threshold already passed before the current
 * stretch keeps its instant when it had one, else becomes now_ms. */
int sla_clock_retarget(struct sla_clock *k, const struct sla_calendar *c,
		       int64_t target_ms, int64_t now_ms);

struct sla_clock_view {
	int64_t consumed_ms;     /* business time used up to now */
	int64_t remaining_ms;    /* target - consumed; negative: overdue by */
	bool warning;            /* now >= warning_ms */
	bool breached;           /* now >= due_ms: the target is used up */
	int64_t warning_ms;      /* as in the clock */
	int64_t due_ms;
};

/* The clock at now_ms: 0 and *out, or DK_ERR_INVALID for a bad calendar
 * (*out zeroed, instants SLA_NEVER). A clock that never started is all
 * zero with SLA_NEVER instants. */
int sla_clock_state(const struct sla_clock *k, const struct sla_calendar *c,
		    int64_t now_ms, struct sla_clock_view *out);

#endif
