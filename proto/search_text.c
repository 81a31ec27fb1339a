/*
 * Folding and splitting text into search terms with utf8proc.
 */
#include "search_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dk_err.h"
#include "utf8.h"

#define FOLD_OPTIONS                                                                         \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |        \
	 UTF8PROC_COMPOSE | UTF8PROC_IGNORE)

/* Letters, digits and the marks folding left: what words are made of. */
static bool word_char(utf8proc_int32_t cp, bool wildcard)
{
	if (wildcard && cp == '*')
		return true;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/* A copy of text where every byte that does not start or belong to a
 * valid UTF-8 sequence (and every NUL) is a space: utf8proc refuses
 * invalid input as a whole, and one bad byte must not hide the rest. */
static char *valid_copy(const char *text, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0;

	if (!out)
		return NULL;
	memcpy(out, text, len);
	out[len] = '\0';
	while (i < len) {
		size_t n = out[i] ? utf8_seq_len((const unsigned char *)out + i) : 0;
		if (n == 0) {
			out[i++] = ' ';
			continue;
		}
		i += n;
	}
	return out;
}

/* Emits the word folded[start, end), cut to SEARCH_TERM_MAX bytes at a
 * character boundary. */
static int emit(const uint8_t *folded, size_t start, size_t end, search_term_fn fn, void *arg)
{
	size_t len = end - start;

	if (len > SEARCH_TERM_MAX) {
		len = SEARCH_TERM_MAX;
		/* back off continuation bytes so no character is split */
		while (len > 0 && (folded[start + len] & 0xC0) == 0x80)
			len--;
	}
	return len ? fn((const char *)folded + start, len, arg) : 0;
}

int search_terms_each(const char *text, size_t len, bool wildcard, search_term_fn fn,
		      void *arg)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n, i = 0;
	size_t start = 0;
	bool in_word = false;
	int rc = 0;

	if (!text || len == 0)
		return 0;
	char *clean = valid_copy(text, len);
	if (!clean)
		return DK_ERR_NOMEM;
	n = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)len, &folded,
			 FOLD_OPTIONS);
	free(clean);
	if (n < 0)
		return n == UTF8PROC_ERROR_NOMEM ? DK_ERR_NOMEM : DK_ERR_INVALID;
	while (i < n && rc == 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate(folded + i, n - i, &cp);

		if (step <= 0) {
			/* not expected after utf8proc's own output; end the word */
			step = 1;
			cp = ' ';
		}
		bool w = word_char(cp, wildcard);
		if (w && !in_word) {
			start = (size_t)i;
			in_word = true;
		} else if (!w && in_word) {
			rc = emit(folded, start, (size_t)i, fn, arg);
			in_word = false;
		}
		i += step;
	}
	if (rc == 0 && in_word)
		rc = emit(folded, start, (size_t)n, fn, arg);
	free(folded);
	return rc;
}

bool search_glob_match(const char *pattern, size_t plen, const char *term, size_t tlen)
{
	size_t p = 0, t = 0, star_p = SIZE_MAX, star_t = 0;

	/* the classic greedy match with one backtrack point: linear enough
	 * for terms of at most SEARCH_TERM_MAX bytes */
	while (t < tlen) {
		if (p < plen && pattern[p] == '*') {
			star_p = p++;
			star_t = t;
		} else if (p < plen && pattern[p] == term[t]) {
			p++;
			t++;
		} else if (star_p != SIZE_MAX) {
			p = star_p + 1;
			t = ++star_t;
		} else {
			return false;
		}
	}
	while (p < plen && pattern[p] == '*')
		p++;
	return p == plen;
}
