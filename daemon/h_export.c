/*
 * GET /api/v1/tickets/export?format=csv|xlsx&<the list's filters>: the
 * caller's filtered ticket list (ticket_query.c, the same tickets in the
 * same order as GET /api/v1/tickets) as a download, every page of it.
 *
 * The list is read in batches, each in its own short read transaction
 * going on from the cursor of the one before, and the loop serves other
 * requests between batches. CSV goes out as a chunk per batch, the next
 * batch read only when the chunk has reached the socket, so memory stays
 * bounded however long the list. XLSX rows go to libxlsxwriter's
 * constant-memory row file; a child process zips the workbook (a file in
 * the data directory, unlinked once open) while the loop goes on, and it
 * is then sent in chunks the same way.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "handlers.h"
#include "http.h"
#include "lifecycle.h"
#include "log.h"
#include "sheet.h"
#include "sla_engine.h"
#include "store.h"
#include "ticket_query.h"
#include "validate.h"
#include "workflow.h"

#define EXPORT_BATCH 500        /* tickets per read transaction */
#define EXPORT_SCAN_MAX 5000    /* index entries examined per batch */
#define EXPORT_CHUNK 65536      /* bytes of the workbook per chunk */

enum col {
	C_REF, C_TITLE, C_STATUS, C_PRIORITY, C_TYPE, C_SERVICE, C_REQUESTER, C_ORG, C_ASSIGNEE,
	C_CREATED, C_UPDATED, C_CLOSED, C_BREACHED, C_COUNT
};

static const char *const headings[3][C_COUNT + 2] = {
	{ "Reference", "Title", "Status", "Priority", "Type", "Service", "Requester",
	  "Organisation", "Assignee", "Created (UTC)", "Updated (UTC)", "Closed (UTC)",
	  "SLA breached", "yes", "no" },
	{ "Referentie", "Titel", "Status", "Prioriteit", "Type", "Dienst", "Aanvrager",
	  "Organisatie", "Behandelaar", "Aangemaakt (UTC)", "Bijgewerkt (UTC)",
	  "Gesloten (UTC)", "SLA overschreden", "ja", "nee" },
	{ "Referens", "Rubrik", "Status", "Prioritet", "Typ", "Tjänst", "Beställare",
	  "Organisation", "Handläggare", "Skapad (UTC)", "Uppdaterad (UTC)", "Stängd (UTC)",
	  "SLA överskriden", "ja", "nej" },
};

struct export {
	struct req *r;
	struct ticket_query q;
	struct ticket_source src;
	enum sheet_format format;
	const char *const *labels;
	const char *lang;
	struct sheet *sheet;
	struct evbuffer *out;
	int fd;              /* the finished workbook being sent; -1 */
	int done_fd;         /* the workbook's writer says it is done; -1 */
	bool walking;        /* rows still to read */
	bool head;           /* the reply's head is out */
	bool scheduled;      /* a step is due */
	bool gone;           /* the client left */
	uint64_t rows;
};

static void step(evutil_socket_t fd, short what, void *arg);
static void finished(evutil_socket_t fd, short what, void *arg);

static void schedule(struct export *ex)
{
	if (ex->scheduled)
		return;
	ex->scheduled = true;
	/* a one-shot event libevent frees itself: nothing to free with ex */
	if (event_base_once(ex->r->d->base, -1, EV_TIMEOUT, step, ex, NULL)) {
		ex->scheduled = false;
		log_error("export_schedule_failed", "path", ex->r->path, NULL);
	}
}

static void on_drained(void *arg)
{
	schedule(arg);
}

static void on_gone(void *arg)
{
	struct export *ex = arg;
	ex->gone = true;
	schedule(ex);
}

static void export_free(struct export *ex)
{
	ticket_query_release(&ex->q);
	sheet_free(ex->sheet);
	if (ex->out)
		evbuffer_free(ex->out);
	if (ex->fd >= 0)
		close(ex->fd);
	if (ex->done_fd >= 0)
		close(ex->done_fd);
	free(ex);
}

/* A user's name for a cell ("" for none). */
static void person(struct store_txn *txn, uint64_t id, char *buf, size_t size)
{
	struct user u;
	buf[0] = '\0';
	if (id && store_user_get(txn, id, &u) == 0) {
		snprintf(buf, size, "%s", u.name ? u.name : u.email ? u.email : "");
		user_free(&u);
	}
}

static int row_fn(struct store_txn *txn, const struct ticket *t, void *arg)
{
	struct export *ex = arg;
	struct req *r = ex->r;
	char ref[48], requester[256], assignee[256], org[256] = "";
	const char *const *L = ex->labels;

	ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, t->id);
	person(txn, t->requester_id, requester, sizeof requester);
	person(txn, t->assignee_id, assignee, sizeof assignee);
	struct org o;
	if (t->org_id && store_org_get(txn, t->org_id, &o) == 0) {
		snprintf(org, sizeof org, "%s", o.name ? o.name : "");
		org_free(&o);
	}
	const struct catalogue *cat = docs_catalogue(&r->d->docs);
	const char *type = t->type ? catalogue_label(cat, "ticket_type", t->type, ex->lang) : NULL;
	const char *service = t->service ? catalogue_label(cat, "service", t->service, ex->lang)
					 : NULL;
	bool breached = false;
	int brc = sla_ticket_breached(r->d, txn, t, &breached);
	struct sheet_cell cells[C_COUNT] = {
		[C_REF] = { CELL_TEXT, ref, 0, 0 },
		[C_TITLE] = { CELL_TEXT, t->title, 0, 0 },
		[C_STATUS] = { CELL_TEXT,
			       t->status ? workflow_label(docs_workflow(&r->d->docs), t->status,
							  ex->lang)
					 : NULL,
			       0, 0 },
		[C_PRIORITY] = { CELL_TEXT, t->priority ? priority_name(t->priority) : NULL, 0, 0 },
		[C_TYPE] = { CELL_TEXT, type ? type : t->type, 0, 0 },
		[C_SERVICE] = { CELL_TEXT, service ? service : t->service, 0, 0 },
		[C_REQUESTER] = { CELL_TEXT, requester, 0, 0 },
		[C_ORG] = { CELL_TEXT, org, 0, 0 },
		[C_ASSIGNEE] = { CELL_TEXT, assignee, 0, 0 },
		[C_CREATED] = { CELL_TIME, NULL, 0, t->created_ms },
		[C_UPDATED] = { CELL_TIME, NULL, 0, t->updated_ms },
		[C_CLOSED] = { CELL_TIME, NULL, 0, t->closed_ms },
		[C_BREACHED] = { CELL_TEXT, brc ? "" : breached ? L[C_COUNT] : L[C_COUNT + 1], 0, 0 },
	};
	ex->rows++;
	return sheet_row(ex->sheet, cells, C_COUNT, false);
}

/* One batch of the walk in its own read transaction. */
static int read_batch(struct export *ex)
{
	struct store_txn *txn;
	/* rows go out as they are read: only what is committed */
	int rc = store_txn_begin_committed(ex->r->d->store, &txn);
	if (rc)
		return rc;
	struct ticket_walk w = { .limit = EXPORT_BATCH, .scan_max = EXPORT_SCAN_MAX };
	rc = ticket_query_walk(ex->r, txn, &ex->q, &ex->src, &w, row_fn, ex);
	store_txn_abort(txn);
	if (rc == 0)
		ex->walking = ticket_query_advance(&ex->q, &w, NULL, 0);
	return rc;
}

static void send_head(struct export *ex)
{
	struct req *r = ex->r;
	char name[64], disposition[96];
	time_t now = (time_t)(deskd_now_ms(r->d) / 1000);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(name, sizeof name, "tickets-%Y-%m-%d", &tm);
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.%s\"", name,
		 sheet_format_ext(ex->format));
	http_add_header(r, "Content-Type", sheet_format_mime(ex->format));
	http_add_header(r, "Content-Disposition", disposition);
	http_stream_head(r, 200);
	ex->head = true;
}

/* Sends what is in ex->out as one chunk; false when there was nothing. */
static bool send_chunk(struct export *ex)
{
	if (evbuffer_get_length(ex->out) == 0)
		return false;
	http_stream_write(ex->r, ex->out);
	return true;
}

static void fail(struct export *ex, int rc)
{
	struct req *r = ex->r;
	log_error("export_failed", "path", r->path, "err", dk_strerror(rc), NULL);
	if (ex->head)
		http_stream_abort(r);
	else
		http_reply_dk_error(r, rc);
	export_free(ex);
}

static void step(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct export *ex = arg;
	int rc = 0;
	ex->scheduled = false;
	if (ex->gone) {
		http_stream_end(ex->r);
		export_free(ex);
		return;
	}
	if (ex->walking) {
		rc = read_batch(ex);
		if (rc)
			goto failed;
		if (ex->format == SHEET_CSV) {
			struct dk_buf *b = sheet_csv(ex->sheet);
			if (!ex->head)
				send_head(ex);
			if (evbuffer_add(ex->out, b->data, b->len)) {
				rc = DK_ERR_NOMEM;
				goto failed;
			}
			dk_buf_reset(b);
			if (!send_chunk(ex))
				schedule(ex); /* a batch that matched nothing */
			return;
		}
		if (!ex->walking) {
			/* zipping the workbook is the costly part: a child
			 * process does it while the loop goes on */
			rc = sheet_finish_start(ex->sheet, &ex->done_fd);
			if (rc == 0 && event_base_once(ex->r->d->base, ex->done_fd, EV_READ, finished,
						       ex, NULL))
				rc = DK_ERR_IO;
			if (rc)
				goto failed;
			ex->scheduled = true; /* finished() is the next step */
			return;
		}
		schedule(ex); /* yield to the loop between batches */
		return;
	}
	if (ex->fd >= 0) {
		int n = evbuffer_read(ex->out, ex->fd, EXPORT_CHUNK);
		if (n < 0) {
			rc = DK_ERR_IO;
			goto failed;
		}
		if (send_chunk(ex))
			return;
	}
	char rows[24];
	snprintf(rows, sizeof rows, "%llu", (unsigned long long)ex->rows);
	log_info("export", "format", sheet_format_ext(ex->format), "rows", rows, "user",
		 ex->r->user.email, NULL);
	http_stream_end(ex->r);
	export_free(ex);
	return;
failed:
	fail(ex, rc);
}

/* The workbook's writer is done: send the file, or fail before the head. */
static void finished(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct export *ex = arg;
	ex->scheduled = false;
	int rc = sheet_finish_end(ex->sheet, ex->done_fd, &ex->fd);
	ex->done_fd = -1;
	if (ex->gone) {
		http_stream_end(ex->r);
		export_free(ex);
		return;
	}
	if (rc) {
		fail(ex, rc);
		return;
	}
	send_head(ex);
	schedule(ex);
}

/* ?format=: 0, or replies 400 and returns -1. */
static int parse_format(struct req *r, enum sheet_format *out)
{
	struct evkeyvalq kv;
	struct evkeyval *e;
	int rc = -1;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	const char *format = NULL;
	TAILQ_FOREACH(e, &kv, next) {
		if (!strcmp(e->key, "format"))
			format = e->value;
	}
	if (format && sheet_format_parse(format, out) == 0)
		rc = 0;
	else
		http_reply_error(r, 400, "invalid_value", "format must be csv or xlsx", "format");
	evhttp_clear_headers(&kv);
	return rc;
}

static const char *const *labels_for(const char *lang)
{
	if (!strcmp(lang, "nl"))
		return headings[1];
	if (!strcmp(lang, "sv"))
		return headings[2];
	return headings[0];
}

void h_tickets_export(struct req *r)
{
	struct export *ex = calloc(1, sizeof *ex);
	if (!ex) {
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	ex->r = r;
	ex->fd = -1;
	ex->done_fd = -1;
	ex->walking = true;
	if (ticket_query_parse(r, TICKET_QUERY_EXPORT, &ex->q, &ex->src) ||
	    parse_format(r, &ex->format)) {
		ticket_query_release(&ex->q);
		free(ex);
		return;
	}
	ex->lang = lifecycle_lang(r);
	ex->labels = labels_for(ex->lang);
	if (r->head) {
		/* the head a GET would get, without making the file */
		http_add_header(r, "Content-Type", sheet_format_mime(ex->format));
		http_reply_buffer(r, 200, NULL);
		ticket_query_release(&ex->q);
		free(ex);
		return;
	}
	ex->out = evbuffer_new();
	int rc = ex->out ? sheet_open(ex->format, r->d->data_dir, "Tickets", &ex->sheet)
			 : DK_ERR_NOMEM;
	struct sheet_cell head[C_COUNT];
	for (int i = 0; rc == 0 && i < C_COUNT; i++)
		head[i] = (struct sheet_cell){ .kind = CELL_TEXT, .text = ex->labels[i] };
	static const double widths[C_COUNT] = { 12, 48, 18, 9, 14, 18, 22, 20, 22, 20, 20, 20, 14 };
	if (rc == 0) {
		sheet_widths(ex->sheet, widths, C_COUNT);
		rc = sheet_row(ex->sheet, head, C_COUNT, true);
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		export_free(ex);
		return;
	}
	if (http_stream_open(r, on_drained, on_gone, ex)) {
		export_free(ex);
		return;
	}
	schedule(ex);
}
