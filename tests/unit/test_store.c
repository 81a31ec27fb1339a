/* Unit tests of storage/: the environment, transactions, map growth,
 * records and their indexes, against a real LMDB in a temporary directory.
 * The record and index cases are in test_store_data.c. */
#include "test_store.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workflow.h"

/* --- environment --- */

static void test_open_create_reopen(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	struct store_stats st;
	struct user u, got;

	user_init(&u, "ann@example.com");
	assert_int_equal(store_user_put(t, NULL, &u), 0);
	assert_int_equal(u.id, 1);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(f->s);

	f->s = reopen(f->dir, &(struct store_opts){ 0 });
	t = begin(f->s, false);
	assert_int_equal(store_user_get(t, u.id, &got), 0);
	assert_string_equal(got.email, "ann@example.com");
	assert_int_equal(store_stats_get(t, &st), 0);
	assert_int_equal(st.schema, STORE_SCHEMA_VERSION);
	assert_int_equal(st.entries[DB_USERS], 1);
	assert_true(st.map_used > 0 && st.map_used <= st.map_size);
	store_txn_abort(t);
	user_free(&got);
	user_free(&u);

	/* read-only refuses write transactions */
	store_close(f->s);
	f->s = reopen(f->dir, &(struct store_opts){ .read_only = true });
	assert_int_equal(store_txn_begin(f->s, true, &t), DK_ERR_ACCESS);
	assert_null(t);
}

static void test_open_missing_dir(void **state)
{
	struct fx *f = *state;
	struct store *s = (struct store *)1;
	char path[4200], err[256];

	snprintf(path, sizeof path, "%s/nope", f->dir);
	assert_int_equal(store_open(path, &(struct store_opts){ .create = true }, &s, err,
				    sizeof err), DK_ERR_NOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "does not exist"));
}

static void test_open_not_dir(void **state)
{
	struct fx *f = *state;
	struct store *s;
	char path[4200], err[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/file", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(store_open(path, NULL, &s, err, sizeof err), DK_ERR_NOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err, "not a directory"));
}

static int open_code(const char *dir, const struct store_opts *o, char *err, size_t size)
{
	struct store *s = NULL;
	int rc = store_open(dir, o, &s, err, size);

	store_close(s);
	return rc;
}

static void test_open_unwritable(void **state)
{
	struct fx *f = *state;
	char path[4200], err[256];
	struct passwd *pw;
	int status;
	pid_t pid;

	snprintf(path, sizeof path, "%s/ro", f->dir);
	assert_int_equal(mkdir(path, 0555), 0);
	if (geteuid() != 0) {
		assert_int_equal(open_code(path, &(struct store_opts){ .create = true }, err,
					   sizeof err), DK_ERR_ACCESS);
		assert_non_null(strstr(err, "not writable"));
		return;
	}
	/* root writes anywhere: check as an unprivileged user in a child */
	pw = getpwnam("nobody");
	if (!pw)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(100);
		_exit(-open_code(path, &(struct store_opts){ .create = true }, err, sizeof err));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		skip();
	assert_int_equal(-WEXITSTATUS(status), DK_ERR_ACCESS);
}

static void test_open_not_datadir(void **state)
{
	struct fx *f = *state;
	char path[4200], err[256];

	snprintf(path, sizeof path, "%s/empty", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(open_code(path, NULL, err, sizeof err), DK_ERR_NOTFOUND);
	assert_non_null(strstr(err, "is not a deskd data directory (run deskctl init)"));
	assert_int_equal(open_code(path, &(struct store_opts){ .read_only = true }, err,
				   sizeof err), DK_ERR_NOTFOUND);
	/* nothing was created by the failed opens */
	snprintf(path, sizeof path, "%s/empty/data.mdb", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static int set_schema(struct store_txn *t, void *arg)
{
	return store_meta_set_u32(t, "schema", *(uint32_t *)arg);
}

static void test_open_newer_schema(void **state)
{
	struct fx *f = *state;
	uint32_t v = STORE_SCHEMA_VERSION + 1;
	char err[256], want[64];

	assert_int_equal(store_write(f->s, set_schema, &v), 0);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(open_code(f->dir, NULL, err, sizeof err), DK_ERR_SCHEMA);
	snprintf(want, sizeof want, "schema version %u, newer than version %d", v,
		 STORE_SCHEMA_VERSION);
	assert_non_null(strstr(err, want));
	assert_int_equal(open_code(f->dir, &(struct store_opts){ .create = true }, err,
				   sizeof err), DK_ERR_SCHEMA);
}

/* Runs body in a child and returns its exit status as a dk_err. */
static int in_child(int (*body)(const char *dir), const char *dir)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(-body(dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

static int child_exclusive(const char *dir)
{
	return open_code(dir, &(struct store_opts){ .exclusive = true }, NULL, 0);
}

static int child_write(const char *dir)
{
	struct store *s = NULL;
	struct store_txn *t;
	struct user u;
	int rc = store_open(dir, NULL, &s, NULL, 0);

	if (rc)
		return rc;
	user_init(&u, "child@example.com");
	rc = store_txn_begin(s, true, &t);
	if (!rc)
		rc = store_user_put(t, NULL, &u);
	if (!rc)
		rc = store_txn_commit(t);
	else
		store_txn_abort(t);
	user_free(&u);
	store_close(s);
	return rc;
}

static void test_open_exclusive(void **state)
{
	struct fx *f = *state;
	struct store_opts ex = { .exclusive = true };
	struct store *s2 = NULL;
	struct store_txn *t;
	struct user u;
	char err[256], want[4300];

	store_close(f->s);
	f->s = reopen(f->dir, &ex);
	/* flock is per open file description: a second open here conflicts too */
	assert_int_equal(store_open(f->dir, &ex, &s2, err, sizeof err), DK_ERR_LOCKED);
	assert_null(s2);
	snprintf(want, sizeof want, "another deskd is using %s", f->dir);
	assert_string_equal(err, want);
	assert_int_equal(in_child(child_exclusive, f->dir), DK_ERR_LOCKED);
	/* deskctl opens without the lock and may write while deskd runs */
	assert_int_equal(in_child(child_write, f->dir), 0);
	t = begin(f->s, false);
	assert_int_equal(store_user_by_email(t, "CHILD@example.com", &u), 0);
	user_free(&u);
	store_txn_abort(t);
	/* closing releases the lock */
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(in_child(child_exclusive, f->dir), 0);
}

static void write_garbage(const char *path, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	size_t i;

	assert_true(fd >= 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)(i * 131 + 7);

		assert_int_equal(write(fd, &c, 1), 1);
	}
	close(fd);
}

static void test_open_corrupt(void **state)
{
	struct fx *f = *state;
	char path[4200], err[256];

	snprintf(path, sizeof path, "%s/bad", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/bad/data.mdb", f->dir);
	write_garbage(path, 20000);
	snprintf(path, sizeof path, "%s/bad", f->dir);
	assert_int_equal(open_code(path, NULL, err, sizeof err), DK_ERR_CORRUPT);
	assert_non_null(strstr(err, "damaged"));
	assert_int_equal(open_code(path, &(struct store_opts){ .create = true }, err, sizeof err),
			 DK_ERR_CORRUPT);

	/* a real database whose meta pages were overwritten */
	store_close(f->s);
	f->s = NULL;
	snprintf(path, sizeof path, "%s/data.mdb", f->dir);
	write_garbage(path, 8192);
	assert_int_equal(open_code(f->dir, NULL, err, sizeof err), DK_ERR_CORRUPT);
}

/* --- transactions and map growth --- */

static void test_txn_abort(void **state)
{
	struct fx *f = *state;
	struct store_txn *t = begin(f->s, true);
	struct user u, got;

	user_init(&u, "gone@example.com");
	assert_int_equal(store_user_put(t, NULL, &u), 0);
	store_txn_abort(t);
	t = begin(f->s, false);
	assert_int_equal(store_user_get(t, u.id, &got), DK_ERR_NOTFOUND);
	assert_null(got.email);
	assert_int_equal(store_user_by_email(t, "gone@example.com", &got), DK_ERR_NOTFOUND);
	store_txn_abort(t);
	assert_int_equal(entries(f->s, DB_META), 1); /* only the schema */
	user_free(&u);
}

static int put_then_fail(struct store_txn *t, void *arg)
{
	struct user u;
	int rc;

	(void)arg;
	user_init(&u, "half@example.com");
	rc = store_user_put(t, NULL, &u);
	user_free(&u);
	return rc ? rc : DK_ERR_CONFLICT;
}

static void test_write_fn_error(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	uint64_t id;

	assert_int_equal(store_write(f->s, put_then_fail, NULL), DK_ERR_CONFLICT);
	assert_int_equal(entries(f->s, DB_USERS), 0);
	assert_int_equal(entries(f->s, DB_USERS_BY_EMAIL), 0);
	t = begin(f->s, true);
	assert_int_equal(store_seq_next(t, "user", 0, &id), 0);
	assert_int_equal(id, 1); /* the failed write did not use up an id */
	store_txn_abort(t);
}

struct bulk {
	int from, count;
	size_t text;
};

static int put_bulk(struct store_txn *t, void *arg)
{
	struct bulk *b = arg;
	struct ticket tk;
	int i, rc = 0;

	for (i = 0; i < b->count && !rc; i++) {
		ticket_init(&tk, 1, 100 + (uint64_t)(b->from + i), 3, status_initial());
		free(tk.description);
		tk.description = malloc(b->text + 1);
		assert_non_null(tk.description);
		memset(tk.description, 'a' + (b->from + i) % 26, b->text);
		tk.description[b->text] = '\0';
		rc = store_ticket_put(t, NULL, &tk);
		ticket_free(&tk);
	}
	return rc;
}

static void test_map_growth(void **state)
{
	struct fx *f = *state;
	struct store_opts small = { .map_size = 64 << 10 };
	struct store_txn *t;
	struct store_stats st;
	struct ticket tk;
	int i;

	store_close(f->s);
	f->s = reopen(f->dir, &small);
	/* 4 x 1 MiB, each in one transaction */
	for (i = 0; i < 4; i++) {
		struct bulk b = { .from = i * 64, .count = 64, .text = 16 << 10 };

		assert_int_equal(store_write(f->s, put_bulk, &b), 0);
	}
	store_close(f->s);
	f->s = reopen(f->dir, &small);
	t = begin(f->s, false);
	assert_int_equal(store_stats_get(t, &st), 0);
	assert_int_equal(st.entries[DB_TICKETS], 256);
	assert_true(st.map_size >= (4u << 20));
	for (i = 0; i < 256; i++) {
		assert_int_equal(store_ticket_get(t, STORE_TICKET_FIRST + (uint64_t)i, &tk), 0);
		assert_int_equal(strlen(tk.description), 16 << 10);
		assert_int_equal(tk.description[0], 'a' + i % 26);
		assert_int_equal(tk.requester_id, 100 + (uint64_t)i);
		ticket_free(&tk);
	}
	store_txn_abort(t);
}

static void test_map_max(void **state)
{
	struct fx *f = *state;
	struct store_opts capped = { .map_size = 64 << 10, .map_size_max = 256 << 10 };
	struct bulk b = { .count = 64, .text = 16 << 10 };
	struct bulk one = { .count = 1, .text = 10 };

	store_close(f->s);
	f->s = reopen(f->dir, &capped);
	assert_int_equal(store_write(f->s, put_bulk, &b), DK_ERR_NOSPACE);
	assert_int_equal(entries(f->s, DB_TICKETS), 0);
	assert_int_equal(entries(f->s, DB_TICKET_LIST), 0);
	assert_int_equal(entries(f->s, DB_META), 1);
	/* a small write still fits and gets the first number */
	assert_int_equal(store_write(f->s, put_bulk, &one), 0);
	assert_int_equal(list(f->s, SCOPE_ALL, 0, BUCKET_ALL, (uint64_t[64]){ 0 }), 1);
	assert_int_equal(entries(f->s, DB_TICKETS), 1);
}

static int child_grow(const char *dir)
{
	struct store *s = NULL;
	struct bulk b = { .from = 0, .count = 128, .text = 16 << 10 };
	int rc = store_open(dir, &(struct store_opts){ .map_size = 64 << 10 }, &s, NULL, 0);

	if (!rc)
		rc = store_write(s, put_bulk, &b);
	store_close(s);
	return rc;
}

static void test_map_resized_elsewhere(void **state)
{
	struct fx *f = *state;
	struct bulk b = { .from = 128, .count = 1, .text = 100 };
	struct store_txn *t;
	struct ticket tk;

	store_close(f->s);
	f->s = reopen(f->dir, &(struct store_opts){ .map_size = 64 << 10 });
	assert_int_equal(in_child(child_grow, f->dir), 0);
	/* the other process grew the map past ours: begin adopts its size */
	t = begin(f->s, false);
	assert_int_equal(store_ticket_get(t, STORE_TICKET_FIRST + 127, &tk), 0);
	assert_int_equal(strlen(tk.description), 16 << 10);
	ticket_free(&tk);
	store_txn_abort(t);
	assert_int_equal(store_write(f->s, put_bulk, &b), 0);
	assert_int_equal(entries(f->s, DB_TICKETS), 129);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_create_reopen),
		T(test_open_missing_dir),
		T(test_open_not_dir),
		T(test_open_unwritable),
		T(test_open_not_datadir),
		T(test_open_newer_schema),
		T(test_open_exclusive),
		T(test_open_corrupt),
		T(test_txn_abort),
		T(test_write_fn_error),
		T(test_map_growth),
		T(test_map_max),
		T(test_map_resized_elsewhere),
		T(test_seq),
		T(test_users),
		T(test_orgs),
		T(test_ticket_ids),
		T(test_ticket_lists),
		T(test_ticket_pagination),
		T(test_ticket_counts),
		T(test_events),
		T(test_sessions),
		T(test_each_and_names),
		T(test_scope_assignee),
		T(test_scope_shared),
		T(test_scope_approval),
		T(test_category_buckets),
		T(test_customer_list),
		T(test_customer_counts),
		T(test_reindex_upgrade),
		T(test_docs),
		T(test_walk_directions),
		T(test_walk_stop_and_error),
		T(test_walk_paging),
		T(test_walk_customer_union),
		T(test_day_counts),
		T(test_sessions_by_user),
		T(test_users_by_role),
		T(test_orgs_by_name),
		T(test_upgrade_from_2),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
