/* Access rules as a matrix: role x whose ticket x action. */
#include "test.h"

#include "access.h"

#define ORG_A 100
#define ORG_B 200
#define COLLEAGUE 60   /* a customer in ORG_A */
#define STRANGER 90    /* a customer in ORG_B */

enum ticket_case {
	T_OWN,            /* p is the requester, p's organisation */
	T_SHARED,         /* a colleague's, p listed as participant */
	T_SHARED_OTHER,   /* another organisation's, p listed as participant */
	T_COLLEAGUE,      /* a colleague's, same organisation, not shared */
	T_OTHER_ORG,      /* another organisation's, not shared */
	N_TICKET_CASES
};

static const char *const case_names[] = {
	"own", "shared-with-me", "shared-from-other-org", "colleague's", "other org's"
};

static const struct {
	const char *name;
	struct principal p;
	/* per ticket case: visible, comment, edit as "VCE" or '-' */
	const char *expect[N_TICKET_CASES];
} matrix[] = {
	{ "customer", { 1, ORG_A, ROLE_CUSTOMER },
	  { "VCE", "VC-", "VC-", "---", "---" } },
	{ "org-customer", { 2, ORG_A, ROLE_ORG_CUSTOMER },
	  { "VCE", "VCE", "VC-", "VCE", "---" } },
	{ "agent", { 3, 0, ROLE_AGENT },
	  { "VCE", "VCE", "VCE", "VCE", "VCE" } },
	{ "admin", { 4, 0, ROLE_ADMIN },
	  { "VCE", "VCE", "VCE", "VCE", "VCE" } },
	{ "none", { 5, ORG_A, ROLE_NONE },
	  { "---", "---", "---", "---", "---" } },
	{ "unknown role", { 6, ORG_A, (enum role)42 },
	  { "---", "---", "---", "---", "---" } },
};

static uint64_t participant;

/* Builds the ticket of case c as seen from p. The one participant slot
 * holds p's id for the shared cases, an unrelated user otherwise. */
static struct ticket make_ticket(const struct principal *p, enum ticket_case c)
{
	struct ticket t;

	memset(&t, 0, sizeof(t));
	t.id = 10001;
	t.priority = 4;
	participant = 777;
	switch (c) {
	case T_OWN:
		t.requester_id = p->user_id;
		t.org_id = p->org_id ? p->org_id : ORG_A;
		break;
	case T_SHARED:
		t.requester_id = COLLEAGUE;
		t.org_id = ORG_A;
		participant = p->user_id;
		break;
	case T_SHARED_OTHER:
		t.requester_id = STRANGER;
		t.org_id = ORG_B;
		participant = p->user_id;
		break;
	case T_COLLEAGUE:
		t.requester_id = COLLEAGUE;
		t.org_id = ORG_A;
		break;
	case T_OTHER_ORG:
	case N_TICKET_CASES:
		t.requester_id = STRANGER;
		t.org_id = ORG_B;
		break;
	}
	t.creator_id = t.requester_id;
	t.participants = &participant;
	t.n_participants = 1;
	return t;
}

static void check(const char *who, const char *what, const char *action,
		  bool got, bool want)
{
	if (got != want)
		fail_msg("%s on %s ticket: %s is %s, expected %s", who, what,
			 action, got ? "allowed" : "denied",
			 want ? "allowed" : "denied");
}

static void test_ticket_matrix(void **state)
{
	size_t r;
	int c;

	(void)state;
	for (r = 0; r < sizeof(matrix) / sizeof(matrix[0]); r++) {
		const struct principal *p = &matrix[r].p;

		for (c = 0; c < N_TICKET_CASES; c++) {
			struct ticket t = make_ticket(p, (enum ticket_case)c);
			const char *want = matrix[r].expect[c];

			check(matrix[r].name, case_names[c], "see",
			      access_ticket_visible(p, &t), want[0] == 'V');
			check(matrix[r].name, case_names[c], "comment",
			      access_ticket_comment(p, &t), want[1] == 'C');
			check(matrix[r].name, case_names[c], "edit",
			      access_ticket_edit(p, &t), want[2] == 'E');
		}
	}
}

/* A customer who moved to another organisation keeps no view of the old
 * one's tickets, even as requester; sharing still works. */
static void test_customer_moved_org(void **state)
{
	struct principal p = { 1, ORG_B, ROLE_CUSTOMER };
	uint64_t other = 5, me = 1;
	struct ticket t = { 0 };

	(void)state;
	t.requester_id = 1;
	t.org_id = ORG_A;
	t.participants = &other;
	t.n_participants = 1;
	assert_false(access_ticket_visible(&p, &t));
	assert_false(access_ticket_edit(&p, &t));
	t.participants = &me;
	assert_true(access_ticket_visible(&p, &t));
	assert_true(access_ticket_comment(&p, &t));
	/* once visible again, it is the requester's own ticket to edit */
	assert_true(access_ticket_edit(&p, &t));
}

/* Zero ids mean "none" and must never match each other. */
static void test_zero_ids_never_match(void **state)
{
	struct principal cust = { 0, ORG_A, ROLE_CUSTOMER };
	struct principal orgc = { 8, 0, ROLE_ORG_CUSTOMER };
	uint64_t zero = 0;
	struct ticket t = { 0 };

	(void)state;
	t.org_id = ORG_A; /* requester_id 0: registered without a customer */
	t.participants = &zero;
	t.n_participants = 1;
	assert_false(access_ticket_visible(&cust, &t));
	t.org_id = 0;
	t.n_participants = 0;
	assert_false(access_ticket_visible(&orgc, &t));
	assert_false(access_ticket_edit(&orgc, &t));
}

static void test_null_arguments(void **state)
{
	struct principal agent = { 3, 0, ROLE_AGENT };
	struct ticket t = { 0 };
	struct ticket_event e = { 0 };

	(void)state;
	assert_false(access_ticket_visible(NULL, &t));
	assert_false(access_ticket_visible(&agent, NULL));
	assert_false(access_ticket_comment(&agent, NULL));
	assert_false(access_ticket_edit(NULL, &t));
	assert_false(access_event_visible(NULL, &e));
	assert_false(access_event_visible(&agent, NULL));
	assert_false(access_ticket_create(NULL));
}

static void test_event_visibility(void **state)
{
	struct ticket_event pub = { 0 }, note = { 0 };
	struct principal bogus;
	size_t r;

	(void)state;
	pub.kind = EVENT_COMMENT;
	pub.from_support = true;
	note.kind = EVENT_COMMENT;
	note.internal = true;
	note.from_support = true;
	for (r = 0; r < sizeof(matrix) / sizeof(matrix[0]); r++) {
		const struct principal *p = &matrix[r].p;
		bool any = role_name(p->role) != NULL;
		bool staff = p->role == ROLE_AGENT || p->role == ROLE_ADMIN;

		check(matrix[r].name, "public event of a", "see",
		      access_event_visible(p, &pub), any);
		check(matrix[r].name, "internal note of a", "see",
		      access_event_visible(p, &note), staff);
	}
	/* a role value outside the enum sees nothing */
	bogus = (struct principal){ 9, ORG_A, (enum role)42 };
	assert_false(access_event_visible(&bogus, &pub));
	/* internal status changes are hidden the same way */
	note.kind = EVENT_STATUS;
	assert_false(access_event_visible(&matrix[0].p, &note));
	assert_true(access_event_visible(&matrix[2].p, &note));
}

static void test_create(void **state)
{
	struct principal p;

	(void)state;
	p = (struct principal){ 1, ORG_A, ROLE_CUSTOMER };
	assert_true(access_ticket_create(&p));
	p.org_id = 0;
	assert_false(access_ticket_create(&p));
	p = (struct principal){ 2, ORG_A, ROLE_ORG_CUSTOMER };
	assert_true(access_ticket_create(&p));
	p.org_id = 0;
	assert_false(access_ticket_create(&p));
	p = (struct principal){ 3, 0, ROLE_AGENT };
	assert_true(access_ticket_create(&p));
	p = (struct principal){ 4, 0, ROLE_ADMIN };
	assert_true(access_ticket_create(&p));
	p = (struct principal){ 5, ORG_A, ROLE_NONE };
	assert_false(access_ticket_create(&p));
	p = (struct principal){ 5, ORG_A, (enum role)42 };
	assert_false(access_ticket_create(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_matrix),
		cmocka_unit_test(test_customer_moved_org),
		cmocka_unit_test(test_zero_ids_never_match),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_event_visibility),
		cmocka_unit_test(test_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
