/* Request validation, references, e-mail syntax and the workflow table;
 * the JSON views of records are tested in test_json_map.c, the ticket
 * bodies' newer fields and parsers in test_ticket_input.c. */
#include "test.h"

#include "dk_err.h"
#include "record.h"
#include "ticket_input.h"
#include "validate.h"
#include "workflow.h"

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
		assert_int_equal(fn(body_, &out_, &err_), DK_ERR_INVALID);   \
		assert_string_equal(err_.code, (want_code));                 \
		assert_string_equal(err_.field, (want_field));               \
		assert_true(err_.message[0] != '\0');                        \
		assert_memory_equal(&out_, &zero_, sizeof(out_));            \
		json_decref(body_);                                          \
	} while (0)

#define create_fails(text, code, field) \
	PARSE_FAILS(ticket_create_parse, struct ticket_create_input, text, code, field)
#define patch_fails(text, code, field) \
	PARSE_FAILS(ticket_patch_parse, struct ticket_patch_input, text, code, field)
#define comment_fails(text, code, field) \
	PARSE_FAILS(comment_parse, struct comment_input, text, code, field)
#define login_fails(text, code, field) \
	PARSE_FAILS(login_parse, struct login_input, text, code, field)

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- json_body_parse ------------------------------------------------------- */

static void test_body_parse(void **state)
{
	struct field_error err;
	json_t *v;

	(void)state;
	v = json_body_parse("{\"a\": 1}", 8, &err);
	assert_non_null(v);
	assert_true(json_is_object(v));
	json_decref(v);

	assert_null(json_body_parse("[1, 2]", 6, &err));
	assert_string_equal(err.code, "invalid_json");
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, "request body must be a JSON object");

	assert_null(json_body_parse("{\"a\":\n", 6, &err));
	assert_string_equal(err.code, "invalid_json");
	assert_non_null(strstr(err.message, "line 2"));
	assert_non_null(strstr(err.message, "column"));

	assert_null(json_body_parse("{\"a\": 1, \"a\": 2}", 16, &err));
	assert_string_equal(err.code, "invalid_json");
	assert_non_null(strstr(err.message, "duplicate"));

	assert_null(json_body_parse("", 0, &err));
	assert_string_equal(err.code, "invalid_json");
	/* only len bytes count: the closing brace is outside */
	assert_null(json_body_parse("{\"a\": 1}", 7, &err));
	assert_string_equal(err.code, "invalid_json");
	assert_null(json_body_parse("{\"a\": \"\\u0000\"}", 15, &err));
	assert_string_equal(err.code, "invalid_json");
}

/* ---- ticket_create_parse ---------------------------------------------------- */

static void test_create_ok(void **state)
{
	struct ticket_create_input in;
	struct field_error err;
	json_t *body;

	(void)state;
	body = parse("{\"title\": \"  Printer on fire  \", \"description\": "
		     "\"  It smokes.\\n\\tBadly.\\r\\n\", \"type\": \"question\", "
		     "\"priority\": \"P2\"}");
	assert_int_equal(ticket_create_parse(body, &in, &err), 0);
	assert_string_equal(in.title, "Printer on fire");
	/* text keeps its indentation: it may be rendered as Markdown */
	assert_string_equal(in.description, "  It smokes.\n\tBadly.\r\n");
	/* type and priority belong to the catalogue form, checked later */
	assert_non_null(in.form);
	assert_int_equal(json_object_size(in.form), 2);
	assert_string_equal(json_string_value(json_object_get(in.form, "type")), "question");
	assert_string_equal(json_string_value(json_object_get(in.form, "priority")), "P2");
	assert_int_equal(in.shared_with_org, -1);
	assert_null(in.participants);
	assert_int_equal(in.n_participants, 0);
	assert_false(in.confirm_sensitive);
	assert_null(in.requester);
	assert_null(in.channel);
	ticket_create_input_free(&in);
	assert_null(in.title);
	assert_null(in.form);
	json_decref(body);

	/* nothing defaulted by the parser: an empty form */
	body = parse("{\"title\": \"Zoë’s drucker brennt 🔥\", \"description\": \"x\"}");
	assert_int_equal(ticket_create_parse(body, &in, &err), 0);
	assert_string_equal(in.title, "Zoë’s drucker brennt 🔥");
	assert_true(json_is_object(in.form));
	assert_int_equal(json_object_size(in.form), 0);
	ticket_create_input_free(&in);
	json_decref(body);
}

/* A valid title and description, for bodies that test another field. */
#define TD "\"title\": \"t\", \"description\": \"d\""

static void test_create_errors(void **state)
{
	(void)state;
	create_fails("{\"description\": \"d\"}", "required", "title");
	create_fails("{\"title\": \"   \", \"description\": \"d\"}", "required", "title");
	create_fails("{\"title\": \"\", \"description\": \"d\"}", "required", "title");
	create_fails("{\"title\": \"t\"}", "required", "description");
	create_fails("{\"title\": \"t\", \"description\": \" \\n\\t\\r\\n\"}",
		     "required", "description");
	create_fails("{\"title\": 5, \"description\": \"d\"}", "invalid_type", "title");
	create_fails("{\"title\": null, \"description\": \"d\"}", "invalid_type", "title");
	create_fails("{\"title\": \"t\", \"description\": [\"d\"]}",
		     "invalid_type", "description");
	create_fails("{" TD ", \"assignee\": 3}", "unknown_field", "assignee");
	/* control characters: none in a title, only \t \n \r in text */
	create_fails("{\"title\": \"a\\tb\", \"description\": \"d\"}",
		     "invalid_text", "title");
	create_fails("{\"title\": \"a\\nb\", \"description\": \"d\"}",
		     "invalid_text", "title");
	create_fails("{\"title\": \"a\\u007fb\", \"description\": \"d\"}",
		     "invalid_text", "title");
	create_fails("{\"title\": \"a\\u001bb\", \"description\": \"d\"}",
		     "invalid_text", "title");
	create_fails("{\"title\": \"t\", \"description\": \"bell\\u0007\"}",
		     "invalid_text", "description");
	create_fails("[]", "invalid_json", "");
}

static void test_create_unknown_field_message(void **state)
{
	struct ticket_create_input in;
	struct field_error err;
	json_t *body;
	char *name;

	(void)state;
	body = parse("{\"title\": \"t\", \"description\": \"d\", \"Title\": \"x\"}");
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "unknown_field");
	assert_string_equal(err.field, "Title");
	assert_non_null(strstr(err.message, "Title"));
	json_decref(body);

	/* A long non-ASCII name is cut at a character boundary. */
	body = json_pack("{s:s, s:s}", "title", "t", "description", "d");
	name = malloc(200);
	assert_non_null(name);
	name[0] = '\0';
	while (strlen(name) < 190)
		strcat(name, "é");
	assert_int_equal(json_object_set_new(body, name, json_true()), 0);
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "unknown_field");
	assert_int_equal(strlen(err.field), 62);
	assert_int_equal(strncmp(err.field, name, 62), 0);
	free(name);
	json_decref(body);
}

/* Parses {"title": title, "description": desc}; takes ownership of the
 * strings flagged in owned (bit 0: title, bit 1: description). */
static int create_with(char *title, char *desc, unsigned owned,
		       struct ticket_create_input *in, struct field_error *err)
{
	json_t *body = json_pack("{s:s, s:s}", "title", title, "description", desc);
	int rc;

	assert_non_null(body);
	rc = ticket_create_parse(body, in, err);
	json_decref(body);
	if (owned & 1)
		free(title);
	if (owned & 2)
		free(desc);
	return rc;
}

static void test_create_limits(void **state)
{
	struct ticket_create_input in;
	struct field_error err;
	char *s;

	(void)state;
	/* 1 MB title */
	assert_int_equal(create_with(repeat('a', 1024 * 1024), "d", 1, &in, &err),
			 DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "title");
	assert_string_equal(err.message, "title is longer than 200 bytes");

	/* exactly at the limit, and one over; trimmed spaces do not count */
	assert_int_equal(create_with(repeat('b', TITLE_MAX_BYTES), "d", 1, &in, &err), 0);
	assert_int_equal(strlen(in.title), TITLE_MAX_BYTES);
	ticket_create_input_free(&in);
	s = repeat(' ', TITLE_MAX_BYTES + 10);
	s[5] = 'x';
	assert_int_equal(create_with(s, "d", 1, &in, &err), 0);
	assert_string_equal(in.title, "x");
	ticket_create_input_free(&in);
	assert_int_equal(create_with(repeat('b', TITLE_MAX_BYTES + 1), "d", 1, &in, &err),
			 DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");

	/* the limit is in bytes: 67 euro signs are 201 bytes */
	s = malloc(67 * 3 + 1);
	assert_non_null(s);
	s[0] = '\0';
	for (int i = 0; i < 67; i++)
		strcat(s, "€");
	assert_int_equal(create_with(s, "d", 1, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");

	assert_int_equal(create_with("t", repeat('c', TEXT_MAX_BYTES), 2, &in, &err), 0);
	ticket_create_input_free(&in);
	assert_int_equal(create_with("t", repeat('c', TEXT_MAX_BYTES + 1), 2, &in, &err),
			 DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "description");
	assert_string_equal(err.message, "description is longer than 65536 bytes");
}

/* type and priority are no longer the parser's to check: whatever they hold
 * reaches the form as it was (catalogue_check judges it). */
static void test_create_form_type_priority(void **state)
{
	static const char *const values[] = {
		"\"bug\"", "\"Incident\"", "1", "\"P5\"", "\"high\"", "0", "5", "-1",
		"2.0", "true", "null", "[\"P1\"]", "{\"p\": 1}",
	};
	static const char *const keys[] = { "type", "priority" };
	struct ticket_create_input in;
	struct field_error err;
	char text[160];
	size_t i, k;

	(void)state;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			json_t *body, *want;

			snprintf(text, sizeof(text), "{" TD ", \"%s\": %s}", keys[k],
				 values[i]);
			body = parse(text);
			want = parse(values[i]);
			if (ticket_create_parse(body, &in, &err) != 0)
				fail_msg("%s refused: %s %s", text, err.code, err.field);
			assert_int_equal(json_object_size(in.form), 1);
			if (!json_equal(json_object_get(in.form, keys[k]), want))
				fail_msg("%s: %s changed on its way to the form", text, keys[k]);
			ticket_create_input_free(&in);
			json_decref(want);
			json_decref(body);
		}
	}
}

/* A json_t built in code can hold NUL bytes; C strings would hide the rest. */
static void test_create_nul_byte(void **state)
{
	struct ticket_create_input in;
	struct field_error err;
	json_t *body;

	(void)state;
	body = json_pack("{s:s#, s:s}", "title", "ab\0cd", (size_t)5, "description", "d");
	assert_non_null(body);
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_text");
	assert_string_equal(err.field, "title");
	json_decref(body);
	body = json_pack("{s:s, s:s#}", "title", "t", "description", "\0", (size_t)1);
	assert_int_equal(ticket_create_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_text");
	assert_string_equal(err.field, "description");
	json_decref(body);
	/* a form value is passed on byte for byte, NUL included */
	body = json_pack("{s:s, s:s, s:s#}", "title", "t", "description", "d",
			 "priority", "P1\0", (size_t)3);
	assert_int_equal(ticket_create_parse(body, &in, &err), 0);
	assert_int_equal(json_string_length(json_object_get(in.form, "priority")), 3);
	ticket_create_input_free(&in);
	json_decref(body);
	/* ... but not through the patch, which parses priority itself */
	body = json_pack("{s:s#}", "priority", "P1\0", (size_t)3);
	assert_int_equal(ticket_patch_parse(body, &(struct ticket_patch_input){ 0 }, &err),
			 DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_value");
	assert_string_equal(err.field, "priority");
	json_decref(body);
}

static void test_priority_forms(void **state)
{
	static const char *const forms[] = {
		"\"P1\"", "\"P2\"", "\"p3\"", "\"P4\"", "1", "2", "3", "4"
	};
	static const uint8_t want[] = { 1, 2, 3, 4, 1, 2, 3, 4 };
	struct ticket_patch_input in;
	struct field_error err;
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want); i++) {
		json_t *body;

		snprintf(text, sizeof(text), "{\"priority\": %s}", forms[i]);
		body = parse(text);
		assert_int_equal(ticket_patch_parse(body, &in, &err), 0);
		assert_int_equal(in.priority, want[i]);
		ticket_patch_input_free(&in);
		json_decref(body);
	}
	patch_fails("{\"priority\": \"P5\"}", "invalid_value", "priority");
	patch_fails("{\"priority\": \"high\"}", "invalid_value", "priority");
	patch_fails("{\"priority\": 0}", "invalid_value", "priority");
	patch_fails("{\"priority\": 5}", "invalid_value", "priority");
	patch_fails("{\"priority\": -1}", "invalid_value", "priority");
	patch_fails("{\"priority\": 2.0}", "invalid_type", "priority");
	patch_fails("{\"priority\": true}", "invalid_type", "priority");
	patch_fails("{\"priority\": null}", "invalid_type", "priority");
	assert_int_equal(priority_parse("P1"), 1);
	assert_int_equal(priority_parse("P4"), 4);
	assert_int_equal(priority_parse("p2"), 2);
	assert_int_equal(priority_parse("P0"), 0);
	assert_int_equal(priority_parse("P5"), 0);
	assert_int_equal(priority_parse("P10"), 0);
	assert_int_equal(priority_parse("P"), 0);
	assert_int_equal(priority_parse("2"), 0);
	assert_int_equal(priority_parse(" P2"), 0);
	assert_int_equal(priority_parse(""), 0);
	assert_int_equal(priority_parse(NULL), 0);
	assert_string_equal(priority_name(1), "P1");
	assert_string_equal(priority_name(4), "P4");
	assert_null(priority_name(0));
	assert_null(priority_name(5));
}

/* ---- patch, comment, login -------------------------------------------------- */

static void test_patch(void **state)
{
	struct ticket_patch_input in;
	struct field_error err;
	json_t *body;

	(void)state;
	body = parse("{\"priority\": 1}");
	assert_int_equal(ticket_patch_parse(body, &in, &err), 0);
	assert_null(in.type);
	assert_int_equal(in.priority, 1);
	ticket_patch_input_free(&in);
	json_decref(body);

	body = parse("{\"type\": \"change_request\", \"priority\": \"P3\"}");
	assert_int_equal(ticket_patch_parse(body, &in, &err), 0);
	assert_string_equal(in.type, "change_request");
	assert_int_equal(in.priority, 3);
	ticket_patch_input_free(&in);
	json_decref(body);

	body = parse("{}");
	assert_int_equal(ticket_patch_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "required");
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, "nothing to change");
	json_decref(body);

	patch_fails("{\"type\": \"question\", \"status\": \"closed\"}",
		    "unknown_field", "status");
	/* type was parsed before priority failed: freed, not leaked (ASan) */
	patch_fails("{\"type\": \"question\", \"priority\": \"P9\"}",
		    "invalid_value", "priority");
	patch_fails("{\"type\": false}", "invalid_type", "type");
	patch_fails("{\"type\": \"bug\"}", "invalid_value", "type");
	patch_fails("{\"type\": \"Incident\"}", "invalid_value", "type");
	patch_fails("{\"type\": 1}", "invalid_type", "type");
	patch_fails("[]", "invalid_json", "");
}

static void test_comment(void **state)
{
	struct comment_input in;
	struct field_error err;
	json_t *body;
	char *s;

	(void)state;
	body = parse("{\"body\": \"Thanks!\\n\\n    code block\"}");
	assert_int_equal(comment_parse(body, &in, &err), 0);
	assert_string_equal(in.body, "Thanks!\n\n    code block");
	assert_false(in.internal);
	comment_input_free(&in);
	json_decref(body);

	body = parse("{\"body\": \"note\", \"internal\": true}");
	assert_int_equal(comment_parse(body, &in, &err), 0);
	assert_true(in.internal);
	comment_input_free(&in);
	json_decref(body);

	comment_fails("{\"body\": \"note\", \"internal\": \"yes\"}",
		      "invalid_type", "internal");
	comment_fails("{\"internal\": false}", "required", "body");
	comment_fails("{\"body\": \" \\n \"}", "required", "body");
	comment_fails("{\"body\": \"x\", \"visibility\": \"public\"}",
		      "unknown_field", "visibility");
	comment_fails("{\"body\": \"esc \\u001b[31m\"}", "invalid_text", "body");

	s = repeat('z', TEXT_MAX_BYTES + 1);
	body = json_pack("{s:s}", "body", s);
	assert_int_equal(comment_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "body");
	json_decref(body);
	free(s);
}

static void test_login(void **state)
{
	struct login_input in;
	struct field_error err;
	json_t *body;
	char *s;

	(void)state;
	body = parse("{\"email\": \" Zoe@Example.com \", \"password\": \" pass word \", "
		     "\"remember\": true}");
	assert_int_equal(login_parse(body, &in, &err), 0);
	assert_string_equal(in.email, "Zoe@Example.com");
	assert_string_equal(in.password, " pass word ");
	assert_true(in.remember);
	login_input_free(&in);
	assert_null(in.password);
	json_decref(body);

	login_fails("{\"password\": \"secret123\"}", "required", "email");
	login_fails("{\"email\": \"  \", \"password\": \"secret123\"}",
		    "required", "email");
	/* the email was parsed first: freed, not leaked (ASan) */
	login_fails("{\"email\": \"a@b.co\", \"password\": \"\"}", "required",
		    "password");
	login_fails("{\"email\": \"a@b.co\"}", "required", "password");
	login_fails("{\"email\": 42, \"password\": \"x\"}", "invalid_type", "email");
	login_fails("{\"email\": \"a@b.co\", \"password\": 12345678}",
		    "invalid_type", "password");
	login_fails("{\"email\": \"a@b.co\", \"password\": \"x\", \"remember\": 1}",
		    "invalid_type", "remember");
	login_fails("{\"email\": \"a@b.co\", \"password\": \"x\", \"otp\": \"1\"}",
		    "unknown_field", "otp");
	login_fails("\"a@b.co\"", "invalid_json", "");

	s = repeat('p', PASSWORD_MAX_BYTES);
	body = json_pack("{s:s, s:s}", "email", "a@b.co", "password", s);
	assert_int_equal(login_parse(body, &in, &err), 0);
	login_input_free(&in);
	json_decref(body);
	free(s);
	s = repeat('p', PASSWORD_MAX_BYTES + 1);
	body = json_pack("{s:s, s:s}", "email", "a@b.co", "password", s);
	assert_int_equal(login_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "password");
	json_decref(body);
	free(s);
	s = repeat('e', EMAIL_MAX_BYTES + 1);
	body = json_pack("{s:s, s:s}", "email", s, "password", "x");
	assert_int_equal(login_parse(body, &in, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "email");
	json_decref(body);
	free(s);
}

/* ---- references and e-mail ------------------------------------------------ */

static void test_ref_parse(void **state)
{
	static const char *const bad[] = {
		"XX-5", "HD-", "HD-0", "HD-00", "HD-12a", "-5", "HD--5", "HD-+5",
		"HD- 5", "HD-5 ", "HD5", "HDX-5", "H-5", "", "HD",
		"HD-18446744073709551616", "HD-99999999999999999999",
	};
	uint64_t id;
	size_t i;

	(void)state;
	assert_int_equal(ticket_ref_parse("HD-10001", "HD", &id), 0);
	assert_int_equal(id, 10001);
	assert_int_equal(ticket_ref_parse("hd-42", "HD", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(ticket_ref_parse("Hd-7", "hD", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(ticket_ref_parse("HD-18446744073709551615", "HD", &id), 0);
	assert_true(id == UINT64_MAX);
	assert_int_equal(ticket_ref_parse("IT-HD-3", "IT-HD", &id), 0);
	assert_int_equal(id, 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = 99;
		if (ticket_ref_parse(bad[i], "HD", &id) != DK_ERR_INVALID)
			fail_msg("\"%s\" parsed as a reference", bad[i]);
		assert_int_equal(id, 0);
	}
	assert_int_equal(ticket_ref_parse(NULL, "HD", &id), DK_ERR_INVALID);
	assert_int_equal(ticket_ref_parse("HD-1", NULL, &id), DK_ERR_INVALID);
	assert_int_equal(ticket_ref_parse("-1", "", &id), DK_ERR_INVALID);
}

static void test_ref_format(void **state)
{
	char buf[48];
	uint64_t id;

	(void)state;
	ticket_ref_format(buf, sizeof(buf), "HD", 10001);
	assert_string_equal(buf, "HD-10001");
	ticket_ref_format(buf, sizeof(buf), "HD", UINT64_MAX);
	assert_string_equal(buf, "HD-18446744073709551615");
	assert_int_equal(ticket_ref_parse(buf, "HD", &id), 0);
	assert_true(id == UINT64_MAX);
	memset(buf, 'x', sizeof(buf));
	ticket_ref_format(buf, 5, "HD", 10001);
	assert_string_equal(buf, "HD-1");
	assert_int_equal(buf[5], 'x');
}

static void test_email_valid(void **state)
{
	static const char *const good[] = {
		"a@b.co", "first.last+tag@sub.example.org", "zoë@example.nl",
		"O'Brien@Example.IE", "x@a-b.c",
	};
	static const char *const bad[] = {
		"", "a", "@b.co", "a@", "a@b", "a@@b.co", "a@b@c.co", "a@.b.co",
		"a@b.co.", "a@b..co", "a b@c.co", "a@b .co", " a@b.co", "a@b.co\n",
		"a\t@b.co", "a\x7f@b.co", "a@b.\x01co",
		/* specials that would break a mail header */
		"a<b@c.co", "a@c.co>", "Eve <e@c.co>", "a,b@c.co", "a;b@c.co", "a:b@c.co",
		"\"a\"@c.co", "a\\b@c.co", "a@[10.0.0.1]", "a(x)@c.co",
	};
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!email_valid(good[i]))
			fail_msg("\"%s\" should be valid", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (email_valid(bad[i]))
			fail_msg("\"%s\" should be invalid", bad[i]);
	assert_false(email_valid(NULL));

	/* 254 bytes is the limit */
	s = repeat('a', EMAIL_MAX_BYTES);
	memcpy(s + EMAIL_MAX_BYTES - 6, "@b.com", 6);
	assert_true(email_valid(s));
	free(s);
	s = repeat('a', EMAIL_MAX_BYTES + 1);
	memcpy(s + EMAIL_MAX_BYTES + 1 - 6, "@b.com", 6);
	assert_false(email_valid(s));
	free(s);
}

static void test_email_fold(void **state)
{
	char out[64];

	(void)state;
	email_fold("Zoë.EXAMPLE@Example.Com", out, sizeof(out));
	assert_string_equal(out, "zoë.example@example.com");
	email_fold("ABCDEF", out, 4);
	assert_string_equal(out, "abc");
	out[0] = 'q';
	email_fold("ABC", out, 0);
	assert_int_equal(out[0], 'q');
}

/* ---- workflow ------------------------------------------------------------ */

static void test_workflow(void **state)
{
	(void)state;
	assert_string_equal(status_initial(), "new");
	assert_int_equal(status_category("new"), CATEGORY_NEW);
	assert_int_equal(status_category("in_progress"), CATEGORY_OPEN);
	assert_int_equal(status_category("waiting_for_customer"), CATEGORY_WAITING);
	assert_int_equal(status_category("resolved"), CATEGORY_RESOLVED);
	assert_int_equal(status_category("closed"), CATEGORY_CLOSED);
	assert_int_equal(status_category("cancelled"), CATEGORY_CLOSED);
	assert_int_equal(status_category("Closed"), CATEGORY_UNKNOWN);
	assert_int_equal(status_category(""), CATEGORY_UNKNOWN);
	assert_int_equal(status_category(NULL), CATEGORY_UNKNOWN);
	assert_string_equal(status_category_name(CATEGORY_NEW), "new");
	assert_string_equal(status_category_name(CATEGORY_OPEN), "open");
	assert_string_equal(status_category_name(CATEGORY_WAITING), "waiting");
	assert_string_equal(status_category_name(CATEGORY_RESOLVED), "resolved");
	assert_string_equal(status_category_name(CATEGORY_CLOSED), "closed");
	assert_null(status_category_name(CATEGORY_UNKNOWN));
	assert_true(status_is_final("closed"));
	assert_true(status_is_final("cancelled"));
	assert_false(status_is_final("resolved"));
	assert_false(status_is_final("new"));
	assert_false(status_is_final("bogus"));
	assert_true(ticket_type_valid("incident"));
	assert_true(ticket_type_valid("question"));
	assert_true(ticket_type_valid("change_request"));
	assert_false(ticket_type_valid("Incident"));
	assert_false(ticket_type_valid("change request"));
	assert_false(ticket_type_valid(""));
	assert_false(ticket_type_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_parse),
		cmocka_unit_test(test_create_ok),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_create_unknown_field_message),
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_create_form_type_priority),
		cmocka_unit_test(test_create_nul_byte),
		cmocka_unit_test(test_priority_forms),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_comment),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_ref_parse),
		cmocka_unit_test(test_ref_format),
		cmocka_unit_test(test_email_valid),
		cmocka_unit_test(test_email_fold),
		cmocka_unit_test(test_workflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
