/* Storage unit tests of the portal's indexes: list walks in both
 * directions with cursors, the customer union walked both ways, tickets
 * opened and closed per day, ending a user's sessions, users by role,
 * organisations by name, and the upgrade of a schema 2 database. */
#include "test_store.h"

#include <lmdb.h>

#include "workflow.h"

#define DAY_MS 86400000LL
#define DAY0 19675u /* 2023-11-14 */

/* --- helpers --- */

struct got {
	uint64_t ids[64];
	size_t n;
	size_t stop_at;  /* STORE_WALK_STOP after this many; 0: never */
	int fail_with;   /* returned instead once stop_at is reached */
};

static int collect(uint64_t id, void *arg)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->ids[g->n++] = id;
	if (g->stop_at && g->n == g->stop_at)
		return g->fail_with ? g->fail_with : STORE_WALK_STOP;
	return 0;
}

static size_t walk(struct store *s, enum list_scope scope, uint64_t sid, uint64_t after,
		   bool asc, struct got *g)
{
	struct store_txn *t = begin(s, false);

	memset(g, 0, sizeof *g);
	assert_int_equal(store_ticket_walk(t, scope, sid, BUCKET_ALL, after, asc, collect, g), 0);
	store_txn_abort(t);
	return g->n;
}

/* A ticket created on day DAY0 + day, in its own transaction. */
static uint64_t add_on(struct store *s, uint32_t day, uint64_t org, uint64_t requester)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	uint64_t id;

	ticket_init(&tk, org, requester, 3, status_initial());
	tk.created_ms = tk.updated_ms = (int64_t)(DAY0 + day) * DAY_MS + 5000;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	id = tk.id;
	ticket_free(&tk);
	return id;
}

/* Moves ticket id to status on day DAY0 + day. */
static void move_on(struct store *s, uint64_t id, const char *status, uint32_t day)
{
	struct store_txn *t = begin(s, true);
	struct ticket old, tk;
	enum status_category cat = status_category(status);

	assert_int_equal(store_ticket_get(t, id, &old), 0);
	assert_int_equal(ticket_copy(&tk, &old), 0);
	free(tk.status);
	tk.status = strdup(status);
	tk.category = (uint8_t)cat;
	tk.updated_ms = (int64_t)(DAY0 + day) * DAY_MS + 7000;
	/* a ticket closes once: a closed one keeps its closing time */
	if (cat != CATEGORY_CLOSED)
		tk.closed_ms = 0;
	else if (!tk.closed_ms)
		tk.closed_ms = tk.updated_ms;
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	ticket_free(&old);
	ticket_free(&tk);
}

static void days(struct store *s, uint32_t first, uint32_t n, struct store_day *out)
{
	struct store_txn *t = begin(s, false);

	assert_int_equal(store_days_get(t, first, n, out), 0);
	store_txn_abort(t);
}

/* --- walks --- */

void test_walk_directions(void **state)
{
	struct fx *f = *state;
	uint64_t id[7];
	struct got g;
	size_t i;

	for (i = 0; i < 7; i++)
		id[i] = ticket_add(f->s, i % 2 ? 2 : 1, 10, 4, status_initial());

	/* newest first and oldest first, the whole list */
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, 0, false, &g), 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(g.ids[i], id[6 - i]);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, 0, true, &g), 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(g.ids[i], id[i]);

	/* after a cursor: strictly past it, in the walk's direction */
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, id[3], false, &g), 3);
	assert_int_equal(g.ids[0], id[2]);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, id[3], true, &g), 3);
	assert_int_equal(g.ids[0], id[4]);
	assert_int_equal(g.ids[2], id[6]);
	/* a cursor that is no longer listed still places the walk */
	assert_int_equal(walk(f->s, SCOPE_ORG, 1, id[3], true, &g), 2);
	assert_int_equal(g.ids[0], id[4]);
	assert_int_equal(walk(f->s, SCOPE_ORG, 1, id[3], false, &g), 2);
	assert_int_equal(g.ids[0], id[2]);

	/* the ends */
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, id[6], true, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, id[0], false, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, UINT64_MAX, true, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, UINT64_MAX, false, &g), 7);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, 1, false, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ALL, 0, 1, true, &g), 7);
	/* other lists around an empty one are not walked into */
	assert_int_equal(walk(f->s, SCOPE_ORG, 3, 0, true, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ORG, 3, 0, false, &g), 0);
	assert_int_equal(walk(f->s, SCOPE_ORG, 2, 0, true, &g), 3);
	assert_int_equal(walk(f->s, SCOPE_ORG, 2, 0, false, &g), 3);
	assert_int_equal(g.ids[0], id[5]);
}

void test_walk_stop_and_error(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	struct got g;
	size_t i;

	for (i = 0; i < 5; i++)
		ticket_add(f->s, 1, 10, 4, status_initial());
	t = begin(f->s, false);
	memset(&g, 0, sizeof g);
	g.stop_at = 2;
	assert_int_equal(store_ticket_walk(t, SCOPE_ALL, 0, BUCKET_ALL, 0, true, collect, &g), 0);
	assert_int_equal(g.n, 2);
	memset(&g, 0, sizeof g);
	g.stop_at = 3;
	g.fail_with = DK_ERR_NOMEM;
	assert_int_equal(store_ticket_walk(t, SCOPE_ALL, 0, BUCKET_ALL, 0, false, collect, &g),
			 DK_ERR_NOMEM);
	assert_int_equal(g.n, 3);
	store_txn_abort(t);
}

/* Pages of three, in both directions, cursor = last id of the page: every
 * ticket once, in order, while tickets are added between pages. */
void test_walk_paging(void **state)
{
	struct fx *f = *state;
	uint64_t seen[64], cursor;
	size_t n_seen, i, round;
	struct got g;
	struct store_txn *t;

	for (i = 0; i < 10; i++)
		ticket_add(f->s, 1, 10, 4, status_initial());
	for (round = 0; round < 2; round++) {
		bool asc = round == 1;

		n_seen = 0;
		cursor = 0;
		for (;;) {
			t = begin(f->s, false);
			memset(&g, 0, sizeof g);
			g.stop_at = 3;
			assert_int_equal(store_ticket_walk(t, SCOPE_ALL, 0, BUCKET_ALL, cursor, asc,
							   collect, &g), 0);
			store_txn_abort(t);
			for (i = 0; i < g.n; i++)
				seen[n_seen++] = g.ids[i];
			if (g.n < 3)
				break;
			cursor = g.ids[g.n - 1];
			/* a ticket added meanwhile comes after the walk
			 * (ascending) or never (descending: it is newer) */
			if (n_seen == 3)
				ticket_add(f->s, 1, 10, 4, status_initial());
		}
		for (i = 1; i < n_seen; i++)
			assert_true(asc ? seen[i] > seen[i - 1] : seen[i] < seen[i - 1]);
		assert_int_equal(n_seen, asc ? 12 : 10);
	}
}

void test_walk_customer_union(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	uint64_t own1, shared_other, own_shared, other, own2;
	struct got g;

	own1 = ticket_add(f->s, 1, 10, 4, status_initial());
	shared_other = ticket_add(f->s, 1, 11, 4, status_initial());
	own_shared = ticket_add(f->s, 1, 10, 4, status_initial());
	other = ticket_add(f->s, 1, 11, 4, status_initial());
	own2 = ticket_add(f->s, 1, 10, 4, status_initial());
	t = begin(f->s, true);
	for (uint64_t id = shared_other; id <= own_shared; id++) {
		struct ticket old, tk;

		assert_int_equal(store_ticket_get(t, id, &old), 0);
		assert_int_equal(ticket_copy(&tk, &old), 0);
		tk.shared_with_org = true;
		assert_int_equal(store_ticket_put(t, &old, &tk), 0);
		ticket_free(&old);
		ticket_free(&tk);
	}
	assert_int_equal(store_txn_commit(t), 0);

	t = begin(f->s, false);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_ticket_walk_customer(t, 10, 1, BUCKET_ALL, 0, true, collect, &g), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.ids[0], own1);
	assert_int_equal(g.ids[1], shared_other);
	assert_int_equal(g.ids[2], own_shared); /* in both lists, given once */
	assert_int_equal(g.ids[3], own2);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_ticket_walk_customer(t, 10, 1, BUCKET_ALL, own2, false, collect, &g),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ids[0], own_shared);
	assert_int_equal(g.ids[2], own1);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_ticket_walk_customer(t, 10, 1, BUCKET_ALL, shared_other, true,
						    collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], own_shared);
	/* without an organisation: the own list alone */
	memset(&g, 0, sizeof g);
	assert_int_equal(store_ticket_walk_customer(t, 10, 0, BUCKET_ALL, 0, true, collect, &g), 0);
	assert_int_equal(g.n, 3);
	store_txn_abort(t);
	(void)other;
}

/* --- day counts --- */

void test_day_counts(void **state)
{
	struct fx *f = *state;
	struct store_day d[5];
	struct store_txn *t;
	uint64_t a, b, c, n;

	assert_int_equal(store_day_of((int64_t)DAY0 * DAY_MS), DAY0);
	assert_int_equal(store_day_of((int64_t)(DAY0 + 1) * DAY_MS - 1), DAY0);
	assert_int_equal(store_day_of(0), 0);

	a = add_on(f->s, 0, 1, 10);
	b = add_on(f->s, 0, 1, 10);
	c = add_on(f->s, 2, 1, 10);
	move_on(f->s, a, "in_progress", 1); /* not a close */
	move_on(f->s, a, "closed", 2);
	move_on(f->s, b, "cancelled", 3);   /* cancelled is closed too */
	move_on(f->s, b, "closed", 4);      /* closed to closed: counted once */
	(void)c;

	days(f->s, DAY0 - 1, 5, d);
	assert_int_equal(d[0].opened, 0);
	assert_int_equal(d[1].opened, 2);
	assert_int_equal(d[1].closed, 0);
	assert_int_equal(d[2].opened, 0);
	assert_int_equal(d[3].opened, 1);
	assert_int_equal(d[3].closed, 1);
	assert_int_equal(d[4].closed, 1);
	days(f->s, DAY0 + 4, 1, d);
	assert_int_equal(d[0].closed, 0);
	assert_int_equal(entries(f->s, DB_DAY_COUNTS), 3);

	/* a reindex rebuilds the same counts from the records */
	t = begin(f->s, true);
	assert_int_equal(store_tickets_reindex(t, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_txn_commit(t), 0);
	days(f->s, DAY0 - 1, 5, d);
	assert_int_equal(d[1].opened, 2);
	assert_int_equal(d[3].opened, 1);
	assert_int_equal(d[3].closed, 1);
	assert_int_equal(d[4].closed, 1);
	assert_int_equal(entries(f->s, DB_DAY_COUNTS), 3);

	/* limits */
	t = begin(f->s, false);
	assert_int_equal(store_days_get(t, 0, STORE_DAYS_MAX + 1, d), DK_ERR_INVALID);
	assert_int_equal(store_days_get(t, UINT32_MAX, 2, d), DK_ERR_INVALID);
	assert_int_equal(store_days_get(t, DAY0, 0, d), 0);
	store_txn_abort(t);
}

/* --- sessions of a user --- */

static void skey(uint8_t k[32], uint8_t n)
{
	memset(k, 0, 32);
	k[31] = n;
	k[0] = (uint8_t)(0xf0 - n); /* keys not in user order */
}

void test_sessions_by_user(void **state)
{
	struct fx *f = *state;
	struct session s = { .kind = SESSION_BROWSER, .user_id = 7, .csrf = (char *)"c",
			     .created_ms = 1000, .expires_ms = 50000 };
	struct session got;
	struct store_txn *t = begin(f->s, true);
	uint8_t k[6][32];
	size_t n;
	int64_t next;

	for (int i = 0; i < 6; i++)
		skey(k[i], (uint8_t)(i + 1));
	for (int i = 0; i < 3; i++) /* three browsers of user 7 */
		assert_int_equal(store_session_put(t, k[i], &s), 0);
	s.kind = SESSION_API_TOKEN;
	s.expires_ms = 0;
	assert_int_equal(store_session_put(t, k[3], &s), 0);
	s.kind = SESSION_BROWSER;
	s.expires_ms = 40000;
	s.user_id = 8; /* someone else */
	assert_int_equal(store_session_put(t, k[4], &s), 0);
	s.user_id = 6;
	assert_int_equal(store_session_put(t, k[5], &s), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS_BY_USER), 6);

	t = begin(f->s, true);
	assert_int_equal(store_session_del_user(t, 7, SESSION_BROWSER, k[1], &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_session_get(t, k[0], &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_session_get(t, k[2], &got), DK_ERR_NOTFOUND);
	assert_int_equal(store_session_get(t, k[1], &got), 0); /* kept */
	session_free(&got);
	assert_int_equal(store_session_get(t, k[3], &got), 0); /* a token, not a browser */
	session_free(&got);
	assert_int_equal(store_session_get(t, k[4], &got), 0);
	session_free(&got);
	assert_int_equal(store_session_get(t, k[5], &got), 0);
	session_free(&got);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS_BY_USER), 4);
	assert_int_equal(entries(f->s, DB_SESSION_EXPIRY), 3);

	/* any kind, none kept; a user without sessions */
	t = begin(f->s, true);
	assert_int_equal(store_session_del_user(t, 7, 0, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_session_del_user(t, 9, 0, NULL, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS_BY_USER), 2);

	/* expiry and sign-out keep the index in step */
	t = begin(f->s, true);
	assert_int_equal(store_session_expire(t, 40000, 10, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS_BY_USER), 0);
	assert_int_equal(entries(f->s, DB_SESSIONS), 0);
}

/* --- users by role, organisations by name --- */

static int role_cb(const struct user *u, void *arg)
{
	struct got *g = arg;

	return collect(u->id, g);
}

static void by_role(struct store *s, enum role r, struct got *g)
{
	struct store_txn *t = begin(s, false);

	memset(g, 0, sizeof *g);
	assert_int_equal(store_users_by_role(t, r, role_cb, g), 0);
	store_txn_abort(t);
}

static uint64_t add_user(struct store *s, const char *email, enum role r)
{
	struct store_txn *t = begin(s, true);
	struct user u;
	uint64_t id;

	user_init(&u, email);
	u.role = r;
	assert_int_equal(store_user_put(t, NULL, &u), 0);
	assert_int_equal(store_txn_commit(t), 0);
	id = u.id;
	user_free(&u);
	return id;
}

void test_users_by_role(void **state)
{
	struct fx *f = *state;
	uint64_t c = add_user(f->s, "c@x.example", ROLE_CUSTOMER);
	uint64_t a1 = add_user(f->s, "a1@x.example", ROLE_AGENT);
	uint64_t adm = add_user(f->s, "adm@x.example", ROLE_ADMIN);
	uint64_t a2 = add_user(f->s, "a2@x.example", ROLE_AGENT);
	struct store_txn *t;
	struct user old, u;
	struct got g;

	by_role(f->s, ROLE_AGENT, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], a1);
	assert_int_equal(g.ids[1], a2);
	by_role(f->s, ROLE_ADMIN, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], adm);
	by_role(f->s, ROLE_ORG_CUSTOMER, &g);
	assert_int_equal(g.n, 0);

	/* a customer promoted to agent moves lists */
	t = begin(f->s, true);
	assert_int_equal(store_user_get(t, c, &old), 0);
	assert_int_equal(user_copy(&u, &old), 0);
	u.role = ROLE_AGENT;
	assert_int_equal(store_user_put(t, &old, &u), 0);
	assert_int_equal(store_txn_commit(t), 0);
	user_free(&old);
	user_free(&u);
	by_role(f->s, ROLE_AGENT, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ids[0], c);
	by_role(f->s, ROLE_CUSTOMER, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(entries(f->s, DB_USERS_BY_ROLE), 4);
}

static int org_cb(const struct org *o, void *arg)
{
	return collect(o->id, arg);
}

void test_orgs_by_name(void **state)
{
	struct fx *f = *state;
	const char *names[] = { "Zeta", "acme", "Beta" };
	uint64_t id[3];
	struct store_txn *t = begin(f->s, true);
	struct got g;

	for (int i = 0; i < 3; i++) {
		struct org o = { .name = (char *)names[i] };

		assert_int_equal(store_org_put(t, NULL, &o), 0);
		id[i] = o.id;
	}
	assert_int_equal(store_txn_commit(t), 0);
	t = begin(f->s, false);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_orgs_each(t, org_cb, &g), 0);
	store_txn_abort(t);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ids[0], id[1]); /* acme, beta, zeta: case-folded */
	assert_int_equal(g.ids[1], id[2]);
	assert_int_equal(g.ids[2], id[0]);
}

/* --- upgrade from schema 2 --- */

/* Makes the database look written by schema 2: no tables of version 3. */
static void make_schema_2(const char *dir)
{
	static const char *const v3[] = { "sessions_by_user", "users_by_role", "day_counts" };
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 6, (void *)"schema" }, v;
	uint8_t two[4] = { 0, 0, 0, 2 };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 32), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(mdb_dbi_open(txn, v3[i], 0, &dbi), 0);
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	v.mv_size = 4;
	v.mv_data = two;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

void test_upgrade_from_2(void **state)
{
	struct fx *f = *state;
	struct session s = { .kind = SESSION_BROWSER, .user_id = 5, .csrf = (char *)"c",
			     .created_ms = 1000, .expires_ms = 90000 };
	struct store_stats st;
	struct store_day d[3];
	struct store_txn *t;
	uint8_t k[32];
	uint64_t agent, a;
	struct got g;
	size_t n;

	agent = add_user(f->s, "agent@x.example", ROLE_AGENT);
	a = add_on(f->s, 0, 1, 10);
	add_on(f->s, 1, 1, 10);
	move_on(f->s, a, "closed", 1);
	skey(k, 1);
	t = begin(f->s, true);
	assert_int_equal(store_session_put(t, k, &s), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(f->s);
	make_schema_2(f->dir);

	/* read-only: the missing tables read as empty, nothing is written */
	f->s = reopen(f->dir, &(struct store_opts){ .read_only = true });
	t = begin(f->s, false);
	assert_int_equal(store_stats_get(t, &st), 0);
	assert_int_equal(st.schema, 2);
	assert_int_equal(st.entries[DB_DAY_COUNTS], 0);
	assert_int_equal(store_days_get(t, DAY0, 3, d), 0);
	assert_int_equal(d[0].opened, 0);
	memset(&g, 0, sizeof g);
	assert_int_equal(store_users_by_role(t, ROLE_AGENT, role_cb, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(store_each(t, DB_USERS_BY_ROLE, NULL, NULL), 0);
	store_txn_abort(t);
	store_close(f->s);

	/* opened for writing: built once from the records */
	f->s = reopen(f->dir, NULL);
	t = begin(f->s, false);
	assert_int_equal(store_stats_get(t, &st), 0);
	assert_int_equal(st.schema, STORE_SCHEMA_VERSION);
	assert_int_equal(store_days_get(t, DAY0, 3, d), 0);
	assert_int_equal(d[0].opened, 1);
	assert_int_equal(d[1].opened, 1);
	assert_int_equal(d[1].closed, 1);
	by_role(f->s, ROLE_AGENT, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], agent);
	store_txn_abort(t);
	t = begin(f->s, true);
	assert_int_equal(store_session_del_user(t, 5, SESSION_BROWSER, NULL, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_txn_commit(t), 0);
}
