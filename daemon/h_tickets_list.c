/* GET /api/v1/tickets: the caller's tickets, newest first, with counts. */
#include <errno.h>
#include <sys/queue.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
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

#define LIST_DEFAULT 25
#define LIST_MAX 100

struct list_query {
	enum list_bucket bucket;
	const char *view;
	size_t limit;
	uint64_t before;
};

static int parse_u64(const char *s, uint64_t *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno)
		return -1;
	*out = v;
	return 0;
}

/* 0, or replies 400 naming the parameter and returns -1. */
static int parse_query(struct req *r, struct list_query *q)
{
	static const struct { const char *name; enum list_bucket bucket; } views[] = {
		{ "open", BUCKET_OPEN }, { "closed", BUCKET_CLOSED },
		{ "all", BUCKET_ALL }, { "resolved", BUCKET_RESOLVED },
		{ "approvals", BUCKET_ALL }, /* approvers: requests awaiting a decision */
	};
	struct evkeyvalq kv;
	struct evkeyval *e;
	q->bucket = BUCKET_OPEN;
	q->view = "open";
	q->limit = LIST_DEFAULT;
	q->before = 0;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	int rc = 0;
	TAILQ_FOREACH(e, &kv, next) {
		uint64_t n;
		if (!strcmp(e->key, "view")) {
			size_t i;
			for (i = 0; i < sizeof views / sizeof views[0]; i++)
				if (!strcmp(e->value, views[i].name))
					break;
			if (i == sizeof views / sizeof views[0]) {
				http_reply_error(r, 400, "invalid_value",
						 "view must be open, resolved, closed, all or approvals",
						 "view");
				rc = -1;
				break;
			}
			q->bucket = views[i].bucket;
			q->view = views[i].name;
		} else if (!strcmp(e->key, "limit")) {
			if (parse_u64(e->value, &n) || n < 1 || n > LIST_MAX) {
				http_reply_error(r, 400, "invalid_value",
						 "limit must be a number from 1 to 100", "limit");
				rc = -1;
				break;
			}
			q->limit = (size_t)n;
		} else if (!strcmp(e->key, "cursor")) {
			if (parse_u64(e->value, &n) || n == 0) {
				http_reply_error(r, 400, "invalid_value",
						 "cursor is not one this server gave out", "cursor");
				rc = -1;
				break;
			}
			q->before = n;
		} else {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown query parameter \"%.64s\"", e->key);
			http_reply_error(r, 400, "unknown_parameter", msg, e->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	return rc;
}

/* Which list the caller's role sees. */
static void visibility_scope(const struct principal *p, enum list_scope *scope, uint64_t *id)
{
	switch (p->role) {
	case ROLE_AGENT:
	case ROLE_ADMIN:
		*scope = SCOPE_ALL;
		*id = 0;
		return;
	case ROLE_ORG_CUSTOMER:
		*scope = SCOPE_ORG;
		*id = p->org_id;
		return;
	default:
		*scope = SCOPE_PARTY;
		*id = p->user_id;
		return;
	}
}

static int add_count(char dim, const char *value, uint64_t count, void *arg)
{
	json_t *counts = arg;
	json_t *group = json_object_get(counts, dim == 'p' ? "priority" : "status");
	if (group)
		json_object_set_new(group, value, json_integer((json_int_t)count));
	return 0;
}

void h_tickets_list(struct req *r)
{
	struct list_query q;
	if (parse_query(r, &q))
		return;
	enum list_scope scope;
	uint64_t scope_id;
	visibility_scope(&r->who, &scope, &scope_id);
	bool approvals = !strcmp(q.view, "approvals");
	if (approvals) {
		if (!r->who.approver || !r->who.org_id) {
			http_reply_error(r, 400, "invalid_value", "only approvers have the approvals view",
					 "view");
			return;
		}
		scope = SCOPE_APPROVAL;
		scope_id = r->who.org_id;
	}

	uint64_t ids[LIST_MAX];
	size_t n = 0;
	bool more = false;
	struct store_txn *txn;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	json_t *tickets = json_array();
	json_t *counts = json_pack("{s:{s:i,s:i,s:i,s:i}, s:{}}", "priority", "P1", 0, "P2", 0, "P3",
				   0, "P4", 0, "status");
	if (!tickets || !counts) {
		rc = DK_ERR_NOMEM;
		goto fail;
	}
	bool customer = r->who.role == ROLE_CUSTOMER && !approvals;
	if (customer)
		rc = store_ticket_list_customer(txn, r->who.user_id, r->who.org_id, q.bucket, q.before,
						q.limit, ids, &n, &more);
	else
		rc = store_ticket_list(txn, scope, scope_id, q.bucket, q.before, q.limit, ids, &n,
				       &more);
	if (rc)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct ticket t;
		rc = ticket_view_load(txn, &r->who, ids[i], &t);
		if (rc == DK_ERR_NOTFOUND)
			continue; /* the index and the rule disagree: the rule wins */
		if (rc)
			goto fail;
		json_t *j = ticket_to_json(&t, r->d->cfg.ticket_prefix);
		if (j) {
			json_object_del(j, "description");
			json_object_del(j, "fields");
			if (!role_is_staff(r->who.role)) {
				json_object_del(j, "minutes");
				json_object_del(j, "billable_minutes");
				json_object_del(j, "assignee_group");
			}
			json_object_set_new(j, "requester", ticket_view_person(txn, t.requester_id));
			json_array_append_new(tickets, j);
		}
		ticket_free(&t);
	}
	if (customer)
		rc = store_ticket_counts_customer(txn, r->who.user_id, r->who.org_id, q.bucket,
						  add_count, counts);
	else
		rc = store_ticket_counts(txn, scope, scope_id, q.bucket, add_count, counts);
	if (rc)
		goto fail;
	store_txn_abort(txn);

	char cursor[24];
	snprintf(cursor, sizeof cursor, "%llu", n ? (unsigned long long)ids[n - 1] : 0ULL);
	http_reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o}", "view", q.view, "tickets", tickets,
					  "counts", counts, "next_cursor",
					  more && n ? json_string(cursor) : json_null()));
	return;
fail:
	store_txn_abort(txn);
	json_decref(tickets);
	json_decref(counts);
	http_reply_dk_error(r, rc);
}
