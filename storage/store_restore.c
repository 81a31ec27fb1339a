/*
 * What dump and restore need beyond the record functions: the named values
 * in meta (sequences, documents and anything else) read in key order, and
 * setters that put back exactly what a dump holds, including day counts,
 * which may outlive the tickets they were counted from.
 */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

/* Key layouts of meta, as store_records.c writes them. */
#define SEQ_PREFIX "seq:"
#define DOC_PREFIX "doc:"
#define PREFIX_LEN 4
#define SCHEMA_KEY "schema"
#define DOCS_VERSION_KEY "docs_version"

static bool key_is(const void *key, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(key, name, klen) == 0;
}

static bool key_has_prefix(const void *key, size_t klen, const char *prefix)
{
	return klen > PREFIX_LEN && memcmp(key, prefix, PREFIX_LEN) == 0;
}

/* The schema is a property of the format and docs_version only tells a
 * running deskd that something changed: neither is data to carry over. */
static bool key_is_bookkeeping(const void *key, size_t klen)
{
	return key_is(key, klen, SCHEMA_KEY) || key_is(key, klen, DOCS_VERSION_KEY);
}

int store_meta_each(struct store_txn *txn, store_meta_fn fn, void *arg)
{
	char name[STORE_KEY_MAX + 1];
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_META, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct store_meta_entry e = {
			.kind = STORE_META_OTHER, .key = k.mv_data, .klen = k.mv_size,
			.data = v.mv_data, .len = v.mv_size, .name = name,
		};

		if (key_is_bookkeeping(k.mv_data, k.mv_size))
			continue;
		name[0] = '\0';
		if (k.mv_size <= STORE_KEY_MAX && !memchr(k.mv_data, '\0', k.mv_size) &&
		    (key_has_prefix(k.mv_data, k.mv_size, SEQ_PREFIX) ||
		     key_has_prefix(k.mv_data, k.mv_size, DOC_PREFIX))) {
			bool seq = key_has_prefix(k.mv_data, k.mv_size, SEQ_PREFIX);

			memcpy(name, (char *)k.mv_data + PREFIX_LEN, k.mv_size - PREFIX_LEN);
			name[k.mv_size - PREFIX_LEN] = '\0';
			e.kind = seq ? STORE_META_SEQ : STORE_META_DOC;
			/* a sequence that is not a u64 is left as raw bytes */
			if (seq && store_val_u64(&v, &e.seq) != 0)
				e.kind = STORE_META_OTHER;
		}
		rc = fn(&e, arg);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "meta_each");
out:
	mdb_cursor_close(c);
	return rc;
}

int store_seq_set(struct store_txn *txn, const char *name, uint64_t value)
{
	char key[4 + KEY_SEQ_NAME_MAX];
	size_t klen = key_seq(key, name);
	uint8_t v8[8];

	if (klen == 0)
		return DK_ERR_INVALID;
	be64_put(v8, value);
	return store_put(txn, DB_META, key, klen, v8, sizeof v8, 0);
}

int store_meta_put_raw(struct store_txn *txn, const void *key, size_t klen, const void *val,
		       size_t vlen)
{
	if (klen == 0 || klen > STORE_KEY_MAX || (!val && vlen))
		return DK_ERR_INVALID;
	/* those have their own setters, which keep their layout */
	if (key_is_bookkeeping(key, klen) || key_has_prefix(key, klen, SEQ_PREFIX) ||
	    key_has_prefix(key, klen, DOC_PREFIX))
		return DK_ERR_INVALID;
	return store_put(txn, DB_META, key, klen, vlen ? val : "", vlen, 0);
}

int store_meta_get_raw(struct store_txn *txn, const void *key, size_t klen, struct dk_buf *out)
{
	MDB_val val;
	int rc;

	dk_buf_reset(out);
	if (klen == 0 || klen > STORE_KEY_MAX || key_is_bookkeeping(key, klen) ||
	    key_has_prefix(key, klen, SEQ_PREFIX) || key_has_prefix(key, klen, DOC_PREFIX))
		return DK_ERR_INVALID;
	rc = store_get(txn, DB_META, key, klen, &val);
	if (rc)
		return rc;
	return dk_buf_append(out, val.mv_data, val.mv_size);
}

int store_day_set(struct store_txn *txn, uint32_t day, const struct store_day *d)
{
	uint8_t k[KEY_DAY_LEN], v[16];
	int rc;

	key_day(k, day);
	if (d->opened == 0 && d->closed == 0) {
		rc = store_del(txn, DB_DAY_COUNTS, k, sizeof k);
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	}
	be64_put(v, d->opened);
	be64_put(v + 8, d->closed);
	return store_put(txn, DB_DAY_COUNTS, k, sizeof k, v, sizeof v, 0);
}

int store_days_clear(struct store_txn *txn)
{
	int mrc;

	if (!txn->write)
		return DK_ERR_INVALID;
	mrc = mdb_drop(txn->txn, txn->s->dbi[DB_DAY_COUNTS], 0);
	return mrc ? store_err(txn, mrc, "days_clear") : 0;
}

int store_days_each(struct store_txn *txn, store_day_fn fn, void *arg)
{
	struct store_day d;
	MDB_cursor *c;
	MDB_val k, v;
	uint32_t day;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_DAY_COUNTS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (!key_day_parse(k.mv_data, k.mv_size, &day) || v.mv_size != 16) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		d.opened = be64_get(v.mv_data);
		d.closed = be64_get((const uint8_t *)v.mv_data + 8);
		rc = fn(day, &d, arg);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "days_each");
out:
	mdb_cursor_close(c);
	return rc;
}

/* The SLA engine's tables are written only by the engine (daemon/), whose
 * rules storage cannot replay; dump and restore carry their entries as
 * the bytes they are, and the access requests with their list the same
 * way; the mail tables too, whose messages keep the bytes they were
 * composed with; and attachments with their bytes, checked by verify. */
bool store_db_is_raw(enum store_db db)
{
	return db == DB_SLA || db == DB_DEADLINES || db == DB_ESCALATIONS ||
	       db == DB_OUTBOX || db == DB_MAIL_FAILED ||
	       db == DB_ACCESS_REQUESTS || db == DB_ACCESS_LIST ||
	       db == DB_ATTACHMENTS || db == DB_BLOBS;
}

int store_raw_put(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
		  const void *val, size_t vlen)
{
	if ((unsigned)db >= DB_COUNT || !store_db_is_raw(db) || klen == 0 ||
	    klen > STORE_KEY_MAX || (!val && vlen))
		return DK_ERR_INVALID;
	return store_put(txn, db, key, klen, vlen ? val : "", vlen, MDB_NOOVERWRITE);
}
