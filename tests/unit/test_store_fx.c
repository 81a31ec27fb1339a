/* The fixture and helpers of the storage unit tests (test_store.h). */
#include "test_store.h"

struct store *reopen(const char *dir, const struct store_opts *o)
{
	char err[256];
	struct store *s = NULL;
	int rc = store_open(dir, o, &s, err, sizeof err);

	if (rc)
		fail_msg("store_open %s: %d %s", dir, rc, err);
	return s;
}

int setup(void **state)
{
	struct store_opts o = { .create = true };
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->dir = test_tmpdir();
	assert_non_null(f->dir);
	f->s = reopen(f->dir, &o);
	*state = f;
	return 0;
}

int setup_people(void **state)
{
	struct store_txn *t;
	struct org org = { .name = "Acme" };
	struct user u = { .email = "ann@acme.example", .name = "Ann", .role = ROLE_CUSTOMER };
	if (setup(state))
		return -1;
	struct fx *f = *state;
	if (store_txn_begin(f->s, true, &t) || store_org_put(t, NULL, &org))
		return -1;
	u.org_id = org.id;
	if (store_user_put(t, NULL, &u) || store_txn_commit(t))
		return -1;
	return 0;
}

int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

struct store_txn *begin(struct store *s, bool write)
{
	struct store_txn *t = NULL;

	assert_int_equal(store_txn_begin(s, write, &t), 0);
	return t;
}

void user_init(struct user *u, const char *email)
{
	memset(u, 0, sizeof *u);
	u->role = ROLE_CUSTOMER;
	u->email = strdup(email);
	u->name = strdup("Test User");
	u->language = strdup("en");
	u->created_ms = 1700000000000;
}

void ticket_init(struct ticket *t, uint64_t org, uint64_t requester, uint8_t prio,
		 const char *status)
{
	memset(t, 0, sizeof *t);
	t->org_id = org;
	t->requester_id = requester;
	t->creator_id = requester;
	t->title = strdup("printer on fire");
	t->description = strdup("smoke everywhere");
	t->type = strdup("incident");
	t->priority = prio;
	t->status = strdup(status);
	t->channel = strdup("portal");
	t->created_ms = 1700000000000;
}

uint64_t ticket_add(struct store *s, uint64_t org, uint64_t requester, uint8_t prio,
		    const char *status)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	uint64_t id;

	ticket_init(&tk, org, requester, prio, status);
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	id = tk.id;
	ticket_free(&tk);
	return id;
}

size_t list(struct store *s, enum list_scope scope, uint64_t sid, enum list_bucket b,
	    uint64_t *ids)
{
	struct store_txn *t = begin(s, false);
	size_t n;
	bool more;

	assert_int_equal(store_ticket_list(t, scope, sid, b, 0, 64, ids, &n, &more), 0);
	assert_false(more);
	store_txn_abort(t);
	return n;
}

uint64_t entries(struct store *s, enum store_db db)
{
	struct store_txn *t = begin(s, false);
	struct store_stats st;

	assert_int_equal(store_stats_get(t, &st), 0);
	store_txn_abort(t);
	return st.entries[db];
}
