/*
 * Retention: the closed table lists every ticket in a closed category by
 * when it closed, so the tickets past the retention period are found from
 * the front of one index, and purging them reads nothing else.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "sla_record.h"
#include "store_internal.h"
#include "store_keys.h"
#include "store_verify_int.h"
#include "workflow.h"

/* closed: closed_ms u64 . ticket id u64 */
#define KEY_CLOSED_LEN 16
#define PURGE_BATCH_MAX 1000

static size_t key_closed(uint8_t out[KEY_CLOSED_LEN], int64_t ms, uint64_t id)
{
	be64_put(out, (uint64_t)(ms > 0 ? ms : 0));
	be64_put(out + 8, id);
	return KEY_CLOSED_LEN;
}

/* As the lists see it: the stored category, else the default workflow's. */
static bool is_closed(const struct ticket *t)
{
	enum status_category cat =
		t->category ? (enum status_category)t->category : status_category(t->status);
	return cat == CATEGORY_CLOSED;
}

/* When a ticket closed: its closing time, else its last change (as the
 * day counts take it). */
static int64_t closed_at(const struct ticket *t)
{
	return t->closed_ms ? t->closed_ms : t->updated_ms;
}

int store_closed_move(struct store_txn *txn, const struct ticket *old, const struct ticket *t)
{
	uint8_t ko[KEY_CLOSED_LEN], kn[KEY_CLOSED_LEN];
	bool was = old && is_closed(old), is = t && is_closed(t);
	int rc = 0;

	if (was)
		key_closed(ko, closed_at(old), old->id);
	if (is)
		key_closed(kn, closed_at(t), t->id);
	if (was && is && !memcmp(ko, kn, sizeof ko))
		return 0;
	if (was) {
		rc = store_del(txn, DB_CLOSED, ko, sizeof ko);
		if (rc == DK_ERR_NOTFOUND)
			rc = 0;
	}
	if (rc == 0 && is)
		rc = store_put(txn, DB_CLOSED, kn, sizeof kn, "", 0, 0);
	return rc;
}

static int closed_one(struct store_txn *txn, const struct ticket *t, void *arg)
{
	(void)arg;
	return store_closed_move(txn, NULL, t);
}

int store_closed_reindex(struct store_txn *txn)
{
	int mrc = mdb_drop(txn->txn, txn->s->dbi[DB_CLOSED], 0);
	if (mrc)
		return store_err(txn, mrc, "closed_reindex");
	return store_tickets_each_decoded(txn, closed_one, NULL);
}

int64_t store_retention_cutoff(int64_t now_ms, unsigned years)
{
	time_t secs = (time_t)(now_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		return 0;
	if (years > (unsigned)tm.tm_year + 1900 - 1970)
		return 0;
	tm.tm_year -= (int)years;
	if (tm.tm_mon == 1 && tm.tm_mday == 29)
		tm.tm_mday = 28; /* not every year has the day */
	time_t then = timegm(&tm);
	if (then < 0)
		return 0;
	return (int64_t)then * 1000 + now_ms % 1000;
}

int store_closed_walk(struct store_txn *txn, int64_t before_ms, store_id_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_CLOSED, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != KEY_CLOSED_LEN) {
			rc = DK_ERR_CORRUPT;
			break;
		}
		uint64_t at = be64_get(k.mv_data);
		if (before_ms <= 0 || at >= (uint64_t)before_ms)
			break;
		rc = fn(be64_get((const uint8_t *)k.mv_data + 8), arg);
		if (rc)
			break;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "closed_walk");
	mdb_cursor_close(c);
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int store_ticket_purge(struct store_txn *txn, uint64_t id)
{
	int64_t at[SLA_DEADLINE_KINDS];
	struct sla_state st;
	int rc = store_sla_get(txn, id, &st);

	if (rc == 0) {
		sla_state_deadlines(&st, at);
		for (unsigned kind = STORE_DEADLINE_FIRST; rc == 0 && kind <= STORE_DEADLINE_LAST;
		     kind++)
			if (at[kind] > 0)
				rc = store_deadline_del(txn, (uint8_t)kind, at[kind], id);
	}
	/* a state that does not decode still goes */
	if (rc == 0 || rc == DK_ERR_CORRUPT)
		rc = store_sla_del(txn, id);
	if (rc == DK_ERR_NOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = store_attachments_del_ticket(txn, id);
	if (rc == 0)
		rc = store_ticket_del(txn, id);
	/* counted, so verify can tell the day counts it leaves from errors */
	uint64_t n;
	if (rc == 0)
		rc = store_seq_next(txn, "purged", 0, &n);
	return rc;
}

struct batch {
	uint64_t ids[PURGE_BATCH_MAX + 1];
	size_t n, max;
};

static int collect(uint64_t id, void *arg)
{
	struct batch *b = arg;

	b->ids[b->n++] = id;
	return b->n > b->max ? STORE_WALK_STOP : 0;
}

int store_tickets_purge(struct store_txn *txn, int64_t before_ms, size_t limit, size_t *n,
			bool *more)
{
	struct batch *b;
	size_t i, done = 0;
	int rc;

	if (n)
		*n = 0;
	if (more)
		*more = false;
	if (limit == 0)
		return 0;
	b = calloc(1, sizeof *b);
	if (!b)
		return DK_ERR_NOMEM;
	/* one more than the batch tells whether others remain */
	b->max = limit < PURGE_BATCH_MAX ? limit : PURGE_BATCH_MAX;
	rc = store_closed_walk(txn, before_ms, collect, b);
	for (i = 0; rc == 0 && i < b->n && i < b->max; i++) {
		rc = store_ticket_purge(txn, b->ids[i]);
		if (rc == 0)
			done++;
	}
	if (rc == 0 && n)
		*n = done;
	if (rc == 0 && more)
		*more = b->n > b->max;
	free(b);
	return rc;
}

/* --- verify: the closed table against the tickets --- */

static int closed_entry(struct verify *v, const MDB_val *k)
{
	uint8_t want[KEY_CLOSED_LEN];
	struct ticket t;
	char key[64];
	int rc;

	if (k->mv_size != KEY_CLOSED_LEN) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, DB_CLOSED, key, "key is not closed time . ticket id");
	}
	uint64_t id = be64_get((const uint8_t *)k->mv_data + 8);
	snprintf(key, sizeof key, "ticket %llu", (unsigned long long)id);
	rc = store_ticket_get(v->txn, id, &t);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, DB_CLOSED, key, "the ticket does not exist");
	if (rc == DK_ERR_CORRUPT)
		return 0; /* reported by the ticket walk */
	if (rc)
		return rc;
	if (!is_closed(&t))
		rc = verify_report(v, DB_CLOSED, key, "the ticket is not closed");
	else if (memcmp(want, k->mv_data, key_closed(want, closed_at(&t), id)))
		rc = verify_report(v, DB_CLOSED, key, "listed at another time than it closed");
	ticket_free(&t);
	return rc;
}

static int closed_ticket(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	uint8_t want[KEY_CLOSED_LEN];
	struct ticket t;
	MDB_val got;
	uint64_t id;
	char key[64];
	int rc;

	if (!key_id_parse(k->mv_data, k->mv_size, &id) ||
	    ticket_decode(val->mv_data, val->mv_size, &t))
		return 0; /* reported by the ticket walk */
	rc = 0;
	if (is_closed(&t)) {
		rc = store_get(v->txn, DB_CLOSED, want, key_closed(want, closed_at(&t), id), &got);
		if (rc == DK_ERR_NOTFOUND) {
			snprintf(key, sizeof key, "ticket %llu", (unsigned long long)id);
			rc = verify_report(v, DB_CLOSED, key, "closed ticket is missing");
		}
	}
	ticket_free(&t);
	return rc;
}

int verify_closed(struct verify *v)
{
	MDB_cursor *c;
	MDB_val k, val;
	int rc, mrc;

	/* a read-only open of an older schema has not built the table */
	if (v->txn->s->absent[DB_CLOSED])
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		rc = store_cursor_open(v->txn, pass ? DB_TICKETS : DB_CLOSED, &c);
		if (rc)
			return rc == DK_ERR_NOTFOUND ? 0 : rc;
		for (mrc = mdb_cursor_get(c, &k, &val, MDB_FIRST); mrc == 0 && rc == 0;
		     mrc = mdb_cursor_get(c, &k, &val, MDB_NEXT))
			rc = pass ? closed_ticket(v, &k, &val) : closed_entry(v, &k);
		if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
			rc = store_err(v->txn, mrc, "verify");
		mdb_cursor_close(c);
		if (rc)
			return rc;
	}
	return 0;
}
