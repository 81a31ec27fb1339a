/*
 * Shared by the sla_*.c files of proto/; nothing outside proto/ includes it.
 */
#ifndef DESKD_SLA_INT_H
#define DESKD_SLA_INT_H

#ifndef DESKD_SLA_INTERNAL
#error "sla_int.h is private to proto/sla_*.c"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sla.h"

#define SLA_DAY_S 86400
#define SLA_MIN_DAY 0                 /* 1970-01-01 */
#define SLA_MAX_DAY 2932896           /* 9999-12-31 */
/* The zone a calculation works in (per thread; scopes nest). */
struct sla_tz_scope {
	bool active;
	struct _GTimeZone *prev; /* the scope this one is inside; NULL: none */
};

/* Makes zone's file under /usr/share/zoneinfo the zone of the functions
 * below, in this thread. The zone is checked for syntax only (the import
 * checked the file). 0, or DK_ERR_INVALID for a bad name or a file that is
 * no zone. The environment (TZ) is never touched. */
int sla_tz_enter(struct sla_tz_scope *s, const char *zone);
/* Back to the enclosing scope; no-op when enter failed or was not called. */
void sla_tz_leave(struct sla_tz_scope *s);

/* Inside a scope: offset of local time from UTC at utc_s, in seconds. */
int32_t sla_tz_offset(int64_t utc_s);
/* Inside a scope: the local date (days since 1970-01-01) of utc_s. */
int32_t sla_tz_day(int64_t utc_s);
/* Inside a scope: the UTC second of wall-clock second local_s (local
 * date * 86400 + seconds of day); first occurrence when repeated, the jump
 * when skipped, so that it never decreases as local_s grows. */
int64_t sla_tz_from_wall(int64_t local_s);

/* Syntax of a zone name, without looking at the file system. */
bool sla_zone_syntax_ok(const char *zone);

/* Proleptic Gregorian calendar. */
int32_t sla_days_from_civil(int y, int m, int d);
void sla_civil_from_days(int32_t days, int *y, int *m, int *d);
/* 0 Monday .. 6 Sunday */
int sla_weekday(int32_t days);
/* Strict "YYYY-MM-DD" (years 1970..9999): 0 and *days, or -1. */
int sla_date_parse(const char *s, int32_t *days);

/* Three-letter day keys "mon".."sun". */
extern const char *const sla_day_keys[7];

/* sla_calendar_check with every field name prefixed by prefix ("" or
 * "calendar."); files false skips the look at the zone file, for the
 * arithmetic, which only needs a calendar that cannot make it loop. */
int sla_calendar_check_at(const struct sla_calendar *c, const char *prefix,
			  bool files, struct field_error *err);

/* Durations "90m", "4h", "3d": 0 and *out, or -1. */
int sla_duration_parse(const char *s, struct sla_duration *out);
/* "90m" into buf (size >= 16). */
void sla_duration_format(const struct sla_duration *d, char *buf, size_t size);

#endif
