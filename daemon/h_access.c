/*
 * Access requests: an org-customer asks for an account for a colleague;
 * support lists the requests and approves (the colleague's account is made
 * and an invitation link mailed) or refuses them. Requesters see their own
 * organisation's requests; anyone else's answer 404, as tickets do.
 * Every enabled administrator is mailed of a new request, with a link to
 * the portal page of pending requests (GET /api/v1/access-requests), where
 * any agent or administrator decides it.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "account_input.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "json_map.h"
#include "link_token.h"
#include "log.h"
#include "notify.h"
#include "profile_input.h"
#include "ticket_input.h"
#include "store.h"

#define LIST_DEFAULT 25
#define LIST_MAX 100
#define LINK_URL_MAX 512

static bool is_staff(const struct req *r)
{
	return role_is_staff(r->who.role);
}

/* Org-customers of an organisation ask; everyone else may not. */
static bool may_ask(const struct req *r)
{
	return r->who.role == ROLE_ORG_CUSTOMER && r->who.org_id;
}

static bool may_see(const struct req *r, const struct access_request *a)
{
	return is_staff(r) || (may_ask(r) && a->org_id == r->who.org_id);
}

static void reply_not_found(struct req *r)
{
	http_reply_error(r, 404, "not_found", "no such access request", NULL);
}

/* The request as the API shows it, with the names people look for. */
static json_t *request_json(struct store_txn *txn, const struct access_request *a)
{
	json_t *j = access_request_to_json(a);
	struct user u;
	struct org o;

	if (!j)
		return NULL;
	if (store_org_get(txn, a->org_id, &o) == 0) {
		json_object_set_new(j, "org_name", json_string(o.name ? o.name : ""));
		org_free(&o);
	}
	if (store_user_get(txn, a->requester_id, &u) == 0) {
		json_object_set_new(j, "requester_name", json_string(u.name ? u.name : ""));
		json_object_set_new(j, "requester_email", json_string(u.email ? u.email : ""));
		user_free(&u);
	}
	return j;
}

static int parse_id(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	*out = 0;
	if (!s || !*s || strlen(s) > 19)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return v ? 0 : -1;
}

/* ---- POST /api/v1/access-requests ---- */

struct ask {
	struct req *r;
	const struct access_input *in;
	json_t *out;
	struct store_txn *txn;
	const char *requester;
	const char *colleague;
	const char *details;
	const char *link;
};

static int tell_admin(const struct user *u, void *arg)
{
	struct ask *k = arg;

	if (u->disabled || !u->email)
		return 0;
	return notify_access_request(k->r->d, k->txn, u->email, u->language, k->requester,
				     k->colleague, k->details, k->link);
}

/* Mails the administrators of a new request. */
static int tell_admins(struct ask *k, struct store_txn *txn)
{
	char colleague[NAME_MAX_BYTES + EMAIL_MAX_BYTES + 8];
	char details[sizeof colleague + PHONE_MAX_BYTES + FUNCTION_MAX_BYTES + 4];
	char link[LINK_URL_MAX];
	const struct access_input *in = k->in;
	int rc = link_token_url(k->r->d, "access-requests", NULL, link, sizeof link);

	if (rc)
		return rc;
	snprintf(colleague, sizeof colleague, "%s <%s>", in->name, in->email);
	/* the colleague first: the subject alone may be cut short by mail readers */
	snprintf(details, sizeof details, "%s%s%s%s%s", colleague, in->function ? "\n" : "",
		 in->function ? in->function : "", in->phone ? "\n" : "", in->phone ? in->phone : "");
	k->txn = txn;
	k->requester = k->r->user.name ? k->r->user.name : k->r->user.email;
	k->colleague = colleague;
	k->details = details;
	k->link = link;
	return store_users_by_role(txn, ROLE_ADMIN, tell_admin, k);
}

static int ask_fn(struct store_txn *txn, void *arg)
{
	struct ask *k = arg;
	struct access_request a = {
		.version = RECORD_VERSION,
		.org_id = k->r->who.org_id,
		.requester_id = k->r->who.user_id,
		.state = ACCESS_PENDING,
		.email = k->in->email,
		.name = k->in->name,
		.phone = k->in->phone,
		.function = k->in->function,
		.language = k->in->language,
		.created_ms = deskd_now_ms(k->r->d),
	};
	int rc;

	json_decref(k->out);
	k->out = NULL;
	rc = store_access_put(txn, NULL, &a);
	if (rc == 0)
		rc = tell_admins(k, txn);
	if (rc == 0 && !(k->out = request_json(txn, &a)))
		rc = DK_ERR_NOMEM;
	return rc;
}

void h_access_create(struct req *r)
{
	if (!may_ask(r)) {
		http_reply_error(r, 403, "forbidden",
				 "only customers with organisation visibility ask for access for a "
				 "colleague", NULL);
		return;
	}
	struct access_input in;
	if (HTTP_PARSE_BODY(r, access_input_parse, &in))
		return;
	struct ask k = { .r = r, .in = &in };
	int rc = store_write(r->d->store, ask_fn, &k);
	access_input_free(&in);
	if (rc) {
		json_decref(k.out);
		http_reply_dk_error(r, rc);
		return;
	}
	char id[24], uid[24];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(k.out, "id")));
	snprintf(uid, sizeof uid, "%llu", (unsigned long long)r->who.user_id);
	log_info("access_requested", "request", id, "by", uid, NULL);
	http_reply_json(r, 201, json_pack("{s:o}", "access_request", k.out));
}

/* ---- GET /api/v1/access-requests ---- */

struct list_page {
	struct store_txn *txn;
	json_t *items;
	size_t limit;
	uint64_t last;
	bool more;
	int err;
};

static int page_fn(uint64_t id, void *arg)
{
	struct list_page *p = arg;
	struct access_request a;
	json_t *j;
	int rc;

	if (json_array_size(p->items) == p->limit) {
		p->more = true;
		return STORE_WALK_STOP;
	}
	rc = store_access_get(p->txn, id, &a);
	if (rc)
		return rc;
	j = request_json(p->txn, &a);
	access_request_free(&a);
	if (!j || json_array_append_new(p->items, j))
		return DK_ERR_NOMEM;
	p->last = id;
	return 0;
}

struct list_query {
	uint8_t state;      /* 0: any */
	size_t limit;
	uint64_t cursor;
};

/* 0, or -1 after replying 400. */
static int list_query_parse(struct req *r, struct list_query *q)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	char msg[160];
	int rc = 0;

	q->state = ACCESS_PENDING;
	q->limit = LIST_DEFAULT;
	q->cursor = 0;
	TAILQ_INIT(&kv);
	if (!r->query || !*r->query)
		return 0;
	if (evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		uint64_t n;
		enum access_state st;

		if (!strcmp(e->key, "state")) {
			if (!strcmp(e->value, "all"))
				q->state = 0;
			else if (access_state_parse(e->value, &st) == 0)
				q->state = (uint8_t)st;
			else {
				http_reply_error(r, 400, "invalid_value",
						 "state must be pending, approved, refused or all",
						 "state");
				rc = -1;
				break;
			}
		} else if (!strcmp(e->key, "limit")) {
			if (parse_id(e->value, &n) || n > LIST_MAX) {
				http_reply_error(r, 400, "invalid_value",
						 "limit must be a number from 1 to 100", "limit");
				rc = -1;
				break;
			}
			q->limit = (size_t)n;
		} else if (!strcmp(e->key, "cursor")) {
			if (parse_id(e->value, &q->cursor)) {
				http_reply_error(r, 400, "invalid_value",
						 "cursor is not one this server gave out", "cursor");
				rc = -1;
				break;
			}
		} else {
			snprintf(msg, sizeof msg, "unknown query parameter \"%.64s\"", e->key);
			http_reply_error(r, 400, "unknown_parameter", msg, e->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	return rc;
}

void h_access_list(struct req *r)
{
	if (!is_staff(r) && !may_ask(r)) {
		http_reply_error(r, 403, "forbidden",
				 "access requests are for support and customers with organisation "
				 "visibility", NULL);
		return;
	}
	struct list_query q;
	if (list_query_parse(r, &q))
		return;
	struct list_page p = { .items = json_array(), .limit = q.limit };
	int rc = p.items ? store_txn_begin(r->d->store, false, &p.txn) : DK_ERR_NOMEM;
	if (rc) {
		json_decref(p.items);
		http_reply_dk_error(r, rc);
		return;
	}
	rc = store_access_walk(p.txn, is_staff(r) ? 0 : r->who.org_id, q.state, q.cursor, page_fn,
			       &p);
	store_txn_abort(p.txn);
	if (rc) {
		json_decref(p.items);
		http_reply_dk_error(r, rc);
		return;
	}
	char cursor[24];
	snprintf(cursor, sizeof cursor, "%llu", (unsigned long long)p.last);
	http_reply_json(r, 200, json_pack("{s:o, s:o}", "access_requests", p.items, "next_cursor",
					  p.more ? json_string(cursor) : json_null()));
}

/* ---- GET /api/v1/access-requests/{id} ---- */

void h_access_get(struct req *r)
{
	uint64_t id;
	struct store_txn *txn;
	struct access_request a;

	if (parse_id(r->param, &id)) {
		reply_not_found(r);
		return;
	}
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	rc = store_access_get(txn, id, &a);
	if (rc == 0 && !may_see(r, &a))
		rc = DK_ERR_NOTFOUND;
	json_t *j = rc ? NULL : request_json(txn, &a);
	access_request_free(&a);
	store_txn_abort(txn);
	if (rc == DK_ERR_NOTFOUND) {
		reply_not_found(r);
		return;
	}
	if (rc || !j) {
		json_decref(j);
		http_reply_dk_error(r, rc ? rc : DK_ERR_NOMEM);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "access_request", j));
}

/* ---- POST /api/v1/access-requests/{id}/approve and /refuse ---- */

enum { DECIDE_OK, DECIDE_DECIDED, DECIDE_EXISTS, DECIDE_NO_ORG };

struct decide {
	struct req *r;
	uint64_t id;
	bool approve;
	const char *reason;
	struct link_token link;
	int outcome;
	json_t *out;
};

/* The colleague's account: a customer of the requester's organisation,
 * without a password until the invitation link is used. */
static int approve(struct decide *k, struct store_txn *txn, struct access_request *a)
{
	struct deskd *d = k->r->d;
	char url[LINK_URL_MAX];
	struct user u, requester;
	struct org o;
	int rc;

	rc = store_user_by_email(txn, a->email, &u);
	if (rc == 0) {
		user_free(&u);
		k->outcome = DECIDE_EXISTS;
		return DK_ERR_CONFLICT;
	}
	if (rc != DK_ERR_NOTFOUND)
		return rc;
	rc = store_org_get(txn, a->org_id, &o);
	if (rc == DK_ERR_NOTFOUND) {
		k->outcome = DECIDE_NO_ORG;
		return DK_ERR_CONFLICT;
	}
	if (rc)
		return rc;
	org_free(&o);
	const char *lang = a->language;
	memset(&requester, 0, sizeof requester);
	if (!lang && store_user_get(txn, a->requester_id, &requester) == 0)
		lang = requester.language;
	memset(&u, 0, sizeof u);
	u.version = RECORD_VERSION;
	u.org_id = a->org_id;
	u.role = ROLE_CUSTOMER;
	u.email = a->email;
	u.name = a->name;
	u.phone = a->phone;
	u.language = (char *)lang;
	u.created_ms = u.updated_ms = deskd_now_ms(d);
	u.contact = CONTACT_EMAIL;
	rc = store_user_put(txn, NULL, &u);
	if (rc == DK_ERR_EXISTS) {
		k->outcome = DECIDE_EXISTS;
		rc = DK_ERR_CONFLICT;
	}
	if (rc == 0)
		rc = link_token_store(d, txn, &k->link, SESSION_INVITATION, u.id, NULL, 0, NULL,
				      NULL);
	if (rc == 0)
		rc = link_token_url(d, "activate", k->link.secret, url, sizeof url);
	if (rc == 0)
		rc = notify_account(d, txn, "invitation", u.email, u.name, lang, url);
	a->user_id = u.id;
	user_free(&requester);
	return rc;
}

static int decide_fn(struct store_txn *txn, void *arg)
{
	struct decide *k = arg;
	struct access_request old, a;
	int rc;

	k->outcome = DECIDE_OK;
	json_decref(k->out);
	k->out = NULL;
	rc = store_access_get(txn, k->id, &old);
	if (rc)
		return rc;
	if (old.state != ACCESS_PENDING) {
		access_request_free(&old);
		k->outcome = DECIDE_DECIDED;
		return DK_ERR_CONFLICT;
	}
	a = old;
	a.state = k->approve ? ACCESS_APPROVED : ACCESS_REFUSED;
	a.decided_ms = deskd_now_ms(k->r->d);
	a.decided_by = k->r->who.user_id;
	a.reason = (char *)k->reason; /* borrowed: a is encoded, never freed */
	rc = k->approve ? approve(k, txn, &a) : 0;
	if (rc == 0)
		rc = store_access_put(txn, &old, &a);
	if (rc == 0 && !(k->out = request_json(txn, &a)))
		rc = DK_ERR_NOMEM;
	access_request_free(&old);
	return rc;
}

static void decide(struct req *r, bool approving, const char *reason)
{
	struct decide k = { .r = r, .approve = approving, .reason = reason };
	int rc;

	if (parse_id(r->param, &k.id)) {
		reply_not_found(r);
		return;
	}
	rc = link_token_new(r->d, &k.link);
	if (rc == 0)
		rc = store_write(r->d->store, decide_fn, &k);
	explicit_bzero(k.link.secret, sizeof k.link.secret);
	if (rc) {
		json_decref(k.out);
		if (rc == DK_ERR_NOTFOUND)
			reply_not_found(r);
		else if (k.outcome == DECIDE_DECIDED)
			http_reply_error(r, 409, "already_decided",
					 "this access request was decided already", NULL);
		else if (k.outcome == DECIDE_EXISTS)
			http_reply_error(r, 409, "account_exists",
					 "this address has an account already; refuse the request",
					 NULL);
		else if (k.outcome == DECIDE_NO_ORG)
			http_reply_error(r, 409, "no_organisation",
					 "the requester's organisation no longer exists", NULL);
		else
			http_reply_dk_error(r, rc);
		return;
	}
	if (approving)
		deskd_session_timer_arm(r->d, k.link.expires_ms);
	char id[24], uid[24];
	snprintf(id, sizeof id, "%llu", (unsigned long long)k.id);
	snprintf(uid, sizeof uid, "%llu", (unsigned long long)r->who.user_id);
	log_info(approving ? "access_approved" : "access_refused", "request", id, "by", uid, NULL);
	http_reply_json(r, 200, json_pack("{s:o}", "access_request", k.out));
}

void h_access_approve(struct req *r)
{
	if (http_refuse_body(r))
		return;
	decide(r, true, NULL);
}

void h_access_refuse(struct req *r)
{
	char *reason = NULL;

	if (HTTP_PARSE_BODY(r, refuse_parse, &reason))
		return;
	decide(r, false, reason);
	free(reason);
}
