#include "ticket_change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "http.h"
#include "notify.h"
#include "sla_engine.h"
#include "store.h"
#include "ticket_view.h"
#include "workflow.h"

int ticket_change_refuse(struct ticket_change *c, int status, const char *code,
			 const char *field, const char *message)
{
	c->status = status;
	c->code = code;
	c->field = field;
	snprintf(c->message, sizeof c->message, "%s", message);
	return TICKET_CHANGE_REFUSED;
}

int ticket_change_event(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			struct ticket_event *e)
{
	e->version = RECORD_VERSION;
	e->time_ms = deskd_now_ms(c->r->d);
	e->actor_id = c->r->who.user_id;
	e->from_support = role_is_staff(c->r->who.role);
	c->changed = true;
	/* what stops the first response clock (docs/SLA.md) */
	if (e->from_support && !e->internal &&
	    (e->kind == EVENT_COMMENT || (e->kind == EVENT_STATUS && e->body)))
		c->agent_replied = true;
	return store_event_append(txn, t, e);
}

int ticket_change_comment(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			  const char *body, bool internal)
{
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_COMMENT;
	e.internal = internal;
	e.body = (char *)body;
	int rc = ticket_change_event(c, txn, t, &e);
	if (rc || internal || role_is_staff(c->r->who.role))
		return rc;
	struct wf_result res;
	if (workflow_apply(docs_workflow(&c->r->d->docs), t->status, WF_COMMENT, WF_ACTOR_CUSTOMER,
			   NULL, &res) == 0 &&
	    res.to && strcmp(res.to, t->status))
		rc = ticket_change_status(c, txn, t, res.to, NULL, 0);
	return rc;
}

int ticket_change_field(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			const char *field, const char *old_value, const char *new_value)
{
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_FIELD;
	e.field = (char *)field;
	e.old_value = (char *)old_value;
	e.new_value = (char *)new_value;
	/* groups are support's routing, hidden from customers like the field */
	e.internal = !strcmp(field, "assignee_group");
	return ticket_change_event(c, txn, t, &e);
}

int ticket_change_text(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
		       const char *field, char **slot, const char *value)
{
	if ((!*slot && !value) || (*slot && value && !strcmp(*slot, value)))
		return 0;
	int rc = ticket_change_field(c, txn, t, field, *slot, value);
	if (rc)
		return rc;
	char *copy = value ? strdup(value) : NULL;
	if (value && !copy)
		return DK_ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

int ticket_change_status(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			 const char *to, const char *body, uint8_t rating)
{
	const struct workflow *wf = docs_workflow(&c->r->d->docs);
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_STATUS;
	e.old_value = t->status;
	e.new_value = (char *)to;
	e.body = (char *)body;
	e.rating = rating;
	int rc = ticket_change_event(c, txn, t, &e);
	if (rc)
		return rc;
	char *copy = strdup(to);
	if (!copy)
		return DK_ERR_NOMEM;
	free(t->status);
	t->status = copy;
	t->category = (uint8_t)workflow_category(wf, to);
	int64_t now = deskd_now_ms(c->r->d);
	if (t->category == CATEGORY_RESOLVED)
		t->resolved_ms = now;
	t->closed_ms = t->category == CATEGORY_CLOSED ? now : 0;
	return 0;
}

int ticket_change_refuse_final(struct ticket_change *c, const struct ticket *t)
{
	const struct workflow *wf = docs_workflow(&c->r->d->docs);
	enum status_category cat = t->category ? (enum status_category)t->category
					       : workflow_category(wf, t->status);
	if (cat != CATEGORY_CLOSED)
		return 0;
	return ticket_change_refuse(c, 409, "ticket_closed", NULL,
				    "this ticket is closed and can no longer be changed");
}

/* Followers hear of the events the change wrote (seq after..t's last),
 * told against the ticket as it now is, so whoever lost sight of it
 * hears nothing. */
static int notify_events(struct ticket_change *c, struct store_txn *txn, const struct ticket *t,
			 uint32_t after)
{
	int rc = 0;
	for (uint32_t seq = after + 1; rc == 0 && seq <= t->event_count; seq++) {
		struct ticket_event e;
		rc = store_event_get(txn, t->id, seq, &e);
		if (rc == 0) {
			rc = notify_ticket_event(c->r->d, txn, t, &e, c->r->who.user_id);
			ticket_event_free(&e);
		}
	}
	return rc;
}

static int run(struct store_txn *txn, void *arg)
{
	struct ticket_change *c = arg;
	struct ticket old, t;
	c->changed = false;
	c->agent_replied = false;
	c->code = NULL;
	json_decref(c->details);
	c->details = NULL;
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
	if (rc == 0 && c->changed)
		rc = sla_ticket_changed(c->r->d, txn, &old, &t, role_is_staff(c->r->who.role),
					c->agent_replied);
	if (rc == 0 && c->changed)
		rc = notify_events(c, txn, &t, old.event_count);
	ticket_free(&t);
out_old:
	ticket_free(&old);
	return rc;
}

void ticket_change_run(struct req *r, struct ticket_change *c, int ok_status)
{
	int rc = store_write(r->d->store, run, c);
	switch (rc) {
	case 0:
		ticket_view_reply(r, c->id, ok_status);
		break;
	case DK_ERR_NOTFOUND:
		ticket_view_not_found(r);
		break;
	case TICKET_CHANGE_REFUSED:
		http_reply_error_details(r, c->status, c->code, c->message, c->field, c->details);
		c->details = NULL;
		break;
	default:
		http_reply_dk_error(r, rc);
	}
	json_decref(c->details);
	c->details = NULL;
}
