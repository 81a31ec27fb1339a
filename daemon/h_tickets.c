/* One ticket: read it, change its fields, comment, follow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
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

void h_ticket_get(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	ticket_view_reply(r, id, 200);
}

/* ---- change fields ---- */

/* Ticket types a customer may switch between (agents: any). */
static bool customer_type(const char *type)
{
	return !strcmp(type, "incident") || !strcmp(type, "question") ||
	       !strcmp(type, "security_incident") || !strcmp(type, "task") ||
	       !strcmp(type, "service_request");
}

static int assignee_name(struct store_txn *txn, uint64_t id, char *out, size_t size)
{
	struct user u;
	if (!id) {
		out[0] = '\0';
		return 0;
	}
	int rc = store_user_get(txn, id, &u);
	if (rc)
		return rc;
	snprintf(out, size, "%s", u.name ? u.name : "");
	bool staff = role_is_staff(u.role) && !u.disabled;
	user_free(&u);
	return staff ? 0 : DK_ERR_NOTFOUND;
}

static int apply_patch(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct ticket_patch_input *in = c->input;
	bool staff = role_is_staff(c->r->who.role);
	int rc = ticket_change_refuse_final(c, t);
	if (rc)
		return rc;
	if (!access_ticket_edit(&c->r->who, t))
		return ticket_change_refuse(c, 403, "forbidden", NULL, "you may not change this ticket");
	if (!staff && (in->set_assignee || in->set_group || in->resolution_code || in->cause))
		return ticket_change_refuse(c, 403, "forbidden",
					    in->set_assignee ? "assignee_id"
					    : in->set_group ? "assignee_group"
					    : in->resolution_code ? "resolution_code" : "cause",
					    "only support assigns tickets and records resolutions");
	if (in->type && !staff && !customer_type(in->type))
		return ticket_change_refuse(c, 403, "forbidden", "type",
					    "only support files problems and change requests");
	if (in->priority && !staff) {
		struct org o;
		rc = store_org_get(txn, t->org_id, &o);
		if (rc)
			return rc;
		bool direct = o.priority_mode == PRIORITY_DIRECT;
		org_free(&o);
		if (!direct)
			return ticket_change_refuse(c, 403, "forbidden", "priority",
						    "your contract does not let you choose the priority");
	}
	if (in->type && (rc = ticket_change_text(c, txn, t, "type", &t->type, in->type)))
		return rc;
	if (in->priority && in->priority != t->priority) {
		rc = ticket_change_field(c, txn, t, "priority", priority_name(t->priority),
				 priority_name(in->priority));
		if (rc)
			return rc;
		t->priority = in->priority;
	}
	if (in->set_assignee && in->assignee_id != t->assignee_id) {
		char old_name[208], new_name[208];
		if (assignee_name(txn, in->assignee_id, new_name, sizeof new_name))
			return ticket_change_refuse(c, 422, "invalid_value", "assignee_id",
						    "assignee_id is not an agent");
		assignee_name(txn, t->assignee_id, old_name, sizeof old_name);
		rc = ticket_change_field(c, txn, t, "assignee", old_name[0] ? old_name : NULL,
				 new_name[0] ? new_name : NULL);
		if (rc)
			return rc;
		t->assignee_id = in->assignee_id;
	}
	if (in->set_group &&
	    (rc = ticket_change_text(c, txn, t, "assignee_group", &t->assignee_group, in->assignee_group)))
		return rc;
	if (in->resolution_code &&
	    (rc = ticket_change_text(c, txn, t, "resolution_code", &t->resolution_code, in->resolution_code)))
		return rc;
	if (in->cause && (rc = ticket_change_text(c, txn, t, "cause", &t->cause, in->cause)))
		return rc;
	return 0;
}

void h_ticket_patch(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct ticket_patch_input in;
	if (HTTP_PARSE_BODY(r, ticket_patch_parse, &in))
		return;
	struct ticket_change c = { .r = r, .id = id, .apply = apply_patch, .input = &in };
	ticket_change_run(r, &c, 200);
	ticket_patch_input_free(&in);
}

/* ---- comment ---- */

static int apply_comment(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct comment_input *in = c->input;
	int rc = ticket_change_refuse_final(c, t);
	if (rc)
		return rc;
	if (!access_ticket_comment(&c->r->who, t))
		return ticket_change_refuse(c, 403, "forbidden", NULL,
					    "you may not comment on this ticket");
	return ticket_change_comment(c, txn, t, in->body, in->internal);
}

void h_ticket_comment(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct comment_input in;
	if (HTTP_PARSE_BODY(r, comment_parse, &in))
		return;
	if (in.internal && !role_is_staff(r->who.role)) {
		comment_input_free(&in);
		http_reply_error(r, 403, "forbidden", "only support writes internal notes", "internal");
		return;
	}
	json_t *hits = in.confirm_sensitive ? NULL : lifecycle_sensitive("body", in.body, NULL);
	if (hits) {
		comment_input_free(&in);
		http_reply_error_details(r, 422, "sensitive_data", SENSITIVE_MESSAGE, NULL, hits);
		return;
	}
	struct ticket_change c = { .r = r, .id = id, .apply = apply_comment, .input = &in };
	ticket_change_run(r, &c, 201);
	comment_input_free(&in);
}

/* ---- follow ---- */

static int apply_follow(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	bool follow = c->input != NULL;
	uint64_t me = c->r->who.user_id;
	if (id_list_has(t->followers, t->n_followers, me) == follow)
		return 0; /* already so: nothing to record */
	if (follow) {
		int rc = id_list_add(&t->followers, &t->n_followers, me);
		if (rc)
			return rc;
	} else {
		id_list_remove(t->followers, &t->n_followers, me);
	}
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = follow ? EVENT_FOLLOW : EVENT_UNFOLLOW;
	return ticket_change_event(c, txn, t, &e);
}

static void follow(struct req *r, bool on)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	if (http_refuse_body(r))
		return;
	struct ticket_change c = { .r = r, .id = id, .apply = apply_follow,
				   .input = on ? (void *)r : NULL };
	ticket_change_run(r, &c, 200);
}

void h_ticket_follow(struct req *r)
{
	follow(r, true);
}

void h_ticket_unfollow(struct req *r)
{
	follow(r, false);
}
