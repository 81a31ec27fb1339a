/* JSON views and dumps of records (json_map.c). */
#include "test.h"

#include "json_map.h"
#include "record.h"
#include "record_fixtures.h"

static const char *sget(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static json_int_t iget(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static void test_time_format(void **state)
{
	char buf[32];

	(void)state;
	time_format_rfc3339(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	time_format_rfc3339(1700000000123, buf);
	assert_string_equal(buf, "2023-11-14T22:13:20.123Z");
	time_format_rfc3339(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	time_format_rfc3339(951782400000, buf);
	assert_string_equal(buf, "2000-02-29T00:00:00.000Z");
	time_format_rfc3339(4107542399999, buf);
	assert_string_equal(buf, "2100-02-28T23:59:59.999Z");
	time_format_rfc3339(INT64_MAX, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
	time_format_rfc3339(INT64_MIN, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00.000Z");
}

static void sample_ticket(struct ticket *t)
{
	static uint64_t followers[] = { 21, 23 };

	memset(t, 0, sizeof(*t));
	t->id = 10001;
	t->org_id = 12;
	t->requester_id = 21;
	t->creator_id = 22;
	t->title = "Printer on fire";
	t->description = "Smoke";
	t->type = "incident";
	t->priority = 2;
	t->status = "waiting_for_customer";
	t->channel = "portal";
	t->created_ms = 1700000000123;
	t->updated_ms = 1700000000456;
	t->followers = followers;
	t->n_followers = 2;
}

static void test_ticket_to_json(void **state)
{
	struct ticket t;
	json_t *j;

	(void)state;
	sample_ticket(&t);
	j = ticket_to_json(&t, "HD");
	assert_non_null(j);
	assert_string_equal(sget(j, "ref"), "HD-10001");
	assert_null(json_object_get(j, "id"));
	assert_string_equal(sget(j, "priority"), "P2");
	assert_string_equal(sget(j, "status"), "waiting_for_customer");
	assert_string_equal(sget(j, "status_category"), "waiting");
	assert_string_equal(sget(j, "created"), "2023-11-14T22:13:20.123Z");
	assert_true(json_is_null(json_object_get(j, "closed")));
	assert_true(json_is_null(json_object_get(j, "assignee_id")));
	assert_int_equal(iget(j, "requester_id"), 21);
	assert_int_equal(json_array_size(json_object_get(j, "followers")), 2);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "followers"), 1)),
			 23);
	assert_int_equal(json_array_size(json_object_get(j, "participants")), 0);
	assert_string_equal(sget(j, "title"), "Printer on fire");
	json_decref(j);

	t.closed_ms = 1700000000999;
	t.assignee_id = 23;
	t.status = "closed";
	j = ticket_to_json(&t, "HD");
	assert_string_equal(sget(j, "closed"), "2023-11-14T22:13:20.999Z");
	assert_int_equal(iget(j, "assignee_id"), 23);
	assert_string_equal(sget(j, "status_category"), "closed");
	json_decref(j);

	/* stored text that is not UTF-8 is repaired, not turned into a failure */
	t.title = "caf\xe9 \xff";
	j = ticket_to_json(&t, "HD");
	assert_non_null(j);
	assert_string_equal(sget(j, "title"), "caf\xef\xbf\xbd \xef\xbf\xbd");
	json_decref(j);
}

static void test_user_to_json(void **state)
{
	struct user u = { 0 };
	json_t *j;
	char *text;

	(void)state;
	u.id = 7;
	u.org_id = 12;
	u.role = ROLE_ORG_CUSTOMER;
	u.email = "zoe@example.com";
	u.name = "Zoë";
	u.password_hash = "$s1$0e0801$SECRETSALT$SECRETHASH";
	u.created_ms = 1700000000123;
	j = user_to_json(&u);
	assert_non_null(j);
	assert_null(json_object_get(j, "password_hash"));
	text = json_dumps(j, 0);
	assert_non_null(text);
	assert_null(strstr(text, "SECRET"));
	assert_null(strstr(text, "$s1$"));
	free(text);
	assert_string_equal(sget(j, "role"), "org-customer");
	assert_string_equal(sget(j, "email"), "zoe@example.com");
	assert_true(json_is_null(json_object_get(j, "language")));
	assert_true(json_is_false(json_object_get(j, "disabled")));
	assert_int_equal(iget(j, "org_id"), 12);
	json_decref(j);

	/* the dump keeps everything, with "kind" first */
	j = user_dump_json(&u);
	assert_non_null(j);
	assert_string_equal(json_object_iter_key(json_object_iter(j)), "kind");
	assert_string_equal(sget(j, "kind"), "user");
	assert_string_equal(sget(j, "password_hash"), u.password_hash);
	assert_non_null(json_object_get(j, "version"));
	json_decref(j);
}

static void test_event_to_json(void **state)
{
	struct ticket_event e = { 0 };
	json_t *j;

	(void)state;
	e.seq = 3;
	e.time_ms = 0;
	e.actor_id = 23;
	e.kind = EVENT_COMMENT;
	e.internal = true;
	e.body = "internal note";
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "comment");
	assert_string_equal(sget(j, "body"), "internal note");
	assert_string_equal(sget(j, "time"), "1970-01-01T00:00:00.000Z");
	assert_true(json_is_true(json_object_get(j, "internal")));
	assert_null(json_object_get(j, "old"));
	json_decref(j);

	e.kind = EVENT_STATUS;
	e.body = NULL;
	e.field = "status";
	e.old_value = "new";
	e.new_value = "resolved";
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "status");
	assert_string_equal(sget(j, "old"), "new");
	assert_string_equal(sget(j, "new"), "resolved");
	assert_null(json_object_get(j, "body"));
	json_decref(j);
}

static void test_other_views(void **state)
{
	struct org o = { 0 };
	struct session s = { 0 };
	struct ticket t;
	json_t *j;

	(void)state;
	o.id = 12;
	o.name = "Acme";
	o.share_by_default = true;
	j = org_to_json(&o);
	assert_string_equal(sget(j, "name"), "Acme");
	assert_true(json_is_true(json_object_get(j, "share_by_default")));
	json_decref(j);
	j = org_dump_json(&o);
	assert_string_equal(sget(j, "kind"), "org");
	json_decref(j);

	sample_ticket(&t);
	j = ticket_dump_json(&t);
	assert_string_equal(sget(j, "kind"), "ticket");
	assert_int_equal(iget(j, "id"), 10001);
	assert_int_equal(iget(j, "priority"), 2);
	json_decref(j);

	s.kind = SESSION_BROWSER;
	s.user_id = 7;
	s.csrf = "tok";
	j = session_dump_json(&s, "abcdef");
	assert_string_equal(json_object_iter_key(json_object_iter(j)), "kind");
	assert_string_equal(sget(j, "kind"), "session");
	assert_string_equal(sget(j, "key"), "abcdef");
	assert_string_equal(sget(j, "csrf"), "tok");
	json_decref(j);
}

static bool bget(const json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	assert_true(json_is_boolean(v));
	return json_is_true(v);
}

static bool is_null(const json_t *j, const char *key)
{
	return json_is_null(json_object_get(j, key));
}

/* The keys added with the ticket lifecycle, at their defaults. */
static void test_ticket_to_json_defaults(void **state)
{
	struct ticket t;
	json_t *j, *f;

	(void)state;
	sample_ticket(&t);
	j = ticket_to_json(&t, "HD");
	assert_non_null(j);
	assert_true(is_null(j, "request_type"));
	assert_true(is_null(j, "service"));
	assert_true(is_null(j, "subcategory"));
	assert_true(is_null(j, "impact"));
	assert_true(is_null(j, "urgency"));
	f = json_object_get(j, "fields");
	assert_true(json_is_object(f));
	assert_int_equal(json_object_size(f), 0);
	assert_false(bget(j, "shared_with_org"));
	assert_int_equal(json_array_size(json_object_get(j, "external_emails")), 0);
	assert_true(json_is_array(json_object_get(j, "external_emails")));
	assert_true(is_null(j, "assignee_group"));
	assert_true(is_null(j, "resolution_code"));
	assert_true(is_null(j, "cause"));
	assert_true(json_is_array(json_object_get(j, "related")));
	assert_int_equal(json_array_size(json_object_get(j, "related")), 0);
	assert_true(is_null(j, "rating"));
	assert_true(is_null(j, "rating_comment"));
	assert_false(bget(j, "needs_approval"));
	assert_true(is_null(j, "approver_id"));
	assert_int_equal(iget(j, "minutes"), 0);
	assert_int_equal(iget(j, "billable_minutes"), 0);
	assert_true(is_null(j, "resolved"));
	json_decref(j);
}

static void test_ticket_to_json_lifecycle(void **state)
{
	struct ticket t;
	json_t *j, *f, *a;

	(void)state;
	fill_ticket(&t);
	j = ticket_to_json(&t, "SD");
	assert_non_null(j);
	assert_string_equal(sget(j, "ref"), "SD-10001");
	assert_string_equal(sget(j, "request_type"), "report_incident");
	assert_string_equal(sget(j, "service"), "erp");
	assert_string_equal(sget(j, "subcategory"), "invoicing");
	assert_int_equal(iget(j, "impact"), 3);
	assert_int_equal(iget(j, "urgency"), 4);
	f = json_object_get(j, "fields");
	assert_string_equal(sget(f, "component"), "printer");
	assert_true(json_is_true(json_object_get(f, "recurring")));
	assert_true(bget(j, "shared_with_org"));
	a = json_object_get(j, "external_emails");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "ops@hosting.example");
	assert_string_equal(sget(j, "assignee_group"), "second_line");
	assert_string_equal(sget(j, "resolution_code"), "workaround");
	assert_string_equal(sget(j, "cause"), "configuration_error");
	a = json_object_get(j, "related");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "SD-10000");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "SD-18446744073709551615");
	assert_int_equal(iget(j, "rating"), 5);
	assert_string_equal(sget(j, "rating_comment"), "Snel opgelost, dank je!");
	assert_true(bget(j, "needs_approval"));
	assert_true((uint64_t)iget(j, "approver_id") == 1ULL << 50);
	assert_true((uint32_t)iget(j, "minutes") == UINT32_MAX);
	assert_int_equal(iget(j, "billable_minutes"), 90);
	assert_string_equal(sget(j, "resolved"), "1969-12-31T23:59:59.995Z");
	/* the stored category (3: waiting) wins; status is waiting too here */
	assert_string_equal(sget(j, "status_category"), "waiting");
	json_decref(j);

	/* a status the default workflow does not know still has its category */
	free(t.status);
	t.status = strdup("on_hold_for_release");
	t.category = 4;
	j = ticket_to_json(&t, "SD");
	assert_string_equal(sget(j, "status_category"), "resolved");
	json_decref(j);
	t.category = 0;
	j = ticket_to_json(&t, "SD");
	assert_true(is_null(j, "status_category"));
	json_decref(j);
	free(t.status);
	t.status = strdup("closed");
	j = ticket_to_json(&t, "SD");
	assert_string_equal(sget(j, "status_category"), "closed");
	json_decref(j);

	/* fields text that is not a JSON object shows as {} */
	free(t.fields);
	t.fields = strdup("[1, 2]");
	j = ticket_to_json(&t, NULL);
	assert_int_equal(json_object_size(json_object_get(j, "fields")), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "related"), 0)),
			    "-10000");
	json_decref(j);
	free(t.fields);
	t.fields = strdup("{\"a\":");
	j = ticket_to_json(&t, "SD");
	assert_true(json_is_object(json_object_get(j, "fields")));
	assert_int_equal(json_object_size(json_object_get(j, "fields")), 0);
	json_decref(j);
	ticket_free(&t);
}

static void test_user_and_org_lifecycle(void **state)
{
	struct user u = { 0 };
	struct org o = { 0 };
	char *services[] = { (char *)"erp", (char *)"hosting" };
	json_t *j, *a;

	(void)state;
	u.id = 7;
	j = user_to_json(&u);
	assert_false(bget(j, "approver"));
	assert_int_equal(json_array_size(json_object_get(j, "contact")), 0);
	json_decref(j);
	u.approver = true;
	u.contact = CONTACT_EMAIL | CONTACT_MAIL;
	j = user_to_json(&u);
	assert_true(bget(j, "approver"));
	a = json_object_get(j, "contact");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "email");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "mail");
	json_decref(j);
	u.contact = CONTACT_EMAIL | CONTACT_PHONE | CONTACT_FAX | CONTACT_MAIL;
	j = user_to_json(&u);
	a = json_object_get(j, "contact");
	assert_int_equal(json_array_size(a), 4);
	assert_string_equal(json_string_value(json_array_get(a, 1)), "phone");
	assert_string_equal(json_string_value(json_array_get(a, 2)), "fax");
	json_decref(j);
	j = user_dump_json(&u);
	assert_true(bget(j, "approver"));
	assert_int_equal(iget(j, "contact"), 15);
	json_decref(j);

	o.id = 3;
	o.name = "Acme";
	j = org_to_json(&o);
	assert_int_equal(json_array_size(json_object_get(j, "services")), 0);
	assert_string_equal(sget(j, "priority_mode"), "none");
	json_decref(j);
	o.services = services;
	o.n_services = 2;
	o.priority_mode = 1;
	j = org_to_json(&o);
	a = json_object_get(j, "services");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 1)), "hosting");
	assert_string_equal(sget(j, "priority_mode"), "matrix");
	json_decref(j);
	o.priority_mode = 2;
	j = org_to_json(&o);
	assert_string_equal(sget(j, "priority_mode"), "direct");
	json_decref(j);
	o.priority_mode = 3;
	j = org_to_json(&o);
	assert_true(is_null(j, "priority_mode"));
	json_decref(j);
	o.priority_mode = 2;
	j = org_dump_json(&o);
	assert_int_equal(json_array_size(json_object_get(j, "services")), 2);
	assert_int_equal(iget(j, "priority_mode"), 2);
	json_decref(j);
}

static void test_event_kinds_lifecycle(void **state)
{
	struct ticket_event e = { 0 };
	json_t *j, *r;

	(void)state;
	e.seq = 5;
	e.actor_id = 23;
	e.kind = EVENT_TIME;
	e.minutes = 45;
	e.billable = true;
	e.body = "replaced the toner";
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "time");
	assert_int_equal(iget(j, "minutes"), 45);
	assert_true(bget(j, "billable"));
	assert_string_equal(sget(j, "body"), "replaced the toner");
	assert_null(json_object_get(j, "rating"));
	assert_null(json_object_get(j, "redacted"));
	json_decref(j);

	e = (struct ticket_event){ .kind = EVENT_APPROVAL, .new_value = "approved",
				   .body = "fine by me" };
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "approval");
	assert_string_equal(sget(j, "new"), "approved");
	assert_string_equal(sget(j, "body"), "fine by me");
	assert_null(json_object_get(j, "minutes"));
	json_decref(j);

	e = (struct ticket_event){ .kind = EVENT_PARTICIPANT, .field = "added",
				   .new_value = "it@x.example" };
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "participant");
	assert_string_equal(sget(j, "field"), "added");
	assert_string_equal(sget(j, "new"), "it@x.example");
	assert_true(is_null(j, "old"));
	json_decref(j);

	e = (struct ticket_event){ .kind = EVENT_LINK, .new_value = "HD-10002" };
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "link");
	assert_string_equal(sget(j, "new"), "HD-10002");
	json_decref(j);

	e = (struct ticket_event){ .kind = EVENT_REDACTION, .field = "comment:4" };
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "kind"), "redaction");
	assert_string_equal(sget(j, "field"), "comment:4");
	json_decref(j);

	/* acceptance: a status change with a rating */
	e = (struct ticket_event){ .kind = EVENT_STATUS, .field = "status", .old_value = "resolved",
				   .new_value = "closed", .rating = 4 };
	j = ticket_event_to_json(&e);
	assert_int_equal(iget(j, "rating"), 4);
	assert_string_equal(sget(j, "new"), "closed");
	json_decref(j);

	/* a redacted comment keeps who and when, never the text */
	e = (struct ticket_event){ .kind = EVENT_COMMENT, .body = "my BSN is 111222333",
				   .redacted_by = 23, .redacted_ms = 1700000000123 };
	j = ticket_event_to_json(&e);
	assert_true(is_null(j, "body"));
	r = json_object_get(j, "redacted");
	assert_true(json_is_object(r));
	assert_int_equal(iget(r, "by"), 23);
	assert_string_equal(sget(r, "at"), "2023-11-14T22:13:20.123Z");
	json_decref(j);
	/* the same for the values of a field change */
	e = (struct ticket_event){ .kind = EVENT_FIELD, .field = "description",
				   .old_value = "IBAN NL91ABNA0417164300", .new_value = "x",
				   .redacted_by = 23, .redacted_ms = 1 };
	j = ticket_event_to_json(&e);
	assert_string_equal(sget(j, "field"), "description");
	assert_true(is_null(j, "old"));
	assert_true(is_null(j, "new"));
	assert_non_null(json_object_get(j, "redacted"));
	json_decref(j);
}

/* Dumps hold every stored field, under the record's own names. */
static void test_dumps_complete(void **state)
{
	static const char *const ticket_keys[] = {
		"category", "request_type", "service", "subcategory", "impact", "urgency",
		"fields", "shared_with_org", "external_emails", "assignee_group",
		"resolution_code", "cause", "related", "rating", "rating_comment",
		"approver_id", "needs_approval", "minutes", "billable_minutes", "resolved_ms",
	};
	static const char *const event_keys[] = {
		"rating", "minutes", "billable", "redacted_by", "redacted_ms",
	};
	struct ticket t;
	struct ticket_event e;
	json_t *j;
	size_t i;

	(void)state;
	fill_ticket(&t);
	j = ticket_dump_json(&t);
	for (i = 0; i < sizeof(ticket_keys) / sizeof(ticket_keys[0]); i++)
		assert_non_null(json_object_get(j, ticket_keys[i]));
	/* kind + version + 17 older fields + 20 lifecycle fields */
	assert_int_equal(json_object_size(j), 39);
	assert_string_equal(sget(j, "fields"), t.fields);
	assert_int_equal(iget(j, "category"), 3);
	assert_int_equal(iget(j, "resolved_ms"), -5);
	assert_true((uint64_t)json_integer_value(json_array_get(json_object_get(j, "related"), 1))
		    == UINT64_MAX);
	json_decref(j);
	ticket_free(&t);

	fill_ticket_event(&e);
	j = ticket_event_dump_json(&e);
	for (i = 0; i < sizeof(event_keys) / sizeof(event_keys[0]); i++)
		assert_non_null(json_object_get(j, event_keys[i]));
	assert_int_equal(iget(j, "rating"), 4);
	assert_true(bget(j, "billable"));
	/* the dump is raw: a redacted event's stored text is shown as stored */
	assert_string_equal(sget(j, "new_value"), "in_progress");
	json_decref(j);
	ticket_event_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_ticket_to_json),
		cmocka_unit_test(test_user_to_json),
		cmocka_unit_test(test_event_to_json),
		cmocka_unit_test(test_other_views),
		cmocka_unit_test(test_ticket_to_json_defaults),
		cmocka_unit_test(test_ticket_to_json_lifecycle),
		cmocka_unit_test(test_user_and_org_lifecycle),
		cmocka_unit_test(test_event_kinds_lifecycle),
		cmocka_unit_test(test_dumps_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
