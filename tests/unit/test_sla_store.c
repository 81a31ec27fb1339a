/* Storage of SLA state, the deadline index and escalation notes. */
#include "test_store.h"

#include "sla_record.h"

static void test_state(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct sla_state a, b;
	sla_state_init(&a);
	a.priority = 1;
	a.flags[1] = SLA_FLAG_BREACHED;
	assert_int_equal(store_sla_get(txn, 10001, &b), DK_ERR_NOTFOUND);
	assert_int_equal(store_sla_put(txn, 10001, &a), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	txn = begin(f->s, false);
	assert_int_equal(store_sla_get(txn, 10001, &b), 0);
	assert_int_equal(b.priority, 1);
	assert_int_equal(b.flags[1], SLA_FLAG_BREACHED);
	store_txn_abort(txn);
	txn = begin(f->s, true);
	assert_int_equal(store_sla_del(txn, 10001), 0);
	assert_int_equal(store_sla_get(txn, 10001, &b), DK_ERR_NOTFOUND);
	store_txn_abort(txn);
}

static int count(const struct store_deadline *d, void *arg)
{
	size_t *n = arg;
	(*n)++;
	return *n == 2 && d->kind == STORE_DEADLINE_AUTO_CLOSE ? STORE_WALK_STOP : 0;
}

static void test_deadlines(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct store_deadline first, due[8];
	size_t n;
	/* kinds stay apart: "earliest of kind" never sees another kind */
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_RESPONSE_BREACH, 500, 7), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_RESPONSE_WARNING, 900, 3), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_RESPONSE_WARNING, 100, 5), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_RESPONSE_WARNING, 100, 4), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_AUTO_CLOSE, 50, 4), 0);
	assert_int_equal(store_deadline_put(txn, 0, 50, 4), DK_ERR_INVALID);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_LAST + 1, 50, 4), DK_ERR_INVALID);
	assert_int_equal(store_deadline_put(txn, 1, -1, 4), DK_ERR_INVALID);
	assert_int_equal(store_deadline_first(txn, STORE_DEADLINE_RESPONSE_WARNING, &first), 0);
	assert_int_equal(first.due_ms, 100);
	assert_int_equal(first.ticket_id, 4);
	assert_int_equal(store_deadline_first(txn, STORE_DEADLINE_TRIAGE_BREACH, &first),
			 DK_ERR_NOTFOUND);
	assert_int_equal(store_deadline_first(txn, STORE_DEADLINE_AUTO_CLOSE, &first), 0);
	assert_int_equal(first.due_ms, 50);
	/* due at or before: in time order, bounded */
	assert_int_equal(store_deadlines_due(txn, STORE_DEADLINE_RESPONSE_WARNING, 99, due, 8,
					     &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_deadlines_due(txn, STORE_DEADLINE_RESPONSE_WARNING, 100, due, 8,
					     &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(due[0].ticket_id, 4);
	assert_int_equal(due[1].ticket_id, 5);
	assert_int_equal(store_deadlines_due(txn, STORE_DEADLINE_RESPONSE_WARNING, 10000, due, 1,
					     &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_deadlines_due(txn, STORE_DEADLINE_RESPONSE_WARNING, 10000, due, 8,
					     &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(due[2].due_ms, 900);
	/* delete, also what is not there */
	assert_int_equal(store_deadline_del(txn, STORE_DEADLINE_RESPONSE_WARNING, 100, 4), 0);
	assert_int_equal(store_deadline_del(txn, STORE_DEADLINE_RESPONSE_WARNING, 100, 4), 0);
	assert_int_equal(store_deadline_first(txn, STORE_DEADLINE_RESPONSE_WARNING, &first), 0);
	assert_int_equal(first.ticket_id, 5);
	n = 0;
	assert_int_equal(store_deadline_walk(txn, STORE_DEADLINE_RESPONSE_WARNING, NULL, count, &n),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_escalation_put(txn, 1000, 5, STORE_DEADLINE_RESPONSE_BREACH), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	struct store_stats st;
	txn = begin(f->s, false);
	assert_int_equal(store_stats_get(txn, &st), 0);
	assert_int_equal(st.entries[DB_DEADLINES], 4);
	assert_int_equal(st.entries[DB_ESCALATIONS], 1);
	assert_string_equal(store_db_name(DB_DEADLINES), "deadlines");
	assert_string_equal(store_db_name(DB_SLA), "sla");
	store_txn_abort(txn);
}

/* Gathers the entries a walk passes. */
struct seen {
	size_t n;
	struct store_deadline d[16];
};

static int gather(const struct store_deadline *d, void *arg)
{
	struct seen *s = arg;
	if (s->n < 16)
		s->d[s->n] = *d;
	s->n++;
	return 0;
}

static struct seen walk_from(struct store_txn *txn, uint8_t kind, int64_t due, uint64_t id)
{
	struct store_deadline after = { kind, due, id };
	struct seen s = { 0 };
	assert_int_equal(store_deadline_walk(txn, kind, id ? &after : NULL, gather, &s), 0);
	return s;
}

/* The queue pages through the due entries from a cursor (time, ticket). */
static void test_walk_after(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct store_deadline bad = { STORE_DEADLINE_DUE, -1, 1 };
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_DUE, 100, 4), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_DUE, 100, 5), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_DUE, 900, 3), 0);
	/* neighbours of another kind are never reached */
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_AUTO_CLOSE, 950, 9), 0);
	struct seen s = walk_from(txn, STORE_DEADLINE_DUE, 0, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.d[0].ticket_id, 4);
	assert_int_equal(s.d[2].ticket_id, 3);
	s = walk_from(txn, STORE_DEADLINE_DUE, 100, 4);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.d[0].ticket_id, 5);
	assert_int_equal(s.d[1].due_ms, 900);
	/* a cursor whose entry went meanwhile goes on after its place */
	s = walk_from(txn, STORE_DEADLINE_DUE, 100, 3);
	assert_int_equal(s.n, 3);
	s = walk_from(txn, STORE_DEADLINE_DUE, 500, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.d[0].ticket_id, 3);
	s = walk_from(txn, STORE_DEADLINE_DUE, 900, 3);
	assert_int_equal(s.n, 0);
	s = walk_from(txn, STORE_DEADLINE_AUTO_CLOSE, 0, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(store_deadline_walk(txn, STORE_DEADLINE_DUE, &bad, gather, &s),
			 DK_ERR_INVALID);
	store_txn_abort(txn);
}

/* A state whose first response (running or stopped) and resolution run. */
static struct sla_state running(int64_t response_due, bool answered, int64_t resolution_due)
{
	struct sla_state s;
	sla_state_init(&s);
	s.priority = 2;
	s.clock[SLA_FIRST_RESPONSE].run = answered ? SLA_CLOCK_STOPPED : SLA_CLOCK_RUNNING;
	s.clock[SLA_FIRST_RESPONSE].due_ms = answered ? SLA_NEVER : response_due;
	s.clock[SLA_FIRST_RESPONSE].warning_ms = answered ? SLA_NEVER : response_due - 10;
	s.clock[SLA_RESOLUTION].run = SLA_CLOCK_RUNNING;
	s.clock[SLA_RESOLUTION].due_ms = resolution_due;
	s.clock[SLA_RESOLUTION].warning_ms = resolution_due - 10;
	return s;
}

/* Writes a state with the entries of the timer kinds, as a version 4
 * engine did. */
static void put_v4(struct store_txn *txn, uint64_t id, const struct sla_state *s)
{
	int64_t at[SLA_DEADLINE_KINDS];
	sla_state_deadlines(s, at);
	assert_int_equal(store_sla_put(txn, id, s), 0);
	for (int k = STORE_DEADLINE_FIRST; k <= STORE_DEADLINE_TIMER_LAST; k++)
		if (at[k])
			assert_int_equal(store_deadline_put(txn, (uint8_t)k, at[k], id), 0);
}

static int set_schema_4(struct store_txn *txn, void *arg)
{
	(void)arg;
	return store_meta_set_u32(txn, "schema", 4);
}

/* A version 4 database gets the due entries its SLA states imply when it is
 * first opened for writing; a read-only open leaves it as it is. */
static void test_upgrade_from_4(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { 0 };
	struct store_stats st;
	char err[256];
	struct store_txn *txn = begin(f->s, true);
	struct sla_state a = running(5000, false, 9000);
	struct sla_state b = running(0, true, 7000);
	struct sla_state c = running(6000, false, 8000);
	/* b's resolution is breached and announced: still due, most overdue */
	b.flags[SLA_RESOLUTION] = SLA_FLAG_BREACHED;
	/* c waits for the customer */
	c.clock[SLA_FIRST_RESPONSE].run = c.clock[SLA_RESOLUTION].run = SLA_CLOCK_PAUSED;
	put_v4(txn, 10001, &a);
	put_v4(txn, 10002, &b);
	put_v4(txn, 10003, &c);
	assert_int_equal(store_txn_commit(txn), 0);
	assert_int_equal(store_write(f->s, set_schema_4, NULL), 0);
	store_close(f->s);

	o.read_only = true;
	assert_int_equal(store_open(f->dir, &o, &f->s, err, sizeof err), 0);
	txn = begin(f->s, false);
	assert_int_equal(store_stats_get(txn, &st), 0);
	assert_int_equal(st.schema, 4);
	assert_int_equal(walk_from(txn, STORE_DEADLINE_DUE, 0, 0).n, 0);
	store_txn_abort(txn);
	store_close(f->s);

	o.read_only = false;
	assert_int_equal(store_open(f->dir, &o, &f->s, err, sizeof err), 0);
	txn = begin(f->s, false);
	assert_int_equal(store_stats_get(txn, &st), 0);
	assert_int_equal(st.schema, STORE_SCHEMA_VERSION);
	struct seen s = walk_from(txn, STORE_DEADLINE_DUE, 0, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.d[0].ticket_id, 10001);
	assert_int_equal(s.d[0].due_ms, 5000);
	assert_int_equal(s.d[1].ticket_id, 10002);
	assert_int_equal(s.d[1].due_ms, 7000);
	/* the timer kinds are as they were */
	s = walk_from(txn, STORE_DEADLINE_RESOLUTION_BREACH, 0, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.d[0].ticket_id, 10001);
	store_txn_abort(txn);
}

/* A rebuild replaces whatever entries of the kind were there. */
static void test_rebuild(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct sla_state a = running(5000, false, 9000);
	uint64_t n;
	assert_int_equal(store_sla_put(txn, 10001, &a), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_DUE, 42, 10001), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_DUE, 43, 777), 0);
	assert_int_equal(store_deadline_put(txn, STORE_DEADLINE_AUTO_CLOSE, 44, 777), 0);
	assert_int_equal(store_sla_put(txn, 10002, &a), 0);
	/* a state that does not decode implies nothing */
	assert_int_equal(store_raw_put(txn, DB_SLA, "\0\0\0\0\0\0\x27\x13", 8, "\xc1", 1), 0);
	assert_int_equal(store_deadlines_rebuild(txn, STORE_DEADLINE_DUE, &n), 0);
	assert_int_equal(n, 2);
	struct seen s = walk_from(txn, STORE_DEADLINE_DUE, 0, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.d[0].due_ms, 5000);
	assert_int_equal(s.d[0].ticket_id, 10001);
	assert_int_equal(s.d[1].ticket_id, 10002);
	assert_int_equal(walk_from(txn, STORE_DEADLINE_AUTO_CLOSE, 0, 0).n, 1);
	assert_int_equal(store_deadlines_rebuild(txn, 0, &n), DK_ERR_INVALID);
	store_txn_abort(txn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuild, setup, teardown),
	};
	return cmocka_run_group_tests_name("sla_store", tests, NULL, NULL);
}
