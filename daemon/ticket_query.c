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
#include <time.h>

#include "catalogue.h"
#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "http.h"
#include "search_query.h"
#include "sla_engine.h"
#include "ticket_search.h"
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

/* The next element of the comma-separated set at *s into buf (size bytes
 * with its NUL), *s moved past it and its comma, NULL after the last one:
 * 1, 0 once *s is NULL, -1 for an empty or oversized element ("P1,,P2",
 * "P1,", ""). */
static int next_element(const char **s, char *buf, size_t size)
{
	if (!*s)
		return 0;
	size_t len = strcspn(*s, ",");
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, *s, len);
	buf[len] = '\0';
	*s = (*s)[len] == ',' ? *s + len + 1 : NULL;
	return 1;
}

/* status=a,b,...: each a status of the workflow, at most
 * TICKET_QUERY_STATUSES_MAX different ones; a repeated one counts once (the
 * matched count adds each status's count). */
static int parse_statuses(struct req *r, const char *value, struct ticket_query *q)
{
	char one[TICKET_QUERY_STATUS_MAX + 1];
	int rc;
	q->n_status = 0;
	while ((rc = next_element(&value, one, sizeof one)) > 0) {
		if (workflow_category(docs_workflow(&r->d->docs), one) == CATEGORY_UNKNOWN)
			return -1;
		bool known = false;
		for (size_t i = 0; i < q->n_status; i++)
			known = known || !strcmp(q->status[i], one);
		if (known)
			continue;
		if (q->n_status == TICKET_QUERY_STATUSES_MAX)
			return -1;
		snprintf(q->status[q->n_status++], sizeof q->status[0], "%s", one);
	}
	return rc;
}

/* priority=P1,P2: a bit for each. */
static int parse_priorities(const char *value, uint8_t *out)
{
	char one[3];
	int rc;
	*out = 0;
	while ((rc = next_element(&value, one, sizeof one)) > 0) {
		uint8_t p = priority_parse(one);
		if (!p)
			return -1;
		*out |= (uint8_t)(1u << p);
	}
	return rc;
}

/* A catalogue service id as a filter: 1 to TICKET_QUERY_SERVICE_MAX visible
 * ASCII characters. The catalogue is not asked: a service it no longer has
 * may still be on old tickets, and one it never had matches nothing. */
static bool service_syntax_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > TICKET_QUERY_SERVICE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* A UTC day "YYYY-MM-DD" (years 1970 to 9999, a date the calendar has):
 * 0 and the ms of its start, or -1. timegm normalises 02-30 to 03-02, so a
 * date that does not come back the same does not exist. */
static int parse_day(const char *s, int64_t *ms)
{
	struct tm tm = { 0 }, back;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2)
		return -1;
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1)
		return -1;
	int year = tm.tm_year, mon = tm.tm_mon, mday = tm.tm_mday;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_year != year ||
	    back.tm_mon != mon || back.tm_mday != mday)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

#define DAY_MS (24 * 60 * 60 * 1000LL)

/* created_from ... closed_to: a day into the range's from (its start) or
 * to (the start of the next day, the range being [from, to)). */
static int parse_range_day(const char *key, const char *value, struct ticket_query *q)
{
	int64_t ms;
	if (parse_day(value, &ms))
		return -1;
	bool closed = !strncmp(key, "closed_", 7);
	bool to = !strcmp(key + strlen(key) - 3, "_to");
	int64_t *at = closed ? (to ? &q->closed_to : &q->closed_from)
			     : (to ? &q->created_to : &q->created_from);
	*at = to ? ms + DAY_MS : ms;
	q->by_closed = q->by_closed || closed;
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
		    !strcmp(value, "relevance") || (staff && !strcmp(value, "due"))) {
			q->oldest = !strcmp(value, "oldest");
			q->due = !strcmp(value, "due");
			q->relevance = !strcmp(value, "relevance");
			q->sort_given = true;
			return 0;
		}
		snprintf(msg, size, staff ? "sort must be relevance, newest, oldest or due"
					  : "sort must be relevance, newest or oldest");
	} else if (!strcmp(key, "q")) {
		int rc = search_query_parse(value, r->d->cfg.ticket_prefix, &q->search, msg, size);
		if (rc == 0)
			return 0;
		if (rc != DK_ERR_INVALID)
			snprintf(msg, size, "q cannot be read: %s", dk_strerror(rc));
	} else if (!strcmp(key, "status")) {
		if (parse_statuses(r, value, q) == 0)
			return 0;
		snprintf(msg, size, "status must be up to %d statuses of the workflow "
			 "(GET /api/v1/workflow), separated by commas", TICKET_QUERY_STATUSES_MAX);
	} else if (!strcmp(key, "priority")) {
		if (parse_priorities(value, &q->priorities) == 0)
			return 0;
		snprintf(msg, size, "priority must be P1, P2, P3 or P4, or several separated by commas");
	} else if (!strcmp(key, "type")) {
		/* the rule ticket creation checks a given type with */
		if (strlen(value) <= TICKET_QUERY_TYPE_MAX && catalogue_ticket_type_valid(value)) {
			snprintf(q->type, sizeof q->type, "%s", value);
			return 0;
		}
		snprintf(msg, size, "type must be a ticket type: incident, security_incident, "
			 "question, service_request, task, problem or change_request");
	} else if (!strcmp(key, "service")) {
		if (service_syntax_ok(value)) {
			snprintf(q->service, sizeof q->service, "%s", value);
			return 0;
		}
		snprintf(msg, size, "service must be a service id of the catalogue (1 to %d "
			 "characters, no spaces)", TICKET_QUERY_SERVICE_MAX);
	} else if (!strcmp(key, "requester") && (staff || r->who.role == ROLE_ORG_CUSTOMER)) {
		/* a plain customer's list is theirs and what is shared with
		 * them: no requester to choose. Any id is taken: one of a
		 * ticket the caller may not see matches nothing, so the answer
		 * tells nothing about who exists */
		q->by_requester = true;
		if (!strcmp(value, "me")) {
			q->requester = r->who.user_id;
			return 0;
		}
		if (parse_u64(value, &q->requester) == 0 && q->requester)
			return 0;
		snprintf(msg, size, "requester must be me or a user id");
	} else if (!strcmp(key, "created_from") || !strcmp(key, "created_to") ||
		   !strcmp(key, "closed_from") || !strcmp(key, "closed_to")) {
		if (parse_range_day(key, value, q) == 0)
			return 0;
		snprintf(msg, size, "%s must be a date YYYY-MM-DD (a UTC day, from 1970)", key);
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
		/* org and assignee are support's filters, requester also an
		 * org-customer's: a customer's list has no such parameters */
		snprintf(msg, size, "unknown query parameter \"%.64s\"", key);
		return 1;
	}
	return -1;
}

/* The cursor for the sort: an id, or for sort=due "due_ms.id". */
static int parse_cursor(struct ticket_query *q)
{
	char *dot = strchr(q->cursor_text, '.');
	uint64_t first = 0;
	if (!q->cursor_text[0])
		return 0;
	if (!q->due && !q->relevance)
		return dot || parse_u64(q->cursor_text, &q->cursor) || !q->cursor ? -1 : 0;
	/* "due_ms.id" or "score.id" */
	if (!dot)
		return -1;
	*dot = '\0';
	int rc = parse_u64(q->cursor_text, &first) ||
			 first > (q->due ? (uint64_t)INT64_MAX : UINT32_MAX) ||
			 parse_u64(dot + 1, &q->cursor) || !q->cursor ? -1 : 0;
	*dot = '.';
	if (q->due)
		q->cursor_due = (int64_t)first;
	else
		q->cursor_score = (uint32_t)first;
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
	/* a decoded %00 would cut a value short unseen ("work%00place" read
	 * as "work") */
	if (r->query && (evhttp_parse_query_str(r->query, &kv) || strstr(r->query, "%00"))) {
		evhttp_clear_headers(&kv);
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		/* a parameter given twice is refused rather than one of the two
		 * silently winning. Known parameters are few and an unknown one
		 * ends the loop, so this look back stays short */
		bool twice = false;
		for (struct evkeyval *b = TAILQ_FIRST(&kv); b != e && !twice; b = TAILQ_NEXT(b, next))
			twice = !strcmp(b->key, e->key);
		if (twice) {
			snprintf(msg, sizeof msg, "%.64s is given twice", e->key);
			rc = -1;
		} else {
			rc = parse_param(r, mode, e->key, e->value, q, msg, sizeof msg);
		}
		if (rc) {
			http_reply_error(r, 400, rc > 0 ? "unknown_parameter" : "invalid_value", msg,
					 e->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	/* a search lists the best matches first unless told otherwise */
	if (rc == 0 && q->search.n && !q->sort_given)
		q->relevance = true;
	if (rc == 0 && q->relevance && !q->search.n) {
		http_reply_error(r, 400, "invalid_value", "sort=relevance goes with q", "sort");
		rc = -1;
	}
	if (rc == 0 && parse_cursor(q)) {
		http_reply_error(r, 400, "invalid_value", "cursor is not one this server gave out",
				 "cursor");
		rc = -1;
	}
	if (rc == 0 && q->created_to && q->created_from >= q->created_to) {
		http_reply_error(r, 400, "invalid_value", "created_from is after created_to",
				 "created_from");
		rc = -1;
	}
	if (rc == 0 && q->closed_to && q->closed_from >= q->closed_to) {
		http_reply_error(r, 400, "invalid_value", "closed_from is after closed_to",
				 "closed_from");
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
	if (!q->search.n)
		return 0;
	struct store_txn *txn;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc == 0) {
		rc = ticket_search_find(txn, &q->search, role_is_staff(r->who.role), &q->found);
		store_txn_abort(txn);
	}
	if (rc == TICKET_SEARCH_TOO_BROAD)
		http_reply_error(r, 422, "search_too_broad",
				 "a wildcard in q stands for too many words: give more letters", "q");
	else if (rc)
		http_reply_dk_error(r, rc);
	return rc ? -1 : 0;
}

void ticket_query_release(struct ticket_query *q)
{
	ticket_search_free(q->found);
	q->found = NULL;
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
	if (q->n_status) {
		bool in = false;
		for (size_t i = 0; i < q->n_status && t->status && !in; i++)
			in = !strcmp(t->status, q->status[i]);
		if (!in)
			return false;
	}
	if (q->priorities && (t->priority > 4 || !(q->priorities & (1u << t->priority))))
		return false;
	if (q->type[0] && (!t->type || strcmp(t->type, q->type)))
		return false;
	if (q->service[0] && (!t->service || strcmp(t->service, q->service)))
		return false;
	if (q->by_requester && t->requester_id != q->requester)
		return false;
	if (t->created_ms < q->created_from || (q->created_to && t->created_ms >= q->created_to))
		return false;
	if (q->by_closed && (!t->closed_ms || t->closed_ms < q->closed_from ||
			     (q->closed_to && t->closed_ms >= q->closed_to)))
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

/* With q: is id one of the tickets found, and in the list walked? A
 * search walks the tickets found, so it checks the list (cheap key reads
 * that also tell the view), a due walk the other way round. */
static int search_candidate(const struct walk *k, uint64_t id, bool *out)
{
	const struct ticket_query *q = k->q;
	const struct ticket_source *s = k->src;
	int rc = 0;

	*out = true;
	if (!q->found)
		return 0;
	if (q->due) {
		*out = ticket_search_lookup(q->found, id) != NULL;
		return 0;
	}
	if (q->found->narrowed)
		return 0;
	if (!s->customer)
		return store_ticket_listed(k->txn, s->scope, s->scope_id, q->bucket, id, out);
	rc = store_ticket_listed(k->txn, SCOPE_PARTY, k->r->who.user_id, q->bucket, id, out);
	if (rc == 0 && !*out && k->r->who.org_id)
		rc = store_ticket_listed(k->txn, SCOPE_ORG_SHARED, k->r->who.org_id, q->bucket, id,
					 out);
	return rc;
}

static void settle(struct ticket_walk *w, uint64_t id)
{
	w->seen_id = id;
	w->seen_due = w->due;
	w->seen_score = w->score;
}

static int id_fn(uint64_t id, void *arg)
{
	struct walk *k = arg;
	struct ticket_walk *w = k->w;
	struct ticket t;
	bool candidate;

	if (w->examined == w->scan_max) {
		w->more = w->cut = true;
		return STORE_WALK_STOP;
	}
	w->examined++;
	int rc = search_candidate(k, id, &candidate);
	if (rc)
		return rc;
	if (!candidate) {
		settle(w, id);
		return 0;
	}
	/* the index and the visibility rule disagree: the rule wins */
	rc = ticket_view_load(k->txn, &k->r->who, id, &t);
	if (rc == DK_ERR_NOTFOUND) {
		settle(w, id);
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
	settle(w, id);
	if (match) {
		rc = k->fn(k->txn, &t, k->arg);
		w->n++;
		w->last_id = id;
		w->last_due = w->due;
		w->last_score = w->score;
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

static int hit_fn(const struct search_hit *h, void *arg)
{
	struct walk *k = arg;
	k->w->score = h->score;
	return id_fn(h->id, k);
}

static int mark_fn(uint64_t id, void *arg)
{
	ticket_search_mark(arg, id);
	return 0;
}

static int add_tickets(char dim, const char *value, uint64_t count, void *arg)
{
	(void)value;
	if (dim == 'p')
		*(uint64_t *)arg += count;
	return 0;
}

/* When the caller's list is shorter than what the words found (a
 * customer's own tickets against a common word), one walk along the list
 * keeps only the tickets in it; else each ticket found is checked against
 * the list as the walk reaches it. */
static int search_narrow(struct walk *k)
{
	const struct ticket_query *q = k->q;
	const struct ticket_source *s = k->src;
	struct search_found *f = q->found;
	uint64_t listed = 0;
	int rc;

	if (f->narrowed || q->due)
		return 0;
	if (s->customer)
		rc = store_ticket_counts_customer(k->txn, k->r->who.user_id, k->r->who.org_id,
						  q->bucket, add_tickets, &listed);
	else
		rc = store_ticket_counts(k->txn, s->scope, s->scope_id, q->bucket, add_tickets,
					 &listed);
	if (rc || listed >= f->n)
		return rc;
	if (s->customer)
		rc = store_ticket_walk_customer(k->txn, k->r->who.user_id, k->r->who.org_id,
						q->bucket, 0, false, mark_fn, f);
	else
		rc = store_ticket_walk(k->txn, s->scope, s->scope_id, q->bucket, 0, false, mark_fn,
				       f);
	if (rc == 0) {
		ticket_search_retain(f);
		f->narrowed = true;
	}
	return rc;
}

int ticket_query_walk(struct req *r, struct store_txn *txn, const struct ticket_query *q,
		      const struct ticket_source *s, struct ticket_walk *w, ticket_query_fn fn,
		      void *arg)
{
	struct walk k = { r, txn, q, s, w, fn, arg };
	w->n = w->examined = 0;
	w->last_id = w->seen_id = 0;
	w->last_due = w->seen_due = w->due = 0;
	w->score = w->last_score = w->seen_score = 0;
	w->more = w->cut = false;
	if (q->found && !q->due) {
		int rc = search_narrow(&k);
		enum search_order order = q->relevance ? SEARCH_RELEVANCE
					  : q->oldest  ? SEARCH_OLDEST
						       : SEARCH_NEWEST;
		return rc ? rc : ticket_search_each(q->found, order, q->cursor_score, q->cursor,
						    hit_fn, &k);
	}
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
	uint32_t score = w->cut ? w->seen_score : w->last_score;
	if (!w->more || !id)
		return false;
	q->cursor = id;
	q->cursor_due = due;
	q->cursor_score = score;
	if (buf && q->due)
		snprintf(buf, size, "%lld.%llu", (long long)due, (unsigned long long)id);
	else if (buf && q->relevance)
		snprintf(buf, size, "%u.%llu", score, (unsigned long long)id);
	else if (buf)
		snprintf(buf, size, "%llu", (unsigned long long)id);
	return true;
}
