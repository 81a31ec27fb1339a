/*
 * deskd storage: one LMDB environment in the data directory. This header is
 * the whole interface; only storage/ includes <lmdb.h>.
 *
 * Databases (named LMDB databases, integer keys big-endian so cursors walk
 * them in order):
 *   meta            name -> value     "schema" (u32), sequences "seq:NAME" (u64),
 *                                     documents "doc:NAME" (bytes), "docs_version" (u64)
 *   users           id u64 -> user record
 *   users_by_email  folded e-mail -> id u64
 *   orgs            id u64 -> org record
 *   orgs_by_name    folded name -> id u64
 *   tickets         id u64 -> ticket record
 *   events          ticket id u64 . seq u32 -> event record
 *   sessions        sha256(secret) 32 bytes -> session record
 *   session_expiry  expires_ms u64 . sha256 -> (empty)
 *   ticket_list     scope u8 . scope id u64 . bucket u8 . ticket id u64 -> (empty)
 *   ticket_counts   scope u8 . scope id u64 . bucket u8 . dim u8 . value -> u64
 *
 * Every write of a record and its index entries happens in one transaction.
 * Functions return 0 or a negative enum dk_err.
 */
#ifndef DESKD_STORE_H
#define DESKD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dk_err.h"
#include "record.h"

/* 2: ticket lists gained the shared and assignee scopes; opening a version 1
 * database for writing rebuilds the lists (store_tickets_reindex). */
#define STORE_SCHEMA_VERSION 2

struct store;     /* opaque: the environment and its databases */
struct store_txn; /* opaque: one LMDB transaction */

struct store_opts {
	size_t map_size;     /* initial map size in bytes; 0: 64 MiB */
	size_t map_size_max; /* growth stops here; 0: 1 TiB */
	bool exclusive;      /* take the deskd lock (one deskd per directory) */
	bool read_only;      /* open without writing anything */
	bool create;         /* create the directory contents when empty */
};

/* Opens (and with opts->create initialises) the environment in dir. On
 * failure returns DK_ERR_NOTFOUND (no such directory / not initialised),
 * DK_ERR_ACCESS (not writable), DK_ERR_LOCKED (another deskd holds it),
 * DK_ERR_SCHEMA (newer schema), DK_ERR_CORRUPT or DK_ERR_IO, and writes a
 * sentence for the user into err. *out is owned by the caller: store_close. */
int store_open(const char *dir, const struct store_opts *opts, struct store **out,
	       char *err, size_t err_size);
void store_close(struct store *s);

/* Transactions. A read transaction sees one snapshot. commit and abort free
 * the txn. Pointers returned by getters stay valid until the txn ends only
 * where a function says so; records are always decoded into owned copies. */
int store_txn_begin(struct store *s, bool write, struct store_txn **out);
int store_txn_commit(struct store_txn *txn);
void store_txn_abort(struct store_txn *txn);

/* Runs fn inside a write transaction and commits. When the map is full the
 * transaction is aborted, the map grown and fn run again from the start, so
 * fn must keep all its effects inside the transaction (and reset anything it
 * reports through arg). If fn returns non-zero, nothing is written and that
 * value is returned. DK_ERR_NOSPACE when the map cannot grow further (it
 * only grows while no other transaction of this store is open). */
typedef int (*store_write_fn)(struct store_txn *txn, void *arg);
int store_write(struct store *s, store_write_fn fn, void *arg);

/* Sequences in meta: returns the next value (first is start + 1). */
int store_seq_next(struct store_txn *txn, const char *name, uint64_t start, uint64_t *out);
/* Sets a meta value to v as u32 big-endian (for example "schema"); for
 * migrations and tests. */
int store_meta_set_u32(struct store_txn *txn, const char *name, uint32_t v);

/* Users. put assigns u->id when 0 and keeps users_by_email in step; old is
 * the stored version (NULL for a new user). DK_ERR_EXISTS when the e-mail
 * belongs to another user. */
int store_user_get(struct store_txn *txn, uint64_t id, struct user *out);
int store_user_by_email(struct store_txn *txn, const char *email, struct user *out);
int store_user_put(struct store_txn *txn, const struct user *old, struct user *u);

/* Organisations; put as for users, unique by case-folded name. */
int store_org_get(struct store_txn *txn, uint64_t id, struct org *out);
int store_org_by_name(struct store_txn *txn, const char *name, struct org *out);
int store_org_put(struct store_txn *txn, const struct org *old, struct org *o);

/* Tickets. put assigns t->id from the "ticket" sequence when 0 (first id is
 * STORE_TICKET_FIRST) and moves the list and count entries from what old
 * implied to what t implies. */
#define STORE_TICKET_FIRST 10001
int store_ticket_get(struct store_txn *txn, uint64_t id, struct ticket *out);
int store_ticket_put(struct store_txn *txn, const struct ticket *old, struct ticket *t);

/* Timeline: assigns e->seq = ++t->event_count and e->ticket_id = t->id and
 * stores e; the caller stores t afterwards in the same transaction. */
int store_event_append(struct store_txn *txn, struct ticket *t, struct ticket_event *e);
/* One event (owned copy), and rewriting one that exists (same ticket and
 * seq; DK_ERR_NOTFOUND otherwise). */
int store_event_get(struct store_txn *txn, uint64_t ticket_id, uint32_t seq,
		    struct ticket_event *out);
int store_event_replace(struct store_txn *txn, const struct ticket_event *e);
/* Calls fn for each event of a ticket in order; a non-zero return stops the
 * walk and is returned. e is only valid during the call. */
typedef int (*store_event_fn)(const struct ticket_event *e, void *arg);
int store_events_each(struct store_txn *txn, uint64_t ticket_id, store_event_fn fn, void *arg);

/* Ticket lists. Each ticket is listed under every scope that may see it and
 * under every bucket its category belongs to: the ticket's stored category,
 * or for 0 the default workflow's category of its status. Scope ids:
 *   SCOPE_ALL           0
 *   SCOPE_ORG           the ticket's organisation
 *   SCOPE_PARTY         each party: the requester and every participant
 *   SCOPE_ORG_SHARED    the organisation, for tickets shared_with_org
 *   SCOPE_PARTY_SHARED  each party of a ticket shared_with_org; counts only
 *                       (no list), to take the overlap out of the customer
 *                       union's counts
 *   SCOPE_ASSIGNEE      the assignee's user id, 0 for unassigned tickets
 *   SCOPE_APPROVAL      the organisation, for tickets needing approval that no
 *                       approver has decided yet (and not closed)
 * A ticket of organisation 0 is never in the two shared scopes. */
enum list_scope {
	SCOPE_ALL = 0,
	SCOPE_ORG = 1,
	SCOPE_PARTY = 2,
	SCOPE_ORG_SHARED = 3,
	SCOPE_PARTY_SHARED = 4,
	SCOPE_ASSIGNEE = 5,
	SCOPE_APPROVAL = 6
};
enum list_bucket { BUCKET_ALL = 0, BUCKET_OPEN = 1, BUCKET_CLOSED = 2, BUCKET_RESOLVED = 3 };
/* Newest first: ids below before_id (0: from the newest), at most limit of
 * them into ids; *more tells whether further ids follow. */
int store_ticket_list(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
		      enum list_bucket bucket, uint64_t before_id, size_t limit,
		      uint64_t *ids, size_t *n, bool *more);
/* Maintained counts of a list, per priority (dim 'p', value "P1".."P4") and
 * per status (dim 's', value the status name); only non-zero counts. */
typedef int (*store_count_fn)(char dim, const char *value, uint64_t count, void *arg);
int store_ticket_counts(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
			enum list_bucket bucket, store_count_fn fn, void *arg);

/* A plain customer's view: the union of SCOPE_PARTY(user_id) and
 * SCOPE_ORG_SHARED(org_id) (org_id 0: the first alone), newest first, each
 * ticket once; paging as for store_ticket_list. */
int store_ticket_list_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
			       enum list_bucket bucket, uint64_t before_id, size_t limit,
			       uint64_t *ids, size_t *n, bool *more);
/* Counts of that union, as store_ticket_counts reports them: party +
 * org_shared - party_shared per (dim, value). Exact as long as the shared
 * tickets a user is party to belong to org_id (participants come from the
 * ticket's own organisation). */
int store_ticket_counts_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
				 enum list_bucket bucket, store_count_fn fn, void *arg);

/* Drops ticket_list and ticket_counts and rebuilds them from every ticket
 * record, in txn (a write transaction). *n_tickets (may be NULL) tells how
 * many tickets were indexed. For schema upgrades and repair. */
int store_tickets_reindex(struct store_txn *txn, uint64_t *n_tickets);

/* Named documents in meta (the catalogue, the workflow: JSON text). get
 * replaces the contents of out with the document (DK_ERR_NOTFOUND, out
 * empty, when there is none). put stores a copy of data and increments the
 * documents version, so a running deskd notices a change made by deskctl
 * with one cheap read of store_doc_version (0 before any put). Names are
 * 1..STORE_DOC_NAME_MAX bytes; DK_ERR_INVALID otherwise. */
#define STORE_DOC_NAME_MAX 64
int store_doc_get(struct store_txn *txn, const char *name, struct dk_buf *out);
int store_doc_put(struct store_txn *txn, const char *name, const void *data, size_t len);
int store_doc_version(struct store_txn *txn, uint64_t *out);

/* Sessions and API tokens, keyed by the SHA-256 of their secret. */
int store_session_get(struct store_txn *txn, const uint8_t key[32], struct session *out);
int store_session_put(struct store_txn *txn, const uint8_t key[32], const struct session *s);
int store_session_del(struct store_txn *txn, const uint8_t key[32]);
/* Deletes sessions that expired at or before now_ms, at most limit of them;
 * *n_deleted tells how many; returns the earliest remaining expiry in
 * *next_ms (0: none). */
int store_session_expire(struct store_txn *txn, int64_t now_ms, size_t limit,
			 size_t *n_deleted, int64_t *next_ms);

/* Raw walks over whole databases for dump, stats and verify. */
enum store_db {
	DB_META, DB_USERS, DB_USERS_BY_EMAIL, DB_ORGS, DB_ORGS_BY_NAME, DB_TICKETS,
	DB_EVENTS, DB_SESSIONS, DB_SESSION_EXPIRY, DB_TICKET_LIST, DB_TICKET_COUNTS,
	DB_COUNT
};
/* Name of a database as in the list above. */
const char *store_db_name(enum store_db db);
/* key and value are valid only during the call; non-zero return stops. */
typedef int (*store_raw_fn)(const void *key, size_t klen, const void *val, size_t vlen, void *arg);
int store_each(struct store_txn *txn, enum store_db db, store_raw_fn fn, void *arg);

struct store_stats {
	uint64_t entries[DB_COUNT];
	uint64_t map_size;   /* bytes */
	uint64_t map_used;   /* bytes in use (pages * page size) */
	uint32_t schema;
};
int store_stats_get(struct store_txn *txn, struct store_stats *out);

#endif
