/* Sessions and API tokens, with the session_expiry index that the expiry
 * timer walks in time order. */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

/* The stored session's expiry, 0 when absent or never expiring. */
static int stored_expiry(struct store_txn *txn, const uint8_t key[32], int64_t *expires_ms)
{
	struct session old;
	int rc;

	*expires_ms = 0;
	rc = store_session_get(txn, key, &old);
	if (rc)
		return rc;
	*expires_ms = old.expires_ms;
	session_free(&old);
	return 0;
}

static int expiry_del(struct store_txn *txn, const uint8_t key[32], int64_t expires_ms)
{
	uint8_t k[KEY_EXPIRY_LEN];
	int rc;

	if (expires_ms <= 0)
		return 0;
	rc = store_del(txn, DB_SESSION_EXPIRY, k, key_expiry(k, (uint64_t)expires_ms, key));
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}

int store_session_get(struct store_txn *txn, const uint8_t key[32], struct session *out)
{
	MDB_val val;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_get(txn, DB_SESSIONS, key, 32, &val);
	if (rc)
		return rc;
	return session_decode(val.mv_data, val.mv_size, out);
}

int store_session_put(struct store_txn *txn, const uint8_t key[32], const struct session *s)
{
	struct dk_buf buf = { 0 };
	uint8_t k[KEY_EXPIRY_LEN];
	int64_t old_ms;
	int rc;

	if (s->expires_ms < 0)
		return DK_ERR_INVALID;
	rc = stored_expiry(txn, key, &old_ms);
	if (rc == 0 && old_ms != s->expires_ms)
		rc = expiry_del(txn, key, old_ms);
	else if (rc == DK_ERR_NOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	rc = session_encode(s, &buf);
	if (rc)
		goto out;
	rc = store_put(txn, DB_SESSIONS, key, 32, buf.data, buf.len, 0);
	if (rc || s->expires_ms == 0)
		goto out;
	rc = store_put(txn, DB_SESSION_EXPIRY, k, key_expiry(k, (uint64_t)s->expires_ms, key),
		       "", 0, 0);
out:
	dk_buf_free(&buf);
	return rc;
}

int store_session_del(struct store_txn *txn, const uint8_t key[32])
{
	int64_t old_ms;
	int rc;

	rc = stored_expiry(txn, key, &old_ms);
	if (rc)
		return rc;
	rc = expiry_del(txn, key, old_ms);
	if (rc)
		return rc;
	return store_del(txn, DB_SESSIONS, key, 32);
}

int store_session_expire(struct store_txn *txn, int64_t now_ms, size_t limit,
			 size_t *n_deleted, int64_t *next_ms)
{
	uint8_t skey[32];
	uint64_t ms;
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	*n_deleted = 0;
	*next_ms = 0;
	rc = store_cursor_open(txn, DB_SESSION_EXPIRY, &c);
	if (rc)
		return rc;
	for (;;) {
		mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
		if (mrc)
			break;
		if (!key_expiry_parse(k.mv_data, k.mv_size, &ms, skey)) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		if (now_ms < 0 || ms > (uint64_t)now_ms || *n_deleted == limit) {
			*next_ms = (int64_t)ms;
			break;
		}
		mrc = mdb_cursor_del(c, 0);
		if (mrc)
			break;
		rc = store_del(txn, DB_SESSIONS, skey, sizeof skey);
		if (rc && rc != DK_ERR_NOTFOUND)
			goto out;
		rc = 0;
		(*n_deleted)++;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "session_expire");
out:
	mdb_cursor_close(c);
	if (rc) {
		*n_deleted = 0;
		*next_ms = 0;
	}
	return rc;
}
