/* Who hears of what: recipients, their language, the links, and one
 * composed message per recipient into the outbox. */
#include "notify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "contract.h"
#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "log.h"
#include "mail.h"
#include "mail_compose.h"
#include "mail_templates.h"
#include "record.h"
#include "store.h"
#include "unsubscribe.h"
#include "validate.h"
#include "workflow.h"

#define URL_MAX 512

/* base_url without its trailing slashes, then the rest. */
static void url(const struct deskd *d, char *out, size_t size, const char *a, const char *b)
{
	const char *base = d->cfg.base_url;
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	snprintf(out, size, "%.*s%s%s", (int)n, base, a, b ? b : "");
}

/* Composes c and puts it in the outbox. A message that cannot be composed
 * (a From deskd cannot parse) is logged and skipped: the change it tells
 * of still happens. */
static int send(struct deskd *d, struct store_txn *txn, const struct mail_content *c)
{
	char *msg;
	size_t len;
	int rc = mail_compose(&d->cfg, c, &msg, &len);
	if (rc == DK_ERR_NOMEM)
		return rc;
	if (rc) {
		log_warn("mail_not_composed", "kind", c->kind, "ref", c->ref, "err", dk_strerror(rc),
			 NULL);
		return 0;
	}
	rc = mail_enqueue(d, txn, c->to, msg, len);
	free(msg);
	/* an address the outbox cannot take must not undo the change itself */
	if (rc == DK_ERR_INVALID) {
		log_warn("mail_not_queued", "kind", c->kind, "ref", c->ref, "reason",
			 "address not usable", NULL);
		return 0;
	}
	return rc;
}

static bool reachable(const struct user *u)
{
	return !u->disabled && u->email && strchr(u->email, '@');
}

static const char *lang_of(const struct user *u)
{
	return u && u->language ? u->language : "en";
}

/* Fills the parts every message about t to u shares and sends it: the
 * ticket link, and for a follower the stop-notifications links. */
static int send_ticket_mail(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			    const struct user *u, struct mail_content *c)
{
	char ref[48], link[URL_MAX], stop[URL_MAX], one_click[URL_MAX];
	char token[UNSUBSCRIBE_TOKEN_LEN + 1];
	ticket_ref_format(ref, sizeof ref, d->cfg.ticket_prefix, t->id);
	url(d, link, sizeof link, "/#/tickets/", ref);
	c->ref = ref;
	c->title = t->title;
	c->link = link;
	c->to = u->email;
	c->to_name = u->name;
	c->lang = lang_of(u);
	c->unsubscribe = c->one_click = NULL;
	if (id_list_has(t->followers, t->n_followers, u->id)) {
		int rc = unsubscribe_token(txn, u->id, t->id, token);
		if (rc)
			return rc;
		url(d, stop, sizeof stop, "/#/unsubscribe/", token);
		url(d, one_click, sizeof one_click, "/api/v1/unsubscribe/", token);
		c->unsubscribe = stop;
		c->one_click = one_click;
	}
	return send(d, txn, c);
}

static const char *status_label(struct deskd *d, const char *status, const char *lang)
{
	const char *l = status ? workflow_label(docs_workflow(&d->docs), status, lang) : NULL;
	return l ? l : status;
}

/* The outside addresses a ticket is shared with get the public news too,
 * in the requester's language and without links: they have no account to
 * open the ticket or follow it with (a participant of the ticket removes
 * them). status: the status to show (NULL: none). */
static int send_external(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			 struct mail_content *c, const char *status)
{
	if (!t->n_external_emails)
		return 0;
	struct user req;
	memset(&req, 0, sizeof req);
	int rc = store_user_get(txn, t->requester_id, &req);
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	char ref[48];
	ticket_ref_format(ref, sizeof ref, d->cfg.ticket_prefix, t->id);
	c->lang = rc == 0 ? lang_of(&req) : "en";
	c->ref = ref;
	c->title = t->title;
	c->to_name = NULL;
	c->link = c->unsubscribe = c->one_click = NULL;
	c->status = status ? status_label(d, status, c->lang) : NULL;
	rc = 0;
	for (size_t i = 0; rc == 0 && i < t->n_external_emails; i++) {
		c->to = t->external_emails[i];
		if (c->to && strchr(c->to, '@'))
			rc = send(d, txn, c);
	}
	user_free(&req);
	return rc;
}

/* ---- a new ticket ---- */

#define SENT_MAX 64 /* ids remembered to send each person one message */

struct created {
	struct deskd *d;
	struct store_txn *txn;
	const struct ticket *t;
	uint64_t sent[SENT_MAX];
	size_t n_sent;
};

static int confirm_to(struct created *cr, const struct user *u)
{
	for (size_t i = 0; i < cr->n_sent; i++)
		if (cr->sent[i] == u->id)
			return 0;
	if (cr->n_sent < SENT_MAX)
		cr->sent[cr->n_sent++] = u->id;
	if (!reachable(u))
		return 0;
	struct mail_content c = {
		.kind = "ticket_created",
		.body = cr->t->description,
		.status = status_label(cr->d, cr->t->status, lang_of(u)),
	};
	return send_ticket_mail(cr->d, cr->txn, cr->t, u, &c);
}

static int confirm_id(struct created *cr, uint64_t id, bool customers_only)
{
	struct user u;
	int rc = store_user_get(cr->txn, id, &u);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	if (!customers_only || !role_is_staff(u.role))
		rc = confirm_to(cr, &u);
	user_free(&u);
	return rc;
}

static int confirm_colleague(const struct user *u, void *arg)
{
	struct created *cr = arg;
	return u->org_id == cr->t->org_id ? confirm_to(cr, u) : 0;
}

int notify_ticket_created(struct deskd *d, struct store_txn *txn, const struct ticket *t)
{
	struct created cr = { .d = d, .txn = txn, .t = t };
	struct org o;
	/* the customer it is for, and who registered it unless that was
	 * support taking a call */
	int rc = confirm_id(&cr, t->requester_id, false);
	if (rc == 0 && t->creator_id != t->requester_id)
		rc = confirm_id(&cr, t->creator_id, true);
	if (rc == 0) {
		struct mail_content c = { .kind = "ticket_created", .body = t->description };
		rc = send_external(d, txn, t, &c, t->status);
	}
	if (rc || !t->org_id)
		return rc;
	rc = store_org_get(txn, t->org_id, &o);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	bool all = o.confirm_all;
	org_free(&o);
	if (!all)
		return 0;
	/* the organisation asked for every confirmation to reach all its people */
	rc = store_users_by_role(txn, ROLE_CUSTOMER, confirm_colleague, &cr);
	if (rc == 0)
		rc = store_users_by_role(txn, ROLE_ORG_CUSTOMER, confirm_colleague, &cr);
	return rc;
}

/* ---- an event on the timeline ---- */

int notify_ticket_event(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			const struct ticket_event *e, uint64_t actor_id)
{
	const char *kind;
	if (e->internal)
		return 0;
	if (e->kind == EVENT_COMMENT && e->body && *e->body && !e->redacted_by)
		kind = "ticket_comment";
	else if (e->kind == EVENT_STATUS && e->new_value)
		kind = workflow_category(docs_workflow(&d->docs), e->new_value) == CATEGORY_RESOLVED
			       ? "ticket_resolved" : "ticket_status";
	else
		return 0;

	struct user actor;
	memset(&actor, 0, sizeof actor);
	int rc = actor_id ? store_user_get(txn, actor_id, &actor) : 0;
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	rc = 0; /* an actor without an account (any more) is "the service desk" */
	for (size_t i = 0; rc == 0 && i < t->n_followers; i++) {
		if (t->followers[i] == actor_id)
			continue;
		struct user u;
		rc = store_user_get(txn, t->followers[i], &u);
		if (rc == DK_ERR_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc)
			break;
		/* a follower who lost sight of the ticket hears nothing of it */
		struct principal p = { u.id, u.org_id, u.role, u.approver };
		if (reachable(&u) && access_ticket_visible(&p, t) && access_event_visible(&p, e)) {
			const char *status = e->kind == EVENT_STATUS ? e->new_value : t->status;
			struct mail_content c = {
				.kind = kind,
				.actor = actor.name,
				.body = e->body,
				.status = status_label(d, status, lang_of(&u)),
			};
			rc = send_ticket_mail(d, txn, t, &u, &c);
		}
		user_free(&u);
	}
	if (rc == 0) {
		struct mail_content c = { .kind = kind, .actor = actor.name, .body = e->body };
		rc = send_external(d, txn, t, &c,
				   e->kind == EVENT_STATUS ? e->new_value : t->status);
	}
	user_free(&actor);
	return rc;
}

/* ---- service levels ---- */

int notify_sla(struct deskd *d, struct store_txn *txn, const struct ticket *t, uint8_t kind,
	       int64_t due_ms)
{
	bool warning = kind == STORE_DEADLINE_RESPONSE_WARNING ||
		       kind == STORE_DEADLINE_RESOLUTION_WARNING;
	int target = kind <= STORE_DEADLINE_RESPONSE_BREACH ? 0
		     : kind <= STORE_DEADLINE_RESOLUTION_BREACH ? 1 : 2;
	if (kind < STORE_DEADLINE_RESPONSE_WARNING || kind > STORE_DEADLINE_TRIAGE_BREACH)
		return 0;
	struct sla_contract k;
	int rc = contract_load(txn, t->org_id, &k);
	if (rc && rc != DK_ERR_CORRUPT)
		return rc;
	char due[40] = "";
	time_t secs = (time_t)(due_ms / 1000);
	struct tm tm;
	if (due_ms > 0 && gmtime_r(&secs, &tm))
		strftime(due, sizeof due, "%Y-%m-%d %H:%M UTC", &tm);
	rc = 0;
	for (size_t i = 0; rc == 0 && i < k.n_contacts; i++) {
		/* a contact with an account gets it in their language */
		char folded[EMAIL_MAX_BYTES + 1];
		struct user u;
		email_fold(k.contacts[i], folded, sizeof folded);
		int found = store_user_by_email(txn, folded, &u);
		if (found && found != DK_ERR_NOTFOUND)
			return found;
		if (found == 0 && u.disabled) {
			user_free(&u);
			continue;
		}
		struct user anon = { .id = 0, .email = k.contacts[i] };
		const struct user *to = found == 0 ? &u : &anon;
		const struct mail_words *w = mail_words_get(lang_of(to));
		char detail[160];
		snprintf(detail, sizeof detail, "%s, %s %s", w->sla_target[target], w->sla_due, due);
		struct mail_content c = {
			.kind = warning ? "sla_warning" : "sla_breach",
			.status = status_label(d, t->status, lang_of(to)),
			.detail = due[0] ? detail : w->sla_target[target],
		};
		rc = send_ticket_mail(d, txn, t, to, &c);
		if (found == 0)
			user_free(&u);
	}
	return rc;
}

/* ---- accounts ---- */

int notify_account(struct deskd *d, struct store_txn *txn, const char *kind, const char *to,
		   const char *name, const char *lang, const char *link)
{
	enum mail_kind k;
	if (mail_kind_parse(kind, &k) || mail_kind_is_ticket(k) || !to)
		return DK_ERR_INVALID;
	struct mail_content c = {
		.kind = kind, .lang = lang, .to = to, .to_name = name, .link = link,
	};
	return send(d, txn, &c);
}

int notify_access_request(struct deskd *d, struct store_txn *txn, const char *to,
			  const char *lang, const char *requester, const char *colleague,
			  const char *details, const char *link)
{
	struct mail_content c = {
		.kind = "access_request", .lang = lang, .to = to, .actor = requester,
		.title = colleague, .body = details, .link = link,
	};
	return to ? send(d, txn, &c) : DK_ERR_INVALID;
}
