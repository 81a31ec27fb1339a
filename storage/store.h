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
 *   sessions_by_user  user id u64 . sha256 -> (empty)
 *   users_by_role   role u8 . user id u64 -> (empty)
 *   day_counts      UTC day u32 (days since 1970-01-01) -> opened u64 . closed u64
 *   closed          closed_ms u64 . ticket id u64 -> (empty): tickets in a closed
 *                   category, by when they closed (store_purge.c)
 *   attachments     ticket id u64 . attachment id u64 -> attachment record
 *   blobs           attachment id u64 . chunk no u32 -> file bytes (store_attach.c)
 *   search          term . 0x00 . ticket id u64 -> occurrences in title, public
 *                   text and internal notes (3 x u32)
 *   search_terms    term -> number of tickets holding it (u32) (store_search.c)
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

/* 2: ticket lists gained the shared and assignee scopes.
 * 3: sessions_by_user, users_by_role and day_counts.
 * 4: sla, deadlines and escalations (start empty: nothing to build).
 * 5: deadlines of kind STORE_DEADLINE_DUE, built from the sla states.
 * 6: outbox and mail_failed, access_requests and access_list (start empty:
 *    nothing to build).
 * 7: closed, the closed tickets in order of closing (for retention),
 *    built from the tickets.
 * 8: attachments and blobs (start empty: nothing to build).
 * 9: search and search_terms, built from the tickets and their timelines.
 * 10: a requester is listed (SCOPE_PARTY) only while they belong to the
 *    ticket's organisation; lists and counts rebuilt.
 * Opening an older database for writing builds what it lacks once
 * (store_tickets_reindex, the session and role indexes,
 * store_deadlines_rebuild, the closed table and the search index); a read-only open sees the
 * tables it lacks as empty. */
#define STORE_SCHEMA_VERSION 10

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

/* --- Full-text search (storage/store_search.c) ---
 * store_ticket_put, store_event_append, store_event_replace and
 * store_ticket_del keep the index; these read it. Terms are folded as
 * proto/search_text.h folds them (at most SEARCH_TERM_MAX bytes). */
struct store_search_hit {
	uint32_t title;    /* occurrences in the title and the ticket's number */
	uint32_t public;   /* in text customers see: description, public comments */
	uint32_t internal; /* in internal notes */
};
/* The tickets holding term, in ascending id order; fn returns 0 to go on,
 * STORE_WALK_STOP to end (then 0 is returned) or an error. */
typedef int (*store_search_hit_fn)(uint64_t ticket_id, const struct store_search_hit *h,
				   void *arg);
int store_search_postings(struct store_txn *txn, const char *term, size_t len,
			  store_search_hit_fn fn, void *arg);
/* One ticket's entry for term: 0 or DK_ERR_NOTFOUND. */
int store_search_get(struct store_txn *txn, const char *term, size_t len, uint64_t ticket_id,
		     struct store_search_hit *out);
/* The distinct terms that start with prefix (len 0: every term) in byte
 * order, with how many tickets hold each; fn as for postings. */
typedef int (*store_search_term_fn)(const char *term, size_t len, uint32_t tickets, void *arg);
int store_search_terms(struct store_txn *txn, const char *prefix, size_t len,
		       store_search_term_fn fn, void *arg);
/* How many tickets hold term (0 when none). */
int store_search_term_tickets(struct store_txn *txn, const char *term, size_t len,
			      uint32_t *out);

/* Group commit, for a server: after store_group_commit, store_write runs
 * fn in a nested transaction of one open batch transaction instead of
 * committing on its own, so the writes of many requests share one commit
 * (one fsync). A failing fn undoes only its own nested transaction. The
 * first store_write opens the batch and calls opened(arg): the caller
 * then arranges for store_batch_commit soon (the end of its loop turn).
 * store_batch_commit commits it and calls closed(arg, rc, writes) with
 * the result and how many store_writes the batch held;
 * until then nothing of the batch is durable, so a server holds back what
 * it says about it (its replies). A fn that fills the map commits the
 * batch so far (closed is called), grows the map and runs again in a new
 * batch.
 * While a batch is open, store_txn_begin of a read transaction reads the
 * batch itself (the writes made so far, read-your-writes);
 * store_txn_begin_committed reads only what is committed (for anything
 * that acts on data outside the reply: mail delivery, streamed
 * downloads). Both callbacks NULL turns grouping off again. */
void store_group_commit(struct store *s, void (*opened)(void *arg),
			void (*closed)(void *arg, int rc, size_t writes), void *arg);
/* Which writes join the batch: those made while on (a server's request
 * handlers). Others (timers, deliveries) commit what the batch holds and
 * then commit on their own, as without grouping, so what they log has
 * been written. */
void store_batch_join(struct store *s, bool on);
bool store_batch_open(const struct store *s);
int store_batch_commit(struct store *s);
int store_txn_begin_committed(struct store *s, struct store_txn **out);

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
/* Calls fn for every user with the given role (disabled ones included), in
 * id order, through users_by_role. u is valid only during the call; a
 * non-zero return stops the walk and is returned. */
typedef int (*store_user_fn)(const struct user *u, void *arg);
int store_users_by_role(struct store_txn *txn, enum role role, store_user_fn fn, void *arg);

/* Organisations; put as for users, unique by case-folded name. */
int store_org_get(struct store_txn *txn, uint64_t id, struct org *out);
int store_org_by_name(struct store_txn *txn, const char *name, struct org *out);
int store_org_put(struct store_txn *txn, const struct org *old, struct org *o);
/* Calls fn for every organisation in the order of its case-folded name; o
 * is valid only during the call; a non-zero return stops and is returned. */
typedef int (*store_org_fn)(const struct org *o, void *arg);
int store_orgs_each(struct store_txn *txn, store_org_fn fn, void *arg);

/* Tickets. put assigns t->id from the "ticket" sequence when 0 (first id is
 * STORE_TICKET_FIRST) and moves the list and count entries from what old
 * implied to what t implies. In the same transaction it counts the ticket
 * in day_counts: opened on the UTC day of created_ms when old is NULL, and
 * closed on the day of closed_ms (updated_ms when 0) when t enters a
 * closed-category status that old was not in. A time of 0 is not counted. */
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
 *   SCOPE_PARTY         each party: the requester (while in the ticket's
 *                       organisation, as they see it only then) and every
 *                       participant
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
/* Is ticket_id in that list? *out tells; 0 or an error. */
int store_ticket_listed(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
			enum list_bucket bucket, uint64_t ticket_id, bool *out);
/* Walks: fn gets the ids of one list in order, newest first (descending)
 * or with ascending oldest first, starting after after_id in that order (0:
 * from the start). fn returns 0 to go on, STORE_WALK_STOP to end the walk
 * (which then returns 0) or a negative dk_err, which ends it and is
 * returned. fn may read anything in txn but must not change the list. Ids
 * increase with creation, so id order is creation order. */
#define STORE_WALK_STOP 1
typedef int (*store_id_fn)(uint64_t id, void *arg);
int store_ticket_walk(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
		      enum list_bucket bucket, uint64_t after_id, bool ascending,
		      store_id_fn fn, void *arg);
/* The same over a plain customer's union (see store_ticket_list_customer),
 * each ticket once. */
int store_ticket_walk_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
			       enum list_bucket bucket, uint64_t after_id, bool ascending,
			       store_id_fn fn, void *arg);
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

/* Drops ticket_list, ticket_counts and day_counts and rebuilds them from
 * every ticket record (day counts from created_ms and, for tickets in a
 * closed category, closed_ms), in txn (a write transaction). *n_tickets
 * (may be NULL) tells how many tickets were indexed. For schema upgrades
 * and repair. */
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
/* Deletes every session of user_id of the given kind (0: any kind) except
 * the one keyed keep (NULL: none), through sessions_by_user; *n_deleted
 * (may be NULL) tells how many. */
int store_session_del_user(struct store_txn *txn, uint64_t user_id, enum session_kind kind,
			   const uint8_t keep[32], size_t *n_deleted);
/* Deletes sessions that expired at or before now_ms, at most limit of them;
 * *n_deleted tells how many; returns the earliest remaining expiry in
 * *next_ms (0: none). */
int store_session_expire(struct store_txn *txn, int64_t now_ms, size_t limit,
			 size_t *n_deleted, int64_t *next_ms);

/* Tickets opened and closed per UTC day, kept by store_ticket_put. Days are
 * numbered from 1970-01-01 (day 0); store_day_of gives a time's day. get
 * fills out[0..n_days-1] for first_day, first_day + 1, ... (zeros for days
 * without tickets) with one range read. n_days at most STORE_DAYS_MAX. */
#define STORE_DAYS_MAX 4096
struct store_day {
	uint64_t opened;
	uint64_t closed;
};
uint32_t store_day_of(int64_t ms);
int store_days_get(struct store_txn *txn, uint32_t first_day, uint32_t n_days,
		   struct store_day *out);

/* Raw walks over whole databases for dump, stats and verify. */
enum store_db {
	DB_META, DB_USERS, DB_USERS_BY_EMAIL, DB_ORGS, DB_ORGS_BY_NAME, DB_TICKETS,
	DB_EVENTS, DB_SESSIONS, DB_SESSION_EXPIRY, DB_TICKET_LIST, DB_TICKET_COUNTS,
	DB_SESSIONS_BY_USER, DB_USERS_BY_ROLE, DB_DAY_COUNTS,
	DB_SLA, DB_DEADLINES, DB_ESCALATIONS,
	DB_ACCESS_REQUESTS, DB_ACCESS_LIST,
	DB_OUTBOX, DB_MAIL_FAILED,
	DB_CLOSED,
	DB_ATTACHMENTS, DB_BLOBS,
	DB_SEARCH, DB_SEARCH_TERMS,
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

/* --- Administration: backup, verify, and what dump and restore need --- */

/* Copies the database, as one consistent snapshot, into dest_dir/data.mdb
 * (mode 0600) with free pages left out; deskd may go on writing meanwhile.
 * dest_dir is created (0700) when missing and must be empty otherwise.
 * The copy is a data directory deskd and deskctl open as it is. On failure
 * nothing is left behind; err gets a sentence for the user. 0,
 * DK_ERR_EXISTS (dest_dir not empty), DK_ERR_NOTFOUND, DK_ERR_ACCESS,
 * DK_ERR_NOSPACE or DK_ERR_IO. */
int store_backup(struct store *s, const char *dest_dir, char *err, size_t err_size);

/* One problem verify found: the database it is in, the entry ("user 12",
 * "ticket 10001 event 3", "list org 3 open ticket 10002") and a sentence.
 * The strings are valid only during the call. */
struct store_problem {
	enum store_db db;
	const char *key;
	const char *message;
};
typedef int (*store_problem_fn)(const struct store_problem *p, void *arg);
/* Decodes every record of every database in txn's snapshot and checks each
 * index entry against its record and each record against the entries it
 * implies: users_by_email, users_by_role, orgs_by_name, sessions with
 * session_expiry and sessions_by_user, events against their tickets (and
 * event_count), sequences ahead of the ids in use, ticket_list,
 * ticket_counts and day_counts against a rebuild from the tickets (made in
 * a scratch store under TMPDIR, removed afterwards), and the deadlines
 * against the SLA states (sla_state_deadlines: missing, extra, at another
 * time, or of a ticket or state that does not exist), and the mail tables
 * (messages decode under their own keys, none both queued and failed, the
 * "mail" sequence ahead). fn is called once per
 * problem; its non-zero return stops the walk and is returned. 0 means
 * the walk completed (problems or not); a negative dk_err means the data
 * could not be read (DK_ERR_CORRUPT for a damaged LMDB tree). */
int store_verify(struct store_txn *txn, store_problem_fn fn, void *arg);
/* The same, calling tick now and then (every 1024 entries) with the
 * number of entries of the record and index tables read so far, for a
 * progress bar; tick may be NULL. */
typedef void (*store_tick_fn)(uint64_t done, void *arg);
int store_verify_ticking(struct store_txn *txn, store_problem_fn fn, void *arg,
			 store_tick_fn tick, void *tick_arg);

/* Values in meta other than the schema and docs_version, in key order:
 * sequences ("seq:NAME", name and value), documents ("doc:NAME", name and
 * bytes) and anything else (raw key and value). All pointers are valid
 * only during the call; a non-zero return of fn stops and is returned. */
enum store_meta_kind { STORE_META_SEQ, STORE_META_DOC, STORE_META_OTHER };
struct store_meta_entry {
	enum store_meta_kind kind;
	const char *name;      /* SEQ, DOC: the name; OTHER: "" */
	uint64_t seq;          /* SEQ: the value */
	const void *data;      /* the stored value */
	size_t len;
	const void *key;       /* the whole key */
	size_t klen;
};
typedef int (*store_meta_fn)(const struct store_meta_entry *e, void *arg);
int store_meta_each(struct store_txn *txn, store_meta_fn fn, void *arg);
/* Setters for restore. seq_set stores a sequence's value as it is (the
 * next id is value + 1). meta_put_raw stores a value of the OTHER kind;
 * DK_ERR_INVALID for the schema, docs_version, "seq:" and "doc:" keys,
 * which have their own functions. */
int store_seq_set(struct store_txn *txn, const char *name, uint64_t value);
int store_meta_put_raw(struct store_txn *txn, const void *key, size_t klen, const void *val,
		       size_t vlen);
/* Reads a value of the OTHER kind (such as a server secret): replaces the
 * contents of out with it, DK_ERR_NOTFOUND (out empty) when absent,
 * DK_ERR_INVALID for the keys meta_put_raw refuses. */
int store_meta_get_raw(struct store_txn *txn, const void *key, size_t klen, struct dk_buf *out);
/* Day counts exactly as a dump holds them (they may outlive the tickets
 * they were counted from): days_each walks every stored day in order,
 * day_set stores one (both zero: deletes it), days_clear empties them all
 * (in a write transaction). */
typedef int (*store_day_fn)(uint32_t day, const struct store_day *d, void *arg);
int store_days_each(struct store_txn *txn, store_day_fn fn, void *arg);
int store_day_set(struct store_txn *txn, uint32_t day, const struct store_day *d);
int store_days_clear(struct store_txn *txn);
/* Tables dump carries as stored bytes and restore writes back as they were
 * (store_each reads them): the SLA engine's sla, deadlines and escalations,
 * whose rules live in the daemon (the deadlines' in proto/sla_record.h).
 * raw_put refuses other tables (DK_ERR_INVALID) and a key that is there
 * already (DK_ERR_EXISTS). */
bool store_db_is_raw(enum store_db db);
int store_raw_put(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
		  const void *val, size_t vlen);

/* --- Service levels (storage/store_sla.c; the engine is daemon/sla_engine.c) ---
 *   sla          ticket id u64 -> SLA state (proto/sla_record.h)
 *   deadlines    kind u8 . due_ms u64 . ticket id u64 -> (empty), the
 *                entries sla_state_deadlines (proto/sla_record.h) gives
 *                for each state
 *   escalations  time_ms u64 . ticket id u64 . kind u8 -> (empty): the
 *                record of breaches (their escalation contacts were mailed
 *                in the same transaction, daemon/notify.c)
 * The engine writes them in the transaction of the ticket change that
 * causes them. */
struct sla_state;
enum store_deadline_kind {
	STORE_DEADLINE_RESPONSE_WARNING = 1,
	STORE_DEADLINE_RESPONSE_BREACH = 2,
	STORE_DEADLINE_RESOLUTION_WARNING = 3,
	STORE_DEADLINE_RESOLUTION_BREACH = 4,
	STORE_DEADLINE_TRIAGE_BREACH = 5,
	STORE_DEADLINE_AUTO_CLOSE = 6,
	STORE_DEADLINE_DUE = 7 /* no timer: the queue's "due soonest" order */
};
#define STORE_DEADLINE_FIRST STORE_DEADLINE_RESPONSE_WARNING
#define STORE_DEADLINE_TIMER_LAST STORE_DEADLINE_AUTO_CLOSE /* the kinds timers act on */
#define STORE_DEADLINE_LAST STORE_DEADLINE_DUE
struct store_deadline {
	uint8_t kind;
	int64_t due_ms;
	uint64_t ticket_id;
};
/* A ticket's SLA state: get decodes into *out (sla_state_init's on
 * failure; DK_ERR_NOTFOUND for a ticket without one). */
int store_sla_get(struct store_txn *txn, uint64_t ticket_id, struct sla_state *out);
int store_sla_put(struct store_txn *txn, uint64_t ticket_id, const struct sla_state *s);
int store_sla_del(struct store_txn *txn, uint64_t ticket_id);
/* Index entries; del of an absent entry is 0. DK_ERR_INVALID for a kind
 * outside the enum or a negative time. */
int store_deadline_put(struct store_txn *txn, uint8_t kind, int64_t due_ms, uint64_t ticket_id);
int store_deadline_del(struct store_txn *txn, uint8_t kind, int64_t due_ms, uint64_t ticket_id);
/* The earliest entry of kind (one cursor step): 0 and *out, or
 * DK_ERR_NOTFOUND (*out zeroed) when there is none. */
int store_deadline_first(struct store_txn *txn, uint8_t kind, struct store_deadline *out);
/* Entries of kind due at or before now_ms, earliest first, at most max of
 * them into out; *n tells how many. Reads only those (plus one). */
int store_deadlines_due(struct store_txn *txn, uint8_t kind, int64_t now_ms,
			struct store_deadline *out, size_t max, size_t *n);
/* Calls fn for the entries of kind, earliest first (equal times by ticket
 * id), from the one after *after (NULL: from the earliest); fn returns 0
 * to go on, STORE_WALK_STOP to end (the walk returns 0) or a negative
 * dk_err. d is valid during the call; fn must not change the index. */
typedef int (*store_deadline_fn)(const struct store_deadline *d, void *arg);
int store_deadline_walk(struct store_txn *txn, uint8_t kind, const struct store_deadline *after,
			store_deadline_fn fn, void *arg);
/* Replaces every entry of kind by those the SLA states imply, reading all
 * states (in a write transaction): for schema upgrades and restore.
 * *n (may be NULL) tells how many entries were written. */
int store_deadlines_rebuild(struct store_txn *txn, uint8_t kind, uint64_t *n);
/* Notes a breach of kind on a ticket for its escalation contacts. */
int store_escalation_put(struct store_txn *txn, int64_t time_ms, uint64_t ticket_id,
			 uint8_t kind);

/* --- Access requests (storage/store_access.c) ---
 *   access_requests  id u64 -> access request record (record.h)
 *   access_list      scope u8 . org id u64 . state u8 . id u64 -> (empty):
 *                    scope 0 (org id 0) lists every request, scope 1 those
 *                    of one organisation; state 0 lists every state.
 * Both tables start empty in an older database (nothing to build) and are
 * carried by dump as stored (store_db_is_raw). */
int store_access_get(struct store_txn *txn, uint64_t id, struct access_request *out);
/* put assigns a->id from the "access_request" sequence when 0 and moves
 * the list entries from what old implied to what a implies; old is the
 * stored version, NULL for a new request. */
int store_access_put(struct store_txn *txn, const struct access_request *old,
		     struct access_request *a);
/* fn gets the ids of the requests of org_id (0: every organisation) in
 * state (0: any), newest first, starting below before_id (0: the newest);
 * it returns 0 to go on, STORE_WALK_STOP or a negative dk_err as for
 * store_ticket_walk. */
int store_access_walk(struct store_txn *txn, uint64_t org_id, uint8_t state, uint64_t before_id,
		      store_id_fn fn, void *arg);


/* --- Mail (storage/store_outbox.c; the engine is daemon/mail.c) ---
 *   outbox       due_ms u64 . seq u64 -> message (proto/mail_record.h)
 *   mail_failed  seq u64 -> message given up (failed_ms and error set)
 * seq comes from the "mail" sequence and names a message for its whole
 * life; a message is in one of the two tables at a time. Both start empty
 * in an older database and are carried by dump as stored
 * (store_db_is_raw). Decoded messages point into the database: m->data
 * is valid until the transaction ends. */
struct mail_msg;
struct store_mail_pos {
	int64_t due_ms;   /* outbox: when it is due; mail_failed: 0 */
	uint64_t seq;
};
/* put: DK_ERR_INVALID for a negative due time, seq 0 or a message that
 * does not encode (mail_msg_encode); DK_ERR_EXISTS when the key is taken.
 * get and del: DK_ERR_NOTFOUND when it is not there. */
int store_outbox_put(struct store_txn *txn, int64_t due_ms, const struct mail_msg *m);
int store_outbox_get(struct store_txn *txn, int64_t due_ms, uint64_t seq, struct mail_msg *out);
int store_outbox_del(struct store_txn *txn, int64_t due_ms, uint64_t seq);
/* Walks: earliest due first (outbox) or by seq (mail_failed), starting
 * after *after / after_seq (NULL / 0: from the first). fn returns 0 to go
 * on, STORE_WALK_STOP to end (the walk returns 0) or a negative dk_err;
 * pos and m are valid during the call and fn must not change the table.
 * Entries that do not decode are passed over (verify reports them). */
typedef int (*store_mail_fn)(const struct store_mail_pos *pos, const struct mail_msg *m,
			     void *arg);
int store_outbox_walk(struct store_txn *txn, const struct store_mail_pos *after,
		      store_mail_fn fn, void *arg);
/* Where message seq waits in the outbox (a walk: for the admin's tools
 * and the rare message moved while being delivered); DK_ERR_NOTFOUND. */
int store_outbox_find(struct store_txn *txn, uint64_t seq, struct store_mail_pos *out);
int store_mail_failed_put(struct store_txn *txn, const struct mail_msg *m);
int store_mail_failed_get(struct store_txn *txn, uint64_t seq, struct mail_msg *out);
int store_mail_failed_del(struct store_txn *txn, uint64_t seq);
int store_mail_failed_walk(struct store_txn *txn, uint64_t after_seq, store_mail_fn fn,
			   void *arg);


/* --- Inbound mail (storage/store_mail_in.c), kept in meta ---
 *   "mail_in:key"                  sha256 of the mail gateway's secret (32)
 *   "mail_in:id:" sha256(Message-ID)  -> ticket id u64 . time_ms u64
 *   "mail_in:at:" time_ms u64 . sha256(Message-ID) -> (empty), for pruning
 * Dump and restore carry them as meta values. */
#define STORE_MAIL_IN_KEEP_MS (INT64_C(90) * 24 * 3600 * 1000) /* then a Message-ID is forgotten */
/* key_get: 0, DK_ERR_NOTFOUND (no gateway set up yet) or DK_ERR_CORRUPT. */
int store_mail_in_key_get(struct store_txn *txn, uint8_t out[32]);
int store_mail_in_key_put(struct store_txn *txn, const uint8_t key[32]);
/* 0 and the ticket the message went to, or DK_ERR_NOTFOUND. */
int store_mail_in_seen(struct store_txn *txn, const uint8_t id_hash[32], uint64_t *ticket_id);
/* Records a Message-ID (DK_ERR_EXISTS when it is recorded already) and
 * forgets a few older than STORE_MAIL_IN_KEEP_MS. */
int store_mail_in_note(struct store_txn *txn, const uint8_t id_hash[32], uint64_t ticket_id,
		       int64_t now_ms);
/* Forgets at most limit (up to 16) Message-IDs recorded before before_ms;
 * *n tells how many. */
int store_mail_in_prune(struct store_txn *txn, int64_t before_ms, size_t limit, size_t *n);

/* --- Retention (storage/store_purge.c) ---
 * Closed tickets leave for good after a configured number of years; the
 * closed table finds them without reading the others. */
/* now_ms minus years calendar years (UTC; 29 February becomes 28). */
int64_t store_retention_cutoff(int64_t now_ms, unsigned years);
/* fn gets the ids of the tickets that closed before before_ms, earliest
 * closed first; it returns 0, STORE_WALK_STOP or a negative dk_err as for
 * store_ticket_walk and must not change the table. */
int store_closed_walk(struct store_txn *txn, int64_t before_ms, store_id_fn fn, void *arg);
/* Deletes a ticket with everything that belongs to it alone: its timeline,
 * list, count and closed entries, SLA state and deadline entries. The day
 * counts keep it (they are statistics; the "purged" sequence counts the
 * tickets purged, so verify tells those counts from errors).
 * DK_ERR_NOTFOUND when there is no such ticket. */
int store_ticket_purge(struct store_txn *txn, uint64_t id);
/* Purges at most limit tickets that closed before before_ms, earliest
 * first; *n tells how many, *more whether others closed before before_ms
 * remain (both may be NULL). */
int store_tickets_purge(struct store_txn *txn, int64_t before_ms, size_t limit, size_t *n,
			bool *more);
/* Sessions of any kind that belong to user_id or, for one-time links
 * without a user, name email (folded; NULL: none): fn gets the key (the
 * SHA-256 of the secret) and the session, valid during the call. */
typedef int (*store_session_fn)(const uint8_t key[32], const struct session *s, void *arg);
int store_sessions_of(struct store_txn *txn, uint64_t user_id, const char *email,
		      store_session_fn fn, void *arg);

/* --- Attachments (storage/store_attach.c; record in proto/attachment_record.h) ---
 * A file is one description in attachments and its bytes in blobs, chunk
 * 0.. of ATTACHMENT_CHUNK bytes (the last one shorter; an empty file has
 * none). Both tables start empty in an older database and are carried by
 * dump as stored (store_db_is_raw); a purged ticket's files go with it. */
struct attachment;
/* put assigns a->id from the "attachment" sequence when 0 and stores the
 * description (replacing one with the same ticket and id). */
int store_attachment_put(struct store_txn *txn, struct attachment *a);
/* DK_ERR_NOTFOUND, DK_ERR_CORRUPT or 0 and *out. */
int store_attachment_get(struct store_txn *txn, uint64_t ticket_id, uint64_t id,
			 struct attachment *out);
/* fn gets each attachment of a ticket in id (upload) order; a is valid
 * during the call; STORE_WALK_STOP ends the walk (which returns 0), a
 * negative dk_err ends it and is returned. Descriptions that do not
 * decode are passed over (verify reports them). */
typedef int (*store_attachment_fn)(const struct attachment *a, void *arg);
int store_attachments_each(struct store_txn *txn, uint64_t ticket_id, store_attachment_fn fn,
			   void *arg);
/* One chunk: put refuses more than ATTACHMENT_CHUNK bytes (DK_ERR_INVALID)
 * and a chunk that is there (DK_ERR_EXISTS); get points *data into the
 * map, valid until the transaction ends. */
int store_blob_put(struct store_txn *txn, uint64_t id, uint32_t chunk, const void *data,
		   size_t len);
int store_blob_get(struct store_txn *txn, uint64_t id, uint32_t chunk, const void **data,
		   size_t *len);
/* Deletes a ticket's attachments with their bytes (for purges). */
int store_attachments_del_ticket(struct store_txn *txn, uint64_t ticket_id);

#endif
