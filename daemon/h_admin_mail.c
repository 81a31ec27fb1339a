/*
 * GET /api/v1/admin/mail: the outbox or the failed messages, for admins
 * (what deskctl mail list shows). Paged by a cursor: "DUE_MS-SEQ" for the
 * outbox (due order), "SEQ" for the failed ones.
 */
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "mail_json.h"
#include "store.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

struct mail_query {
	bool failed;
	size_t limit;
	bool has_after;
	struct store_mail_pos after;
};

static bool parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	if (s == end || end - s > 20)
		return false;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

static bool parse_after(const char *v, bool failed, struct store_mail_pos *out)
{
	const char *end = v + strlen(v), *dash = strchr(v, '-');
	uint64_t due = 0;
	if (failed)
		return !dash && parse_u64(v, end, &out->seq);
	if (!dash || !parse_u64(v, dash, &due) || due > INT64_MAX ||
	    !parse_u64(dash + 1, end, &out->seq))
		return false;
	out->due_ms = (int64_t)due;
	return true;
}

/* 0, or replies 400 and returns -1. */
static int parse_query(struct req *r, struct mail_query *q)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	const char *after = NULL;
	const char *bad = NULL, *why = NULL;
	memset(q, 0, sizeof *q);
	q->limit = LIMIT_DEFAULT;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		if (!strcmp(e->key, "state")) {
			if (strcmp(e->value, "queued") && strcmp(e->value, "failed")) {
				bad = "state", why = "state must be queued or failed";
				break;
			}
			q->failed = !strcmp(e->value, "failed");
		} else if (!strcmp(e->key, "limit")) {
			uint64_t n;
			if (!parse_u64(e->value, e->value + strlen(e->value), &n) || n < 1 ||
			    n > LIMIT_MAX) {
				bad = "limit", why = "limit must be a number from 1 to 200";
				break;
			}
			q->limit = (size_t)n;
		} else if (!strcmp(e->key, "after")) {
			after = e->value;
		} else {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown query parameter \"%.64s\"", e->key);
			http_reply_error(r, 400, "unknown_parameter", msg, e->key);
			evhttp_clear_headers(&kv);
			return -1;
		}
	}
	if (!bad && after) {
		q->has_after = true;
		if (!parse_after(after, q->failed, &q->after))
			bad = "after", why = "after must be the next value of an earlier answer";
	}
	if (bad)
		http_reply_error(r, 400, "invalid_value", why, bad);
	evhttp_clear_headers(&kv);
	return bad ? -1 : 0;
}

struct page {
	const struct mail_query *q;
	json_t *list;
	size_t n;
	bool more;
	struct store_mail_pos last;
};

static int add(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	struct page *p = arg;
	if (p->n == p->q->limit) {
		p->more = true;
		return STORE_WALK_STOP;
	}
	json_t *j = mail_msg_to_json(m, p->q->failed, pos->due_ms);
	if (!j || json_array_append_new(p->list, j))
		return DK_ERR_NOMEM;
	p->n++;
	p->last = *pos;
	return 0;
}

void h_admin_mail(struct req *r)
{
	struct mail_query q;
	struct store_txn *txn;
	if (parse_query(r, &q))
		return;
	struct page p = { .q = &q, .list = json_array() };
	int rc = p.list ? store_txn_begin(r->d->store, false, &txn) : DK_ERR_NOMEM;
	if (rc == 0) {
		rc = q.failed ? store_mail_failed_walk(txn, q.has_after ? q.after.seq : 0, add, &p)
			      : store_outbox_walk(txn, q.has_after ? &q.after : NULL, add, &p);
		store_txn_abort(txn);
	}
	if (rc) {
		json_decref(p.list);
		http_reply_dk_error(r, rc);
		return;
	}
	char next[48];
	if (q.failed)
		snprintf(next, sizeof next, "%" PRIu64, p.last.seq);
	else
		snprintf(next, sizeof next, "%" PRId64 "-%" PRIu64, p.last.due_ms, p.last.seq);
	http_reply_json(r, 200, json_pack("{s:o, s:s?}", "messages", p.list, "next",
					  p.more ? next : NULL));
}
