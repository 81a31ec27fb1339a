/*
 * The mail outbox ("outbox": due_ms . seq -> message) and the messages
 * given up ("mail_failed": seq -> message). The outbox is keyed by due
 * time so the delivery engine finds the next message with one cursor step.
 */
#include <string.h>

#include "mail_record.h"
#include "store_internal.h"
#include "store_keys.h"

/* outbox: due_ms u64 . seq u64 */
#define KEY_OUTBOX_LEN 16

static size_t key_outbox(uint8_t out[KEY_OUTBOX_LEN], int64_t due_ms, uint64_t seq)
{
	be64_put(out, (uint64_t)due_ms);
	be64_put(out + 8, seq);
	return KEY_OUTBOX_LEN;
}

static bool key_outbox_parse(const MDB_val *k, int64_t *due_ms, uint64_t *seq)
{
	const uint8_t *p = k->mv_data;
	if (k->mv_size != KEY_OUTBOX_LEN || be64_get(p) > INT64_MAX)
		return false;
	*due_ms = (int64_t)be64_get(p);
	*seq = be64_get(p + 8);
	return true;
}

static int put_msg(struct store_txn *txn, enum store_db db, const void *k, size_t klen,
		   const struct mail_msg *m)
{
	struct dk_buf buf = { 0 };
	int rc = mail_msg_encode(m, &buf);
	if (rc == 0)
		rc = store_put(txn, db, k, klen, buf.data, buf.len, MDB_NOOVERWRITE);
	dk_buf_free(&buf);
	return rc;
}

int store_outbox_put(struct store_txn *txn, int64_t due_ms, const struct mail_msg *m)
{
	uint8_t k[KEY_OUTBOX_LEN];
	if (due_ms < 0 || m->seq == 0)
		return DK_ERR_INVALID;
	return put_msg(txn, DB_OUTBOX, k, key_outbox(k, due_ms, m->seq), m);
}

int store_outbox_get(struct store_txn *txn, int64_t due_ms, uint64_t seq, struct mail_msg *out)
{
	uint8_t k[KEY_OUTBOX_LEN];
	MDB_val val;
	mail_msg_init(out);
	if (due_ms < 0)
		return DK_ERR_NOTFOUND;
	int rc = store_get(txn, DB_OUTBOX, k, key_outbox(k, due_ms, seq), &val);
	return rc ? rc : mail_msg_decode(val.mv_data, val.mv_size, out);
}

int store_outbox_del(struct store_txn *txn, int64_t due_ms, uint64_t seq)
{
	uint8_t k[KEY_OUTBOX_LEN];
	if (due_ms < 0)
		return DK_ERR_NOTFOUND;
	return store_del(txn, DB_OUTBOX, k, key_outbox(k, due_ms, seq));
}

/* Walks db from its first entry (outbox: after *after when given); each
 * entry that decodes goes to fn, the others are skipped (verify reports
 * them), so one damaged message never holds up the rest. */
static int walk(struct store_txn *txn, enum store_db db, const struct store_mail_pos *after,
		store_mail_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int mrc, rc = store_cursor_open(txn, db, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	uint8_t seek[KEY_OUTBOX_LEN];
	if (after) {
		k.mv_size = db == DB_OUTBOX ? key_outbox(seek, after->due_ms, after->seq)
					    : key_id(seek, after->seq);
		k.mv_data = seek;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (mrc == 0 && k.mv_size == (db == DB_OUTBOX ? KEY_OUTBOX_LEN : KEY_ID_LEN) &&
		    !memcmp(k.mv_data, seek, k.mv_size))
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	} else {
		mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	}
	for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct store_mail_pos pos = { 0, 0 };
		struct mail_msg m;
		bool key_ok = db == DB_OUTBOX ? key_outbox_parse(&k, &pos.due_ms, &pos.seq)
					      : key_id_parse(k.mv_data, k.mv_size, &pos.seq);
		if (!key_ok || mail_msg_decode(v.mv_data, v.mv_size, &m) || m.seq != pos.seq)
			continue;
		rc = fn(&pos, &m, arg);
		if (rc)
			break;
	}
	if (rc == STORE_WALK_STOP)
		rc = 0;
	else if (!rc && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "mail_walk");
	mdb_cursor_close(c);
	return rc;
}

int store_outbox_walk(struct store_txn *txn, const struct store_mail_pos *after,
		      store_mail_fn fn, void *arg)
{
	return walk(txn, DB_OUTBOX, after, fn, arg);
}

struct find {
	uint64_t seq;
	struct store_mail_pos *out;
	bool found;
};

static int find_fn(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	struct find *f = arg;
	(void)m;
	if (pos->seq != f->seq)
		return 0;
	*f->out = *pos;
	f->found = true;
	return STORE_WALK_STOP;
}

int store_outbox_find(struct store_txn *txn, uint64_t seq, struct store_mail_pos *out)
{
	struct find f = { seq, out, false };
	memset(out, 0, sizeof *out);
	int rc = walk(txn, DB_OUTBOX, NULL, find_fn, &f);
	if (rc)
		return rc;
	return f.found ? 0 : DK_ERR_NOTFOUND;
}

int store_mail_failed_put(struct store_txn *txn, const struct mail_msg *m)
{
	uint8_t k[KEY_ID_LEN];
	if (m->seq == 0)
		return DK_ERR_INVALID;
	return put_msg(txn, DB_MAIL_FAILED, k, key_id(k, m->seq), m);
}

int store_mail_failed_get(struct store_txn *txn, uint64_t seq, struct mail_msg *out)
{
	uint8_t k[KEY_ID_LEN];
	MDB_val val;
	mail_msg_init(out);
	int rc = store_get(txn, DB_MAIL_FAILED, k, key_id(k, seq), &val);
	return rc ? rc : mail_msg_decode(val.mv_data, val.mv_size, out);
}

int store_mail_failed_del(struct store_txn *txn, uint64_t seq)
{
	uint8_t k[KEY_ID_LEN];
	return store_del(txn, DB_MAIL_FAILED, k, key_id(k, seq));
}

int store_mail_failed_walk(struct store_txn *txn, uint64_t after_seq, store_mail_fn fn,
			   void *arg)
{
	struct store_mail_pos after = { 0, after_seq };
	return walk(txn, DB_MAIL_FAILED, after_seq ? &after : NULL, fn, arg);
}
