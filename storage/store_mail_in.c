/* Inbound mail bookkeeping in meta: the mail gateway's key and the
 * Message-IDs already recorded, so a message an MTA delivers twice is
 * recorded once. Entries older than the window are pruned a few at a time
 * as new ones come in. */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

#define KEY_NAME "mail_in:key"
#define ID_PREFIX "mail_in:id:"
#define AT_PREFIX "mail_in:at:"
#define PREFIX_LEN (sizeof ID_PREFIX - 1)

static void id_key(uint8_t k[PREFIX_LEN + 32], const uint8_t id[32])
{
	memcpy(k, ID_PREFIX, PREFIX_LEN);
	memcpy(k + PREFIX_LEN, id, 32);
}

static void at_key(uint8_t k[PREFIX_LEN + 8 + 32], int64_t ms, const uint8_t id[32])
{
	memcpy(k, AT_PREFIX, PREFIX_LEN);
	be64_put(k + PREFIX_LEN, (uint64_t)(ms < 0 ? 0 : ms));
	memcpy(k + PREFIX_LEN + 8, id, 32);
}

int store_mail_in_key_get(struct store_txn *txn, uint8_t out[32])
{
	MDB_val v;
	memset(out, 0, 32);
	int rc = store_get(txn, DB_META, KEY_NAME, sizeof KEY_NAME - 1, &v);
	if (rc)
		return rc;
	if (v.mv_size != 32)
		return DK_ERR_CORRUPT;
	memcpy(out, v.mv_data, 32);
	return 0;
}

int store_mail_in_key_put(struct store_txn *txn, const uint8_t key[32])
{
	return store_put(txn, DB_META, KEY_NAME, sizeof KEY_NAME - 1, key, 32, 0);
}

int store_mail_in_seen(struct store_txn *txn, const uint8_t id[32], uint64_t *ticket_id)
{
	uint8_t k[PREFIX_LEN + 32];
	MDB_val v;
	*ticket_id = 0;
	id_key(k, id);
	int rc = store_get(txn, DB_META, k, sizeof k, &v);
	if (rc)
		return rc;
	if (v.mv_size != 16)
		return DK_ERR_CORRUPT;
	*ticket_id = be64_get(v.mv_data);
	return 0;
}

int store_mail_in_prune(struct store_txn *txn, int64_t before_ms, size_t limit, size_t *n)
{
	enum { BATCH = 16 };
	uint8_t old[BATCH][PREFIX_LEN + 8 + 32];
	size_t found = 0;
	MDB_cursor *c;
	MDB_val k, v;
	uint8_t start[PREFIX_LEN];
	*n = 0;
	if (limit > BATCH)
		limit = BATCH;
	int rc = store_cursor_open(txn, DB_META, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	memcpy(start, AT_PREFIX, PREFIX_LEN);
	k.mv_data = start;
	k.mv_size = sizeof start;
	/* the oldest entries first; deleted after the walk */
	int mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (mrc == 0 && found < limit) {
		const uint8_t *kd = k.mv_data;
		if (k.mv_size != sizeof old[0] || memcmp(kd, AT_PREFIX, PREFIX_LEN) ||
		    be64_get(kd + PREFIX_LEN) >= (uint64_t)(before_ms < 0 ? 0 : before_ms))
			break;
		memcpy(old[found++], kd, sizeof old[0]);
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_err(txn, mrc, "mail_prune");
	for (size_t i = 0; i < found; i++) {
		uint8_t idk[PREFIX_LEN + 32];
		id_key(idk, old[i] + PREFIX_LEN + 8);
		if ((rc = store_del(txn, DB_META, old[i], sizeof old[i])) ||
		    ((rc = store_del(txn, DB_META, idk, sizeof idk)) && rc != DK_ERR_NOTFOUND))
			return rc;
		(*n)++;
	}
	return 0;
}

int store_mail_in_note(struct store_txn *txn, const uint8_t id[32], uint64_t ticket_id,
		    int64_t now_ms)
{
	uint8_t k[PREFIX_LEN + 32], ak[PREFIX_LEN + 8 + 32], v[16];
	uint64_t seen;
	int rc = store_mail_in_seen(txn, id, &seen);
	if (rc == 0)
		return DK_ERR_EXISTS;
	if (rc != DK_ERR_NOTFOUND)
		return rc;
	id_key(k, id);
	at_key(ak, now_ms, id);
	be64_put(v, ticket_id);
	be64_put(v + 8, (uint64_t)(now_ms < 0 ? 0 : now_ms));
	if ((rc = store_put(txn, DB_META, k, sizeof k, v, sizeof v, 0)) ||
	    (rc = store_put(txn, DB_META, ak, sizeof ak, "", 0, 0)))
		return rc;
	size_t n;
	return store_mail_in_prune(txn, now_ms - STORE_MAIL_IN_KEEP_MS, 4, &n);
}
