/*
 * Access requests and their list index: every request is listed under
 * (all, any state), (all, its state), (its organisation, any state) and
 * (its organisation, its state), so each list support or a requester asks
 * for is one range walk, newest first.
 */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

/* access_list: scope u8 . org id u64 . state u8 . id u64 */
#define KEY_ACCESS_PREFIX_LEN 10
#define KEY_ACCESS_LEN 18

static size_t key_access(uint8_t out[KEY_ACCESS_LEN], uint64_t org_id, uint8_t state,
			 uint64_t id)
{
	out[0] = org_id ? 1 : 0;
	be64_put(out + 1, org_id);
	out[9] = state;
	be64_put(out + 10, id);
	return KEY_ACCESS_LEN;
}

int store_access_get(struct store_txn *txn, uint64_t id, struct access_request *out)
{
	MDB_val val;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_record_get(txn, DB_ACCESS_REQUESTS, id, &val);
	if (rc)
		return rc;
	return access_request_decode(val.mv_data, val.mv_size, out);
}

/* The four entries a request in state of org_id is listed under. */
static int entries_set(struct store_txn *txn, uint64_t org_id, uint8_t state, uint64_t id,
		       bool on)
{
	const uint64_t orgs[2] = { 0, org_id };
	const uint8_t states[2] = { 0, state };
	uint8_t k[KEY_ACCESS_LEN];
	int rc = 0;

	for (int o = 0; o < 2 && rc == 0; o++) {
		if (o == 1 && org_id == 0)
			break;
		for (int s = 0; s < 2 && rc == 0; s++) {
			key_access(k, orgs[o], states[s], id);
			if (on) {
				rc = store_put(txn, DB_ACCESS_LIST, k, sizeof k, "", 0, 0);
			} else {
				rc = store_del(txn, DB_ACCESS_LIST, k, sizeof k);
				if (rc == DK_ERR_NOTFOUND)
					rc = 0;
			}
		}
	}
	return rc;
}

int store_access_put(struct store_txn *txn, const struct access_request *old,
		     struct access_request *a)
{
	struct dk_buf buf = { 0 };
	uint8_t k[KEY_ID_LEN];
	bool new_id = a->id == 0;
	int rc;

	if (old && old->id != a->id)
		return DK_ERR_INVALID;
	rc = old ? 0 : store_record_absent(txn, DB_ACCESS_REQUESTS, a->id);
	if (rc)
		return rc;
	if (new_id) {
		rc = store_seq_next(txn, "access_request", 0, &a->id);
		if (rc)
			goto out;
	}
	rc = access_request_encode(a, &buf);
	if (rc == 0)
		rc = store_put(txn, DB_ACCESS_REQUESTS, k, key_id(k, a->id), buf.data, buf.len, 0);
	if (rc == 0 && old)
		rc = entries_set(txn, old->org_id, (uint8_t)old->state, old->id, false);
	if (rc == 0)
		rc = entries_set(txn, a->org_id, (uint8_t)a->state, a->id, true);
out:
	if (rc && new_id)
		a->id = 0;
	dk_buf_free(&buf);
	return rc;
}

int store_access_walk(struct store_txn *txn, uint64_t org_id, uint8_t state, uint64_t before_id,
		      store_id_fn fn, void *arg)
{
	uint8_t seek[KEY_ACCESS_LEN];
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_ACCESS_LIST, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	/* from the entry at or after (prefix, before_id), stepping back */
	key_access(seek, org_id, state, before_id ? before_id : UINT64_MAX);
	k.mv_size = sizeof seek;
	k.mv_data = seek;
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND)
		mrc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	else if (mrc == 0)
		mrc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_PREV)) {
		if (k.mv_size != KEY_ACCESS_LEN || memcmp(k.mv_data, seek, KEY_ACCESS_PREFIX_LEN))
			break;
		rc = fn(be64_get((const uint8_t *)k.mv_data + KEY_ACCESS_PREFIX_LEN), arg);
		if (rc == STORE_WALK_STOP) {
			rc = 0;
			break;
		}
		if (rc)
			break;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "access_walk");
	mdb_cursor_close(c);
	return rc;
}
