/* Storage of SLA state, the deadline index and escalation notes. */
#include "test.h"

#include "sla_record.h"
#include "store.h"

struct sfx {
	char *dir;
	struct store *s;
};

static int setup(void **state)
{
	struct sfx *f = calloc(1, sizeof *f);
	struct store_opts o = { .create = true };
	char err[256];
	f->dir = test_tmpdir();
	if (!f->dir || store_open(f->dir, &o, &f->s, err, sizeof err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct sfx *f = *state;
	store_close(f->s);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static struct store_txn *begin(struct store *s, bool write)
{
	struct store_txn *txn;
	assert_int_equal(store_txn_begin(s, write, &txn), 0);
	return txn;
}

static void test_state(void **state)
{
	struct sfx *f = *state;
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
	struct sfx *f = *state;
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
	assert_int_equal(store_deadline_put(txn, 7, 50, 4), DK_ERR_INVALID);
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
	assert_int_equal(store_deadline_walk(txn, STORE_DEADLINE_RESPONSE_WARNING, count, &n), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	};
	return cmocka_run_group_tests_name("sla_store", tests, NULL, NULL);
}
