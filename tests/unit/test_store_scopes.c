/* Storage unit tests of the lifecycle indexes: the shared and assignee
 * scopes, the stored category, the customer union and its counts, the
 * schema 1 upgrade, and named documents. */
#include "test_store.h"

#include "workflow.h"

/* --- helpers --- */

/* Reads ticket id, lets edit change a copy, and stores it. */
static void edit(struct store *s, uint64_t id, void (*fn)(struct ticket *, uint64_t),
		 uint64_t arg)
{
	struct store_txn *t = begin(s, true);
	struct ticket old, tk;

	assert_int_equal(store_ticket_get(t, id, &old), 0);
	assert_int_equal(ticket_copy(&tk, &old), 0);
	fn(&tk, arg);
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	ticket_free(&old);
	ticket_free(&tk);
}

static void do_share(struct ticket *t, uint64_t on)
{
	t->shared_with_org = on != 0;
}

static void do_assign(struct ticket *t, uint64_t user)
{
	t->assignee_id = user;
}

static void do_priority(struct ticket *t, uint64_t p)
{
	t->priority = (uint8_t)p;
}

static void do_join(struct ticket *t, uint64_t user)
{
	assert_int_equal(id_list_add(&t->participants, &t->n_participants, user), 0);
}

static void do_leave(struct ticket *t, uint64_t user)
{
	id_list_remove(t->participants, &t->n_participants, user);
}

static void do_close(struct ticket *t, uint64_t category)
{
	free(t->status);
	t->status = strdup("closed");
	t->category = (uint8_t)category;
}

/* Sets the stored category alone, as a deskd with another workflow would. */
static void do_category(struct ticket *t, uint64_t category)
{
	t->category = (uint8_t)category;
}

/* A new ticket with the given sharing, in its own transaction. */
static uint64_t add(struct store *s, uint64_t org, uint64_t requester, uint8_t prio,
		    bool shared)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	uint64_t id;

	ticket_init(&tk, org, requester, prio, status_initial());
	tk.shared_with_org = shared;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	id = tk.id;
	ticket_free(&tk);
	return id;
}

struct count_one {
	char dim;
	const char *value;
	uint64_t found;
	size_t rows;
};

static int count_one_cb(char dim, const char *value, uint64_t count, void *arg)
{
	struct count_one *c = arg;

	assert_true(count > 0);
	c->rows++;
	if (dim == c->dim && strcmp(value, c->value) == 0)
		c->found = count;
	return 0;
}

/* Count of (dim, value) in one list; rows of it in *rows when not NULL. */
static uint64_t count_in(struct store *s, enum list_scope scope, uint64_t sid,
			 enum list_bucket b, char dim, const char *value, size_t *rows)
{
	struct count_one c = { .dim = dim, .value = value };
	struct store_txn *t = begin(s, false);

	assert_int_equal(store_ticket_counts(t, scope, sid, b, count_one_cb, &c), 0);
	store_txn_abort(t);
	if (rows)
		*rows = c.rows;
	return c.found;
}

static bool listed(struct store *s, enum list_scope scope, uint64_t sid, enum list_bucket b,
		   uint64_t id)
{
	uint64_t ids[64];
	size_t i, n = list(s, scope, sid, b, ids);

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void do_needs_approval(struct ticket *t, uint64_t on)
{
	t->needs_approval = on != 0;
}

static void do_decide(struct ticket *t, uint64_t approver)
{
	t->approver_id = approver;
}

/* --- approval scope: undecided requests per organisation --- */

void test_scope_approval(void **state)
{
	struct fx *f = *state;
	uint64_t a = add(f->s, 1, 10, 3, false);
	uint64_t b = add(f->s, 1, 11, 3, false);
	uint64_t other = add(f->s, 2, 20, 3, false);

	assert_false(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, a));
	edit(f->s, a, do_needs_approval, 1);
	edit(f->s, b, do_needs_approval, 1);
	edit(f->s, other, do_needs_approval, 1);
	assert_true(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, a));
	assert_true(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, b));
	assert_false(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, other));
	assert_true(listed(f->s, SCOPE_APPROVAL, 2, BUCKET_ALL, other));
	assert_int_equal(count_in(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, 'p', "P3", NULL), 2);
	/* a decision takes it out; so does closing it undecided */
	edit(f->s, a, do_decide, 99);
	assert_false(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, a));
	edit(f->s, b, do_close, CATEGORY_CLOSED);
	assert_false(listed(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, b));
	assert_int_equal(count_in(f->s, SCOPE_APPROVAL, 1, BUCKET_ALL, 'p', "P3", NULL), 0);
}

/* --- assignee scope --- */

void test_scope_assignee(void **state)
{
	struct fx *f = *state;
	uint64_t ids[64], a, b;

	a = add(f->s, 1, 10, 2, false);
	b = add(f->s, 1, 11, 3, false);
	/* the unassigned queue is assignee 0 */
	assert_int_equal(list(f->s, SCOPE_ASSIGNEE, 0, BUCKET_OPEN, ids), 2);
	assert_int_equal(ids[0], b);
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 0, BUCKET_OPEN, 'p', "P2", NULL), 1);

	edit(f->s, a, do_assign, 23);
	assert_int_equal(list(f->s, SCOPE_ASSIGNEE, 0, BUCKET_ALL, ids), 1);
	assert_int_equal(ids[0], b);
	assert_int_equal(list(f->s, SCOPE_ASSIGNEE, 23, BUCKET_OPEN, ids), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 23, BUCKET_OPEN, 'p', "P2", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 0, BUCKET_OPEN, 'p', "P2", NULL), 0);

	/* reassigned: moves with its counts */
	edit(f->s, a, do_assign, 24);
	assert_false(listed(f->s, SCOPE_ASSIGNEE, 23, BUCKET_ALL, a));
	assert_true(listed(f->s, SCOPE_ASSIGNEE, 24, BUCKET_OPEN, a));
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 23, BUCKET_ALL, 'p', "P2", NULL), 0);
	edit(f->s, a, do_priority, 1);
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 24, BUCKET_OPEN, 'p', "P1", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 24, BUCKET_OPEN, 'p', "P2", NULL), 0);

	/* closing moves it to the assignee's closed bucket */
	edit(f->s, a, do_close, 0);
	assert_false(listed(f->s, SCOPE_ASSIGNEE, 24, BUCKET_OPEN, a));
	assert_true(listed(f->s, SCOPE_ASSIGNEE, 24, BUCKET_CLOSED, a));
	assert_int_equal(count_in(f->s, SCOPE_ASSIGNEE, 24, BUCKET_CLOSED, 's', "closed", NULL),
			 1);

	/* unassigned again */
	edit(f->s, a, do_assign, 0);
	assert_int_equal(list(f->s, SCOPE_ASSIGNEE, 24, BUCKET_ALL, ids), 0);
	assert_true(listed(f->s, SCOPE_ASSIGNEE, 0, BUCKET_CLOSED, a));
}

/* --- shared scopes --- */

void test_scope_shared(void **state)
{
	struct fx *f = *state;
	uint64_t ids[64], a, b, lone;
	size_t rows;

	a = add(f->s, 1, 10, 2, true);
	b = add(f->s, 1, 11, 3, false);
	assert_int_equal(list(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, ids), 1);
	assert_int_equal(ids[0], a);
	/* party_shared is counted, never listed */
	assert_int_equal(list(f->s, SCOPE_PARTY_SHARED, 10, BUCKET_ALL, ids), 0);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 10, BUCKET_ALL, 'p', "P2", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 11, BUCKET_ALL, 'p', "P3", &rows), 0);
	assert_int_equal(rows, 0);

	/* sharing b later adds it; a participant of a shared ticket counts */
	edit(f->s, b, do_share, 1);
	assert_int_equal(list(f->s, SCOPE_ORG_SHARED, 1, BUCKET_OPEN, ids), 2);
	assert_int_equal(count_in(f->s, SCOPE_ORG_SHARED, 1, BUCKET_OPEN, 'p', "P3", NULL), 1);
	edit(f->s, b, do_join, 12);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 12, BUCKET_ALL, 's',
				  status_initial(), NULL), 1);
	edit(f->s, b, do_leave, 12);
	count_in(f->s, SCOPE_PARTY_SHARED, 12, BUCKET_ALL, 's', "", &rows);
	assert_int_equal(rows, 0);
	/* joining an unshared ticket adds no shared counts */
	edit(f->s, b, do_share, 0);
	edit(f->s, b, do_join, 12);
	count_in(f->s, SCOPE_PARTY_SHARED, 12, BUCKET_ALL, 's', "", &rows);
	assert_int_equal(rows, 0);
	assert_false(listed(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, b));
	count_in(f->s, SCOPE_PARTY_SHARED, 11, BUCKET_ALL, 's', "", &rows);
	assert_int_equal(rows, 0);
	/* sharing again brings requester and participant together */
	edit(f->s, b, do_share, 1);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 11, BUCKET_OPEN, 'p', "P3", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 12, BUCKET_OPEN, 'p', "P3", NULL), 1);

	/* closing and a new priority move the shared entries too */
	edit(f->s, a, do_priority, 1);
	assert_int_equal(count_in(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, 'p', "P1", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, 'p', "P2", NULL), 0);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 10, BUCKET_ALL, 'p', "P1", NULL), 1);
	edit(f->s, a, do_close, 0);
	assert_true(listed(f->s, SCOPE_ORG_SHARED, 1, BUCKET_CLOSED, a));
	assert_false(listed(f->s, SCOPE_ORG_SHARED, 1, BUCKET_OPEN, a));
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 10, BUCKET_CLOSED, 's', "closed",
				  NULL), 1);
	count_in(f->s, SCOPE_PARTY_SHARED, 10, BUCKET_OPEN, 's', "", &rows);
	assert_int_equal(rows, 0);

	/* without an organisation there is nobody to share with */
	lone = add(f->s, 0, 30, 4, true);
	assert_false(listed(f->s, SCOPE_ORG_SHARED, 0, BUCKET_ALL, lone));
	count_in(f->s, SCOPE_PARTY_SHARED, 30, BUCKET_ALL, 's', "", &rows);
	assert_int_equal(rows, 0);
	assert_true(listed(f->s, SCOPE_PARTY, 30, BUCKET_ALL, lone));
}

/* --- category --- */

/* Records written before tickets carried a category (0) are bucketed by
 * their status; a stored category wins over the status name. */
void test_category_buckets(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	struct ticket tk;
	uint64_t a, b;

	a = ticket_add(f->s, 1, 10, 4, "resolved");
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, a));
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_OPEN, a));

	/* a status the default workflow does not know */
	t = begin(f->s, true);
	ticket_init(&tk, 1, 10, 4, "waiting_for_release");
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	b = tk.id;
	ticket_free(&tk);
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_OPEN, b));
	assert_false(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, b));
	edit(f->s, b, do_category, CATEGORY_RESOLVED);
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, b));
	assert_int_equal(count_in(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, 's',
				  "waiting_for_release", NULL), 1);
	edit(f->s, b, do_category, CATEGORY_CLOSED);
	assert_false(listed(f->s, SCOPE_ALL, 0, BUCKET_OPEN, b));
	assert_false(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, b));
	assert_true(listed(f->s, SCOPE_PARTY, 10, BUCKET_CLOSED, b));
	assert_int_equal(count_in(f->s, SCOPE_ORG, 1, BUCKET_CLOSED, 's',
				  "waiting_for_release", NULL), 1);

	/* the stored category beats the status name: "resolved" kept open */
	edit(f->s, a, do_category, CATEGORY_OPEN);
	assert_false(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, a));
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_OPEN, a));
	/* and back to the status's own category */
	edit(f->s, a, do_category, 0);
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_RESOLVED, a));
}

/* --- the customer union --- */

struct expect {
	uint64_t id;
	bool visible;
};

/* Pages through the union limit ids at a time and checks it against want
 * (ids ascending): newest first, each visible ticket exactly once. */
static void check_union_pages(struct store *s, uint64_t user, uint64_t org,
			      const struct expect *want, size_t n_want, size_t limit)
{
	struct store_txn *t = begin(s, false);
	uint64_t ids[16], before = 0, last = UINT64_MAX;
	size_t n, i, got = 0, visible = 0, k = n_want;
	bool more = true;

	assert_true(limit <= 16);
	for (i = 0; i < n_want; i++)
		visible += want[i].visible;
	while (more) {
		assert_int_equal(store_ticket_list_customer(t, user, org, BUCKET_ALL, before, limit,
							    ids, &n, &more), 0);
		assert_true(n <= limit);
		for (i = 0; i < n; i++) {
			assert_true(ids[i] < last);
			last = ids[i];
			/* the next visible one, newest first */
			while (k > 0 && !want[k - 1].visible)
				k--;
			assert_true(k > 0);
			assert_int_equal(ids[i], want[k - 1].id);
			k--;
		}
		got += n;
		if (n)
			before = ids[n - 1];
		assert_int_equal(more, got < visible);
		if (n == 0)
			break;
	}
	assert_int_equal(got, visible);
	store_txn_abort(t);
}

void test_customer_list(void **state)
{
	struct fx *f = *state;
	struct expect want[40];
	struct store_txn *t;
	uint64_t ids[8];
	size_t n_want = 0, i, n;
	bool more;

	/* user 10 of org 1; a pattern of own, shared, both and other tickets */
	for (i = 0; i < 36; i++) {
		uint64_t id;
		bool vis;

		switch (i % 6) {
		case 0: /* own, not shared */
			id = add(f->s, 1, 10, 4, false);
			vis = true;
			break;
		case 1: /* a colleague's, shared */
			id = add(f->s, 1, 11, 4, true);
			vis = true;
			break;
		case 2: /* own and shared: in both lists, listed once */
			id = add(f->s, 1, 10, 3, true);
			vis = true;
			break;
		case 3: /* a colleague's, not shared */
			id = add(f->s, 1, 11, 4, false);
			vis = false;
			break;
		case 4: /* another organisation's, shared */
			id = add(f->s, 2, 20, 4, true);
			vis = false;
			break;
		default: /* a colleague's, user 10 a participant */
			id = add(f->s, 1, 11, 2, false);
			edit(f->s, id, do_join, 10);
			vis = true;
			break;
		}
		want[n_want++] = (struct expect){ .id = id, .visible = vis };
	}
	for (i = 1; i <= 7; i++)
		check_union_pages(f->s, 10, 1, want, n_want, i);
	check_union_pages(f->s, 10, 1, want, n_want, 16);

	/* before_id is exclusive and need not be in the union */
	t = begin(f->s, false);
	assert_int_equal(store_ticket_list_customer(t, 10, 1, BUCKET_ALL, want[4].id, 8, ids, &n,
						    &more), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], want[2].id);
	assert_int_equal(ids[1], want[1].id);
	assert_int_equal(ids[2], want[0].id);
	assert_false(more);
	assert_int_equal(store_ticket_list_customer(t, 10, 1, BUCKET_ALL, 0, 0, NULL, &n, &more),
			 0);
	assert_int_equal(n, 0);
	assert_true(more);
	/* no organisation: own tickets alone */
	assert_int_equal(store_ticket_list_customer(t, 10, 0, BUCKET_ALL, want[7].id, 8, ids, &n,
						    &more), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], want[6].id);
	assert_int_equal(ids[1], want[5].id);
	assert_int_equal(ids[2], want[2].id);
	assert_int_equal(ids[3], want[0].id);
	/* a stranger of another organisation sees only what that org shares */
	assert_int_equal(store_ticket_list_customer(t, 99, 2, BUCKET_ALL, 0, 8, ids, &n, &more),
			 0);
	assert_int_equal(n, 6);
	assert_false(more);
	assert_int_equal(ids[0], want[34].id);
	assert_int_equal(ids[5], want[4].id);
	store_txn_abort(t);

	/* unsharing a colleague's ticket drops it; the open bucket alone */
	edit(f->s, want[31].id, do_share, 0);
	want[31].visible = false;
	check_union_pages(f->s, 10, 1, want, n_want, 5);
	edit(f->s, want[32].id, do_close, 0);
	t = begin(f->s, false);
	assert_int_equal(store_ticket_list_customer(t, 10, 1, BUCKET_OPEN, 0, 2, ids, &n, &more),
			 0);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_int_equal(ids[0], want[35].id);
	assert_int_equal(ids[1], want[30].id);
	assert_int_equal(store_ticket_list_customer(t, 10, 1, BUCKET_CLOSED, 0, 8, ids, &n,
						    &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], want[32].id);
	assert_false(more);
	store_txn_abort(t);
}

/* Counts of the union against an oracle: every ticket of the union's list,
 * read and counted by priority and status. */
struct tally {
	char keys[16][72];
	uint64_t counts[16];
	size_t n;
};

static void tally_add(struct tally *t, char dim, const char *value, uint64_t count)
{
	char key[72];
	size_t i;

	snprintf(key, sizeof key, "%c:%s", dim, value);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->keys[i], key) == 0)
			break;
	if (i == t->n) {
		assert_true(t->n < 16);
		snprintf(t->keys[t->n++], sizeof t->keys[0], "%s", key);
		t->counts[i] = 0;
	}
	t->counts[i] += count;
}

struct reported {
	struct tally tally;
	char last[72];
};

static int reported_cb(char dim, const char *value, uint64_t count, void *arg)
{
	struct reported *r = arg;
	char key[72];

	assert_true(count > 0);
	snprintf(key, sizeof key, "%c:%s", dim, value);
	/* in key order, like store_ticket_counts */
	assert_true(strcmp(r->last, key) < 0);
	memcpy(r->last, key, sizeof key);
	tally_add(&r->tally, dim, value, count);
	return 0;
}

static void check_union_counts(struct store *s, uint64_t user, uint64_t org,
			       enum list_bucket b)
{
	struct store_txn *t = begin(s, false);
	struct reported got = { .last = "" };
	struct tally want = { .n = 0 };
	uint64_t ids[64];
	size_t n, i, j;
	bool more;

	assert_int_equal(store_ticket_list_customer(t, user, org, b, 0, 64, ids, &n, &more), 0);
	assert_false(more);
	for (i = 0; i < n; i++) {
		struct ticket tk;
		char p[8];

		assert_int_equal(store_ticket_get(t, ids[i], &tk), 0);
		snprintf(p, sizeof p, "P%u", (unsigned)tk.priority);
		tally_add(&want, 'p', p, 1);
		tally_add(&want, 's', tk.status, 1);
		ticket_free(&tk);
	}
	assert_int_equal(store_ticket_counts_customer(t, user, org, b, reported_cb, &got), 0);
	store_txn_abort(t);
	assert_int_equal(got.tally.n, want.n);
	for (i = 0; i < want.n; i++) {
		for (j = 0; j < got.tally.n; j++)
			if (strcmp(got.tally.keys[j], want.keys[i]) == 0)
				break;
		assert_true(j < got.tally.n);
		assert_int_equal(got.tally.counts[j], want.counts[i]);
	}
}

static void check_all_counts(struct store *s)
{
	static const enum list_bucket buckets[] = { BUCKET_ALL, BUCKET_OPEN, BUCKET_CLOSED,
						    BUCKET_RESOLVED };
	static const uint64_t users[][2] = { { 10, 1 }, { 11, 1 }, { 12, 1 }, { 20, 2 },
					     { 10, 0 } };
	size_t b, u;

	for (u = 0; u < sizeof users / sizeof users[0]; u++)
		for (b = 0; b < sizeof buckets / sizeof buckets[0]; b++)
			check_union_counts(s, users[u][0], users[u][1], buckets[b]);
}

static int stop_cb(char dim, const char *value, uint64_t count, void *arg)
{
	(void)dim;
	(void)value;
	(void)count;
	++*(int *)arg;
	return 9;
}

void test_customer_counts(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	uint64_t a, b, c, d;
	int calls = 0;

	a = add(f->s, 1, 10, 2, false);
	b = add(f->s, 1, 11, 3, true);
	c = add(f->s, 1, 10, 3, true);
	d = add(f->s, 2, 20, 1, true);
	check_all_counts(f->s);
	/* own + org shared - own shared: P3 is b and c, once each */
	assert_int_equal(count_in(f->s, SCOPE_PARTY, 10, BUCKET_ALL, 'p', "P3", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, 'p', "P3", NULL), 2);

	edit(f->s, a, do_share, 1);
	check_all_counts(f->s);
	edit(f->s, c, do_share, 0);
	check_all_counts(f->s);
	edit(f->s, b, do_join, 12);
	check_all_counts(f->s);
	edit(f->s, b, do_join, 10);
	check_all_counts(f->s);
	edit(f->s, b, do_priority, 1);
	check_all_counts(f->s);
	edit(f->s, a, do_close, 0);
	check_all_counts(f->s);
	edit(f->s, b, do_category, CATEGORY_RESOLVED);
	check_all_counts(f->s);
	edit(f->s, b, do_share, 0);
	check_all_counts(f->s);
	edit(f->s, b, do_leave, 10);
	edit(f->s, d, do_close, 0);
	check_all_counts(f->s);

	/* a non-zero return stops the report and is returned */
	t = begin(f->s, false);
	assert_int_equal(store_ticket_counts_customer(t, 10, 1, BUCKET_ALL, stop_cb, &calls), 9);
	assert_int_equal(calls, 1);
	calls = 0;
	assert_int_equal(store_ticket_counts_customer(t, 77, 5, BUCKET_ALL, stop_cb, &calls), 0);
	assert_int_equal(calls, 0);
	store_txn_abort(t);
}

/* --- schema 1 upgrade and reindex --- */

/* Stores a ticket with old == new, so that no index entry is written: how
 * a ticket of a version 1 database looks to the new scopes. */
static uint64_t add_unindexed(struct store *s, uint64_t id, uint64_t org, uint64_t requester)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;

	ticket_init(&tk, org, requester, 2, status_initial());
	tk.id = id;
	tk.shared_with_org = true;
	assert_int_equal(store_ticket_put(t, &tk, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	ticket_free(&tk);
	return id;
}

void test_reindex_upgrade(void **state)
{
	struct fx *f = *state;
	struct store_txn *t;
	struct store_stats st;
	uint64_t a, old, n, list_entries, count_entries;

	a = add(f->s, 1, 10, 3, false);
	edit(f->s, a, do_assign, 23);
	list_entries = entries(f->s, DB_TICKET_LIST);
	old = add_unindexed(f->s, 50000, 1, 11);
	assert_false(listed(f->s, SCOPE_ALL, 0, BUCKET_ALL, old));
	assert_int_equal(entries(f->s, DB_TICKET_LIST), list_entries);

	/* a version 1 database opened for writing is reindexed once */
	t = begin(f->s, true);
	assert_int_equal(store_meta_set_u32(t, "schema", 1), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(f->s);
	f->s = reopen(f->dir, NULL);
	t = begin(f->s, false);
	assert_int_equal(store_stats_get(t, &st), 0);
	assert_int_equal(st.schema, STORE_SCHEMA_VERSION);
	store_txn_abort(t);
	assert_true(listed(f->s, SCOPE_ALL, 0, BUCKET_OPEN, old));
	assert_true(listed(f->s, SCOPE_ASSIGNEE, 0, BUCKET_OPEN, old));
	assert_true(listed(f->s, SCOPE_ORG_SHARED, 1, BUCKET_ALL, old));
	assert_true(listed(f->s, SCOPE_ASSIGNEE, 23, BUCKET_ALL, a));
	assert_int_equal(count_in(f->s, SCOPE_ORG, 1, BUCKET_ALL, 'p', "P2", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_ORG, 1, BUCKET_ALL, 'p', "P3", NULL), 1);
	assert_int_equal(count_in(f->s, SCOPE_PARTY_SHARED, 11, BUCKET_ALL, 'p', "P2", NULL), 1);

	/* a second reindex changes nothing */
	list_entries = entries(f->s, DB_TICKET_LIST);
	count_entries = entries(f->s, DB_TICKET_COUNTS);
	t = begin(f->s, true);
	assert_int_equal(store_tickets_reindex(t, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_TICKET_LIST), list_entries);
	assert_int_equal(entries(f->s, DB_TICKET_COUNTS), count_entries);
	assert_int_equal(count_in(f->s, SCOPE_ALL, 0, BUCKET_ALL, 's', status_initial(), NULL), 2);
}

/* --- documents --- */

void test_docs(void **state)
{
	struct fx *f = *state;
	struct store_txn *t, *r;
	struct dk_buf b = { 0 };
	uint64_t v;
	char *big;
	char name[STORE_DOC_NAME_MAX + 2];

	t = begin(f->s, true);
	assert_int_equal(store_doc_version(t, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dk_buf_append(&b, "stale", 5), 0);
	assert_int_equal(store_doc_get(t, "catalogue", &b), DK_ERR_NOTFOUND);
	assert_int_equal(b.len, 0);
	assert_int_equal(store_doc_put(t, "catalogue", "{\"services\":[]}", 15), 0);
	assert_int_equal(store_doc_version(t, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_doc_get(t, "catalogue", &b), 0);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, "{\"services\":[]}", 15);
	/* names are checked and do not collide with other meta keys */
	assert_int_equal(store_doc_put(t, "", "x", 1), DK_ERR_INVALID);
	assert_int_equal(store_doc_put(t, NULL, "x", 1), DK_ERR_INVALID);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(store_doc_put(t, name, "x", 1), DK_ERR_INVALID);
	name[STORE_DOC_NAME_MAX] = '\0';
	assert_int_equal(store_doc_put(t, name, "x", 1), 0);
	assert_int_equal(store_doc_get(t, "schema", &b), DK_ERR_NOTFOUND);
	assert_int_equal(store_doc_put(t, "workflow", NULL, 3), DK_ERR_INVALID);
	assert_int_equal(store_doc_put(t, "workflow", NULL, 0), 0);
	assert_int_equal(store_doc_get(t, "workflow", &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(store_doc_version(t, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(store_txn_commit(t), 0);

	/* a reader keeps its snapshot while deskctl replaces the document */
	r = begin(f->s, false);
	t = begin(f->s, true);
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, '{', 1 << 20);
	assert_int_equal(store_doc_put(t, "catalogue", big, 1 << 20), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_doc_version(r, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(store_doc_get(r, "catalogue", &b), 0);
	assert_int_equal(b.len, 15);
	store_txn_abort(r);

	/* and after a reopen the new one is there */
	store_close(f->s);
	f->s = reopen(f->dir, NULL);
	r = begin(f->s, false);
	assert_int_equal(store_doc_version(r, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(store_doc_get(r, "catalogue", &b), 0);
	assert_int_equal(b.len, 1 << 20);
	assert_memory_equal(b.data, big, 1 << 20);
	store_txn_abort(r);
	free(big);
	dk_buf_free(&b);
}
