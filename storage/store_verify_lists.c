/*
 * The derived ticket indexes (ticket_list, ticket_counts, day_counts and
 * the search index) are checked against a rebuild: every ticket is written
 * with store_ticket_put, and its timeline with store_event_append, into a
 * scratch store, which derives them with the very code deskd runs,
 * and the stored and the rebuilt entries are compared in key order. Memory
 * stays flat however many tickets there are; the scratch store lives in
 * TMPDIR (else /tmp) only while verify runs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_keys.h"
#include "store_verify_int.h"

#define BATCH 1000 /* tickets per scratch transaction */

static const char *const scope_names[] = {
	"all", "org", "party", "org_shared", "party_shared", "assignee", "approval"
};
static const char *const bucket_names[] = { "all", "open", "closed", "resolved" };

/* One batch of tickets copied into the scratch store, starting after the
 * key last (none: from the first). */
struct fill {
	struct store_txn *src;
	enum store_db db;  /* DB_USERS first (the lists need the requesters' organisations), then DB_TICKETS */
	uint8_t last[STORE_KEY_MAX];
	size_t last_len;  /* 0: start at the first ticket */
	uint8_t next[STORE_KEY_MAX]; /* out: the last key of this batch */
	size_t next_len;
	bool done;        /* out: no ticket after this batch */
};

/* Copies one ticket's timeline into the scratch store as restore does:
 * each event appended after a ticket that stands just before its seq. */
struct copy_events {
	struct store_txn *dst;
};

static int copy_event(const struct ticket_event *e, void *arg)
{
	struct copy_events *c = arg;
	struct ticket at = { .id = e->ticket_id, .event_count = e->seq - 1 };
	struct ticket_event copy = *e;

	return e->seq ? store_event_append(c->dst, &at, &copy) : 0;
}

/* A store_write fn: it may run again after the map grew, so it starts
 * from the same key each time and sets its outputs afresh. */
static int fill_batch(struct store_txn *dst, void *arg)
{
	struct fill *f = arg;
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	size_t n = 0;
	int rc, mrc;

	f->done = true;
	f->next_len = 0;
	rc = store_cursor_open(f->src, f->db, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? (f->done = true, 0) : rc;
	if (f->last_len) {
		k.mv_size = f->last_len;
		k.mv_data = f->last;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (mrc == 0 && k.mv_size == f->last_len && !memcmp(k.mv_data, f->last, f->last_len))
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	} else {
		mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	}
	for (; mrc == 0 && n < BATCH; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
		struct ticket t;

		memcpy(f->next, k.mv_data, k.mv_size);
		f->next_len = k.mv_size;
		if (f->db == DB_USERS) {
			struct user u;
			/* users that do not decode are reported by the user walk */
			if (!key_id_parse(k.mv_data, k.mv_size, &id) ||
			    user_decode(v.mv_data, v.mv_size, &u) != 0)
				continue;
			u.id = id;
			rc = store_user_put(dst, NULL, &u);
			user_free(&u);
			/* a duplicate e-mail is reported by the user walk */
			if (rc && rc != DK_ERR_EXISTS && rc != DK_ERR_INVALID)
				goto out;
			rc = 0;
			continue;
		}
		/* records that do not decode are reported by the ticket walk */
		if (!key_id_parse(k.mv_data, k.mv_size, &id) ||
		    ticket_decode(v.mv_data, v.mv_size, &t) != 0)
			continue;
		t.id = id;
		rc = store_ticket_put(dst, NULL, &t);
		ticket_free(&t);
		/* a ticket without a usable status implies no entries (and
		 * was reported); anything else is the scratch store failing */
		if (rc && rc != DK_ERR_INVALID)
			goto out;
		struct copy_events ce = { dst };
		/* events that do not decode are reported by the event walk */
		rc = rc ? 0 : store_events_each(f->src, id, copy_event, &ce);
		if (rc && rc != DK_ERR_CORRUPT && rc != DK_ERR_EXISTS)
			goto out;
		rc = 0;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = store_err(f->src, mrc, "verify");
		goto out;
	}
	f->done = mrc == MDB_NOTFOUND;
out:
	mdb_cursor_close(c);
	return rc;
}

static const char *name_of(const char *const *names, size_t n, unsigned i, char *buf,
			   size_t size)
{
	if (i < n)
		return names[i];
	snprintf(buf, size, "%u", i);
	return buf;
}

/* "list org 3 open" from the first KEY_LIST_PREFIX_LEN bytes of a key. */
static void list_text(const uint8_t *p, char *out, size_t size)
{
	char s[8], b[8];

	snprintf(out, size, "list %s %llu %s",
		 name_of(scope_names, sizeof scope_names / sizeof *scope_names, p[0], s, sizeof s),
		 (unsigned long long)be64_get(p + 1),
		 name_of(bucket_names, sizeof bucket_names / sizeof *bucket_names, p[9], b,
			 sizeof b));
}

/* Names an entry of db and reads its value as a number where it is one. */
static void entry_text(enum store_db db, const MDB_val *k, char *out, size_t size)
{
	const uint8_t *p = k->mv_data;
	char list[96];

	if (db == DB_TICKET_LIST && k->mv_size == KEY_LIST_LEN) {
		list_text(p, list, sizeof list);
		snprintf(out, size, "%s ticket %llu", list,
			 (unsigned long long)be64_get(p + KEY_LIST_PREFIX_LEN));
	} else if (db == DB_TICKET_COUNTS && k->mv_size > KEY_LIST_PREFIX_LEN + 1 &&
		   k->mv_size <= KEY_COUNT_MAX) {
		list_text(p, list, sizeof list);
		snprintf(out, size, "%s %s %.*s", list,
			 p[KEY_LIST_PREFIX_LEN] == 'p' ? "priority" : "status",
			 (int)(k->mv_size - KEY_LIST_PREFIX_LEN - 1), p + KEY_LIST_PREFIX_LEN + 1);
	} else if (db == DB_DAY_COUNTS && k->mv_size == KEY_DAY_LEN) {
		time_t secs = (time_t)be32_get(p) * 86400;
		struct tm tm;

		gmtime_r(&secs, &tm);
		snprintf(out, size, "day %04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
	} else if (db == DB_SEARCH || db == DB_SEARCH_TERMS) {
		store_search_key_text(k->mv_data, k->mv_size, out, size);
	} else {
		verify_key_text(k->mv_data, k->mv_size, out, size);
	}
}

/* The value of an entry in words: "3", "opened 2 closed 1" or "". */
static void value_text(enum store_db db, const MDB_val *v, char *out, size_t size)
{
	const uint8_t *p = v->mv_data;

	if (db == DB_TICKET_COUNTS && v->mv_size == 8)
		snprintf(out, size, "%llu", (unsigned long long)be64_get(p));
	else if (db == DB_SEARCH && v->mv_size == 12)
		snprintf(out, size, "title %u public %u internal %u", be32_get(p), be32_get(p + 4),
			 be32_get(p + 8));
	else if (db == DB_SEARCH_TERMS && v->mv_size == 4)
		snprintf(out, size, "%u tickets", be32_get(p));
	else if (db == DB_DAY_COUNTS && v->mv_size == 16)
		snprintf(out, size, "opened %llu closed %llu", (unsigned long long)be64_get(p),
			 (unsigned long long)be64_get(p + 8));
	else
		snprintf(out, size, "%zu bytes", v->mv_size);
}

/* One difference between the stored (have) and rebuilt (want) entries;
 * a NULL side is missing. */
static int differ(struct verify *v, enum store_db db, const MDB_val *k, const MDB_val *have,
		  const MDB_val *want)
{
	char key[160], hv[64], wv[64];

	entry_text(db, k, key, sizeof key);
	if (db == DB_TICKET_LIST)
		return verify_report(v, db, key, want ? "entry is missing"
						     : "entry is not implied by any ticket");
	if (have)
		value_text(db, have, hv, sizeof hv);
	if (want)
		value_text(db, want, wv, sizeof wv);
	if (!want)
		return verify_report(v, db, key, "is %s, but no ticket counts here", hv);
	if (!have)
		return verify_report(v, db, key, "is missing; the tickets give %s", wv);
	return verify_report(v, db, key, "is %s; the tickets give %s", hv, wv);
}

/* Day counts of tickets purged by retention stay (statistics): a day may
 * count more than the tickets left give, by no more in all than the
 * "purged" sequence has counted. True when that explains the difference. */
static bool purged_excess(struct verify *v, enum store_db db, const MDB_val *have,
			  const MDB_val *want)
{
	uint64_t ho, hc, wo = 0, wc = 0;

	if (db != DB_DAY_COUNTS || !v->purged || !have || have->mv_size != 16 ||
	    (want && want->mv_size != 16))
		return false;
	ho = be64_get(have->mv_data);
	hc = be64_get((const uint8_t *)have->mv_data + 8);
	if (want) {
		wo = be64_get(want->mv_data);
		wc = be64_get((const uint8_t *)want->mv_data + 8);
	}
	if (ho < wo || hc < wc)
		return false;
	v->excess_opened += ho - wo;
	v->excess_closed += hc - wc;
	return true;
}

/* Merges the two databases in key order. */
static int compare(struct verify *v, struct store_txn *want, enum store_db db)
{
	MDB_cursor *a = NULL, *b = NULL;
	MDB_val ka, va, kb, vb;
	int rc, ma, mb, cmp;

	rc = store_cursor_open(v->txn, db, &a);
	if (rc == 0)
		rc = store_cursor_open(want, db, &b);
	if (rc)
		goto out;
	ma = mdb_cursor_get(a, &ka, &va, MDB_FIRST);
	mb = mdb_cursor_get(b, &kb, &vb, MDB_FIRST);
	while (rc == 0 && (ma == 0 || mb == 0)) {
		if (ma != 0)
			cmp = 1;
		else if (mb != 0)
			cmp = -1;
		else
			cmp = mdb_cmp(v->txn->txn, v->txn->s->dbi[db], &ka, &kb);
		if (cmp < 0) {
			if (!purged_excess(v, db, &va, NULL))
				rc = differ(v, db, &ka, &va, NULL);
			ma = mdb_cursor_get(a, &ka, &va, MDB_NEXT);
		} else if (cmp > 0) {
			rc = differ(v, db, &kb, NULL, &vb);
			mb = mdb_cursor_get(b, &kb, &vb, MDB_NEXT);
		} else {
			if ((va.mv_size != vb.mv_size || memcmp(va.mv_data, vb.mv_data, va.mv_size)) &&
			    !purged_excess(v, db, &va, &vb))
				rc = differ(v, db, &ka, &va, &vb);
			ma = mdb_cursor_get(a, &ka, &va, MDB_NEXT);
			mb = mdb_cursor_get(b, &kb, &vb, MDB_NEXT);
		}
		if (rc == 0 && ma != 0 && ma != MDB_NOTFOUND)
			rc = store_err(v->txn, ma, "verify");
		if (rc == 0 && mb != 0 && mb != MDB_NOTFOUND)
			rc = store_err(want, mb, "verify");
	}
out:
	if (a)
		mdb_cursor_close(a);
	if (b)
		mdb_cursor_close(b);
	return rc;
}

static void scratch_remove(const char *dir)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/lock.mdb", dir);
	unlink(path);
	rmdir(dir);
}

static int purged_count(struct verify *v)
{
	char key[4 + KEY_SEQ_NAME_MAX];
	MDB_val val;
	int rc = store_get(v->txn, DB_META, key, key_seq(key, "purged"), &val);

	v->purged = 0;
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc == 0 && store_val_u64(&val, &v->purged) != 0)
		v->purged = 0; /* reported by the meta walk */
	return rc;
}

int verify_ticket_indexes(struct verify *v)
{
	static const enum store_db derived[] = { DB_TICKET_LIST, DB_TICKET_COUNTS,
						 DB_DAY_COUNTS, DB_SEARCH, DB_SEARCH_TERMS };
	struct store_opts o = { .create = true };
	const char *tmp = getenv("TMPDIR");
	struct fill f = { .src = v->txn, .db = DB_USERS };
	struct store_txn *want = NULL;
	struct store *scratch = NULL;
	char dir[PATH_MAX], err[256];
	size_t i;
	int rc;

	if ((size_t)snprintf(dir, sizeof dir, "%s/deskd-verify-XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof dir)
		return DK_ERR_INVALID;
	if (!mkdtemp(dir)) {
		/* say why the lists went unchecked; the caller sees the error */
		verify_report(v, DB_TICKET_LIST, "", "cannot make a scratch database in %s: %s",
			      tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return DK_ERR_IO;
	}
	rc = store_open(dir, &o, &scratch, err, sizeof err);
	if (rc)
		verify_report(v, DB_TICKET_LIST, "", "cannot make a scratch database: %s", err);
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		f.db = pass ? DB_TICKETS : DB_USERS;
		f.done = false;
		f.last_len = 0;
		while (rc == 0 && !f.done) {
			rc = store_write(scratch, fill_batch, &f);
			memcpy(f.last, f.next, f.next_len);
			f.last_len = f.next_len;
		}
	}
	if (rc == 0)
		rc = store_txn_begin(scratch, false, &want);
	if (rc == 0)
		rc = purged_count(v);
	for (i = 0; rc == 0 && i < sizeof derived / sizeof *derived; i++)
		if (!v->txn->s->absent[derived[i]])
			rc = compare(v, want, derived[i]);
	if (rc == 0 && (v->excess_opened > v->purged || v->excess_closed > v->purged))
		rc = verify_report(v, DB_DAY_COUNTS, "",
				   "the days count %llu opened and %llu closed tickets beyond "
				   "those that exist, but %llu were purged",
				   (unsigned long long)v->excess_opened,
				   (unsigned long long)v->excess_closed,
				   (unsigned long long)v->purged);
	store_txn_abort(want);
	store_close(scratch);
	scratch_remove(dir);
	return rc;
}
