/*
 * GET /api/v1/stats: the agents' dashboard. Tickets opened and closed per
 * UTC day come from the day counters kept with every ticket write, and the
 * open tickets by priority and status from the list counts: a handful of
 * reads whatever the number of tickets.
 */
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "store.h"

#define STATS_DAYS_DEFAULT 30
#define STATS_DAYS_MAX 366

/* ?days=N: 0 and *days, or replies 400 and returns -1. */
static int parse_query(struct req *r, uint32_t *days)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	int rc = 0;

	*days = STATS_DAYS_DEFAULT;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		if (strcmp(e->key, "days")) {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown query parameter \"%.64s\"", e->key);
			http_reply_error(r, 400, "unknown_parameter", msg, e->key);
			rc = -1;
			break;
		}
		char *end;
		errno = 0;
		unsigned long n = strtoul(e->value, &end, 10);
		if (e->value[0] < '0' || e->value[0] > '9' || errno || *end || n < 1 ||
		    n > STATS_DAYS_MAX) {
			http_reply_error(r, 400, "invalid_value", "days must be a number from 1 to 366",
					 "days");
			rc = -1;
			break;
		}
		*days = (uint32_t)n;
	}
	evhttp_clear_headers(&kv);
	return rc;
}

static int add_open(char dim, const char *value, uint64_t count, void *arg)
{
	json_t *j = arg;
	json_t *group = json_object_get(j, dim == 'p' ? "open_by_priority" : "open_by_status");
	if (group)
		json_object_set_new(group, value, json_integer((json_int_t)count));
	return 0;
}

static json_t *days_json(uint32_t first, const struct store_day *days, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; a && i < n; i++) {
		char date[16];
		struct tm tm;
		time_t t = (time_t)(first + i) * 86400;
		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		if (json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "day", date, "opened",
						       (json_int_t)days[i].opened, "closed",
						       (json_int_t)days[i].closed))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

void h_stats(struct req *r)
{
	uint32_t n;
	if (parse_query(r, &n))
		return;
	/* today last, n days in all */
	uint32_t today = store_day_of(deskd_now_ms(r->d));
	uint32_t first = today >= n - 1 ? today - (n - 1) : 0;
	n = today - first + 1;

	struct store_day days[STATS_DAYS_MAX];
	struct store_txn *txn;
	json_t *j = NULL;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	rc = store_days_get(txn, first, n, days);
	if (rc)
		goto fail;
	j = json_pack("{s:o, s:{s:i, s:i, s:i, s:i}, s:{}}", "days", days_json(first, days, n),
		      "open_by_priority", "P1", 0, "P2", 0, "P3", 0, "P4", 0, "open_by_status");
	if (!j) {
		rc = DK_ERR_NOMEM;
		goto fail;
	}
	rc = store_ticket_counts(txn, SCOPE_ALL, 0, BUCKET_OPEN, add_open, j);
	if (rc)
		goto fail;
	store_txn_abort(txn);
	http_reply_json(r, 200, j);
	return;
fail:
	store_txn_abort(txn);
	json_decref(j);
	http_reply_dk_error(r, rc);
}
