/*
 * Schema upgrades: what a database written by an older deskd lacks is
 * built once, in the write transaction that opens it, from the records
 * themselves (which every schema version keeps).
 */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

int store_upgrade(struct store_txn *txn, uint32_t from)
{
	int rc;

	if (from < 3) {
		/* version 1 lists lack the shared and assignee scopes, version
		 * 2 has no day counts: one reindex rebuilds both */
		rc = store_tickets_reindex(txn, NULL);
		if (rc == 0)
			rc = store_sessions_reindex(txn);
		if (rc == 0)
			rc = store_users_reindex(txn);
		if (rc)
			return rc;
	}
	/* version 4 added the SLA tables, which started empty; version 5 the
	 * queue's due entries, which the states already imply */
	if (from < 5) {
		rc = store_deadlines_rebuild(txn, STORE_DEADLINE_DUE, NULL);
		if (rc)
			return rc;
	}
	/* version 7: the closed tickets in order of closing, for retention */
	if (from < 7) {
		rc = store_closed_reindex(txn);
		if (rc)
			return rc;
	}
	/* version 8 added attachments and blobs, which start empty; version
	 * 9 the search index, which the tickets and timelines imply */
	if (from < 9) {
		rc = store_search_reindex(txn);
		if (rc)
			return rc;
	}
	/* version 10: a requester is a party only while in the ticket's
	 * organisation (store_tickets.c); the lists before 3 were rebuilt
	 * above with this rule already */
	if (from < 10 && from >= 3)
		return store_lists_reindex(txn);
	return 0;
}

static int drop(struct store_txn *txn, enum store_db db)
{
	int mrc = mdb_drop(txn->txn, txn->s->dbi[db], 0);

	return mrc ? store_err(txn, mrc, "drop") : 0;
}

int store_sessions_reindex(struct store_txn *txn)
{
	uint8_t k[KEY_USER_SESSION_LEN];
	MDB_cursor *c;
	MDB_val key, val;
	int rc, mrc;

	rc = drop(txn, DB_SESSIONS_BY_USER);
	if (rc)
		return rc;
	rc = store_cursor_open(txn, DB_SESSIONS, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &key, &val, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		struct session s;

		if (key.mv_size != 32) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		rc = session_decode(val.mv_data, val.mv_size, &s);
		if (rc)
			goto out;
		key_user_session(k, s.user_id, key.mv_data);
		session_free(&s);
		rc = store_put(txn, DB_SESSIONS_BY_USER, k, sizeof k, "", 0, 0);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "sessions_reindex");
out:
	mdb_cursor_close(c);
	return rc;
}

int store_users_reindex(struct store_txn *txn)
{
	uint8_t k[KEY_ROLE_LEN];
	MDB_cursor *c;
	MDB_val key, val;
	uint64_t id;
	int rc, mrc;

	rc = drop(txn, DB_USERS_BY_ROLE);
	if (rc)
		return rc;
	rc = store_cursor_open(txn, DB_USERS, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &key, &val, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		struct user u;

		if (!key_id_parse(key.mv_data, key.mv_size, &id)) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		rc = user_decode(val.mv_data, val.mv_size, &u);
		if (rc)
			goto out;
		key_role(k, (uint8_t)u.role, id);
		user_free(&u);
		rc = store_put(txn, DB_USERS_BY_ROLE, k, sizeof k, "", 0, 0);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "users_reindex");
out:
	mdb_cursor_close(c);
	return rc;
}
