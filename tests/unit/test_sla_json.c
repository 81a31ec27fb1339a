/* Calendars and policies as JSON, the presets, and what a day means. */
#include "test_sla.h"

#include "dk_err.h"

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (!v)
		fail_msg("bad test JSON: %s: %s", jerr.text, text);
	return v;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Exported, imported again: the same struct and the same document. */
static void calendar_round_trip(const char *text, bool canonical)
{
	struct sla_calendar a, b;
	struct field_error err = { 0 };
	json_t *doc = load(text), *out, *out2;

	assert_int_equal(sla_calendar_from_json(doc, &a, &err), 0);
	out = sla_calendar_to_json(&a);
	assert_non_null(out);
	if (canonical && !json_equal(doc, out))
		fail_msg("export differs: %s", json_dumps(out, JSON_SORT_KEYS));
	assert_int_equal(sla_calendar_from_json(out, &b, &err), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	out2 = sla_calendar_to_json(&b);
	assert_true(json_equal(out, out2));
	json_decref(doc);
	json_decref(out);
	json_decref(out2);
}

void test_calendar_round_trip(void **state)
{
	struct sla_calendar c;
	json_t *out;

	(void)state;
	calendar_round_trip(OFFICE_NL, true);
	calendar_round_trip("{\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"}", true);
	calendar_round_trip(
		"{\"time_zone\": \"Europe/Stockholm\","
		" \"hours\": {\"mon\": [\"00:00-04:00\", \"08:00-12:00\", \"12:00-17:30\","
		"  \"20:00-24:00\"], \"tue\": [], \"wed\": [\"09:15-09:16\"], \"thu\": [],"
		"  \"fri\": [], \"sat\": [], \"sun\": [\"10:00-14:00\"]},"
		" \"holidays\": [\"1970-01-01\", \"2024-02-29\", \"9999-12-31\"]}", true);
	/* no holidays: written as [] */
	calendar_round_trip(
		"{\"time_zone\": \"Europe/Amsterdam\", \"hours\": {\"mon\": [\"08:30-17:00\"],"
		" \"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}",
		false);
	calendar_round_trip("{\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\","
			    " \"holidays\": []}", false);
	/* the built-in calendars export as their documents */
	sla_calendar_office(&c);
	out = sla_calendar_to_json(&c);
	assert_string_equal(json_string_value(json_object_get(out, "time_zone")),
			    "Europe/Amsterdam");
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(json_object_get(out, "hours"), "fri"), 0)), "08:30-17:00");
	assert_int_equal(json_array_size(json_object_get(json_object_get(out, "hours"), "sat")),
			 0);
	json_decref(out);
}

/* A calendar document with Monday's hours and extra members filled in. */
#define CAL(tz, mon, extra) \
	"{\"time_zone\": " tz ", \"hours\": {\"mon\": " mon ", \"tue\": [\"08:30-17:00\"]," \
	" \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}" extra "}"
#define AMS "\"Europe/Amsterdam\""
#define DAY "[\"08:30-17:00\"]"

static const struct bad_doc {
	const char *doc, *code, *field;
} bad_calendars[] = {
	{ "[]", "invalid_json", "" },
	{ "\"Europe/Amsterdam\"", "invalid_json", "" },
	{ CAL(AMS, DAY, ", \"colour\": \"red\""), "unknown_field", "colour" },
	{ "{\"hours\": \"around_the_clock\"}", "required", "time_zone" },
	{ CAL("null", DAY, ""), "required", "time_zone" },
	{ CAL("\"\"", DAY, ""), "required", "time_zone" },
	{ CAL("5", DAY, ""), "invalid_type", "time_zone" },
	{ CAL("\"Europe/Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", DAY,
	      ""), "too_long", "time_zone" },
	{ CAL("\"Europe/Nowhere\"", DAY, ""), "invalid_value", "time_zone" },
	{ CAL("\"../../../etc/passwd\"", DAY, ""), "invalid_value", "time_zone" },
	{ CAL("\"/etc/localtime\"", DAY, ""), "invalid_value", "time_zone" },
	{ CAL("\"Europe\"", DAY, ""), "invalid_value", "time_zone" },
	{ CAL("\"UTC\\u0000x\"", DAY, ""), "invalid_value", "time_zone" },
	{ "{\"time_zone\": \"UTC\"}", "required", "hours" },
	{ "{\"time_zone\": \"UTC\", \"hours\": 24}", "invalid_type", "hours" },
	{ "{\"time_zone\": \"UTC\", \"hours\": [\"08:00-17:00\"]}", "invalid_type", "hours" },
	{ "{\"time_zone\": \"UTC\", \"hours\": \"always\"}", "invalid_value", "hours" },
	{ "{\"time_zone\": \"UTC\", \"hours\": {\"mon\": []}}", "required", "hours.tue" },
	{ "{\"time_zone\": \"UTC\", \"hours\": {\"fun\": []}}", "unknown_field", "hours.fun" },
	{ CAL(AMS, "\"08:30-17:00\"", ""), "invalid_type", "hours.mon" },
	{ CAL(AMS, "null", ""), "invalid_type", "hours.mon" },
	{ CAL(AMS, "[830]", ""), "invalid_type", "hours.mon[0]" },
	{ CAL(AMS, "[\"8:30-17:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"08:30 - 17:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"08:30-17:60\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"08:30-24:30\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"25:00-26:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"22:00-06:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"08:00-08:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"24:00-24:00\"]", ""), "invalid_value", "hours.mon[0]" },
	{ CAL(AMS, "[\"08:00-12:00\", \"11:00-13:00\"]", ""), "invalid_value", "hours.mon[1]" },
	{ CAL(AMS, "[\"13:00-17:00\", \"08:00-12:00\"]", ""), "invalid_value", "hours.mon[1]" },
	{ CAL(AMS, "[\"01:00-02:00\", \"03:00-04:00\", \"05:00-06:00\", \"07:00-08:00\","
		   " \"09:00-10:00\"]", ""), "too_long", "hours.mon" },
	{ "{\"time_zone\": \"UTC\", \"hours\": {\"mon\": [], \"tue\": [], \"wed\": [],"
	  " \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}", "invalid_value", "hours" },
	{ CAL(AMS, DAY, ", \"holidays\": \"2024-12-25\""), "invalid_type", "holidays" },
	{ CAL(AMS, DAY, ", \"holidays\": null"), "invalid_type", "holidays" },
	{ CAL(AMS, DAY, ", \"holidays\": [20241225]"), "invalid_type", "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"2024-02-30\"]"), "invalid_value", "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"2023-02-29\"]"), "invalid_value", "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"25-12-2024\"]"), "invalid_value", "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"2024-12-25T00:00\"]"), "invalid_value",
	  "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"1969-12-31\"]"), "invalid_value", "holidays[0]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"2024-12-26\", \"2024-12-25\"]"), "invalid_value",
	  "holidays[1]" },
	{ CAL(AMS, DAY, ", \"holidays\": [\"2024-12-25\", \"2024-12-25\"]"), "invalid_value",
	  "holidays[1]" },
	{ "{\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\","
	  " \"holidays\": [\"2024-12-25\"]}", "invalid_value", "holidays" },
};

static void expect_refused(int rc, const struct field_error *err, const char *doc,
			   const char *code, const char *field)
{
	if (rc != DK_ERR_INVALID)
		fail_msg("accepted (%d): %s", rc, doc);
	if (strcmp(err->code, code) || strcmp(err->field, field))
		fail_msg("%s: got %s at \"%s\" (%s), want %s at \"%s\"", doc, err->code,
			 err->field, err->message, code, field);
	assert_true(err->message[0] != '\0');
}

void test_calendar_bad_documents(void **state)
{
	struct sla_calendar c;
	struct field_error err;
	json_t *doc, *list;
	char date[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_calendars) / sizeof(bad_calendars[0]); i++) {
		memset(&err, 0, sizeof(err));
		memset(&c, 0xa5, sizeof(c));
		doc = load(bad_calendars[i].doc);
		expect_refused(sla_calendar_from_json(doc, &c, &err), &err, bad_calendars[i].doc,
			       bad_calendars[i].code, bad_calendars[i].field);
		assert_true(all_zero(&c, sizeof(c)));
		json_decref(doc);
	}
	/* 256 holidays are fine, 257 too many */
	doc = load(OFFICE_NL);
	list = json_array();
	for (i = 0; i < SLA_HOLIDAYS_MAX; i++) {
		snprintf(date, sizeof(date), "2030-%02zu-%02zu", i / 28 + 1, i % 28 + 1);
		json_array_append_new(list, json_string(date));
	}
	json_object_set_new(doc, "holidays", list);
	assert_int_equal(sla_calendar_from_json(doc, &c, &err), 0);
	assert_int_equal(c.n_holidays, SLA_HOLIDAYS_MAX);
	json_array_append_new(list, json_string("2031-01-01"));
	expect_refused(sla_calendar_from_json(doc, &c, &err), &err, "257 holidays",
		       "too_long", "holidays");
	json_decref(doc);
	/* without somewhere for the error */
	doc = load("[]");
	assert_int_equal(sla_calendar_from_json(doc, &c, NULL), DK_ERR_INVALID);
	json_decref(doc);
}

void test_calendar_check(void **state)
{
	struct sla_calendar c, ok;
	struct field_error err;

	(void)state;
	sla_calendar_office(&ok);
	assert_int_equal(sla_calendar_check(&ok, &err), 0);
	sla_calendar_around_the_clock(&c, "Europe/Stockholm");
	assert_int_equal(sla_calendar_check(&c, &err), 0);
	expect_refused(sla_calendar_check(NULL, &err), &err, "NULL", "required", "");
	c = ok;
	c.zone[0] = '\0';
	expect_refused(sla_calendar_check(&c, &err), &err, "no zone", "required", "time_zone");
	c = ok;
	memset(c.zone, 'x', sizeof(c.zone));
	expect_refused(sla_calendar_check(&c, &err), &err, "unterminated zone", "required",
		       "time_zone");
	c = ok;
	c.hours[1][0] = (struct sla_interval){ 600, 500 };
	expect_refused(sla_calendar_check(&c, &err), &err, "backwards", "invalid_value",
		       "hours.tue[0]");
	c = ok;
	c.n_intervals[4] = SLA_DAY_INTERVALS_MAX + 1;
	expect_refused(sla_calendar_check(&c, &err), &err, "too many", "too_long", "hours.fri");
	c = ok;
	c.n_holidays = 2;
	c.holidays[0] = 20000;
	c.holidays[1] = 19999;
	expect_refused(sla_calendar_check(&c, &err), &err, "unordered", "invalid_value",
		       "holidays[1]");
	c = ok;
	c.n_holidays = 1;
	c.holidays[0] = -1;
	expect_refused(sla_calendar_check(&c, &err), &err, "1969", "invalid_value",
		       "holidays[0]");
	c = ok;
	c.around_the_clock = true;
	expect_refused(sla_calendar_check(&c, &err), &err, "both", "invalid_value", "hours");
}

#define POLICY \
	"{\"name\": \"Gold contract\", \"calendar\": " OFFICE_NL "," \
	" \"warning_percent\": 75, \"triage\": \"15m\"," \
	" \"targets\": {\"P1\": {\"first_response\": \"15m\", \"resolution\": \"4h\"}," \
	"  \"P2\": {\"first_response\": \"60m\", \"resolution\": \"1d\"}," \
	"  \"P3\": {\"first_response\": \"1d\", \"resolution\": \"3d\"}," \
	"  \"P4\": {\"first_response\": \"2d\", \"resolution\": \"5d\"}}}"

static void policy_round_trip(const struct sla_policy *p)
{
	struct sla_policy b;
	struct field_error err = { 0 };
	json_t *out = sla_policy_to_json(p), *out2;

	assert_non_null(out);
	if (sla_policy_from_json(out, &b, &err))
		fail_msg("export refused: %s %s %s", err.code, err.field, err.message);
	assert_memory_equal(p, &b, sizeof(b));
	out2 = sla_policy_to_json(&b);
	assert_true(json_equal(out, out2));
	json_decref(out);
	json_decref(out2);
}

void test_policy_round_trip(void **state)
{
	struct sla_policy p;
	struct field_error err = { 0 };
	json_t *doc = load(POLICY), *out;

	(void)state;
	assert_int_equal(sla_policy_from_json(doc, &p, &err), 0);
	assert_string_equal(p.name, "Gold contract");
	assert_int_equal(p.warning_percent, 75);
	assert_int_equal(p.triage.count, 15);
	assert_int_equal(p.triage.unit, 'm');
	assert_int_equal(p.resolution[3].count, 5);
	assert_int_equal(p.resolution[3].unit, 'd');
	assert_int_equal(p.calendar.n_holidays, 4);
	out = sla_policy_to_json(&p);
	assert_true(json_equal(doc, out));
	policy_round_trip(&p);
	json_decref(out);
	json_decref(doc);
	/* the optional members: absent in, default or absent out */
	doc = load("{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"},"
		   " \"targets\": {\"P1\": {\"first_response\": \"1h\", \"resolution\": \"1h\"},"
		   "  \"P2\": {\"first_response\": \"1h\", \"resolution\": \"8760h\"},"
		   "  \"P3\": {\"first_response\": \"1h\", \"resolution\": \"365d\"},"
		   "  \"P4\": {\"first_response\": \"525600m\", \"resolution\": \"365d\"}},"
		   " \"triage\": null}");
	assert_int_equal(sla_policy_from_json(doc, &p, &err), 0);
	assert_int_equal(p.warning_percent, SLA_WARNING_DEFAULT);
	assert_int_equal(p.triage.count, 0);
	assert_int_equal(sla_policy_target_ms(&p, SLA_TRIAGE, 1), 0);
	out = sla_policy_to_json(&p);
	assert_null(json_object_get(out, "name"));
	assert_null(json_object_get(out, "triage"));
	assert_int_equal(json_integer_value(json_object_get(out, "warning_percent")), 80);
	policy_round_trip(&p);
	json_decref(out);
	json_decref(doc);
}

/* The policy document with one target of P1 replaced. */
#define POL(extra, p1) \
	"{\"calendar\": " OFFICE_NL extra "," \
	" \"targets\": {\"P1\": " p1 "," \
	"  \"P2\": {\"first_response\": \"60m\", \"resolution\": \"1d\"}," \
	"  \"P3\": {\"first_response\": \"1d\", \"resolution\": \"3d\"}," \
	"  \"P4\": {\"first_response\": \"2d\", \"resolution\": \"5d\"}}}"
#define P1OK "{\"first_response\": \"15m\", \"resolution\": \"4h\"}"
#define P1RES(r) "{\"first_response\": \"15m\", \"resolution\": " r "}"

static const struct bad_doc bad_policies[] = {
	{ "[1]", "invalid_json", "" },
	{ POL(", \"sla\": 1", P1OK), "unknown_field", "sla" },
	{ "{\"targets\": {}}", "required", "calendar" },
	{ POL(", \"calendar\": 1", P1OK), "invalid_type", "calendar" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\","
	  " \"colour\": 1}}", "unknown_field", "calendar.colour" },
	{ "{\"calendar\": {\"time_zone\": \"Mars/Olympus\", \"hours\": \"around_the_clock\"}}",
	  "invalid_value", "calendar.time_zone" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": {\"mon\": [\"9-5\"]}}}",
	  "invalid_value", "calendar.hours.mon[0]" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"}}",
	  "required", "targets" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"},"
	  " \"targets\": []}", "invalid_type", "targets" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"},"
	  " \"targets\": {\"P1\": " P1OK "}}", "required", "targets.P2" },
	{ "{\"calendar\": {\"time_zone\": \"UTC\", \"hours\": \"around_the_clock\"},"
	  " \"targets\": {\"P5\": " P1OK "}}", "unknown_field", "targets.P5" },
	{ POL("", "{\"first_response\": \"15m\"}"), "required", "targets.P1.resolution" },
	{ POL("", "{\"resolution\": \"4h\"}"), "required", "targets.P1.first_response" },
	{ POL("", "{\"first_response\": \"15m\", \"resolution\": \"4h\", \"triage\": \"5m\"}"),
	  "unknown_field", "targets.P1.triage" },
	{ POL("", "\"4h\""), "invalid_type", "targets.P1" },
	{ POL("", "{\"first_response\": 15, \"resolution\": \"4h\"}"), "invalid_type",
	  "targets.P1.first_response" },
	{ POL("", P1RES("\"4x\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"0h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"04h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"1.5h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"4 h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"-4h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"366d\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"8761h\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"525601m\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"1234567m\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", P1RES("\"\"")), "invalid_value", "targets.P1.resolution" },
	{ POL("", "{\"first_response\": \"5h\", \"resolution\": \"4h\"}"), "invalid_value",
	  "targets.P1.first_response" },
	/* a business day here is 8 h 30 min */
	{ POL("", "{\"first_response\": \"1d\", \"resolution\": \"8h\"}"), "invalid_value",
	  "targets.P1.first_response" },
	{ POL(", \"warning_percent\": \"80\"", P1OK), "invalid_type", "warning_percent" },
	{ POL(", \"warning_percent\": 80.5", P1OK), "invalid_type", "warning_percent" },
	{ POL(", \"warning_percent\": 0", P1OK), "invalid_value", "warning_percent" },
	{ POL(", \"warning_percent\": 100", P1OK), "invalid_value", "warning_percent" },
	{ POL(", \"triage\": 15", P1OK), "invalid_type", "triage" },
	{ POL(", \"triage\": \"15\"", P1OK), "invalid_value", "triage" },
	{ POL(", \"name\": 5", P1OK), "invalid_type", "name" },
	{ POL(", \"name\": \"\"", P1OK), "invalid_value", "name" },
	{ POL(", \"name\": \"a\\nb\"", P1OK), "invalid_text", "name" },
	{ POL(", \"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	      P1OK), "too_long", "name" },
};

void test_policy_bad_documents(void **state)
{
	struct sla_policy p;
	struct field_error err;
	json_t *doc;
	size_t i;

	(void)state;
	/* the base document itself is fine */
	doc = load(POL("", P1OK));
	assert_int_equal(sla_policy_from_json(doc, &p, &err), 0);
	json_decref(doc);
	for (i = 0; i < sizeof(bad_policies) / sizeof(bad_policies[0]); i++) {
		memset(&err, 0, sizeof(err));
		memset(&p, 0x5a, sizeof(p));
		doc = load(bad_policies[i].doc);
		expect_refused(sla_policy_from_json(doc, &p, &err), &err, bad_policies[i].doc,
			       bad_policies[i].code, bad_policies[i].field);
		assert_true(all_zero(&p, sizeof(p)));
		json_decref(doc);
	}
}

void test_presets(void **state)
{
	struct sla_policy p;
	struct sla_calendar c;
	int64_t day = 8 * HOUR_MS + 30 * MIN_MS; /* Mon-Fri 08:30-17:00 */

	(void)state;
	assert_string_equal(sla_preset_name(0), "standard");
	assert_string_equal(sla_preset_name(1), "fast");
	assert_null(sla_preset_name(2));

	assert_int_equal(sla_policy_preset("standard", NULL, &p), 0);
	assert_string_equal(p.name, "standard");
	assert_string_equal(p.calendar.zone, "Europe/Amsterdam");
	assert_int_equal(p.warning_percent, 80);
	assert_int_equal(sla_policy_target_ms(&p, SLA_TRIAGE, 0), 15 * MIN_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 1), 4 * HOUR_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 2), day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 3), 3 * day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 4), 5 * day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 1), HOUR_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 2), 4 * HOUR_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 3), day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 4), 2 * day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 0), 0);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 5), 0);
	assert_int_equal(sla_calendar_check(&p.calendar, NULL), 0);
	policy_round_trip(&p);
	/* P2 "1 day" from Tue 2024-03-05 10:00 CET: Wed 10:00 */
	assert_int_equal(sla_add_business_ms(&p.calendar, wall(2024, 3, 5, 10, 0, 1),
					     sla_policy_target_ms(&p, SLA_RESOLUTION, 2)),
			 wall(2024, 3, 6, 10, 0, 1));

	assert_int_equal(sla_policy_preset("fast", NULL, &p), 0);
	assert_string_equal(p.name, "fast");
	assert_int_equal(sla_policy_target_ms(&p, SLA_TRIAGE, 0), 15 * MIN_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 1), 15 * MIN_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 2), 60 * MIN_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 3), day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_FIRST_RESPONSE, 4), 2 * day);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 1), 4 * HOUR_MS);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 4), 5 * day);
	policy_round_trip(&p);

	/* on another calendar, a day is that calendar's day */
	sla_calendar_around_the_clock(&c, "UTC");
	assert_int_equal(sla_policy_preset("fast", &c, &p), 0);
	assert_true(p.calendar.around_the_clock);
	assert_int_equal(sla_policy_target_ms(&p, SLA_RESOLUTION, 2), 24 * HOUR_MS);
	policy_round_trip(&p);

	memset(&p, 0x11, sizeof(p));
	assert_int_equal(sla_policy_preset("gold", NULL, &p), DK_ERR_NOTFOUND);
	assert_true(all_zero(&p, sizeof(p)));
	assert_int_equal(sla_policy_preset(NULL, NULL, &p), DK_ERR_NOTFOUND);
}

void test_day_length(void **state)
{
	struct sla_calendar c;

	(void)state;
	c = cal_from(OFFICE_NL);
	assert_int_equal(sla_calendar_day_ms(&c), 8 * HOUR_MS + 30 * MIN_MS);
	/* four long days and a short Friday: 40 h over 5 days */
	c = cal_from("{\"time_zone\": \"Europe/Stockholm\", \"hours\": {"
		     " \"mon\": [\"08:00-17:00\"], \"tue\": [\"08:00-17:00\"],"
		     " \"wed\": [\"08:00-17:00\"], \"thu\": [\"08:00-17:00\"],"
		     " \"fri\": [\"08:00-12:00\"], \"sat\": [], \"sun\": []}}");
	assert_int_equal(sla_calendar_day_ms(&c), 8 * HOUR_MS);
	/* lunch breaks do not count */
	c = cal_from("{\"time_zone\": \"UTC\", \"hours\": {"
		     " \"mon\": [\"08:00-12:00\", \"13:00-17:00\"], \"tue\": [],"
		     " \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}");
	assert_int_equal(sla_calendar_day_ms(&c), 8 * HOUR_MS);
	sla_calendar_around_the_clock(&c, "UTC");
	assert_int_equal(sla_calendar_day_ms(&c), 24 * HOUR_MS);
	memset(&c, 0, sizeof(c));
	assert_int_equal(sla_calendar_day_ms(&c), 0);
}
