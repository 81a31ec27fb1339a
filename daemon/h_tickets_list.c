/*
 * GET /api/v1/tickets: the caller's tickets, newest or oldest first (for
 * support also due soonest), with the view's counts; filtered by statuses,
 * priorities, type, service and days created or closed, for support and
 * org-customers by requester, and for support by organisation, assignee
 * and breach (the agents' queue).
 *
 * The filters, the index walked and the walk itself are ticket_query.c's,
 * shared with the export. A page is filled by one walk of at most
 * LIST_SCAN_MAX entries, so a filter that matches little never holds the
 * loop: the page then comes back short, with a cursor to go on.
 */
#include <stdio.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "json_map.h"
#include "sla_engine.h"
#include "store.h"
#include "ticket_query.h"
#include "ticket_view.h"
#include "validate.h"

#define LIST_SCAN_MAX 5000

/* One page being filled by the walk. */
struct page {
	struct req *r;
	struct store_txn *txn;
	const struct ticket_query *q;
	const struct ticket_source *src;
	json_t *tickets;
};

static json_t *item_json(struct page *p, struct store_txn *txn, const struct ticket *t)
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
	json_object_set_new(j, "requester", ticket_view_person(txn, t->requester_id));
	json_t *sla = sla_ticket_json(p->r->d, txn, t, role_is_staff(p->r->who.role));
	if (sla)
		json_object_set_new(j, "sla", sla);
	return j;
}

static int page_fn(struct store_txn *txn, const struct ticket *t, void *arg)
{
	struct page *p = arg;
	json_t *j = item_json(p, txn, t);
	if (!j || json_array_append_new(p->tickets, j))
		return DK_ERR_NOMEM;
	return 0;
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
 * tell it exactly: statuses or priorities (a set of either adds up, each
 * ticket having one of each), not both, no org filter on top of the
 * assignee's list. */
struct matched {
	const struct ticket_query *q;
	uint64_t total, by_status, by_priority;
};

static int add_matched(char dim, const char *value, uint64_t count, void *arg)
{
	struct matched *m = arg;
	const struct ticket_query *q = m->q;
	if (dim == 'p') {
		uint8_t p = priority_parse(value);
		m->total += count;
		if (p && (q->priorities & (1u << p)))
			m->by_priority += count;
	} else if (dim == 's') {
		/* the set holds each status once */
		for (size_t i = 0; i < q->n_status; i++)
			if (!strcmp(value, q->status[i]))
				m->by_status += count;
	}
	return 0;
}

static int matched_json(struct page *p, json_t **out)
{
	const struct ticket_query *q = p->q;
	struct matched m = { .q = q };
	int rc;

	*out = json_null();
	/* no index counts breaches, the due order, types, services,
	 * requesters, days or search matches: unknown then, as for two
	 * filters */
	if ((q->n_status && q->priorities) || p->src->check_org || q->breached || q->due ||
	    q->type[0] || q->service[0] || q->by_requester || q->created_from || q->created_to ||
	    q->by_closed || q->found)
		return 0;
	if (p->src->customer)
		rc = store_ticket_counts_customer(p->txn, p->r->who.user_id, p->r->who.org_id,
						  q->bucket, add_matched, &m);
	else
		rc = store_ticket_counts(p->txn, p->src->scope, p->src->scope_id, q->bucket,
					 add_matched, &m);
	if (rc)
		return rc;
	*out = json_integer((json_int_t)(q->n_status ? m.by_status
					 : q->priorities ? m.by_priority : m.total));
	return 0;
}

void h_tickets_list(struct req *r)
{
	struct ticket_query q;
	struct ticket_source src;
	if (ticket_query_parse(r, TICKET_QUERY_PAGE, &q, &src))
		return;

	struct store_txn *txn;
	json_t *counts = NULL, *matched = NULL;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		ticket_query_release(&q);
		http_reply_dk_error(r, rc);
		return;
	}
	struct page p = { .r = r, .txn = txn, .q = &q, .src = &src, .tickets = json_array() };
	struct ticket_walk w = { .limit = q.limit, .scan_max = LIST_SCAN_MAX };
	counts = json_pack("{s:{s:i,s:i,s:i,s:i}, s:{}}", "priority", "P1", 0, "P2", 0, "P3", 0,
			   "P4", 0, "status");
	if (!p.tickets || !counts) {
		rc = DK_ERR_NOMEM;
		goto fail;
	}
	rc = ticket_query_walk(r, txn, &q, &src, &w, page_fn, &p);
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

	char cursor[48];
	bool more = ticket_query_advance(&q, &w, cursor, sizeof cursor);
	ticket_query_release(&q);
	http_reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o, s:o}", "view", q.view, "tickets",
					  p.tickets, "counts", counts, "matched", matched,
					  "next_cursor", more ? json_string(cursor) : json_null()));
	return;
fail:
	store_txn_abort(txn);
	ticket_query_release(&q);
	json_decref(p.tickets);
	json_decref(counts);
	json_decref(matched);
	http_reply_dk_error(r, rc);
}
