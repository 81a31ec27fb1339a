/* Fully populated records and field-by-field comparisons, shared by the
 * unit tests of the record codec and of storage. */
#ifndef DESKD_RECORD_FIXTURES_H
#define DESKD_RECORD_FIXTURES_H

#include "test.h"

#include "record.h"

#define assert_str_or_null(a, b)                                        \
	do {                                                            \
		const char *a_ = (a), *b_ = (b);                        \
		if (!a_ || !b_)                                         \
			assert_ptr_equal(a_, b_);                       \
		else                                                    \
			assert_string_equal(a_, b_);                    \
	} while (0)


static inline void fill_user(struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->version = 7; /* encoders always write RECORD_VERSION */
	u->id = UINT64_MAX;
	u->org_id = 12;
	u->role = ROLE_ORG_CUSTOMER;
	u->email = strdup("Zoe.Example@Example.COM");
	u->name = strdup("Zoë Ëxample");
	u->password_hash = strdup("$s1$0e0801$c2FsdA==$aGFzaA==");
	u->language = strdup("nl");
	u->phone = strdup("+31 20 123 4567");
	u->created_ms = INT64_MIN;
	u->updated_ms = INT64_MAX;
	u->disabled = true;
	u->approver = true;
	u->contact = CONTACT_EMAIL | CONTACT_FAX | CONTACT_MAIL;
}

/* A list of n malloc'd copies of items. */
static inline char **fill_strs(const char *const *items, size_t n)
{
	char **list = calloc(n, sizeof(*list));
	size_t i;

	for (i = 0; i < n; i++)
		list[i] = strdup(items[i]);
	return list;
}

static inline void fill_org(struct org *o)
{
	static const char *const services[] = { "erp", "hosting", "" };

	memset(o, 0, sizeof(*o));
	o->id = 5;
	o->name = strdup("Acme B.V.");
	o->created_ms = -1;
	o->share_by_default = true;
	o->services = fill_strs(services, 3);
	o->n_services = 3;
	o->priority_mode = 2;
}

/* Every field under "lifecycle" in record.h, none at its default. */
static inline void fill_ticket_lifecycle(struct ticket *t)
{
	static const char *const emails[] = { "ops@hosting.example", "It Dept <it@x.example>" };
	static const uint64_t related[] = { 10000, UINT64_MAX };

	t->category = 3;
	t->request_type = strdup("report_incident");
	t->service = strdup("erp");
	t->subcategory = strdup("invoicing");
	t->impact = 3;
	t->urgency = 4;
	t->fields = strdup("{\"component\":\"printer\",\"recurring\":true}");
	t->shared_with_org = true;
	t->external_emails = fill_strs(emails, 2);
	t->n_external_emails = 2;
	t->assignee_group = strdup("second_line");
	t->resolution_code = strdup("workaround");
	t->cause = strdup("configuration_error");
	t->related = malloc(sizeof(related));
	memcpy(t->related, related, sizeof(related));
	t->n_related = 2;
	t->rating = 5;
	t->rating_comment = strdup("Snel opgelost, dank je!");
	t->approver_id = 1ULL << 50;
	t->needs_approval = true;
	t->minutes = UINT32_MAX;
	t->billable_minutes = 90;
	t->resolved_ms = -5;
}

static inline void fill_ticket(struct ticket *t)
{
	static const uint64_t followers[] = { 3, UINT64_MAX, 70000 };
	static const uint64_t participants[] = { 9, 1ULL << 40 };

	memset(t, 0, sizeof(*t));
	t->id = 10001;
	t->org_id = 12;
	t->requester_id = 21;
	t->creator_id = 22;
	t->assignee_id = 23;
	t->title = strdup("Printer on fire");
	t->description = strdup("Line one\nline two\ttabbed\r\n");
	t->type = strdup("change_request");
	t->priority = 2;
	t->status = strdup("waiting_for_customer");
	t->channel = strdup("phone");
	t->created_ms = 1700000000123;
	t->updated_ms = 1700000000456;
	t->closed_ms = -86400000;
	t->event_count = UINT32_MAX;
	t->followers = malloc(sizeof(followers));
	memcpy(t->followers, followers, sizeof(followers));
	t->n_followers = 3;
	t->participants = malloc(sizeof(participants));
	memcpy(t->participants, participants, sizeof(participants));
	t->n_participants = 2;
	fill_ticket_lifecycle(t);
}

static inline void fill_ticket_event(struct ticket_event *e)
{
	memset(e, 0, sizeof(*e));
	e->ticket_id = 10001;
	e->seq = 4000000000u;
	e->time_ms = 1700000000999;
	e->actor_id = 23;
	e->kind = EVENT_STATUS;
	e->internal = true;
	e->from_support = true;
	e->body = strdup("");
	e->field = strdup("status");
	e->old_value = strdup("new");
	e->new_value = strdup("in_progress");
	e->rating = 4;
	e->minutes = UINT32_MAX;
	e->billable = true;
	e->redacted_by = UINT64_MAX;
	e->redacted_ms = INT64_MIN;
}

static inline void fill_session(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = SESSION_API_TOKEN;
	s->user_id = 77;
	s->csrf = strdup("c0ffee");
	s->label = strdup("nightly export");
	s->created_ms = 1;
	s->expires_ms = 1700000000000;
	s->remember = true;
}

static inline void assert_user_eq(const struct user *a, const struct user *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->org_id, b->org_id);
	assert_int_equal(a->role, b->role);
	assert_str_or_null(a->email, b->email);
	assert_str_or_null(a->name, b->name);
	assert_str_or_null(a->password_hash, b->password_hash);
	assert_str_or_null(a->language, b->language);
	assert_str_or_null(a->phone, b->phone);
	assert_true(a->created_ms == b->created_ms);
	assert_true(a->updated_ms == b->updated_ms);
	assert_int_equal(a->disabled, b->disabled);
	assert_int_equal(a->approver, b->approver);
	assert_int_equal(a->contact, b->contact);
}

static inline void assert_strs_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_str_or_null(a[i], b[i]);
}

static inline void assert_ids_eq(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_true(a[i] == b[i]);
}

static inline void assert_ticket_eq(const struct ticket *a, const struct ticket *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->org_id, b->org_id);
	assert_int_equal(a->requester_id, b->requester_id);
	assert_int_equal(a->creator_id, b->creator_id);
	assert_int_equal(a->assignee_id, b->assignee_id);
	assert_str_or_null(a->title, b->title);
	assert_str_or_null(a->description, b->description);
	assert_str_or_null(a->type, b->type);
	assert_int_equal(a->priority, b->priority);
	assert_str_or_null(a->status, b->status);
	assert_str_or_null(a->channel, b->channel);
	assert_true(a->created_ms == b->created_ms);
	assert_true(a->updated_ms == b->updated_ms);
	assert_true(a->closed_ms == b->closed_ms);
	assert_int_equal(a->event_count, b->event_count);
	assert_ids_eq(a->followers, a->n_followers, b->followers, b->n_followers);
	assert_ids_eq(a->participants, a->n_participants, b->participants,
		      b->n_participants);
	assert_int_equal(a->category, b->category);
	assert_str_or_null(a->request_type, b->request_type);
	assert_str_or_null(a->service, b->service);
	assert_str_or_null(a->subcategory, b->subcategory);
	assert_int_equal(a->impact, b->impact);
	assert_int_equal(a->urgency, b->urgency);
	assert_str_or_null(a->fields, b->fields);
	assert_int_equal(a->shared_with_org, b->shared_with_org);
	assert_strs_eq(a->external_emails, a->n_external_emails, b->external_emails,
		       b->n_external_emails);
	assert_str_or_null(a->assignee_group, b->assignee_group);
	assert_str_or_null(a->resolution_code, b->resolution_code);
	assert_str_or_null(a->cause, b->cause);
	assert_ids_eq(a->related, a->n_related, b->related, b->n_related);
	assert_int_equal(a->rating, b->rating);
	assert_str_or_null(a->rating_comment, b->rating_comment);
	assert_true(a->approver_id == b->approver_id);
	assert_int_equal(a->needs_approval, b->needs_approval);
	assert_int_equal(a->minutes, b->minutes);
	assert_int_equal(a->billable_minutes, b->billable_minutes);
	assert_true(a->resolved_ms == b->resolved_ms);
}

static inline void assert_org_eq(const struct org *a, const struct org *b)
{
	assert_int_equal(a->id, b->id);
	assert_str_or_null(a->name, b->name);
	assert_true(a->created_ms == b->created_ms);
	assert_int_equal(a->share_by_default, b->share_by_default);
	assert_strs_eq(a->services, a->n_services, b->services, b->n_services);
	assert_int_equal(a->priority_mode, b->priority_mode);
}

static inline void assert_ticket_event_eq(const struct ticket_event *a, const struct ticket_event *b)
{
	assert_int_equal(a->ticket_id, b->ticket_id);
	assert_int_equal(a->seq, b->seq);
	assert_true(a->time_ms == b->time_ms);
	assert_int_equal(a->actor_id, b->actor_id);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->internal, b->internal);
	assert_int_equal(a->from_support, b->from_support);
	assert_str_or_null(a->body, b->body);
	assert_str_or_null(a->field, b->field);
	assert_str_or_null(a->old_value, b->old_value);
	assert_str_or_null(a->new_value, b->new_value);
	assert_int_equal(a->rating, b->rating);
	assert_int_equal(a->minutes, b->minutes);
	assert_int_equal(a->billable, b->billable);
	assert_true(a->redacted_by == b->redacted_by);
	assert_true(a->redacted_ms == b->redacted_ms);
}

static inline void assert_session_eq(const struct session *a, const struct session *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->user_id, b->user_id);
	assert_str_or_null(a->csrf, b->csrf);
	assert_str_or_null(a->label, b->label);
	assert_true(a->created_ms == b->created_ms);
	assert_true(a->expires_ms == b->expires_ms);
	assert_int_equal(a->remember, b->remember);
}

#endif
