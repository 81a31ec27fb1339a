/*
 * Shared by the two files of store_verify: the walk's state and how a
 * problem is reported.
 */
#ifndef DESKD_STORE_VERIFY_INT_H
#define DESKD_STORE_VERIFY_INT_H

#ifndef DESKD_STORAGE_INTERNAL
#error "store_verify_int.h is private to storage/"
#endif

#include "store_internal.h"

struct verify {
	struct store_txn *txn;
	store_problem_fn fn;
	void *arg;
	int stop;          /* non-zero answer of fn: the walk ends with it */
	uint64_t max_id[DB_COUNT]; /* highest record id seen (users, orgs, tickets) */
	bool due_built;    /* schema 5 on: the due deadlines exist */
	/* day counts of purged tickets stay: the "purged" sequence, and what
	 * the stored days count beyond the tickets left */
	uint64_t purged, excess_opened, excess_closed;
	store_tick_fn tick; /* progress, every 1024 entries read; NULL: none */
	void *tick_arg;
	uint64_t seen;
};

static inline void verify_tick(struct verify *v)
{
	if (v->tick && (++v->seen & 1023) == 0)
		v->tick(v->seen, v->tick_arg);
}

/* Hands one problem to the caller's fn; returns what fn returned (also kept
 * in v->stop), so walks end as soon as the caller wants. key names the
 * entry ("user 12"), fmt says what is wrong. */
int verify_report(struct verify *v, enum store_db db, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Readable text of raw key bytes: printable ASCII as is, others as \xNN. */
void verify_key_text(const void *key, size_t klen, char *out, size_t size);

/* Rebuilds ticket_list, ticket_counts and day_counts from the tickets in
 * a scratch store and compares them with the stored ones entry by entry. */
int verify_ticket_indexes(struct verify *v);

/* The mail tables (store_verify_mail.c): messages decode under their own
 * keys, none is both queued and failed, the "mail" sequence is ahead. */
int verify_mail(struct verify *v);

/* The closed table (store_purge.c): each entry names a closed ticket at
 * the time it closed, and each closed ticket has its entry. */
int verify_closed(struct verify *v);

/* Attachments (store_attach.c): each description decodes under its key,
 * names a ticket and event that exist, and its chunks are complete and
 * match its size and SHA-256; no chunk lacks its description. */
int verify_attachments(struct verify *v);

#endif
