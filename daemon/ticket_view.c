#include "ticket_view.h"

#include <stdio.h>
#include <string.h>

#include "attachment_view.h"
#include "deskd.h"
#include "docs.h"
#include "lifecycle.h"
#include "workflow.h"
#include "dk_err.h"
#include "http.h"
#include "json_map.h"
#include "sla_engine.h"
#include "store.h"
#include "validate.h"

int ticket_view_ref(struct req *r, uint64_t *id)
{
	if (!r->param || ticket_ref_parse(r->param, r->d->cfg.ticket_prefix, id)) {
		ticket_view_not_found(r);
		return -1;
	}
	return 0;
}

void ticket_view_not_found(struct req *r)
{
	http_reply_error(r, 404, "not_found", "no such ticket", NULL);
}

int ticket_view_load(struct store_txn *txn, const struct principal *p, uint64_t id,
		     struct ticket *out)
{
	int rc = store_ticket_get(txn, id, out);
	if (rc)
		return rc;
	if (!access_ticket_visible(p, out)) {
		ticket_free(out);
		memset(out, 0, sizeof *out);
		return DK_ERR_NOTFOUND;
	}
	return 0;
}

json_t *ticket_view_person(struct store_txn *txn, uint64_t user_id)
{
	struct user u;
	/* id 0 is support's system actor: SLA events and automatic closing */
	if (user_id == 0)
		return json_pack("{s:I, s:s, s:b}", "id", (json_int_t)0, "name", "Support",
				 "support", 1);
	if (store_user_get(txn, user_id, &u))
		return json_pack("{s:I, s:s, s:b}", "id", (json_int_t)user_id, "name", "(unknown)",
				 "support", 0);
	json_t *j = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)u.id, "name",
			      u.name ? u.name : "", "support", role_is_staff(u.role));
	user_free(&u);
	return j;
}

struct timeline_walk {
	struct store_txn *txn;
	const struct principal *p;
	json_t *list;
};

static int add_event(const struct ticket_event *e, void *arg)
{
	struct timeline_walk *w = arg;
	if (!access_event_visible(w->p, e))
		return 0;
	json_t *j = ticket_event_to_json(e);
	if (!j)
		return DK_ERR_NOMEM;
	json_object_set_new(j, "actor", ticket_view_person(w->txn, e->actor_id));
	json_array_append_new(w->list, j);
	return 0;
}

/*
 * A participant: a person as above plus the e-mail address, which the share
 * panel needs to remove them again. Participants are colleagues of the
 * requester's organisation, so whoever may see the ticket may see it too.
 */
static json_t *participant(struct store_txn *txn, uint64_t user_id)
{
	struct user u;
	json_t *j = ticket_view_person(txn, user_id);
	if (!j || user_id == 0 || store_user_get(txn, user_id, &u))
		return j;
	if (u.email)
		json_object_set_new(j, "email", json_string(u.email));
	user_free(&u);
	return j;
}

static json_t *people(struct store_txn *txn, const uint64_t *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, participant(txn, ids[i]));
	return a;
}

json_t *ticket_view_detail(struct store_txn *txn, struct req *r, const struct ticket *t)
{
	const struct principal *p = &r->who;
	const struct workflow *wf = docs_workflow(&r->d->docs);
	const char *lang = lifecycle_lang(r);
	json_t *j = ticket_to_json(t, r->d->cfg.ticket_prefix);
	if (!j)
		return NULL;
	json_object_set_new(j, "status_label", json_string(workflow_label(wf, t->status, lang)));
	enum wf_actor who = access_ticket_approve(p, t) ? WF_ACTOR_APPROVER : lifecycle_actor(r);
	json_t *actions = workflow_actions_json(wf, t->status, who, lang);
	if (actions)
		json_object_set_new(j, "actions", actions);
	if (!role_is_staff(p->role)) {
		/* billing and routing details stay with support */
		json_object_del(j, "minutes");
		json_object_del(j, "billable_minutes");
		json_object_del(j, "assignee_group");
	}
	json_object_set_new(j, "requester", ticket_view_person(txn, t->requester_id));
	if (t->assignee_id)
		json_object_set_new(j, "assignee", ticket_view_person(txn, t->assignee_id));
	json_object_set_new(j, "people", people(txn, t->participants, t->n_participants));
	json_object_set_new(j, "following",
			    json_boolean(id_list_has(t->followers, t->n_followers, p->user_id)));
	json_t *sla = sla_ticket_json(r->d, txn, t, role_is_staff(p->role));
	if (sla)
		json_object_set_new(j, "sla", sla);
	struct timeline_walk w = { txn, p, json_array() };
	if (!w.list || store_events_each(txn, t->id, add_event, &w) ||
	    attachment_view_timeline(txn, p, t->id, r->d->cfg.ticket_prefix, w.list)) {
		json_decref(w.list);
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "timeline", w.list);
	return j;
}

void ticket_view_reply(struct req *r, uint64_t id, int status)
{
	struct store_txn *txn;
	struct ticket t;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	rc = ticket_view_load(txn, &r->who, id, &t);
	if (rc) {
		store_txn_abort(txn);
		if (rc == DK_ERR_NOTFOUND)
			ticket_view_not_found(r);
		else
			http_reply_dk_error(r, rc);
		return;
	}
	json_t *j = ticket_view_detail(txn, r, &t);
	ticket_free(&t);
	store_txn_abort(txn);
	http_reply_json(r, status, j ? json_pack("{s:o}", "ticket", j) : NULL);
}
