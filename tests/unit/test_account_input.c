/* Account request bodies (account_input.h) and the records accounts by
 * e-mail store: access requests, one-time link sessions and organisations'
 * sign-up domains. */
#include "test_json.h"

#include <msgpack.h>

#include "account_input.h"
#include "dk_err.h"
#include "record.h"

/* Checks the field error and that the output was left zeroed. */
#define FAILS_ON(call, type, out, want_code, want_field)                            \
	do {                                                                        \
		type zero_;                                                         \
		struct field_error err_;                                            \
		memset(&zero_, 0, sizeof(zero_));                                   \
		memset(&(out), 0xa5, sizeof(out));                                  \
		if ((call) != DK_ERR_INVALID)                                       \
			fail_msg("%s accepted a bad body", #call);                  \
		if (strcmp(err_.code, (want_code)) || strcmp(err_.field, (want_field))) \
			fail_msg("%s: got %s \"%s\", expected %s \"%s\"", #call,    \
				 err_.code, err_.field, (want_code), (want_field)); \
		assert_memory_equal(&(out), &zero_, sizeof(out));                   \
	} while (0)

static void signup_fails(const char *text, bool profile, const char *code, const char *field)
{
	struct signup_input out;
	json_t *b = test_json_parse(text);
	FAILS_ON(signup_parse(b, profile, &out, &err_), struct signup_input, out, code, field);
	json_decref(b);
}

static void token_fails(const char *text, bool named, const char *code, const char *field)
{
	struct token_input out;
	json_t *b = test_json_parse(text);
	FAILS_ON(token_parse(b, named, &out, &err_), struct token_input, out, code, field);
	json_decref(b);
}

static void access_fails(const char *text, const char *code, const char *field)
{
	struct access_input out;
	json_t *b = test_json_parse(text);
	FAILS_ON(access_input_parse(b, &out, &err_), struct access_input, out, code, field);
	json_decref(b);
}

static void test_signup(void **state)
{
	struct signup_input in;
	struct field_error err;
	json_t *b;

	(void)state;
	b = test_json_parse("{\"email\":\" Nina@Acme.example \",\"name\":\" Nina \",\"language\":\"sv\"}");
	assert_int_equal(signup_parse(b, true, &in, &err), 0);
	assert_string_equal(in.email, "Nina@Acme.example");
	assert_string_equal(in.name, "Nina");
	assert_string_equal(in.language, "sv");
	signup_input_free(&in);
	json_decref(b);
	b = test_json_parse("{\"email\":\"n@acme.example\",\"name\":\"\",\"language\":null}");
	assert_int_equal(signup_parse(b, true, &in, &err), 0);
	assert_null(in.name);
	assert_null(in.language);
	signup_input_free(&in);
	json_decref(b);

	signup_fails("[]", true, "invalid_json", "");
	signup_fails("{}", true, "required", "email");
	signup_fails("{\"email\":\"nope\"}", true, "invalid_value", "email");
	signup_fails("{\"email\":\"a@b\"}", true, "invalid_value", "email");
	signup_fails("{\"email\":\"a b@c.example\"}", true, "invalid_value", "email");
	signup_fails("{\"email\":\"a\\tb@c.example\"}", true, "invalid_text", "email");
	signup_fails("{\"email\":7}", true, "invalid_type", "email");
	signup_fails("{\"email\":\"a@b.example\",\"language\":\"de\"}", true, "invalid_value",
		     "language");
	signup_fails("{\"email\":\"a@b.example\",\"name\":\"a\\u0000b\"}", true, "invalid_text",
		     "name");
	/* the forgotten-password body takes the address alone */
	signup_fails("{\"email\":\"a@b.example\",\"name\":\"A\"}", false, "unknown_field", "name");
}

static void test_token(void **state)
{
	struct token_input in;
	struct field_error err;
	json_t *b;

	(void)state;
	b = test_json_parse("{\"token\":\"abc\",\"name\":\" N \",\"password\":\" 12345678\"}");
	assert_int_equal(token_parse(b, true, &in, &err), 0);
	assert_string_equal(in.name, "N");
	assert_string_equal(in.password, " 12345678"); /* byte for byte */
	token_input_free(&in);
	json_decref(b);

	token_fails("{\"password\":\"12345678\"}", false, "required", "token");
	token_fails("{\"token\":\"a\",\"password\":\"1234567\"}", false, "too_short", "password");
	token_fails("{\"token\":\"a\",\"password\":\"12345678\"}", true, "required", "name");
	token_fails("{\"token\":\"a\",\"name\":\"n\",\"password\":\"12345678\"}", false,
		    "unknown_field", "name");
	token_fails("{\"token\":\"a\\nb\",\"password\":\"12345678\"}", false, "invalid_text",
		    "token");
	token_fails("{\"token\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
		    "\"password\":\"12345678\"}", false, "too_long", "token");
}

static void test_access_input(void **state)
{
	struct access_input in;
	struct field_error err;
	char *reason;
	json_t *b;

	(void)state;
	b = test_json_parse("{\"email\":\"c@acme.example\",\"name\":\"Carol\",\"phone\":\"+31 (0)20-123\","
		  "\"function\":\"\",\"language\":\"nl\"}");
	assert_int_equal(access_input_parse(b, &in, &err), 0);
	assert_string_equal(in.phone, "+31 (0)20-123");
	assert_null(in.function);
	assert_string_equal(in.language, "nl");
	access_input_free(&in);
	json_decref(b);

	access_fails("{\"name\":\"C\"}", "required", "email");
	access_fails("{\"email\":\"c@acme.example\"}", "required", "name");
	access_fails("{\"email\":\"c@acme.example\",\"name\":\"C\",\"phone\":\"call me\"}",
		     "invalid_value", "phone");
	access_fails("{\"email\":\"c@acme.example\",\"name\":\"C\",\"org_id\":1}", "unknown_field",
		     "org_id");

	b = test_json_parse("{}");
	assert_int_equal(refuse_parse(b, &reason, &err), 0);
	assert_null(reason);
	json_decref(b);
	b = test_json_parse("{\"reason\":\" Not ours \"}");
	assert_int_equal(refuse_parse(b, &reason, &err), 0);
	assert_string_equal(reason, "Not ours");
	free(reason);
	json_decref(b);
	b = test_json_parse("{\"reason\":1}");
	assert_int_equal(refuse_parse(b, &reason, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_type");
	assert_null(reason);
	json_decref(b);
}

static void test_access_record(void **state)
{
	struct access_request a = {
		.version = RECORD_VERSION, .id = 7, .org_id = 2, .requester_id = 3,
		.state = ACCESS_REFUSED, .email = "c@acme.example", .name = "Carol",
		.phone = NULL, .function = "Controller", .language = "sv", .created_ms = 1000,
		.decided_ms = 2000, .decided_by = 9, .reason = "No", .user_id = 0,
	};
	struct access_request b;
	struct dk_buf buf = { 0 };
	enum access_state st;

	(void)state;
	assert_int_equal(access_request_encode(&a, &buf), 0);
	assert_int_equal(access_request_decode(buf.data, buf.len, &b), 0);
	assert_int_equal(b.id, 7);
	assert_int_equal(b.state, ACCESS_REFUSED);
	assert_string_equal(b.email, "c@acme.example");
	assert_null(b.phone);
	assert_string_equal(b.function, "Controller");
	assert_string_equal(b.reason, "No");
	assert_int_equal(b.decided_by, 9);
	access_request_free(&b);
	dk_buf_free(&buf);
	a.state = (enum access_state)4;
	assert_int_equal(access_request_encode(&a, &buf), DK_ERR_INVALID);
	assert_int_equal(access_state_parse("approved", &st), 0);
	assert_int_equal(st, ACCESS_APPROVED);
	assert_int_equal(access_state_parse("all", &st), DK_ERR_INVALID);
	assert_string_equal(access_state_name(ACCESS_PENDING), "pending");
	/* a record without a state is not one */
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_uint64(&pk, 1);
	msgpack_pack_uint64(&pk, 5);
	assert_int_equal(access_request_decode(sb.data, sb.size, &b), DK_ERR_CORRUPT);
	msgpack_sbuffer_destroy(&sb);
}

static void test_link_session_and_domains(void **state)
{
	struct session s = {
		.version = RECORD_VERSION, .kind = SESSION_ACTIVATION, .email = "n@acme.example",
		.org_id = 4, .name = "Nina", .language = "nl", .created_ms = 1, .expires_ms = 2,
	};
	struct session t;
	struct org o = { .version = RECORD_VERSION, .id = 1, .name = "Acme" };
	struct org p;
	char *domains[] = { "acme.example", "acme-corp.example" };
	struct dk_buf buf = { 0 };

	(void)state;
	assert_int_equal(session_encode(&s, &buf), 0);
	assert_int_equal(session_decode(buf.data, buf.len, &t), 0);
	assert_int_equal(t.kind, SESSION_ACTIVATION);
	assert_string_equal(t.email, "n@acme.example");
	assert_int_equal(t.org_id, 4);
	assert_string_equal(t.language, "nl");
	session_free(&t);
	dk_buf_free(&buf);

	o.domains = domains;
	o.n_domains = 2;
	assert_int_equal(org_encode(&o, &buf), 0);
	assert_int_equal(org_decode(buf.data, buf.len, &p), 0);
	assert_int_equal(p.n_domains, 2);
	assert_string_equal(p.domains[1], "acme-corp.example");
	struct org copy;
	assert_int_equal(org_copy(&copy, &p), 0);
	assert_string_equal(copy.domains[0], "acme.example");
	org_free(&copy);
	org_free(&p);
	dk_buf_free(&buf);

	/* tolerant: domains of the wrong shape read as none, the rest stays */
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	msgpack_pack_uint64(&pk, 2);
	msgpack_pack_str_with_body(&pk, "Acme", 4);
	msgpack_pack_uint64(&pk, 7);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_str_with_body(&pk, "a.example", 9);
	msgpack_pack_uint64(&pk, 12);
	msgpack_pack_uint64(&pk, 1);
	msgpack_pack_uint64(&pk, 5);
	assert_int_equal(org_decode(sb.data, sb.size, &p), 0);
	assert_string_equal(p.name, "Acme");
	assert_int_equal(p.n_domains, 0);
	assert_null(p.domains);
	assert_int_equal(p.id, 5);
	org_free(&p);
	msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signup),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_access_input),
		cmocka_unit_test(test_access_record),
		cmocka_unit_test(test_link_session_and_domains),
	};

	return cmocka_run_group_tests_name("account_input", tests, NULL, NULL);
}
