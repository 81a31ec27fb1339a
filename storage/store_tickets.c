/*
 * Tickets, their timeline events, and the list, count and day indexes kept
 * in step with them: each ticket is listed under (scope, bucket) entries
 * and counted there by priority and by status. The walks along the lists
 * are in store_lists.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"
#include "workflow.h"

/* One list a ticket appears in. */
struct entry {
	uint8_t scope;
	uint64_t scope_id;
	uint8_t bucket;
};

/* Everything a ticket implies for the indexes. */
struct entries {
	struct entry *e;
	size_t n;
	char priority[8]; /* "P1".."P4" */
	const char *status;
};

static bool scope_seen(const struct entry *e, size_t n, uint8_t scope, uint64_t scope_id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (e[i].scope == scope && e[i].scope_id == scope_id)
			return true;
	return false;
}

/* Appends (scope, id) unless it is there already: a participant who is also
 * the requester is listed once. */
static void scope_add(struct entry *e, size_t *n, uint8_t scope, uint64_t scope_id)
{
	if (!scope_seen(e, *n, scope, scope_id))
		e[(*n)++] = (struct entry){ .scope = scope, .scope_id = scope_id };
}

/* Category the lists use: the one stored with the ticket when it has one
 * (written by a deskd that knows the workflow in force), else the default
 * workflow's answer for the status, as for records written before tickets
 * carried a category. */
static enum status_category ticket_category(const struct ticket *t)
{
	if (t->category)
		return (enum status_category)t->category;
	return status_category(t->status);
}

/* requester_org's answer for a requester who is no user (yet): listed. */
#define ORG_UNKNOWN UINT64_MAX

/* Whether the requester is listed as a party: not when they belong to
 * another organisation than the ticket's, as the visibility rule
 * (proto/access.c) lets a customer see what they asked only in their own;
 * one who moved away keeps the tickets they are a participant of. */
static bool requester_listed(uint64_t requester_org, const struct ticket *t)
{
	return requester_org == ORG_UNKNOWN || (requester_org != 0 && requester_org == t->org_id);
}

/* The organisation of the ticket's requester now (0: none; ORG_UNKNOWN:
 * no such user). */
static int requester_org(struct store_txn *txn, const struct ticket *t, uint64_t *out)
{
	struct user u;
	int rc;

	*out = ORG_UNKNOWN;
	if (!t->requester_id)
		return 0;
	rc = store_user_get(txn, t->requester_id, &u);
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc == 0)
		*out = u.org_id;
	user_free(&u);
	return rc;
}

static int entries_build(const struct ticket *t, uint64_t req_org, struct entries *out)
{
	uint8_t buckets[3];
	size_t nb = 0, ns = 0, max, i, j;
	struct entry *scopes;
	enum status_category cat;
	/* organisation 0 is no organisation: nothing to share with */
	bool shared = t->shared_with_org && t->org_id != 0;

	memset(out, 0, sizeof *out);
	if (!t->status || !*t->status || strlen(t->status) > KEY_COUNT_VALUE_MAX)
		return DK_ERR_INVALID;
	if (t->n_participants > (SIZE_MAX / sizeof *scopes - 4) / 6)
		return DK_ERR_NOMEM;
	cat = ticket_category(t);
	buckets[nb++] = BUCKET_ALL;
	buckets[nb++] = cat == CATEGORY_CLOSED ? BUCKET_CLOSED : BUCKET_OPEN;
	if (cat == CATEGORY_RESOLVED)
		buckets[nb++] = BUCKET_RESOLVED;

	/* all, org, assignee, org shared, approval, and each party twice */
	max = 5 + 2 * (1 + t->n_participants);
	scopes = calloc(max, sizeof *scopes);
	out->e = calloc(max * nb, sizeof *out->e);
	if (!scopes || !out->e) {
		free(scopes);
		free(out->e);
		out->e = NULL;
		return DK_ERR_NOMEM;
	}
	scope_add(scopes, &ns, SCOPE_ALL, 0);
	scope_add(scopes, &ns, SCOPE_ORG, t->org_id);
	scope_add(scopes, &ns, SCOPE_ASSIGNEE, t->assignee_id);
	if (requester_listed(req_org, t))
		scope_add(scopes, &ns, SCOPE_PARTY, t->requester_id);
	for (i = 0; i < t->n_participants; i++)
		scope_add(scopes, &ns, SCOPE_PARTY, t->participants[i]);
	/* requests still waiting for an approver's decision */
	if (t->needs_approval && !t->approver_id && cat != CATEGORY_CLOSED && t->org_id)
		scope_add(scopes, &ns, SCOPE_APPROVAL, t->org_id);
	if (shared) {
		scope_add(scopes, &ns, SCOPE_ORG_SHARED, t->org_id);
		if (requester_listed(req_org, t))
			scope_add(scopes, &ns, SCOPE_PARTY_SHARED, t->requester_id);
		for (i = 0; i < t->n_participants; i++)
			scope_add(scopes, &ns, SCOPE_PARTY_SHARED, t->participants[i]);
	}
	for (i = 0; i < ns; i++)
		for (j = 0; j < nb; j++) {
			out->e[out->n] = scopes[i];
			out->e[out->n++].bucket = buckets[j];
		}
	free(scopes);
	snprintf(out->priority, sizeof out->priority, "P%u", (unsigned)t->priority);
	out->status = t->status;
	return 0;
}

static bool entries_has(const struct entries *s, const struct entry *e)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->e[i].scope == e->scope && s->e[i].scope_id == e->scope_id &&
		    s->e[i].bucket == e->bucket)
			return true;
	return false;
}

static const char *entries_value(const struct entries *s, char dim)
{
	return dim == 'p' ? s->priority : s->status;
}

static int list_set(struct store_txn *txn, const struct entry *e, uint64_t id, bool on)
{
	uint8_t k[KEY_LIST_LEN];
	int rc;

	/* only counted: it corrects the customer union's counts */
	if (e->scope == SCOPE_PARTY_SHARED)
		return 0;
	key_list(k, e->scope, e->scope_id, e->bucket, id);
	if (on)
		return store_put(txn, DB_TICKET_LIST, k, sizeof k, "", 0, 0);
	rc = store_del(txn, DB_TICKET_LIST, k, sizeof k);
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}

/* Adds 1 or -1 to a count; a count that reaches zero is deleted. */
static int count_add(struct store_txn *txn, const struct entry *e, char dim, const char *value,
		     int delta)
{
	uint8_t k[KEY_COUNT_MAX], v8[8];
	uint64_t cur = 0;
	size_t klen;
	MDB_val val;
	int rc;

	klen = key_count(k, e->scope, e->scope_id, e->bucket, dim, value);
	if (klen == 0)
		return DK_ERR_INVALID;
	rc = store_get(txn, DB_TICKET_COUNTS, k, klen, &val);
	if (rc == 0)
		rc = store_val_u64(&val, &cur);
	else if (rc == DK_ERR_NOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	if (delta < 0) {
		/* nothing to take away: the caller's old did not match storage */
		if (cur == 0)
			return 0;
		if (--cur == 0)
			return store_del(txn, DB_TICKET_COUNTS, k, klen);
	} else {
		cur++;
	}
	be64_put(v8, cur);
	return store_put(txn, DB_TICKET_COUNTS, k, klen, v8, sizeof v8, 0);
}

/* Removes what only from implies and adds what only to implies. */
static int index_move(struct store_txn *txn, uint64_t id, const struct entries *from,
		      const struct entries *to)
{
	static const char dims[2] = { 'p', 's' };
	size_t i, d;
	int rc;

	for (i = 0; i < from->n; i++) {
		const struct entry *e = &from->e[i];
		bool kept = entries_has(to, e);

		if (!kept) {
			rc = list_set(txn, e, id, false);
			if (rc)
				return rc;
		}
		for (d = 0; d < 2; d++) {
			const char *v = entries_value(from, dims[d]);

			if (kept && strcmp(v, entries_value(to, dims[d])) == 0)
				continue;
			rc = count_add(txn, e, dims[d], v, -1);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i < to->n; i++) {
		const struct entry *e = &to->e[i];
		bool had = entries_has(from, e);

		if (!had) {
			rc = list_set(txn, e, id, true);
			if (rc)
				return rc;
		}
		for (d = 0; d < 2; d++) {
			const char *v = entries_value(to, dims[d]);

			if (had && strcmp(v, entries_value(from, dims[d])) == 0)
				continue;
			rc = count_add(txn, e, dims[d], v, 1);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* When a ticket closed: its closing time, else its last change. */
static int64_t closed_at(const struct ticket *t)
{
	return t->closed_ms ? t->closed_ms : t->updated_ms;
}

/* Counts what the write from old to t means for the day counts: a new
 * ticket is opened; one that enters a closed category is closed (nothing
 * leaves a closed category, so each ticket closes once). */
static int days_move(struct store_txn *txn, const struct ticket *old, const struct ticket *t)
{
	bool closed_now = ticket_category(t) == CATEGORY_CLOSED;
	int rc = 0;

	if (!old)
		rc = store_day_count(txn, t->created_ms, false);
	if (rc == 0 && closed_now && (!old || ticket_category(old) != CATEGORY_CLOSED))
		rc = store_day_count(txn, closed_at(t), true);
	return rc;
}

int store_ticket_get(struct store_txn *txn, uint64_t id, struct ticket *out)
{
	MDB_val val;
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_record_get(txn, DB_TICKETS, id, &val);
	if (rc)
		return rc;
	rc = ticket_decode(val.mv_data, val.mv_size, out);
	if (rc)
		return rc;
	out->id = id;
	return 0;
}

int store_ticket_put(struct store_txn *txn, const struct ticket *old, struct ticket *t)
{
	struct entries from = { 0 }, to = { 0 };
	struct dk_buf buf = { 0 };
	bool new_id = t->id == 0;
	uint8_t k[KEY_ID_LEN];
	int rc;

	if (old && old->id != t->id)
		return DK_ERR_INVALID;
	rc = old ? 0 : store_record_absent(txn, DB_TICKETS, t->id);
	if (rc)
		return rc;
	/* both entry sets first: a bad status fails before any write */
	uint64_t req_org = 0, old_req_org = 0;
	rc = requester_org(txn, t, &req_org);
	if (rc == 0 && old)
		rc = old->requester_id == t->requester_id ? (old_req_org = req_org, 0)
							 : requester_org(txn, old, &old_req_org);
	if (rc == 0)
		rc = entries_build(t, req_org, &to);
	if (rc)
		goto out;
	if (old) {
		rc = entries_build(old, old_req_org, &from);
		if (rc)
			goto out;
	}
	if (new_id) {
		rc = store_seq_next(txn, "ticket", STORE_TICKET_FIRST - 1, &t->id);
		if (rc)
			goto out;
	}
	rc = ticket_encode(t, &buf);
	if (rc)
		goto out;
	rc = store_put(txn, DB_TICKETS, k, key_id(k, t->id), buf.data, buf.len, 0);
	if (rc)
		goto out;
	rc = index_move(txn, t->id, &from, &to);
	if (rc == 0)
		rc = days_move(txn, old, t);
	if (rc == 0)
		rc = store_closed_move(txn, old, t);
	if (rc == 0)
		rc = store_search_ticket(txn, old, t);
out:
	if (rc && new_id)
		t->id = 0;
	dk_buf_free(&buf);
	free(from.e);
	free(to.e);
	return rc;
}

int store_ticket_del(struct store_txn *txn, uint64_t id)
{
	struct entries from = { 0 }, none = { 0 };
	uint8_t k[KEY_ID_LEN], seek[KEY_EVENT_LEN];
	struct ticket t;
	MDB_cursor *c;
	MDB_val ek, ev;
	uint64_t tid;
	uint32_t seq;
	int rc, mrc;

	rc = store_ticket_get(txn, id, &t);
	if (rc)
		return rc;
	uint64_t req_org;
	rc = requester_org(txn, &t, &req_org);
	if (rc == 0)
		rc = entries_build(&t, req_org, &from);
	if (rc == 0)
		rc = index_move(txn, id, &from, &none);
	if (rc == 0)
		rc = store_closed_move(txn, &t, NULL);
	/* the timeline's words too, while the events are still there */
	if (rc == 0)
		rc = store_search_ticket_drop(txn, &t);
	free(from.e);
	ticket_free(&t);
	if (rc == 0)
		rc = store_del(txn, DB_TICKETS, k, key_id(k, id));
	if (rc)
		return rc;
	rc = store_cursor_open(txn, DB_EVENTS, &c);
	if (rc)
		return rc;
	/* seek afresh after each delete: the cursor's place is gone */
	for (;;) {
		ek.mv_size = key_event(seek, id, 0);
		ek.mv_data = seek;
		mrc = mdb_cursor_get(c, &ek, &ev, MDB_SET_RANGE);
		if (mrc || !key_event_parse(ek.mv_data, ek.mv_size, &tid, &seq) || tid != id)
			break;
		mrc = mdb_cursor_del(c, 0);
		if (mrc)
			break;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "ticket_del");
	mdb_cursor_close(c);
	return rc;
}

int store_tickets_each_decoded(struct store_txn *txn, store_decoded_ticket_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_TICKETS, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct ticket t;

		if (!key_id_parse(k.mv_data, k.mv_size, &id)) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		rc = ticket_decode(v.mv_data, v.mv_size, &t);
		if (rc)
			goto out;
		t.id = id;
		rc = fn(txn, &t, arg);
		ticket_free(&t);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "tickets_each");
out:
	mdb_cursor_close(c);
	return rc;
}

struct reindex {
	uint64_t *n_tickets;
	bool days; /* the day counts too */
};

static int reindex_one(struct store_txn *txn, const struct ticket *t, void *arg)
{
	struct reindex *x = arg;
	struct entries none = { 0 }, to = { 0 };
	uint64_t req_org;
	int rc = requester_org(txn, t, &req_org);
	if (rc == 0)
		rc = entries_build(t, req_org, &to);
	if (rc == 0)
		rc = index_move(txn, t->id, &none, &to);
	if (rc == 0 && x->days)
		rc = days_move(txn, NULL, t);
	free(to.e);
	if (rc == 0 && x->n_tickets)
		(*x->n_tickets)++;
	return rc;
}

int store_lists_reindex(struct store_txn *txn)
{
	struct reindex x = { NULL, false };
	int mrc = mdb_drop(txn->txn, txn->s->dbi[DB_TICKET_LIST], 0);

	if (mrc == 0)
		mrc = mdb_drop(txn->txn, txn->s->dbi[DB_TICKET_COUNTS], 0);
	if (mrc)
		return store_err(txn, mrc, "reindex");
	return store_tickets_each_decoded(txn, reindex_one, &x);
}

/* The ids of one list, gathered before anything changes. */
struct id_vec {
	uint64_t *v;
	size_t n, cap;
};

static int gather(uint64_t id, void *arg)
{
	struct id_vec *ids = arg;
	if (DK_GROW(ids->v, ids->cap, ids->n, 256))
		return DK_ERR_NOMEM;
	ids->v[ids->n++] = id;
	return 0;
}

/* One ticket of the mover's: its party entries as the old organisation
 * implied them become what the new one implies. */
static int requester_move_one(struct store_txn *txn, uint64_t id, uint64_t user_id,
			      uint64_t from_org, uint64_t to_org)
{
	struct entries from = { 0 }, to = { 0 };
	struct ticket t;
	int rc = store_ticket_get(txn, id, &t);

	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	if (t.requester_id == user_id &&
	    requester_listed(from_org, &t) != requester_listed(to_org, &t)) {
		rc = entries_build(&t, from_org, &from);
		if (rc == 0)
			rc = entries_build(&t, to_org, &to);
		if (rc == 0)
			rc = index_move(txn, id, &from, &to);
		/* a ticket without a usable status has no entries to move */
		if (rc == DK_ERR_INVALID)
			rc = 0;
	}
	free(from.e);
	free(to.e);
	ticket_free(&t);
	return rc;
}

int store_tickets_requester_moved(struct store_txn *txn, uint64_t user_id, uint64_t from_org,
				  uint64_t to_org)
{
	const uint64_t orgs[2] = { from_org, to_org };
	int rc = 0;

	/* the tickets a requester asked for are those of the organisations
	 * they asked them in: the one left and the one joined */
	for (int i = 0; i < 2 && rc == 0; i++) {
		struct id_vec ids = { 0 };

		if (!orgs[i] || (i == 1 && orgs[1] == orgs[0]))
			continue;
		rc = store_ticket_walk(txn, SCOPE_ORG, orgs[i], BUCKET_ALL, 0, true, gather, &ids);
		for (size_t j = 0; rc == 0 && j < ids.n; j++)
			rc = requester_move_one(txn, ids.v[j], user_id, from_org, to_org);
		free(ids.v);
	}
	return rc;
}

int store_tickets_reindex(struct store_txn *txn, uint64_t *n_tickets)
{
	struct reindex x = { n_tickets, true };
	int mrc;

	if (n_tickets)
		*n_tickets = 0;
	mrc = mdb_drop(txn->txn, txn->s->dbi[DB_TICKET_LIST], 0);
	if (mrc == 0)
		mrc = mdb_drop(txn->txn, txn->s->dbi[DB_TICKET_COUNTS], 0);
	if (mrc == 0)
		mrc = mdb_drop(txn->txn, txn->s->dbi[DB_DAY_COUNTS], 0);
	if (mrc)
		return store_err(txn, mrc, "reindex");
	return store_tickets_each_decoded(txn, reindex_one, &x);
}

int store_event_append(struct store_txn *txn, struct ticket *t, struct ticket_event *e)
{
	struct dk_buf buf = { 0 };
	uint8_t k[KEY_EVENT_LEN];
	int rc;

	if (t->id == 0)
		return DK_ERR_INVALID;
	if (t->event_count == UINT32_MAX)
		return DK_ERR_NOSPACE;
	e->ticket_id = t->id;
	e->seq = t->event_count + 1;
	rc = ticket_event_encode(e, &buf);
	if (rc)
		goto out;
	/* a stale t would overwrite a stored event: refuse instead */
	rc = store_put(txn, DB_EVENTS, k, key_event(k, t->id, e->seq), buf.data, buf.len,
		       MDB_NOOVERWRITE);
	if (rc == 0)
		rc = store_search_event(txn, NULL, e);
	if (rc == 0)
		t->event_count = e->seq;
out:
	dk_buf_free(&buf);
	return rc;
}

int store_events_each(struct store_txn *txn, uint64_t ticket_id, store_event_fn fn, void *arg)
{
	uint8_t seek[KEY_EVENT_LEN];
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t tid;
	uint32_t seq;
	int rc, mrc;

	rc = store_cursor_open(txn, DB_EVENTS, &c);
	if (rc)
		return rc;
	k.mv_size = key_event(seek, ticket_id, 0);
	k.mv_data = seek;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct ticket_event ev;

		if (!key_event_parse(k.mv_data, k.mv_size, &tid, &seq) || tid != ticket_id)
			break;
		rc = ticket_event_decode(v.mv_data, v.mv_size, &ev);
		if (rc)
			goto out;
		ev.ticket_id = tid;
		ev.seq = seq;
		rc = fn(&ev, arg);
		ticket_event_free(&ev);
		if (rc)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "events_each");
out:
	mdb_cursor_close(c);
	return rc;
}

int store_ticket_counts(struct store_txn *txn, enum list_scope scope, uint64_t scope_id,
			enum list_bucket bucket, store_count_fn fn, void *arg)
{
	uint8_t prefix[KEY_LIST_PREFIX_LEN];
	char value[KEY_COUNT_VALUE_MAX + 1];
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t count;
	char dim;
	int rc, mrc;

	key_list_prefix(prefix, (uint8_t)scope, scope_id, (uint8_t)bucket);
	rc = store_cursor_open(txn, DB_TICKET_COUNTS, &c);
	if (rc)
		return rc;
	k.mv_size = sizeof prefix;
	k.mv_data = prefix;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < sizeof prefix || memcmp(k.mv_data, prefix, sizeof prefix) != 0)
			break;
		if (!key_count_parse(k.mv_data, k.mv_size, prefix, &dim, value) ||
		    store_val_u64(&v, &count) != 0) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		if (count == 0)
			continue;
		rc = fn(dim, value, count, arg);
		if (rc)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "ticket_counts");
out:
	mdb_cursor_close(c);
	return rc;
}

/* Counts of several lists added up per (dim, value); a handful of rows
 * (four priorities and the statuses in use), so a plain array will do. */
struct tally_row {
	char dim;
	char value[KEY_COUNT_VALUE_MAX + 1];
	int64_t count;
};

struct tally {
	struct tally_row *rows;
	size_t n, cap;
	int sign; /* 1: add the list being walked, -1: take it away */
};

static int tally_cb(char dim, const char *value, uint64_t count, void *arg)
{
	struct tally *t = arg;
	struct tally_row *r;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].dim == dim && strcmp(t->rows[i].value, value) == 0)
			break;
	if (i == t->n) {
		if (DK_GROW(t->rows, t->cap, t->n, 16))
			return DK_ERR_NOMEM;
		r = &t->rows[t->n++];
		r->dim = dim;
		snprintf(r->value, sizeof r->value, "%s", value);
		r->count = 0;
	}
	if (count > INT64_MAX)
		return DK_ERR_CORRUPT;
	t->rows[i].count += t->sign * (int64_t)count;
	return 0;
}

/* The order store_ticket_counts reports in: key order, dim then value. */
static int tally_cmp(const void *a, const void *b)
{
	const struct tally_row *x = a, *y = b;

	if (x->dim != y->dim)
		return (unsigned char)x->dim < (unsigned char)y->dim ? -1 : 1;
	return strcmp(x->value, y->value);
}

int store_ticket_counts_customer(struct store_txn *txn, uint64_t user_id, uint64_t org_id,
				 enum list_bucket bucket, store_count_fn fn, void *arg)
{
	struct tally t = { .sign = 1 };
	size_t i;
	int rc;

	/* own + shared with the organisation - own that are also shared */
	rc = store_ticket_counts(txn, SCOPE_PARTY, user_id, bucket, tally_cb, &t);
	if (rc == 0 && org_id)
		rc = store_ticket_counts(txn, SCOPE_ORG_SHARED, org_id, bucket, tally_cb, &t);
	t.sign = -1;
	if (rc == 0 && org_id)
		rc = store_ticket_counts(txn, SCOPE_PARTY_SHARED, user_id, bucket, tally_cb, &t);
	if (rc)
		goto out;
	if (t.n)
		qsort(t.rows, t.n, sizeof *t.rows, tally_cmp);
	for (i = 0; i < t.n && rc == 0; i++)
		if (t.rows[i].count > 0)
			rc = fn(t.rows[i].dim, t.rows[i].value, (uint64_t)t.rows[i].count, arg);
out:
	free(t.rows);
	return rc;
}
