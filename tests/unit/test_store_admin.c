/* The storage calls of deskctl's data commands: store_backup and what dump
 * and restore use beyond the records (store_restore.c). */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

struct fx {
	char *dir;
	struct store *s;
};

static struct store *open_at(const char *dir, bool create)
{
	struct store_opts o = { .create = create };
	struct store *s = NULL;
	char err[256];

	if (store_open(dir, &o, &s, err, sizeof err))
		fail_msg("store_open %s: %s", dir, err);
	return s;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);

	assert_non_null(x);
	x->dir = test_tmpdir();
	assert_non_null(x->dir);
	x->s = open_at(x->dir, true);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	store_close(x->s);
	test_rmtree(x->dir);
	free(x->dir);
	free(x);
	return 0;
}

static struct store_txn *begin(struct store *s, bool write)
{
	struct store_txn *t = NULL;

	assert_int_equal(store_txn_begin(s, write, &t), 0);
	return t;
}

struct seen {
	size_t n;
	enum store_meta_kind kind[8];
	char name[8][80];
	uint64_t seq[8];
	size_t len[8];
};

static int on_meta(const struct store_meta_entry *e, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	s->kind[s->n] = e->kind;
	if (e->kind == STORE_META_OTHER)
		snprintf(s->name[s->n], sizeof s->name[0], "%.*s", (int)e->klen,
			 (const char *)e->key);
	else
		snprintf(s->name[s->n], sizeof s->name[0], "%s", e->name);
	s->seq[s->n] = e->seq;
	s->len[s->n] = e->len;
	s->n++;
	return 0;
}

static void test_meta_each_and_setters(void **state)
{
	struct fx *x = *state;
	struct seen s;
	uint64_t next;

	struct store_txn *t = begin(x->s, true);
	assert_int_equal(store_seq_set(t, "ticket", 10041), 0);
	assert_int_equal(store_seq_next(t, "ticket", 0, &next), 0);
	assert_int_equal(next, 10042);
	assert_int_equal(store_doc_put(t, "workflow", "{}", 2), 0);
	assert_int_equal(store_meta_put_raw(t, "zz", 2, "abc", 3), 0);
	/* the keys with setters of their own are refused */
	assert_int_equal(store_meta_put_raw(t, "schema", 6, "abcd", 4), DK_ERR_INVALID);
	assert_int_equal(store_meta_put_raw(t, "docs_version", 12, "12345678", 8), DK_ERR_INVALID);
	assert_int_equal(store_meta_put_raw(t, "seq:x", 5, "12345678", 8), DK_ERR_INVALID);
	assert_int_equal(store_meta_put_raw(t, "doc:x", 5, "{}", 2), DK_ERR_INVALID);
	assert_int_equal(store_meta_put_raw(t, "", 0, "", 0), DK_ERR_INVALID);
	assert_int_equal(store_seq_set(t, "", 1), DK_ERR_INVALID);
	assert_int_equal(store_txn_commit(t), 0);

	memset(&s, 0, sizeof s);
	t = begin(x->s, false);
	assert_int_equal(store_meta_each(t, on_meta, &s), 0);
	store_txn_abort(t);
	/* key order; schema and docs_version are not data */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.kind[0], STORE_META_DOC);
	assert_string_equal(s.name[0], "workflow");
	assert_int_equal(s.len[0], 2);
	assert_int_equal(s.kind[1], STORE_META_SEQ);
	assert_string_equal(s.name[1], "ticket");
	assert_int_equal(s.seq[1], 10042);
	assert_int_equal(s.kind[2], STORE_META_OTHER);
	assert_int_equal(s.len[2], 3);
}

struct days {
	size_t n;
	uint32_t day[8];
	struct store_day d[8];
};

static int on_day(uint32_t day, const struct store_day *d, void *arg)
{
	struct days *s = arg;

	s->day[s->n] = day;
	s->d[s->n++] = *d;
	return 0;
}

static void test_days(void **state)
{
	struct fx *x = *state;
	struct store_day a = { 3, 1 }, zero = { 0, 0 }, got[2];
	struct days s;

	struct store_txn *t = begin(x->s, true);
	assert_int_equal(store_day_set(t, 20000, &a), 0);
	assert_int_equal(store_day_set(t, 20001, &a), 0);
	assert_int_equal(store_day_set(t, 20001, &zero), 0); /* deletes */
	assert_int_equal(store_day_set(t, 5, &zero), 0);     /* nothing to delete */
	assert_int_equal(store_txn_commit(t), 0);
	memset(&s, 0, sizeof s);
	t = begin(x->s, false);
	assert_int_equal(store_days_each(t, on_day, &s), 0);
	assert_int_equal(store_days_get(t, 20000, 2, got), 0);
	assert_int_equal(store_days_clear(t), DK_ERR_INVALID); /* read-only */
	store_txn_abort(t);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.day[0], 20000);
	assert_int_equal(s.d[0].opened, 3);
	assert_int_equal(got[0].closed, 1);
	assert_int_equal(got[1].opened, 0);
	t = begin(x->s, true);
	assert_int_equal(store_days_clear(t), 0);
	assert_int_equal(store_txn_commit(t), 0);
	memset(&s, 0, sizeof s);
	t = begin(x->s, false);
	assert_int_equal(store_days_each(t, on_day, &s), 0);
	store_txn_abort(t);
	assert_int_equal(s.n, 0);
}

static void test_raw_tables(void **state)
{
	struct fx *x = *state;

	assert_true(store_db_is_raw(DB_SLA));
	assert_true(store_db_is_raw(DB_DEADLINES));
	assert_true(store_db_is_raw(DB_ESCALATIONS));
	assert_false(store_db_is_raw(DB_TICKETS));
	assert_false(store_db_is_raw(DB_TICKET_LIST));
	struct store_txn *t = begin(x->s, true);
	assert_int_equal(store_raw_put(t, DB_DEADLINES, "k", 1, "", 0), 0);
	assert_int_equal(store_raw_put(t, DB_DEADLINES, "k", 1, "", 0), DK_ERR_EXISTS);
	/* records and indexes go through their own puts */
	assert_int_equal(store_raw_put(t, DB_TICKETS, "12345678", 8, "", 0), DK_ERR_INVALID);
	assert_int_equal(store_raw_put(t, DB_META, "k", 1, "", 0), DK_ERR_INVALID);
	assert_int_equal(store_raw_put(t, DB_COUNT, "k", 1, "", 0), DK_ERR_INVALID);
	assert_int_equal(store_raw_put(t, DB_SLA, "", 0, "", 0), DK_ERR_INVALID);
	store_txn_abort(t);
}

static void test_backup(void **state)
{
	struct fx *x = *state;
	char dest[4200], file[4300], err[256];
	struct user u;
	struct stat st;

	memset(&u, 0, sizeof u);
	u.email = (char *)"kept@example.com";
	u.role = ROLE_AGENT;
	struct store_txn *t = begin(x->s, true);
	assert_int_equal(store_user_put(t, NULL, &u), 0);
	assert_int_equal(store_txn_commit(t), 0);

	/* while a reader holds a snapshot, as deskd would */
	struct store_txn *reader = begin(x->s, false);
	snprintf(dest, sizeof dest, "%s/copy", x->dir);
	assert_int_equal(store_backup(x->s, dest, err, sizeof err), 0);
	store_txn_abort(reader);
	snprintf(file, sizeof file, "%s/data.mdb", dest);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	struct store *copy = open_at(dest, false);
	struct user got;
	t = begin(copy, false);
	assert_int_equal(store_user_by_email(t, "KEPT@example.com", &got), 0);
	assert_int_equal(got.id, u.id);
	user_free(&got);
	store_txn_abort(t);
	store_close(copy);

	/* a used destination is refused and left as it was */
	err[0] = '\0';
	assert_int_equal(store_backup(x->s, dest, err, sizeof err), DK_ERR_EXISTS);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(store_backup(x->s, file, err, sizeof err), DK_ERR_EXISTS);
	assert_non_null(strstr(err, "not a directory"));
	snprintf(dest, sizeof dest, "%s/no/such", x->dir);
	assert_int_equal(store_backup(x->s, dest, err, sizeof err), DK_ERR_NOTFOUND);
	assert_int_equal(store_backup(x->s, "", err, sizeof err), DK_ERR_INVALID);
	/* an empty directory is fine */
	snprintf(dest, sizeof dest, "%s/empty", x->dir);
	assert_int_equal(mkdir(dest, 0755), 0);
	assert_int_equal(store_backup(x->s, dest, err, sizeof err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_meta_each_and_setters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	};

	return cmocka_run_group_tests_name("store_admin", tests, NULL, NULL);
}
