/*
 * The HTTP layer: one request entry with its guards in a fixed order
 * (stopping, route, authentication, CSRF, role), the request context handed
 * to handlers, and the reply helpers that write every answer, its security
 * headers and the access-log line.
 */
#ifndef DESKD_HTTP_H
#define DESKD_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "access.h"
#include "record.h"
#include "validate.h"

struct deskd;
struct evhttp_request;
struct route;
struct http_stream;

struct req {
	struct deskd *d;
	struct evhttp_request *er;
	const struct route *route;
	char *path;          /* decoded path, owned */
	char *param;         /* the first {..} segment of the path, owned, or NULL */
	char *param2;        /* the second one, or NULL */
	char *query;         /* raw query string, owned, or NULL */
	char peer[64];
	int64_t start_us;
	bool want_msgpack;   /* Accept: application/msgpack */
	bool head;           /* HEAD: answered as GET, without the body */
	bool page;           /* a portal file: the page CSP, its own caching */

	/* who is asking: filled by the auth guard */
	bool authed;
	bool by_cookie;      /* browser session (needs CSRF on writes) */
	struct user user;
	struct principal who;
	struct session session;
	uint8_t session_key[32];

	bool replied;
	bool async;          /* answered later, from a callback */
	/* the reply waits for the open batch's commit (group commit) */
	bool held;
	struct evbuffer *held_body;
	size_t held_bytes;
	struct req *held_next;
	struct http_stream *stream; /* a streaming reply under way (http_stream_open) */
	int status;
};

/* Group commit (daemon/group_commit.c): while the store has a batch open,
 * replies are held; when the batch has committed they are sent, or, when
 * the commit failed (rc), each becomes the error rc stands for, since what
 * it reported was not saved. */
void http_release_held(struct deskd *d, int rc);

/* Installs the request entry on d->http and binds d->cfg.listen. 0 or -1. */
int http_start(struct deskd *d);

/* Replies. Each sends the answer, logs the access line and frees r when the
 * handler has gone async (a synchronous handler's r is freed by the entry). */
void http_reply_json(struct req *r, int status, json_t *body /* reference stolen */);
void http_reply_error(struct req *r, int status, const char *code, const char *message,
		      const char *field);
/* As http_reply_error, with extra members (reference stolen, may be NULL)
 * merged into the error object. */
void http_reply_error_details(struct req *r, int status, const char *code, const char *message,
			      const char *field, json_t *details);
void http_reply_field_error(struct req *r, int status, const struct field_error *fe);
/* Maps a dk_err to a status and code (404 not_found, 507 no_space, ...). */
void http_reply_dk_error(struct req *r, int err);
void http_reply_empty(struct req *r, int status);
/* Sends buf (stolen; NULL: no body) as it is; the caller has set the
 * Content-Type and any other headers. */
struct evbuffer;
void http_reply_buffer(struct req *r, int status, struct evbuffer *buf);

/* Adds a response header (before replying). */
void http_add_header(struct req *r, const char *name, const char *value);
/* Request header or NULL. */
const char *http_header(struct req *r, const char *name);

/* The JSON body of a request: checks Content-Type (415), size (413) and
 * syntax (400), replying itself and returning NULL on any failure. */
json_t *http_body_json(struct req *r);
/* The same with a route's own size limit instead of max_body_bytes. */
json_t *http_body_json_max(struct req *r, size_t max);
/* True (and replies 400) when the request carries a body it should not. */
bool http_refuse_body(struct req *r);

/* Reads r's JSON body and parses it with parse (a proto *_parse function)
 * into *in: 0, or -1 after replying 400/413/415/422. */
#define HTTP_PARSE_BODY(r, parse, in)                                   \
	({                                                         \
		int _rc = -1;                                      \
		json_t *_body = http_body_json(r);                 \
		if (_body) {                                       \
			struct field_error _fe;                    \
			_rc = parse(_body, in, &_fe);              \
			json_decref(_body);                        \
			if (_rc)                                   \
				http_reply_field_error(r, 422, &_fe); \
		}                                                  \
		_rc ? -1 : 0;                                      \
	})

/* Marks r as answered later; the handler must call a reply function once. */
void http_go_async(struct req *r);

/* Streaming replies (Transfer-Encoding: chunked) for large downloads.
 * open makes r async and watches the connection: gone(arg) is called when
 * the client goes away before the end (after it, only http_stream_end or a
 * reply may follow). Until head, any http_reply_* still answers (and ends
 * the stream). head sends the status with the headers the caller set and
 * the security headers; write sends buf's bytes as one chunk (buf is
 * emptied and stays the caller's), and drained(arg) is called once they
 * have reached the socket, so a producer keeps one chunk in flight and its
 * memory bounded. end finishes the reply, logs it and frees r. Not for
 * HEAD: answer that with http_reply_buffer. open: 0, or -1 after a 503. */
int http_stream_open(struct req *r, void (*drained)(void *arg), void (*gone)(void *arg),
		     void *arg);
void http_stream_head(struct req *r, int status);
void http_stream_write(struct req *r, struct evbuffer *buf);
void http_stream_end(struct req *r);
/* Ends a stream that failed after its head: the connection is closed
 * without the final chunk, so the client sees a cut download, not a short
 * file. Logs and frees r. */
void http_stream_abort(struct req *r);

#endif
