/*
 * Service levels: each ticket's SLA state ("sla"), the deadline index the
 * engine's timers walk in time order ("deadlines") and the escalations
 * waiting to be mailed ("escalations").
 */
#include <string.h>

#include "sla_record.h"
#include "store_internal.h"
#include "store_keys.h"

/* deadlines: kind u8 . due_ms u64 . ticket id u64 */
#define KEY_DEADLINE_LEN 17

/* The kinds are proto's rule's kinds (stored numbers). */
#define SAME_KIND(k) ((int)STORE_DEADLINE_##k == (int)SLA_DEADLINE_##k)
_Static_assert(SAME_KIND(RESPONSE_WARNING) && SAME_KIND(RESPONSE_BREACH) &&
		       SAME_KIND(RESOLUTION_WARNING) && SAME_KIND(RESOLUTION_BREACH) &&
		       SAME_KIND(TRIAGE_BREACH) && SAME_KIND(AUTO_CLOSE) && SAME_KIND(DUE) &&
		       STORE_DEADLINE_LAST < SLA_DEADLINE_KINDS,
	       "storage's deadline kinds are proto's");
/* escalations: time_ms u64 . ticket id u64 . kind u8 */
#define KEY_ESCALATION_LEN 17

static size_t key_deadline(uint8_t out[KEY_DEADLINE_LEN], uint8_t kind, int64_t due_ms,
			   uint64_t ticket_id)
{
	out[0] = kind;
	be64_put(out + 1, (uint64_t)due_ms);
	be64_put(out + 9, ticket_id);
	return KEY_DEADLINE_LEN;
}

static bool key_deadline_parse(const MDB_val *k, struct store_deadline *out)
{
	const uint8_t *p = k->mv_data;
	if (k->mv_size != KEY_DEADLINE_LEN || be64_get(p + 1) > INT64_MAX)
		return false;
	out->kind = p[0];
	out->due_ms = (int64_t)be64_get(p + 1);
	out->ticket_id = be64_get(p + 9);
	return true;
}

static bool kind_ok(uint8_t kind)
{
	return kind >= STORE_DEADLINE_FIRST && kind <= STORE_DEADLINE_LAST;
}

int store_sla_get(struct store_txn *txn, uint64_t ticket_id, struct sla_state *out)
{
	uint8_t k[KEY_ID_LEN];
	MDB_val val;
	sla_state_init(out);
	int rc = store_get(txn, DB_SLA, k, key_id(k, ticket_id), &val);
	if (rc)
		return rc;
	return sla_state_decode(val.mv_data, val.mv_size, out);
}

int store_sla_put(struct store_txn *txn, uint64_t ticket_id, const struct sla_state *s)
{
	struct dk_buf buf = { 0 };
	uint8_t k[KEY_ID_LEN];
	int rc = sla_state_encode(s, &buf);
	if (rc == 0)
		rc = store_put(txn, DB_SLA, k, key_id(k, ticket_id), buf.data, buf.len, 0);
	dk_buf_free(&buf);
	return rc;
}

int store_sla_del(struct store_txn *txn, uint64_t ticket_id)
{
	uint8_t k[KEY_ID_LEN];
	return store_del(txn, DB_SLA, k, key_id(k, ticket_id));
}

int store_deadline_put(struct store_txn *txn, uint8_t kind, int64_t due_ms, uint64_t ticket_id)
{
	uint8_t k[KEY_DEADLINE_LEN];
	if (!kind_ok(kind) || due_ms < 0)
		return DK_ERR_INVALID;
	return store_put(txn, DB_DEADLINES, k, key_deadline(k, kind, due_ms, ticket_id), "", 0, 0);
}

int store_deadline_del(struct store_txn *txn, uint8_t kind, int64_t due_ms, uint64_t ticket_id)
{
	uint8_t k[KEY_DEADLINE_LEN];
	if (!kind_ok(kind) || due_ms < 0)
		return DK_ERR_INVALID;
	int rc = store_del(txn, DB_DEADLINES, k, key_deadline(k, kind, due_ms, ticket_id));
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}

/* Positions c on the first entry of kind at or after due_ms; false (and
 * *mrc) when there is none. */
static bool seek(MDB_cursor *c, uint8_t kind, int64_t due_ms, struct store_deadline *out,
		 int *mrc)
{
	uint8_t seek_key[KEY_DEADLINE_LEN];
	MDB_val k = { key_deadline(seek_key, kind, due_ms, 0), seek_key }, v;
	*mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	return *mrc == 0 && key_deadline_parse(&k, out) && out->kind == kind;
}

int store_deadline_first(struct store_txn *txn, uint8_t kind, struct store_deadline *out)
{
	MDB_cursor *c;
	int mrc, rc;
	memset(out, 0, sizeof *out);
	if (!kind_ok(kind))
		return DK_ERR_INVALID;
	rc = store_cursor_open(txn, DB_DEADLINES, &c);
	if (rc)
		return rc;
	if (!seek(c, kind, 0, out, &mrc)) {
		memset(out, 0, sizeof *out);
		rc = mrc && mrc != MDB_NOTFOUND ? store_err(txn, mrc, "deadline_first")
						: DK_ERR_NOTFOUND;
	}
	mdb_cursor_close(c);
	return rc;
}

int store_deadlines_due(struct store_txn *txn, uint8_t kind, int64_t now_ms,
			struct store_deadline *out, size_t max, size_t *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	int mrc, rc;
	*n = 0;
	if (!kind_ok(kind))
		return DK_ERR_INVALID;
	if (max == 0)
		return 0;
	rc = store_cursor_open(txn, DB_DEADLINES, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	bool ok = seek(c, kind, 0, &out[0], &mrc);
	while (ok && *n < max && out[*n].due_ms <= now_ms) {
		(*n)++;
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		ok = mrc == 0 && *n < max && key_deadline_parse(&k, &out[*n]) &&
		     out[*n].kind == kind;
	}
	if (mrc && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "deadlines_due");
	mdb_cursor_close(c);
	if (rc)
		*n = 0;
	return rc;
}

int store_deadline_walk(struct store_txn *txn, uint8_t kind, const struct store_deadline *after,
			store_deadline_fn fn, void *arg)
{
	struct store_deadline d;
	MDB_cursor *c;
	MDB_val k, v;
	int mrc, rc;
	if (!kind_ok(kind) || (after && after->due_ms < 0))
		return DK_ERR_INVALID;
	rc = store_cursor_open(txn, DB_DEADLINES, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	bool ok;
	if (!after) {
		ok = seek(c, kind, 0, &d, &mrc);
	} else {
		/* the first key past (after's time, after's ticket) */
		uint8_t sk[KEY_DEADLINE_LEN];
		k.mv_size = key_deadline(sk, kind, after->due_ms, after->ticket_id);
		k.mv_data = sk;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (mrc == 0 && k.mv_size == KEY_DEADLINE_LEN && !memcmp(k.mv_data, sk, sizeof sk))
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		ok = mrc == 0 && key_deadline_parse(&k, &d) && d.kind == kind;
	}
	while (ok) {
		rc = fn(&d, arg);
		if (rc)
			break;
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		ok = mrc == 0 && key_deadline_parse(&k, &d) && d.kind == kind;
	}
	if (rc == STORE_WALK_STOP)
		rc = 0;
	else if (!rc && mrc && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "deadline_walk");
	mdb_cursor_close(c);
	return rc;
}

/* Deletes every entry of kind. */
static int kind_clear(struct store_txn *txn, uint8_t kind)
{
	struct store_deadline d;
	MDB_cursor *c;
	int mrc, rc = store_cursor_open(txn, DB_DEADLINES, &c);
	if (rc)
		return rc;
	while (seek(c, kind, 0, &d, &mrc)) {
		mrc = mdb_cursor_del(c, 0);
		if (mrc)
			break;
	}
	mdb_cursor_close(c);
	return mrc && mrc != MDB_NOTFOUND ? store_err(txn, mrc, "deadlines_rebuild") : 0;
}

int store_deadlines_rebuild(struct store_txn *txn, uint8_t kind, uint64_t *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id, count = 0;
	int mrc, rc;
	if (n)
		*n = 0;
	if (!kind_ok(kind))
		return DK_ERR_INVALID;
	rc = kind_clear(txn, kind);
	if (rc == 0)
		rc = store_cursor_open(txn, DB_SLA, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct sla_state st;
		int64_t at[SLA_DEADLINE_KINDS];
		/* what does not decode has no deadlines (verify reports it) */
		if (!key_id_parse(k.mv_data, k.mv_size, &id) ||
		    sla_state_decode(v.mv_data, v.mv_size, &st) != 0)
			continue;
		sla_state_deadlines(&st, at);
		if (!at[kind])
			continue;
		rc = store_deadline_put(txn, kind, at[kind], id);
		if (rc)
			break;
		count++;
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "deadlines_rebuild");
	mdb_cursor_close(c);
	if (rc == 0 && n)
		*n = count;
	return rc;
}

int store_escalation_put(struct store_txn *txn, int64_t time_ms, uint64_t ticket_id,
			 uint8_t kind)
{
	uint8_t k[KEY_ESCALATION_LEN];
	if (time_ms < 0 || !kind_ok(kind))
		return DK_ERR_INVALID;
	be64_put(k, (uint64_t)time_ms);
	be64_put(k + 8, ticket_id);
	k[16] = kind;
	return store_put(txn, DB_ESCALATIONS, k, sizeof k, "", 0, 0);
}
