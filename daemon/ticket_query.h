/*
 * The caller's filtered ticket list, shared by the paged list (GET
 * /api/v1/tickets) and the export (GET /api/v1/tickets/export): the query
 * parameters, the index a walk goes along for the caller's role, and the
 * walk itself with every filter and the visibility rule checked on each
 * ticket. One place, so both answer with the same tickets in the same order.
 */
#ifndef DESKD_TICKET_QUERY_H
#define DESKD_TICKET_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "ticket_search.h"

struct req;
struct ticket;

#define TICKET_QUERY_STATUS_MAX 64
#define TICKET_QUERY_STATUSES_MAX 16  /* statuses in one status=a,b,... */
#define TICKET_QUERY_TYPE_MAX 32
#define TICKET_QUERY_SERVICE_MAX 64
#define TICKET_QUERY_CURSOR_MAX 40

struct ticket_query {
	enum list_bucket bucket;
	const char *view;         /* static string */
	size_t limit;             /* the page size (paged mode) */
	uint64_t cursor;          /* the last id of the previous page; 0: first page */
	int64_t cursor_due;       /* sort=due: and the due time of that entry */
	char cursor_text[TICKET_QUERY_CURSOR_MAX + 1]; /* as given; read once sort is known */
	bool oldest;              /* sort=oldest: ascending creation */
	bool due;                 /* sort=due: the deadline index's due order (staff) */
	bool relevance;           /* sort=relevance: best match first (with q) */
	bool sort_given;          /* sort= was in the query */
	uint32_t cursor_score;    /* sort=relevance: and the score of that entry */
	struct search_query search; /* q: the words to find; n 0: no search */
	struct search_found *found; /* q: the tickets holding them (ticket_query_release) */
	/* status=a,b: any of these (each once); n_status 0: any */
	char status[TICKET_QUERY_STATUSES_MAX][TICKET_QUERY_STATUS_MAX + 1];
	size_t n_status;
	uint8_t priorities;       /* priority=P1,P2: bit 1 << p for each; 0: any */
	char type[TICKET_QUERY_TYPE_MAX + 1];       /* "": any */
	char service[TICKET_QUERY_SERVICE_MAX + 1]; /* "": any */
	bool by_requester;
	uint64_t requester;
	/* created_* and closed_*: [from, to) in ms, UTC days; from 0: since
	 * 1970, to 0: no end (the end of a day is never 0) */
	int64_t created_from, created_to;
	bool by_closed;           /* a closed_* was given: closed tickets only */
	int64_t closed_from, closed_to;
	bool by_org;
	uint64_t org;
	bool by_assignee;
	uint64_t assignee;        /* 0 with by_assignee: unassigned */
	bool breached;            /* breached=true: an SLA clock is breached (staff) */
};

/* The index a walk goes along. */
struct ticket_source {
	bool customer;           /* the union of a plain customer's lists */
	enum list_scope scope;
	uint64_t scope_id;
	bool check_org;          /* the index does not imply the org filter */
	bool check_assignee;     /* nor the assignee filter (sort=due) */
	bool check_open;         /* nor the view open (sort=due) */
	enum list_scope view_scope; /* the list of the whole view, for its counts */
	uint64_t view_scope_id;
};

enum ticket_query_mode {
	TICKET_QUERY_PAGE,   /* limit and cursor */
	TICKET_QUERY_EXPORT  /* the whole list: no limit or cursor; "format" is the caller's */
};

/* Parses r->query into q and picks the index for the caller's role into s:
 * 0, or replies 400 naming the parameter and returns -1. With q, it also
 * looks the words up (422 search_too_broad for a wildcard that stands for
 * too many words); ticket_query_release frees what that found. */
int ticket_query_parse(struct req *r, enum ticket_query_mode mode, struct ticket_query *q,
		       struct ticket_source *s);

/* One walk: fn is called for each visible ticket that matches, in list
 * order, until limit tickets matched (more tells whether another one
 * follows), the list ends, or scan_max entries were examined (cut). t is
 * valid during the call only; fn returns 0 or a negative dk_err, which ends
 * the walk and is returned. */
typedef int (*ticket_query_fn)(struct store_txn *txn, const struct ticket *t, void *arg);
struct ticket_walk {
	size_t limit;        /* in: matches wanted */
	size_t scan_max;     /* in: entries examined at most */
	size_t n;            /* out: matches given to fn */
	uint64_t last_id;    /* the last ticket matched */
	int64_t last_due;
	uint64_t seen_id;    /* the last id settled: matched or passed over */
	int64_t seen_due;
	int64_t due;         /* sort=due: the due time of the entry at hand */
	uint32_t score, last_score, seen_score; /* sort=relevance: as for due */
	size_t examined;
	bool more;           /* the list goes on after this walk */
	bool cut;            /* stopped by scan_max */
};
int ticket_query_walk(struct req *r, struct store_txn *txn, const struct ticket_query *q,
		      const struct ticket_source *s, struct ticket_walk *w, ticket_query_fn fn,
		      void *arg);

void ticket_query_release(struct ticket_query *q);

/* After a walk with more: moves q's cursor to where the next walk goes on.
 * Writes the cursor as the list gives it out ("id", or "due_ms.id") into
 * buf when buf is not NULL. False when there is nothing to go on from. */
bool ticket_query_advance(struct ticket_query *q, const struct ticket_walk *w, char *buf,
			  size_t size);

#endif
