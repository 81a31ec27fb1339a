/* Profile request bodies (profile_input.h): changing one's own details and
 * one's password. */
#include "test_json.h"

#include "dk_err.h"
#include "profile_input.h"
#include "record.h"
#include "validate.h"

/* Limits as documented for the API, written out rather than taken from
 * the code under test. */
#define NAME_MAX 200
#define PHONE_MAX 40
#define PW_MIN 8
#define PW_MAX 1024

/* Parses body with fn and checks the field error and that the output was
 * left zeroed. */
#define FAILS_ON(fn, type, body, want_code, want_field)                      \
	do {                                                                 \
		type out_, zero_;                                            \
		struct field_error err_;                                     \
		json_t *b_ = (body);                                         \
		memset(&zero_, 0, sizeof(zero_));                            \
		memset(&out_, 0xa5, sizeof(out_));                           \
		if (fn(b_, &out_, &err_) != DK_ERR_INVALID)                  \
			fail_msg("%s accepted a bad body", #fn);             \
		if (strcmp(err_.code, (want_code)) ||                        \
		    strcmp(err_.field, (want_field)))                        \
			fail_msg("%s: got %s \"%s\", expected %s \"%s\"", #fn, \
				 err_.code, err_.field, (want_code),         \
				 (want_field));                              \
		assert_true(err_.message[0] != '\0');                        \
		assert_memory_equal(&out_, &zero_, sizeof(out_));            \
		json_decref(b_);                                             \
	} while (0)

#define profile_fails(text, code, field) \
	FAILS_ON(profile_parse, struct profile_input, test_json_parse(text), code, field)
#define password_fails(text, code, field) \
	FAILS_ON(password_change_parse, struct password_input, test_json_parse(text), code, field)

static void profile_ok(const char *text, struct profile_input *out)
{
	struct field_error err;
	json_t *body = test_json_parse(text);

	if (profile_parse(body, out, &err) != 0)
		fail_msg("profile_parse refused %s: %s \"%s\"", text, err.code, err.field);
	/* the output owns what it holds */
	json_decref(body);
}

/* A JSON object {"key": "cc...c"} with n copies of c. */
static json_t *long_text(const char *key, char c, size_t n)
{
	char *s = malloc(n + 1);
	json_t *j;

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	j = json_pack("{s:s}", key, s);
	free(s);
	assert_non_null(j);
	return j;
}

static void test_profile_fields(void **state)
{
	struct profile_input in;
	(void)state;

	profile_ok("{\"name\": \"  Alice  Acme \"}", &in);
	assert_string_equal(in.name, "Alice  Acme");
	assert_false(in.set_phone || in.set_language || in.set_contact);
	profile_input_free(&in);
	assert_null(in.name);

	profile_ok("{\"phone\": \" +31 (0)20-123 45.67/8 \", \"language\": \"sv\"}", &in);
	assert_null(in.name);
	assert_true(in.set_phone);
	assert_string_equal(in.phone, "+31 (0)20-123 45.67/8");
	assert_true(in.set_language);
	assert_string_equal(in.language, "sv");
	profile_input_free(&in);

	/* null and "" remove the phone; null removes the language choice */
	profile_ok("{\"phone\": null, \"language\": null}", &in);
	assert_true(in.set_phone && in.set_language);
	assert_null(in.phone);
	assert_null(in.language);
	profile_input_free(&in);
	profile_ok("{\"phone\": \"\"}", &in);
	assert_true(in.set_phone);
	assert_null(in.phone);
	profile_input_free(&in);

	profile_ok("{\"contact\": [\"mail\", \"email\", \"fax\", \"phone\"]}", &in);
	assert_true(in.set_contact);
	assert_int_equal(in.contact, CONTACT_EMAIL | CONTACT_PHONE | CONTACT_FAX | CONTACT_MAIL);
	profile_input_free(&in);
	profile_ok("{\"contact\": []}", &in);
	assert_true(in.set_contact);
	assert_int_equal(in.contact, 0);
	profile_input_free(&in);
	profile_ok("{\"contact\": [\"phone\"], \"name\": \"B\"}", &in);
	assert_int_equal(in.contact, CONTACT_PHONE);
	profile_input_free(&in);

	/* at the limits */
	struct field_error err;
	json_t *b = long_text("name", 'n', NAME_MAX);
	assert_int_equal(profile_parse(b, &in, &err), 0);
	assert_int_equal(strlen(in.name), NAME_MAX);
	profile_input_free(&in);
	json_decref(b);
	b = long_text("phone", '1', PHONE_MAX);
	assert_int_equal(profile_parse(b, &in, &err), 0);
	profile_input_free(&in);
	json_decref(b);
	profile_input_free(NULL);
}

static void test_profile_refused(void **state)
{
	(void)state;
	profile_fails("[]", "invalid_json", "");
	profile_fails("{}", "required", "");
	profile_fails("{\"nickname\": \"x\"}", "unknown_field", "nickname");
	profile_fails("{\"role\": \"admin\"}", "unknown_field", "role");
	profile_fails("{\"id\": 3, \"name\": \"x\"}", "unknown_field", "id");
	/* the e-mail address is the sign-in name: not here */
	profile_fails("{\"email\": \"new@x.example\"}", "read_only", "email");
	profile_fails("{\"name\": \"x\", \"email\": \"a@b.example\"}", "read_only", "email");

	profile_fails("{\"name\": \"\"}", "required", "name");
	profile_fails("{\"name\": \"   \"}", "required", "name");
	profile_fails("{\"name\": null}", "invalid_type", "name");
	profile_fails("{\"name\": 7}", "invalid_type", "name");
	profile_fails("{\"name\": \"a\\nb\"}", "invalid_text", "name");
	profile_fails("{\"name\": \"a\\u0000b\"}", "invalid_text", "name");
	FAILS_ON(profile_parse, struct profile_input, long_text("name", 'n', NAME_MAX + 1),
		 "too_long", "name");

	profile_fails("{\"phone\": 612345678}", "invalid_type", "phone");
	profile_fails("{\"phone\": \"call me\"}", "invalid_value", "phone");
	profile_fails("{\"phone\": \"--\"}", "invalid_value", "phone");
	profile_fails("{\"phone\": \"12\\t3\"}", "invalid_text", "phone");
	FAILS_ON(profile_parse, struct profile_input, long_text("phone", '1', PHONE_MAX + 1),
		 "too_long", "phone");

	profile_fails("{\"language\": \"de\"}", "invalid_value", "language");
	profile_fails("{\"language\": \"EN\"}", "invalid_value", "language");
	profile_fails("{\"language\": \"en-GB\"}", "invalid_value", "language");
	profile_fails("{\"language\": \"e\\u0000\"}", "invalid_value", "language");
	profile_fails("{\"language\": 1}", "invalid_type", "language");
	profile_fails("{\"language\": [\"en\"]}", "invalid_type", "language");

	profile_fails("{\"contact\": \"email\"}", "invalid_type", "contact");
	profile_fails("{\"contact\": null}", "invalid_type", "contact");
	profile_fails("{\"contact\": [1]}", "invalid_type", "contact");
	profile_fails("{\"contact\": [\"sms\"]}", "invalid_value", "contact");
	profile_fails("{\"contact\": [\"Email\"]}", "invalid_value", "contact");
	profile_fails("{\"contact\": [\"email\", \"email\"]}", "invalid_value", "contact");
	profile_fails("{\"contact\": [\"email\", \"phone\", \"fax\", \"mail\", \"email\"]}",
		      "too_long", "contact");
	/* the first fault found is the one reported; nothing is half-parsed */
	profile_fails("{\"name\": \"ok\", \"contact\": [\"pigeon\"]}", "invalid_value", "contact");
}

static void test_password_change(void **state)
{
	struct password_input in;
	struct field_error err;
	json_t *b;
	(void)state;

	b = test_json_parse("{\"old_password\": \" old one \", \"new_password\": \"new secret\"}");
	assert_int_equal(password_change_parse(b, &in, &err), 0);
	json_decref(b);
	/* taken byte for byte: no trimming */
	assert_string_equal(in.old_password, " old one ");
	assert_string_equal(in.new_password, "new secret");
	password_input_free(&in);
	assert_null(in.old_password);
	password_input_free(NULL);

	b = json_pack("{s:s, s:s}", "old_password", "x", "new_password", "12345678");
	assert_int_equal(password_change_parse(b, &in, &err), 0);
	password_input_free(&in);
	json_decref(b);

	password_fails("[]", "invalid_json", "");
	password_fails("{\"new_password\": \"long enough\"}", "required", "old_password");
	password_fails("{\"old_password\": \"x\"}", "required", "new_password");
	password_fails("{\"old_password\": \"\", \"new_password\": \"long enough\"}", "required",
		       "old_password");
	password_fails("{\"old_password\": 1, \"new_password\": \"long enough\"}", "invalid_type",
		       "old_password");
	password_fails("{\"old_password\": \"x\", \"new_password\": null}", "invalid_type",
		       "new_password");
	password_fails("{\"old_password\": \"x\", \"new_password\": \"1234567\"}", "too_short",
		       "new_password");
	password_fails("{\"old_password\": \"x\", \"new_password\": \"a\\u0000bcdefgh\"}",
		       "invalid_text", "new_password");
	password_fails("{\"old_password\": \"x\", \"new_password\": \"long enough\", \"x\": 1}",
		       "unknown_field", "x");

	/* the byte limits of both */
	b = long_text("new_password", 'p', PW_MAX);
	json_object_set_new(b, "old_password", json_string("x"));
	assert_int_equal(password_change_parse(b, &in, &err), 0);
	assert_int_equal(strlen(in.new_password), PW_MAX);
	password_input_free(&in);
	json_decref(b);
	b = long_text("new_password", 'p', PW_MAX + 1);
	json_object_set_new(b, "old_password", json_string("x"));
	FAILS_ON(password_change_parse, struct password_input, b, "too_long", "new_password");
	b = long_text("old_password", 'p', PW_MAX + 1);
	json_object_set_new(b, "new_password", json_string("long enough"));
	FAILS_ON(password_change_parse, struct password_input, b, "too_long", "old_password");
	b = long_text("new_password", 'p', PW_MIN - 1);
	json_object_set_new(b, "old_password", json_string("x"));
	FAILS_ON(password_change_parse, struct password_input, b, "too_short", "new_password");
}

static void test_contact_bit(void **state)
{
	(void)state;
	assert_int_equal(contact_bit("email"), CONTACT_EMAIL);
	assert_int_equal(contact_bit("phone"), CONTACT_PHONE);
	assert_int_equal(contact_bit("fax"), CONTACT_FAX);
	assert_int_equal(contact_bit("mail"), CONTACT_MAIL);
	assert_int_equal(contact_bit("post"), 0);
	assert_int_equal(contact_bit(""), 0);
	assert_int_equal(contact_bit(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_fields),
		cmocka_unit_test(test_profile_refused),
		cmocka_unit_test(test_password_change),
		cmocka_unit_test(test_contact_bit),
	};

	return cmocka_run_group_tests_name("profile_input", tests, NULL, NULL);
}
