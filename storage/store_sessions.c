/* Sessions and API tokens, with the session_expiry index that the expiry
 * timer walks in time order and the sessions_by_user index that ends a
 * user's sessions (after a password change) without a scan. */
#include <string.h>
#include <strings.h>

#include "store_internal.h"
#include "store_keys.h"

/* What the index entries of a stored session depend on: its expiry (0 when
 * never expiring) and its user. DK_ERR_NOTFOUND when there is none. */
static int stored_keys(struct store_txn *txn, const uint8_t key[32], int64_t *expires_ms,
		       uint64_t *user_id)
{
	struct session old;
	int rc;

	*expires_ms = 0;
	*user_id = 0;
	rc = store_session_get(txn, key, &old);
	if (rc)
		return rc;
	*expires_ms = old.expires_ms;
	*user_id = old.user_id;
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

static int by_user_set(struct store_txn *txn, const uint8_t key[32], uint64_t user_id, bool on)
{
	uint8_t k[KEY_USER_SESSION_LEN];
	int rc;

	key_user_session(k, user_id, key);
	if (on)
		return store_put(txn, DB_SESSIONS_BY_USER, k, sizeof k, "", 0, 0);
	rc = store_del(txn, DB_SESSIONS_BY_USER, k, sizeof k);
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
	uint64_t old_user;
	int64_t old_ms;
	int rc;

	if (s->expires_ms < 0)
		return DK_ERR_INVALID;
	rc = stored_keys(txn, key, &old_ms, &old_user);
	if (rc == 0 && old_ms != s->expires_ms)
		rc = expiry_del(txn, key, old_ms);
	if (rc == 0 && old_user != s->user_id)
		rc = by_user_set(txn, key, old_user, false);
	else if (rc == DK_ERR_NOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	rc = session_encode(s, &buf);
	if (rc)
		goto out;
	rc = store_put(txn, DB_SESSIONS, key, 32, buf.data, buf.len, 0);
	if (rc == 0)
		rc = by_user_set(txn, key, s->user_id, true);
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
	uint64_t user_id;
	int64_t old_ms;
	int rc;

	rc = stored_keys(txn, key, &old_ms, &user_id);
	if (rc)
		return rc;
	rc = expiry_del(txn, key, old_ms);
	if (rc == 0)
		rc = by_user_set(txn, key, user_id, false);
	if (rc)
		return rc;
	return store_del(txn, DB_SESSIONS, key, 32);
}

int store_session_del_user(struct store_txn *txn, uint64_t user_id, enum session_kind kind,
			   const uint8_t keep[32], size_t *n_deleted)
{
	uint8_t seek[KEY_USER_SESSION_LEN], skey[32];
	uint64_t uid;
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	int rc, mrc;

	if (n_deleted)
		*n_deleted = 0;
	rc = store_cursor_open(txn, DB_SESSIONS_BY_USER, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	memset(skey, 0, sizeof skey);
	k.mv_size = key_user_session(seek, user_id, skey);
	k.mv_data = seek;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;) {
		struct session s;
		enum session_kind found;

		if (!key_user_session_parse(k.mv_data, k.mv_size, &uid, skey) || uid != user_id)
			break;
		if (keep && memcmp(skey, keep, sizeof skey) == 0) {
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		rc = store_session_get(txn, skey, &s);
		found = s.kind;
		session_free(&s);
		if (rc == DK_ERR_NOTFOUND) {
			/* an entry left behind: drop it with the others */
			found = kind;
			rc = 0;
		}
		if (rc)
			goto out;
		if (kind && found != kind) {
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		/* deleting through the API moves other cursors of the txn;
		 * seek again from the entry after this one */
		memcpy(seek, k.mv_data, sizeof seek);
		rc = store_session_del(txn, skey);
		if (rc == DK_ERR_NOTFOUND)
			rc = by_user_set(txn, skey, user_id, false);
		if (rc)
			goto out;
		n++;
		k.mv_size = sizeof seek;
		k.mv_data = seek;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "session_del_user");
out:
	mdb_cursor_close(c);
	if (n_deleted)
		*n_deleted = rc ? 0 : n;
	return rc;
}

int store_session_expire(struct store_txn *txn, int64_t now_ms, size_t limit,
			 size_t *n_deleted, int64_t *next_ms)
{
	uint8_t skey[32];
	uint64_t ms, user_id;
	int64_t old_ms;
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
		rc = stored_keys(txn, skey, &old_ms, &user_id);
		if (rc == 0)
			rc = by_user_set(txn, skey, user_id, false);
		if (rc == 0)
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

int store_sessions_of(struct store_txn *txn, uint64_t user_id, const char *email,
		      store_session_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	/* one-time sign-up links name an address and no user, so every
	 * session is read: an administrator's rare question */
	rc = store_cursor_open(txn, DB_SESSIONS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct session s;

		if (k.mv_size != 32)
			continue; /* verify reports it */
		if (session_decode(v.mv_data, v.mv_size, &s))
			continue;
		bool mine = (user_id && s.user_id == user_id) ||
			    (email && !s.user_id && s.email && !strcasecmp(s.email, email));
		rc = mine ? fn(k.mv_data, &s, arg) : 0;
		session_free(&s);
		if (rc)
			break;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "sessions_of");
	mdb_cursor_close(c);
	return rc;
}
