/* POST /api/v1/tickets: a customer opens a ticket, or an agent registers
 * one on behalf of a customer who phoned or mailed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "lifecycle.h"
#include "notify.h"
#include "sla_engine.h"
#include "store.h"
#include "ticket_create.h"
#include "ticket_input.h"
#include "ticket_view.h"
#include "validate.h"
#include "workflow.h"

struct create {
	struct req *r;
	const struct ticket_create_input *in;
	bool staff;
	const char *channel;   /* NULL: as the API decides */
	ticket_create_hook then; /* more writes in the same transaction, or NULL */
	void *then_arg;
	uint64_t id;
	/* a refusal found inside the transaction */
	int status;
	const char *code;
	char message[192];
	char field[64];
};

static int refuse(struct create *c, int status, const char *code, const char *field,
		  const char *message)
{
	c->status = status;
	c->code = code;
	snprintf(c->field, sizeof c->field, "%s", field ? field : "");
	snprintf(c->message, sizeof c->message, "%s", message);
	return DK_ERR_INVALID;
}

/* A customer who names a ticket type instead of a request type (the form of
 * the first API version) gets the request type that files that type. */
static int default_request_type(json_t *form, bool staff)
{
	static const struct { const char *type, *request_type; } map[] = {
		{ "incident", "report_incident" },
		{ "security_incident", "report_security_incident" },
		{ "question", "ask_question" },
		{ "task", "perform_task" },
		{ "service_request", "perform_task" },
		{ "change_request", "request_change" },
	};
	if (json_object_get(form, "request_type"))
		return 0;
	json_t *type = json_object_get(form, "type");
	if (staff && type)
		return 0; /* agents may file any type directly */
	const char *rt = "report_incident";
	if (type) {
		const char *t = json_string_value(type);
		rt = NULL;
		for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++)
			if (!strcmp(t, map[i].type))
				rt = map[i].request_type;
		if (!rt)
			return -1;
		json_object_del(form, "type");
	}
	return json_object_set_new(form, "request_type", json_string(rt));
}

/* Sorts the addresses to share with: users of the organisation become
 * participants, anyone else an outside address that only gets mail. */
static int add_people(struct store_txn *txn, struct create *c, struct ticket *t)
{
	for (size_t i = 0; i < c->in->n_participants; i++) {
		/* outside addresses are kept folded, so one address is kept once */
		char email[EMAIL_MAX_BYTES + 1];
		email_fold(c->in->participants[i], email, sizeof email);
		struct user u;
		int rc = store_user_by_email(txn, email, &u);
		bool colleague = false;
		uint64_t uid = 0;
		if (rc == 0) {
			colleague = u.org_id == t->org_id && !u.disabled;
			uid = u.id;
			user_free(&u);
		} else if (rc != DK_ERR_NOTFOUND) {
			return rc;
		}
		if (uid && uid == t->requester_id)
			continue;
		if (colleague) { /* people named follow it, as when added later */
			rc = id_list_add(&t->participants, &t->n_participants, uid);
			if (rc == 0)
				rc = id_list_add(&t->followers, &t->n_followers, uid);
		} else if (!str_list_has(t->external_emails, t->n_external_emails, email)) {
			rc = str_list_add(&t->external_emails, &t->n_external_emails, email);
		} else {
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int create_fn(struct store_txn *txn, void *arg)
{
	struct create *c = arg;
	struct req *r = c->r;
	const struct workflow *wf = docs_workflow(&r->d->docs);
	int64_t now = deskd_now_ms(r->d);
	struct ticket t;
	struct ticket_event e;
	struct org o;
	struct user requester;
	struct catalogue_choice ch;
	struct field_error fe;
	memset(&t, 0, sizeof t);
	memset(&e, 0, sizeof e);
	memset(&o, 0, sizeof o);
	memset(&requester, 0, sizeof requester);
	memset(&ch, 0, sizeof ch);
	c->code = NULL;

	int rc = 0;
	if (c->staff) {
		rc = store_user_by_email(txn, c->in->requester, &requester);
		if (rc == DK_ERR_NOTFOUND || (rc == 0 && (requester.org_id == 0 || requester.disabled)))
			rc = refuse(c, 422, "invalid_value", "requester",
				    "requester is not a customer of an organisation");
	} else {
		rc = user_copy(&requester, &r->user);
	}
	if (rc)
		goto out;
	rc = store_org_get(txn, requester.org_id, &o);
	if (rc)
		goto out;
	struct contract k;
	lifecycle_contract(&o, &k);
	if (catalogue_check(docs_catalogue(&r->d->docs), &k, c->staff, c->in->form, &ch, &fe)) {
		rc = refuse(c, 422, fe.code, fe.field, fe.message);
		goto out;
	}

	t.version = RECORD_VERSION;
	t.org_id = requester.org_id;
	t.requester_id = requester.id;
	t.creator_id = r->who.user_id;
	t.title = strdup(c->in->title);
	t.description = strdup(c->in->description);
	t.type = strdup(ch.ticket_type);
	t.request_type = ch.request_type ? strdup(ch.request_type) : NULL;
	t.service = ch.service ? strdup(ch.service) : NULL;
	t.subcategory = ch.subcategory ? strdup(ch.subcategory) : NULL;
	t.fields = ch.fields && json_object_size(ch.fields) ? json_dumps(ch.fields, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	t.channel = strdup(c->channel ? c->channel
			   : c->staff && c->in->channel ? c->in->channel : c->staff ? "phone" : "portal");
	t.status = strdup(workflow_initial(wf, ch.needs_approval));
	if (!t.title || !t.description || !t.type || !t.channel || !t.status) {
		rc = DK_ERR_NOMEM;
		goto out;
	}
	t.category = (uint8_t)workflow_category(wf, t.status);
	t.impact = ch.impact;
	t.urgency = ch.urgency;
	t.priority = ch.priority;
	t.needs_approval = ch.needs_approval;
	t.shared_with_org = c->in->shared_with_org < 0 ? o.share_by_default : c->in->shared_with_org;
	t.created_ms = t.updated_ms = now;
	if ((rc = add_people(txn, c, &t)) ||
	    (rc = id_list_add(&t.followers, &t.n_followers, requester.id)))
		goto out;
	if (!c->staff && (rc = id_list_add(&t.followers, &t.n_followers, r->who.user_id)))
		goto out;
	rc = store_seq_next(txn, "ticket", STORE_TICKET_FIRST - 1, &c->id);
	if (rc)
		goto out;
	t.id = c->id;
	e.version = RECORD_VERSION;
	e.kind = EVENT_CREATED;
	e.time_ms = now;
	e.actor_id = r->who.user_id;
	e.from_support = c->staff;
	e.new_value = t.channel;
	rc = store_event_append(txn, &t, &e);
	if (rc == 0)
		rc = store_ticket_put(txn, NULL, &t);
	if (rc == 0)
		rc = sla_ticket_created(r->d, txn, &t);
	if (rc == 0)
		rc = notify_ticket_created(r->d, txn, &t);
	if (rc == 0 && c->then)
		rc = c->then(txn, &t, c->then_arg);
out:
	catalogue_choice_free(&ch);
	ticket_free(&t);
	org_free(&o);
	user_free(&requester);
	return rc;
}

void h_ticket_create(struct req *r)
{
	bool staff = role_is_staff(r->who.role);
	if (!access_ticket_create(&r->who)) {
		http_reply_error(r, 403, "forbidden", "your account may not open tickets", NULL);
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
	if (staff && !in.requester) {
		http_reply_error(r, 422, "required", "agents name the customer in requester",
				 "requester");
		goto out;
	}
	if (!staff && (in.requester || in.channel)) {
		http_reply_error(r, 403, "forbidden", "only support registers tickets for others",
				 in.requester ? "requester" : "channel");
		goto out;
	}
	json_t *type = json_object_get(in.form, "type");
	if (type && !json_is_string(type)) {
		http_reply_error(r, 422, "invalid_type", "type must be a string", "type");
		goto out;
	}
	if (default_request_type(in.form, staff)) {
		http_reply_error(r, 422, "invalid_value", "that type of ticket cannot be opened here",
				 "type");
		goto out;
	}
	if (!in.confirm_sensitive) {
		json_t *hits = lifecycle_sensitive("title", in.title, "description", in.description,
						   NULL);
		if (hits) {
			http_reply_error_details(r, 422, "sensitive_data", SENSITIVE_MESSAGE, NULL,
						 hits);
			goto out;
		}
	}
	struct create c = { .r = r, .in = &in, .staff = staff };
	rc = store_write(r->d->store, create_fn, &c);
	if (rc == DK_ERR_INVALID && c.code) {
		http_reply_error(r, c.status, c.code, c.message, c.field);
		goto out;
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	char ref[48], location[96];
	ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, c.id);
	snprintf(location, sizeof location, "/api/v1/tickets/%s", ref);
	http_add_header(r, "Location", location);
	ticket_view_reply(r, c.id, 201);
out:
	ticket_create_input_free(&in);
}

int ticket_create_store(struct req *r, const struct ticket_create_input *in, const char *channel,
			ticket_create_hook then, void *then_arg, uint64_t *id,
			struct ticket_create_refusal *why)
{
	struct create c = { .r = r, .in = in, .staff = role_is_staff(r->who.role),
			    .channel = channel, .then = then, .then_arg = then_arg };
	memset(why, 0, sizeof *why);
	*id = 0;
	int rc = store_write(r->d->store, create_fn, &c);
	if (rc == DK_ERR_INVALID && c.code) {
		why->status = c.status;
		why->code = c.code;
		snprintf(why->message, sizeof why->message, "%s", c.message);
		snprintf(why->field, sizeof why->field, "%s", c.field);
	}
	if (rc == 0)
		*id = c.id;
	return rc;
}
