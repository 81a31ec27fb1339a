/*
 * Walks along the ticket lists in either direction: newest first for the
 * default order, oldest first for queues worked from the back. A position
 * is a ticket id, so a cursor handed to a client stays right while tickets
 * come and go.
 */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

/* One cursor on one list. */
struct walk {
	struct store_txn *txn;
	MDB_cursor *c;
	uint8_t prefix[KEY_LIST_PREFIX_LEN];
	bool asc;
	bool valid;  /* id holds the current entry */
	uint64_t id;
};

/* Parses where the cursor stands after an LMDB call that returned mrc. */
static int walk_settle(struct walk *w, int mrc, MDB_val *k)
{
	w->valid = mrc == 0 && key_list_parse(k->mv_data, k->mv_size, w->prefix, &w->id);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_err(w->txn, mrc, "ticket_list");
	return 0;
}

/* Positions on the first id past after_id in the walk's direction (0:
 * the first of the list). */
static int walk_open(struct walk *w, struct store_txn *txn, enum list_scope scope,
		     uint64_t scope_id, enum list_bucket bucket, uint64_t after_id, bool asc)
{
	uint8_t seek[KEY_LIST_LEN];
	MDB_val k, v;
	int rc, mrc;

	memset(w, 0, sizeof *w);
	w->txn = txn;
	w->asc = asc;
	key_list_prefix(w->prefix, (uint8_t)scope, scope_id, (uint8_t)bucket);
	rc = store_cursor_open(txn, DB_TICKET_LIST, &w->c);
	if (rc)
		return rc;
	k.mv_size = sizeof seek;
	k.mv_data = seek;
	if (asc) {
		if (after_id == UINT64_MAX)
			return 0; /* nothing can follow */
		/* the least key >= the one after after_id */
		key_list(seek, (uint8_t)scope, scope_id, (uint8_t)bucket, after_id + 1);
		mrc = mdb_cursor_get(w->c, &k, &v, MDB_SET_RANGE);
		return walk_settle(w, mrc, &k);
	}
	if (after_id == 1)
		return 0; /* no id below 1 */
	/* the greatest key <= seek: the key itself, or the one before the next */
	key_list(seek, (uint8_t)scope, scope_id, (uint8_t)bucket,
		 after_id ? after_id - 1 : UINT64_MAX);
	mrc = mdb_cursor_get(w->c, &k, &v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND)
		mrc = mdb_cursor_get(w->c, &k, &v, MDB_LAST);
	else if (mrc == 0 && (k.mv_size != sizeof seek || memcmp(k.mv_data, seek, sizeof seek)))
		mrc = mdb_cursor_get(w->c, &k, &v, MDB_PREV);
	return walk_settle(w, mrc, &k);
}

static int walk_next(struct walk *w)
{
	MDB_val k, v;

	return walk_settle(w, mdb_cursor_get(w->c, &k, &v, w->asc ? MDB_NEXT : MDB_PREV), &k);
}

static void walk_close(struct walk *w)
{
	if (w->c)
		mdb_cursor_close(w->c);
	w->c = NULL;
	w->valid = false;
}

/* Calls fn along one list, or along the merge of two (b may be NULL). A
 * ticket in both is given once. */
static int walk_run(struct walk *a, struct walk *b, store_id_fn fn, void *arg)
{
	uint64_t id;
	int rc = 0;

	while (a->valid || (b && b->valid)) {
		if (a->valid && b && b->valid)
			id = (a->id > b->id) == !a->asc ? a->id : b->id;
		else
			id = a->valid ? a->id : b->id;
		rc = fn(id, arg);
		if (rc)
			break;
		if (a->valid && a->id == id)
			rc = walk_next(a);
		if (rc == 0 && b && b->valid && b->id == id)
			rc = walk_next(b);
		if (rc)
			break;
	}
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int store_ticket_walk(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
		      enum list_bucket bucket, uint64_t after_id, bool ascending,
		      store_id_fn fn, void *arg)
{
	struct walk w;
	int rc;

	rc = walk_open(&w, txn, scope, scope_id, bucket, after_id, ascending);
	if (rc == 0)
		rc = walk_run(&w, NULL, fn, arg);
	walk_close(&w);
	return rc;
}

int store_ticket_walk_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
			       enum list_bucket bucket, uint64_t after_id, bool ascending,
			       store_id_fn fn, void *arg)
{
	struct walk own, org;
	int rc;

	memset(&org, 0, sizeof org);
	rc = walk_open(&own, txn, SCOPE_PARTY, user_id, bucket, after_id, ascending);
	/* organisation 0 shares nothing (see entries_build) */
	if (rc == 0 && org_id)
		rc = walk_open(&org, txn, SCOPE_ORG_SHARED, org_id, bucket, after_id, ascending);
	if (rc == 0)
		rc = walk_run(&own, org_id ? &org : NULL, fn, arg);
	walk_close(&own);
	walk_close(&org);
	return rc;
}

/* A page of ids for the list functions below. */
struct page {
	uint64_t *ids;
	size_t limit;
	size_t *n;
	bool *more;
};

static int page_add(uint64_t id, void *arg)
{
	struct page *p = arg;

	if (*p->n == p->limit) {
		*p->more = true;
		return STORE_WALK_STOP;
	}
	p->ids[(*p->n)++] = id;
	return 0;
}

int store_ticket_list(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
		      enum list_bucket bucket, uint64_t before_id, size_t limit,
		      uint64_t *ids, size_t *n, bool *more)
{
	struct page p = { ids, limit, n, more };
	int rc;

	*n = 0;
	*more = false;
	rc = store_ticket_walk(txn, scope, scope_id, bucket, before_id, false, page_add, &p);
	if (rc) {
		*n = 0;
		*more = false;
	}
	return rc;
}

int store_ticket_list_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
			       enum list_bucket bucket, uint64_t before_id, size_t limit,
			       uint64_t *ids, size_t *n, bool *more)
{
	struct page p = { ids, limit, n, more };
	int rc;

	*n = 0;
	*more = false;
	rc = store_ticket_walk_customer(txn, user_id, org_id, bucket, before_id, false, page_add,
					&p);
	if (rc) {
		*n = 0;
		*more = false;
	}
	return rc;
}

int store_ticket_listed(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
			enum list_bucket bucket, uint64_t ticket_id, bool *out)
{
	uint8_t k[KEY_LIST_LEN];
	MDB_val v;
	int rc = store_get(txn, DB_TICKET_LIST, k,
			   key_list(k, (uint8_t)scope, scope_id, (uint8_t)bucket, ticket_id), &v);

	*out = rc == 0;
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}
