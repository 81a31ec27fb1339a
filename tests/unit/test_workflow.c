/* Workflow: the default transition table checked exhaustively against an
 * expectation written out here, labels, documents and a custom workflow. */
#include "test.h"

#include "dk_err.h"
#include "validate.h"
#include "workflow.h"
#include "test_workflow.h"

/* The default statuses as the issue lists them, kept apart from the code. */
static const struct {
	const char *name;
	char cat;           /* N, O, W, R, C */
	bool pauses;
	const char *en, *nl, *sv;
} st[] = {
	{ "new", 'N', false, "New", "Nieuw", "Ny" },
	{ "in_progress", 'O', false, "In progress", NULL, NULL },
	{ "first_line", 'O', false, "First line", NULL, NULL },
	{ "second_line", 'O', false, "Second line", NULL, NULL },
	{ "third_line", 'O', false, "Third line", NULL, NULL },
	{ "investigating", 'O', false, "Investigating", NULL, NULL },
	{ "appointment_planned", 'O', false, "Appointment planned", NULL, NULL },
	{ "waiting_for_customer", 'W', true, "Waiting for customer", NULL, NULL },
	{ "waiting_for_third_party", 'W', true, "Waiting for third party", NULL, NULL },
	{ "on_hold", 'W', true, "On hold", NULL, NULL },
	{ "waiting_for_approval", 'W', true, "Waiting for approval", NULL, NULL },
	{ "waiting_for_release", 'W', true, "Waiting for release", NULL, NULL },
	{ "resolved", 'R', false, "Resolved", "Opgelost", "Löst" },
	{ "resolved_workaround", 'R', false, "Resolved with workaround", NULL, NULL },
	{ "completed_to_be_tested", 'R', false, "Completed - to be tested", NULL, NULL },
	{ "closed", 'C', false, "Closed", "Gesloten", "Stängd" },
	{ "cancelled", 'C', false, "Cancelled", NULL, NULL },
};
#define N_ST (sizeof(st) / sizeof(st[0]))

static const char *const action_strs[] = {
	NULL, "cancel", "close", "accept", "reopen", "comment", "set_status",
	"approve", "reject", "resolve"
};
static const char *const actor_strs[] = { NULL, "customer", "agent", "approver" };

static enum status_category cat_of(char c)
{
	switch (c) {
	case 'N': return CATEGORY_NEW;
	case 'O': return CATEGORY_OPEN;
	case 'W': return CATEGORY_WAITING;
	case 'R': return CATEGORY_RESOLVED;
	case 'C': return CATEGORY_CLOSED;
	}
	return CATEGORY_UNKNOWN;
}

static int st_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_ST; i++)
		if (strcmp(st[i].name, name) == 0)
			return (int)i;
	return -1;
}

struct expect {
	int rc;
	const char *to;
	bool comment, rating;
	const char *code;
};

static struct expect ok(const char *to, bool comment, bool rating)
{
	return (struct expect){ 0, to, comment, rating, NULL };
}

static struct expect no(int rc, const char *code)
{
	return (struct expect){ rc, NULL, false, false, code };
}

/* What the issue asks for, rule by rule. */
static struct expect expected(int from, int a, int who, const char *req)
{
	char c = st[from].cat;
	bool working = c == 'N' || c == 'O' || c == 'W';

	if (c == 'C')
		return no(DK_ERR_CONFLICT, "ticket_closed");
	if (req && st_find(req) < 0)
		return no(DK_ERR_INVALID, "unknown_status");
	if (who == WF_ACTOR_CUSTOMER) {
		switch (a) {
		case WF_CANCEL:
			return working ? ok("cancelled", false, false) :
					 no(DK_ERR_CONFLICT, "not_allowed");
		case WF_CLOSE:
			return working ? ok("closed", false, false) :
					 no(DK_ERR_CONFLICT, "not_allowed");
		case WF_ACCEPT:
			return c == 'R' ? ok("closed", false, true) :
					  no(DK_ERR_CONFLICT, "not_allowed");
		case WF_REOPEN:
			return c == 'R' ? ok("in_progress", true, false) :
					  no(DK_ERR_CONFLICT, "not_allowed");
		case WF_COMMENT:
			if (c == 'R' || strcmp(st[from].name, "waiting_for_customer") == 0)
				return ok("in_progress", true, false);
			return ok(st[from].name, true, false);
		}
		return no(DK_ERR_CONFLICT, "not_allowed");
	}
	if (who == WF_ACTOR_AGENT) {
		switch (a) {
		case WF_COMMENT:
			return ok(st[from].name, true, false);
		case WF_SET_STATUS:
			if (!req)
				return no(DK_ERR_INVALID, "status_required");
			if (strcmp(req, st[from].name) == 0)
				return no(DK_ERR_CONFLICT, "no_change");
			return ok(req, false, false);
		case WF_RESOLVE:
			if (!working)
				return no(DK_ERR_CONFLICT, "not_allowed");
			if (!req)
				return ok("resolved", false, false);
			if (st[st_find(req)].cat != 'R')
				return no(DK_ERR_CONFLICT, "not_allowed");
			return ok(req, false, false);
		}
		return no(DK_ERR_CONFLICT, "not_allowed");
	}
	switch (a) {
	case WF_COMMENT:
		return ok(st[from].name, true, false);
	case WF_APPROVE:
		return strcmp(st[from].name, "waiting_for_approval") == 0 ?
		       ok("new", false, false) : no(DK_ERR_CONFLICT, "not_allowed");
	case WF_REJECT:
		return strcmp(st[from].name, "waiting_for_approval") == 0 ?
		       ok("cancelled", true, false) : no(DK_ERR_CONFLICT, "not_allowed");
	}
	return no(DK_ERR_CONFLICT, "not_allowed");
}

static bool takes_target(int a)
{
	return a == WF_SET_STATUS || a == WF_RESOLVE;
}

static size_t check_case(const struct workflow *wf, int from, int a, int who,
			 const char *req)
{
	struct expect e = expected(from, a, who, req);
	struct wf_result r;
	int rc;

	memset(&r, 0xa5, sizeof(r));
	rc = workflow_apply(wf, st[from].name, (enum wf_action)a, (enum wf_actor)who, req, &r);
	if (rc != e.rc || (e.to && (!r.to || strcmp(r.to, e.to) != 0)) ||
	    (!e.to && r.to) || r.needs_comment != e.comment ||
	    r.needs_rating != e.rating ||
	    (e.code && (!r.refusal_code || strcmp(r.refusal_code, e.code) != 0)) ||
	    (!e.code && r.refusal_code) ||
	    (e.code && r.refusal_message[0] == '\0') ||
	    (!e.code && r.refusal_message[0] != '\0'))
		fail_msg("%s %s by %s to %s: got rc %d to %s comment %d rating %d code %s "
			 "(%s), want rc %d to %s comment %d rating %d code %s",
			 st[from].name, action_strs[a], actor_strs[who], req ? req : "-",
			 rc, r.to ? r.to : "-", r.needs_comment, r.needs_rating,
			 r.refusal_code ? r.refusal_code : "-", r.refusal_message, e.rc,
			 e.to ? e.to : "-", e.comment, e.rating, e.code ? e.code : "-");
	return 1;
}

/* Every status x action x actor; targets for the actions that take one. */
static size_t check_table(const struct workflow *wf)
{
	size_t from, t, n = 0;
	int a, who;

	for (from = 0; from < N_ST; from++)
		for (a = WF_ACTION_FIRST; a <= WF_ACTION_LAST; a++)
			for (who = WF_ACTOR_FIRST; who <= WF_ACTOR_LAST; who++) {
				n += check_case(wf, (int)from, a, who, NULL);
				if (!takes_target(a))
					continue;
				for (t = 0; t < N_ST; t++)
					n += check_case(wf, (int)from, a, who, st[t].name);
				n += check_case(wf, (int)from, a, who, "bogus");
			}
	return n;
}

static void test_table_exhaustive(void **state)
{
	(void)state;
	/* 17 statuses x 9 actions x 3 actors, and 19 targets for 2 of them */
	assert_int_equal(check_table(workflow_default()), 17 * 9 * 3 + 17 * 2 * 3 * 18);
}

static void test_table_messages(void **state)
{
	const struct workflow *wf = workflow_default();
	struct wf_result r;

	(void)state;
	assert_int_equal(workflow_apply(wf, "resolved", WF_CANCEL, WF_ACTOR_CUSTOMER, NULL, &r),
			 DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_message,
			    "a resolved ticket can be accepted or reopened, not cancelled");
	assert_int_equal(workflow_apply(wf, "new", WF_ACCEPT, WF_ACTOR_CUSTOMER, NULL, &r),
			 DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_message,
			    "a new ticket can be cancelled or closed, not accepted");
	assert_int_equal(workflow_apply(wf, "on_hold", WF_REOPEN, WF_ACTOR_CUSTOMER, NULL, &r),
			 DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_message,
			    "a waiting ticket can be cancelled or closed, not reopened");
	assert_int_equal(workflow_apply(wf, "cancelled", WF_COMMENT, WF_ACTOR_CUSTOMER, NULL,
					&r), DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_code, "ticket_closed");
	assert_string_equal(r.refusal_message,
			    "this ticket is closed and can no longer be changed");
	workflow_apply(wf, "new", WF_SET_STATUS, WF_ACTOR_CUSTOMER, "closed", &r);
	assert_string_equal(r.refusal_message, "only support staff can set the status of a ticket");
	workflow_apply(wf, "waiting_for_approval", WF_APPROVE, WF_ACTOR_AGENT, NULL, &r);
	assert_string_equal(r.refusal_message,
			    "only an approver of the customer's organisation can approve a ticket");
	workflow_apply(wf, "in_progress", WF_ACCEPT, WF_ACTOR_AGENT, NULL, &r);
	assert_string_equal(r.refusal_message, "only the customer can accept a ticket");
	workflow_apply(wf, "new", WF_REJECT, WF_ACTOR_APPROVER, NULL, &r);
	assert_string_equal(r.refusal_message,
			    "only a ticket with status \"Waiting for approval\" can be rejected");
	workflow_apply(wf, "resolved", WF_RESOLVE, WF_ACTOR_AGENT, NULL, &r);
	assert_string_equal(r.refusal_message,
			    "a resolved ticket can be given another status, not resolved");
	workflow_apply(wf, "new", WF_RESOLVE, WF_ACTOR_AGENT, "on_hold", &r);
	assert_string_equal(r.refusal_message,
			    "the ticket cannot move from \"New\" to \"On hold\"");
	workflow_apply(wf, "new", WF_SET_STATUS, WF_ACTOR_AGENT, "new", &r);
	assert_string_equal(r.refusal_message, "the ticket already has status \"New\"");

	/* a fixed target may be named, but no other */
	assert_int_equal(workflow_apply(wf, "new", WF_CANCEL, WF_ACTOR_CUSTOMER, "cancelled",
					&r), 0);
	assert_string_equal(r.to, "cancelled");
	assert_int_equal(workflow_apply(wf, "new", WF_CANCEL, WF_ACTOR_CUSTOMER, "closed", &r),
			 DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_code, "not_allowed");
	assert_int_equal(workflow_apply(wf, "new", WF_COMMENT, WF_ACTOR_CUSTOMER, "new", &r), 0);
	assert_string_equal(r.to, "new");

	/* statuses the workflow does not know, and values outside the enums */
	assert_int_equal(workflow_apply(wf, "gone", WF_COMMENT, WF_ACTOR_CUSTOMER, NULL, &r),
			 DK_ERR_CONFLICT);
	assert_string_equal(r.refusal_code, "unknown_status");
	assert_int_equal(workflow_apply(wf, NULL, WF_SET_STATUS, WF_ACTOR_AGENT, "new", &r), 0);
	assert_string_equal(r.to, "new");
	assert_int_equal(workflow_apply(wf, "gone", WF_SET_STATUS, WF_ACTOR_AGENT, NULL, &r),
			 DK_ERR_INVALID);
	assert_string_equal(r.refusal_code, "status_required");
	assert_int_equal(workflow_apply(wf, "new", (enum wf_action)0, WF_ACTOR_AGENT, NULL, &r),
			 DK_ERR_INVALID);
	assert_int_equal(workflow_apply(wf, "new", WF_CANCEL, (enum wf_actor)9, NULL, &r),
			 DK_ERR_INVALID);
	assert_int_equal(workflow_apply(NULL, "new", WF_CANCEL, WF_ACTOR_CUSTOMER, NULL, &r),
			 DK_ERR_INVALID);
	assert_int_equal(workflow_apply(wf, "new", WF_CANCEL, WF_ACTOR_CUSTOMER, NULL, NULL),
			 DK_ERR_INVALID);
}

static json_t *entry_of(json_t *arr, const char *action)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(json_object_get(v, "action")), action) == 0)
			return v;
	return NULL;
}

/* What the portal offers follows the same expectation. */
static void test_actions_json(void **state)
{
	const struct workflow *wf = workflow_default();
	size_t from, k;
	int a, who;

	(void)state;
	for (from = 0; from < N_ST; from++)
		for (who = WF_ACTOR_FIRST; who <= WF_ACTOR_LAST; who++) {
			json_t *arr = workflow_actions_json(wf, st[from].name,
							    (enum wf_actor)who, "sv");
			size_t want = 0;

			assert_non_null(arr);
			for (a = WF_ACTION_FIRST; a <= WF_ACTION_LAST; a++) {
				struct expect e = expected((int)from, a, who, NULL);
				json_t *o = entry_of(arr, action_strs[a]);
				bool offered = e.rc == 0 ||
					(e.code && strcmp(e.code, "status_required") == 0);

				if (!offered) {
					if (o)
						fail_msg("%s offers %s to %s", st[from].name,
							 action_strs[a], actor_strs[who]);
					continue;
				}
				want++;
				assert_non_null(o);
				assert_int_equal(json_is_true(json_object_get(o, "needs_comment")),
						 e.comment);
				assert_int_equal(json_is_true(json_object_get(o, "needs_rating")),
						 e.rating);
				if (a == WF_SET_STATUS) {
					json_t *s = json_object_get(o, "statuses");

					assert_int_equal(json_array_size(s), N_ST - 1);
					for (k = 0; k < json_array_size(s); k++)
						assert_string_not_equal(json_string_value(
							json_object_get(json_array_get(s, k), "name")),
							st[from].name);
				} else if (a == WF_RESOLVE) {
					json_t *s = json_object_get(o, "statuses");

					assert_int_equal(json_array_size(s), 3);
					assert_string_equal(json_string_value(json_object_get(
						json_array_get(s, 1), "label")),
						"Löst med tillfällig lösning");
					assert_string_equal(json_string_value(
						json_object_get(o, "default")), "resolved");
				} else if (strcmp(e.to, st[from].name) != 0) {
					assert_string_equal(json_string_value(
						json_object_get(o, "to")), e.to);
				} else {
					assert_null(json_object_get(o, "to"));
				}
			}
			assert_int_equal(json_array_size(arr), want);
			json_decref(arr);
		}
}

static void test_statuses_and_labels(void **state)
{
	const struct workflow *wf = workflow_default();
	json_t *arr, *o;
	size_t i;

	(void)state;
	arr = workflow_statuses_json(wf, "nl");
	assert_int_equal(json_array_size(arr), N_ST);
	for (i = 0; i < N_ST; i++) {
		o = json_array_get(arr, i);
		assert_string_equal(json_string_value(json_object_get(o, "name")), st[i].name);
		assert_int_equal(workflow_category(wf, st[i].name), cat_of(st[i].cat));
		assert_string_equal(json_string_value(json_object_get(o, "category")),
				    status_category_name(cat_of(st[i].cat)));
		assert_int_equal(json_is_true(json_object_get(o, "pauses_sla")), st[i].pauses);
		assert_int_equal(workflow_pauses_sla(wf, st[i].name), st[i].pauses);
		assert_string_equal(workflow_label(wf, st[i].name, "en"), st[i].en);
		assert_string_equal(json_string_value(json_object_get(o, "label")),
				    workflow_label(wf, st[i].name, "nl"));
		/* every status is translated, not copied from English */
		assert_string_not_equal(workflow_label(wf, st[i].name, "nl"), st[i].en);
		assert_string_not_equal(workflow_label(wf, st[i].name, "sv"), st[i].en);
		if (st[i].nl) {
			assert_string_equal(workflow_label(wf, st[i].name, "nl"), st[i].nl);
			assert_string_equal(workflow_label(wf, st[i].name, "sv"), st[i].sv);
		}
	}
	json_decref(arr);

	assert_string_equal(workflow_label(wf, "new", "nl-BE"), "Nieuw");
	assert_string_equal(workflow_label(wf, "new", "sv_SE"), "Ny");
	assert_string_equal(workflow_label(wf, "new", "de"), "New");
	assert_string_equal(workflow_label(wf, "new", "nlx"), "New");
	assert_string_equal(workflow_label(wf, "new", ""), "New");
	assert_string_equal(workflow_label(wf, "new", NULL), "New");
	assert_string_equal(workflow_label(wf, "gone", "nl"), "gone");
	assert_null(workflow_label(wf, NULL, "nl"));
	assert_int_equal(workflow_category(wf, "gone"), CATEGORY_UNKNOWN);
	assert_int_equal(workflow_category(wf, NULL), CATEGORY_UNKNOWN);
	assert_false(workflow_pauses_sla(wf, "gone"));
	assert_string_equal(workflow_initial(wf, false), "new");
	assert_string_equal(workflow_initial(wf, true), "waiting_for_approval");
}

static void test_names(void **state)
{
	enum wf_action a;
	enum wf_actor w;
	enum status_category c;
	int i;

	(void)state;
	for (i = WF_ACTION_FIRST; i <= WF_ACTION_LAST; i++) {
		assert_string_equal(wf_action_name((enum wf_action)i), action_strs[i]);
		assert_int_equal(wf_action_parse(action_strs[i], &a), 0);
		assert_int_equal(a, i);
	}
	assert_null(wf_action_name((enum wf_action)0));
	assert_null(wf_action_name((enum wf_action)(WF_ACTION_LAST + 1)));
	assert_int_equal(wf_action_parse("Cancel", &a), DK_ERR_INVALID);
	assert_int_equal(wf_action_parse(NULL, &a), DK_ERR_INVALID);
	for (i = WF_ACTOR_FIRST; i <= WF_ACTOR_LAST; i++) {
		assert_string_equal(wf_actor_name((enum wf_actor)i), actor_strs[i]);
		assert_int_equal(wf_actor_parse(actor_strs[i], &w), 0);
		assert_int_equal(w, i);
	}
	assert_null(wf_actor_name((enum wf_actor)0));
	assert_int_equal(wf_actor_parse("admin", &w), DK_ERR_INVALID);
	assert_int_equal(status_category_parse("waiting", &c), 0);
	assert_int_equal(c, CATEGORY_WAITING);
	assert_int_equal(status_category_parse("unknown", &c), DK_ERR_INVALID);
	assert_int_equal(status_category_parse(NULL, &c), DK_ERR_INVALID);
}

/* The functions storage/ and daemon/ used before workflows were data. */
static void test_legacy(void **state)
{
	static const char *const types[] = {
		"incident", "security_incident", "question", "service_request", "task",
		"problem", "change_request"
	};
	size_t i;

	(void)state;
	assert_string_equal(status_initial(), "new");
	for (i = 0; i < N_ST; i++) {
		assert_int_equal(status_category(st[i].name), cat_of(st[i].cat));
		assert_int_equal(status_is_final(st[i].name), st[i].cat == 'C');
	}
	assert_int_equal(status_category("Closed"), CATEGORY_UNKNOWN);
	assert_int_equal(status_category(""), CATEGORY_UNKNOWN);
	assert_int_equal(status_category(NULL), CATEGORY_UNKNOWN);
	assert_false(status_is_final("bogus"));
	assert_string_equal(status_category_name(CATEGORY_NEW), "new");
	assert_string_equal(status_category_name(CATEGORY_OPEN), "open");
	assert_string_equal(status_category_name(CATEGORY_WAITING), "waiting");
	assert_string_equal(status_category_name(CATEGORY_RESOLVED), "resolved");
	assert_string_equal(status_category_name(CATEGORY_CLOSED), "closed");
	assert_null(status_category_name(CATEGORY_UNKNOWN));
	assert_null(status_category_name((enum status_category)6));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		assert_true(ticket_type_valid(types[i]));
	assert_false(ticket_type_valid("Incident"));
	assert_false(ticket_type_valid("security incident"));
	assert_false(ticket_type_valid("portal_help"));
	assert_false(ticket_type_valid(""));
	assert_false(ticket_type_valid(NULL));
}

/* The default written out and read back is the same workflow: same
 * document, same answers for the whole table. */
static void test_round_trip(void **state)
{
	struct field_error err;
	struct workflow *wf = NULL, *wf2 = NULL;
	json_t *doc, *doc2, *doc3;
	json_error_t jerr;
	char *text;

	(void)state;
	doc = workflow_to_json(workflow_default());
	assert_non_null(doc);
	text = json_dumps(doc, JSON_COMPACT);
	doc2 = json_loads(text, 0, &jerr);
	assert_non_null(doc2);
	assert_int_equal(workflow_from_json(doc2, &wf, &err), 0);
	assert_non_null(wf);
	doc3 = workflow_to_json(wf);
	assert_true(json_equal(doc, doc3));
	assert_int_equal(check_table(wf), 17 * 9 * 3 + 17 * 2 * 3 * 18);
	assert_string_equal(workflow_initial(wf, true), "waiting_for_approval");
	assert_string_equal(workflow_label(wf, "on_hold", "sv"),
			    workflow_label(workflow_default(), "on_hold", "sv"));
	assert_true(workflow_pauses_sla(wf, "on_hold"));
	/* and again from its own output */
	assert_int_equal(workflow_from_json(doc3, &wf2, &err), 0);
	workflow_free(wf2);
	workflow_free(wf);
	workflow_free((struct workflow *)workflow_default());
	workflow_free(NULL);
	free(text);
	json_decref(doc);
	json_decref(doc2);
	json_decref(doc3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_exhaustive),
		cmocka_unit_test(test_table_messages),
		cmocka_unit_test(test_actions_json),
		cmocka_unit_test(test_statuses_and_labels),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_custom_workflow),
		cmocka_unit_test(test_custom_unknown_status),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
