/*
 * Checking a database: every record decodes and sits under the key it
 * names, every index entry points at a record that implies it, and every
 * record has the index entries it implies. Everything is read in one
 * snapshot, so a running deskd may go on writing meanwhile. The ticket
 * lists and counts are compared with a rebuild (store_verify_lists.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_map.h"
#include "sla_record.h"
#include "store_keys.h"
#include "store_verify_int.h"
#include "validate.h"

#define SCHEMA_KEY "schema"
#define DOCS_VERSION_KEY "docs_version"

int verify_report(struct verify *v, enum store_db db, const char *key, const char *fmt, ...)
{
	struct store_problem p;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p.db = db;
	p.key = key ? key : "";
	p.message = msg;
	v->stop = v->fn(&p, v->arg);
	return v->stop;
}

void verify_key_text(const void *key, size_t klen, char *out, size_t size)
{
	const unsigned char *p = key;
	size_t i, o = 0;

	for (i = 0; i < klen && o + 5 < size; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", p[i]);
	}
	if (i < klen && o + 4 < size)
		o += (size_t)snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

/* The unique index key of a name, as store_records.c folds it: ASCII
 * letters lower-cased (email_fold for e-mails does the same). */
static size_t fold(const char *s, char out[STORE_KEY_MAX + 1])
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > STORE_KEY_MAX)
		return 0;
	email_fold(s, out, STORE_KEY_MAX + 1);
	return strlen(out);
}

/* 0 when the key is present in db, DK_ERR_NOTFOUND when not. */
static int has(struct verify *v, enum store_db db, const void *key, size_t klen, MDB_val *val)
{
	MDB_val tmp;

	return store_get(v->txn, db, key, klen, val ? val : &tmp);
}

static bool absent(struct verify *v, enum store_db db)
{
	return v->txn->s->absent[db];
}

/* Walks a whole database; fn answers 0 to go on. */
typedef int (*walk_fn)(struct verify *v, const MDB_val *k, const MDB_val *val);

static int walk(struct verify *v, enum store_db db, walk_fn fn)
{
	MDB_cursor *c;
	MDB_val k, val;
	int rc, mrc;

	rc = store_cursor_open(v->txn, db, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &val, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
		verify_tick(v);
		rc = fn(v, &k, &val);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(v->txn, mrc, "verify");
out:
	mdb_cursor_close(c);
	return rc;
}

/* --- meta --- */

static int meta_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	char key[128];

	verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
	if (k->mv_size == sizeof SCHEMA_KEY - 1 && !memcmp(k->mv_data, SCHEMA_KEY, k->mv_size)) {
		if (val->mv_size != 4)
			return verify_report(v, DB_META, key, "schema version is %zu bytes, not 4",
					     val->mv_size);
		if (be32_get(val->mv_data) > STORE_SCHEMA_VERSION)
			return verify_report(v, DB_META, key, "schema version %u is newer than %d",
					     be32_get(val->mv_data), STORE_SCHEMA_VERSION);
		return 0;
	}
	if ((k->mv_size > 4 && !memcmp(k->mv_data, "seq:", 4)) ||
	    (k->mv_size == sizeof DOCS_VERSION_KEY - 1 &&
	     !memcmp(k->mv_data, DOCS_VERSION_KEY, k->mv_size))) {
		if (val->mv_size != 8)
			return verify_report(v, DB_META, key, "counter is %zu bytes, not 8",
					     val->mv_size);
	}
	return 0;
}

/* The next id a sequence gives must not be taken already, or a new record
 * would overwrite an old one. */
static int seq_check(struct verify *v, const char *name, uint64_t start, enum store_db db,
		     const char *noun)
{
	char key[4 + KEY_SEQ_NAME_MAX], text[80];
	size_t klen = key_seq(key, name);
	uint64_t cur = start;
	MDB_val val;
	int rc;

	rc = has(v, DB_META, key, klen, &val);
	if (rc == 0 && store_val_u64(&val, &cur) != 0)
		return 0; /* reported by meta_entry */
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	if (cur < start)
		cur = start;
	if (v->max_id[db] <= cur)
		return 0;
	snprintf(text, sizeof text, "seq:%s", name);
	return verify_report(v, DB_META, text,
			     "sequence is at %llu but %s %llu exists: the next new one would "
			     "overwrite it", (unsigned long long)cur, noun,
			     (unsigned long long)v->max_id[db]);
}

/* --- users and organisations --- */

/* The unique index entry of a record's name must point back at it. */
static int unique_check(struct verify *v, enum store_db db, enum store_db idx, const char *key,
			const char *what, const char *name, uint64_t id)
{
	char folded[STORE_KEY_MAX + 1];
	size_t n = fold(name, folded);
	uint64_t owner;
	MDB_val val;
	int rc;

	if (n == 0)
		return verify_report(v, db, key, "has no usable %s", what);
	rc = has(v, idx, folded, n, &val);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, idx, key, "%s \"%s\" is missing from %s", what, name,
				     store_db_name(idx));
	if (rc)
		return rc;
	if (store_val_u64(&val, &owner) != 0)
		return 0; /* reported by the index walk */
	if (owner != id)
		return verify_report(v, idx, key, "%s \"%s\" points to %llu instead", what, name,
				     (unsigned long long)owner);
	return 0;
}

/* Parses a record key into *id and names the record ("user 12") in key;
 * false after reporting a key that is no id (*rc: the report's answer). */
static bool id_key(struct verify *v, enum store_db db, const char *noun, const MDB_val *k,
		   uint64_t *id, char *key, size_t size, int *rc)
{
	char raw[64];

	*rc = 0;
	if (key_id_parse(k->mv_data, k->mv_size, id)) {
		snprintf(key, size, "%s %llu", noun, (unsigned long long)*id);
		if (*id > v->max_id[db])
			v->max_id[db] = *id;
		return true;
	}
	verify_key_text(k->mv_data, k->mv_size, raw, sizeof raw);
	*rc = verify_report(v, db, raw, "key is not a record id");
	return false;
}

static int org_exists(struct verify *v, uint64_t id)
{
	uint8_t k[KEY_ID_LEN];

	return has(v, DB_ORGS, k, key_id(k, id), NULL);
}

static int user_exists(struct verify *v, uint64_t id)
{
	uint8_t k[KEY_ID_LEN];

	return has(v, DB_USERS, k, key_id(k, id), NULL);
}

/* Reports a reference to a missing record; 0 when it is there or id is 0. */
static int ref_check(struct verify *v, enum store_db db, const char *key, const char *what,
		     uint64_t id, int (*exists)(struct verify *, uint64_t))
{
	int rc;

	if (id == 0)
		return 0;
	rc = exists(v, id);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, db, key, "%s %llu does not exist", what,
				     (unsigned long long)id);
	return rc;
}

static int user_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	uint8_t rk[KEY_ROLE_LEN];
	char key[48];
	struct user u;
	uint64_t id;
	int rc;

	if (!id_key(v, DB_USERS, "user", k, &id, key, sizeof key, &rc))
		return rc;
	if (user_decode(val->mv_data, val->mv_size, &u) != 0)
		return verify_report(v, DB_USERS, key, "record does not decode");
	if (u.id != id)
		rc = verify_report(v, DB_USERS, key, "record says it is user %llu",
				   (unsigned long long)u.id);
	if (!rc)
		rc = unique_check(v, DB_USERS, DB_USERS_BY_EMAIL, key, "e-mail", u.email, id);
	if (!rc && !absent(v, DB_USERS_BY_ROLE) &&
	    has(v, DB_USERS_BY_ROLE, rk, key_role(rk, (uint8_t)u.role, id), NULL) ==
		    DK_ERR_NOTFOUND)
		rc = verify_report(v, DB_USERS_BY_ROLE, key, "role %s is missing from %s",
				   role_name(u.role) ? role_name(u.role) : "none",
				   store_db_name(DB_USERS_BY_ROLE));
	if (!rc)
		rc = ref_check(v, DB_USERS, key, "its organisation", u.org_id, org_exists);
	user_free(&u);
	return rc;
}

/* An entry of users_by_email or orgs_by_name: the record it points to
 * exists and its name folds to this key. */
static int unique_entry(struct verify *v, enum store_db idx, enum store_db db,
			const MDB_val *k, const MDB_val *val)
{
	char key[STORE_KEY_MAX * 4 + 8], folded[STORE_KEY_MAX + 1];
	const char *noun = db == DB_USERS ? "user" : "org";
	const char *name;
	struct user u;
	struct org o;
	uint64_t id;
	size_t n;
	int rc;

	verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
	if (store_val_u64(val, &id) != 0)
		return verify_report(v, idx, key, "value is not a record id");
	memset(&u, 0, sizeof u);
	memset(&o, 0, sizeof o);
	rc = db == DB_USERS ? store_user_get(v->txn, id, &u) : store_org_get(v->txn, id, &o);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, idx, key, "points to %s %llu, which does not exist", noun,
				     (unsigned long long)id);
	if (rc == DK_ERR_CORRUPT)
		return 0; /* reported by the record walk */
	if (rc)
		return rc;
	name = db == DB_USERS ? u.email : o.name;
	n = fold(name, folded);
	if (n != k->mv_size || memcmp(folded, k->mv_data, n) != 0)
		rc = verify_report(v, idx, key, "points to %s %llu, whose name is \"%s\"", noun,
				   (unsigned long long)id, name ? name : "");
	user_free(&u);
	org_free(&o);
	return rc;
}

static int email_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	return unique_entry(v, DB_USERS_BY_EMAIL, DB_USERS, k, val);
}

static int org_name_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	return unique_entry(v, DB_ORGS_BY_NAME, DB_ORGS, k, val);
}

static int role_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	char key[64], raw[64];
	struct user u;
	uint64_t id;
	uint8_t role;
	int rc;

	(void)val;
	if (!key_role_parse(k->mv_data, k->mv_size, &role, &id)) {
		verify_key_text(k->mv_data, k->mv_size, raw, sizeof raw);
		return verify_report(v, DB_USERS_BY_ROLE, raw, "key is not role . user id");
	}
	snprintf(key, sizeof key, "role %s user %llu",
		 role_name((enum role)role) ? role_name((enum role)role) : "none",
		 (unsigned long long)id);
	rc = store_user_get(v->txn, id, &u);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, DB_USERS_BY_ROLE, key, "user does not exist");
	if (rc == DK_ERR_CORRUPT)
		return 0;
	if (rc)
		return rc;
	if ((uint8_t)u.role != role)
		rc = verify_report(v, DB_USERS_BY_ROLE, key, "the user's role is %s",
				   role_name(u.role) ? role_name(u.role) : "none");
	user_free(&u);
	return rc;
}

static int org_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	char key[48];
	struct org o;
	uint64_t id;
	int rc;

	if (!id_key(v, DB_ORGS, "org", k, &id, key, sizeof key, &rc))
		return rc;
	if (org_decode(val->mv_data, val->mv_size, &o) != 0)
		return verify_report(v, DB_ORGS, key, "record does not decode");
	if (o.id != id)
		rc = verify_report(v, DB_ORGS, key, "record says it is organisation %llu",
				   (unsigned long long)o.id);
	if (!rc)
		rc = unique_check(v, DB_ORGS, DB_ORGS_BY_NAME, key, "name", o.name, id);
	org_free(&o);
	return rc;
}

/* --- tickets and their timelines --- */

static int ticket_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	uint8_t ek[KEY_EVENT_LEN];
	char key[48];
	struct ticket t;
	uint64_t id;
	int rc;

	if (!id_key(v, DB_TICKETS, "ticket", k, &id, key, sizeof key, &rc))
		return rc;
	if (ticket_decode(val->mv_data, val->mv_size, &t) != 0)
		return verify_report(v, DB_TICKETS, key, "record does not decode");
	if (t.id != id)
		rc = verify_report(v, DB_TICKETS, key, "record says it is ticket %llu",
				   (unsigned long long)t.id);
	if (!rc && (!t.status || !*t.status || strlen(t.status) > KEY_COUNT_VALUE_MAX))
		rc = verify_report(v, DB_TICKETS, key, "has no usable status");
	/* the last event must be there; events_walk checks the others */
	if (!rc && t.event_count &&
	    has(v, DB_EVENTS, ek, key_event(ek, id, t.event_count), NULL) == DK_ERR_NOTFOUND)
		rc = verify_report(v, DB_EVENTS, key, "event %u (its last) is missing",
				   t.event_count);
	if (!rc)
		rc = ref_check(v, DB_TICKETS, key, "its organisation", t.org_id, org_exists);
	if (!rc)
		rc = ref_check(v, DB_TICKETS, key, "its requester", t.requester_id, user_exists);
	if (!rc)
		rc = ref_check(v, DB_TICKETS, key, "its assignee", t.assignee_id, user_exists);
	ticket_free(&t);
	return rc;
}

/* Events of one ticket, gathered while walking events in key order. */
struct timeline {
	uint64_t ticket_id; /* 0: none yet */
	uint32_t n;         /* events seen */
	bool gap;           /* reported already */
};

/* At the end of a ticket's events: they must belong to a ticket that
 * counts exactly as many. */
static int timeline_end(struct verify *v, struct timeline *tl)
{
	struct ticket t;
	char key[48];
	int rc;

	if (tl->ticket_id == 0)
		return 0;
	snprintf(key, sizeof key, "ticket %llu", (unsigned long long)tl->ticket_id);
	rc = store_ticket_get(v->txn, tl->ticket_id, &t);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, DB_EVENTS, key, "%u event%s of a ticket that does not exist",
				     tl->n, tl->n == 1 ? "" : "s");
	if (rc == DK_ERR_CORRUPT)
		return 0;
	if (rc)
		return rc;
	if (t.event_count != tl->n && !tl->gap)
		rc = verify_report(v, DB_TICKETS, key, "event_count is %u but it has %u events",
				   t.event_count, tl->n);
	ticket_free(&t);
	return rc;
}

static int events_walk(struct verify *v)
{
	struct timeline tl = { 0, 0, false };
	MDB_cursor *c;
	MDB_val k, val;
	uint64_t tid;
	uint32_t seq;
	int rc, mrc;

	rc = store_cursor_open(v->txn, DB_EVENTS, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &val, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
		struct ticket_event e;
		char key[64];

		verify_tick(v);
		if (!key_event_parse(k.mv_data, k.mv_size, &tid, &seq)) {
			verify_key_text(k.mv_data, k.mv_size, key, sizeof key);
			rc = verify_report(v, DB_EVENTS, key, "key is not ticket id . seq");
			if (rc)
				goto out;
			continue;
		}
		if (tid != tl.ticket_id) {
			rc = timeline_end(v, &tl);
			if (rc)
				goto out;
			tl = (struct timeline){ tid, 0, false };
		}
		tl.n++;
		snprintf(key, sizeof key, "ticket %llu event %u", (unsigned long long)tid, seq);
		if (seq != tl.n && !tl.gap) {
			tl.gap = true;
			rc = verify_report(v, DB_EVENTS, key, "events are not numbered 1, 2, ...: "
					   "expected event %u", tl.n);
		}
		if (!rc && ticket_event_decode(val.mv_data, val.mv_size, &e) != 0) {
			rc = verify_report(v, DB_EVENTS, key, "record does not decode");
		} else if (!rc) {
			if (e.ticket_id != tid || e.seq != seq)
				rc = verify_report(v, DB_EVENTS, key,
						   "record says it is ticket %llu event %u",
						   (unsigned long long)e.ticket_id, e.seq);
			ticket_event_free(&e);
		}
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND) {
		rc = store_err(v->txn, mrc, "verify");
		goto out;
	}
	rc = timeline_end(v, &tl);
out:
	mdb_cursor_close(c);
	return rc;
}

/* --- SLA states and their deadlines --- */

/* deadlines: kind u8 . due_ms u64 . ticket id u64 (storage/store_sla.c) */
#define KEY_DEADLINE_LEN 17

static size_t key_deadline(uint8_t out[KEY_DEADLINE_LEN], uint8_t kind, int64_t due,
			   uint64_t id)
{
	out[0] = kind;
	be64_put(out + 1, (uint64_t)due);
	be64_put(out + 9, id);
	return KEY_DEADLINE_LEN;
}

static void when_text(int64_t ms, char out[32])
{
	if (ms >= 0 && ms <= SLA_TIME_MAX)
		time_format_rfc3339(ms, out);
	else
		snprintf(out, 32, "%lld ms", (long long)ms);
}

/* "response_breach 2030-01-01T01:00:00.000Z ticket 10001" */
static void deadline_text(unsigned kind, int64_t due, uint64_t id, char *out, size_t size)
{
	char when[32];

	when_text(due, when);
	if (sla_deadline_name(kind))
		snprintf(out, size, "%s %s ticket %llu", sla_deadline_name(kind), when,
			 (unsigned long long)id);
	else
		snprintf(out, size, "kind %u %s ticket %llu", kind, when, (unsigned long long)id);
}

/* Kinds verify checks: all, but the due entries only once an upgrade (or
 * a deskd that writes them) has built them. */
static bool kind_checked(struct verify *v, unsigned kind)
{
	return kind >= STORE_DEADLINE_FIRST && kind <= STORE_DEADLINE_LAST &&
	       (kind != STORE_DEADLINE_DUE || v->due_built);
}

/* A ticket's SLA state decodes, belongs to a ticket and has the deadline
 * entries it implies (sla_state_deadlines; entries it does not imply are
 * found by deadline_entry). */
static int sla_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	int64_t at[SLA_DEADLINE_KINDS];
	uint8_t tk[KEY_ID_LEN], dk[KEY_DEADLINE_LEN];
	struct sla_state st;
	char key[48], what[96];
	uint64_t id;
	int rc;

	if (!id_key(v, DB_SLA, "ticket", k, &id, key, sizeof key, &rc))
		return rc;
	if (sla_state_decode(val->mv_data, val->mv_size, &st) != 0)
		return verify_report(v, DB_SLA, key, "SLA state does not decode");
	if (has(v, DB_TICKETS, tk, key_id(tk, id), NULL) == DK_ERR_NOTFOUND)
		return verify_report(v, DB_SLA, key, "SLA state of a ticket that does not exist");
	sla_state_deadlines(&st, at);
	for (unsigned kind = STORE_DEADLINE_FIRST; rc == 0 && kind <= STORE_DEADLINE_LAST; kind++) {
		if (!at[kind] || !kind_checked(v, kind))
			continue;
		rc = has(v, DB_DEADLINES, dk, key_deadline(dk, (uint8_t)kind, at[kind], id), NULL);
		if (rc == DK_ERR_NOTFOUND) {
			deadline_text(kind, at[kind], id, what, sizeof what);
			rc = verify_report(v, DB_DEADLINES, what,
					   "is missing; the ticket's SLA state implies it");
		}
	}
	return rc;
}

/* An entry of the deadline index: a known kind, of a ticket that exists,
 * at the time the ticket's SLA state implies for that kind. */
static int deadline_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	int64_t at[SLA_DEADLINE_KINDS];
	const uint8_t *p = k->mv_data;
	uint8_t tk[KEY_ID_LEN];
	struct sla_state st;
	char key[96], when[32];
	int rc;

	(void)val;
	if (k->mv_size != KEY_DEADLINE_LEN || be64_get(p + 1) > INT64_MAX) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, DB_DEADLINES, key,
				     "key is not kind . due time . ticket id");
	}
	unsigned kind = p[0];
	int64_t due = (int64_t)be64_get(p + 1);
	uint64_t id = be64_get(p + 9);
	deadline_text(kind, due, id, key, sizeof key);
	if (kind < STORE_DEADLINE_FIRST || kind > STORE_DEADLINE_LAST)
		return verify_report(v, DB_DEADLINES, key, "kind %u is not a deadline kind", kind);
	if (has(v, DB_TICKETS, tk, key_id(tk, id), NULL) == DK_ERR_NOTFOUND)
		return verify_report(v, DB_DEADLINES, key, "the ticket does not exist");
	rc = store_sla_get(v->txn, id, &st);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, DB_DEADLINES, key, "the ticket has no SLA state");
	if (rc == DK_ERR_CORRUPT)
		return 0; /* reported by the state walk */
	if (rc)
		return rc;
	sla_state_deadlines(&st, at);
	if (at[kind] == due)
		return 0;
	if (!at[kind])
		return verify_report(v, DB_DEADLINES, key,
				     "the ticket's SLA state implies no such deadline");
	when_text(at[kind], when);
	return verify_report(v, DB_DEADLINES, key, "the ticket's SLA state puts it at %s", when);
}

/* Whether the database's schema has the due deadlines (a read-only open of
 * an older one has not built them). */
static int due_built(struct verify *v)
{
	MDB_val val;
	int rc = store_get(v->txn, DB_META, SCHEMA_KEY, sizeof SCHEMA_KEY - 1, &val);

	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	v->due_built = rc == 0 && val.mv_size == 4 && be32_get(val.mv_data) >= 5;
	return 0;
}

/* --- sessions --- */

static int session_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	uint8_t ik[KEY_EXPIRY_LEN];
	char key[80], hex[65];
	struct session s;
	int rc = 0;

	if (k->mv_size != 32) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, DB_SESSIONS, key, "key is not 32 bytes");
	}
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", ((const uint8_t *)k->mv_data)[i]);
	snprintf(key, sizeof key, "session %s", hex);
	if (session_decode(val->mv_data, val->mv_size, &s) != 0)
		return verify_report(v, DB_SESSIONS, key, "record does not decode");
	if (s.expires_ms < 0)
		rc = verify_report(v, DB_SESSIONS, key, "expires before 1970");
	if (!rc && s.expires_ms > 0 &&
	    has(v, DB_SESSION_EXPIRY, ik, key_expiry(ik, (uint64_t)s.expires_ms, k->mv_data),
		NULL) == DK_ERR_NOTFOUND)
		rc = verify_report(v, DB_SESSION_EXPIRY, key, "expiry entry is missing");
	if (!rc && !absent(v, DB_SESSIONS_BY_USER) &&
	    has(v, DB_SESSIONS_BY_USER, ik, key_user_session(ik, s.user_id, k->mv_data), NULL) ==
		    DK_ERR_NOTFOUND)
		rc = verify_report(v, DB_SESSIONS_BY_USER, key, "entry of user %llu is missing",
				   (unsigned long long)s.user_id);
	if (!rc)
		rc = ref_check(v, DB_SESSIONS, key, "its user", s.user_id, user_exists);
	session_free(&s);
	return rc;
}

/* session_expiry and sessions_by_user: u64 . session key -> (empty); the
 * session must exist and carry that u64 as its expiry or its user. */
static int session_index_entry(struct verify *v, enum store_db idx, const MDB_val *k)
{
	uint8_t skey[32];
	struct session s;
	uint64_t n;
	char key[128], hex[65];
	bool ok = idx == DB_SESSION_EXPIRY ? key_expiry_parse(k->mv_data, k->mv_size, &n, skey)
					   : key_user_session_parse(k->mv_data, k->mv_size, &n,
								    skey);
	int rc;

	if (!ok) {
		verify_key_text(k->mv_data, k->mv_size, key, sizeof key);
		return verify_report(v, idx, key, "key is not u64 . session key");
	}
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", skey[i]);
	snprintf(key, sizeof key, "%s %llu session %s", idx == DB_SESSION_EXPIRY ? "at" : "user",
		 (unsigned long long)n, hex);
	rc = store_session_get(v->txn, skey, &s);
	if (rc == DK_ERR_NOTFOUND)
		return verify_report(v, idx, key, "session does not exist");
	if (rc == DK_ERR_CORRUPT)
		return 0;
	if (rc)
		return rc;
	if (idx == DB_SESSION_EXPIRY && (uint64_t)s.expires_ms != n)
		rc = verify_report(v, idx, key, "the session expires at %lld",
				   (long long)s.expires_ms);
	else if (idx == DB_SESSIONS_BY_USER && s.user_id != n)
		rc = verify_report(v, idx, key, "the session belongs to user %llu",
				   (unsigned long long)s.user_id);
	session_free(&s);
	return rc;
}

static int expiry_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	(void)val;
	return session_index_entry(v, DB_SESSION_EXPIRY, k);
}

static int by_user_entry(struct verify *v, const MDB_val *k, const MDB_val *val)
{
	(void)val;
	return session_index_entry(v, DB_SESSIONS_BY_USER, k);
}

int store_verify(struct store_txn *txn, store_problem_fn fn, void *arg)
{
	return store_verify_ticking(txn, fn, arg, NULL, NULL);
}

int store_verify_ticking(struct store_txn *txn, store_problem_fn fn, void *arg,
			 store_tick_fn tick, void *tick_arg)
{
	static const struct {
		enum store_db db;
		walk_fn fn;
	} walks[] = {
		{ DB_META, meta_entry },
		{ DB_ORGS, org_entry },
		{ DB_ORGS_BY_NAME, org_name_entry },
		{ DB_USERS, user_entry },
		{ DB_USERS_BY_EMAIL, email_entry },
		{ DB_USERS_BY_ROLE, role_entry },
		{ DB_TICKETS, ticket_entry },
		{ DB_SESSIONS, session_entry },
		{ DB_SESSION_EXPIRY, expiry_entry },
		{ DB_SESSIONS_BY_USER, by_user_entry },
		{ DB_SLA, sla_entry },
		{ DB_DEADLINES, deadline_entry },
	};
	struct verify v;
	size_t i;
	int rc = 0;

	memset(&v, 0, sizeof v);
	v.txn = txn;
	v.fn = fn;
	v.arg = arg;
	v.tick = tick;
	v.tick_arg = tick_arg;
	rc = due_built(&v);
	for (i = 0; rc == 0 && i < sizeof walks / sizeof walks[0]; i++)
		rc = walk(&v, walks[i].db, walks[i].fn);
	if (rc == 0)
		rc = events_walk(&v);
	if (rc == 0)
		rc = seq_check(&v, "user", 0, DB_USERS, "user");
	if (rc == 0)
		rc = seq_check(&v, "org", 0, DB_ORGS, "organisation");
	if (rc == 0)
		rc = seq_check(&v, "ticket", STORE_TICKET_FIRST - 1, DB_TICKETS, "ticket");
	if (rc == 0)
		rc = verify_mail(&v);
	if (rc == 0)
		rc = verify_closed(&v);
	if (rc == 0)
		rc = verify_attachments(&v);
	if (rc == 0)
		rc = verify_ticket_indexes(&v);
	return rc;
}
