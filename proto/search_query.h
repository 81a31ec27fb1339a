/*
 * A search box's text as words to look up: split and folded as the index
 * folds (search_text.h), '*' kept as a wildcard, a ticket reference
 * ("DESK-10023") turned into the ticket's number. Pure, so the fuzzer and
 * unit tests call it directly.
 */
#ifndef DESKD_SEARCH_QUERY_H
#define DESKD_SEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "search_text.h"

#define SEARCH_QUERY_MAX 200 /* bytes of q */
#define SEARCH_WORDS_MAX 8

struct search_word {
	char text[SEARCH_TERM_MAX + 1]; /* folded; NUL-terminated */
	size_t len;
	bool pattern;                   /* has a '*' */
	size_t prefix_len;              /* pattern: bytes before the first '*' */
};

struct search_query {
	struct search_word words[SEARCH_WORDS_MAX];
	size_t n;
};

/* Parses q (NUL-terminated) into out. ref_prefix is the reference prefix
 * of this deployment (may be NULL). 0, or DK_ERR_INVALID with a sentence
 * for the user in msg (too long, too many words, nothing to search for),
 * or DK_ERR_NOMEM. A q of only blanks gives n == 0 and 0. */
int search_query_parse(const char *q, const char *ref_prefix, struct search_query *out,
		       char *msg, size_t size);

#endif
