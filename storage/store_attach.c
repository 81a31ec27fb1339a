/*
 * Attachments: their descriptions (attachments: ticket id u64 . attachment
 * id u64 -> record) and their bytes (blobs: attachment id u64 . chunk no
 * u32 -> up to ATTACHMENT_CHUNK bytes). Keying the descriptions by ticket
 * lets a timeline and a purge find a ticket's files with one range read.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachment_record.h"

#include "store_internal.h"
#include "store_keys.h"
#include "store_verify_int.h"

#define KEY_ATT_LEN 16
#define KEY_BLOB_LEN 12

static size_t key_att(uint8_t out[KEY_ATT_LEN], uint64_t ticket_id, uint64_t id)
{
	be64_put(out, ticket_id);
	be64_put(out + 8, id);
	return KEY_ATT_LEN;
}

static size_t key_blob(uint8_t out[KEY_BLOB_LEN], uint64_t id, uint32_t chunk)
{
	be64_put(out, id);
	be32_put(out + 8, chunk);
	return KEY_BLOB_LEN;
}

int store_attachment_put(struct store_txn *txn, struct attachment *a)
{
	uint8_t k[KEY_ATT_LEN];
	struct dk_buf b = { 0 };
	int rc = 0;

	if (!a->id)
		rc = store_seq_next(txn, "attachment", 0, &a->id);
	if (rc == 0)
		rc = attachment_encode(a, &b);
	if (rc == 0)
		rc = store_put(txn, DB_ATTACHMENTS, k, key_att(k, a->ticket_id, a->id), b.data,
			       b.len, 0);
	dk_buf_free(&b);
	return rc;
}

int store_attachment_get(struct store_txn *txn, uint64_t ticket_id, uint64_t id,
			 struct attachment *out)
{
	uint8_t k[KEY_ATT_LEN];
	MDB_val v;
	int rc = store_get(txn, DB_ATTACHMENTS, k, key_att(k, ticket_id, id), &v);

	if (rc) {
		attachment_init(out);
		return rc;
	}
	rc = attachment_decode(v.mv_data, v.mv_size, out);
	if (rc == 0 && (out->ticket_id != ticket_id || out->id != id))
		rc = DK_ERR_CORRUPT;
	return rc;
}

int store_attachments_each(struct store_txn *txn, uint64_t ticket_id, store_attachment_fn fn,
			   void *arg)
{
	uint8_t seek[KEY_ATT_LEN];
	MDB_cursor *c;
	MDB_val k, v;
	struct attachment a;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_ATTACHMENTS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	k.mv_size = key_att(seek, ticket_id, 0);
	k.mv_data = seek;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != KEY_ATT_LEN || be64_get(k.mv_data) != ticket_id)
			break;
		/* one damaged description must not hide the ticket's others */
		if (attachment_decode(v.mv_data, v.mv_size, &a))
			continue;
		rc = fn(&a, arg);
		if (rc)
			break;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "attachments_each");
	mdb_cursor_close(c);
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int store_blob_put(struct store_txn *txn, uint64_t id, uint32_t chunk, const void *data,
		   size_t len)
{
	uint8_t k[KEY_BLOB_LEN];

	if (len > ATTACHMENT_CHUNK || (!data && len))
		return DK_ERR_INVALID;
	return store_put(txn, DB_BLOBS, k, key_blob(k, id, chunk), len ? data : "", len,
			 MDB_NOOVERWRITE);
}

int store_blob_get(struct store_txn *txn, uint64_t id, uint32_t chunk, const void **data,
		   size_t *len)
{
	uint8_t k[KEY_BLOB_LEN];
	MDB_val v;
	int rc = store_get(txn, DB_BLOBS, k, key_blob(k, id, chunk), &v);

	*data = rc ? NULL : v.mv_data;
	*len = rc ? 0 : v.mv_size;
	return rc;
}

/* Deletes every entry of db whose key starts with the prefix. */
static int del_prefix(struct store_txn *txn, enum store_db db, const uint8_t *prefix, size_t plen,
		      const char *op)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	rc = store_cursor_open(txn, db, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	/* seek afresh after each delete: the cursor's place is gone */
	for (;;) {
		k.mv_size = plen;
		k.mv_data = (void *)prefix;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (mrc || k.mv_size < plen || memcmp(k.mv_data, prefix, plen))
			break;
		mrc = mdb_cursor_del(c, 0);
		if (mrc)
			break;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, op);
	mdb_cursor_close(c);
	return rc;
}

int store_attachments_del_ticket(struct store_txn *txn, uint64_t ticket_id)
{
	uint8_t k[KEY_ATT_LEN], b[KEY_BLOB_LEN];
	MDB_cursor *c;
	MDB_val key, v;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_ATTACHMENTS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	/* the blobs first, by the ids the keys name (a description that does
	 * not decode still names its blobs) */
	key.mv_size = key_att(k, ticket_id, 0);
	key.mv_data = k;
	for (mrc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE); mrc == 0 && rc == 0;
	     mrc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
		if (key.mv_size != KEY_ATT_LEN || be64_get(key.mv_data) != ticket_id)
			break;
		be64_put(b, be64_get((const uint8_t *)key.mv_data + 8));
		rc = del_prefix(txn, DB_BLOBS, b, 8, "blob_del");
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "attachments_del");
	mdb_cursor_close(c);
	if (rc == 0) {
		be64_put(k, ticket_id);
		rc = del_prefix(txn, DB_ATTACHMENTS, k, 8, "attachments_del");
	}
	return rc;
}

/* --- verify: each description against its ticket, event and bytes --- */

static int attachment_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	struct attachment a;
	uint8_t kt[KEY_ID_LEN], md[32];
	char key[64], hex[65];
	MDB_val tv;
	int rc;

	if (k->mv_size != KEY_ATT_LEN) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, DB_ATTACHMENTS, key, "key is not ticket id . attachment id");
	}
	uint64_t tid = be64_get(k->mv_data), id = be64_get((const uint8_t *)k->mv_data + 8);
	snprintf(key, sizeof key, "ticket %llu attachment %llu", (unsigned long long)tid,
		 (unsigned long long)id);
	if (id > v->max_id[DB_ATTACHMENTS])
		v->max_id[DB_ATTACHMENTS] = id;
	if (attachment_decode(val->mv_data, val->mv_size, &a))
		return verify_report(v, DB_ATTACHMENTS, key, "record does not decode");
	if (a.ticket_id != tid || a.id != id)
		return verify_report(v, DB_ATTACHMENTS, key, "record says it is ticket %llu attachment %llu",
				     (unsigned long long)a.ticket_id, (unsigned long long)a.id);
	if (store_get(v->txn, DB_TICKETS, kt, key_id(kt, tid), &tv))
		rc = verify_report(v, DB_ATTACHMENTS, key, "the ticket does not exist");
	else {
		uint8_t ke[KEY_EVENT_LEN];
		rc = store_get(v->txn, DB_EVENTS, ke, key_event(ke, tid, a.event_seq), &tv)
			     ? verify_report(v, DB_ATTACHMENTS, key, "event %u does not exist",
					     a.event_seq)
			     : 0;
	}
	if (rc)
		return rc;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return DK_ERR_NOMEM;
	}
	uint32_t n = attachment_chunks(a.size);
	uint64_t got = 0;
	for (uint32_t i = 0; i < n; i++) {
		const void *data;
		size_t len;
		if (store_blob_get(v->txn, id, i, &data, &len)) {
			EVP_MD_CTX_free(ctx);
			return verify_report(v, DB_BLOBS, key, "chunk %u is missing", i);
		}
		if (len != (i + 1 < n ? ATTACHMENT_CHUNK : a.size - got)) {
			EVP_MD_CTX_free(ctx);
			return verify_report(v, DB_BLOBS, key, "chunk %u holds %zu bytes", i, len);
		}
		EVP_DigestUpdate(ctx, data, len);
		got += len;
	}
	const void *extra;
	size_t elen;
	if (store_blob_get(v->txn, id, n, &extra, &elen) == 0) {
		EVP_MD_CTX_free(ctx);
		return verify_report(v, DB_BLOBS, key, "has chunks beyond its size");
	}
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, a.sha256))
		return verify_report(v, DB_BLOBS, key, "bytes do not match their SHA-256");
	return 0;
}

/* The ids of every attachment, sorted, for the chunks' owner check. */
struct ids {
	uint64_t *v;
	size_t n, cap;
};

static int ids_add(struct ids *ids, const MDB_val *k)
{
	if (k->mv_size != KEY_ATT_LEN)
		return 0;
	if (DK_GROW(ids->v, ids->cap, ids->n, 64))
		return DK_ERR_NOMEM;
	ids->v[ids->n++] = be64_get((const uint8_t *)k->mv_data + 8);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A chunk must belong to an attachment; an owner is reported once, at its
 * first chunk. */
static int blob_entry(struct verify *v, const MDB_val *k, const struct ids *ids,
		      uint64_t *last_id)
{
	char key[64];

	if (k->mv_size != KEY_BLOB_LEN) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, DB_BLOBS, key, "key is not attachment id . chunk");
	}
	uint64_t id = be64_get(k->mv_data);
	if (id == *last_id)
		return 0;
	*last_id = id;
	if (ids->n && bsearch(&id, ids->v, ids->n, sizeof id, cmp_u64))
		return 0;
	snprintf(key, sizeof key, "attachment %llu", (unsigned long long)id);
	return verify_report(v, DB_BLOBS, key, "chunks of an attachment that does not exist");
}

int verify_attachments(struct verify *v)
{
	struct ids ids = { 0 };
	MDB_cursor *c;
	MDB_val k, val;
	int rc = 0, mrc;

	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		uint64_t last_id = 0;
		rc = store_cursor_open(v->txn, pass ? DB_BLOBS : DB_ATTACHMENTS, &c);
		if (rc) {
			rc = rc == DK_ERR_NOTFOUND ? 0 : rc;
			break;
		}
		for (mrc = mdb_cursor_get(c, &k, &val, MDB_FIRST); mrc == 0 && rc == 0;
		     mrc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
			verify_tick(v);
			if (pass) {
				rc = blob_entry(v, &k, &ids, &last_id);
			} else {
				rc = ids_add(&ids, &k);
				if (rc == 0)
					rc = attachment_entry(v, &k, &val);
			}
		}
		if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
			rc = store_err(v->txn, mrc, "verify");
		mdb_cursor_close(c);
		if (rc == 0 && pass == 0 && ids.n)
			qsort(ids.v, ids.n, sizeof *ids.v, cmp_u64);
	}
	free(ids.v);
	/* the sequence must be ahead, or a new file would overwrite an old one */
	char sk[4 + KEY_SEQ_NAME_MAX];
	MDB_val sv;
	uint64_t seq = 0;
	if (rc == 0 && store_get(v->txn, DB_META, sk, key_seq(sk, "attachment"), &sv) == 0 &&
	    sv.mv_size == 8)
		seq = be64_get(sv.mv_data);
	if (rc == 0 && v->max_id[DB_ATTACHMENTS] > seq)
		rc = verify_report(v, DB_META, "seq:attachment", "is %llu but attachment %llu exists",
				   (unsigned long long)seq,
				   (unsigned long long)v->max_id[DB_ATTACHMENTS]);
	return rc;
}
