/*
 * GET /api/v1/tickets: the caller's tickets, newest or oldest first, with
 * the view's counts; filtered by status and priority, and for support by
 * organisation and assignee (the agents' queue).
 *
 * A page is filled by walking one list index (the assignee's, the
 * organisation's, or the caller's view) and checking the remaining filters
 * on each ticket record, until the page is full or the index ends. The
 * cursor is the last ticket id the walk settled, so paging stays exact
 * while tickets are added or change lists. A walk examines at most
 * LIST_SCAN_MAX entries per request, so a filter that matches little never
 * holds the loop: the page then comes back short, with a cursor to go on.
 */
#include <errno.h>
#include <sys/queue.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "handlers.h"
#include "http.h"
#include "json_map.h"
#include "sla_engine.h"
#include "store.h"
#include "ticket_view.h"
#include "validate.h"
#include "workflow.h"

#define LIST_DEFAULT 25
#define LIST_MAX 100
#define LIST_SCAN_MAX 5000
#define STATUS_NAME_MAX 64

struct list_query {
	enum list_bucket bucket;
	const char *view;
	size_t limit;
	uint64_t cursor;          /* the last id of the previous page; 0: first page */
	bool oldest;              /* sort=oldest: ascending creation */
	char status[STATUS_NAME_MAX + 1]; /* "": any */
	uint8_t priority;         /* 0: any */
	bool by_org;
	uint64_t org;
	bool by_assignee;
	uint64_t assignee;        /* 0 with by_assignee: unassigned */
	bool breached;            /* breached=true: an SLA clock is breached (staff) */
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

/* One query parameter into q: 0, or the message of a 400 in msg. */
static int parse_param(struct req *r, const char *key, const char *value, struct list_query *q,
		       char *msg, size_t size)
{
	static const struct { const char *name; enum list_bucket bucket; } views[] = {
		{ "open", BUCKET_OPEN }, { "closed", BUCKET_CLOSED },
		{ "all", BUCKET_ALL }, { "resolved", BUCKET_RESOLVED },
		{ "approvals", BUCKET_ALL }, /* approvers: requests awaiting a decision */
	};
	bool staff = role_is_staff(r->who.role);
	uint64_t n;

	if (!strcmp(key, "view")) {
		for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
			if (!strcmp(value, views[i].name)) {
				q->bucket = views[i].bucket;
				q->view = views[i].name;
				return 0;
			}
		}
		snprintf(msg, size, "view must be open, resolved, closed, all or approvals");
	} else if (!strcmp(key, "limit")) {
		if (parse_u64(value, &n) == 0 && n >= 1 && n <= LIST_MAX) {
			q->limit = (size_t)n;
			return 0;
		}
		snprintf(msg, size, "limit must be a number from 1 to %d", LIST_MAX);
	} else if (!strcmp(key, "cursor")) {
		if (parse_u64(value, &n) == 0 && n != 0) {
			q->cursor = n;
			return 0;
		}
		snprintf(msg, size, "cursor is not one this server gave out");
	} else if (!strcmp(key, "sort")) {
		if (!strcmp(value, "newest") || !strcmp(value, "oldest")) {
			q->oldest = !strcmp(value, "oldest");
			return 0;
		}
		snprintf(msg, size, "sort must be newest or oldest");
	} else if (!strcmp(key, "status")) {
		if (strlen(value) <= STATUS_NAME_MAX &&
		    workflow_category(docs_workflow(&r->d->docs), value) != CATEGORY_UNKNOWN) {
			snprintf(q->status, sizeof q->status, "%s", value);
			return 0;
		}
		snprintf(msg, size, "status must be a status of the workflow (GET /api/v1/workflow)");
	} else if (!strcmp(key, "priority")) {
		q->priority = priority_parse(value);
		if (q->priority)
			return 0;
		snprintf(msg, size, "priority must be P1, P2, P3 or P4");
	} else if (!strcmp(key, "org") && staff) {
		if (parse_u64(value, &q->org) == 0 && q->org != 0) {
			q->by_org = true;
			return 0;
		}
		snprintf(msg, size, "org must be an organisation id");
	} else if (!strcmp(key, "breached") && staff) {
		if (!strcmp(value, "true") || !strcmp(value, "false")) {
			q->breached = !strcmp(value, "true");
			return 0;
		}
		snprintf(msg, size, "breached must be true or false");
	} else if (!strcmp(key, "assignee") && staff) {
		q->by_assignee = true;
		if (!strcmp(value, "me")) {
			q->assignee = r->who.user_id;
			return 0;
		}
		if (!strcmp(value, "none") || (parse_u64(value, &q->assignee) == 0 && q->assignee))
			return 0;
		snprintf(msg, size, "assignee must be me, none or a user id");
	} else {
		/* org and assignee are support's filters: a customer's list
		 * has no such parameters */
		snprintf(msg, size, "unknown query parameter \"%.64s\"", key);
		return 1;
	}
	return -1;
}

/* 0, or replies 400 naming the parameter and returns -1. */
static int parse_query(struct req *r, struct list_query *q)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	char msg[160];
	int rc = 0;

	memset(q, 0, sizeof *q);
	q->bucket = BUCKET_OPEN;
	q->view = "open";
	q->limit = LIST_DEFAULT;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		rc = parse_param(r, e->key, e->value, q, msg, sizeof msg);
		if (rc) {
			http_reply_error(r, 400, rc > 0 ? "unknown_parameter" : "invalid_value", msg,
					 e->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	return rc;
}

/* The index a page is walked along. */
struct source {
	bool customer;           /* the union of a plain customer's lists */
	enum list_scope scope;
	uint64_t scope_id;
	bool check_org;          /* the index does not imply the org filter */
	enum list_scope view_scope; /* the list of the whole view, for its counts */
	uint64_t view_scope_id;
};

/* Which list the caller's role sees, narrowed by the filters an index
 * answers: the assignee's list, else the organisation's. 0, or replies
 * and returns -1. */
static int pick_source(struct req *r, const struct list_query *q, struct source *s)
{
	memset(s, 0, sizeof *s);
	if (!strcmp(q->view, "approvals")) {
		if (!r->who.approver || !r->who.org_id) {
			http_reply_error(r, 400, "invalid_value", "only approvers have the approvals view",
					 "view");
			return -1;
		}
		s->scope = s->view_scope = SCOPE_APPROVAL;
		s->scope_id = s->view_scope_id = r->who.org_id;
		return 0;
	}
	switch (r->who.role) {
	case ROLE_AGENT:
	case ROLE_ADMIN:
		s->view_scope = SCOPE_ALL;
		if (q->by_assignee) {
			s->scope = SCOPE_ASSIGNEE;
			s->scope_id = q->assignee;
			s->check_org = q->by_org;
		} else if (q->by_org) {
			s->scope = SCOPE_ORG;
			s->scope_id = q->org;
		} else {
			s->scope = SCOPE_ALL;
		}
		return 0;
	case ROLE_ORG_CUSTOMER:
		s->scope = s->view_scope = SCOPE_ORG;
		s->scope_id = s->view_scope_id = r->who.org_id;
		return 0;
	default:
		s->customer = true;
		return 0;
	}
}

/* One page being filled by the walk. */
struct page {
	struct req *r;
	struct store_txn *txn;
	const struct list_query *q;
	const struct source *src;
	json_t *tickets;
	size_t n;
	uint64_t last_id;    /* the last ticket put on the page */
	uint64_t seen_id;    /* the last id settled: put on the page or passed over */
	size_t examined;
	bool more;
	bool cut;            /* stopped by LIST_SCAN_MAX */
};

static bool matches(const struct page *p, const struct ticket *t)
{
	if (p->q->status[0] && (!t->status || strcmp(t->status, p->q->status)))
		return false;
	if (p->q->priority && t->priority != p->q->priority)
		return false;
	bool breached = false;
	if (p->q->breached && (sla_ticket_breached(p->r->d, p->txn, t, &breached) || !breached))
		return false;
	return !p->src->check_org || t->org_id == p->q->org;
}

static json_t *item_json(struct page *p, const struct ticket *t)
{
	json_t *j = ticket_to_json(t, p->r->d->cfg.ticket_prefix);
	if (!j)
		return NULL;
	json_object_del(j, "description");
	json_object_del(j, "fields");
	if (!role_is_staff(p->r->who.role)) {
		json_object_del(j, "minutes");
		json_object_del(j, "billable_minutes");
		json_object_del(j, "assignee_group");
	}
	json_object_set_new(j, "requester", ticket_view_person(p->txn, t->requester_id));
	json_t *sla = sla_ticket_json(p->r->d, p->txn, t, role_is_staff(p->r->who.role));
	if (sla)
		json_object_set_new(j, "sla", sla);
	return j;
}

static int page_fn(uint64_t id, void *arg)
{
	struct page *p = arg;
	struct ticket t;

	if (p->examined == LIST_SCAN_MAX) {
		p->more = p->cut = true;
		return STORE_WALK_STOP;
	}
	p->examined++;
	/* the index and the visibility rule disagree: the rule wins */
	int rc = ticket_view_load(p->txn, &p->r->who, id, &t);
	if (rc == DK_ERR_NOTFOUND) {
		p->seen_id = id;
		return 0;
	}
	if (rc)
		return rc;
	bool match = matches(p, &t);
	if (match && p->n == p->q->limit) {
		/* one more exists: the page is full and has a successor */
		ticket_free(&t);
		p->more = true;
		return STORE_WALK_STOP;
	}
	p->seen_id = id;
	if (match) {
		json_t *j = item_json(p, &t);
		if (!j || json_array_append_new(p->tickets, j))
			rc = DK_ERR_NOMEM;
		p->n++;
		p->last_id = id;
	}
	ticket_free(&t);
	return rc;
}

static int add_count(char dim, const char *value, uint64_t count, void *arg)
{
	json_t *counts = arg;
	json_t *group = json_object_get(counts, dim == 'p' ? "priority" : "status");
	if (group)
		json_object_set_new(group, value, json_integer((json_int_t)count));
	return 0;
}

/* How many tickets match, read from the counts the index keeps when they
 * tell it exactly (one of status and priority at most, no org filter on
 * top of the assignee's list). */
struct matched {
	const struct list_query *q;
	char priority[4];
	uint64_t total, by_status, by_priority;
};

static int add_matched(char dim, const char *value, uint64_t count, void *arg)
{
	struct matched *m = arg;
	if (dim == 'p') {
		m->total += count;
		if (!strcmp(value, m->priority))
			m->by_priority = count;
	} else if (dim == 's' && !strcmp(value, m->q->status)) {
		m->by_status = count;
	}
	return 0;
}

static int matched_json(struct page *p, json_t **out)
{
	const struct list_query *q = p->q;
	struct matched m = { .q = q };
	int rc;

	*out = json_null();
	/* no index counts breaches: unknown then, as for two filters */
	if ((q->status[0] && q->priority) || p->src->check_org || q->breached)
		return 0;
	if (q->priority)
		snprintf(m.priority, sizeof m.priority, "%s", priority_name(q->priority));
	if (p->src->customer)
		rc = store_ticket_counts_customer(p->txn, p->r->who.user_id, p->r->who.org_id,
						  q->bucket, add_matched, &m);
	else
		rc = store_ticket_counts(p->txn, p->src->scope, p->src->scope_id, q->bucket,
					 add_matched, &m);
	if (rc)
		return rc;
	*out = json_integer((json_int_t)(q->status[0] ? m.by_status
					 : q->priority ? m.by_priority : m.total));
	return 0;
}

void h_tickets_list(struct req *r)
{
	struct list_query q;
	struct source src;
	if (parse_query(r, &q) || pick_source(r, &q, &src))
		return;

	struct store_txn *txn;
	json_t *counts = NULL, *matched = NULL;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	struct page p = { .r = r, .txn = txn, .q = &q, .src = &src, .tickets = json_array() };
	counts = json_pack("{s:{s:i,s:i,s:i,s:i}, s:{}}", "priority", "P1", 0, "P2", 0, "P3", 0,
			   "P4", 0, "status");
	if (!p.tickets || !counts) {
		rc = DK_ERR_NOMEM;
		goto fail;
	}
	if (src.customer)
		rc = store_ticket_walk_customer(txn, r->who.user_id, r->who.org_id, q.bucket,
						q.cursor, q.oldest, page_fn, &p);
	else
		rc = store_ticket_walk(txn, src.scope, src.scope_id, q.bucket, q.cursor, q.oldest,
				       page_fn, &p);
	if (rc)
		goto fail;
	/* the counts describe the whole view, whatever the filters */
	if (src.customer)
		rc = store_ticket_counts_customer(txn, r->who.user_id, r->who.org_id, q.bucket,
						  add_count, counts);
	else
		rc = store_ticket_counts(txn, src.view_scope, src.view_scope_id, q.bucket, add_count,
					 counts);
	if (rc == 0)
		rc = matched_json(&p, &matched);
	if (rc)
		goto fail;
	store_txn_abort(txn);

	char cursor[24];
	snprintf(cursor, sizeof cursor, "%llu",
		 (unsigned long long)(p.cut ? p.seen_id : p.last_id));
	http_reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o, s:o}", "view", q.view, "tickets",
					  p.tickets, "counts", counts, "matched", matched,
					  "next_cursor",
					  p.more && (p.cut ? p.seen_id : p.last_id)
						  ? json_string(cursor) : json_null()));
	return;
fail:
	store_txn_abort(txn);
	json_decref(p.tickets);
	json_decref(counts);
	json_decref(matched);
	http_reply_dk_error(r, rc);
}
