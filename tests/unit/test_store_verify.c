/* store_verify: a clean database has no problems, and each kind of damage,
 * made here with storage's internal calls (nothing outside storage can
 * write an index alone), is reported in the database it is in. */
#include "test.h"

#include "sla_record.h"
#include "store_internal.h"
#include "store_keys.h"

struct fx {
	char *dir;
	struct store *s;
	uint64_t org, alice, agent, t1, t2;
	uint8_t browser[32], token[32];
};

#define MAX_PROBLEMS 64

struct found {
	size_t n;
	enum store_db db[MAX_PROBLEMS];
	char text[MAX_PROBLEMS][700];
};

static int collect(const struct store_problem *p, void *arg)
{
	struct found *f = arg;

	if (f->n < MAX_PROBLEMS) {
		f->db[f->n] = p->db;
		snprintf(f->text[f->n], sizeof f->text[0], "%s: %s: %s", store_db_name(p->db),
			 p->key, p->message);
	}
	f->n++;
	return 0;
}

static void run_verify(struct fx *x, struct found *f)
{
	struct store_txn *t = NULL;

	memset(f, 0, sizeof *f);
	assert_int_equal(store_txn_begin(x->s, false, &t), 0);
	assert_int_equal(store_verify(t, collect, f), 0);
	store_txn_abort(t);
}

/* Asserts that verify reports a problem in db whose text holds needle. */
static void expect(struct fx *x, enum store_db db, const char *needle)
{
	struct found f;
	size_t i;

	run_verify(x, &f);
	for (i = 0; i < f.n && i < MAX_PROBLEMS; i++)
		if (f.db[i] == db && strstr(f.text[i], needle))
			return;
	for (i = 0; i < f.n && i < MAX_PROBLEMS; i++)
		print_message("# found: %s\n", f.text[i]);
	fail_msg("no problem in %s with \"%s\" among %zu", store_db_name(db), needle, f.n);
}

static struct store_txn *wbegin(struct fx *x)
{
	struct store_txn *t = NULL;

	assert_int_equal(store_txn_begin(x->s, true, &t), 0);
	return t;
}

static void commit(struct store_txn *t)
{
	assert_int_equal(store_txn_commit(t), 0);
}

static uint64_t add_user(struct store_txn *t, const char *email, enum role role, uint64_t org)
{
	struct user u;

	memset(&u, 0, sizeof u);
	u.email = (char *)email;
	u.name = (char *)"Someone";
	u.role = role;
	u.org_id = org;
	assert_int_equal(store_user_put(t, NULL, &u), 0);
	return u.id;
}

static uint64_t add_ticket(struct store_txn *t, struct fx *x, const char *status, int events)
{
	struct ticket tk;
	struct ticket_event e;

	memset(&tk, 0, sizeof tk);
	tk.org_id = x->org;
	tk.requester_id = tk.creator_id = x->alice;
	tk.assignee_id = x->agent;
	tk.title = (char *)"Printer";
	tk.priority = 2;
	tk.status = (char *)status;
	tk.created_ms = 1700000000000;
	tk.updated_ms = tk.closed_ms = 1700000500000;
	tk.shared_with_org = true;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	for (int i = 0; i < events; i++) {
		memset(&e, 0, sizeof e);
		e.kind = i ? EVENT_COMMENT : EVENT_CREATED;
		e.body = (char *)"text";
		assert_int_equal(store_event_append(t, &tk, &e), 0);
	}
	assert_int_equal(store_ticket_put(t, &tk, &tk), 0);
	return tk.id;
}

static void add_session(struct store_txn *t, const uint8_t key[32], uint64_t user,
			enum session_kind kind, int64_t expires)
{
	struct session s;

	memset(&s, 0, sizeof s);
	s.kind = kind;
	s.user_id = user;
	s.created_ms = 1700000000000;
	s.expires_ms = expires;
	assert_int_equal(store_session_put(t, key, &s), 0);
}

#define T0 1893456000000 /* 2030-01-01T00:00:00Z */
#define HOUR 3600000

/* t1's SLA state: first response due in an hour, resolution in four. */
static struct sla_state sla_of_t1(void)
{
	struct sla_calendar cal;
	struct sla_state st;

	sla_calendar_around_the_clock(&cal, "UTC");
	sla_state_init(&st);
	st.priority = 2;
	assert_int_equal(sla_clock_start(&st.clock[SLA_FIRST_RESPONSE], &cal, HOUR, 80, T0), 0);
	assert_int_equal(sla_clock_start(&st.clock[SLA_RESOLUTION], &cal, 4 * HOUR, 80, T0), 0);
	return st;
}

/* Stores a state with the deadline entries it implies, as the engine does. */
static void add_sla(struct store_txn *t, uint64_t id, const struct sla_state *st)
{
	int64_t at[SLA_DEADLINE_KINDS];

	assert_int_equal(store_sla_put(t, id, st), 0);
	sla_state_deadlines(st, at);
	for (int k = STORE_DEADLINE_FIRST; k <= STORE_DEADLINE_LAST; k++)
		if (at[k])
			assert_int_equal(store_deadline_put(t, (uint8_t)k, at[k], id), 0);
}

static int setup(void **state)
{
	struct store_opts o = { .create = true };
	struct fx *x = calloc(1, sizeof *x);
	char err[256];
	struct org org;

	assert_non_null(x);
	x->dir = test_tmpdir();
	assert_non_null(x->dir);
	assert_int_equal(store_open(x->dir, &o, &x->s, err, sizeof err), 0);
	struct store_txn *t = wbegin(x);
	memset(&org, 0, sizeof org);
	org.name = (char *)"Acme";
	assert_int_equal(store_org_put(t, NULL, &org), 0);
	x->org = org.id;
	x->alice = add_user(t, "Alice@Acme.example", ROLE_CUSTOMER, x->org);
	x->agent = add_user(t, "agent@deskd.example", ROLE_AGENT, 0);
	x->t1 = add_ticket(t, x, "new", 3);
	x->t2 = add_ticket(t, x, "closed", 2);
	struct sla_state st = sla_of_t1();
	add_sla(t, x->t1, &st);
	memset(x->browser, 0xb0, 32);
	memset(x->token, 0x70, 32);
	add_session(t, x->browser, x->alice, SESSION_BROWSER, 1800000000000);
	add_session(t, x->token, x->agent, SESSION_API_TOKEN, 0);
	assert_int_equal(store_doc_put(t, "workflow", "{}", 2), 0);
	commit(t);
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

static void test_clean(void **state)
{
	struct fx *x = *state;
	struct found f;

	run_verify(x, &f);
	for (size_t i = 0; i < f.n && i < MAX_PROBLEMS; i++)
		print_message("# %s\n", f.text[i]);
	assert_int_equal(f.n, 0);
}

/* The scratch store of the rebuild is gone afterwards. */
static void test_scratch_removed(void **state)
{
	struct fx *x = *state;
	char *tmp = test_tmpdir(), cmd[4400];
	struct found f;

	setenv("TMPDIR", tmp, 1);
	run_verify(x, &f);
	unsetenv("TMPDIR");
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", tmp);
	assert_int_equal(system(cmd), 0);
	test_rmtree(tmp);
	free(tmp);
}

static void test_record_damage(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_ID_LEN];
	struct dk_buf b = { 0 };
	struct user u;

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_put(t, DB_ORGS, k, key_id(k, x->org), "\x93garbage", 8, 0), 0);
	/* a user stored under another user's id */
	assert_int_equal(store_user_get(t, x->agent, &u), 0);
	u.id = 99;
	assert_int_equal(user_encode(&u, &b), 0);
	assert_int_equal(store_put(t, DB_USERS, k, key_id(k, x->agent), b.data, b.len, 0), 0);
	user_free(&u);
	dk_buf_free(&b);
	assert_int_equal(store_put(t, DB_TICKETS, "short", 5, "", 0, 0), 0);
	commit(t);
	expect(x, DB_ORGS, "does not decode");
	expect(x, DB_USERS, "says it is user 99");
	expect(x, DB_TICKETS, "key is not a record id");
}

static void test_unique_indexes(void **state)
{
	struct fx *x = *state;
	uint8_t v8[8];

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_del(t, DB_USERS_BY_EMAIL, "alice@acme.example", 18), 0);
	be64_put(v8, 4242);
	assert_int_equal(store_put(t, DB_USERS_BY_EMAIL, "ghost@acme.example", 18, v8, 8, 0), 0);
	be64_put(v8, x->alice);
	assert_int_equal(store_put(t, DB_USERS_BY_EMAIL, "alias@acme.example", 18, v8, 8, 0), 0);
	be64_put(v8, 77);
	assert_int_equal(store_put(t, DB_ORGS_BY_NAME, "acme", 4, v8, 8, 0), 0);
	commit(t);
	expect(x, DB_USERS_BY_EMAIL, "\"Alice@Acme.example\" is missing");
	expect(x, DB_USERS_BY_EMAIL, "points to user 4242, which does not exist");
	expect(x, DB_USERS_BY_EMAIL, "whose name is \"Alice@Acme.example\"");
	expect(x, DB_ORGS_BY_NAME, "name \"Acme\" points to 77 instead");
	expect(x, DB_ORGS_BY_NAME, "points to org 77, which does not exist");
}

static void test_role_index(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_ROLE_LEN];

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_del(t, DB_USERS_BY_ROLE, k, key_role(k, ROLE_AGENT, x->agent)), 0);
	assert_int_equal(store_put(t, DB_USERS_BY_ROLE, k, key_role(k, ROLE_ADMIN, x->alice), "", 0,
				   0), 0);
	commit(t);
	expect(x, DB_USERS_BY_ROLE, "role agent is missing");
	expect(x, DB_USERS_BY_ROLE, "the user's role is customer");
}

static void test_events(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_EVENT_LEN];
	struct ticket_event e;
	struct dk_buf b = { 0 };

	struct store_txn *t = wbegin(x);
	/* t1 loses its last event, t2 its first; events for no ticket */
	assert_int_equal(store_del(t, DB_EVENTS, k, key_event(k, x->t1, 3)), 0);
	assert_int_equal(store_del(t, DB_EVENTS, k, key_event(k, x->t2, 1)), 0);
	memset(&e, 0, sizeof e);
	e.kind = EVENT_COMMENT;
	e.ticket_id = 777;
	e.seq = 1;
	assert_int_equal(ticket_event_encode(&e, &b), 0);
	assert_int_equal(store_put(t, DB_EVENTS, k, key_event(k, 777, 1), b.data, b.len, 0), 0);
	dk_buf_free(&b);
	commit(t);
	expect(x, DB_EVENTS, "event 3 (its last) is missing");
	expect(x, DB_TICKETS, "event_count is 3 but it has 2 events");
	expect(x, DB_EVENTS, "not numbered 1, 2");
	expect(x, DB_EVENTS, "ticket 777: 1 event of a ticket that does not exist");
}

static void test_ticket_lists_and_counts(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_COUNT_MAX], v8[8];

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_del(t, DB_TICKET_LIST, k,
				   key_list(k, SCOPE_ORG, x->org, BUCKET_OPEN, x->t1)), 0);
	assert_int_equal(store_put(t, DB_TICKET_LIST, k,
				   key_list(k, SCOPE_PARTY, x->agent, BUCKET_ALL, x->t2), "", 0, 0), 0);
	be64_put(v8, 5);
	assert_int_equal(store_put(t, DB_TICKET_COUNTS, k,
				   key_count(k, SCOPE_ALL, 0, BUCKET_ALL, 's', "new"), v8, 8, 0), 0);
	assert_int_equal(store_del(t, DB_TICKET_COUNTS, k,
				   key_count(k, SCOPE_ORG_SHARED, x->org, BUCKET_CLOSED, 'p', "P2")), 0);
	commit(t);
	expect(x, DB_TICKET_LIST, "list org 1 open ticket");
	expect(x, DB_TICKET_LIST, "not implied by any ticket");
	expect(x, DB_TICKET_COUNTS, "status new: is 5; the tickets give 1");
	expect(x, DB_TICKET_COUNTS, "org_shared 1 closed priority P2: is missing");
}

static void test_days(void **state)
{
	struct fx *x = *state;
	struct store_day d = { 9, 0 };

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_day_set(t, store_day_of(1700000000000), &d), 0);
	assert_int_equal(store_day_set(t, 3, &d), 0);
	commit(t);
	expect(x, DB_DAY_COUNTS, "day 2023-11-14: is opened 9 closed 0; the tickets give opened 2");
	expect(x, DB_DAY_COUNTS, "day 1970-01-04: is opened 9 closed 0, but no ticket counts here");
}

static void test_sessions(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_EXPIRY_LEN], ghost[32];

	memset(ghost, 0x66, 32);
	struct store_txn *t = wbegin(x);
	assert_int_equal(store_del(t, DB_SESSION_EXPIRY, k,
				   key_expiry(k, 1800000000000, x->browser)), 0);
	assert_int_equal(store_put(t, DB_SESSION_EXPIRY, k, key_expiry(k, 5, ghost), "", 0, 0), 0);
	assert_int_equal(store_put(t, DB_SESSION_EXPIRY, k, key_expiry(k, 6, x->token), "", 0, 0),
			 0);
	assert_int_equal(store_del(t, DB_SESSIONS_BY_USER, k,
				   key_user_session(k, x->agent, x->token)), 0);
	assert_int_equal(store_put(t, DB_SESSIONS_BY_USER, k, key_user_session(k, 3, x->browser),
				   "", 0, 0), 0);
	commit(t);
	expect(x, DB_SESSION_EXPIRY, "expiry entry is missing");
	expect(x, DB_SESSION_EXPIRY, "session does not exist");
	expect(x, DB_SESSION_EXPIRY, "the session expires at 0");
	expect(x, DB_SESSIONS_BY_USER, "entry of user 2 is missing");
	expect(x, DB_SESSIONS_BY_USER, "the session belongs to user 1");
}

static void test_meta(void **state)
{
	struct fx *x = *state;

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_seq_set(t, "ticket", x->t1), 0);
	assert_int_equal(store_seq_set(t, "user", 0), 0);
	assert_int_equal(store_put(t, DB_META, "seq:org", 7, "xy", 2, 0), 0);
	assert_int_equal(store_meta_set_u32(t, "schema", STORE_SCHEMA_VERSION + 1), 0);
	commit(t);
	expect(x, DB_META, "seq:ticket: sequence is at");
	expect(x, DB_META, "seq:user: sequence is at 0 but user 2 exists");
	expect(x, DB_META, "seq:org: counter is 2 bytes");
	expect(x, DB_META, "is newer than");
}

/* The deadline index against the SLA states: entries missing, extra, at
 * another time, of a kind that does not exist, or of tickets (or states)
 * that do not exist. */
static void test_deadlines(void **state)
{
	struct fx *x = *state;
	uint8_t k[17];

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_deadline_del(t, STORE_DEADLINE_DUE, T0 + HOUR, x->t1), 0);
	assert_int_equal(store_deadline_del(t, STORE_DEADLINE_RESOLUTION_WARNING,
					    T0 + 4 * HOUR * 8 / 10, x->t1), 0);
	/* the breach at another time than the state's */
	assert_int_equal(store_deadline_del(t, STORE_DEADLINE_RESPONSE_BREACH, T0 + HOUR, x->t1),
			 0);
	assert_int_equal(store_deadline_put(t, STORE_DEADLINE_RESPONSE_BREACH, T0 + 2 * HOUR,
					    x->t1), 0);
	/* the state has no triage clock */
	assert_int_equal(store_deadline_put(t, STORE_DEADLINE_TRIAGE_BREACH, T0, x->t1), 0);
	assert_int_equal(store_deadline_put(t, STORE_DEADLINE_DUE, T0, 777), 0);
	assert_int_equal(store_deadline_put(t, STORE_DEADLINE_AUTO_CLOSE, T0, x->t2), 0);
	k[0] = 9;
	memset(k + 1, 0, 16);
	assert_int_equal(store_put(t, DB_DEADLINES, k, 17, "", 0, 0), 0);
	assert_int_equal(store_put(t, DB_DEADLINES, k, 5, "", 0, 0), 0);
	commit(t);
	expect(x, DB_DEADLINES,
	       "due 2030-01-01T01:00:00.000Z ticket 10001: is missing; the ticket's SLA state");
	expect(x, DB_DEADLINES, "resolution_warning 2030-01-01T03:12:00.000Z ticket 10001: is "
	       "missing");
	expect(x, DB_DEADLINES,
	       "response_breach 2030-01-01T01:00:00.000Z ticket 10001: is missing");
	expect(x, DB_DEADLINES, "response_breach 2030-01-01T02:00:00.000Z ticket 10001: the "
	       "ticket's SLA state puts it at 2030-01-01T01:00:00.000Z");
	expect(x, DB_DEADLINES, "triage_breach 2030-01-01T00:00:00.000Z ticket 10001: the "
	       "ticket's SLA state implies no such deadline");
	expect(x, DB_DEADLINES,
	       "due 2030-01-01T00:00:00.000Z ticket 777: the ticket does not exist");
	expect(x, DB_DEADLINES, "auto_close 2030-01-01T00:00:00.000Z ticket 10002: the ticket has "
	       "no SLA state");
	expect(x, DB_DEADLINES, "kind 9 is not a deadline kind");
	expect(x, DB_DEADLINES, "key is not kind . due time . ticket id");
}

/* A database of schema 4, read as it is, has no due entries yet: their
 * absence is no problem (opening it for writing builds them). */
static void test_deadlines_schema_4(void **state)
{
	struct fx *x = *state;
	struct found f;

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_deadline_del(t, STORE_DEADLINE_DUE, T0 + HOUR, x->t1), 0);
	assert_int_equal(store_meta_set_u32(t, "schema", 4), 0);
	commit(t);
	run_verify(x, &f);
	for (size_t i = 0; i < f.n && i < MAX_PROBLEMS; i++)
		print_message("# %s\n", f.text[i]);
	assert_int_equal(f.n, 0);
}

/* A non-zero answer of fn ends the walk and comes back. */
static int stop_at_first(const struct store_problem *p, void *arg)
{
	(void)p;
	++*(int *)arg;
	return 42;
}

static void test_stop(void **state)
{
	struct fx *x = *state;
	uint8_t k[KEY_ROLE_LEN];
	int calls = 0;

	struct store_txn *t = wbegin(x);
	assert_int_equal(store_del(t, DB_USERS_BY_ROLE, k, key_role(k, ROLE_AGENT, x->agent)), 0);
	assert_int_equal(store_del(t, DB_USERS_BY_ROLE, k,
				   key_role(k, ROLE_CUSTOMER, x->alice)), 0);
	commit(t);
	t = NULL;
	assert_int_equal(store_txn_begin(x->s, false, &t), 0);
	assert_int_equal(store_verify(t, stop_at_first, &calls), 42);
	store_txn_abort(t);
	assert_int_equal(calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_lists_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines_schema_4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
	};

	return cmocka_run_group_tests_name("store_verify", tests, NULL, NULL);
}
