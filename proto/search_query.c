/*
 * Parsing the search box's text.
 */
#include "search_query.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dk_err.h"
#include "validate.h"

struct parse {
	struct search_query *out;
	bool too_many;
};

static int add_word(const char *term, size_t len, void *arg)
{
	struct parse *p = arg;
	struct search_word w = { 0 };
	size_t i;

	for (i = 0; i < len; i++) {
		/* runs of '*' are one wildcard */
		if (term[i] == '*' && w.len && w.text[w.len - 1] == '*')
			continue;
		w.text[w.len++] = term[i];
	}
	char *star = memchr(w.text, '*', w.len);
	w.pattern = star != NULL;
	w.prefix_len = star ? (size_t)(star - w.text) : w.len;
	/* a lone '*' matches every ticket: it narrows nothing */
	if (w.len == 1 && w.pattern)
		return 0;
	for (i = 0; i < p->out->n; i++)
		if (!strcmp(p->out->words[i].text, w.text))
			return 0; /* a repeated word adds nothing */
	if (p->out->n == SEARCH_WORDS_MAX) {
		p->too_many = true;
		return 1;
	}
	p->out->words[p->out->n++] = w;
	return 0;
}

int search_query_parse(const char *q, const char *ref_prefix, struct search_query *out,
		       char *msg, size_t size)
{
	static const char blanks[] = " \t\r\n\f\v";
	struct parse p = { .out = out };
	size_t qlen = strlen(q);
	bool any = false;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (qlen > SEARCH_QUERY_MAX) {
		snprintf(msg, size, "q is longer than %d bytes", SEARCH_QUERY_MAX);
		return DK_ERR_INVALID;
	}
	for (const char *s = q; *s && rc == 0;) {
		char raw[SEARCH_QUERY_MAX + 1];
		size_t n;
		uint64_t id;

		s += strspn(s, blanks);
		n = strcspn(s, blanks);
		if (n == 0)
			break;
		any = true;
		memcpy(raw, s, n);
		raw[n] = '\0';
		s += n;
		if (ref_prefix && *ref_prefix && ticket_ref_parse(raw, ref_prefix, &id) == 0) {
			char num[24];
			int len = snprintf(num, sizeof num, "%" PRIu64, id);
			rc = add_word(num, (size_t)len, &p);
		} else {
			rc = search_terms_each(raw, n, true, add_word, &p);
		}
	}
	if (p.too_many) {
		snprintf(msg, size, "q has more than %d words", SEARCH_WORDS_MAX);
		return DK_ERR_INVALID;
	}
	if (rc < 0)
		return rc;
	if (any && out->n == 0) {
		snprintf(msg, size, "q has no letters or digits to search for");
		return DK_ERR_INVALID;
	}
	return 0;
}
