/*
 * Ticket workflow: the built-in table, lookups and the transition rules.
 * Reading and writing workflow documents is in workflow_json.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dk_err.h"
#define DESKD_WORKFLOW_INTERNAL
#include "workflow_impl.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *const wf_lang_codes[WF_N_LANGS] = { "en", "nl", "sv" };

/* Indexes of the built-in statuses, so the rules below read by name. */
enum {
	S_NEW,
	S_IN_PROGRESS,
	S_FIRST_LINE,
	S_SECOND_LINE,
	S_THIRD_LINE,
	S_INVESTIGATING,
	S_APPOINTMENT_PLANNED,
	S_WAITING_FOR_CUSTOMER,
	S_WAITING_FOR_THIRD_PARTY,
	S_ON_HOLD,
	S_WAITING_FOR_APPROVAL,
	S_WAITING_FOR_RELEASE,
	S_RESOLVED,
	S_RESOLVED_WORKAROUND,
	S_COMPLETED_TO_BE_TESTED,
	S_CLOSED,
	S_CANCELLED
};

/* Names are stable API values stored in tickets; labels are for people. */
#define ST(n, name, c, pause, en, nl, sv) \
	[S_##n] = { name, CATEGORY_##c, { en, nl, sv }, pause }

static const struct wf_status default_statuses[] = {
	ST(NEW, "new", NEW, false,
	   "New", "Nieuw", "Ny"),
	ST(IN_PROGRESS, "in_progress", OPEN, false,
	   "In progress", "In behandeling", "Pågående"),
	ST(FIRST_LINE, "first_line", OPEN, false,
	   "First line", "Eerste lijn", "Första linjen"),
	ST(SECOND_LINE, "second_line", OPEN, false,
	   "Second line", "Tweede lijn", "Andra linjen"),
	ST(THIRD_LINE, "third_line", OPEN, false,
	   "Third line", "Derde lijn", "Tredje linjen"),
	ST(INVESTIGATING, "investigating", OPEN, false,
	   "Investigating", "In onderzoek", "Under utredning"),
	ST(APPOINTMENT_PLANNED, "appointment_planned", OPEN, false,
	   "Appointment planned", "Afspraak gepland", "Tid inbokad"),
	ST(WAITING_FOR_CUSTOMER, "waiting_for_customer", WAITING, true,
	   "Waiting for customer", "Wacht op klant", "Väntar på kund"),
	ST(WAITING_FOR_THIRD_PARTY, "waiting_for_third_party", WAITING, true,
	   "Waiting for third party", "Wacht op derde partij", "Väntar på tredje part"),
	ST(ON_HOLD, "on_hold", WAITING, true,
	   "On hold", "In de wacht", "Vilande"),
	ST(WAITING_FOR_APPROVAL, "waiting_for_approval", WAITING, true,
	   "Waiting for approval", "Wacht op goedkeuring", "Väntar på godkännande"),
	ST(WAITING_FOR_RELEASE, "waiting_for_release", WAITING, true,
	   "Waiting for release", "Wacht op release", "Väntar på release"),
	ST(RESOLVED, "resolved", RESOLVED, false,
	   "Resolved", "Opgelost", "Löst"),
	ST(RESOLVED_WORKAROUND, "resolved_workaround", RESOLVED, false,
	   "Resolved with workaround", "Opgelost met tijdelijke oplossing",
	   "Löst med tillfällig lösning"),
	ST(COMPLETED_TO_BE_TESTED, "completed_to_be_tested", RESOLVED, false,
	   "Completed - to be tested", "Afgerond - te testen", "Klar - ska testas"),
	ST(CLOSED, "closed", CLOSED, false,
	   "Closed", "Gesloten", "Stängd"),
	ST(CANCELLED, "cancelled", CLOSED, false,
	   "Cancelled", "Geannuleerd", "Avbruten"),
};

#define WORKING (CAT_BIT(CATEGORY_NEW) | CAT_BIT(CATEGORY_OPEN) | CAT_BIT(CATEGORY_WAITING))
#define NOT_CLOSED (WORKING | CAT_BIT(CATEGORY_RESOLVED))
#define ANY (NOT_CLOSED | CAT_BIT(CATEGORY_CLOSED))
#define RESOLVED_ONLY CAT_BIT(CATEGORY_RESOLVED)

#define CUSTOMER WF_ACTOR_CUSTOMER
#define AGENT WF_ACTOR_AGENT
#define APPROVER WF_ACTOR_APPROVER

/* action, actor, from status, from categories, to, to categories,
 * needs comment, needs rating */
static const struct wf_rule default_rules[] = {
	{ WF_CANCEL, CUSTOMER, -1, WORKING, S_CANCELLED, 0, false, false },
	{ WF_CLOSE, CUSTOMER, -1, WORKING, S_CLOSED, 0, false, false },
	{ WF_ACCEPT, CUSTOMER, -1, RESOLVED_ONLY, S_CLOSED, 0, false, true },
	{ WF_REOPEN, CUSTOMER, -1, RESOLVED_ONLY, S_IN_PROGRESS, 0, true, false },
	/* The customer answered, so the ball is with support again. */
	{ WF_COMMENT, CUSTOMER, S_WAITING_FOR_CUSTOMER, 0, S_IN_PROGRESS, 0, true, false },
	{ WF_COMMENT, CUSTOMER, -1, RESOLVED_ONLY, S_IN_PROGRESS, 0, true, false },
	{ WF_COMMENT, CUSTOMER, -1, WORKING, -1, 0, true, false },
	{ WF_COMMENT, AGENT, -1, NOT_CLOSED, -1, 0, true, false },
	{ WF_COMMENT, APPROVER, -1, NOT_CLOSED, -1, 0, true, false },
	{ WF_SET_STATUS, AGENT, -1, NOT_CLOSED, -1, ANY, false, false },
	{ WF_RESOLVE, AGENT, -1, WORKING, S_RESOLVED, RESOLVED_ONLY, false, false },
	{ WF_APPROVE, APPROVER, S_WAITING_FOR_APPROVAL, 0, S_NEW, 0, false, false },
	{ WF_REJECT, APPROVER, S_WAITING_FOR_APPROVAL, 0, S_CANCELLED, 0, true, false },
};

static const struct workflow default_wf = {
	.statuses = default_statuses,
	.n_statuses = N_ELEMS(default_statuses),
	.rules = default_rules,
	.n_rules = N_ELEMS(default_rules),
	.initial = S_NEW,
	.initial_approval = S_WAITING_FOR_APPROVAL,
	.owned = false,
};

const struct workflow *workflow_default(void)
{
	return &default_wf;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const category_names[] = {
	[CATEGORY_NEW] = "new",
	[CATEGORY_OPEN] = "open",
	[CATEGORY_WAITING] = "waiting",
	[CATEGORY_RESOLVED] = "resolved",
	[CATEGORY_CLOSED] = "closed",
};

const char *status_category_name(enum status_category c)
{
	if (c <= CATEGORY_UNKNOWN || c > CATEGORY_CLOSED)
		return NULL;
	return category_names[c];
}

int status_category_parse(const char *s, enum status_category *out)
{
	int c;

	for (c = CATEGORY_NEW; s && c <= CATEGORY_CLOSED; c++)
		if (strcmp(s, category_names[c]) == 0) {
			*out = (enum status_category)c;
			return 0;
		}
	return DK_ERR_INVALID;
}

static const char *const action_names[] = {
	[WF_CANCEL] = "cancel",
	[WF_CLOSE] = "close",
	[WF_ACCEPT] = "accept",
	[WF_REOPEN] = "reopen",
	[WF_COMMENT] = "comment",
	[WF_SET_STATUS] = "set_status",
	[WF_APPROVE] = "approve",
	[WF_REJECT] = "reject",
	[WF_RESOLVE] = "resolve",
};

/* For messages: "only support staff can <verb> a ticket" */
static const char *const action_verbs[] = {
	[WF_CANCEL] = "cancel",
	[WF_CLOSE] = "close",
	[WF_ACCEPT] = "accept",
	[WF_REOPEN] = "reopen",
	[WF_COMMENT] = "comment on",
	[WF_SET_STATUS] = "set the status of",
	[WF_APPROVE] = "approve",
	[WF_REJECT] = "reject",
	[WF_RESOLVE] = "resolve",
};

/* ... and "a resolved ticket can be <participle>" */
static const char *const action_participles[] = {
	[WF_CANCEL] = "cancelled",
	[WF_CLOSE] = "closed",
	[WF_ACCEPT] = "accepted",
	[WF_REOPEN] = "reopened",
	[WF_COMMENT] = "commented on",
	[WF_SET_STATUS] = "given another status",
	[WF_APPROVE] = "approved",
	[WF_REJECT] = "rejected",
	[WF_RESOLVE] = "resolved",
};

static bool action_valid(enum wf_action a)
{
	return a >= WF_ACTION_FIRST && a <= WF_ACTION_LAST;
}

static bool actor_valid(enum wf_actor who)
{
	return who >= WF_ACTOR_FIRST && who <= WF_ACTOR_LAST;
}

const char *wf_action_name(enum wf_action a)
{
	return action_valid(a) ? action_names[a] : NULL;
}

int wf_action_parse(const char *s, enum wf_action *out)
{
	int a;

	for (a = WF_ACTION_FIRST; s && a <= WF_ACTION_LAST; a++)
		if (strcmp(s, action_names[a]) == 0) {
			*out = (enum wf_action)a;
			return 0;
		}
	return DK_ERR_INVALID;
}

static const char *const actor_names[] = {
	[WF_ACTOR_CUSTOMER] = "customer",
	[WF_ACTOR_AGENT] = "agent",
	[WF_ACTOR_APPROVER] = "approver",
};

const char *wf_actor_name(enum wf_actor who)
{
	return actor_valid(who) ? actor_names[who] : NULL;
}

int wf_actor_parse(const char *s, enum wf_actor *out)
{
	int w;

	for (w = WF_ACTOR_FIRST; s && w <= WF_ACTOR_LAST; w++)
		if (strcmp(s, actor_names[w]) == 0) {
			*out = (enum wf_actor)w;
			return 0;
		}
	return DK_ERR_INVALID;
}

/* ---- lookups ---------------------------------------------------------------- */

int wf_status_find(const struct workflow *wf, const char *name)
{
	size_t i;

	if (!wf || !name)
		return -1;
	for (i = 0; i < wf->n_statuses; i++)
		if (strcmp(name, wf->statuses[i].name) == 0)
			return (int)i;
	return -1;
}

enum status_category workflow_category(const struct workflow *wf, const char *status)
{
	int i = wf_status_find(wf, status);

	return i < 0 ? CATEGORY_UNKNOWN : wf->statuses[i].category;
}

static int lang_index(const char *lang)
{
	int i;

	if (!lang)
		return WF_LANG_EN;
	for (i = 0; i < WF_N_LANGS; i++)
		if (strncmp(lang, wf_lang_codes[i], 2) == 0 &&
		    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
			return i;
	return WF_LANG_EN;
}

const char *workflow_label(const struct workflow *wf, const char *status,
			   const char *lang)
{
	int i = wf_status_find(wf, status);
	const char *label;

	if (i < 0)
		return status;
	label = wf->statuses[i].label[lang_index(lang)];
	if (!label || !*label)
		label = wf->statuses[i].label[WF_LANG_EN];
	return label && *label ? label : wf->statuses[i].name;
}

bool workflow_pauses_sla(const struct workflow *wf, const char *status)
{
	int i = wf_status_find(wf, status);

	return i >= 0 && wf->statuses[i].pauses_sla;
}

const char *workflow_initial(const struct workflow *wf, bool needs_approval)
{
	if (!wf)
		return NULL;
	if (needs_approval && wf->initial_approval >= 0)
		return wf->statuses[wf->initial_approval].name;
	return wf->statuses[wf->initial].name;
}

/* ---- legacy answers for the default workflow --------------------------------- */

enum status_category status_category(const char *status)
{
	return workflow_category(workflow_default(), status);
}

const char *status_initial(void)
{
	return workflow_initial(workflow_default(), false);
}

bool status_is_final(const char *status)
{
	return status_category(status) == CATEGORY_CLOSED;
}

static const char *const ticket_types[] = {
	"incident",
	"security_incident",
	"question",
	"service_request",
	"task",
	"problem",
	"change_request",
};

bool ticket_type_valid(const char *type)
{
	size_t i;

	if (!type)
		return false;
	for (i = 0; i < N_ELEMS(ticket_types); i++)
		if (strcmp(type, ticket_types[i]) == 0)
			return true;
	return false;
}

/* ---- transitions -------------------------------------------------------------- */

static enum status_category category_at(const struct workflow *wf, int i)
{
	return i < 0 ? CATEGORY_UNKNOWN : wf->statuses[i].category;
}

/* Does rule r apply to a ticket in status fi? Pass 0 looks only at rows
 * naming the status, pass 1 only at rows naming categories, so that the
 * more specific row wins whatever the order of the table. */
static bool rule_matches(const struct workflow *wf, const struct wf_rule *r,
			 enum wf_action a, enum wf_actor who, int fi, int pass)
{
	if (r->action != a || r->actor != who || fi < 0)
		return false;
	if (pass == 0)
		return r->from_status == fi;
	return r->from_status < 0 && (r->from_mask & CAT_BIT(category_at(wf, fi)));
}

/* May rule r move a ticket in status fi to status ti (-1: nothing asked)? */
static bool rule_target_ok(const struct workflow *wf, const struct wf_rule *r,
			   int fi, int ti)
{
	if (ti < 0)
		return true;
	if (ti == r->to || (r->to_mask & CAT_BIT(category_at(wf, ti))))
		return true;
	return r->to < 0 && !r->to_mask && ti == fi;
}

/* Actions that exist to change the status refuse to keep it. */
static bool action_changes_status(enum wf_action a)
{
	return a == WF_SET_STATUS || a == WF_RESOLVE;
}

__attribute__((format(printf, 4, 5)))
static int refuse(struct wf_result *r, int rc, const char *code, const char *fmt, ...)
{
	va_list ap;

	r->to = NULL;
	r->needs_comment = false;
	r->needs_rating = false;
	r->refusal_code = code;
	va_start(ap, fmt);
	vsnprintf(r->refusal_message, sizeof(r->refusal_message), fmt, ap);
	va_end(ap);
	return rc;
}

static const char *category_phrase(enum status_category c)
{
	switch (c) {
	case CATEGORY_NEW:
		return "a new ticket";
	case CATEGORY_OPEN:
		return "an open ticket";
	case CATEGORY_WAITING:
		return "a waiting ticket";
	case CATEGORY_RESOLVED:
		return "a resolved ticket";
	default:
		return "this ticket";
	}
}

/* The one kind of actor with rows for action a, as a phrase for messages;
 * NULL when there is none or more than one. */
static const char *action_owner_phrase(const struct workflow *wf, enum wf_action a)
{
	unsigned seen = 0;
	size_t i;

	for (i = 0; i < wf->n_rules; i++)
		if (wf->rules[i].action == a)
			seen |= 1u << wf->rules[i].actor;
	if (seen == 1u << WF_ACTOR_CUSTOMER)
		return "only the customer";
	if (seen == 1u << WF_ACTOR_AGENT)
		return "only support staff";
	if (seen == 1u << WF_ACTOR_APPROVER)
		return "only an approver of the customer's organisation";
	return NULL;
}

/* Explains why no rule lets who take action a from status fi. */
static int refuse_not_allowed(const struct workflow *wf, enum wf_action a,
			      enum wf_actor who, int fi, struct wf_result *r)
{
	const char *others[WF_ACTION_LAST + 1];
	const char *owner;
	char list[128];
	size_t i, n_others = 0, len = 0;
	int first_status = -1, status_rows = 0, cat_rows = 0, b;
	enum status_category cat = category_at(wf, fi);

	for (i = 0; i < wf->n_rules; i++) {
		const struct wf_rule *rule = &wf->rules[i];

		if (rule->action != a || rule->actor != who)
			continue;
		if (rule->from_status >= 0) {
			if (first_status < 0)
				first_status = rule->from_status;
			status_rows++;
		} else {
			cat_rows++;
		}
	}
	if (!status_rows && !cat_rows) {
		owner = action_owner_phrase(wf, a);
		if (owner)
			return refuse(r, DK_ERR_CONFLICT, "not_allowed",
				      "%s can %s a ticket", owner, action_verbs[a]);
		return refuse(r, DK_ERR_CONFLICT, "not_allowed",
			      "you cannot %s this ticket", action_verbs[a]);
	}
	if (!cat_rows)
		return refuse(r, DK_ERR_CONFLICT, "not_allowed",
			      "only a ticket with status \"%s\" can be %s",
			      wf->statuses[first_status].label[WF_LANG_EN],
			      action_participles[a]);
	/* Name what can be done instead; a comment always can, so it is left out. */
	for (b = WF_ACTION_FIRST; b <= WF_ACTION_LAST; b++) {
		if (b == (int)a || b == WF_COMMENT)
			continue;
		for (i = 0; i < wf->n_rules; i++) {
			const struct wf_rule *rule = &wf->rules[i];

			if (rule_matches(wf, rule, (enum wf_action)b, who, fi, 0) ||
			    rule_matches(wf, rule, (enum wf_action)b, who, fi, 1)) {
				others[n_others++] = action_participles[b];
				break;
			}
		}
	}
	if (!n_others)
		return refuse(r, DK_ERR_CONFLICT, "not_allowed", "%s cannot be %s",
			      category_phrase(cat), action_participles[a]);
	list[0] = '\0';
	for (i = 0; i < n_others; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n_others ? " or " : ", ";
		int w = snprintf(list + len, sizeof(list) - len, "%s%s", sep, others[i]);

		if (w < 0 || (size_t)w >= sizeof(list) - len)
			break;
		len += (size_t)w;
	}
	return refuse(r, DK_ERR_CONFLICT, "not_allowed", "%s can be %s, not %s",
		      category_phrase(cat), list, action_participles[a]);
}

int workflow_apply(const struct workflow *wf, const char *from, enum wf_action a,
		   enum wf_actor who, const char *requested_to, struct wf_result *r)
{
	const struct wf_rule *hit = NULL;
	bool matched = false;
	size_t i;
	int fi, ti = -1, to, pass;

	if (!r)
		return DK_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	if (!wf || !action_valid(a) || !actor_valid(who))
		return refuse(r, DK_ERR_INVALID, "invalid_action",
			      "unknown action or actor");
	fi = wf_status_find(wf, from);
	if (category_at(wf, fi) == CATEGORY_CLOSED)
		return refuse(r, DK_ERR_CONFLICT, "ticket_closed",
			      "this ticket is closed and can no longer be changed");
	if (requested_to) {
		ti = wf_status_find(wf, requested_to);
		if (ti < 0)
			return refuse(r, DK_ERR_INVALID, "unknown_status",
				      "there is no status \"%.64s\"", requested_to);
	}
	if (fi < 0) {
		/* A status the workflow no longer knows (it was replaced):
		 * support sets a new one, so the ticket is never stuck. */
		if (who != WF_ACTOR_AGENT || a != WF_SET_STATUS)
			return refuse(r, DK_ERR_CONFLICT, "unknown_status",
				      "the ticket's status is not part of the workflow; "
				      "support has to set a new status first");
		if (ti < 0)
			return refuse(r, DK_ERR_INVALID, "status_required",
				      "choose the new status");
		r->to = wf->statuses[ti].name;
		return 0;
	}
	for (pass = 0; pass < 2 && !hit; pass++)
		for (i = 0; i < wf->n_rules && !hit; i++) {
			if (!rule_matches(wf, &wf->rules[i], a, who, fi, pass))
				continue;
			matched = true;
			if (rule_target_ok(wf, &wf->rules[i], fi, ti))
				hit = &wf->rules[i];
		}
	if (!matched)
		return refuse_not_allowed(wf, a, who, fi, r);
	if (!hit)
		return refuse(r, DK_ERR_CONFLICT, "not_allowed",
			      "the ticket cannot move from \"%s\" to \"%s\"",
			      wf->statuses[fi].label[WF_LANG_EN],
			      wf->statuses[ti].label[WF_LANG_EN]);
	to = ti >= 0 ? ti : hit->to;
	if (to < 0 && hit->to_mask)
		return refuse(r, DK_ERR_INVALID, "status_required",
			      "choose the new status");
	if (to < 0)
		to = fi;
	if (to == fi && action_changes_status(a))
		return refuse(r, DK_ERR_CONFLICT, "no_change",
			      "the ticket already has status \"%s\"",
			      wf->statuses[fi].label[WF_LANG_EN]);
	r->to = wf->statuses[to].name;
	r->needs_comment = hit->needs_comment;
	r->needs_rating = hit->needs_rating;
	return 0;
}

/* ---- what the portal offers ------------------------------------------------------ */

static int add_status(json_t *arr, const struct workflow *wf, int i, const char *lang)
{
	const struct wf_status *s = &wf->statuses[i];

	return json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", s->name,
		"label", workflow_label(wf, s->name, lang),
		"category", status_category_name(s->category)));
}

/* The entry for action a, or NULL (*rc stays 0) when who cannot take it. */
static json_t *action_entry(const struct workflow *wf, enum wf_action a,
			    enum wf_actor who, int fi, const char *lang, int *rc)
{
	const struct wf_rule *first = NULL;
	json_t *o, *choices = NULL;
	bool choice = false;
	size_t i, s;
	int pass, fail;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < wf->n_rules; i++)
			if (rule_matches(wf, &wf->rules[i], a, who, fi, pass)) {
				if (!first)
					first = &wf->rules[i];
				choice |= wf->rules[i].to_mask != 0;
			}
	if (!first)
		return NULL;
	o = json_pack("{s:s, s:b, s:b}", "action", action_names[a],
		      "needs_comment", first->needs_comment,
		      "needs_rating", first->needs_rating);
	if (!o)
		goto nomem;
	if (!choice) {
		const char *to = first->to >= 0 ? wf->statuses[first->to].name : NULL;

		if (to && (json_object_set_new(o, "to", json_string(to)) ||
			   json_object_set_new(o, "label",
					       json_string(workflow_label(wf, to, lang)))))
			goto nomem;
		return o;
	}
	choices = json_array();
	if (!choices)
		goto nomem;
	for (s = 0; s < wf->n_statuses; s++) {
		bool ok = false;

		if ((int)s == fi && action_changes_status(a))
			continue;
		for (pass = 0; pass < 2 && !ok; pass++)
			for (i = 0; i < wf->n_rules && !ok; i++)
				ok = rule_matches(wf, &wf->rules[i], a, who, fi, pass) &&
				     rule_target_ok(wf, &wf->rules[i], fi, (int)s);
		if (ok && add_status(choices, wf, (int)s, lang))
			goto nomem;
	}
	if (json_array_size(choices) == 0) {
		json_decref(choices);
		json_decref(o);
		return NULL;
	}
	/* set_new takes the reference even when it fails */
	fail = json_object_set_new(o, "statuses", choices);
	choices = NULL;
	if (fail)
		goto nomem;
	if (first->to >= 0 &&
	    json_object_set_new(o, "default", json_string(wf->statuses[first->to].name)))
		goto nomem;
	return o;
nomem:
	json_decref(choices);
	json_decref(o);
	*rc = DK_ERR_NOMEM;
	return NULL;
}

json_t *workflow_actions_json(const struct workflow *wf, const char *status,
			      enum wf_actor who, const char *lang)
{
	json_t *arr = json_array(), *o;
	size_t s;
	int fi, a, rc = 0;

	if (!arr || !wf)
		return arr;
	fi = wf_status_find(wf, status);
	if (category_at(wf, fi) == CATEGORY_CLOSED)
		return arr;
	if (fi < 0) {
		/* Same escape as in workflow_apply for a status no longer known. */
		if (who != WF_ACTOR_AGENT)
			return arr;
		o = json_pack("{s:s, s:b, s:b, s:[]}", "action", "set_status",
			      "needs_comment", 0, "needs_rating", 0, "statuses");
		if (!o || json_array_append_new(arr, o))
			goto nomem;
		for (s = 0; s < wf->n_statuses; s++)
			if (add_status(json_object_get(o, "statuses"), wf, (int)s, lang))
				goto nomem;
		return arr;
	}
	for (a = WF_ACTION_FIRST; a <= WF_ACTION_LAST; a++) {
		o = action_entry(wf, (enum wf_action)a, who, fi, lang, &rc);
		if (rc)
			goto nomem;
		if (o && json_array_append_new(arr, o))
			goto nomem;
	}
	return arr;
nomem:
	json_decref(arr);
	return NULL;
}
