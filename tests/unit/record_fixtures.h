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
}

static inline void fill_org(struct org *o)
{
	memset(o, 0, sizeof(*o));
	o->id = 5;
	o->name = strdup("Acme B.V.");
	o->created_ms = -1;
	o->share_by_default = true;
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
}

static inline void assert_org_eq(const struct org *a, const struct org *b)
{
	assert_int_equal(a->id, b->id);
	assert_str_or_null(a->name, b->name);
	assert_true(a->created_ms == b->created_ms);
	assert_int_equal(a->share_by_default, b->share_by_default);
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
