/* One ticket: open it, read it, change type or priority, comment, follow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "json_map.h"
#include "store.h"
#include "ticket_view.h"
#include "validate.h"
#include "workflow.h"

/* A change to one existing ticket, run inside store_write (maybe twice,
 * when the map grows, so it keeps nothing outside the transaction). */
struct ticket_change {
	struct req *r;
	uint64_t id;
	int (*apply)(struct ticket_change *c, struct store_txn *txn, struct ticket *t);
	const void *input;
	bool changed;          /* false: nothing to do, no event written */
	const char *refusal;   /* message for DK_ERR_CONFLICT / DK_ERR_ACCESS */
	const char *field;
};

static int run_change(struct store_txn *txn, void *arg)
{
	struct ticket_change *c = arg;
	struct ticket old, t;
	c->changed = false;
	c->refusal = NULL;
	c->field = NULL;
	int rc = ticket_view_load(txn, &c->r->who, c->id, &old);
	if (rc)
		return rc;
	rc = ticket_copy(&t, &old);
	if (rc)
		goto out_old;
	rc = c->apply(c, txn, &t);
	if (rc == 0 && c->changed) {
		t.updated_ms = deskd_now_ms(c->r->d);
		rc = store_ticket_put(txn, &old, &t);
	}
	ticket_free(&t);
out_old:
	ticket_free(&old);
	return rc;
}

static int append(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
		  struct ticket_event *e)
{
	e->version = RECORD_VERSION;
	e->time_ms = deskd_now_ms(c->r->d);
	e->actor_id = c->r->who.user_id;
	e->from_support = role_is_staff(c->r->who.role);
	c->changed = true;
	return store_event_append(txn, t, e);
}

/* Runs a change and answers: the ticket, or the error that stopped it. */
static void change_and_reply(struct req *r, struct ticket_change *c, int ok_status)
{
	int rc = store_write(r->d->store, run_change, c);
	switch (rc) {
	case 0:
		ticket_view_reply(r, c->id, ok_status);
		return;
	case DK_ERR_NOTFOUND:
		ticket_view_not_found(r);
		return;
	case DK_ERR_CONFLICT:
		http_reply_error(r, 409, "ticket_closed", c->refusal, c->field);
		return;
	case DK_ERR_ACCESS:
		http_reply_error(r, 403, "forbidden", c->refusal, c->field);
		return;
	default:
		http_reply_dk_error(r, rc);
	}
}

static int refuse_final(struct ticket_change *c, const struct ticket *t)
{
	if (!status_is_final(t->status))
		return 0;
	c->refusal = "this ticket is closed and can no longer be changed";
	return DK_ERR_CONFLICT;
}

/* ---- create ---- */

struct create {
	struct req *r;
	const struct ticket_create_input *in;
	uint64_t id;
};

static int create_fn(struct store_txn *txn, void *arg)
{
	struct create *c = arg;
	struct req *r = c->r;
	int64_t now = deskd_now_ms(r->d);
	struct ticket t;
	struct ticket_event e;
	memset(&t, 0, sizeof t);
	memset(&e, 0, sizeof e);
	int rc = store_seq_next(txn, "ticket", STORE_TICKET_FIRST - 1, &c->id);
	if (rc)
		return rc;
	t.version = RECORD_VERSION;
	t.id = c->id;
	t.org_id = r->who.org_id;
	t.requester_id = r->who.user_id;
	t.creator_id = r->who.user_id;
	/* The record borrows the input's strings; nothing here frees them. */
	t.title = c->in->title;
	t.description = c->in->description;
	t.type = c->in->type;
	t.priority = c->in->priority;
	t.status = (char *)status_initial();
	t.channel = "portal";
	t.created_ms = now;
	t.updated_ms = now;
	uint64_t follower = r->who.user_id;
	t.followers = &follower;
	t.n_followers = 1;
	e.version = RECORD_VERSION;
	e.kind = EVENT_CREATED;
	e.time_ms = now;
	e.actor_id = r->who.user_id;
	e.from_support = role_is_staff(r->who.role);
	rc = store_event_append(txn, &t, &e);
	if (rc == 0)
		rc = store_ticket_put(txn, NULL, &t);
	return rc;
}

void h_ticket_create(struct req *r)
{
	if (!access_ticket_create(&r->who) || r->who.org_id == 0) {
		http_reply_error(r, 403, "forbidden",
				 "only customers of an organisation open tickets here", NULL);
		return;
	}
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct ticket_create_input in;
	struct field_error fe;
	int rc = ticket_create_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	struct create c = { r, &in, 0 };
	rc = store_write(r->d->store, create_fn, &c);
	ticket_create_input_free(&in);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	char ref[48], location[96];
	ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, c.id);
	snprintf(location, sizeof location, "/api/v1/tickets/%s", ref);
	http_add_header(r, "Location", location);
	ticket_view_reply(r, c.id, 201);
}

/* ---- read ---- */

void h_ticket_get(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	ticket_view_reply(r, id, 200);
}

/* ---- change type or priority ---- */

static int field_event(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
		       const char *field, const char *old_value, const char *new_value)
{
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_FIELD;
	e.field = (char *)field;
	e.old_value = (char *)old_value;
	e.new_value = (char *)new_value;
	return append(c, txn, t, &e);
}

static int apply_patch(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct ticket_patch_input *in = c->input;
	int rc = refuse_final(c, t);
	if (rc)
		return rc;
	if (!access_ticket_edit(&c->r->who, t)) {
		c->refusal = "you may not change this ticket";
		return DK_ERR_ACCESS;
	}
	if (in->type && strcmp(in->type, t->type ? t->type : "")) {
		rc = field_event(c, txn, t, "type", t->type, in->type);
		if (rc)
			return rc;
		char *type = strdup(in->type);
		if (!type)
			return DK_ERR_NOMEM;
		free(t->type);
		t->type = type;
	}
	if (in->priority && in->priority != t->priority) {
		rc = field_event(c, txn, t, "priority", priority_name(t->priority),
				 priority_name(in->priority));
		if (rc)
			return rc;
		t->priority = in->priority;
	}
	return 0;
}

void h_ticket_patch(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct ticket_patch_input in;
	struct field_error fe;
	int rc = ticket_patch_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	struct ticket_change c = { .r = r, .id = id, .apply = apply_patch, .input = &in };
	change_and_reply(r, &c, 200);
	ticket_patch_input_free(&in);
}

/* ---- comment ---- */

static int apply_comment(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct comment_input *in = c->input;
	int rc = refuse_final(c, t);
	if (rc)
		return rc;
	if (!access_ticket_comment(&c->r->who, t)) {
		c->refusal = "you may not comment on this ticket";
		return DK_ERR_ACCESS;
	}
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_COMMENT;
	e.internal = in->internal;
	e.body = in->body;
	return append(c, txn, t, &e);
}

void h_ticket_comment(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct comment_input in;
	struct field_error fe;
	int rc = comment_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	if (in.internal && !role_is_staff(r->who.role)) {
		comment_input_free(&in);
		http_reply_error(r, 403, "forbidden", "only support writes internal notes", "internal");
		return;
	}
	struct ticket_change c = { .r = r, .id = id, .apply = apply_comment, .input = &in };
	change_and_reply(r, &c, 201);
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
	return append(c, txn, t, &e);
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
	change_and_reply(r, &c, 200);
}

void h_ticket_follow(struct req *r)
{
	follow(r, true);
}

void h_ticket_unfollow(struct req *r)
{
	follow(r, false);
}
