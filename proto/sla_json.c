/*
 * Calendars and policies as JSON: strict import with field-level errors,
 * and the canonical export that imports back to the same struct.
 *
 * The import reads shapes and formats here and leaves the rules on values
 * (interval order, holiday order, the zone file) to sla_calendar_check_at,
 * so a calendar built in code meets the same rules with the same field
 * names.
 */
#include <stdio.h>
#include <string.h>

#include "dk_err.h"
#include "validate.h"
#include "validate_int.h"
#define DESKD_SLA_INTERNAL
#include "sla_int.h"

static const char *const calendar_keys[] = { "time_zone", "hours", "holidays", NULL };
static const char *const policy_keys[] = {
	"name", "calendar", "warning_percent", "triage", "targets", NULL
};
static const char *const day_keys[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL
};
static const char *const priority_keys[] = { "P1", "P2", "P3", "P4", NULL };
static const char *const target_keys[] = { "first_response", "resolution", NULL };

/* "HH:MM" at s: minutes, or -1. Hours up to 24; the range is checked later. */
static int clock_parse(const char *s)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static int interval_parse(const char *s, size_t len, struct sla_interval *out)
{
	int a, b;

	if (len != 11 || s[5] != '-')
		return -1;
	a = clock_parse(s);
	b = clock_parse(s + 6);
	if (a < 0 || b < 0)
		return -1;
	out->start = (uint16_t)a;
	out->end = (uint16_t)b;
	return 0;
}

static int read_day(const json_t *list, const char *field, struct sla_interval *out,
		    uint8_t *n, struct field_error *err)
{
	char path[96];
	size_t i;
	json_t *v;

	if (!json_is_array(list))
		return v_fail(err, "invalid_type", field,
			      "a day's hours are a list such as [\"08:30-17:00\"]");
	if (json_array_size(list) > SLA_DAY_INTERVALS_MAX)
		return v_fail(err, "too_long", field, "a day has at most %d opening intervals",
			      SLA_DAY_INTERVALS_MAX);
	json_array_foreach(list, i, v) {
		snprintf(path, sizeof(path), "%.48s[%zu]", field, i);
		if (!json_is_string(v))
			return v_fail(err, "invalid_type", path,
				      "opening hours are a string \"HH:MM-HH:MM\"");
		if (interval_parse(json_string_value(v), json_string_length(v), &out[i]))
			return v_fail(err, "invalid_value", path,
				      "opening hours are written \"HH:MM-HH:MM\", "
				      "such as \"08:30-17:00\"");
	}
	*n = (uint8_t)json_array_size(list);
	return 0;
}

static int read_hours(const json_t *hours, const char *prefix, struct sla_calendar *out,
		      struct field_error *err)
{
	char field[96];
	json_t *list;
	int wd, rc;

	snprintf(field, sizeof(field), "%shours", prefix);
	if (!hours || json_is_null(hours))
		return v_fail(err, "required", field, "opening hours are required");
	if (json_is_string(hours)) {
		if (strcmp(json_string_value(hours), "around_the_clock") != 0)
			return v_fail(err, "invalid_value", field,
				      "hours are \"around_the_clock\" or one list per weekday");
		out->around_the_clock = true;
		return 0;
	}
	if (!json_is_object(hours))
		return v_fail(err, "invalid_type", field,
			      "hours are \"around_the_clock\" or one list per weekday");
	if ((rc = v_check_keys(hours, field, day_keys, "the document", err)))
		return rc;
	for (wd = 0; wd < 7; wd++) {
		snprintf(field, sizeof(field), "%shours.%s", prefix, day_keys[wd]);
		list = json_object_get(hours, day_keys[wd]);
		if (!list)
			return v_fail(err, "required", field,
				      "every day is listed; [] when closed");
		if ((rc = read_day(list, field, out->hours[wd], &out->n_intervals[wd], err)))
			return rc;
	}
	return 0;
}

static int read_holidays(const json_t *list, const char *prefix,
			 struct sla_calendar *out, struct field_error *err)
{
	char field[96];
	size_t i;
	json_t *v;

	snprintf(field, sizeof(field), "%sholidays", prefix);
	if (!list)
		return 0;
	if (!json_is_array(list))
		return v_fail(err, "invalid_type", field,
			      "holidays are a list of dates \"YYYY-MM-DD\"");
	if (json_array_size(list) > SLA_HOLIDAYS_MAX)
		return v_fail(err, "too_long", field, "at most %d holidays", SLA_HOLIDAYS_MAX);
	json_array_foreach(list, i, v) {
		snprintf(field, sizeof(field), "%sholidays[%zu]", prefix, i);
		if (!json_is_string(v))
			return v_fail(err, "invalid_type", field,
				      "a holiday is a date string \"YYYY-MM-DD\"");
		if (strlen(json_string_value(v)) != json_string_length(v) ||
		    sla_date_parse(json_string_value(v), &out->holidays[i]))
			return v_fail(err, "invalid_value", field,
				      "a holiday is a date \"YYYY-MM-DD\" from 1970 on");
	}
	out->n_holidays = (uint16_t)json_array_size(list);
	return 0;
}

/* prefix: "" for a document of its own, "calendar." inside a policy. */
static int calendar_read(const json_t *doc, const char *prefix, struct sla_calendar *out,
			 struct field_error *err)
{
	char field[96];
	const json_t *tz;
	size_t len;
	int rc;

	snprintf(field, sizeof(field), "%.*s", *prefix ? (int)strlen(prefix) - 1 : 0, prefix);
	if ((rc = v_check_keys(doc, field, calendar_keys, "the document", err)))
		return rc;
	snprintf(field, sizeof(field), "%stime_zone", prefix);
	tz = json_object_get(doc, "time_zone");
	if (!tz || json_is_null(tz))
		return v_fail(err, "required", field, "a time zone is required");
	if (!json_is_string(tz))
		return v_fail(err, "invalid_type", field,
			      "the time zone is a name such as \"Europe/Amsterdam\"");
	len = json_string_length(tz);
	if (len == 0)
		return v_fail(err, "required", field, "a time zone is required");
	if (len > SLA_ZONE_MAX)
		return v_fail(err, "too_long", field, "a time zone name is at most %d bytes",
			      SLA_ZONE_MAX);
	if (strlen(json_string_value(tz)) != len)
		return v_fail(err, "invalid_value", field, "not a time zone name");
	memcpy(out->zone, json_string_value(tz), len + 1);
	if ((rc = read_hours(json_object_get(doc, "hours"), prefix, out, err)))
		return rc;
	if ((rc = read_holidays(json_object_get(doc, "holidays"), prefix, out, err)))
		return rc;
	return sla_calendar_check_at(out, prefix, true, err);
}

int sla_calendar_from_json(const json_t *doc, struct sla_calendar *out,
			   struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = calendar_read(doc, "", out, err)))
		memset(out, 0, sizeof(*out));
	return rc;
}

static json_t *hours_json(const struct sla_calendar *c)
{
	json_t *o = json_object(), *list;
	char buf[16];
	int wd, i;

	for (wd = 0; o && wd < 7; wd++) {
		list = json_array();
		for (i = 0; list && i < c->n_intervals[wd]; i++) {
			const struct sla_interval *iv = &c->hours[wd][i];

			snprintf(buf, sizeof(buf), "%02d:%02d-%02d:%02d",
				 iv->start / 60, iv->start % 60, iv->end / 60, iv->end % 60);
			if (json_array_append_new(list, json_string(buf))) {
				json_decref(list);
				list = NULL;
			}
		}
		if (json_object_set_new(o, day_keys[wd], list)) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static json_t *holidays_json(const struct sla_calendar *c)
{
	json_t *list = json_array();
	char buf[16];
	int i, y, m, d;

	for (i = 0; list && i < c->n_holidays; i++) {
		sla_civil_from_days(c->holidays[i], &y, &m, &d);
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		if (json_array_append_new(list, json_string(buf))) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

json_t *sla_calendar_to_json(const struct sla_calendar *c)
{
	json_t *o = json_object();

	if (!o || json_object_set_new(o, "time_zone", json_string(c->zone)))
		goto fail;
	if (c->around_the_clock) {
		if (json_object_set_new(o, "hours", json_string("around_the_clock")))
			goto fail;
		return o;
	}
	if (json_object_set_new(o, "hours", hours_json(c)) ||
	    json_object_set_new(o, "holidays", holidays_json(c)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* ---- policies ------------------------------------------------------------- */

static int read_duration(const json_t *obj, const char *key, const char *field,
			 bool required, struct sla_duration *out, struct field_error *err)
{
	const json_t *v = json_object_get(obj, key);

	memset(out, 0, sizeof(*out));
	if (!v || json_is_null(v)) {
		if (required)
			return v_fail(err, "required", field, "a target is required");
		return 0;
	}
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", field,
			      "a target is a string such as \"90m\", \"4h\" or \"3d\"");
	if (strlen(json_string_value(v)) != json_string_length(v) ||
	    sla_duration_parse(json_string_value(v), out))
		return v_fail(err, "invalid_value", field,
			      "a target is a whole number of minutes (\"90m\", at most "
			      "525600), hours (\"4h\", at most 8760) or business days "
			      "(\"3d\", at most 365)");
	return 0;
}

static int read_name(const json_t *v, struct sla_policy *out, struct field_error *err)
{
	const char *s;
	size_t len, i;

	if (!v)
		return 0;
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", "name", "the name is a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0)
		return v_fail(err, "invalid_value", "name",
			      "the name may not be empty; leave it out instead");
	if (len > SLA_NAME_MAX)
		return v_fail(err, "too_long", "name", "the name is at most %d bytes",
			      SLA_NAME_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return v_fail(err, "invalid_text", "name",
				      "the name may not hold control characters");
	memcpy(out->name, s, len + 1);
	return 0;
}

static int read_percent(const json_t *v, struct sla_policy *out, struct field_error *err)
{
	json_int_t n;

	out->warning_percent = SLA_WARNING_DEFAULT;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return v_fail(err, "invalid_type", "warning_percent",
			      "the warning share is a whole number of percent");
	n = json_integer_value(v);
	if (n < 1 || n > 99)
		return v_fail(err, "invalid_value", "warning_percent",
			      "the warning share is 1 to 99 percent");
	out->warning_percent = (uint8_t)n;
	return 0;
}

static int read_targets(const json_t *targets, struct sla_policy *out,
			struct field_error *err)
{
	char field[96];
	const json_t *t;
	int p, rc;

	if (!targets || json_is_null(targets))
		return v_fail(err, "required", "targets", "targets are required");
	if ((rc = v_check_keys(targets, "targets", priority_keys, "the document", err)))
		return rc;
	for (p = 0; p < SLA_PRIORITIES; p++) {
		snprintf(field, sizeof(field), "targets.%s", priority_keys[p]);
		t = json_object_get(targets, priority_keys[p]);
		if (!t)
			return v_fail(err, "required", field,
				      "targets for every priority are required");
		if ((rc = v_check_keys(t, field, target_keys, "the document", err)))
			return rc;
		snprintf(field, sizeof(field), "targets.%s.first_response", priority_keys[p]);
		if ((rc = read_duration(t, "first_response", field, true,
					&out->first_response[p], err)))
			return rc;
		snprintf(field, sizeof(field), "targets.%s.resolution", priority_keys[p]);
		if ((rc = read_duration(t, "resolution", field, true,
					&out->resolution[p], err)))
			return rc;
		snprintf(field, sizeof(field), "targets.%s.first_response", priority_keys[p]);
		if (sla_duration_ms(&out->first_response[p], &out->calendar) >
		    sla_duration_ms(&out->resolution[p], &out->calendar))
			return v_fail(err, "invalid_value", field,
				      "the first response target may not be longer "
				      "than the resolution target");
	}
	return 0;
}

static int policy_read(const json_t *doc, struct sla_policy *out, struct field_error *err)
{
	const json_t *cal;
	int rc;

	if ((rc = v_check_keys(doc, "", policy_keys, "the document", err)))
		return rc;
	if ((rc = read_name(json_object_get(doc, "name"), out, err)))
		return rc;
	cal = json_object_get(doc, "calendar");
	if (!cal || json_is_null(cal))
		return v_fail(err, "required", "calendar", "a calendar is required");
	if ((rc = calendar_read(cal, "calendar.", &out->calendar, err)))
		return rc;
	if ((rc = read_percent(json_object_get(doc, "warning_percent"), out, err)))
		return rc;
	if ((rc = read_duration(doc, "triage", "triage", false, &out->triage, err)))
		return rc;
	return read_targets(json_object_get(doc, "targets"), out, err);
}

int sla_policy_from_json(const json_t *doc, struct sla_policy *out,
			 struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = policy_read(doc, out, err)))
		memset(out, 0, sizeof(*out));
	return rc;
}

static json_t *duration_json(const struct sla_duration *d)
{
	char buf[16];

	sla_duration_format(d, buf, sizeof(buf));
	return json_string(buf);
}

json_t *sla_policy_to_json(const struct sla_policy *p)
{
	json_t *o = json_object(), *targets = NULL, *t;
	int i;

	if (!o)
		return NULL;
	if (p->name[0] && json_object_set_new(o, "name", json_string(p->name)))
		goto fail;
	if (json_object_set_new(o, "calendar", sla_calendar_to_json(&p->calendar)) ||
	    json_object_set_new(o, "warning_percent", json_integer(p->warning_percent)))
		goto fail;
	if (p->triage.count && json_object_set_new(o, "triage", duration_json(&p->triage)))
		goto fail;
	targets = json_object();
	if (json_object_set_new(o, "targets", targets))
		goto fail;
	for (i = 0; i < SLA_PRIORITIES; i++) {
		t = json_object();
		if (json_object_set_new(targets, priority_keys[i], t) ||
		    json_object_set_new(t, "first_response",
					duration_json(&p->first_response[i])) ||
		    json_object_set_new(t, "resolution", duration_json(&p->resolution[i])))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}
