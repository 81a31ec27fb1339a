/*
 * The words of a text as full-text search sees them: split at everything
 * that is not a letter, digit or mark, case and accents folded with
 * utf8proc (compatibility decomposition, case folding, marks stripped), so
 * "Överföring" is "overforing", "Café" is "cafe" and "Straße" is
 * "strasse". The index (storage/store_search.c) and the query
 * (proto/search_query.c) both go through here, so they always agree.
 */
#ifndef DESKD_SEARCH_TEXT_H
#define DESKD_SEARCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Longest term in bytes; longer words are cut there (at a character
 * boundary), in the index and in queries alike. */
#define SEARCH_TERM_MAX 64

/* Calls fn for each term of text (len bytes, any bytes: what is not valid
 * UTF-8 separates words), in order, duplicates included. With wildcard,
 * '*' counts as part of a word (queries). term is not NUL-terminated and
 * valid only during the call; a non-zero return of fn stops the walk and
 * is returned. DK_ERR_NOMEM when folding cannot allocate. */
typedef int (*search_term_fn)(const char *term, size_t len, void *arg);
int search_terms_each(const char *text, size_t len, bool wildcard, search_term_fn fn,
		      void *arg);

/* Does term match pattern, where each '*' stands for any bytes (none
 * included)? Both are folded terms. */
bool search_glob_match(const char *pattern, size_t plen, const char *term, size_t tlen);

#endif
