/* Full-text search: folding and splitting (proto/search_text.c), the
 * query parser (proto/search_query.c), and the index storage keeps in step
 * with tickets and events, checked by verify. */
#include "test_store.h"

#include <stdio.h>

#include "search_query.h"
#include "search_text.h"
#include "store_internal.h"

/* The terms of text joined by '|'. */
struct joined {
	char buf[512];
	size_t n;
};

static int join(const char *term, size_t len, void *arg)
{
	struct joined *j = arg;
	j->n += (size_t)snprintf(j->buf + j->n, sizeof j->buf - j->n, "%s%.*s", j->n ? "|" : "",
				 (int)len, term);
	return 0;
}

static const char *terms(const char *text, bool wildcard)
{
	static struct joined j;
	memset(&j, 0, sizeof j);
	assert_int_equal(search_terms_each(text, strlen(text), wildcard, join, &j), 0);
	return j.buf;
}

static void test_fold_and_split(void **state)
{
	(void)state;
	assert_string_equal(terms("Överföring misslyckades!", false), "overforing|misslyckades");
	assert_string_equal(terms("Café CAFÉ cafe\u0301", false), "cafe|cafe|cafe");
	assert_string_equal(terms("Straße, ĲSSELMEER ĳs", false), "strasse|ijsselmeer|ijs");
	assert_string_equal(terms("e-mail: user@example.org", false), "e|mail|user|example|org");
	assert_string_equal(terms("ﬁle №5 ２０２６", false), "file|no5|2026");
	assert_string_equal(terms("over*ing *x", true), "over*ing|*x");
	assert_string_equal(terms("over*ing", false), "over|ing");
	/* bytes that are not UTF-8, and NULs, separate words */
	assert_string_equal(terms("ab\xff" "cd\xc3" "ef", false), "ab|cd|ef");
	assert_string_equal(terms("", false), "");
	char nul[] = { 'a', 'b', 0, 'c', 'd' };
	struct joined j = { 0 };
	assert_int_equal(search_terms_each(nul, sizeof nul, false, join, &j), 0);
	assert_string_equal(j.buf, "ab|cd");
	/* long words are cut at SEARCH_TERM_MAX bytes, never inside a character */
	char longw[200] = "x";
	for (int i = 0; i < 60; i++)
		strcat(longw, "ж");
	const char *t = terms(longw, false);
	assert_true(strlen(t) <= SEARCH_TERM_MAX);
	assert_int_equal(strlen(t), 63); /* "x" and 31 two-byte letters */
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(search_glob_match("over*", 5, "overforing", 10));
	assert_true(search_glob_match("*ing", 4, "overforing", 10));
	assert_true(search_glob_match("o*f*g", 5, "overforing", 10));
	assert_true(search_glob_match("over*", 5, "over", 4));
	assert_false(search_glob_match("*ing", 4, "overfor", 7));
	assert_false(search_glob_match("o*x", 3, "overforing", 10));
	assert_true(search_glob_match("a*a*a", 5, "aaaaa", 5));
	assert_false(search_glob_match("a*a*b", 5, "aaaaa", 5));
}

static void test_query_parse(void **state)
{
	struct search_query q;
	char msg[128];
	(void)state;
	assert_int_equal(search_query_parse("  Överföring  cafe* ", "HD", &q, msg, sizeof msg), 0);
	assert_int_equal(q.n, 2);
	assert_string_equal(q.words[0].text, "overforing");
	assert_false(q.words[0].pattern);
	assert_string_equal(q.words[1].text, "cafe*");
	assert_true(q.words[1].pattern);
	assert_int_equal(q.words[1].prefix_len, 4);
	/* references become numbers; repeats and runs of '*' fold */
	assert_int_equal(search_query_parse("hd-10023 HD-10023 a**b", "HD", &q, msg, sizeof msg), 0);
	assert_int_equal(q.n, 2);
	assert_string_equal(q.words[0].text, "10023");
	assert_string_equal(q.words[1].text, "a*b");
	assert_int_equal(search_query_parse("", "HD", &q, msg, sizeof msg), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(search_query_parse("*", "HD", &q, msg, sizeof msg), DK_ERR_INVALID);
	assert_int_equal(search_query_parse("a b c d e f g h i", "HD", &q, msg, sizeof msg),
			 DK_ERR_INVALID);
	assert_non_null(strstr(msg, "more than 8 words"));
	char big[SEARCH_QUERY_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(search_query_parse(big, "HD", &q, msg, sizeof msg), DK_ERR_INVALID);
	big[SEARCH_QUERY_MAX] = '\0';
	assert_int_equal(search_query_parse(big, NULL, &q, msg, sizeof msg), 0);
}

/* The entry of term for ticket id: title, public, internal; all -1 when
 * there is none. */
static void hit(struct store *s, const char *term, uint64_t id, int want_title, int want_public,
		int want_internal)
{
	struct store_txn *t = begin(s, false);
	struct store_search_hit h;
	int rc = store_search_get(t, term, strlen(term), id, &h);
	if (want_title < 0) {
		assert_int_equal(rc, DK_ERR_NOTFOUND);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(h.title, want_title);
		assert_int_equal(h.public, want_public);
		assert_int_equal(h.internal, want_internal);
	}
	store_txn_abort(t);
}

static uint32_t tickets_holding(struct store *s, const char *term)
{
	struct store_txn *t = begin(s, false);
	uint32_t n;
	assert_int_equal(store_search_term_tickets(t, term, strlen(term), &n), 0);
	store_txn_abort(t);
	return n;
}

static int count_problem(const struct store_problem *p, void *arg)
{
	/* a deleted ticket stays counted in its day (statistics) */
	if (p->db == DB_DAY_COUNTS)
		return 0;
	printf("# %s: %s %s\n", store_db_name(p->db), p->key, p->message);
	(*(int *)arg)++;
	return 0;
}

static int problems(struct store *s)
{
	struct store_txn *t = begin(s, false);
	int n = 0;
	assert_int_equal(store_verify(t, count_problem, &n), 0);
	store_txn_abort(t);
	return n;
}

static uint64_t ticket_with(struct store *s, const char *title, const char *desc)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	memset(&tk, 0, sizeof tk);
	tk.org_id = 1;
	tk.requester_id = 1;
	tk.creator_id = 1;
	tk.priority = 3;
	tk.title = (char *)title;
	tk.description = (char *)desc;
	tk.status = "new";
	tk.created_ms = tk.updated_ms = 1000;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	return tk.id;
}

static void add_comment(struct store *s, uint64_t id, const char *body, bool internal)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk, old;
	struct ticket_event e;
	assert_int_equal(store_ticket_get(t, id, &tk), 0);
	memset(&e, 0, sizeof e);
	e.kind = EVENT_COMMENT;
	e.actor_id = 1;
	e.internal = internal;
	e.body = (char *)body;
	assert_int_equal(store_event_append(t, &tk, &e), 0);
	assert_int_equal(store_ticket_get(t, id, &old), 0);
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	ticket_free(&old);
	ticket_free(&tk);
	assert_int_equal(store_txn_commit(t), 0);
}

static void test_index_follows_writes(void **state)
{
	struct fx *f = *state;
	uint64_t a = ticket_with(f->s, "Printer printer", "The printer smokes");
	uint64_t b = ticket_with(f->s, "Scanner", "Next to the printer");
	char num[24];
	snprintf(num, sizeof num, "%llu", (unsigned long long)a);

	hit(f->s, "printer", a, 2, 1, 0);
	hit(f->s, "printer", b, 0, 1, 0);
	hit(f->s, num, a, 1, 0, 0);
	assert_int_equal(tickets_holding(f->s, "printer"), 2);
	add_comment(f->s, a, "printer toner", true);
	add_comment(f->s, a, "toner ordered", false);
	hit(f->s, "printer", a, 2, 1, 1);
	hit(f->s, "toner", a, 0, 1, 1);
	assert_int_equal(problems(f->s), 0);

	/* a new title moves the title's words, an event's new text its own */
	struct store_txn *t = begin(f->s, true);
	struct ticket old, tk;
	assert_int_equal(store_ticket_get(t, a, &old), 0);
	assert_int_equal(store_ticket_get(t, a, &tk), 0);
	free(tk.title);
	tk.title = strdup("Copier");
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	struct ticket_event e;
	assert_int_equal(store_event_get(t, a, 1, &e), 0);
	free(e.body);
	e.body = NULL; /* redacted */
	assert_int_equal(store_event_replace(t, &e), 0);
	ticket_event_free(&e);
	ticket_free(&old);
	ticket_free(&tk);
	assert_int_equal(store_txn_commit(t), 0);
	hit(f->s, "printer", a, 0, 1, 0);
	hit(f->s, "copier", a, 1, 0, 0);
	hit(f->s, "toner", a, 0, 1, 0);
	assert_int_equal(problems(f->s), 0);

	/* a deleted ticket leaves nothing behind */
	t = begin(f->s, true);
	assert_int_equal(store_ticket_del(t, a), 0);
	assert_int_equal(store_txn_commit(t), 0);
	hit(f->s, "copier", a, -1, -1, -1);
	hit(f->s, "toner", a, -1, -1, -1);
	assert_int_equal(tickets_holding(f->s, "copier"), 0);
	assert_int_equal(tickets_holding(f->s, "printer"), 1);
	assert_int_equal(problems(f->s), 0);

	/* a rebuild gives the same index */
	uint64_t before = entries(f->s, DB_SEARCH), terms_before = entries(f->s, DB_SEARCH_TERMS);
	t = begin(f->s, true);
	assert_int_equal(store_search_reindex(t), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_SEARCH), before);
	assert_int_equal(entries(f->s, DB_SEARCH_TERMS), terms_before);
	assert_int_equal(problems(f->s), 0);
}

static void test_verify_finds_a_wrong_index(void **state)
{
	struct fx *f = *state;
	uint64_t a = ticket_with(f->s, "Printer", "smokes");
	(void)a;
	assert_int_equal(problems(f->s), 0);
	/* an entry no ticket implies, and a term count that is off */
	struct store_txn *t = begin(f->s, true);
	uint8_t k[] = { 'g', 'h', 'o', 's', 't', 0, 0, 0, 0, 0, 0, 0, 0x27, 0x11 };
	uint8_t v[12] = { 0, 0, 0, 1 };
	assert_int_equal(store_put(t, DB_SEARCH, k, sizeof k, v, sizeof v, 0), 0);
	uint8_t two[4] = { 0, 0, 0, 2 };
	assert_int_equal(store_put(t, DB_SEARCH_TERMS, "smokes", 6, two, sizeof two, 0), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(problems(f->s), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_split),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_query_parse),
		cmocka_unit_test_setup_teardown(test_index_follows_writes, setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_a_wrong_index, setup_people,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
