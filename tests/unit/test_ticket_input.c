/* Ticket request bodies (ticket_input.h): the catalogue form of a new
 * ticket, sharing, agents' fields, and the parsers of comments, actions,
 * time, participants, links and redactions. The older create, patch and
 * comment cases are in test_validate.c. */
#include "test.h"

#include "dk_err.h"
#include "ticket_input.h"
#include "validate.h"

/* Limits as documented for the API, written out rather than taken from
 * the code under test. */
#define CODE_MAX 64     /* identifier-like values */
#define REF_MAX 48      /* a ticket reference */

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (!v)
		fail_msg("bad test JSON: %s: %s", text, jerr.text);
	return v;
}

/* Parses text with fn and checks the field error and that the output was
 * left zeroed. */
#define PARSE_FAILS(fn, type, text, want_code, want_field)                   \
	do {                                                                 \
		type out_, zero_;                                            \
		struct field_error err_;                                     \
		json_t *body_ = parse(text);                                 \
		memset(&zero_, 0, sizeof(zero_));                            \
		memset(&out_, 0xa5, sizeof(out_));                           \
		if (fn(body_, &out_, &err_) != DK_ERR_INVALID)               \
			fail_msg("%s accepted %s", #fn, text);               \
		if (strcmp(err_.code, (want_code)) ||                        \
		    strcmp(err_.field, (want_field)))                        \
			fail_msg("%s on %s: got %s \"%s\", expected %s \"%s\"", \
				 #fn, text, err_.code, err_.field,           \
				 (want_code), (want_field));                 \
		assert_true(err_.message[0] != '\0');                        \
		assert_memory_equal(&out_, &zero_, sizeof(out_));            \
		json_decref(body_);                                          \
	} while (0)

/* Parses text with fn, which must succeed. The body is released at once:
 * the output must own everything it holds. */
#define PARSE_OK(fn, text, out)                                              \
	do {                                                                 \
		struct field_error err_;                                     \
		json_t *body_ = parse(text);                                 \
		if (fn(body_, (out), &err_) != 0)                            \
			fail_msg("%s refused %s: %s \"%s\"", #fn, (text),   \
				 err_.code, err_.field);                     \
		json_decref(body_);                                          \
	} while (0)

#define create_fails(text, code, field) \
	PARSE_FAILS(ticket_create_parse, struct ticket_create_input, text, code, field)
#define patch_fails(text, code, field) \
	PARSE_FAILS(ticket_patch_parse, struct ticket_patch_input, text, code, field)
#define comment_fails(text, code, field) \
	PARSE_FAILS(comment_parse, struct comment_input, text, code, field)
#define action_fails(text, code, field) \
	PARSE_FAILS(action_parse, struct action_input, text, code, field)
#define time_fails(text, code, field) \
	PARSE_FAILS(time_parse, struct time_input, text, code, field)
#define participant_fails(text, code, field) \
	PARSE_FAILS(participant_parse, struct participant_input, text, code, field)
#define link_fails(text, code, field) \
	PARSE_FAILS(link_parse, struct link_input, text, code, field)
#define redact_fails(text, code, field) \
	PARSE_FAILS(redact_parse, struct redact_input, text, code, field)

/* A valid title and description, for bodies that test another field. */
#define TD "\"title\": \"t\", \"description\": \"d\""

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* {"key": "<c repeated n times>"} plus extra members (JSON text, may be "") */
static char *body_with_long(const char *extra, const char *key, char c, size_t n)
{
	char *v = repeat(c, n);
	size_t size = strlen(extra) + strlen(key) + n + 16;
	char *s = malloc(size);

	assert_non_null(s);
	snprintf(s, size, "{%s%s\"%s\": \"%s\"}", extra, *extra ? ", " : "", key, v);
	free(v);
	return s;
}

/* ---- create: the catalogue form ---------------------------------------- */

static void test_create_form(void **state)
{
	static const char *const form_keys[] = {
		"request_type", "service", "subcategory", "impact", "urgency", "priority",
		"type", "affected_component", "environment", "recurrence",
		"others_affected", "fields",
	};
	struct ticket_create_input in;
	struct field_error err;
	json_t *body;
	size_t i;

	(void)state;
	/* every kind of value, valid or not: the parser does not judge them */
	body = parse("{" TD ", \"request_type\": \"access\", \"service\": \"mail\", "
		     "\"subcategory\": null, \"impact\": 2, \"urgency\": \"high\", "
		     "\"priority\": \"P9\", \"type\": \"nonsense\", "
		     "\"affected_component\": [\"a\", 1], \"environment\": \"prod\", "
		     "\"recurrence\": 1.5, \"others_affected\": true, "
		     "\"fields\": {\"laptop\": {\"model\": \"X1\"}, \"n\": [1, 2]}, "
		     "\"channel\": \"phone\", \"confirm_sensitive\": true}");
	assert_int_equal(ticket_create_parse(body, &in, &err), 0);
	assert_non_null(in.form);
	assert_int_equal(json_object_size(in.form), 12);
	for (i = 0; i < sizeof(form_keys) / sizeof(form_keys[0]); i++) {
		json_t *got = json_object_get(in.form, form_keys[i]);

		if (!got || !json_equal(got, json_object_get(body, form_keys[i])))
			fail_msg("form key %s missing or changed", form_keys[i]);
	}
	/* the body's own fields stay out of the form */
	assert_null(json_object_get(in.form, "title"));
	assert_null(json_object_get(in.form, "channel"));
	assert_null(json_object_get(in.form, "confirm_sensitive"));
	assert_string_equal(in.channel, "phone");
	assert_true(in.confirm_sensitive);
	/* the form is the input's own: it outlives the body */
	assert_ptr_not_equal(in.form, body);
	json_decref(body);
	assert_string_equal(json_string_value(json_object_get(in.form, "priority")), "P9");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(in.form, "fields"), "laptop"),
				    "model")),
			    "X1");
	ticket_create_input_free(&in);

	/* a key outside both lists is still refused */
	create_fails("{" TD ", \"category\": \"x\"}", "unknown_field", "category");
	create_fails("{" TD ", \"Service\": \"mail\"}", "unknown_field", "Service");
	create_fails("{" TD ", \"status\": \"new\"}", "unknown_field", "status");
}

/* ---- create: sharing ----------------------------------------------------- */

static void test_create_shared_with_org(void **state)
{
	static const struct {
		const char *value;
		int want;
	} cases[] = { { "true", 1 }, { "false", 0 } };
	struct ticket_create_input in;
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "{" TD ", \"shared_with_org\": %s}", cases[i].value);
		PARSE_OK(ticket_create_parse, text, &in);
		assert_int_equal(in.shared_with_org, cases[i].want);
		ticket_create_input_free(&in);
	}
	create_fails("{" TD ", \"shared_with_org\": 1}", "invalid_type", "shared_with_org");
	create_fails("{" TD ", \"shared_with_org\": \"yes\"}", "invalid_type", "shared_with_org");
	create_fails("{" TD ", \"shared_with_org\": null}", "invalid_type", "shared_with_org");
	create_fails("{" TD ", \"confirm_sensitive\": \"true\"}", "invalid_type",
		     "confirm_sensitive");
	create_fails("{" TD ", \"confirm_sensitive\": 1}", "invalid_type", "confirm_sensitive");
}

static void test_create_participants(void **state)
{
	struct ticket_create_input in;
	struct field_error err;
	json_t *body, *list;
	char addr[64];
	int i;

	(void)state;
	PARSE_OK(ticket_create_parse,
		 "{" TD ", \"participants\": [\"ann@example.com\", \"Bob@Other.org\"]}", &in);
	assert_int_equal(in.n_participants, 2);
	assert_string_equal(in.participants[0], "ann@example.com");
	assert_string_equal(in.participants[1], "Bob@Other.org");
	ticket_create_input_free(&in);
	assert_null(in.participants);
	assert_int_equal(in.n_participants, 0);

	PARSE_OK(ticket_create_parse, "{" TD ", \"participants\": []}", &in);
	assert_int_equal(in.n_participants, 0);
	ticket_create_input_free(&in);

	/* 50 is the limit, 51 one too many */
	body = parse("{" TD "}");
	list = json_array();
	assert_non_null(list);
	assert_int_equal(json_object_set_new(body, "participants", list), 0);
	for (i = 0; i < 50; i++) {
		snprintf(addr, sizeof(addr), "user%d@example.com", i);
		assert_int_equal(json_array_append_new(list, json_string(addr)), 0);
	}
	assert_int_equal(ticket_create_parse(body, &in, &err), 0);
	assert_int_equal(in.n_participants, 50);
	assert_string_equal(in.participants[49], "user49@example.com");
	ticket_create_input_free(&in);
	assert_int_equal(json_array_append_new(list, json_string("one@too.many")), 0);
	memset(&in, 0x5a, sizeof(in));
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "participants");
	assert_non_null(strstr(err.message, "50"));
	assert_null(in.participants);
	assert_null(in.form);
	json_decref(body);

	/* the message names the faulty entry; those before it are released */
	body = parse("{" TD ", \"participants\": [\"a@b.co\", \"c@d.co\", \"e@f.co\", "
		     "\"not an address\", \"g@h.co\"]}");
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_value");
	assert_string_equal(err.field, "participants");
	assert_non_null(strstr(err.message, "participants[3]"));
	assert_null(in.participants);
	assert_int_equal(in.n_participants, 0);
	json_decref(body);

	create_fails("{" TD ", \"participants\": [\"a@b.co\", \"c@d.co\", \"e@f.co\", "
		     "\"x@\"]}", "invalid_value", "participants");
	create_fails("{" TD ", \"participants\": [\"a@b.co\", 7]}", "invalid_value",
		     "participants");
	create_fails("{" TD ", \"participants\": [null]}", "invalid_value", "participants");
	create_fails("{" TD ", \"participants\": [\" a@b.co\"]}", "invalid_value",
		     "participants");
	create_fails("{" TD ", \"participants\": [\"\"]}", "invalid_value", "participants");
	create_fails("{" TD ", \"participants\": \"a@b.co\"}", "invalid_type", "participants");
	create_fails("{" TD ", \"participants\": {\"a\": \"a@b.co\"}}", "invalid_type",
		     "participants");
	create_fails("{" TD ", \"participants\": null}", "invalid_type", "participants");

	/* an address hiding a NUL byte */
	body = json_pack("{s:s, s:s, s:[s, s#]}", "title", "t", "description", "d",
			 "participants", "a@b.co", "c@d.co\0x", (size_t)8);
	assert_non_null(body);
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_value");
	assert_non_null(strstr(err.message, "participants[1]"));
	json_decref(body);
}

/* ---- create: agents' fields ---------------------------------------------- */

static void test_create_requester_channel(void **state)
{
	static const char *const channels[] = { "portal", "email", "phone" };
	struct ticket_create_input in;
	char text[160];
	char *s;
	size_t i;

	(void)state;
	PARSE_OK(ticket_create_parse,
		 "{" TD ", \"requester\": \"  Zoe@Example.com \", \"channel\": \"phone\"}", &in);
	assert_string_equal(in.requester, "Zoe@Example.com");
	assert_string_equal(in.channel, "phone");
	ticket_create_input_free(&in);

	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
		snprintf(text, sizeof(text), "{" TD ", \"channel\": \" %s \"}", channels[i]);
		PARSE_OK(ticket_create_parse, text, &in);
		assert_string_equal(in.channel, channels[i]);
		ticket_create_input_free(&in);
	}

	create_fails("{" TD ", \"requester\": \"zoe\"}", "invalid_value", "requester");
	create_fails("{" TD ", \"requester\": \"zoe@example\"}", "invalid_value", "requester");
	create_fails("{" TD ", \"requester\": \"\"}", "invalid_value", "requester");
	create_fails("{" TD ", \"requester\": \"   \"}", "invalid_value", "requester");
	create_fails("{" TD ", \"requester\": 12}", "invalid_type", "requester");
	create_fails("{" TD ", \"requester\": null}", "invalid_type", "requester");
	create_fails("{" TD ", \"requester\": \"a@b.co\\n\"}", "invalid_text", "requester");
	s = body_with_long(TD, "requester", 'r', EMAIL_MAX_BYTES + 1);
	create_fails(s, "too_long", "requester");
	free(s);

	create_fails("{" TD ", \"channel\": \"fax\"}", "invalid_value", "channel");
	create_fails("{" TD ", \"channel\": \"Portal\"}", "invalid_value", "channel");
	create_fails("{" TD ", \"channel\": \"e-mail\"}", "invalid_value", "channel");
	create_fails("{" TD ", \"channel\": \"web portal\"}", "invalid_value", "channel");
	create_fails("{" TD ", \"channel\": \"\"}", "invalid_value", "channel");
	create_fails("{" TD ", \"channel\": \"phone\\t\"}", "invalid_text", "channel");
	create_fails("{" TD ", \"channel\": 1}", "invalid_type", "channel");
	create_fails("{" TD ", \"channel\": [\"phone\"]}", "invalid_type", "channel");

	/* everything before the last field was parsed: all released, all zero */
	create_fails("{" TD ", \"participants\": [\"a@b.co\"], \"requester\": \"c@d.co\", "
		     "\"type\": \"incident\", \"channel\": \"pigeon\"}",
		     "invalid_value", "channel");
	create_fails("{" TD ", \"participants\": [\"a@b.co\"], \"shared_with_org\": true, "
		     "\"requester\": \"nobody\"}",
		     "invalid_value", "requester");
}

/* ---- patch: assignment, group, resolution --------------------------------- */

static void test_patch_assignee(void **state)
{
	struct ticket_patch_input in;

	(void)state;
	PARSE_OK(ticket_patch_parse, "{\"assignee_id\": 42}", &in);
	assert_true(in.set_assignee);
	assert_true(in.assignee_id == 42);
	assert_false(in.set_group);
	assert_null(in.type);
	assert_int_equal(in.priority, 0);
	ticket_patch_input_free(&in);

	/* null unassigns: on its own it is a change */
	PARSE_OK(ticket_patch_parse, "{\"assignee_id\": null}", &in);
	assert_true(in.set_assignee);
	assert_true(in.assignee_id == 0);
	ticket_patch_input_free(&in);

	PARSE_OK(ticket_patch_parse, "{\"assignee_id\": 9223372036854775807}", &in);
	assert_true(in.assignee_id == (uint64_t)INT64_MAX);
	ticket_patch_input_free(&in);

	patch_fails("{\"assignee_id\": 0}", "invalid_value", "assignee_id");
	patch_fails("{\"assignee_id\": -7}", "invalid_value", "assignee_id");
	patch_fails("{\"assignee_id\": \"42\"}", "invalid_type", "assignee_id");
	patch_fails("{\"assignee_id\": 4.2}", "invalid_type", "assignee_id");
	patch_fails("{\"assignee_id\": true}", "invalid_type", "assignee_id");
	patch_fails("{\"assignee_id\": [42]}", "invalid_type", "assignee_id");
	/* the type parsed first is released */
	patch_fails("{\"type\": \"question\", \"assignee_id\": \"me\"}", "invalid_type",
		    "assignee_id");
	patch_fails("{\"assignee\": 42}", "unknown_field", "assignee");
}

static void test_patch_codes(void **state)
{
	static const char *const keys[] = { "assignee_group", "resolution_code", "cause" };
	/* outside [A-Za-z0-9_-] */
	static const char *const bad[] = {
		"\"second line\"", "\"a.b\"", "\"a/b\"", "\"a@b\"", "\"caf\\u00e9\"",
		"\"x+y\"", "\"\"", "\"  \"", "\"<b>\"",
	};
	struct ticket_patch_input in;
	struct field_error err;
	json_t *body;
	char text[200];
	char *s;
	size_t k, i;

	(void)state;
	body = parse("{\"assignee_group\": \"Second_line-2\", \"resolution_code\": \"fixed\", "
		     "\"cause\": \" configuration_error \"}");
	assert_int_equal(ticket_patch_parse(body, &in, &err), 0);
	assert_true(in.set_group);
	assert_string_equal(in.assignee_group, "Second_line-2");
	assert_string_equal(in.resolution_code, "fixed");
	assert_string_equal(in.cause, "configuration_error");
	assert_false(in.set_assignee);
	ticket_patch_input_free(&in);
	assert_null(in.assignee_group);
	json_decref(body);

	/* null leaves the group; on its own it is a change */
	PARSE_OK(ticket_patch_parse, "{\"assignee_group\": null}", &in);
	assert_true(in.set_group);
	assert_null(in.assignee_group);
	ticket_patch_input_free(&in);

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		/* each one alone is enough to be a change */
		snprintf(text, sizeof(text), "{\"%s\": \"AZaz09_-\"}", keys[k]);
		PARSE_OK(ticket_patch_parse, text, &in);
		ticket_patch_input_free(&in);

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(text, sizeof(text), "{\"priority\": 2, \"%s\": %s}", keys[k],
				 bad[i]);
			patch_fails(text, "invalid_value", keys[k]);
		}
		snprintf(text, sizeof(text), "{\"%s\": 3}", keys[k]);
		patch_fails(text, "invalid_type", keys[k]);
		snprintf(text, sizeof(text), "{\"%s\": \"a\\nb\"}", keys[k]);
		patch_fails(text, "invalid_text", keys[k]);

		s = body_with_long("", keys[k], 'c', CODE_MAX);
		PARSE_OK(ticket_patch_parse, s, &in);
		ticket_patch_input_free(&in);
		free(s);
		s = body_with_long("\"type\": \"incident\"", keys[k], 'c', CODE_MAX + 1);
		patch_fails(s, "too_long", keys[k]);
		free(s);
	}
	/* null is only for the group, which can be emptied */
	patch_fails("{\"resolution_code\": null}", "invalid_type", "resolution_code");
	patch_fails("{\"cause\": null}", "invalid_type", "cause");
}

/* ---- comment -------------------------------------------------------------- */

static void test_comment_confirm(void **state)
{
	struct comment_input in;

	(void)state;
	PARSE_OK(comment_parse, "{\"body\": \"my IBAN is ...\", \"confirm_sensitive\": true}", &in);
	assert_true(in.confirm_sensitive);
	assert_false(in.internal);
	comment_input_free(&in);

	PARSE_OK(comment_parse,
		 "{\"body\": \"x\", \"confirm_sensitive\": false, \"internal\": true}", &in);
	assert_false(in.confirm_sensitive);
	assert_true(in.internal);
	comment_input_free(&in);

	PARSE_OK(comment_parse, "{\"body\": \"x\"}", &in);
	assert_false(in.confirm_sensitive);
	comment_input_free(&in);

	/* the body parsed first is released */
	comment_fails("{\"body\": \"x\", \"confirm_sensitive\": \"yes\"}", "invalid_type",
		      "confirm_sensitive");
	comment_fails("{\"body\": \"x\", \"confirm_sensitive\": null}", "invalid_type",
		      "confirm_sensitive");
	comment_fails("{\"body\": 1}", "invalid_type", "body");
	comment_fails("{\"body\": \"x\", \"confirm\": true}", "unknown_field", "confirm");
	comment_fails("\"x\"", "invalid_json", "");
}

/* ---- actions -------------------------------------------------------------- */

static void test_action_ok(void **state)
{
	struct action_input in;
	struct field_error err;
	json_t *body;
	char *s;

	(void)state;
	body = parse("{\"action\": \" resolve \", \"status\": \"resolved\", "
		     "\"comment\": \"  Fixed:\\n\\t- the cable\\n\", "
		     "\"resolution_code\": \"fixed\", \"cause\": \"hardware\", "
		     "\"confirm_sensitive\": true}");
	assert_int_equal(action_parse(body, &in, &err), 0);
	assert_string_equal(in.action, "resolve");
	assert_string_equal(in.status, "resolved");
	/* a comment keeps its layout */
	assert_string_equal(in.comment, "  Fixed:\n\t- the cable\n");
	assert_string_equal(in.resolution_code, "fixed");
	assert_string_equal(in.cause, "hardware");
	assert_int_equal(in.rating, 0);
	assert_true(in.confirm_sensitive);
	action_input_free(&in);
	assert_null(in.action);
	json_decref(body);

	PARSE_OK(action_parse, "{\"action\": \"accept\", \"rating\": 5}", &in);
	assert_int_equal(in.rating, 5);
	assert_null(in.status);
	assert_null(in.comment);
	assert_false(in.confirm_sensitive);
	action_input_free(&in);

	PARSE_OK(action_parse, "{\"action\": \"accept\", \"rating\": 1}", &in);
	assert_int_equal(in.rating, 1);
	action_input_free(&in);

	/* a comment of blanks is no comment at all */
	PARSE_OK(action_parse, "{\"action\": \"reopen\", \"comment\": \" \\n\\t\\r\\n \"}", &in);
	assert_string_equal(in.action, "reopen");
	assert_null(in.comment);
	action_input_free(&in);
	PARSE_OK(action_parse, "{\"action\": \"reject\", \"comment\": \"\"}", &in);
	assert_null(in.comment);
	action_input_free(&in);

	/* the longest comment */
	s = repeat('k', TEXT_MAX_BYTES);
	body = json_pack("{s:s, s:s}", "action", "comment", "comment", s);
	assert_int_equal(action_parse(body, &in, &err), 0);
	assert_int_equal(strlen(in.comment), TEXT_MAX_BYTES);
	action_input_free(&in);
	json_decref(body);
	free(s);
}

static void test_action_errors(void **state)
{
	char *s;

	(void)state;
	action_fails("{}", "required", "action");
	action_fails("{\"comment\": \"hi\"}", "required", "action");
	action_fails("{\"action\": \"\"}", "required", "action");
	action_fails("{\"action\": \"   \"}", "required", "action");
	action_fails("{\"action\": 3}", "invalid_type", "action");
	action_fails("{\"action\": null}", "invalid_type", "action");
	action_fails("{\"action\": \"re\\nopen\"}", "invalid_text", "action");
	s = body_with_long("", "action", 'a', CODE_MAX + 1);
	action_fails(s, "too_long", "action");
	free(s);

	action_fails("{\"action\": \"set_status\", \"status\": \"in progress\"}",
		     "invalid_value", "status");
	action_fails("{\"action\": \"set_status\", \"status\": \"\"}", "invalid_value", "status");
	action_fails("{\"action\": \"set_status\", \"status\": 2}", "invalid_type", "status");
	action_fails("{\"action\": \"resolve\", \"resolution_code\": \"fixed!\"}",
		     "invalid_value", "resolution_code");
	action_fails("{\"action\": \"resolve\", \"cause\": \"user error\"}", "invalid_value",
		     "cause");
	action_fails("{\"action\": \"resolve\", \"cause\": false}", "invalid_type", "cause");

	/* rating 1..5, a whole number */
	action_fails("{\"action\": \"accept\", \"rating\": 0}", "invalid_value", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": 6}", "invalid_value", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": -1}", "invalid_value", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": 256}", "invalid_value", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": 4.5}", "invalid_type", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": \"5\"}", "invalid_type", "rating");
	action_fails("{\"action\": \"accept\", \"rating\": null}", "invalid_type", "rating");

	action_fails("{\"action\": \"reopen\", \"comment\": 1}", "invalid_type", "comment");
	action_fails("{\"action\": \"reopen\", \"comment\": \"bell\\u0007\"}", "invalid_text",
		     "comment");
	s = body_with_long("\"action\": \"reopen\"", "comment", 'k', TEXT_MAX_BYTES + 1);
	action_fails(s, "too_long", "comment");
	free(s);
	action_fails("{\"action\": \"close\", \"confirm_sensitive\": 1}", "invalid_type",
		     "confirm_sensitive");
	/* everything but the last field parsed: released, all zero */
	action_fails("{\"action\": \"resolve\", \"status\": \"resolved\", \"comment\": \"c\", "
		     "\"rating\": 3, \"resolution_code\": \"fixed\", \"cause\": \"x\", "
		     "\"confirm_sensitive\": \"no\"}",
		     "invalid_type", "confirm_sensitive");
	action_fails("{\"action\": \"accept\", \"note\": \"x\"}", "unknown_field", "note");
	action_fails("[\"accept\"]", "invalid_json", "");
}

/* ---- time ----------------------------------------------------------------- */

static void test_time(void **state)
{
	static const int good[] = { 1, 30, 1440 };
	struct time_input in;
	char text[128];
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "{\"minutes\": %d}", good[i]);
		PARSE_OK(time_parse, text, &in);
		assert_int_equal(in.minutes, good[i]);
		/* billable unless said otherwise */
		assert_true(in.billable);
		assert_null(in.note);
		time_input_free(&in);
	}
	PARSE_OK(time_parse,
		 "{\"minutes\": 45, \"billable\": false, \"note\": \"Call:\\n\\tset up VPN\"}",
		 &in);
	assert_int_equal(in.minutes, 45);
	assert_false(in.billable);
	assert_string_equal(in.note, "Call:\n\tset up VPN");
	time_input_free(&in);
	assert_null(in.note);

	time_fails("{}", "required", "minutes");
	time_fails("{\"billable\": true, \"note\": \"n\"}", "required", "minutes");
	time_fails("{\"minutes\": 0}", "invalid_value", "minutes");
	time_fails("{\"minutes\": 1441}", "invalid_value", "minutes");
	time_fails("{\"minutes\": -30}", "invalid_value", "minutes");
	time_fails("{\"minutes\": 4294967326}", "invalid_value", "minutes");
	time_fails("{\"minutes\": 30.0}", "invalid_type", "minutes");
	time_fails("{\"minutes\": \"30\"}", "invalid_type", "minutes");
	time_fails("{\"minutes\": null}", "invalid_type", "minutes");
	time_fails("{\"minutes\": 30, \"billable\": \"no\"}", "invalid_type", "billable");
	time_fails("{\"minutes\": 30, \"billable\": 0}", "invalid_type", "billable");
	time_fails("{\"minutes\": 30, \"note\": 5}", "invalid_type", "note");
	time_fails("{\"minutes\": 30, \"note\": \"esc \\u001b\"}", "invalid_text", "note");
	s = body_with_long("\"minutes\": 30", "note", 'n', TEXT_MAX_BYTES + 1);
	time_fails(s, "too_long", "note");
	free(s);
	time_fails("{\"minutes\": 30, \"hours\": 1}", "unknown_field", "hours");
	time_fails("30", "invalid_json", "");
}

/* ---- participants, links ---------------------------------------------------- */

static void test_participant(void **state)
{
	struct participant_input in;
	char *s;

	(void)state;
	PARSE_OK(participant_parse, "{\"email\": \"  Zoe.Visser@Example.nl \"}", &in);
	assert_string_equal(in.email, "Zoe.Visser@Example.nl");
	participant_input_free(&in);
	assert_null(in.email);

	participant_fails("{}", "required", "email");
	participant_fails("{\"email\": \"\"}", "required", "email");
	participant_fails("{\"email\": \"   \"}", "required", "email");
	participant_fails("{\"email\": \"zoe\"}", "invalid_value", "email");
	participant_fails("{\"email\": \"zoe@@example.nl\"}", "invalid_value", "email");
	participant_fails("{\"email\": \"zoe visser@example.nl\"}", "invalid_value", "email");
	participant_fails("{\"email\": \"zoe@example.nl\\n\"}", "invalid_text", "email");
	participant_fails("{\"email\": 5}", "invalid_type", "email");
	participant_fails("{\"email\": [\"a@b.co\"]}", "invalid_type", "email");
	s = body_with_long("", "email", 'e', EMAIL_MAX_BYTES + 1);
	participant_fails(s, "too_long", "email");
	free(s);
	participant_fails("{\"email\": \"a@b.co\", \"user_id\": 3}", "unknown_field", "user_id");
	participant_fails("[]", "invalid_json", "");
}

static void test_link(void **state)
{
	struct link_input in;
	char *s;

	(void)state;
	PARSE_OK(link_parse, "{\"ref\": \" HD-10002 \"}", &in);
	assert_string_equal(in.ref, "HD-10002");
	link_input_free(&in);
	assert_null(in.ref);

	s = body_with_long("", "ref", 'R', REF_MAX);
	PARSE_OK(link_parse, s, &in);
	assert_int_equal(strlen(in.ref), REF_MAX);
	link_input_free(&in);
	free(s);
	s = body_with_long("", "ref", 'R', REF_MAX + 1);
	link_fails(s, "too_long", "ref");
	free(s);

	link_fails("{}", "required", "ref");
	link_fails("{\"ref\": \"\"}", "required", "ref");
	link_fails("{\"ref\": 10002}", "invalid_type", "ref");
	link_fails("{\"ref\": null}", "invalid_type", "ref");
	link_fails("{\"ref\": \"HD-1\\t\"}", "invalid_text", "ref");
	link_fails("{\"ref\": \"HD-1\", \"kind\": \"problem\"}", "unknown_field", "kind");
	link_fails("\"HD-1\"", "invalid_json", "");
}

/* ---- redactions ------------------------------------------------------------- */

static void test_redact(void **state)
{
	struct redact_input in;

	(void)state;
	PARSE_OK(redact_parse, "{\"seq\": 3}", &in);
	assert_int_equal(in.seq, 3);
	assert_null(in.field);
	redact_input_free(&in);

	PARSE_OK(redact_parse, "{\"seq\": 4294967295}", &in);
	assert_true(in.seq == UINT32_MAX);
	redact_input_free(&in);

	PARSE_OK(redact_parse, "{\"field\": \"title\"}", &in);
	assert_int_equal(in.seq, 0);
	assert_string_equal(in.field, "title");
	redact_input_free(&in);
	assert_null(in.field);

	PARSE_OK(redact_parse, "{\"field\": \"description\"}", &in);
	assert_string_equal(in.field, "description");
	redact_input_free(&in);

	/* exactly one of the two */
	redact_fails("{}", "required", "");
	redact_fails("{\"seq\": 3, \"field\": \"title\"}", "required", "");
	/* only the ticket's free text can be redacted */
	redact_fails("{\"field\": \"status\"}", "invalid_value", "field");
	redact_fails("{\"field\": \"Title\"}", "invalid_value", "field");
	redact_fails("{\"field\": \"comment\"}", "invalid_value", "field");
	redact_fails("{\"field\": \"title description\"}", "invalid_value", "field");
	redact_fails("{\"field\": \"\"}", "invalid_value", "field");
	redact_fails("{\"field\": 1}", "invalid_type", "field");
	redact_fails("{\"field\": null}", "invalid_type", "field");
	redact_fails("{\"seq\": 0}", "invalid_value", "seq");
	redact_fails("{\"seq\": -2}", "invalid_value", "seq");
	redact_fails("{\"seq\": 4294967296}", "invalid_value", "seq");
	redact_fails("{\"seq\": \"3\"}", "invalid_type", "seq");
	redact_fails("{\"seq\": 3.0}", "invalid_type", "seq");
	redact_fails("{\"seq\": null}", "invalid_type", "seq");
	redact_fails("{\"seq\": 3, \"reason\": \"oops\"}", "unknown_field", "reason");
	redact_fails("[3]", "invalid_json", "");
}

/* Every parser accepts a NULL error and still refuses. */
static void test_null_error(void **state)
{
	struct ticket_create_input c;
	struct ticket_patch_input p;
	struct comment_input m;
	struct action_input a;
	struct time_input t;
	struct participant_input pa;
	struct link_input l;
	struct redact_input r;
	json_t *body;

	(void)state;
	body = parse("{\"bogus\": 1}");
	assert_int_equal(ticket_create_parse(body, &c, NULL), DK_ERR_INVALID);
	assert_int_equal(ticket_patch_parse(body, &p, NULL), DK_ERR_INVALID);
	assert_int_equal(comment_parse(body, &m, NULL), DK_ERR_INVALID);
	assert_int_equal(action_parse(body, &a, NULL), DK_ERR_INVALID);
	assert_int_equal(time_parse(body, &t, NULL), DK_ERR_INVALID);
	assert_int_equal(participant_parse(body, &pa, NULL), DK_ERR_INVALID);
	assert_int_equal(link_parse(body, &l, NULL), DK_ERR_INVALID);
	assert_int_equal(redact_parse(body, &r, NULL), DK_ERR_INVALID);
	json_decref(body);
	body = parse("{" TD ", \"participants\": [\"a@b.co\", \"x\"]}");
	assert_int_equal(ticket_create_parse(body, &c, NULL), DK_ERR_INVALID);
	assert_null(c.participants);
	json_decref(body);
	/* freeing twice, or a NULL, is harmless */
	ticket_create_input_free(&c);
	ticket_create_input_free(NULL);
	ticket_patch_input_free(NULL);
	comment_input_free(NULL);
	action_input_free(NULL);
	time_input_free(NULL);
	participant_input_free(NULL);
	link_input_free(NULL);
	redact_input_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_form),
		cmocka_unit_test(test_create_shared_with_org),
		cmocka_unit_test(test_create_participants),
		cmocka_unit_test(test_create_requester_channel),
		cmocka_unit_test(test_patch_assignee),
		cmocka_unit_test(test_patch_codes),
		cmocka_unit_test(test_comment_confirm),
		cmocka_unit_test(test_action_ok),
		cmocka_unit_test(test_action_errors),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_participant),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_null_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
