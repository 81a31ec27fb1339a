/*
 * The full-text index, kept in the transaction of every write of the text
 * it holds:
 *   search        term . 0x00 . ticket id u64 -> title u32 . public u32 .
 *                 internal u32: how often the term occurs in the ticket's
 *                 title (and its number), in text customers see
 *                 (description, satisfaction comment, public comments) and
 *                 in internal notes
 *   search_terms  term -> tickets u32: how many tickets hold the term,
 *                 for wildcards (a walk over distinct terms) and for
 *                 looking up the rarest word first
 * Terms are search_text.h's. Each write subtracts what the old version
 * implied and adds what the new one implies, so the counts stay exact
 * whatever was edited, redacted or erased.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search_text.h"
#include "store_internal.h"
#include "store_keys.h"

enum where { IN_TITLE, IN_PUBLIC, IN_INTERNAL };

/* One occurrence to add (+1) or take away (-1). */
struct delta {
	char term[SEARCH_TERM_MAX];
	uint8_t len;
	uint8_t where;
	int8_t sign;
};

struct deltas {
	struct delta *d;
	size_t n, cap;
	uint8_t where; /* for the text being split */
	int8_t sign;
};

static int delta_add(const char *term, size_t len, void *arg)
{
	struct deltas *s = arg;

	if (DK_GROW(s->d, s->cap, s->n, 64))
		return DK_ERR_NOMEM;
	struct delta *d = &s->d[s->n++];
	memcpy(d->term, term, len);
	d->len = (uint8_t)len;
	d->where = s->where;
	d->sign = s->sign;
	return 0;
}

static int text_add(struct deltas *s, const char *text, enum where where, int sign)
{
	if (!text)
		return 0;
	s->where = (uint8_t)where;
	s->sign = (int8_t)sign;
	return search_terms_each(text, strlen(text), false, delta_add, s);
}

/* What a ticket record itself holds: its number and title count as the
 * title; description and satisfaction comment as public text. */
static int ticket_add(struct deltas *s, const struct ticket *t, int sign)
{
	char num[24];
	int rc;

	snprintf(num, sizeof num, "%" PRIu64, t->id);
	rc = text_add(s, num, IN_TITLE, sign);
	if (rc == 0)
		rc = text_add(s, t->title, IN_TITLE, sign);
	if (rc == 0)
		rc = text_add(s, t->description, IN_PUBLIC, sign);
	if (rc == 0)
		rc = text_add(s, t->rating_comment, IN_PUBLIC, sign);
	return rc;
}

/* An event's text is its body, in notes internal ones. */
static int event_add(struct deltas *s, const struct ticket_event *e, int sign)
{
	return text_add(s, e->body, e->internal ? IN_INTERNAL : IN_PUBLIC, sign);
}

static int delta_cmp(const void *a, const void *b)
{
	const struct delta *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->term, y->term, n);

	return c ? c : (int)x->len - (int)y->len;
}

static size_t key_search(uint8_t *k, const char *term, size_t len, uint64_t id)
{
	memcpy(k, term, len);
	k[len] = 0;
	be64_put(k + len + 1, id);
	return len + 9;
}

/* Adds to the number of tickets holding term (by 1 or -1); a term no
 * ticket holds any more is deleted. */
static int term_count(struct store_txn *txn, const char *term, size_t len, int by)
{
	uint8_t v4[4];
	uint32_t n = 0;
	MDB_val v;
	int rc = store_get(txn, DB_SEARCH_TERMS, term, len, &v);

	if (rc == 0 && v.mv_size == 4)
		n = be32_get(v.mv_data);
	else if (rc == 0 || rc != DK_ERR_NOTFOUND)
		return rc ? rc : DK_ERR_CORRUPT;
	if (by < 0 && n <= 1)
		return n ? store_del(txn, DB_SEARCH_TERMS, term, len) : 0;
	be32_put(v4, by < 0 ? n - 1 : n + 1);
	return store_put(txn, DB_SEARCH_TERMS, term, len, v4, sizeof v4, 0);
}

/* Applies the summed changes of one term to the ticket's entry. */
static int entry_apply(struct store_txn *txn, uint64_t id, const struct delta *d,
		       const int64_t by[3])
{
	uint8_t k[SEARCH_TERM_MAX + 9], v[12];
	int64_t now[3] = { 0, 0, 0 };
	size_t klen = key_search(k, d->term, d->len, id);
	bool had, has = false;
	MDB_val old;
	int rc = store_get(txn, DB_SEARCH, k, klen, &old);

	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	had = rc == 0;
	if (had && old.mv_size != sizeof v)
		return DK_ERR_CORRUPT;
	for (int i = 0; i < 3; i++) {
		if (had)
			now[i] = be32_get((const uint8_t *)old.mv_data + 4 * i);
		now[i] += by[i];
		/* below zero: the index was wrong before; verify reports it */
		if (now[i] < 0)
			now[i] = 0;
		if (now[i] > UINT32_MAX)
			now[i] = UINT32_MAX;
		has = has || now[i] > 0;
		be32_put(v + 4 * i, (uint32_t)now[i]);
	}
	if (has)
		rc = store_put(txn, DB_SEARCH, k, klen, v, sizeof v, 0);
	else if (had)
		rc = store_del(txn, DB_SEARCH, k, klen);
	if (rc == 0 && had != has)
		rc = term_count(txn, d->term, d->len, has ? 1 : -1);
	return rc;
}

/* Sorts the deltas by term and writes each term's sum. */
static int deltas_apply(struct store_txn *txn, uint64_t id, struct deltas *s)
{
	size_t i = 0;
	int rc = 0;

	if (s->n > 1)
		qsort(s->d, s->n, sizeof *s->d, delta_cmp);
	while (i < s->n && rc == 0) {
		int64_t by[3] = { 0, 0, 0 };
		size_t j = i;

		for (; j < s->n && delta_cmp(&s->d[i], &s->d[j]) == 0; j++)
			by[s->d[j].where] += s->d[j].sign;
		if (by[0] || by[1] || by[2])
			rc = entry_apply(txn, id, &s->d[i], by);
		i = j;
	}
	return rc;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int store_search_ticket(struct store_txn *txn, const struct ticket *old, const struct ticket *t)
{
	struct deltas s = { 0 };
	int rc = 0;

	if (old && same(old->title, t->title) && same(old->description, t->description) &&
	    same(old->rating_comment, t->rating_comment))
		return 0;
	if (old)
		rc = ticket_add(&s, old, -1);
	if (rc == 0 && t)
		rc = ticket_add(&s, t, 1);
	if (rc == 0)
		rc = deltas_apply(txn, old ? old->id : t->id, &s);
	free(s.d);
	return rc;
}

int store_search_event(struct store_txn *txn, const struct ticket_event *old,
		       const struct ticket_event *e)
{
	struct deltas s = { 0 };
	int rc = 0;

	if (old && e && old->internal == e->internal && same(old->body, e->body))
		return 0;
	if (old)
		rc = event_add(&s, old, -1);
	if (rc == 0 && e)
		rc = event_add(&s, e, 1);
	if (rc == 0)
		rc = deltas_apply(txn, old ? old->ticket_id : e->ticket_id, &s);
	free(s.d);
	return rc;
}

/* Each event's terms, for taking a ticket out of the index. */
struct drop {
	struct deltas s;
	int rc;
};

static int drop_event(const struct ticket_event *e, void *arg)
{
	struct drop *d = arg;
	return event_add(&d->s, e, -1);
}

int store_search_ticket_drop(struct store_txn *txn, const struct ticket *t)
{
	struct drop d = { 0 };
	int rc = ticket_add(&d.s, t, -1);

	if (rc == 0)
		rc = store_events_each(txn, t->id, drop_event, &d);
	if (rc == 0)
		rc = deltas_apply(txn, t->id, &d.s);
	free(d.s.d);
	return rc;
}

static int add_event(const struct ticket_event *e, void *arg)
{
	return event_add(arg, e, 1);
}

static int reindex_one(struct store_txn *txn, const struct ticket *t, void *arg)
{
	struct deltas s = { 0 };
	int rc = ticket_add(&s, t, 1);

	(void)arg;
	if (rc == 0)
		rc = store_events_each(txn, t->id, add_event, &s);
	if (rc == 0)
		rc = deltas_apply(txn, t->id, &s);
	free(s.d);
	return rc;
}

int store_search_reindex(struct store_txn *txn)
{
	int mrc = mdb_drop(txn->txn, txn->s->dbi[DB_SEARCH], 0);

	if (mrc == 0)
		mrc = mdb_drop(txn->txn, txn->s->dbi[DB_SEARCH_TERMS], 0);
	if (mrc)
		return store_err(txn, mrc, "search_reindex");
	return store_tickets_each_decoded(txn, reindex_one, NULL);
}

/* --- reading --- */

static bool hit_parse(const MDB_val *v, struct store_search_hit *h)
{
	const uint8_t *p = v->mv_data;

	if (v->mv_size != 12)
		return false;
	h->title = be32_get(p);
	h->public = be32_get(p + 4);
	h->internal = be32_get(p + 8);
	return true;
}

int store_search_get(struct store_txn *txn, const char *term, size_t len, uint64_t id,
		     struct store_search_hit *out)
{
	uint8_t k[SEARCH_TERM_MAX + 9];
	MDB_val v;
	int rc;

	if (len == 0 || len > SEARCH_TERM_MAX)
		return DK_ERR_NOTFOUND;
	rc = store_get(txn, DB_SEARCH, k, key_search(k, term, len, id), &v);
	if (rc == 0 && !hit_parse(&v, out))
		rc = DK_ERR_CORRUPT;
	return rc;
}

int store_search_postings(struct store_txn *txn, const char *term, size_t len,
			  store_search_hit_fn fn, void *arg)
{
	uint8_t k[SEARCH_TERM_MAX + 9];
	MDB_cursor *c;
	MDB_val key, v;
	int rc, mrc;

	if (len == 0 || len > SEARCH_TERM_MAX)
		return 0;
	rc = store_cursor_open(txn, DB_SEARCH, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	key.mv_size = key_search(k, term, len, 0);
	key.mv_data = k;
	for (mrc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
		struct store_search_hit h;

		if (key.mv_size != len + 9 || memcmp(key.mv_data, k, len + 1))
			break;
		if (!hit_parse(&v, &h)) {
			rc = DK_ERR_CORRUPT;
			break;
		}
		rc = fn(be64_get((const uint8_t *)key.mv_data + len + 1), &h, arg);
		if (rc)
			break;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "search_postings");
	mdb_cursor_close(c);
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int store_search_terms(struct store_txn *txn, const char *prefix, size_t len,
		       store_search_term_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val key, v;
	int rc, mrc;

	if (len > SEARCH_TERM_MAX)
		return 0;
	rc = store_cursor_open(txn, DB_SEARCH_TERMS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	key.mv_size = len;
	key.mv_data = (void *)prefix;
	mrc = len ? mdb_cursor_get(c, &key, &v, MDB_SET_RANGE)
		  : mdb_cursor_get(c, &key, &v, MDB_FIRST);
	for (; mrc == 0; mrc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
		if (key.mv_size < len || memcmp(key.mv_data, prefix, len))
			break;
		if (v.mv_size != 4 || key.mv_size > SEARCH_TERM_MAX) {
			rc = DK_ERR_CORRUPT;
			break;
		}
		rc = fn(key.mv_data, key.mv_size, be32_get(v.mv_data), arg);
		if (rc)
			break;
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "search_terms");
	mdb_cursor_close(c);
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int store_search_term_tickets(struct store_txn *txn, const char *term, size_t len,
			      uint32_t *out)
{
	MDB_val v;
	int rc;

	*out = 0;
	if (len == 0 || len > SEARCH_TERM_MAX)
		return 0;
	rc = store_get(txn, DB_SEARCH_TERMS, term, len, &v);
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc == 0 && v.mv_size != 4)
		return DK_ERR_CORRUPT;
	if (rc == 0)
		*out = be32_get(v.mv_data);
	return rc;
}

/* "term \"cafe\" ticket 10001" for verify. */
void store_search_key_text(const void *key, size_t klen, char *out, size_t size)
{
	const uint8_t *p = key;

	if (klen >= 10 && klen - 9 <= SEARCH_TERM_MAX && p[klen - 9] == 0)
		snprintf(out, size, "term \"%.*s\" ticket %" PRIu64, (int)(klen - 9), (const char *)p,
			 be64_get(p + klen - 8));
	else
		snprintf(out, size, "term \"%.*s\"", (int)(klen > SEARCH_TERM_MAX ? SEARCH_TERM_MAX : klen),
			 (const char *)p);
}
