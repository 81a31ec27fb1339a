/*
 * The filtered ticket list behind GET /api/v1/tickets and its export.
 *
 * A walk goes along one list index (the assignee's, the organisation's, or
 * the caller's view) and checks the remaining filters on each ticket
 * record. The cursor is the last ticket id the walk settled, so paging stays
 * exact while tickets are added or change lists. A walk examines at most
 * scan_max entries, so a filter that matches little never holds the loop:
 * the caller goes on from the cursor later.
 *
 * sort=due (support only) walks the deadline index's due entries instead,
 * earliest first, with every filter checked on the ticket; its cursor is
 * "due_ms.id", the last entry settled. Only tickets whose first response
 * or resolution clock runs have such an entry (sla_state_deadlines).
 */
#include "ticket_query.h"

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
#include "http.h"
#include "sla_engine.h"
#include "ticket_view.h"
#include "validate.h"
#include "workflow.h"

#define LIST_DEFAULT 25
#define LIST_MAX 100

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

/* One query parameter into q: 0, or the message of a 400 in msg (1: an
 * unknown parameter). */
static int parse_param(struct req *r, enum ticket_query_mode mode, const char *key,
		       const char *value, struct ticket_query *q, char *msg, size_t size)
{
	static const struct { const char *name; enum list_bucket bucket; } views[] = {
		{ "open", BUCKET_OPEN }, { "closed", BUCKET_CLOSED },
		{ "all", BUCKET_ALL }, { "resolved", BUCKET_RESOLVED },
		{ "approvals", BUCKET_ALL }, /* approvers: requests awaiting a decision */
	};
	bool staff = role_is_staff(r->who.role);
	bool paged = mode == TICKET_QUERY_PAGE;
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
	} else if (!strcmp(key, "limit") && paged) {
		if (parse_u64(value, &n) == 0 && n >= 1 && n <= LIST_MAX) {
			q->limit = (size_t)n;
			return 0;
		}
		snprintf(msg, size, "limit must be a number from 1 to %d", LIST_MAX);
	} else if (!strcmp(key, "cursor") && paged) {
		if (*value && strlen(value) <= TICKET_QUERY_CURSOR_MAX) {
			snprintf(q->cursor_text, sizeof q->cursor_text, "%s", value);
			return 0;
		}
		snprintf(msg, size, "cursor is not one this server gave out");
	} else if (!strcmp(key, "format") && !paged) {
		return 0; /* the export's own */
	} else if (!strcmp(key, "sort")) {
		/* the due order is support's: a customer's list has newest and
		 * oldest only */
		if (!strcmp(value, "newest") || !strcmp(value, "oldest") ||
		    (staff && !strcmp(value, "due"))) {
			q->oldest = !strcmp(value, "oldest");
			q->due = !strcmp(value, "due");
			return 0;
		}
		snprintf(msg, size, staff ? "sort must be newest, oldest or due"
					  : "sort must be newest or oldest");
	} else if (!strcmp(key, "status")) {
		if (strlen(value) <= TICKET_QUERY_STATUS_MAX &&
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

/* The cursor for the sort: an id, or for sort=due "due_ms.id". */
static int parse_cursor(struct ticket_query *q)
{
	char *dot = strchr(q->cursor_text, '.');
	uint64_t due = 0;
	if (!q->cursor_text[0])
		return 0;
	if (!q->due)
		return dot || parse_u64(q->cursor_text, &q->cursor) || !q->cursor ? -1 : 0;
	if (!dot)
		return -1;
	*dot = '\0';
	int rc = parse_u64(q->cursor_text, &due) || due > INT64_MAX ||
		 parse_u64(dot + 1, &q->cursor) || !q->cursor ? -1 : 0;
	*dot = '.';
	q->cursor_due = (int64_t)due;
	return rc;
}

/* 0, or replies 400 naming the parameter and returns -1. */
static int parse_query(struct req *r, enum ticket_query_mode mode, struct ticket_query *q)
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
		rc = parse_param(r, mode, e->key, e->value, q, msg, sizeof msg);
		if (rc) {
			http_reply_error(r, 400, rc > 0 ? "unknown_parameter" : "invalid_value", msg,
					 e->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	if (rc == 0 && parse_cursor(q)) {
		http_reply_error(r, 400, "invalid_value", "cursor is not one this server gave out",
				 "cursor");
		rc = -1;
	}
	/* a running clock means an open ticket: resolved and closed tickets
	 * are never in the due order */
	if (rc == 0 && q->due && q->bucket != BUCKET_OPEN && strcmp(q->view, "all")) {
		http_reply_error(r, 400, "invalid_value",
				 "sort=due goes with the views open and all", "sort");
		rc = -1;
	}
	return rc;
}

/* Which list the caller's role sees, narrowed by the filters an index
 * answers: the assignee's list, else the organisation's. 0, or replies
 * and returns -1. */
static int pick_source(struct req *r, const struct ticket_query *q, struct ticket_source *s)
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
		if (q->due) {
			/* the due order is one index over every ticket */
			s->check_org = q->by_org;
			s->check_assignee = q->by_assignee;
			s->check_open = q->bucket == BUCKET_OPEN;
		} else if (q->by_assignee) {
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

int ticket_query_parse(struct req *r, enum ticket_query_mode mode, struct ticket_query *q,
		       struct ticket_source *s)
{
	if (parse_query(r, mode, q) || pick_source(r, q, s))
		return -1;
	return 0;
}

/* One walk in progress. */
struct walk {
	struct req *r;
	struct store_txn *txn;
	const struct ticket_query *q;
	const struct ticket_source *src;
	struct ticket_walk *w;
	ticket_query_fn fn;
	void *arg;
};

/* The category the lists file a ticket under (storage/store_tickets.c). */
static enum status_category list_category(const struct ticket *t)
{
	if (t->category)
		return (enum status_category)t->category;
	return t->status ? status_category(t->status) : CATEGORY_UNKNOWN;
}

static bool matches(const struct walk *k, const struct ticket *t)
{
	const struct ticket_query *q = k->q;
	if (q->status[0] && (!t->status || strcmp(t->status, q->status)))
		return false;
	if (q->priority && t->priority != q->priority)
		return false;
	if (k->src->check_assignee && t->assignee_id != q->assignee)
		return false;
	if (k->src->check_open && list_category(t) == CATEGORY_CLOSED)
		return false;
	bool breached = false;
	if (q->breached && (sla_ticket_breached(k->r->d, k->txn, t, &breached) || !breached))
		return false;
	return !k->src->check_org || t->org_id == q->org;
}

static int id_fn(uint64_t id, void *arg)
{
	struct walk *k = arg;
	struct ticket_walk *w = k->w;
	struct ticket t;

	if (w->examined == w->scan_max) {
		w->more = w->cut = true;
		return STORE_WALK_STOP;
	}
	w->examined++;
	/* the index and the visibility rule disagree: the rule wins */
	int rc = ticket_view_load(k->txn, &k->r->who, id, &t);
	if (rc == DK_ERR_NOTFOUND) {
		w->seen_id = id;
		w->seen_due = w->due;
		return 0;
	}
	if (rc)
		return rc;
	bool match = matches(k, &t);
	if (match && w->n == w->limit) {
		/* one more exists: the walk is full and has a successor */
		ticket_free(&t);
		w->more = true;
		return STORE_WALK_STOP;
	}
	w->seen_id = id;
	w->seen_due = w->due;
	if (match) {
		rc = k->fn(k->txn, &t, k->arg);
		w->n++;
		w->last_id = id;
		w->last_due = w->due;
	}
	ticket_free(&t);
	return rc;
}

static int due_fn(const struct store_deadline *d, void *arg)
{
	struct walk *k = arg;
	k->w->due = d->due_ms;
	return id_fn(d->ticket_id, k);
}

int ticket_query_walk(struct req *r, struct store_txn *txn, const struct ticket_query *q,
		      const struct ticket_source *s, struct ticket_walk *w, ticket_query_fn fn,
		      void *arg)
{
	struct walk k = { r, txn, q, s, w, fn, arg };
	w->n = w->examined = 0;
	w->last_id = w->seen_id = 0;
	w->last_due = w->seen_due = w->due = 0;
	w->more = w->cut = false;
	if (q->due) {
		struct store_deadline after = { STORE_DEADLINE_DUE, q->cursor_due, q->cursor };
		return store_deadline_walk(txn, STORE_DEADLINE_DUE, q->cursor ? &after : NULL,
					   due_fn, &k);
	}
	if (s->customer)
		return store_ticket_walk_customer(txn, r->who.user_id, r->who.org_id, q->bucket,
						  q->cursor, q->oldest, id_fn, &k);
	return store_ticket_walk(txn, s->scope, s->scope_id, q->bucket, q->cursor, q->oldest,
				 id_fn, &k);
}

bool ticket_query_advance(struct ticket_query *q, const struct ticket_walk *w, char *buf,
			  size_t size)
{
	uint64_t id = w->cut ? w->seen_id : w->last_id;
	int64_t due = w->cut ? w->seen_due : w->last_due;
	if (!w->more || !id)
		return false;
	q->cursor = id;
	q->cursor_due = due;
	if (buf && q->due)
		snprintf(buf, size, "%lld.%llu", (long long)due, (unsigned long long)id);
	else if (buf)
		snprintf(buf, size, "%llu", (unsigned long long)id);
	return true;
}
