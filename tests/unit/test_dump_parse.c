/* Dump lines back into records (dump_parse.c): every record survives
 * dump -> text -> parse unchanged and dumps to the same text again, and
 * lines that are not a record's dump are refused with the field named. */
#include "test.h"

#include "dk_err.h"
#include "dump_parse.h"
#include "json_map.h"
#include "record.h"
#include "record_fixtures.h"

/* The dump line of j as deskctl writes it; j's reference is taken. */
static char *line_of(json_t *j)
{
	assert_non_null(j);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!j)
		fail_msg("bad JSON in test: %s: %s", text, je.text);
	return j;
}

static void test_user_round_trip(void **state)
{
	struct field_error fe;
	struct user a, b;

	(void)state;
	fill_user(&a);
	char *text = line_of(user_dump_json(&a));
	json_t *j = load(text);
	assert_int_equal(user_from_dump_json(j, &b, &fe), 0);
	assert_user_eq(&a, &b);
	char *again = line_of(user_dump_json(&b));
	assert_string_equal(text, again);
	json_decref(j);
	free(text);
	free(again);
	user_free(&a);
	user_free(&b);
}

static void test_org_round_trip(void **state)
{
	struct field_error fe;
	struct org a, b;

	(void)state;
	fill_org(&a);
	char *text = line_of(org_dump_json(&a));
	json_t *j = load(text);
	assert_int_equal(org_from_dump_json(j, &b, &fe), 0);
	assert_org_eq(&a, &b);
	char *again = line_of(org_dump_json(&b));
	assert_string_equal(text, again);
	json_decref(j);
	free(text);
	free(again);
	org_free(&a);
	org_free(&b);
}

static void test_ticket_round_trip(void **state)
{
	struct field_error fe;
	struct ticket a, b;

	(void)state;
	fill_ticket(&a);
	char *text = line_of(ticket_dump_json(&a));
	json_t *j = load(text);
	assert_int_equal(ticket_from_dump_json(j, &b, &fe), 0);
	assert_ticket_eq(&a, &b);
	char *again = line_of(ticket_dump_json(&b));
	assert_string_equal(text, again);
	json_decref(j);
	free(text);
	free(again);
	ticket_free(&a);
	ticket_free(&b);
}

static void test_event_round_trip(void **state)
{
	struct field_error fe;
	struct ticket_event a, b;

	(void)state;
	/* every kind has its name in the dump */
	for (int k = EVENT_CREATED; k <= EVENT_APPROVAL; k++) {
		fill_ticket_event(&a);
		a.kind = (enum event_kind)k;
		char *text = line_of(ticket_event_dump_json(&a));
		json_t *j = load(text);
		assert_int_equal(ticket_event_from_dump_json(j, &b, &fe), 0);
		assert_ticket_event_eq(&a, &b);
		char *again = line_of(ticket_event_dump_json(&b));
		assert_string_equal(text, again);
		json_decref(j);
		free(text);
		free(again);
		ticket_event_free(&a);
		ticket_event_free(&b);
	}
}

static void test_session_round_trip(void **state)
{
	static const char hex[] =
		"00ff10a0b1c2d3e4f5a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eaf0ff";
	struct field_error fe;
	struct session a, b;
	uint8_t key[32];

	(void)state;
	fill_session(&a);
	for (int kind = SESSION_BROWSER; kind <= SESSION_API_TOKEN; kind++) {
		a.kind = (enum session_kind)kind;
		char *text = line_of(session_dump_json(&a, hex));
		json_t *j = load(text);
		assert_int_equal(session_from_dump_json(j, &b, key, &fe), 0);
		assert_session_eq(&a, &b);
		assert_int_equal(key[0], 0x00);
		assert_int_equal(key[1], 0xff);
		assert_int_equal(key[31], 0xff);
		char *again = line_of(session_dump_json(&b, hex));
		assert_string_equal(text, again);
		json_decref(j);
		free(text);
		free(again);
		session_free(&b);
	}
	session_free(&a);
}

/* What a dump leaves out keeps the decoder's defaults. */
static void test_defaults(void **state)
{
	struct field_error fe;
	struct user u;
	struct ticket t;
	struct ticket_event e;
	struct session s;
	uint8_t key[32];

	(void)state;
	json_t *j = load("{\"kind\":\"user\",\"id\":3,\"email\":\"a@b.example\",\"role\":null,"
			 "\"phone\":null}");
	assert_int_equal(user_from_dump_json(j, &u, &fe), 0);
	assert_int_equal(u.id, 3);
	assert_int_equal(u.role, ROLE_NONE);
	assert_null(u.name);
	assert_null(u.phone);
	assert_false(u.disabled);
	user_free(&u);
	json_decref(j);

	j = load("{\"kind\":\"ticket\",\"id\":10001,\"status\":\"new\"}");
	assert_int_equal(ticket_from_dump_json(j, &t, &fe), 0);
	assert_int_equal(t.priority, 4);
	assert_int_equal(t.n_followers, 0);
	assert_null(t.followers);
	assert_string_equal(t.status, "new");
	ticket_free(&t);
	json_decref(j);

	j = load("{\"kind\":\"event\",\"ticket_id\":10001,\"seq\":1,\"event_kind\":\"comment\"}");
	assert_int_equal(ticket_event_from_dump_json(j, &e, &fe), 0);
	assert_int_equal(e.kind, EVENT_COMMENT);
	assert_null(e.body);
	ticket_event_free(&e);
	json_decref(j);

	j = load("{\"kind\":\"session\",\"key\":\"" 
		 "ABCDEFabcdef0123456789abcdef0123456789abcdef0123456789abcdef0123\","
		 "\"session_kind\":\"browser\",\"user_id\":9}");
	assert_int_equal(session_from_dump_json(j, &s, key, &fe), 0);
	assert_int_equal(key[0], 0xab);
	assert_int_equal(s.user_id, 9);
	session_free(&s);
	json_decref(j);
}

/* Parses text as kind and expects a refusal naming field. */
static void refused(const char *kind, const char *text, const char *field)
{
	struct field_error fe;
	union {
		struct user u;
		struct org o;
		struct ticket t;
		struct ticket_event e;
		struct session s;
	} r;
	uint8_t key[32];
	int rc;
	json_t *j = load(text);

	memset(&fe, 0, sizeof fe);
	if (!strcmp(kind, "user"))
		rc = user_from_dump_json(j, &r.u, &fe);
	else if (!strcmp(kind, "org"))
		rc = org_from_dump_json(j, &r.o, &fe);
	else if (!strcmp(kind, "ticket"))
		rc = ticket_from_dump_json(j, &r.t, &fe);
	else if (!strcmp(kind, "event"))
		rc = ticket_event_from_dump_json(j, &r.e, &fe);
	else
		rc = session_from_dump_json(j, &r.s, key, &fe);
	json_decref(j);
	if (rc != DK_ERR_INVALID)
		fail_msg("accepted as %s: %s", kind, text);
	if (strcmp(fe.field, field))
		fail_msg("%s: field \"%s\", expected \"%s\" (%s)", text, fe.field, field, fe.message);
	assert_non_null(fe.code);
	assert_true(fe.message[0] != '\0');
	/* out is zeroed on failure, so freeing it again is harmless */
	static const char zero[sizeof r];
	assert_memory_equal(&r, zero, !strcmp(kind, "user") ? sizeof r.u
				     : !strcmp(kind, "org") ? sizeof r.o
				     : !strcmp(kind, "ticket") ? sizeof r.t
				     : !strcmp(kind, "event") ? sizeof r.e : sizeof r.s);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("user", "[]", "");
	refused("user", "{\"id\":1,\"email\":\"a@b\"}", "kind");
	refused("user", "{\"kind\":\"org\",\"id\":1,\"email\":\"a@b\"}", "kind");
	refused("user", "{\"kind\":\"user\",\"email\":\"a@b\"}", "id");
	refused("user", "{\"kind\":\"user\",\"id\":0,\"email\":\"a@b\"}", "id");
	refused("user", "{\"kind\":\"user\",\"id\":\"1\",\"email\":\"a@b\"}", "id");
	refused("user", "{\"kind\":\"user\",\"id\":1}", "email");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":null}", "email");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":7}", "email");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a\\u0000b\"}", "email");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a@b\",\"role\":\"boss\"}", "role");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a@b\",\"contact\":16}", "contact");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a@b\",\"disabled\":1}", "disabled");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a@b\",\"created_ms\":1.5}",
		"created_ms");
	refused("user", "{\"kind\":\"user\",\"id\":1,\"email\":\"a@b\",\"admin\":true}", "admin");
	refused("org", "{\"kind\":\"org\",\"id\":1}", "name");
	refused("org", "{\"kind\":\"org\",\"id\":1,\"name\":\"A\",\"services\":[\"x\",null]}",
		"services");
	refused("org", "{\"kind\":\"org\",\"id\":1,\"name\":\"A\",\"services\":\"x\"}", "services");
	refused("org", "{\"kind\":\"org\",\"id\":1,\"name\":\"A\",\"priority_mode\":3}",
		"priority_mode");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1}", "status");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"priority\":0}",
		"priority");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"priority\":5}",
		"priority");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"event_count\":-1}",
		"event_count");
	refused("ticket",
		"{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"event_count\":4294967296}",
		"event_count");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"followers\":[\"3\"]}",
		"followers");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"rating\":6}", "rating");
	refused("ticket", "{\"kind\":\"ticket\",\"id\":1,\"status\":\"new\",\"fields\":{}}", "fields");
	refused("event", "{\"kind\":\"event\",\"ticket_id\":1,\"seq\":0,\"event_kind\":\"comment\"}",
		"seq");
	refused("event", "{\"kind\":\"event\",\"ticket_id\":0,\"seq\":1,\"event_kind\":\"comment\"}",
		"ticket_id");
	refused("event", "{\"kind\":\"event\",\"ticket_id\":1,\"seq\":1}", "event_kind");
	refused("event", "{\"kind\":\"event\",\"ticket_id\":1,\"seq\":1,\"event_kind\":\"shout\"}",
		"event_kind");
	refused("session", "{\"kind\":\"session\",\"session_kind\":\"browser\",\"user_id\":1}", "key");
	refused("session", "{\"kind\":\"session\",\"key\":\"abc\",\"session_kind\":\"browser\","
		"\"user_id\":1}", "key");
	refused("session", "{\"kind\":\"session\",\"key\":\""
		"zz00000000000000000000000000000000000000000000000000000000000000\","
		"\"session_kind\":\"browser\",\"user_id\":1}", "key");
	refused("session", "{\"kind\":\"session\",\"key\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\","
		"\"session_kind\":\"cookie\",\"user_id\":1}", "session_kind");
	refused("session", "{\"kind\":\"session\",\"key\":\""
		"0000000000000000000000000000000000000000000000000000000000000000\","
		"\"session_kind\":\"browser\"}", "user_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_round_trip),
		cmocka_unit_test(test_org_round_trip),
		cmocka_unit_test(test_ticket_round_trip),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_session_round_trip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests_name("dump_parse", tests, NULL, NULL);
}
