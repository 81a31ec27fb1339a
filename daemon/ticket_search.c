/*
 * Evaluating a search query against the index.
 *
 * Each word becomes the terms it stands for (itself, or for a wildcard the
 * distinct indexed terms it matches) and the tickets holding any of them.
 * The word held by the fewest tickets goes first and gives the candidates;
 * each further word either reads its tickets and intersects (when they are
 * few) or looks each remaining candidate up (when they are many), so a
 * rare word next to a common one stays cheap.
 *
 * Relevance adds up, per word, the best of its terms' weights: (1 + ln
 * occurrences) x ln(1 + tickets / tickets holding the term), with a title
 * occurrence counted three times.
 */
#include "ticket_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dk_err.h"

/* Distinct terms a leading wildcard may read through before the query
 * is called too broad (a walk over the whole dictionary of a large
 * database). */
#define TERMS_SCAN_MAX 4000000
/* Look remaining candidates up one by one when a word's tickets outnumber
 * them by this factor (a point read costs about this many cursor steps). */
#define PROBE_FACTOR 8

struct term {
	char text[SEARCH_TERM_MAX];
	size_t len;
	uint32_t tickets;
	double idf;
};

struct word {
	struct term *terms;
	size_t n, cap;
	uint64_t tickets; /* sum over its terms: the cost of reading them */
};

struct find {
	struct store_txn *txn;
	bool staff;
	double n_tickets;
	struct word *word; /* being expanded */
	const struct search_word *sw;
	size_t scanned;
	bool too_broad;
};

static int term_add(struct word *w, const char *text, size_t len, uint32_t tickets)
{
	if (DK_GROW(w->terms, w->cap, w->n, 8))
		return DK_ERR_NOMEM;
	struct term *t = &w->terms[w->n++];
	memcpy(t->text, text, len);
	t->len = len;
	t->tickets = tickets;
	w->tickets += tickets;
	return 0;
}

static int expand_fn(const char *term, size_t len, uint32_t tickets, void *arg)
{
	struct find *f = arg;

	if (++f->scanned > TERMS_SCAN_MAX) {
		f->too_broad = true;
		return STORE_WALK_STOP;
	}
	if (!search_glob_match(f->sw->text, f->sw->len, term, len))
		return 0;
	if (f->word->n == TICKET_SEARCH_EXPANSIONS_MAX) {
		f->too_broad = true;
		return STORE_WALK_STOP;
	}
	return term_add(f->word, term, len, tickets);
}

/* The terms one word stands for. */
static int word_expand(struct find *f, const struct search_word *sw, struct word *w)
{
	uint32_t tickets;
	int rc;

	if (!sw->pattern) {
		rc = store_search_term_tickets(f->txn, sw->text, sw->len, &tickets);
		return rc || !tickets ? rc : term_add(w, sw->text, sw->len, tickets);
	}
	f->word = w;
	f->sw = sw;
	f->scanned = 0;
	rc = store_search_terms(f->txn, sw->text, sw->prefix_len, expand_fn, f);
	return rc ? rc : f->too_broad ? TICKET_SEARCH_TOO_BROAD : 0;
}

/* What one entry of a term is worth; 0 when the caller may not see the
 * text it stands for (internal notes, for customers). */
static uint32_t weight(const struct find *f, const struct term *t,
		       const struct store_search_hit *h)
{
	double occ = 3.0 * h->title + h->public + (f->staff ? h->internal : 0);
	if (occ <= 0)
		return 0;
	double w = (1.0 + log(occ)) * t->idf * 100.0;
	return w < 1 ? 1 : w > 1e6 ? 1000000 : (uint32_t)w;
}

/* A growing array of hits. */
struct hits {
	struct search_hit *h;
	size_t n, cap;
};

static int hits_add(struct hits *s, uint64_t id, uint32_t score)
{
	if (DK_GROW(s->h, s->cap, s->n, 256))
		return DK_ERR_NOMEM;
	s->h[s->n++] = (struct search_hit){ .id = id, .score = score };
	return 0;
}

struct read {
	const struct find *f;
	const struct term *t;
	struct hits *out;
};

static int read_fn(uint64_t id, const struct store_search_hit *h, void *arg)
{
	struct read *r = arg;
	uint32_t w = weight(r->f, r->t, h);
	return w ? hits_add(r->out, id, w) : 0;
}

static int hit_id_cmp(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Merges the sorted runs h[bound[i]..bound[i+1]) pairwise until one run
 * is left: each term's tickets come in id order, so this is O(n log runs)
 * where sorting all of them would be O(n log n). */
static int runs_merge(struct hits *s, size_t *bound, size_t runs)
{
	struct search_hit *tmp = malloc(s->n * sizeof *tmp);
	if (!tmp)
		return DK_ERR_NOMEM;
	while (runs > 1) {
		size_t out = 0, r;
		for (r = 0; r + 1 < runs; r += 2) {
			size_t a = bound[r], am = bound[r + 1], b = am, bm = bound[r + 2], k = a;
			while (a < am && b < bm)
				tmp[k++] = s->h[b].id < s->h[a].id ? s->h[b++] : s->h[a++];
			while (a < am)
				tmp[k++] = s->h[a++];
			while (b < bm)
				tmp[k++] = s->h[b++];
			memcpy(s->h + bound[r], tmp + bound[r], (bm - bound[r]) * sizeof *tmp);
			bound[out++] = bound[r];
		}
		if (r < runs)
			bound[out++] = bound[r];
		bound[out] = s->n;
		runs = out;
	}
	free(tmp);
	return 0;
}

/* Every ticket of a word, ascending, each once with its best weight. */
static int word_read(const struct find *f, const struct word *w, struct hits *out)
{
	size_t *bound = malloc((w->n + 1) * sizeof *bound), i, j = 0;
	int rc = bound ? 0 : DK_ERR_NOMEM;

	for (i = 0; i < w->n && rc == 0; i++) {
		struct read r = { f, &w->terms[i], out };
		bound[i] = out->n;
		rc = store_search_postings(f->txn, w->terms[i].text, w->terms[i].len, read_fn, &r);
	}
	if (rc == 0 && out->n && w->n > 1) {
		bound[w->n] = out->n;
		rc = runs_merge(out, bound, w->n);
	}
	free(bound);
	if (rc || out->n == 0)
		return rc;
	for (i = 1; i < out->n; i++) {
		if (out->h[i].id == out->h[j].id) {
			if (out->h[i].score > out->h[j].score)
				out->h[j].score = out->h[i].score;
		} else {
			out->h[++j] = out->h[i];
		}
	}
	out->n = j + 1;
	return 0;
}

static uint32_t score_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* Candidates that hold word w too, by merging with its tickets. */
static int narrow_merge(const struct find *f, const struct word *w, struct hits *c)
{
	struct hits o = { 0 };
	size_t i = 0, j = 0, k = 0;
	int rc = word_read(f, w, &o);

	while (rc == 0 && i < c->n && j < o.n) {
		if (c->h[i].id < o.h[j].id) {
			i++;
		} else if (c->h[i].id > o.h[j].id) {
			j++;
		} else {
			c->h[k] = c->h[i];
			c->h[k++].score = score_add(c->h[i].score, o.h[j].score);
			i++;
			j++;
		}
	}
	if (rc == 0)
		c->n = k;
	free(o.h);
	return rc;
}

/* The same by looking each candidate up under each of w's terms. */
static int narrow_probe(const struct find *f, const struct word *w, struct hits *c)
{
	size_t i, t, k = 0;

	for (i = 0; i < c->n; i++) {
		uint32_t best = 0;

		for (t = 0; t < w->n; t++) {
			struct store_search_hit h;
			int rc = store_search_get(f->txn, w->terms[t].text, w->terms[t].len,
						  c->h[i].id, &h);
			if (rc == DK_ERR_NOTFOUND)
				continue;
			if (rc)
				return rc;
			uint32_t s = weight(f, &w->terms[t], &h);
			if (s > best)
				best = s;
		}
		if (best) {
			c->h[k] = c->h[i];
			c->h[k++].score = score_add(c->h[i].score, best);
		}
	}
	c->n = k;
	return 0;
}

static int count_tickets(char dim, const char *value, uint64_t count, void *arg)
{
	(void)value;
	if (dim == 'p')
		*(double *)arg += (double)count;
	return 0;
}

static int word_cost_cmp(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	return x->tickets < y->tickets ? -1 : x->tickets > y->tickets;
}

int ticket_search_find(struct store_txn *txn, const struct search_query *sq, bool staff,
		       struct search_found **out)
{
	struct find f = { .txn = txn, .staff = staff };
	struct word words[SEARCH_WORDS_MAX] = { { 0 } };
	struct hits c = { 0 };
	size_t i, t;
	int rc;

	*out = NULL;
	rc = store_ticket_counts(txn, SCOPE_ALL, 0, BUCKET_ALL, count_tickets, &f.n_tickets);
	for (i = 0; rc == 0 && i < sq->n; i++)
		rc = word_expand(&f, &sq->words[i], &words[i]);
	if (rc)
		goto out;
	for (i = 0; i < sq->n; i++)
		for (t = 0; t < words[i].n; t++) {
			struct term *tm = &words[i].terms[t];
			double n = f.n_tickets > tm->tickets ? f.n_tickets : tm->tickets;
			tm->idf = log(1.0 + n / tm->tickets);
		}
	qsort(words, sq->n, sizeof *words, word_cost_cmp);
	rc = sq->n ? word_read(&f, &words[0], &c) : 0;
	for (i = 1; rc == 0 && i < sq->n && c.n; i++)
		rc = words[i].tickets <= (uint64_t)c.n * PROBE_FACTOR
			     ? narrow_merge(&f, &words[i], &c)
			     : narrow_probe(&f, &words[i], &c);
	if (rc)
		goto out;
	*out = calloc(1, sizeof **out);
	if (!*out) {
		rc = DK_ERR_NOMEM;
		goto out;
	}
	(*out)->hits = c.h;
	(*out)->n = c.n;
	c.h = NULL;
out:
	for (i = 0; i < SEARCH_WORDS_MAX; i++)
		free(words[i].terms);
	free(c.h);
	return rc;
}

void ticket_search_free(struct search_found *f)
{
	if (!f)
		return;
	free(f->hits);
	free(f);
}

const struct search_hit *ticket_search_lookup(const struct search_found *f, uint64_t id)
{
	struct search_hit key = { .id = id };
	return f->n ? bsearch(&key, f->hits, f->n, sizeof *f->hits, hit_id_cmp) : NULL;
}

bool ticket_search_mark(struct search_found *f, uint64_t id)
{
	struct search_hit key = { .id = id };
	struct search_hit *h = f->n ? bsearch(&key, f->hits, f->n, sizeof *f->hits, hit_id_cmp)
				    : NULL;
	if (h)
		h->keep = 1;
	return h != NULL;
}

void ticket_search_retain(struct search_found *f)
{
	size_t i, k = 0;

	for (i = 0; i < f->n; i++)
		if (f->hits[i].keep) {
			f->hits[k] = f->hits[i];
			f->hits[k++].keep = 0;
		}
	f->n = k;
}

/* Relevance order: higher score first, newer first among equals. */
static int rank_cmp(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* Moves the k best hits of h[0..n) (rank_cmp order) to h[0..k), in no
 * particular order: quickselect, linear on average. */
static void select_best(struct search_hit *h, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1 && k > lo && k < hi) {
		/* the middle element as pivot, moved to the end */
		struct search_hit pivot = h[lo + (hi - lo) / 2], tmp;
		h[lo + (hi - lo) / 2] = h[hi - 1];
		h[hi - 1] = pivot;
		size_t store = lo;
		for (size_t i = lo; i + 1 < hi; i++)
			if (rank_cmp(&h[i], &pivot) < 0) {
				tmp = h[i];
				h[i] = h[store];
				h[store++] = tmp;
			}
		h[hi - 1] = h[store];
		h[store] = pivot;
		if (store < k)
			lo = store + 1;
		else
			hi = store;
	}
}

/* Relevance order: the hits after the cursor, put in order a chunk at a
 * time as far as the walk goes (a page seldom needs more than the first
 * chunk), instead of sorting every hit of a common word. */
static int each_ranked(const struct search_found *f, uint32_t after_score, uint64_t after_id,
		       search_hit_fn fn, void *arg)
{
	struct search_hit *r = malloc((f->n ? f->n : 1) * sizeof *r), cursor = {
		.id = after_id, .score = after_score };
	size_t n = 0, sorted = 0, chunk = 128;
	int rc = 0;

	if (!r)
		return DK_ERR_NOMEM;
	for (size_t i = 0; i < f->n; i++)
		if (!after_id || rank_cmp(&f->hits[i], &cursor) > 0)
			r[n++] = f->hits[i];
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i == sorted) {
			size_t k = n - sorted < chunk ? n - sorted : chunk;
			select_best(r + sorted, n - sorted, k);
			qsort(r + sorted, k, sizeof *r, rank_cmp);
			sorted += k;
			chunk *= 2; /* a walk that goes far pays O(n log n) at most */
		}
		rc = fn(&r[i], arg);
	}
	free(r);
	return rc == STORE_WALK_STOP ? 0 : rc;
}

int ticket_search_each(struct search_found *f, enum search_order order, uint32_t after_score,
		       uint64_t after_id, search_hit_fn fn, void *arg)
{
	const struct search_hit *h = f->hits;
	size_t i, n = f->n;
	int rc = 0;

	if (order == SEARCH_RELEVANCE)
		return each_ranked(f, after_score, after_id, fn, arg);
	for (i = 0; i < n && rc == 0; i++) {
		const struct search_hit *x;

		if (order == SEARCH_OLDEST) {
			x = &h[i];
			if (after_id && x->id <= after_id)
				continue;
		} else {
			x = &h[n - 1 - i];
			if (after_id && x->id >= after_id)
				continue;
		}
		rc = fn(x, arg);
	}
	return rc == STORE_WALK_STOP ? 0 : rc;
}
