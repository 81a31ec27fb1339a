/*
 * Internals shared by the files of storage/: the environment, the
 * transaction wrapper and small helpers around LMDB calls. Nothing outside
 * storage/ may include this header (or <lmdb.h>).
 */
#ifndef DESKD_STORE_INTERNAL_H
#define DESKD_STORE_INTERNAL_H

#ifndef DESKD_STORAGE_INTERNAL
#error "store_internal.h is private to storage/"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "store.h"

/* Longest key LMDB accepts with its default build (mdb_env_get_maxkeysize). */
#define STORE_KEY_MAX 511

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT];
	bool absent[DB_COUNT]; /* read-only open of an older schema lacking it */
	char *dir;
	size_t map_size;     /* current map size of this process's mapping */
	size_t map_size_max;
	int lock_fd;         /* DIR/deskd.lock while exclusive, else -1 */
	bool read_only;
	unsigned n_txn;      /* open transactions: the map may only grow at 0 */
	bool writing;        /* a write transaction is open (LMDB allows one) */
	/* group commit (store_group_commit): the open batch, the nested
	 * transaction of the store_write running in it, and who is told */
	bool group;
	bool joining;        /* store_batch_join: writes now go into the batch */
	struct store_txn *batch;
	MDB_txn *inner;
	void (*batch_opened)(void *arg);
	void (*batch_closed)(void *arg, int rc, size_t writes);
	size_t batch_writes; /* store_writes the open batch holds */
	void *batch_arg;
};

struct store_txn {
	struct store *s;
	MDB_txn *txn;
	bool write;
	bool map_full;       /* a write hit MDB_MAP_FULL */
	bool growable;       /* inside store_write, which grows the map and retries */
	bool borrowed;       /* a read of the open batch: ending it ends nothing */
};

/* The one mapper from LMDB (and errno) codes to dk_err. Unexpected codes
 * are logged once here with op; MDB_NOTFOUND and MDB_KEYEXIST are normal
 * answers and never logged. MDB_MAP_FULL inside txn marks it for
 * store_write's retry. txn may be NULL. */
int store_err(struct store_txn *txn, int rc, const char *op);

/* Thin wrappers: 0 or a mapped error. get: val points into the map and is
 * valid until the txn ends. del: DK_ERR_NOTFOUND when the key is absent. */
int store_get(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
	      MDB_val *val);
int store_put(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
	      const void *val, size_t vlen, unsigned flags);
int store_del(struct store_txn *txn, enum store_db db, const void *key, size_t klen);
/* cursor_open: DK_ERR_NOTFOUND (and *out NULL) for a table a read-only
 * open of an older schema lacks; callers read that as empty. */
int store_cursor_open(struct store_txn *txn, enum store_db db, MDB_cursor **out);

/* For a put without an old version: 0 when no record has this id yet,
 * DK_ERR_EXISTS when one has (its index entries would be left behind). */
int store_record_absent(struct store_txn *txn, enum store_db db, uint64_t id);
/* The stored bytes of record id of db (valid until the transaction ends):
 * 0, or DK_ERR_NOTFOUND (also for id 0). */
int store_record_get(struct store_txn *txn, enum store_db db, uint64_t id, MDB_val *val);

/* Builds what a database of schema version from lacks (see
 * STORE_SCHEMA_VERSION in store.h), in a write transaction. */
int store_upgrade(struct store_txn *txn, uint32_t from);
/* Rebuilds sessions_by_user from sessions, and users_by_role from users. */
int store_sessions_reindex(struct store_txn *txn);
int store_users_reindex(struct store_txn *txn);
/* Adds one ticket to the day's opened (closed false) or closed count; a
 * time <= 0 is not counted. */
int store_day_count(struct store_txn *txn, int64_t ms, bool closed);
/* The closed table (store_purge.c): moves a ticket's entry from what old
 * implied to what t implies (old NULL: a new ticket, t NULL: deleted);
 * reindex rebuilds the table from every ticket. */
int store_closed_move(struct store_txn *txn, const struct ticket *old, const struct ticket *t);
int store_closed_reindex(struct store_txn *txn);
/* Calls fn for every stored ticket, decoded (with its id), in id order;
 * the walk stops at the first non-zero return (store_tickets.c). fn may
 * write other tables, not the tickets table. */
typedef int (*store_decoded_ticket_fn)(struct store_txn *txn, const struct ticket *t, void *arg);
int store_tickets_each_decoded(struct store_txn *txn, store_decoded_ticket_fn fn, void *arg);
/* Rebuilds ticket_list and ticket_counts (not the day counts, which may
 * count purged tickets) from every ticket. */
int store_lists_reindex(struct store_txn *txn);
/* A user who asks for tickets moved from one organisation to another (0:
 * none): their requests in either move their party entries as the
 * requester's organisation now implies (store_tickets.c). */
int store_tickets_requester_moved(struct store_txn *txn, uint64_t user_id, uint64_t from_org,
				  uint64_t to_org);
/* Deletes a ticket's record, timeline, and list, count and closed entries
 * (store_tickets.c); the SLA part is store_ticket_purge's. */
int store_ticket_del(struct store_txn *txn, uint64_t id);

/* The search index (store_search.c): moves a ticket's own text (number,
 * title, description, satisfaction comment) from what old held to what t
 * holds (old NULL: new; t NULL: gone), an event's body likewise, takes a
 * whole ticket with its timeline out (before its events are deleted), and
 * rebuilds the index from every ticket and event. */
int store_search_ticket(struct store_txn *txn, const struct ticket *old, const struct ticket *t);
int store_search_event(struct store_txn *txn, const struct ticket_event *old,
		       const struct ticket_event *e);
int store_search_ticket_drop(struct store_txn *txn, const struct ticket *t);
int store_search_reindex(struct store_txn *txn);
/* Names a search or search_terms key for verify's reports. */
void store_search_key_text(const void *key, size_t klen, char *out, size_t size);

/* Reads a u64 big-endian counter value; DK_ERR_CORRUPT when the size is
 * wrong. */
int store_val_u64(const MDB_val *val, uint64_t *out);

#endif
