/*
 * What a request carries before any handler runs: the session cookie and
 * the Authorization header (proto/credentials.c, as daemon/auth.c reads
 * them), and the request target: its path decoded and its query string
 * split into parameters with libevent, as daemon/http.c and the list
 * handlers do, each value then going through the value parsers the
 * handlers use. The first byte picks which.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "credentials.h"
#include "search_query.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET_ROOM 52 /* auth.c: a secret's text and some */

static void broken(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

/* One query parameter, through the parsers the list, export and report
 * handlers apply to values. */
static void query_value(const char *key, const char *value)
{
	uint64_t id;
	(void)key;
	(void)priority_parse(value);
	(void)ticket_ref_parse(value, "DESK", &id);
	(void)email_valid(value);
	/* search (q=): every word parsed is folded, at most SEARCH_TERM_MAX
	 * bytes, and a pattern's prefix lies within it */
	struct search_query q;
	char msg[128];
	if (search_query_parse(value, "DESK", &q, msg, sizeof msg) == 0) {
		if (q.n > SEARCH_WORDS_MAX)
			broken("more words than allowed");
		for (size_t i = 0; i < q.n; i++) {
			const struct search_word *w = &q.words[i];
			if (w->len == 0 || w->len > SEARCH_TERM_MAX || strlen(w->text) != w->len ||
			    w->prefix_len > w->len || w->pattern != (strchr(w->text, '*') != NULL))
				broken("a search word out of shape");
			(void)search_glob_match(w->text, w->len, "overforing", 10);
		}
	}
}

static void request_target(const char *s)
{
	struct evhttp_uri *uri = evhttp_uri_parse(s);
	if (!uri)
		return;
	const char *raw_path = evhttp_uri_get_path(uri);
	const char *raw_query = evhttp_uri_get_query(uri);
	size_t plen = 0;
	char *path = raw_path ? evhttp_uridecode(raw_path, 0, &plen) : NULL;
	if (path && strlen(path) > plen)
		broken("decoded path longer than its length");
	free(path);
	struct evkeyvalq kv;
	TAILQ_INIT(&kv);
	if (raw_query && evhttp_parse_query_str(raw_query, &kv) == 0) {
		struct evkeyval *e;
		TAILQ_FOREACH(e, &kv, next)
			query_value(e->key, e->value);
	}
	evhttp_clear_headers(&kv);
	evhttp_uri_free(uri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	char secret[SECRET_ROOM];
	switch (data[0] % 3) {
	case 0:
		if (credentials_cookie(s, "deskd_session", secret, sizeof secret) &&
		    strlen(secret) >= sizeof secret)
			broken("cookie value overflows");
		break;
	case 1:
		if (credentials_bearer(s, secret, sizeof secret) &&
		    (strlen(secret) >= sizeof secret || strlen(secret) + 7 != strlen(s)))
			broken("bearer token cut or overflowing");
		break;
	case 2:
		request_target(s);
		break;
	}
	free(s);
	return 0;
}
