/*
 * Checking the mail tables: every message decodes and sits under the key
 * it names, none is both queued and failed, and the "mail" sequence is
 * ahead of every message.
 */
#include <stdio.h>
#include <string.h>

#include "mail_record.h"
#include "store_keys.h"
#include "store_verify_int.h"

struct mail_verify {
	struct verify *v;
	uint64_t max_seq;
};

static int check_msg(struct mail_verify *mv, enum store_db db, const MDB_val *k,
		     const MDB_val *val)
{
	struct verify *v = mv->v;
	struct mail_msg m;
	char key[80];
	uint64_t seq;
	bool outbox = db == DB_OUTBOX;

	if (outbox ? k->mv_size != 16 || be64_get(k->mv_data) > INT64_MAX
		   : !key_id_parse(k->mv_data, k->mv_size, &seq)) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, db, key, outbox ? "key is not due_ms . seq" : "key is not a seq");
	}
	if (outbox)
		seq = be64_get((const uint8_t *)k->mv_data + 8);
	snprintf(key, sizeof key, "message %llu", (unsigned long long)seq);
	if (seq > mv->max_seq)
		mv->max_seq = seq;
	if (mail_msg_decode(val->mv_data, val->mv_size, &m) != 0)
		return verify_report(v, db, key, "message does not decode");
	if (m.seq != seq)
		return verify_report(v, db, key, "record names message %llu",
				     (unsigned long long)m.seq);
	if (outbox) {
		uint8_t fk[KEY_ID_LEN];
		MDB_val tmp;
		int rc = store_get(v->txn, DB_MAIL_FAILED, fk, key_id(fk, seq), &tmp);
		if (rc == 0)
			return verify_report(v, db, key, "message is also in mail_failed");
		if (rc != DK_ERR_NOTFOUND)
			return rc;
	}
	return 0;
}

static int walk_db(struct mail_verify *mv, enum store_db db)
{
	MDB_cursor *c;
	MDB_val k, val;
	int rc = store_cursor_open(mv->v->txn, db, &c), mrc;

	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &val, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
		rc = check_msg(mv, db, &k, &val);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(mv->v->txn, mrc, "verify_mail");
out:
	mdb_cursor_close(c);
	return rc;
}

int verify_mail(struct verify *v)
{
	struct mail_verify mv = { v, 0 };
	char key[4 + KEY_SEQ_NAME_MAX];
	uint64_t cur = 0;
	MDB_val val;
	int rc = walk_db(&mv, DB_OUTBOX);

	if (rc == 0)
		rc = walk_db(&mv, DB_MAIL_FAILED);
	if (rc || mv.max_seq == 0)
		return rc;
	rc = store_get(v->txn, DB_META, key, key_seq(key, "mail"), &val);
	if (rc == 0 && store_val_u64(&val, &cur) != 0)
		return 0; /* the meta walk reports it */
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	if (cur >= mv.max_seq)
		return 0;
	return verify_report(v, DB_META, "seq:mail",
			     "sequence is at %llu but message %llu exists: the next new one "
			     "would take its number", (unsigned long long)cur,
			     (unsigned long long)mv.max_seq);
}
