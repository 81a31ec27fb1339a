/* Working a ticket: workflow actions, sharing, time, links. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "lifecycle.h"
#include "store.h"
#include "ticket_change.h"
#include "ticket_input.h"
#include "ticket_view.h"
#include "validate.h"
#include "workflow.h"

/* ---- workflow actions ---- */

struct action {
	const struct action_input *in;
	enum wf_action action;
};

static int apply_action(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct action *a = c->input;
	const struct action_input *in = a->in;
	struct req *r = c->r;
	bool staff = role_is_staff(r->who.role);
	enum wf_actor who = lifecycle_actor(r);
	int rc;

	if (a->action == WF_APPROVE || a->action == WF_REJECT) {
		if (!access_ticket_approve(&r->who, t))
			return ticket_change_refuse(c, 403, "forbidden", NULL,
						    "only an approver of this organisation decides");
		who = WF_ACTOR_APPROVER;
	} else if (!staff && !access_ticket_edit(&r->who, t)) {
		return ticket_change_refuse(c, 403, "forbidden", NULL,
					    "you may not change this ticket");
	}
	if (!staff && (in->resolution_code || in->cause))
		return ticket_change_refuse(c, 403, "forbidden", "resolution_code",
					    "only support records resolutions");
	struct wf_result res;
	rc = workflow_apply(docs_workflow(&r->d->docs), t->status, a->action, who, in->status, &res);
	if (rc == DK_ERR_INVALID) /* no such status, or none named where one is needed */
		return ticket_change_refuse(c, 422, res.refusal_code ?: "invalid_value", "status",
					    res.refusal_message);
	if (rc)
		return ticket_change_refuse(c, 409, res.refusal_code ? res.refusal_code : "not_allowed",
					    in->status ? "status" : "action", res.refusal_message);
	if (res.needs_comment && !in->comment)
		return ticket_change_refuse(c, 422, "required", "comment",
					    "say why in a comment");
	if (res.needs_rating && !in->rating)
		return ticket_change_refuse(c, 422, "required", "rating",
					    "rate the help you got from 1 to 5");
	if (!res.needs_rating && in->rating)
		return ticket_change_refuse(c, 422, "invalid_value", "rating",
					    "a rating goes with accepting a resolved ticket");

	if (a->action == WF_APPROVE || a->action == WF_REJECT) {
		struct ticket_event e;
		memset(&e, 0, sizeof e);
		e.kind = EVENT_APPROVAL;
		e.new_value = a->action == WF_APPROVE ? "approved" : "rejected";
		e.body = in->comment;
		if ((rc = ticket_change_event(c, txn, t, &e)))
			return rc;
		t->approver_id = r->who.user_id;
	}
	if ((in->resolution_code &&
	     (rc = ticket_change_text(c, txn, t, "resolution_code", &t->resolution_code,
				      in->resolution_code))) ||
	    (in->cause && (rc = ticket_change_text(c, txn, t, "cause", &t->cause, in->cause))))
		return rc;
	if (a->action == WF_ACCEPT) {
		t->rating = in->rating;
		free(t->rating_comment);
		t->rating_comment = in->comment ? strdup(in->comment) : NULL;
		if (in->comment && !t->rating_comment)
			return DK_ERR_NOMEM;
	}
	if (in->comment && a->action != WF_APPROVE && a->action != WF_REJECT) {
		/* The reason given with an action (reopen, accept, ...) is part of
		 * the conversation, like any public comment. */
		struct ticket_event e;
		memset(&e, 0, sizeof e);
		e.kind = EVENT_COMMENT;
		e.body = in->comment;
		if ((rc = ticket_change_event(c, txn, t, &e)))
			return rc;
	}
	return ticket_change_status(c, txn, t, res.to, NULL, in->rating);
}

void h_ticket_action(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct action_input in;
	if (HTTP_PARSE_BODY(r, action_parse, &in))
		return;
	struct action a = { &in, 0 };
	if (wf_action_parse(in.action, &a.action) || a.action == WF_COMMENT) {
		http_reply_error(r, 422, "invalid_value",
				 "action must be cancel, close, accept, reopen, resolve, set_status, "
				 "approve or reject",
				 "action");
		goto out;
	}
	json_t *hits = in.confirm_sensitive ? NULL : lifecycle_sensitive("comment", in.comment, NULL);
	if (hits) {
		http_reply_error_details(r, 422, "sensitive_data", SENSITIVE_MESSAGE, NULL, hits);
		goto out;
	}
	struct ticket_change c = { .r = r, .id = id, .apply = apply_action, .input = &a };
	ticket_change_run(r, &c, 200);
out:
	action_input_free(&in);
}

/* ---- people involved ---- */

struct people {
	const char *email;
	bool add;
};

static int apply_people(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct people *p = c->input;
	int rc = ticket_change_refuse_final(c, t);
	if (rc)
		return rc;
	if (!role_is_staff(c->r->who.role) && !access_ticket_edit(&c->r->who, t))
		return ticket_change_refuse(c, 403, "forbidden", NULL,
					    "you may not share this ticket");
	struct user u;
	uint64_t uid = 0;
	bool colleague = false;
	char email[EMAIL_MAX_BYTES + 1];
	email_fold(p->email, email, sizeof email); /* outside addresses are kept folded */
	rc = store_user_by_email(txn, email, &u);
	if (rc == 0) {
		colleague = u.org_id == t->org_id && !u.disabled;
		uid = u.id;
		user_free(&u);
	} else if (rc != DK_ERR_NOTFOUND) {
		return rc;
	}
	rc = 0; /* an outside address is no user */
	if (uid && uid == t->requester_id)
		return ticket_change_refuse(c, 422, "invalid_value", "email",
					    "the requester is always involved");
	bool present = colleague ? id_list_has(t->participants, t->n_participants, uid)
				 : str_list_has(t->external_emails, t->n_external_emails, email);
	if (present == p->add)
		return 0; /* already so */
	if (colleague && p->add)
		rc = id_list_add(&t->participants, &t->n_participants, uid);
	else if (colleague)
		id_list_remove(t->participants, &t->n_participants, uid);
	else if (p->add)
		rc = str_list_add(&t->external_emails, &t->n_external_emails, email);
	else
		str_list_remove(t->external_emails, &t->n_external_emails, email);
	if (rc)
		return rc;
	if (colleague && !p->add)
		id_list_remove(t->followers, &t->n_followers, uid);
	else if (colleague && (rc = id_list_add(&t->followers, &t->n_followers, uid)))
		return rc;
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_PARTICIPANT;
	e.field = p->add ? "added" : "removed";
	e.new_value = email;
	return ticket_change_event(c, txn, t, &e);
}

void h_ticket_participant_add(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct participant_input in;
	if (HTTP_PARSE_BODY(r, participant_parse, &in))
		return;
	struct people p = { in.email, true };
	struct ticket_change c = { .r = r, .id = id, .apply = apply_people, .input = &p };
	ticket_change_run(r, &c, 200);
	participant_input_free(&in);
}

void h_ticket_participant_remove(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id) || http_refuse_body(r))
		return;
	if (!r->param2 || !email_valid(r->param2)) {
		http_reply_error(r, 404, "not_found", "no such person on this ticket", NULL);
		return;
	}
	struct people p = { r->param2, false };
	struct ticket_change c = { .r = r, .id = id, .apply = apply_people, .input = &p };
	ticket_change_run(r, &c, 200);
}

/* ---- time spent (invoiced monthly) ---- */

static int apply_time(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct time_input *in = c->input;
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_TIME;
	e.internal = true; /* billing detail, not part of the conversation */
	e.minutes = in->minutes;
	e.billable = in->billable;
	e.body = in->note;
	t->minutes += in->minutes;
	if (in->billable)
		t->billable_minutes += in->minutes;
	return ticket_change_event(c, txn, t, &e);
}

void h_ticket_time(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct time_input in;
	if (HTTP_PARSE_BODY(r, time_parse, &in))
		return;
	struct ticket_change c = { .r = r, .id = id, .apply = apply_time, .input = &in };
	ticket_change_run(r, &c, 201);
	time_input_free(&in);
}

/* ---- related tickets: both sides know of the link ---- */

struct link {
	struct req *r;
	uint64_t a, b;
	int status;
	const char *code;
	const char *message;
};

static int link_side(struct store_txn *txn, struct link *l, uint64_t id, uint64_t other)
{
	struct ticket old, t;
	int rc = store_ticket_get(txn, id, &old);
	if (rc)
		return rc;
	if (id_list_has(old.related, old.n_related, other)) {
		ticket_free(&old);
		return 0;
	}
	rc = ticket_copy(&t, &old);
	if (rc)
		goto out_old;
	char ref[48];
	ticket_ref_format(ref, sizeof ref, l->r->d->cfg.ticket_prefix, other);
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.version = RECORD_VERSION;
	e.kind = EVENT_LINK;
	e.new_value = ref;
	e.time_ms = deskd_now_ms(l->r->d);
	e.actor_id = l->r->who.user_id;
	e.from_support = true;
	t.updated_ms = e.time_ms;
	if ((rc = id_list_add(&t.related, &t.n_related, other)) ||
	    (rc = store_event_append(txn, &t, &e)))
		goto out;
	rc = store_ticket_put(txn, &old, &t);
out:
	ticket_free(&t);
out_old:
	ticket_free(&old);
	return rc;
}

static int link_fn(struct store_txn *txn, void *arg)
{
	struct link *l = arg;
	int rc = link_side(txn, l, l->a, l->b);
	if (rc == 0)
		rc = link_side(txn, l, l->b, l->a);
	return rc;
}

void h_ticket_link(struct req *r)
{
	uint64_t id, other;
	if (ticket_view_ref(r, &id))
		return;
	struct link_input in;
	if (HTTP_PARSE_BODY(r, link_parse, &in))
		return;
	if (ticket_ref_parse(in.ref, r->d->cfg.ticket_prefix, &other)) {
		http_reply_error(r, 422, "invalid_value", "ref is not a ticket reference", "ref");
		goto out;
	}
	if (other == id) {
		http_reply_error(r, 422, "invalid_value", "a ticket cannot be linked to itself", "ref");
		goto out;
	}
	struct link l = { .r = r, .a = id, .b = other };
	int rc = store_write(r->d->store, link_fn, &l);
	if (rc == DK_ERR_NOTFOUND)
		ticket_view_not_found(r);
	else if (rc)
		http_reply_dk_error(r, rc);
	else
		ticket_view_reply(r, id, 200);
out:
	link_input_free(&in);
}
