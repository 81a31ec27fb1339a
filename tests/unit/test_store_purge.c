/* Retention in storage: the closed table, the cutoff, and purging a
 * ticket with everything that belongs to it alone. */
#include "test_store.h"

#include "sla_record.h"

#define DAY_MS (24LL * 3600 * 1000)
#define T2030 1893456000000LL /* 2030-01-01T00:00:00Z */

/* A ticket with two events, closed at closed_ms (0: left open), with an
 * SLA state that implies an auto-close deadline. */
static uint64_t add(struct store *s, int64_t created_ms, int64_t closed_ms)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	struct ticket_event e;
	struct sla_state st;

	memset(&tk, 0, sizeof tk);
	tk.org_id = 1;
	tk.requester_id = 1;
	tk.creator_id = 1;
	tk.priority = 3;
	tk.title = "printer";
	tk.description = "smoke";
	tk.status = closed_ms ? "closed" : "new";
	tk.created_ms = tk.updated_ms = created_ms;
	tk.closed_ms = closed_ms;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	for (int i = 0; i < 2; i++) {
		memset(&e, 0, sizeof e);
		e.kind = EVENT_COMMENT;
		e.actor_id = 1;
		e.body = "words";
		assert_int_equal(store_event_append(t, &tk, &e), 0);
	}
	struct ticket old = tk;
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	sla_state_init(&st);
	st.auto_close_ms = created_ms + DAY_MS;
	assert_int_equal(store_sla_put(t, tk.id, &st), 0);
	assert_int_equal(store_deadline_put(t, STORE_DEADLINE_AUTO_CLOSE, st.auto_close_ms, tk.id),
			 0);
	assert_int_equal(store_txn_commit(t), 0);
	return tk.id;
}

static int no_problem(const struct store_problem *p, void *arg)
{
	(void)arg;
	fail_msg("verify: %s: %s: %s", store_db_name(p->db), p->key, p->message);
	return 1;
}

static void verify_clean(struct store *s)
{
	struct store_txn *t = begin(s, false);
	assert_int_equal(store_verify(t, no_problem, NULL), 0);
	store_txn_abort(t);
}

static void test_cutoff(void **state)
{
	(void)state;
	assert_int_equal(store_retention_cutoff(T2030, 1), T2030 - 365 * DAY_MS);
	/* 2029 to 2028 holds 29 February 2028 */
	assert_int_equal(store_retention_cutoff(T2030 + 365 * DAY_MS, 2), T2030 - 365 * DAY_MS);
	/* a leap day a year back is the 28th */
	int64_t leap = T2030 - (365 + 366 - 59) * DAY_MS + 1234; /* 2028-02-29 */
	assert_int_equal(store_retention_cutoff(leap, 1), leap - 366 * DAY_MS);
	assert_int_equal(store_retention_cutoff(T2030, 0), T2030);
	assert_int_equal(store_retention_cutoff(T2030, 100), 0);
}

static int collect(uint64_t id, void *arg)
{
	uint64_t *ids = arg;
	ids[++ids[0]] = id;
	return ids[0] == 2 ? STORE_WALK_STOP : 0;
}

static void test_closed_table(void **state)
{
	struct fx *f = *state;
	uint64_t late = add(f->s, T2030, T2030 + 10 * DAY_MS);
	uint64_t early = add(f->s, T2030, T2030 + 5 * DAY_MS);
	uint64_t open = add(f->s, T2030, 0);
	(void)open;
	assert_int_equal(entries(f->s, DB_CLOSED), 2);

	uint64_t ids[4] = { 0 };
	struct store_txn *t = begin(f->s, false);
	assert_int_equal(store_closed_walk(t, T2030 + 100 * DAY_MS, collect, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], early); /* by closing time, not id */
	assert_int_equal(ids[2], late);
	ids[0] = 0;
	assert_int_equal(store_closed_walk(t, T2030 + 10 * DAY_MS, collect, ids), 0);
	assert_int_equal(ids[0], 1);
	ids[0] = 0;
	assert_int_equal(store_closed_walk(t, 0, collect, ids), 0);
	assert_int_equal(ids[0], 0);
	store_txn_abort(t);

	/* a new closing time moves the entry */
	t = begin(f->s, true);
	struct ticket old, tk;
	assert_int_equal(store_ticket_get(t, late, &old), 0);
	assert_int_equal(ticket_copy(&tk, &old), 0);
	tk.closed_ms = T2030 + DAY_MS;
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	ids[0] = 0;
	assert_int_equal(store_closed_walk(t, T2030 + 100 * DAY_MS, collect, ids), 0);
	assert_int_equal(ids[1], late);
	ticket_free(&old);
	ticket_free(&tk);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_CLOSED), 2);
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	uint64_t gone = add(f->s, T2030, T2030 + DAY_MS);
	uint64_t kept = add(f->s, T2030, T2030 + 400 * DAY_MS);
	uint64_t open = add(f->s, T2030, 0);
	struct store_day d[2];
	struct store_txn *t = begin(f->s, false);
	assert_int_equal(store_days_get(t, store_day_of(T2030), 2, d), 0);
	store_txn_abort(t);
	assert_int_equal(d[0].opened, 3);
	assert_int_equal(d[1].closed, 1);

	size_t n;
	bool more;
	t = begin(f->s, true);
	assert_int_equal(store_tickets_purge(t, T2030 + 2 * DAY_MS, 10, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(store_txn_commit(t), 0);

	struct ticket tk;
	struct sla_state st;
	t = begin(f->s, false);
	assert_int_equal(store_ticket_get(t, gone, &tk), DK_ERR_NOTFOUND);
	assert_int_equal(store_sla_get(t, gone, &st), DK_ERR_NOTFOUND);
	assert_int_equal(store_ticket_get(t, kept, &tk), 0);
	ticket_free(&tk);
	assert_int_equal(store_ticket_get(t, open, &tk), 0);
	ticket_free(&tk);
	/* day counts are statistics: the purged ticket stays counted */
	assert_int_equal(store_days_get(t, store_day_of(T2030), 2, d), 0);
	assert_int_equal(d[0].opened, 3);
	assert_int_equal(d[1].closed, 1);
	uint64_t ids[64];
	size_t nl;
	assert_int_equal(store_ticket_list(t, SCOPE_ALL, 0, BUCKET_ALL, 0, 64, ids, &nl, &more), 0);
	assert_int_equal(nl, 2);
	store_txn_abort(t);
	assert_int_equal(entries(f->s, DB_EVENTS), 4);
	assert_int_equal(entries(f->s, DB_DEADLINES), 2);
	assert_int_equal(entries(f->s, DB_SLA), 2);
	assert_int_equal(entries(f->s, DB_CLOSED), 1);
	verify_clean(f->s);

	/* batches: at most limit, and more says whether others wait */
	for (int i = 0; i < 3; i++)
		add(f->s, T2030, T2030 + (2 + i) * DAY_MS);
	t = begin(f->s, true);
	assert_int_equal(store_tickets_purge(t, T2030 + 10 * DAY_MS, 2, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(store_tickets_purge(t, T2030 + 10 * DAY_MS, 2, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(store_tickets_purge(t, T2030 + 10 * DAY_MS, 0, &n, &more), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_ticket_purge(t, 99999), DK_ERR_NOTFOUND);
	assert_int_equal(store_txn_commit(t), 0);
	verify_clean(f->s);
}

/* Opening a schema 6 database builds the closed table from the tickets. */
static void test_upgrade_from_6(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { 0 };
	char err[256];
	add(f->s, T2030, T2030 + DAY_MS);
	add(f->s, T2030, 0);
	add(f->s, T2030, T2030 + 3 * DAY_MS);
	struct store_txn *t = begin(f->s, true);
	assert_int_equal(store_meta_set_u32(t, "schema", 6), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(f->s);
	assert_int_equal(store_open(f->dir, &o, &f->s, err, sizeof err), 0);
	t = begin(f->s, false);
	struct store_stats st;
	assert_int_equal(store_stats_get(t, &st), 0);
	store_txn_abort(t);
	assert_int_equal(st.schema, STORE_SCHEMA_VERSION);
	assert_int_equal(st.entries[DB_CLOSED], 2);
	verify_clean(f->s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cutoff),
		cmocka_unit_test_setup_teardown(test_closed_table, setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_6, setup_people, teardown),
	};
	return cmocka_run_group_tests_name("store_purge", tests, NULL, NULL);
}
