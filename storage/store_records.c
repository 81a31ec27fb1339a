/* meta values, sequences and named documents; users and organisations with
 * their unique lookup indexes, and users by role. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"
#include "validate.h"

int store_meta_set_u32(struct store_txn *txn, const char *name, uint32_t v)
{
	size_t n = name ? strlen(name) : 0;
	uint8_t v4[4];

	if (n == 0 || n > STORE_KEY_MAX)
		return DK_ERR_INVALID;
	be32_put(v4, v);
	return store_put(txn, DB_META, name, n, v4, sizeof v4, 0);
}

int store_seq_next(struct store_txn *txn, const char *name, uint64_t start, uint64_t *out)
{
	char key[4 + KEY_SEQ_NAME_MAX];
	size_t klen = key_seq(key, name);
	uint64_t cur = start;
	uint8_t v8[8];
	MDB_val val;
	int rc;

	*out = 0;
	if (klen == 0)
		return DK_ERR_INVALID;
	rc = store_get(txn, DB_META, key, klen, &val);
	if (rc == 0) {
		rc = store_val_u64(&val, &cur);
		if (rc)
			return rc;
		if (cur < start)
			cur = start;
	} else if (rc != DK_ERR_NOTFOUND) {
		return rc;
	}
	if (cur == UINT64_MAX)
		return DK_ERR_NOSPACE;
	be64_put(v8, cur + 1);
	rc = store_put(txn, DB_META, key, klen, v8, sizeof v8, 0);
	if (rc)
		return rc;
	*out = cur + 1;
	return 0;
}

#define DOC_PREFIX "doc:"
#define DOC_PREFIX_LEN (sizeof DOC_PREFIX - 1)
#define DOCS_VERSION_KEY "docs_version"

static size_t doc_key(char out[DOC_PREFIX_LEN + STORE_DOC_NAME_MAX], const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > STORE_DOC_NAME_MAX)
		return 0;
	memcpy(out, DOC_PREFIX, DOC_PREFIX_LEN);
	memcpy(out + DOC_PREFIX_LEN, name, n);
	return DOC_PREFIX_LEN + n;
}

int store_doc_get(struct store_txn *txn, const char *name, struct dk_buf *out)
{
	char key[DOC_PREFIX_LEN + STORE_DOC_NAME_MAX];
	size_t klen = doc_key(key, name);
	MDB_val val;
	int rc;

	dk_buf_reset(out);
	if (klen == 0)
		return DK_ERR_INVALID;
	rc = store_get(txn, DB_META, key, klen, &val);
	if (rc)
		return rc;
	return dk_buf_append(out, val.mv_data, val.mv_size);
}

int store_doc_version(struct store_txn *txn, uint64_t *out)
{
	MDB_val val;
	int rc;

	*out = 0;
	rc = store_get(txn, DB_META, DOCS_VERSION_KEY, sizeof DOCS_VERSION_KEY - 1, &val);
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	return store_val_u64(&val, out);
}

int store_doc_put(struct store_txn *txn, const char *name, const void *data, size_t len)
{
	char key[DOC_PREFIX_LEN + STORE_DOC_NAME_MAX];
	size_t klen = doc_key(key, name);
	uint64_t version;
	uint8_t v8[8];
	int rc;

	if (klen == 0 || (!data && len))
		return DK_ERR_INVALID;
	rc = store_doc_version(txn, &version);
	if (rc)
		return rc;
	rc = store_put(txn, DB_META, key, klen, len ? data : "", len, 0);
	if (rc)
		return rc;
	/* wrapping is harmless: readers only compare for change */
	be64_put(v8, version + 1);
	return store_put(txn, DB_META, DOCS_VERSION_KEY, sizeof DOCS_VERSION_KEY - 1, v8,
			 sizeof v8, 0);
}

/* Unique index key of a name: e-mails through email_fold, other names with
 * ASCII letters lower-cased. */
static int fold(const char *s, bool email, char out[STORE_KEY_MAX + 1], size_t *len)
{
	size_t i, n = s ? strlen(s) : 0;

	*len = 0;
	if (n == 0 || n > STORE_KEY_MAX)
		return DK_ERR_INVALID;
	if (email) {
		email_fold(s, out, STORE_KEY_MAX + 1);
	} else {
		for (i = 0; i < n; i++)
			out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		out[n] = '\0';
	}
	*len = strlen(out);
	return *len ? 0 : DK_ERR_INVALID;
}

/* Id an index key points to: 0, DK_ERR_NOTFOUND or an error. */
static int index_lookup(struct store_txn *txn, enum store_db idx, const char *key, size_t klen,
			uint64_t *id)
{
	MDB_val val;
	int rc;

	*id = 0;
	rc = store_get(txn, idx, key, klen, &val);
	if (rc)
		return rc;
	return store_val_u64(&val, id);
}

/* One unique index (users_by_email, orgs_by_name) being moved from a
 * record's old name to its new one. */
struct unique {
	enum store_db idx;
	bool email;
	char key[STORE_KEY_MAX + 1];
	size_t klen;
	char old_key[STORE_KEY_MAX + 1];
	size_t old_klen;   /* 0: the old key stays */
};

/* Checks, before anything is written, that the new name is free or already
 * belongs to id; DK_ERR_EXISTS otherwise. */
static int unique_check(struct store_txn *txn, struct unique *u, const char *name,
			const char *old_name, uint64_t id)
{
	uint64_t owner;
	int rc;

	rc = fold(name, u->email, u->key, &u->klen);
	if (rc)
		return rc;
	rc = index_lookup(txn, u->idx, u->key, u->klen, &owner);
	if (rc == 0 && owner != id)
		return DK_ERR_EXISTS;
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	u->old_klen = 0;
	if (old_name && fold(old_name, u->email, u->old_key, &u->old_klen) == 0 &&
	    u->old_klen == u->klen && memcmp(u->old_key, u->key, u->klen) == 0)
		u->old_klen = 0;
	return 0;
}

static int unique_write(struct store_txn *txn, const struct unique *u, uint64_t id)
{
	uint8_t v8[8];
	uint64_t owner;
	int rc;

	if (u->old_klen) {
		/* only drop the old key if it is still ours */
		rc = index_lookup(txn, u->idx, u->old_key, u->old_klen, &owner);
		if (rc == 0 && owner == id)
			rc = store_del(txn, u->idx, u->old_key, u->old_klen);
		if (rc && rc != DK_ERR_NOTFOUND)
			return rc;
	}
	be64_put(v8, id);
	return store_put(txn, u->idx, u->key, u->klen, v8, sizeof v8, 0);
}

/* Stores an encoded record under its id. */
static int record_put(struct store_txn *txn, enum store_db db, uint64_t id, struct dk_buf *buf)
{
	uint8_t k[KEY_ID_LEN];

	return store_put(txn, db, k, key_id(k, id), buf->data, buf->len, 0);
}

int store_record_get(struct store_txn *txn, enum store_db db, uint64_t id, MDB_val *val)
{
	uint8_t k[KEY_ID_LEN];

	if (id == 0)
		return DK_ERR_NOTFOUND;
	return store_get(txn, db, k, key_id(k, id), val);
}

int store_record_absent(struct store_txn *txn, enum store_db db, uint64_t id)
{
	MDB_val val;
	int rc;

	if (id == 0)
		return 0;
	rc = store_record_get(txn, db, id, &val);
	if (rc == 0)
		return DK_ERR_EXISTS;
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}

int store_user_get(struct store_txn *txn, uint64_t id, struct user *out)
{
	MDB_val val;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_record_get(txn, DB_USERS, id, &val);
	if (rc)
		return rc;
	rc = user_decode(val.mv_data, val.mv_size, out);
	if (rc)
		return rc;
	out->id = id;
	return 0;
}

int store_user_by_email(struct store_txn *txn, const char *email, struct user *out)
{
	char key[STORE_KEY_MAX + 1];
	size_t klen;
	uint64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	if (fold(email, true, key, &klen) != 0)
		return DK_ERR_NOTFOUND;
	rc = index_lookup(txn, DB_USERS_BY_EMAIL, key, klen, &id);
	if (rc)
		return rc;
	return store_user_get(txn, id, out);
}

/* Keeps users_by_role in step when a user is added or changes role. */
static int role_move(struct store_txn *txn, const struct user *old, const struct user *u)
{
	uint8_t k[KEY_ROLE_LEN];
	int rc;

	if (old && old->role == u->role)
		return 0;
	if (old) {
		rc = store_del(txn, DB_USERS_BY_ROLE, k, key_role(k, (uint8_t)old->role, u->id));
		if (rc && rc != DK_ERR_NOTFOUND)
			return rc;
	}
	return store_put(txn, DB_USERS_BY_ROLE, k, key_role(k, (uint8_t)u->role, u->id), "", 0, 0);
}

int store_users_by_role(struct store_txn *txn, enum role role, store_user_fn fn, void *arg)
{
	uint8_t seek[KEY_ROLE_LEN], r;
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_USERS_BY_ROLE, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	k.mv_size = key_role(seek, (uint8_t)role, 0);
	k.mv_data = seek;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct user u;

		if (!key_role_parse(k.mv_data, k.mv_size, &r, &id)) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		if (r != (uint8_t)role)
			break;
		rc = store_user_get(txn, id, &u);
		if (rc == DK_ERR_NOTFOUND)
			continue; /* a stale entry: the record decides */
		if (rc)
			goto out;
		/* the index may lag a role changed without it: skip */
		rc = u.role == role ? fn(&u, arg) : 0;
		user_free(&u);
		if (rc)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "users_by_role");
out:
	mdb_cursor_close(c);
	return rc;
}

int store_user_put(struct store_txn *txn, const struct user *old, struct user *u)
{
	struct unique idx = { .idx = DB_USERS_BY_EMAIL, .email = true };
	struct dk_buf buf = { 0 };
	bool new_id = u->id == 0;
	int rc;

	if (old && old->id != u->id)
		return DK_ERR_INVALID;
	rc = old ? 0 : store_record_absent(txn, DB_USERS, u->id);
	if (rc)
		return rc;
	rc = unique_check(txn, &idx, u->email, old ? old->email : NULL, u->id);
	if (rc)
		return rc;
	if (new_id) {
		rc = store_seq_next(txn, "user", 0, &u->id);
		if (rc)
			goto out;
	}
	rc = user_encode(u, &buf);
	if (rc)
		goto out;
	rc = record_put(txn, DB_USERS, u->id, &buf);
	if (rc)
		goto out;
	rc = unique_write(txn, &idx, u->id);
	if (rc)
		goto out;
	rc = role_move(txn, old, u);
	/* the lists follow a requester to their new organisation */
	if (rc == 0 && old && old->org_id != u->org_id)
		rc = store_tickets_requester_moved(txn, u->id, old->org_id, u->org_id);
out:
	if (rc && new_id)
		u->id = 0;
	dk_buf_free(&buf);
	return rc;
}

int store_org_get(struct store_txn *txn, uint64_t id, struct org *out)
{
	MDB_val val;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_record_get(txn, DB_ORGS, id, &val);
	if (rc)
		return rc;
	rc = org_decode(val.mv_data, val.mv_size, out);
	if (rc)
		return rc;
	out->id = id;
	return 0;
}

int store_org_by_name(struct store_txn *txn, const char *name, struct org *out)
{
	char key[STORE_KEY_MAX + 1];
	size_t klen;
	uint64_t id;
	int rc;

	memset(out, 0, sizeof *out);
	if (fold(name, false, key, &klen) != 0)
		return DK_ERR_NOTFOUND;
	rc = index_lookup(txn, DB_ORGS_BY_NAME, key, klen, &id);
	if (rc)
		return rc;
	return store_org_get(txn, id, out);
}

int store_org_put(struct store_txn *txn, const struct org *old, struct org *o)
{
	struct unique idx = { .idx = DB_ORGS_BY_NAME, .email = false };
	struct dk_buf buf = { 0 };
	bool new_id = o->id == 0;
	int rc;

	if (old && old->id != o->id)
		return DK_ERR_INVALID;
	rc = old ? 0 : store_record_absent(txn, DB_ORGS, o->id);
	if (rc)
		return rc;
	rc = unique_check(txn, &idx, o->name, old ? old->name : NULL, o->id);
	if (rc)
		return rc;
	if (new_id) {
		rc = store_seq_next(txn, "org", 0, &o->id);
		if (rc)
			goto out;
	}
	rc = org_encode(o, &buf);
	if (rc)
		goto out;
	rc = record_put(txn, DB_ORGS, o->id, &buf);
	if (rc)
		goto out;
	rc = unique_write(txn, &idx, o->id);
out:
	if (rc && new_id)
		o->id = 0;
	dk_buf_free(&buf);
	return rc;
}

int store_orgs_each(struct store_txn *txn, store_org_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	int rc, mrc;

	/* orgs_by_name walks in folded-name order, which a list for people wants */
	rc = store_cursor_open(txn, DB_ORGS_BY_NAME, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct org o;

		rc = store_val_u64(&v, &id);
		if (rc)
			goto out;
		rc = store_org_get(txn, id, &o);
		if (rc == DK_ERR_NOTFOUND)
			continue;
		if (rc)
			goto out;
		rc = fn(&o, arg);
		org_free(&o);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "orgs_each");
out:
	mdb_cursor_close(c);
	return rc;
}
