/*
 * Full-text search over the index storage keeps (store_search_*): the
 * tickets whose text holds every word of a query, each with a relevance
 * score. Which of them the caller may see, and the other filters, are
 * ticket_query.c's business: it walks these candidates in the order asked
 * for and checks each ticket as the lists do.
 */
#ifndef DESKD_TICKET_SEARCH_H
#define DESKD_TICKET_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search_query.h"
#include "store.h"

/* A wildcard may stand for at most this many distinct words. */
#define TICKET_SEARCH_EXPANSIONS_MAX 1000
/* ticket_search_find's answer for a wildcard that stands for more. */
#define TICKET_SEARCH_TOO_BROAD 1

struct search_hit {
	uint64_t id;
	uint32_t score; /* higher is more relevant */
	uint32_t keep;  /* scratch mark for ticket_search_retain */
};

struct search_found {
	struct search_hit *hits; /* ascending id */
	size_t n;
	bool narrowed;             /* the caller kept only the tickets of its list */
};

/* The tickets whose text holds every word of sq. Internal notes count
 * only with staff. 0, TICKET_SEARCH_TOO_BROAD, or a negative dk_err. *out
 * is the caller's: ticket_search_free. */
int ticket_search_find(struct store_txn *txn, const struct search_query *sq, bool staff,
		       struct search_found **out);
void ticket_search_free(struct search_found *f);

/* The hit of ticket id, or NULL. */
const struct search_hit *ticket_search_lookup(const struct search_found *f, uint64_t id);
/* Sets the keep mark of ticket id's hit: false when there is none. */
bool ticket_search_mark(struct search_found *f, uint64_t id);
/* Keeps only the hits whose keep mark is set (and clears the marks). */
void ticket_search_retain(struct search_found *f);

enum search_order { SEARCH_NEWEST, SEARCH_OLDEST, SEARCH_RELEVANCE };
/* Calls fn for each hit in order, starting after (after_score, after_id)
 * in that order (after_id 0: from the first); fn returns 0 to go on,
 * STORE_WALK_STOP to end (then 0) or an error, which is returned. */
typedef int (*search_hit_fn)(const struct search_hit *h, void *arg);
int ticket_search_each(struct search_found *f, enum search_order order, uint32_t after_score,
		       uint64_t after_id, search_hit_fn fn, void *arg);

#endif
