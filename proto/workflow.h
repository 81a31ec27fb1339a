/*
 * Ticket workflow: named statuses, each in one category, and one transition
 * table that says which actor may take which action from which status.
 *
 * The table is data. workflow_default() is the built-in workflow; an admin
 * can provide another as JSON (workflow_from_json), with the same shape that
 * workflow_to_json writes:
 *
 *   { "initial": "new", "initial_approval": "waiting_for_approval",
 *     "statuses": [ { "name": "new", "category": "new", "pauses_sla": false,
 *                     "labels": { "en": "New", "nl": "Nieuw", "sv": "Ny" } } ],
 *     "transitions": [ { "action": "cancel", "actor": "customer",
 *                        "from_categories": ["new", "open", "waiting"],
 *                        "to": "cancelled" } ] }
 *
 * A transition row matches an action, an actor and the current status, given
 * either as "from_status" (one status) or as "from_categories". Its target is
 * "to" (a fixed status), or a status the caller asks for within
 * "to_categories" ("to" then being the default), or, with neither, the
 * current status (the action changes nothing, as a comment on an open
 * ticket). "needs_comment" and "needs_rating" tell the caller what the
 * action must come with. A row naming a status beats a row naming its
 * category; otherwise the first matching row wins. Nothing ever leaves a
 * closed-category status.
 *
 * All strings returned by the workflow_* functions are owned by the
 * workflow and live as long as it does; for workflow_default() that is the
 * life of the process.
 */
#ifndef DESKD_WORKFLOW_H
#define DESKD_WORKFLOW_H

#include <stdbool.h>

#include <jansson.h>

struct field_error; /* validate.h */

enum status_category {
	CATEGORY_UNKNOWN = 0,
	CATEGORY_NEW = 1,
	CATEGORY_OPEN = 2,
	CATEGORY_WAITING = 3,
	CATEGORY_RESOLVED = 4,
	CATEGORY_CLOSED = 5
};

/* "new", "open", "waiting", "resolved", "closed"; NULL for UNKNOWN. */
const char *status_category_name(enum status_category c);
/* 0 and *out, or DK_ERR_INVALID for anything but the five names. */
int status_category_parse(const char *s, enum status_category *out);

/* Legacy answers for the default workflow. */
/* Category of a status name; CATEGORY_UNKNOWN for names not in it. */
enum status_category status_category(const char *status);
/* The status a new ticket without approval starts in ("new"). */
const char *status_initial(void);
/* True when the ticket is finished and refuses further changes. */
bool status_is_final(const char *status);

/* Ticket types accepted by the API: incident, security_incident, question,
 * service_request, task, problem, change_request. */
bool ticket_type_valid(const char *type);

enum wf_action {
	WF_CANCEL = 1,
	WF_CLOSE,
	WF_ACCEPT,     /* close a resolved ticket with a satisfaction rating */
	WF_REOPEN,     /* a resolved ticket goes back to work */
	WF_COMMENT,    /* public comment; may move the ticket (see the table) */
	WF_SET_STATUS, /* to a status the caller names */
	WF_APPROVE,
	WF_REJECT,
	WF_RESOLVE     /* to a resolved status, "resolved" unless named */
};
#define WF_ACTION_FIRST WF_CANCEL
#define WF_ACTION_LAST WF_RESOLVE

enum wf_actor {
	WF_ACTOR_CUSTOMER = 1, /* requester side: customer or org-customer who
				* can see the ticket (approvers commenting too) */
	WF_ACTOR_AGENT,        /* agent or admin */
	WF_ACTOR_APPROVER      /* approver of the ticket's organisation */
};
#define WF_ACTOR_FIRST WF_ACTOR_CUSTOMER
#define WF_ACTOR_LAST WF_ACTOR_APPROVER

/* "cancel", "close", "accept", "reopen", "comment", "set_status",
 * "approve", "reject", "resolve"; NULL outside the enum. */
const char *wf_action_name(enum wf_action a);
/* 0 and *out, or DK_ERR_INVALID. */
int wf_action_parse(const char *s, enum wf_action *out);
/* "customer", "agent", "approver"; NULL outside the enum. */
const char *wf_actor_name(enum wf_actor who);
int wf_actor_parse(const char *s, enum wf_actor *out);

struct workflow; /* opaque */

/* The built-in workflow: static, never freed, safe to share. */
const struct workflow *workflow_default(void);

/*
 * Builds a workflow from an admin's JSON document. Checks: known keys only,
 * status names (lower-case letters, digits, '_', at most 32 bytes) unique,
 * known categories, labels for en, nl and sv, at least one status in each of
 * the categories new, resolved and closed, initial statuses that exist and
 * are not closed, transitions with known actions and actors whose statuses
 * exist and that never start from a closed status. 0 and *out (free it with
 * workflow_free), or DK_ERR_INVALID with *out NULL and err saying which
 * field ("statuses[2].labels.sv", "transitions[0].to", ...) is wrong, or
 * DK_ERR_NOMEM.
 */
int workflow_from_json(const json_t *doc, struct workflow **out,
		       struct field_error *err);
/* The document workflow_from_json reads back to the same workflow. New
 * reference; NULL when out of memory. */
json_t *workflow_to_json(const struct workflow *wf);
/* Frees a workflow from workflow_from_json; no-op for the default and NULL. */
void workflow_free(struct workflow *wf);

/* Category of status in wf; CATEGORY_UNKNOWN when wf has no such status. */
enum status_category workflow_category(const struct workflow *wf, const char *status);
/* Label of status in lang ("en", "nl", "sv"; "nl-BE" reads as "nl"). An
 * unknown or NULL lang gives the English label; a status wf does not know
 * gives status itself, so a view always has something to show. */
const char *workflow_label(const struct workflow *wf, const char *status,
			   const char *lang);
/* True when the SLA clock stops while a ticket is in status. */
bool workflow_pauses_sla(const struct workflow *wf, const char *status);
/* The status a new ticket starts in; needs_approval picks the approval
 * status when wf has one. */
const char *workflow_initial(const struct workflow *wf, bool needs_approval);

#define WF_MESSAGE_MAX 192

struct wf_result {
	const char *to;         /* new status, owned by wf; may equal from */
	bool needs_comment;     /* the action must come with a comment */
	bool needs_rating;      /* ... and with a rating 1..5 (checked by the caller) */
	const char *refusal_code; /* static; NULL on success */
	char refusal_message[WF_MESSAGE_MAX]; /* "" on success */
};

/*
 * Decides action a by who on a ticket in status from. requested_to is the
 * status asked for (WF_SET_STATUS, WF_RESOLVE), NULL otherwise. Returns:
 *   0: r->to is the status to move to (r->to == from's name when nothing
 *      changes) and the needs_* flags say what the action requires;
 *   DK_ERR_CONFLICT: refused, r->refusal_code is "ticket_closed" (from a
 *      closed status nothing is allowed), "not_allowed" (this actor may not
 *      do this from here, or not to requested_to), "no_change" (set_status
 *      to the current status) or "unknown_status" (from is no status of wf;
 *      only an agent's set_status moves such a ticket on);
 *   DK_ERR_INVALID: requested_to is not a status of wf ("unknown_status")
 *      or the action needs a target and none was given ("status_required").
 * r->refusal_message says it in words a person understands.
 */
int workflow_apply(const struct workflow *wf, const char *from, enum wf_action a,
		   enum wf_actor who, const char *requested_to, struct wf_result *r);

/*
 * What who may do from status, for the portal: a new array of
 *   {"action": "reopen", "needs_comment": true, "needs_rating": false,
 *    "to": "in_progress", "label": "In progress"}
 * in enum order, "to"/"label" only for a fixed target, and for actions with
 * a choice of target (set_status, resolve) "statuses": [{"name", "label",
 * "category"}] labelled in lang, plus "default" when there is one. Empty
 * for a closed status. NULL when out of memory.
 */
json_t *workflow_actions_json(const struct workflow *wf, const char *status,
			      enum wf_actor who, const char *lang);
/* [{"name", "category", "label", "pauses_sla"}] in table order, labels in
 * lang. New reference; NULL when out of memory. */
json_t *workflow_statuses_json(const struct workflow *wf, const char *lang);

#endif
