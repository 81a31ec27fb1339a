/*
 * GET /api/v1/reports/monthly?org=NAME|ID&month=YYYY-MM&format=json|csv|xlsx:
 * an organisation's monthly report (report.c, which deskctl report shares)
 * for agents and admins. It walks the organisation's tickets in one read
 * transaction; see report.h for what that costs.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "handlers.h"
#include "http.h"
#include "lifecycle.h"
#include "report.h"
#include "sheet.h"
#include "store.h"

struct report_query {
	char org[256];
	int year, month;
	bool json;
	enum sheet_format format;
};

/* 0, or replies 400 and returns -1. */
static int parse_query(struct req *r, struct report_query *q)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	int rc = 0;
	const char *bad = NULL, *msg = NULL, *code = "invalid_value";
	char unknown[160];

	memset(q, 0, sizeof q[0]);
	q->json = true;
	time_t now = (time_t)(deskd_now_ms(r->d) / 1000);
	struct tm tm;
	gmtime_r(&now, &tm);
	q->year = tm.tm_year + 1900;
	q->month = tm.tm_mon + 1;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	TAILQ_FOREACH(e, &kv, next) {
		if (!strcmp(e->key, "org")) {
			if (!*e->value || strlen(e->value) >= sizeof q->org) {
				bad = "org";
				msg = "org must be an organisation's name or id";
				break;
			}
			snprintf(q->org, sizeof q->org, "%s", e->value);
		} else if (!strcmp(e->key, "month")) {
			if (report_month_parse(e->value, &q->year, &q->month)) {
				bad = "month";
				msg = "month must be YYYY-MM";
				break;
			}
		} else if (!strcmp(e->key, "format")) {
			q->json = !strcmp(e->value, "json");
			if (!q->json && sheet_format_parse(e->value, &q->format)) {
				bad = "format";
				msg = "format must be json, csv or xlsx";
				break;
			}
		} else {
			snprintf(unknown, sizeof unknown, "unknown query parameter \"%.64s\"", e->key);
			bad = e->key;
			msg = unknown;
			code = "unknown_parameter";
			break;
		}
	}
	if (!bad && !q->org[0]) {
		bad = "org";
		msg = "org is required: an organisation's name or id";
	}
	if (bad) {
		http_reply_error(r, 400, code, msg, bad);
		rc = -1;
	}
	evhttp_clear_headers(&kv);
	return rc;
}

/* The organisation named by id or name: 0 and *id, or DK_ERR_NOTFOUND. */
static int find_org(struct store_txn *txn, const char *name, uint64_t *id)
{
	struct org o;
	int rc = store_org_by_name(txn, name, &o);
	if (rc == DK_ERR_NOTFOUND && strspn(name, "0123456789") == strlen(name) &&
	    strlen(name) <= 19) {
		uint64_t n = strtoull(name, NULL, 10);
		rc = n ? store_org_get(txn, n, &o) : DK_ERR_NOTFOUND;
	}
	if (rc)
		return rc;
	*id = o.id;
	org_free(&o);
	return 0;
}

/* The table form of rep as a buffer: 0, or a dk_err. */
static int sheet_buffer(struct req *r, const struct report *rep, enum sheet_format f,
			struct evbuffer *out)
{
	struct sheet *s;
	int fd = -1;
	int rc = sheet_open(f, r->d->data_dir, "Report", &s);
	if (rc)
		return rc;
	rc = report_sheet(rep, s, lifecycle_lang(r));
	if (rc == 0 && f == SHEET_CSV) {
		struct dk_buf *b = sheet_csv(s);
		rc = evbuffer_add(out, b->data, b->len) ? DK_ERR_NOMEM : 0;
	} else if (rc == 0) {
		rc = sheet_finish(s, &fd);
		struct stat st;
		if (rc == 0 && (fstat(fd, &st) || evbuffer_add_file(out, fd, 0, st.st_size)))
			rc = DK_ERR_IO;
		else
			fd = -1; /* the buffer owns it */
	}
	if (fd >= 0)
		close(fd);
	sheet_free(s);
	return rc;
}

void h_report_monthly(struct req *r)
{
	struct report_query q;
	if (parse_query(r, &q))
		return;
	struct store_txn *txn;
	struct report *rep = calloc(1, sizeof *rep);
	uint64_t org_id = 0;
	int rc = rep ? store_txn_begin(r->d->store, false, &txn) : DK_ERR_NOMEM;
	if (rc) {
		free(rep);
		http_reply_dk_error(r, rc);
		return;
	}
	rc = find_org(txn, q.org, &org_id);
	if (rc == DK_ERR_NOTFOUND) {
		store_txn_abort(txn);
		free(rep);
		http_reply_error(r, 404, "not_found", "no such organisation", "org");
		return;
	}
	if (rc == 0)
		rc = report_build(txn, docs_workflow(&r->d->docs), org_id, q.year, q.month,
				  deskd_now_ms(r->d), rep);
	store_txn_abort(txn);
	if (rc) {
		free(rep);
		http_reply_dk_error(r, rc);
		return;
	}
	if (q.json) {
		http_reply_json(r, 200, json_pack("{s:o}", "report", report_json(rep)));
		free(rep);
		return;
	}
	struct evbuffer *out = evbuffer_new();
	rc = out ? sheet_buffer(r, rep, q.format, out) : DK_ERR_NOMEM;
	if (rc) {
		if (out)
			evbuffer_free(out);
		free(rep);
		http_reply_dk_error(r, rc);
		return;
	}
	char disposition[128];
	snprintf(disposition, sizeof disposition,
		 "attachment; filename=\"report-%llu-%04d-%02d.%s\"", (unsigned long long)org_id,
		 q.year, q.month, sheet_format_ext(q.format));
	http_add_header(r, "Content-Type", sheet_format_mime(q.format));
	http_add_header(r, "Content-Disposition", disposition);
	free(rep);
	http_reply_buffer(r, 200, out);
}
