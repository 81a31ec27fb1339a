/*
 * Attachments: upload (the raw body is the file) and download.
 *
 * A file always belongs to a timeline event the uploader wrote: their
 * comment or internal note, or the ticket's creation (its description). The
 * portal posts the comment first and then its files, one request each, so
 * each upload is checked against the limit on its own and a refused one
 * leaves the rest standing. The file inherits the event's visibility: a
 * file on an internal note is internal.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "attachment_store.h"
#include "attachment_view.h"
#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "ticket_view.h"
#include "workflow.h"

/* store_upload refused: the reasons are in struct upload */
#define UPLOAD_REFUSED (-1000)

struct upload {
	struct req *r;
	uint64_t ticket_id;
	uint32_t event_seq;
	const char *name;
	const char *type;
	struct evbuffer *body;
	uint8_t *chunk;         /* ATTACHMENT_CHUNK bytes of scratch */
	struct attachment a;    /* what was stored */
	/* a refusal */
	int status;
	const char *code, *field;
	const char *message;
};

static int refuse(struct upload *u, int status, const char *code, const char *field,
		  const char *message)
{
	u->status = status;
	u->code = code;
	u->field = field;
	u->message = message;
	return UPLOAD_REFUSED;
}

/* Checks the ticket and event, then writes the chunks and the description.
 * Reads the body without consuming it, so a retry after the map grew
 * starts from the first byte again. */
static int store_upload(struct store_txn *txn, void *arg)
{
	struct upload *u = arg;
	struct req *r = u->r;
	struct ticket t;
	struct ticket_event e;
	u->status = 0;
	int rc = ticket_view_load(txn, &r->who, u->ticket_id, &t);
	if (rc)
		return rc;
	const struct workflow *wf = docs_workflow(&r->d->docs);
	enum status_category cat = t.category ? (enum status_category)t.category
					      : workflow_category(wf, t.status);
	bool may = access_ticket_comment(&r->who, &t);
	ticket_free(&t);
	if (cat == CATEGORY_CLOSED)
		return refuse(u, 409, "ticket_closed", NULL,
			      "this ticket is closed and can no longer be changed");
	if (!may)
		return refuse(u, 403, "forbidden", NULL, "you may not add files to this ticket");
	rc = store_event_get(txn, u->ticket_id, u->event_seq, &e);
	if (rc == DK_ERR_NOTFOUND)
		return refuse(u, 422, "invalid_value", "event", "no such event on this ticket");
	if (rc)
		return rc;
	bool own = (e.kind == EVENT_COMMENT || e.kind == EVENT_CREATED) &&
		   e.actor_id == r->who.user_id && e.redacted_ms == 0;
	bool internal = e.internal;
	ticket_event_free(&e);
	if (!own)
		return refuse(u, 422, "invalid_value", "event",
			      "files go on your own comment or on a ticket you created");

	struct attachment *a = &u->a;
	attachment_init(a);
	a->ticket_id = u->ticket_id;
	a->event_seq = u->event_seq;
	snprintf(a->name, sizeof a->name, "%s", u->name);
	snprintf(a->declared_type, sizeof a->declared_type, "%s", u->type);
	a->uploader_id = r->who.user_id;
	a->created_ms = deskd_now_ms(r->d);
	a->internal = internal;
	return attachment_store(txn, a, u->body, u->chunk);
}

void h_attachment_upload(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct evbuffer *body = evhttp_request_get_input_buffer(r->er);
	size_t len = evbuffer_get_length(body), limit = r->d->cfg.max_attachment_bytes;
	if (len > limit) {
		char msg[128];
		snprintf(msg, sizeof msg, "the file is larger than the limit of %zu bytes", limit);
		http_reply_error(r, 413, "too_large", msg, NULL);
		return;
	}
	struct evkeyvalq kv;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv)) {
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return;
	}
	const char *fname = evhttp_find_header(&kv, "filename");
	const char *ev = evhttp_find_header(&kv, "event");
	char *name = NULL, *end = NULL;
	unsigned long long seq = ev && *ev >= '1' && *ev <= '9' ? strtoull(ev, &end, 10) : 0;
	if (!fname || !*fname) {
		http_reply_error(r, 422, "required", "name the file in the filename parameter",
				 "filename");
	} else if (strlen(fname) > ATTACHMENT_NAME_MAX || !(name = attachment_clean_name(fname))) {
		http_reply_error(r, 422, "invalid_value",
				 "the file name must be UTF-8 of at most 1024 bytes", "filename");
	} else if (!ev || !end || *end || seq > UINT32_MAX) {
		http_reply_error(r, 422, "required",
				 "name the comment the file belongs to in the event parameter",
				 "event");
	} else {
		const char *ct = http_header(r, "Content-Type");
		struct upload u = { .r = r, .ticket_id = id, .event_seq = (uint32_t)seq,
				    .name = name, .type = ct && attachment_type_ok(ct) ? ct : "",
				    .body = body, .chunk = malloc(ATTACHMENT_CHUNK) };
		int rc = u.chunk ? store_write(r->d->store, store_upload, &u) : DK_ERR_NOMEM;
		free(u.chunk);
		if (rc == UPLOAD_REFUSED)
			http_reply_error(r, u.status, u.code, u.message, u.field);
		else if (rc == DK_ERR_NOTFOUND)
			ticket_view_not_found(r);
		else if (rc)
			http_reply_dk_error(r, rc);
		else
			http_reply_json(r, 201, json_pack("{s:o}", "attachment",
						       attachment_view_json(&u.a,
									    r->d->cfg.ticket_prefix)));
	}
	free(name);
	evhttp_clear_headers(&kv);
}

/* Content-Disposition per RFC 6266: an ASCII fallback with anything a
 * quoted-string or a file system could trip on replaced, and the exact
 * name as RFC 5987 UTF-8. */
static char *disposition(const char *kind, const char *name)
{
	static const char attr[] = "!#$&+-.^_`|~";
	size_t n = strlen(name);
	char *out = malloc(strlen(kind) + 32 + n * 4);
	if (!out)
		return NULL;
	char *p = out + sprintf(out, "%s; filename=\"", kind);
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if (*s >= 0x80) {
			if ((*s & 0xc0) != 0x80)
				*p++ = '_'; /* one per character, not per byte */
		} else if (*s < 0x20 || *s == 0x7f || strchr("\"\\/%;", *s)) {
			*p++ = '_';
		} else {
			*p++ = (char)*s;
		}
	}
	p += sprintf(p, "\"; filename*=UTF-8''");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr(attr, *s))
			*p++ = (char)*s;
		else
			p += sprintf(p, "%%%02X", *s);
	}
	*p = '\0';
	return out;
}

static void not_found(struct req *r)
{
	http_reply_error(r, 404, "not_found", "no such attachment", NULL);
}

/* A file of up to this many chunks goes out as one reply; a larger one
 * is streamed, DOWNLOAD_BATCH chunks per read transaction, one batch in
 * flight, so memory stays at a batch whatever the file's size and no
 * transaction is held while a slow client reads. */
#define DOWNLOAD_WHOLE_CHUNKS 4
#define DOWNLOAD_BATCH 4

/* Appends chunks [from, to) of attachment aid to out. */
static int read_chunks(struct store_txn *txn, uint64_t aid, uint32_t from, uint32_t to,
		       struct evbuffer *out)
{
	int rc = 0;
	for (uint32_t i = from; rc == 0 && i < to; i++) {
		const void *data;
		size_t len;
		rc = store_blob_get(txn, aid, i, &data, &len);
		if (rc == DK_ERR_NOTFOUND)
			rc = DK_ERR_CORRUPT; /* the description promised it */
		if (rc == 0 && evbuffer_add(out, data, len))
			rc = DK_ERR_NOMEM;
	}
	return rc;
}

struct download {
	struct req *r;
	uint64_t ticket_id, id;
	uint64_t size, sent;
	uint32_t next, chunks;
	struct evbuffer *out;
	bool scheduled, gone;
};

static void download_free(struct download *dl)
{
	if (dl->out)
		evbuffer_free(dl->out);
	free(dl);
}

/* The next batch, read afresh: a file deleted meanwhile (a purge) ends
 * the download cut short rather than with bytes of nothing. */
static int download_batch(struct download *dl)
{
	struct store_txn *txn;
	struct attachment a;
	uint32_t to = dl->next + DOWNLOAD_BATCH < dl->chunks ? dl->next + DOWNLOAD_BATCH : dl->chunks;
	/* bytes go out as they are read: only what is committed */
	int rc = store_txn_begin_committed(dl->r->d->store, &txn);
	if (rc)
		return rc;
	rc = store_attachment_get(txn, dl->ticket_id, dl->id, &a);
	if (rc == 0 && a.size != dl->size)
		rc = DK_ERR_CORRUPT;
	if (rc == 0)
		rc = read_chunks(txn, dl->id, dl->next, to, dl->out);
	store_txn_abort(txn);
	if (rc == 0) {
		dl->sent += evbuffer_get_length(dl->out);
		dl->next = to;
		if (dl->sent > dl->size || (to == dl->chunks && dl->sent != dl->size))
			rc = DK_ERR_CORRUPT;
	}
	return rc;
}

static void download_step(evutil_socket_t fd, short what, void *arg)
{
	struct download *dl = arg;
	(void)fd;
	(void)what;
	dl->scheduled = false;
	if (dl->gone || dl->next == dl->chunks) {
		http_stream_end(dl->r);
		download_free(dl);
		return;
	}
	int rc = download_batch(dl);
	if (rc) {
		log_error("download_failed", "path", dl->r->path, "err", dk_strerror(rc), NULL);
		http_stream_abort(dl->r);
		download_free(dl);
		return;
	}
	http_stream_write(dl->r, dl->out); /* on_drained goes on */
}

static void download_schedule(void *arg)
{
	struct download *dl = arg;
	if (dl->scheduled)
		return;
	dl->scheduled = true;
	if (event_base_once(dl->r->d->base, -1, EV_TIMEOUT, download_step, dl, NULL)) {
		dl->scheduled = false;
		log_error("download_schedule_failed", "path", dl->r->path, NULL);
	}
}

static void download_gone(void *arg)
{
	struct download *dl = arg;
	dl->gone = true;
	download_schedule(dl);
}

/* Starts streaming a large file after its headers are set. */
static void download_stream(struct req *r, uint64_t tid, const struct attachment *a)
{
	struct download *dl = calloc(1, sizeof *dl);
	if (!dl || !(dl->out = evbuffer_new())) {
		free(dl);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	*dl = (struct download){ .r = r, .ticket_id = tid, .id = a->id, .size = a->size,
				 .chunks = attachment_chunks(a->size), .out = dl->out };
	if (http_stream_open(r, download_schedule, download_gone, dl)) {
		download_free(dl);
		return;
	}
	http_stream_head(r, 200);
	download_schedule(dl);
}

void h_attachment_get(struct req *r)
{
	uint64_t tid;
	if (ticket_view_ref(r, &tid))
		return;
	char *end = NULL;
	unsigned long long aid = r->param2 && *r->param2 >= '1' && *r->param2 <= '9'
					 ? strtoull(r->param2, &end, 10)
					 : 0;
	if (!aid || !end || *end) {
		not_found(r);
		return;
	}
	bool want_inline = false;
	struct evkeyvalq kv;
	TAILQ_INIT(&kv);
	if (r->query && evhttp_parse_query_str(r->query, &kv) == 0) {
		const char *v = evhttp_find_header(&kv, "inline");
		want_inline = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	}
	evhttp_clear_headers(&kv);

	struct store_txn *txn;
	struct ticket t;
	struct attachment a;
	struct evbuffer *buf = NULL;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	rc = ticket_view_load(txn, &r->who, tid, &t);
	if (rc == 0) {
		ticket_free(&t);
		rc = store_attachment_get(txn, tid, aid, &a);
	}
	/* an internal note's file is as unknown to a customer as no file */
	if (rc == 0 && a.internal && !role_is_staff(r->who.role))
		rc = DK_ERR_NOTFOUND;
	uint32_t chunks = rc == 0 ? attachment_chunks(a.size) : 0;
	/* a small file (or a HEAD, which streams cannot answer) is one reply */
	bool whole = chunks <= DOWNLOAD_WHOLE_CHUNKS || r->head;
	if (rc == 0 && whole && !(buf = evbuffer_new()))
		rc = DK_ERR_NOMEM;
	if (rc == 0 && whole)
		rc = read_chunks(txn, aid, 0, chunks, buf);
	store_txn_abort(txn);
	if (rc == 0 && whole && evbuffer_get_length(buf) != a.size)
		rc = DK_ERR_CORRUPT;
	if (rc) {
		if (buf)
			evbuffer_free(buf);
		if (rc == DK_ERR_NOTFOUND)
			not_found(r);
		else
			http_reply_dk_error(r, rc);
		return;
	}
	/* shown in the page only when the bytes are a safe image and the
	 * page asked for it; everything else is a download */
	bool show = want_inline && attachment_type_inline(a.sniffed_type);
	char *cd = disposition(show ? "inline" : "attachment", a.name);
	if (!cd) {
		if (buf)
			evbuffer_free(buf);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	http_add_header(r, "Content-Type", show ? a.sniffed_type : "application/octet-stream");
	http_add_header(r, "Content-Disposition", cd);
	free(cd);
	if (whole)
		http_reply_buffer(r, 200, buf);
	else
		download_stream(r, tid, &a);
}
