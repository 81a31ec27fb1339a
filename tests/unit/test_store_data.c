/* Storage unit tests of records and indexes: sequences, users, orgs,
 * tickets with their lists and counts, events, sessions, raw walks. */
#include "test_store.h"

#include "workflow.h"

static void ticket_edit(struct store *s, uint64_t id, void (*edit)(struct ticket *, void *),
			void *arg)
{
	struct store_txn *t = begin(s, true);
	struct ticket old, tk;

	assert_int_equal(store_ticket_get(t, id, &old), 0);
	assert_int_equal(ticket_copy(&tk, &old), 0);
	edit(&tk, arg);
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	ticket_free(&old);
	ticket_free(&tk);
}

static void set_status(struct ticket *t, void *arg)
{
	free(t->status);
	t->status = strdup(arg);
}

static void set_priority(struct ticket *t, void *arg)
{
	t->priority = (uint8_t)(uintptr_t)arg;
}

static void add_participant(struct ticket *t, void *arg)
{
	assert_int_equal(id_list_add(&t->participants, &t->n_participants, (uintptr_t)arg), 0);
}

static void remove_participant(struct ticket *t, void *arg)
{
	id_list_remove(t->participants, &t->n_participants, (uintptr_t)arg);
}

struct count_find {
	char dim;
	const char *value;
	uint64_t found;
	size_t entries;
};

static int count_cb(char dim, const char *value, uint64_t count, void *arg)
{
	struct count_find *c = arg;

	assert_true(count > 0);
	c->entries++;
	if (dim == c->dim && strcmp(value, c->value) == 0)
		c->found = count;
	return 0;
}

static uint64_t count(struct store *s, enum list_scope scope, uint64_t sid, enum list_bucket b,
		      char dim, const char *value)
{
	struct count_find c = { .dim = dim, .value = value };
	struct store_txn *t = begin(s, false);

	assert_int_equal(store_ticket_counts(t, scope, sid, b, count_cb, &c), 0);
	store_txn_abort(t);
	return c.found;
}

static size_t count_entries(struct store *s, enum list_scope scope, uint64_t sid,
			    enum list_bucket b)
{
	struct count_find c = { .dim = 0, .value = "" };
	struct store_txn *t = begin(s, false);

	assert_int_equal(store_ticket_counts(t, scope, sid, b, count_cb, &c), 0);
	store_txn_abort(t);
	return c.entries;
}

/* --- sequences and records --- */

void test_seq(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	uint64_t v;

	assert_int_equal(store_seq_next(t, "x", 5, &v), 0);
	assert_int_equal(v, 6);
	assert_int_equal(store_seq_next(t, "x", 5, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(store_seq_next(t, "y", 0, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_seq_next(t, "", 0, &v), DK_ERR_INVALID);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(f->s);
	f->s = reopen(f->dir, NULL);
	t = begin(f->s, true);
	assert_int_equal(store_seq_next(t, "x", 5, &v), 0);
	assert_int_equal(v, 8);
	store_txn_abort(t);
}

void test_users(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	struct user a, b, old, got;

	user_init(&a, "Ann@Example.com");
	assert_int_equal(store_user_put(t, NULL, &a), 0);
	assert_int_equal(a.id, 1);
	assert_int_equal(store_user_by_email(t, "ann@EXAMPLE.COM", &got), 0);
	assert_int_equal(got.id, 1);
	assert_string_equal(got.email, "Ann@Example.com");
	user_free(&got);

	/* the same address in other case belongs to ann */
	user_init(&b, "ANN@example.com");
	assert_int_equal(store_user_put(t, NULL, &b), DK_ERR_EXISTS);
	assert_int_equal(b.id, 0);
	free(b.email);
	b.email = strdup("bob@example.com");
	assert_int_equal(store_user_put(t, NULL, &b), 0);
	assert_int_equal(b.id, 2);

	/* ann changes her address: the index moves */
	assert_int_equal(store_user_get(t, a.id, &old), 0);
	free(a.email);
	a.email = strdup("ann@new.example");
	assert_int_equal(store_user_put(t, &old, &a), 0);
	user_free(&old);
	assert_int_equal(store_user_by_email(t, "ann@example.com", &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_user_by_email(t, "ANN@new.example", &got), 0);
	assert_int_equal(got.id, a.id);
	user_free(&got);

	/* bob may not take ann's new address; his record is unchanged */
	assert_int_equal(store_user_get(t, b.id, &old), 0);
	free(b.email);
	b.email = strdup("Ann@New.Example");
	assert_int_equal(store_user_put(t, &old, &b), DK_ERR_EXISTS);
	user_free(&old);
	assert_int_equal(store_user_get(t, b.id, &got), 0);
	assert_string_equal(got.email, "bob@example.com");
	user_free(&got);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_USERS_BY_EMAIL), 2);
	user_free(&a);
	user_free(&b);
}

void test_orgs(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	struct org a = { .name = strdup("Acme BV"), .created_ms = 1 };
	struct org b = { .name = strdup("ACME bv") };
	struct org got, old;

	assert_int_equal(store_org_put(t, NULL, &a), 0);
	assert_int_equal(a.id, 1);
	assert_int_equal(store_org_put(t, NULL, &b), DK_ERR_EXISTS);
	assert_int_equal(b.id, 0);
	assert_int_equal(store_org_by_name(t, "acme bv", &got), 0);
	assert_int_equal(got.id, 1);
	assert_string_equal(got.name, "Acme BV");
	org_free(&got);

	assert_int_equal(store_org_get(t, a.id, &old), 0);
	free(a.name);
	a.name = strdup("Acme Holding");
	assert_int_equal(store_org_put(t, &old, &a), 0);
	org_free(&old);
	assert_int_equal(store_org_by_name(t, "Acme BV", &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_org_by_name(t, "ACME HOLDING", &got), 0);
	org_free(&got);
	/* the freed name can be taken now */
	assert_int_equal(store_org_put(t, NULL, &b), 0);
	assert_int_equal(b.id, 2);
	assert_int_equal(store_org_get(t, 3, &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_txn_commit(t), 0);
	org_free(&a);
	org_free(&b);
}

/* --- tickets --- */

void test_ticket_ids(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	struct ticket tk;

	assert_int_equal(ticket_add(f->s, 1, 10, 4, status_initial()), STORE_TICKET_FIRST);
	assert_int_equal(ticket_add(f->s, 1, 10, 4, status_initial()), STORE_TICKET_FIRST + 1);
	t = begin(f->s, false);
	assert_int_equal(store_ticket_get(t, STORE_TICKET_FIRST + 1, &tk), 0);
	assert_int_equal(tk.id, STORE_TICKET_FIRST + 1);
	assert_int_equal(tk.requester_id, 10);
	assert_string_equal(tk.title, "printer on fire");
	ticket_free(&tk);
	assert_int_equal(store_ticket_get(t, STORE_TICKET_FIRST + 2, &tk), DK_ERR_NOTFOUND);
	store_txn_abort(t);
}

void test_ticket_lists(void **state)
{
	struct fx *f = *state;
	uint64_t ids[64], a, b, c;

	assert_int_equal(status_category("closed"), CATEGORY_CLOSED);
	assert_int_equal(status_category("resolved"), CATEGORY_RESOLVED);
	a = ticket_add(f->s, 1, 10, 2, status_initial());
	b = ticket_add(f->s, 1, 11, 3, "resolved");
	c = ticket_add(f->s, 2, 12, 1, "closed");

	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_ALL, ids), 3);
	assert_int_equal(ids[0], c);
	assert_int_equal(ids[1], b);
	assert_int_equal(ids[2], a);
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_OPEN, ids), 2);
	assert_int_equal(ids[0], b);
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, ids), 1);
	assert_int_equal(ids[0], b);
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_CLOSED, ids), 1);
	assert_int_equal(ids[0], c);
	assert_int_equal(list(f->s, SCOPE_ORG, 1, BUCKET_ALL, ids), 2);
	assert_int_equal(list(f->s, SCOPE_ORG, 2, BUCKET_ALL, ids), 1);
	assert_int_equal(list(f->s, SCOPE_ORG, 3, BUCKET_ALL, ids), 0);
	assert_int_equal(list(f->s, SCOPE_PARTY, 11, BUCKET_ALL, ids), 1);
	assert_int_equal(ids[0], b);

	/* share a with 12 (and with its own requester, listed once) */
	ticket_edit(f->s, a, add_participant, (void *)(uintptr_t)12);
	ticket_edit(f->s, a, add_participant, (void *)(uintptr_t)10);
	assert_int_equal(list(f->s, SCOPE_PARTY, 12, BUCKET_ALL, ids), 2);
	assert_int_equal(ids[0], c);
	assert_int_equal(ids[1], a);
	assert_int_equal(list(f->s, SCOPE_PARTY, 12, BUCKET_OPEN, ids), 1);
	assert_int_equal(count(f->s, SCOPE_PARTY, 10, BUCKET_ALL, 'p', "P2"), 1);
	ticket_edit(f->s, a, set_priority, (void *)(uintptr_t)3);
	assert_int_equal(count(f->s, SCOPE_PARTY, 10, BUCKET_ALL, 'p', "P3"), 1);
	assert_int_equal(count(f->s, SCOPE_PARTY, 10, BUCKET_ALL, 'p', "P2"), 0);
	ticket_edit(f->s, a, remove_participant, (void *)(uintptr_t)12);
	assert_int_equal(list(f->s, SCOPE_PARTY, 12, BUCKET_ALL, ids), 1);
	assert_int_equal(count_entries(f->s, SCOPE_PARTY, 12, BUCKET_OPEN), 0);
	ticket_edit(f->s, a, remove_participant, (void *)(uintptr_t)10);
	/* still the requester */
	assert_int_equal(list(f->s, SCOPE_PARTY, 10, BUCKET_ALL, ids), 1);
}

void test_ticket_pagination(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	uint64_t ids[10], before = 0, expect = STORE_TICKET_FIRST + 24;
	size_t n, total = 0;
	bool more = true;
	int i, pages = 0;

	for (i = 0; i < 25; i++)
		ticket_add(f->s, 1, 10, 4, status_initial());
	/* another list in between must not leak into this one */
	ticket_add(f->s, 2, 20, 4, status_initial());
	t = begin(f->s, false);
	while (more) {
		assert_int_equal(store_ticket_list(t, SCOPE_ORG, 1, BUCKET_ALL, before, 10, ids, &n,
						   &more), 0);
		for (i = 0; i < (int)n; i++)
			assert_int_equal(ids[i], expect--);
		total += n;
		pages++;
		before = ids[n - 1];
		assert_int_equal(more, total < 25);
	}
	assert_int_equal(total, 25);
	assert_int_equal(pages, 3);
	/* before_id is exclusive and need not exist in the list */
	assert_int_equal(store_ticket_list(t, SCOPE_ORG, 1, BUCKET_ALL, STORE_TICKET_FIRST + 2, 10,
					   ids, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], STORE_TICKET_FIRST + 1);
	assert_false(more);
	assert_int_equal(store_ticket_list(t, SCOPE_ORG, 2, BUCKET_ALL, STORE_TICKET_FIRST + 20, 10,
					   ids, &n, &more), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_ticket_list(t, SCOPE_ORG, 1, BUCKET_ALL, 0, 0, NULL, &n, &more), 0);
	assert_int_equal(n, 0);
	assert_true(more);
	assert_int_equal(store_ticket_list(t, SCOPE_ORG, 9, BUCKET_ALL, 0, 10, ids, &n, &more), 0);
	assert_int_equal(n, 0);
	assert_false(more);
	store_txn_abort(t);
}

void test_ticket_counts(void **state)
{
	struct fx *f = *state;
	const char *initial = status_initial();
	uint64_t ids[64], a, raw;

	a = ticket_add(f->s, 1, 10, 2, initial);
	ticket_add(f->s, 1, 11, 2, initial);
	ticket_add(f->s, 1, 11, 4, initial);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 'p', "P2"), 2);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 'p', "P4"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_OPEN, 's', initial), 3);
	assert_int_equal(count(f->s, SCOPE_PARTY, 11, BUCKET_ALL, 'p', "P2"), 1);
	assert_int_equal(count_entries(f->s, SCOPE_ALL, 0, BUCKET_ALL), 3); /* P2 P4 status */
	assert_int_equal(count_entries(f->s, SCOPE_ALL, 0, BUCKET_CLOSED), 0);

	/* priority change moves one count */
	ticket_edit(f->s, a, set_priority, (void *)(uintptr_t)1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 'p', "P2"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 'p', "P1"), 1);
	assert_int_equal(count(f->s, SCOPE_PARTY, 10, BUCKET_OPEN, 'p', "P2"), 0);
	assert_int_equal(count(f->s, SCOPE_PARTY, 10, BUCKET_OPEN, 'p', "P1"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_OPEN, 's', initial), 3);

	/* closing moves it from the open bucket to the closed one */
	ticket_edit(f->s, a, set_status, "closed");
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_OPEN, ids), 2);
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_CLOSED, ids), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(list(f->s, SCOPE_PARTY, 10, BUCKET_OPEN, ids), 0);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_OPEN, 's', initial), 2);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_OPEN, 'p', "P1"), 0);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_CLOSED, 's', "closed"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_CLOSED, 'p', "P1"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 's', "closed"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 's', initial), 2);
	assert_int_equal(count(f->s, SCOPE_ORG, 1, BUCKET_ALL, 'p', "P1"), 1);
	assert_int_equal(count_entries(f->s, SCOPE_PARTY, 10, BUCKET_OPEN), 0);
	assert_int_equal(count_entries(f->s, SCOPE_PARTY, 10, BUCKET_CLOSED), 2);

	/* sharing adds counts under the participant, unsharing removes them */
	raw = entries(f->s, DB_TICKET_COUNTS);
	ticket_edit(f->s, a, add_participant, (void *)(uintptr_t)30);
	assert_int_equal(entries(f->s, DB_TICKET_COUNTS), raw + 4); /* 2 buckets x 2 dims */
	assert_int_equal(count(f->s, SCOPE_PARTY, 30, BUCKET_CLOSED, 's', "closed"), 1);
	assert_int_equal(count(f->s, SCOPE_PARTY, 30, BUCKET_ALL, 'p', "P1"), 1);
	assert_int_equal(count(f->s, SCOPE_ALL, 0, BUCKET_ALL, 'p', "P1"), 1);
	ticket_edit(f->s, a, remove_participant, (void *)(uintptr_t)30);
	assert_int_equal(count_entries(f->s, SCOPE_PARTY, 30, BUCKET_ALL), 0);
	assert_int_equal(count_entries(f->s, SCOPE_PARTY, 30, BUCKET_CLOSED), 0);
	/* counts that reach zero are deleted, not kept as zero */
	assert_int_equal(entries(f->s, DB_TICKET_COUNTS), raw);
}

struct seen {
	uint32_t seq[8];
	size_t n;
	size_t stop_at;
};

static int event_cb(const struct ticket_event *e, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	assert_string_equal(e->body, s->n == 0 ? "first" : s->n == 1 ? "second" : "third");
	s->seq[s->n++] = e->seq;
	return s->n == s->stop_at ? 42 : 0;
}

void test_events(void **state)
{
	struct fx *f = *state;
	const char *bodies[3] = { "first", "second", "third" };
	uint64_t a = ticket_add(f->s, 1, 10, 4, status_initial());
	uint64_t b = ticket_add(f->s, 1, 10, 4, status_initial());
	struct store_txn *t = begin(f->s, true);
	struct ticket old, tk, other;
	struct seen seen = { 0 };
	struct ticket_event e;
	int i;

	assert_int_equal(store_ticket_get(t, a, &old), 0);
	assert_int_equal(ticket_copy(&tk, &old), 0);
	assert_int_equal(store_ticket_get(t, b, &other), 0);
	for (i = 0; i < 3; i++) {
		e = (struct ticket_event){ .kind = EVENT_COMMENT, .time_ms = i, .actor_id = 10,
				    .body = (char *)bodies[i] };
		assert_int_equal(store_event_append(t, &tk, &e), 0);
		assert_int_equal(e.seq, i + 1);
		assert_int_equal(e.ticket_id, a);
	}
	e = (struct ticket_event){ .kind = EVENT_COMMENT, .body = (char *)"first" };
	assert_int_equal(store_event_append(t, &other, &e), 0);
	assert_int_equal(tk.event_count, 3);
	/* a stale copy would overwrite event 1: refused */
	e = (struct ticket_event){ .kind = EVENT_COMMENT, .body = (char *)"again" };
	assert_int_equal(store_event_append(t, &old, &e), DK_ERR_EXISTS);
	assert_int_equal(old.event_count, 0);
	/* storing a known ticket needs its old version */
	assert_int_equal(store_ticket_put(t, NULL, &tk), DK_ERR_EXISTS);
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	ticket_free(&old);
	ticket_free(&tk);
	ticket_free(&other);

	t = begin(f->s, false);
	assert_int_equal(store_events_each(t, a, event_cb, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.seq[0], 1);
	assert_int_equal(seen.seq[2], 3);
	seen = (struct seen){ .stop_at = 2 };
	assert_int_equal(store_events_each(t, a, event_cb, &seen), 42);
	assert_int_equal(seen.n, 2);
	seen = (struct seen){ 0 };
	assert_int_equal(store_events_each(t, b, event_cb, &seen), 0);
	assert_int_equal(seen.n, 1);
	seen = (struct seen){ 0 };
	assert_int_equal(store_events_each(t, 99, event_cb, &seen), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(store_ticket_get(t, a, &tk), 0);
	assert_int_equal(tk.event_count, 3);
	ticket_free(&tk);
	store_txn_abort(t);
}

/* --- sessions --- */

static void session_key(uint8_t k[32], uint8_t n)
{
	memset(k, n, 32);
}

void test_sessions(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	struct session s = { .kind = SESSION_BROWSER, .user_id = 7, .csrf = (char *)"tok",
			     .created_ms = 1000, .expires_ms = 5000 };
	struct session got;
	uint8_t k1[32], k2[32], k3[32];
	int64_t next;
	size_t n;

	session_key(k1, 1);
	session_key(k2, 2);
	session_key(k3, 3);
	assert_int_equal(store_session_put(t, k1, &s), 0);
	s.expires_ms = 3000;
	assert_int_equal(store_session_put(t, k2, &s), 0);
	s.expires_ms = 0; /* an API token that never expires */
	s.kind = SESSION_API_TOKEN;
	assert_int_equal(store_session_put(t, k3, &s), 0);
	assert_int_equal(store_session_get(t, k2, &got), 0);
	assert_int_equal(got.user_id, 7);
	assert_int_equal(got.expires_ms, 3000);
	assert_string_equal(got.csrf, "tok");
	session_free(&got);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSION_EXPIRY), 2);

	/* renewing k1 replaces its expiry entry */
	t = begin(f->s, true);
	s.kind = SESSION_BROWSER;
	s.expires_ms = 9000;
	assert_int_equal(store_session_put(t, k1, &s), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSION_EXPIRY), 2);

	t = begin(f->s, true);
	assert_int_equal(store_session_expire(t, 2999, 10, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(next, 3000);
	assert_int_equal(store_session_expire(t, 9000, 1, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next, 9000); /* due too, but over the limit */
	assert_int_equal(store_session_get(t, k2, &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_session_expire(t, 9000, 10, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next, 0);
	assert_int_equal(store_session_get(t, k1, &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_session_get(t, k3, &got), 0);
	session_free(&got);
	assert_int_equal(store_txn_commit(t), 0);

	t = begin(f->s, true);
	s.expires_ms = 100;
	assert_int_equal(store_session_put(t, k2, &s), 0);
	assert_int_equal(store_session_del(t, k2), 0);
	assert_int_equal(store_session_del(t, k2), DK_ERR_NOTFOUND);
	assert_int_equal(store_session_del(t, k3), 0);
	assert_int_equal(store_session_expire(t, 1000, 10, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS), 0);
	assert_int_equal(entries(f->s, DB_SESSION_EXPIRY), 0);
}

/* --- raw walks --- */

static int raw_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	size_t *n = arg;

	(void)val;
	(void)vlen;
	assert_int_equal(klen, 8);
	assert_int_equal(((const uint8_t *)key)[7], (uint8_t)(STORE_TICKET_FIRST + *n));
	return ++*n == 2 ? 7 : 0;
}

void test_each_and_names(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	size_t n = 0;
	int db;

	ticket_add(f->s, 1, 10, 4, status_initial());
	ticket_add(f->s, 1, 10, 4, status_initial());
	ticket_add(f->s, 1, 10, 4, status_initial());
	t = begin(f->s, false);
	assert_int_equal(store_each(t, DB_TICKETS, raw_cb, &n), 7);
	assert_int_equal(n, 2);
	store_txn_abort(t);
	assert_string_equal(store_db_name(DB_USERS_BY_EMAIL), "users_by_email");
	assert_string_equal(store_db_name(DB_TICKET_COUNTS), "ticket_counts");
	for (db = 0; db < DB_COUNT; db++)
		assert_non_null(store_db_name(db));
	assert_null(store_db_name(DB_COUNT));
	/* 3 tickets x scopes (all, org, party, assignee) x buckets (all, open) */
	assert_int_equal(entries(f->s, DB_TICKET_LIST), 24);
}

