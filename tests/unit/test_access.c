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
	T_ORG_SHARED,     /* a colleague's, shared with the organisation */
	T_OTHER_ORG_SHARED, /* another organisation's, shared with that one */
	T_APPROVAL,       /* a colleague's that needs approval */
	T_OTHER_APPROVAL, /* another organisation's that needs approval */
	N_TICKET_CASES
};

static const char *const case_names[] = {
	"own", "shared-with-me", "shared-from-other-org", "colleague's", "other org's",
	"org-shared", "other org's org-shared", "colleague's needing approval",
	"other org's needing approval"
};

/* Per ticket case: visible, comment, edit, approve as "VCEA", '-' for no. */
#define CUSTOMER_ROW(approve) \
	{ "VCE-", "VC--", "VC--", "----", "----", "VC--", "----", approve, "----" }
#define ORG_CUSTOMER_ROW(approve) \
	{ "VCE-", "VCE-", "VC--", "VCE-", "----", "VCE-", "----", approve, "----" }
#define STAFF_ROW \
	{ "VCE-", "VCE-", "VCE-", "VCE-", "VCE-", "VCE-", "VCE-", "VCE-", "VCE-" }
#define NOTHING_ROW \
	{ "----", "----", "----", "----", "----", "----", "----", "----", "----" }

static const struct {
	const char *name;
	struct principal p;
	const char *expect[N_TICKET_CASES];
} matrix[] = {
	{ "customer",
	  { .user_id = 1, .org_id = ORG_A, .role = ROLE_CUSTOMER },
	  CUSTOMER_ROW("----") },
	{ "approving customer",
	  { .user_id = 11, .org_id = ORG_A, .role = ROLE_CUSTOMER, .approver = true },
	  CUSTOMER_ROW("VC-A") },
	{ "org-customer",
	  { .user_id = 2, .org_id = ORG_A, .role = ROLE_ORG_CUSTOMER },
	  ORG_CUSTOMER_ROW("VCE-") },
	{ "approving org-customer",
	  { .user_id = 12, .org_id = ORG_A, .role = ROLE_ORG_CUSTOMER, .approver = true },
	  ORG_CUSTOMER_ROW("VCEA") },
	{ "agent",
	  { .user_id = 3, .org_id = 0, .role = ROLE_AGENT },
	  STAFF_ROW },
	/* staff never approve, whatever the flag says */
	{ "agent flagged approver",
	  { .user_id = 13, .org_id = ORG_A, .role = ROLE_AGENT, .approver = true },
	  STAFF_ROW },
	{ "admin",
	  { .user_id = 4, .org_id = 0, .role = ROLE_ADMIN },
	  STAFF_ROW },
	{ "admin flagged approver",
	  { .user_id = 14, .org_id = ORG_A, .role = ROLE_ADMIN, .approver = true },
	  STAFF_ROW },
	{ "none",
	  { .user_id = 5, .org_id = ORG_A, .role = ROLE_NONE },
	  NOTHING_ROW },
	{ "none flagged approver",
	  { .user_id = 15, .org_id = ORG_A, .role = ROLE_NONE, .approver = true },
	  NOTHING_ROW },
	{ "unknown role",
	  { .user_id = 6, .org_id = ORG_A, .role = (enum role)42 },
	  NOTHING_ROW },
	{ "unknown role flagged approver",
	  { .user_id = 16, .org_id = ORG_A, .role = (enum role)42, .approver = true },
	  NOTHING_ROW },
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
	case T_ORG_SHARED:
		t.requester_id = COLLEAGUE;
		t.org_id = ORG_A;
		t.shared_with_org = true;
		break;
	case T_OTHER_ORG_SHARED:
		t.requester_id = STRANGER;
		t.org_id = ORG_B;
		t.shared_with_org = true;
		break;
	case T_APPROVAL:
		t.requester_id = COLLEAGUE;
		t.org_id = ORG_A;
		t.needs_approval = true;
		break;
	case T_OTHER_APPROVAL:
		t.requester_id = STRANGER;
		t.org_id = ORG_B;
		t.needs_approval = true;
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
	assert_int_equal(sizeof(case_names) / sizeof(case_names[0]), N_TICKET_CASES);
	for (r = 0; r < sizeof(matrix) / sizeof(matrix[0]); r++) {
		const struct principal *p = &matrix[r].p;

		for (c = 0; c < N_TICKET_CASES; c++) {
			struct ticket t = make_ticket(p, (enum ticket_case)c);
			const char *want = matrix[r].expect[c];

			assert_int_equal(strlen(want), 4);
			check(matrix[r].name, case_names[c], "see",
			      access_ticket_visible(p, &t), want[0] == 'V');
			check(matrix[r].name, case_names[c], "comment",
			      access_ticket_comment(p, &t), want[1] == 'C');
			check(matrix[r].name, case_names[c], "edit",
			      access_ticket_edit(p, &t), want[2] == 'E');
			check(matrix[r].name, case_names[c], "approve",
			      access_ticket_approve(p, &t), want[3] == 'A');
		}
	}
}

/* A customer who moved to another organisation keeps no view of the old
 * one's tickets, even as requester; sharing still works. */
static void test_customer_moved_org(void **state)
{
	struct principal p = { .user_id = 1, .org_id = ORG_B, .role = ROLE_CUSTOMER };
	uint64_t other = 5, me = 1;
	struct ticket t = { 0 };

	(void)state;
	t.requester_id = 1;
	t.org_id = ORG_A;
	t.participants = &other;
	t.n_participants = 1;
	assert_false(access_ticket_visible(&p, &t));
	assert_false(access_ticket_edit(&p, &t));
	/* the old organisation sharing it, or asking for approval, does not
	 * reach someone who left it, approver or not */
	t.shared_with_org = true;
	t.needs_approval = true;
	p.approver = true;
	assert_false(access_ticket_visible(&p, &t));
	assert_false(access_ticket_comment(&p, &t));
	assert_false(access_ticket_approve(&p, &t));
	t.shared_with_org = false;
	t.needs_approval = false;
	p.approver = false;
	t.participants = &me;
	assert_true(access_ticket_visible(&p, &t));
	assert_true(access_ticket_comment(&p, &t));
	/* once visible again, it is the requester's own ticket to edit */
	assert_true(access_ticket_edit(&p, &t));
}

/* Zero ids mean "none" and must never match each other. */
static void test_zero_ids_never_match(void **state)
{
	struct principal cust = { .user_id = 0, .org_id = ORG_A, .role = ROLE_CUSTOMER };
	struct principal orgc = { .user_id = 8, .org_id = 0, .role = ROLE_ORG_CUSTOMER };
	struct principal lone = { .user_id = 9, .org_id = 0, .role = ROLE_CUSTOMER,
				  .approver = true };
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

	/* no organisation on either side: sharing with "the organisation" and
	 * approval by "its" approver reach nobody */
	t.requester_id = 70;
	t.shared_with_org = true;
	t.needs_approval = true;
	assert_false(access_ticket_visible(&lone, &t));
	assert_false(access_ticket_approve(&lone, &t));
	orgc.approver = true;
	assert_false(access_ticket_visible(&orgc, &t));
	assert_false(access_ticket_approve(&orgc, &t));
}

static void test_null_arguments(void **state)
{
	struct principal agent = { .user_id = 3, .org_id = 0, .role = ROLE_AGENT };
	struct principal approver = { .user_id = 11, .org_id = ORG_A, .role = ROLE_CUSTOMER,
				      .approver = true };
	struct ticket t = { 0 };
	struct ticket_event e = { 0 };

	(void)state;
	t.org_id = ORG_A;
	t.needs_approval = true;
	assert_true(access_ticket_approve(&approver, &t));
	assert_false(access_ticket_visible(NULL, &t));
	assert_false(access_ticket_visible(&agent, NULL));
	assert_false(access_ticket_comment(&agent, NULL));
	assert_false(access_ticket_edit(NULL, &t));
	assert_false(access_ticket_approve(NULL, &t));
	assert_false(access_ticket_approve(&approver, NULL));
	assert_false(access_event_visible(NULL, &e));
	assert_false(access_event_visible(&agent, NULL));
	assert_false(access_ticket_create(NULL));
}

/* Approval needs all of: the flag, a customer role, the ticket's
 * organisation and a ticket that asks for it. */
static void test_approval(void **state)
{
	struct principal cust = { .user_id = 11, .org_id = ORG_A, .role = ROLE_CUSTOMER,
				  .approver = true };
	struct principal orgc = { .user_id = 12, .org_id = ORG_A, .role = ROLE_ORG_CUSTOMER,
				  .approver = true };
	struct principal plain = { .user_id = 1, .org_id = ORG_A, .role = ROLE_CUSTOMER };
	struct principal foreign = { .user_id = 21, .org_id = ORG_B, .role = ROLE_CUSTOMER,
				     .approver = true };
	uint64_t someone = 777;
	struct ticket t = { 0 };

	(void)state;
	t.id = 10002;
	t.requester_id = COLLEAGUE;
	t.creator_id = COLLEAGUE;
	t.org_id = ORG_A;
	t.participants = &someone;
	t.n_participants = 1;
	t.needs_approval = true;
	assert_true(access_ticket_visible(&cust, &t));
	assert_true(access_ticket_approve(&cust, &t));
	assert_true(access_ticket_approve(&orgc, &t));
	assert_false(access_ticket_visible(&plain, &t));
	assert_false(access_ticket_approve(&plain, &t));
	/* an approver does not approve their own request */
	t.requester_id = cust.user_id;
	assert_true(access_ticket_visible(&cust, &t));
	assert_false(access_ticket_approve(&cust, &t));
	assert_true(access_ticket_approve(&orgc, &t));
	t.requester_id = COLLEAGUE;
	/* an approver of another organisation */
	assert_false(access_ticket_visible(&foreign, &t));
	assert_false(access_ticket_approve(&foreign, &t));
	/* ... even when listed as a participant: seeing is not deciding */
	someone = foreign.user_id;
	assert_true(access_ticket_visible(&foreign, &t));
	assert_true(access_ticket_comment(&foreign, &t));
	assert_false(access_ticket_edit(&foreign, &t));
	assert_false(access_ticket_approve(&foreign, &t));
	someone = 777;

	/* shared with the organisation: every customer sees it, the approver
	 * still the only one to decide */
	t.shared_with_org = true;
	assert_true(access_ticket_visible(&plain, &t));
	assert_true(access_ticket_comment(&plain, &t));
	assert_false(access_ticket_edit(&plain, &t));
	assert_false(access_ticket_approve(&plain, &t));
	assert_true(access_ticket_approve(&cust, &t));
	assert_false(access_ticket_visible(&foreign, &t));

	/* nothing to approve: the approver flag gives no view of its own */
	t.shared_with_org = false;
	t.needs_approval = false;
	assert_false(access_ticket_visible(&cust, &t));
	assert_false(access_ticket_approve(&cust, &t));
	assert_false(access_ticket_approve(&orgc, &t));
	assert_true(access_ticket_visible(&orgc, &t));

	/* the approver flag alone does nothing */
	t.needs_approval = true;
	cust.approver = false;
	orgc.approver = false;
	assert_false(access_ticket_visible(&cust, &t));
	assert_false(access_ticket_approve(&cust, &t));
	assert_false(access_ticket_approve(&orgc, &t));
}

static void test_event_visibility(void **state)
{
	struct ticket_event pub = { 0 }, note = { 0 };
	struct principal bogus, cust, agent;
	size_t r;

	(void)state;
	pub.kind = EVENT_COMMENT;
	pub.from_support = true;
	note.kind = EVENT_COMMENT;
	note.internal = true;
	note.from_support = true;
	for (r = 0; r < sizeof(matrix) / sizeof(matrix[0]); r++) {
		const struct principal *p = &matrix[r].p;
		bool any = p->role >= ROLE_CUSTOMER && p->role <= ROLE_ADMIN;
		bool staff = p->role == ROLE_AGENT || p->role == ROLE_ADMIN;

		check(matrix[r].name, "public event of a", "see",
		      access_event_visible(p, &pub), any);
		check(matrix[r].name, "internal note of a", "see",
		      access_event_visible(p, &note), staff);
	}
	/* a role value outside the enum sees nothing */
	bogus = (struct principal){ .user_id = 9, .org_id = ORG_A, .role = (enum role)42 };
	assert_false(access_event_visible(&bogus, &pub));
	/* internal status changes are hidden the same way, from approvers too */
	note.kind = EVENT_STATUS;
	cust = (struct principal){ .user_id = 1, .org_id = ORG_A, .role = ROLE_CUSTOMER,
				   .approver = true };
	agent = (struct principal){ .user_id = 3, .role = ROLE_AGENT };
	assert_false(access_event_visible(&cust, &note));
	assert_true(access_event_visible(&agent, &note));
}

static void test_create(void **state)
{
	struct principal p;

	(void)state;
	p = (struct principal){ .user_id = 1, .org_id = ORG_A, .role = ROLE_CUSTOMER };
	assert_true(access_ticket_create(&p));
	p.org_id = 0;
	assert_false(access_ticket_create(&p));
	p = (struct principal){ .user_id = 2, .org_id = ORG_A, .role = ROLE_ORG_CUSTOMER };
	assert_true(access_ticket_create(&p));
	p.org_id = 0;
	assert_false(access_ticket_create(&p));
	p = (struct principal){ .user_id = 3, .org_id = 0, .role = ROLE_AGENT };
	assert_true(access_ticket_create(&p));
	p = (struct principal){ .user_id = 4, .org_id = 0, .role = ROLE_ADMIN };
	assert_true(access_ticket_create(&p));
	p = (struct principal){ .user_id = 5, .org_id = ORG_A, .role = ROLE_NONE };
	assert_false(access_ticket_create(&p));
	p = (struct principal){ .user_id = 5, .org_id = ORG_A, .role = (enum role)42 };
	assert_false(access_ticket_create(&p));
	/* being an approver changes nothing here */
	p = (struct principal){ .user_id = 6, .org_id = ORG_A, .role = ROLE_CUSTOMER,
				.approver = true };
	assert_true(access_ticket_create(&p));
	p.org_id = 0;
	assert_false(access_ticket_create(&p));
	p = (struct principal){ .user_id = 7, .org_id = ORG_A, .role = ROLE_NONE,
				.approver = true };
	assert_false(access_ticket_create(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_matrix),
		cmocka_unit_test(test_customer_moved_org),
		cmocka_unit_test(test_zero_ids_never_match),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_approval),
		cmocka_unit_test(test_event_visibility),
		cmocka_unit_test(test_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
