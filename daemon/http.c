#include "http.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <msgpack.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "auth.h"
#include "conn_limit.h"
#include "deskd.h"
#include "dk_err.h"
#include "h_static.h"
#include "log.h"
#include "mail_inbound.h"
#include "metrics.h"
#include "router.h"
#include "store.h"

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void req_free(struct req *r)
{
	free(r->path);
	free(r->param);
	free(r->param2);
	free(r->query);
	user_free(&r->user);
	session_free(&r->session);
	free(r);
}

const char *http_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->er), name);
}

void http_add_header(struct req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->er), name, value);
}

/* The portal's pages run only their own scripts and styles and talk only
 * to this server; API answers are data and need no more than 'none'. */
#define PAGE_CSP                                                                          \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "        \
	"form-action 'self'; frame-ancestors 'none'"

static void add_security_headers(struct req *r)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->er);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Content-Security-Policy",
			  r->page ? PAGE_CSP : "default-src 'none'; frame-ancestors 'none'");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	/* portal files say how they may be cached (h_static.c) */
	if (!r->page)
		evhttp_add_header(h, "Cache-Control", "no-store");
}

static void access_log(struct req *r, size_t bytes)
{
	char status[8], ms[32], size[24], uid[24];
	double took = (double)(now_us() - r->start_us) / 1000.0;
	snprintf(status, sizeof status, "%d", r->status);
	snprintf(ms, sizeof ms, "%.3f", took);
	snprintf(size, sizeof size, "%zu", bytes);
	snprintf(uid, sizeof uid, "%llu", (unsigned long long)r->user.id);
	const char *method = "?";
	switch (evhttp_request_get_command(r->er)) {
	case EVHTTP_REQ_GET: method = "GET"; break;
	case EVHTTP_REQ_POST: method = "POST"; break;
	case EVHTTP_REQ_PUT: method = "PUT"; break;
	case EVHTTP_REQ_DELETE: method = "DELETE"; break;
	case EVHTTP_REQ_PATCH: method = "PATCH"; break;
	case EVHTTP_REQ_HEAD: method = "HEAD"; break;
	case EVHTTP_REQ_OPTIONS: method = "OPTIONS"; break;
	default: break;
	}
	log_info("request", "method", method, "path", r->path ? r->path : "-", "status", status,
		 "bytes", size, "ms", ms, "peer", r->peer, "user", r->authed ? uid : NULL, NULL);
}

static void stream_release(struct req *r);

/* Sends the answer prepared by send_reply and frees r unless the entry
 * still holds it. */
static void reply_out(struct req *r, struct evbuffer *buf, size_t bytes)
{
	evhttp_send_reply(r->er, r->status, NULL, buf);
	if (buf)
		evbuffer_free(buf);
	access_log(r, bytes);
	metrics_request(r->d->metrics, r->route, r->page, r->status, now_us() - r->start_us);
	struct deskd *d = r->d;
	if (r->async || r->held) {
		req_free(r);
		deskd_request_done(d);
	}
}

/* Sends buf as the answer and releases what the request holds. */
static void send_reply(struct req *r, int status, struct evbuffer *buf)
{
	if (r->replied) {
		log_error("double_reply", "path", r->path, NULL);
		evbuffer_free(buf);
		return;
	}
	r->replied = true;
	r->status = status;
	stream_release(r);
	add_security_headers(r);
	size_t bytes = buf ? evbuffer_get_length(buf) : 0;
	if (r->head && buf) {
		/* HEAD: the head a GET would get; libevent adds no length here */
		char n[24];
		snprintf(n, sizeof n, "%zu", bytes);
		http_add_header(r, "Content-Length", n);
		evbuffer_free(buf);
		buf = NULL;
		bytes = 0;
	}
	struct deskd *d = r->d;
	if (store_batch_open(d->store)) {
		/* what it says may rest on writes not yet durable */
		r->held = true;
		r->held_body = buf;
		r->held_bytes = bytes;
		r->held_next = NULL;
		if (!d->held_tail)
			d->held_tail = &d->held;
		*d->held_tail = r;
		d->held_tail = &r->held_next;
		return;
	}
	reply_out(r, buf, bytes);
}

void http_release_held(struct deskd *d, int rc)
{
	struct req *r = d->held;
	d->held = NULL;
	d->held_tail = &d->held;
	while (r) {
		struct req *next = r->held_next;
		if (rc == 0) {
			reply_out(r, r->held_body, r->held_bytes);
		} else {
			/* say that it failed instead, with nothing of the old answer */
			if (r->held_body)
				evbuffer_free(r->held_body);
			evhttp_clear_headers(evhttp_request_get_output_headers(r->er));
			r->replied = false;
			http_reply_dk_error(r, rc); /* no batch is open: goes out now */
		}
		r = next;
	}
}

/* MessagePack form of a JSON value, for clients that ask for it. */
static int pack_json(msgpack_packer *pk, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;
		msgpack_pack_map(pk, json_object_size(v));
		json_object_foreach((json_t *)v, k, x) {
			size_t n = strlen(k);
			msgpack_pack_str(pk, n);
			msgpack_pack_str_body(pk, k, n);
			pack_json(pk, x);
		}
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		msgpack_pack_array(pk, json_array_size(v));
		json_array_foreach(v, i, x)
			pack_json(pk, x);
		return 0;
	}
	case JSON_STRING:
		msgpack_pack_str(pk, json_string_length(v));
		return msgpack_pack_str_body(pk, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return msgpack_pack_int64(pk, json_integer_value(v));
	case JSON_REAL:
		return msgpack_pack_double(pk, json_real_value(v));
	case JSON_TRUE:
		return msgpack_pack_true(pk);
	case JSON_FALSE:
		return msgpack_pack_false(pk);
	case JSON_NULL:
		return msgpack_pack_nil(pk);
	}
	return -1;
}

static int evbuffer_write_cb(void *data, const char *buf, size_t len)
{
	return evbuffer_add(data, buf, len);
}

static int evbuffer_dump_cb(const char *buf, size_t len, void *data)
{
	return evbuffer_add(data, buf, len);
}

void http_reply_json(struct req *r, int status, json_t *body)
{
	struct evbuffer *buf = evbuffer_new();
	if (!buf || !body) {
		json_decref(body);
		if (buf)
			evbuffer_free(buf);
		send_reply(r, 500, NULL);
		return;
	}
	if (r->want_msgpack) {
		msgpack_packer pk;
		msgpack_packer_init(&pk, buf, evbuffer_write_cb);
		pack_json(&pk, body);
		http_add_header(r, "Content-Type", "application/msgpack");
	} else {
		json_dump_callback(body, evbuffer_dump_cb, buf, JSON_COMPACT);
		evbuffer_add(buf, "\n", 1);
		http_add_header(r, "Content-Type", "application/json; charset=utf-8");
	}
	json_decref(body);
	send_reply(r, status, buf);
}

void http_reply_error(struct req *r, int status, const char *code, const char *message,
		      const char *field)
{
	http_reply_error_details(r, status, code, message, field, NULL);
}

void http_reply_error_details(struct req *r, int status, const char *code, const char *message,
			      const char *field, json_t *details)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (err && field && *field)
		json_object_set_new(err, "field", json_string(field));
	if (err && details)
		json_object_update(err, details);
	json_decref(details);
	log_info("refused", "path", r->path ? r->path : "-", "peer", r->peer, "code", code,
		 "reason", message, NULL);
	http_reply_json(r, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

void http_reply_field_error(struct req *r, int status, const struct field_error *fe)
{
	http_reply_error(r, status, fe->code, fe->message, fe->field);
}

void http_reply_dk_error(struct req *r, int err)
{
	switch (err) {
	case DK_ERR_NOTFOUND:
		http_reply_error(r, 404, "not_found", "no such resource", NULL);
		return;
	case DK_ERR_EXISTS:
		http_reply_error(r, 409, "exists", "it exists already", NULL);
		return;
	case DK_ERR_CONFLICT:
		http_reply_error(r, 409, "conflict", "the resource does not allow this change now", NULL);
		return;
	case DK_ERR_NOSPACE:
		http_reply_error(r, 507, "no_space",
				 "the database is full; nothing was written (ask an administrator)", NULL);
		return;
	case DK_ERR_INVALID:
		http_reply_error(r, 400, "invalid", "the request is not valid", NULL);
		return;
	default:
		log_error("internal_error", "path", r->path, "err", dk_strerror(err), NULL);
		http_reply_error(r, 500, "internal", "internal error; nothing was written", NULL);
	}
}

void http_reply_empty(struct req *r, int status)
{
	send_reply(r, status, NULL);
}

void http_reply_buffer(struct req *r, int status, struct evbuffer *buf)
{
	send_reply(r, status, buf);
}

void http_go_async(struct req *r)
{
	r->async = true;
}

struct http_stream {
	void (*drained)(void *arg);
	void (*gone)(void *arg);
	void *arg;
	struct evhttp_connection *conn; /* NULL once the client went away */
	size_t bytes;
	bool head_sent;
};

/* The connection closed before the reply ended: the request lives on,
 * detached, until a reply or http_stream_end frees it. */
static void stream_closed(struct evhttp_connection *c, void *arg)
{
	struct req *r = arg;
	conn_limit_closed(c, r->d->conns);
	r->stream->conn = NULL;
	r->stream->gone(r->stream->arg);
}

static void stream_written(struct evhttp_connection *c, void *arg)
{
	(void)c;
	struct req *r = arg;
	if (r->stream && r->stream->conn)
		r->stream->drained(r->stream->arg);
}

/* Gives the connection its metrics close callback back. */
static void stream_release(struct req *r)
{
	if (r->stream && r->stream->conn)
		evhttp_connection_set_closecb(r->stream->conn, conn_limit_closed, r->d->conns);
	free(r->stream);
	r->stream = NULL;
}

int http_stream_open(struct req *r, void (*drained)(void *arg), void (*gone)(void *arg),
		     void *arg)
{
	r->stream = calloc(1, sizeof *r->stream);
	if (!r->stream) {
		http_reply_error(r, 503, "busy", "out of memory; try again", NULL);
		return -1;
	}
	r->async = true;
	r->stream->drained = drained;
	r->stream->gone = gone;
	r->stream->arg = arg;
	r->stream->conn = evhttp_request_get_connection(r->er);
	/* the close callback is the only word of a client that left; the
	 * metrics' own is passed on and put back at the end */
	if (r->stream->conn)
		evhttp_connection_set_closecb(r->stream->conn, stream_closed, r);
	return 0;
}

void http_stream_head(struct req *r, int status)
{
	r->status = status;
	add_security_headers(r);
	if (r->stream->conn) {
		r->stream->head_sent = true;
		evhttp_send_reply_start(r->er, status, NULL);
	}
}

void http_stream_write(struct req *r, struct evbuffer *buf)
{
	if (!r->stream->conn || !r->stream->head_sent) {
		evbuffer_drain(buf, evbuffer_get_length(buf));
		return;
	}
	r->stream->bytes += evbuffer_get_length(buf);
	evhttp_send_reply_chunk_with_cb(r->er, buf, stream_written, r);
}

void http_stream_end(struct req *r)
{
	size_t bytes = r->stream->bytes;
	bool gone = !r->stream->conn;
	r->replied = true;
	stream_release(r);
	/* a detached request (the client left) is freed by this too */
	evhttp_send_reply_end(r->er);
	if (gone)
		log_info("client_gone", "path", r->path, "peer", r->peer, NULL);
	access_log(r, bytes);
	metrics_request(r->d->metrics, r->route, r->page, r->status, now_us() - r->start_us);
	struct deskd *d = r->d;
	req_free(r);
	deskd_request_done(d);
}

void http_stream_abort(struct req *r)
{
	struct evhttp_connection *c = r->stream->conn;
	size_t bytes = r->stream->bytes;
	r->replied = true;
	free(r->stream);
	r->stream = NULL;
	if (c) {
		/* freeing the connection frees the request it is answering */
		conn_limit_closed(c, r->d->conns);
		evhttp_connection_set_closecb(c, NULL, NULL);
		evhttp_connection_free(c);
	} else {
		evhttp_request_free(r->er);
	}
	log_error("stream_aborted", "path", r->path, "peer", r->peer, NULL);
	access_log(r, bytes);
	metrics_request(r->d->metrics, r->route, r->page, r->status, now_us() - r->start_us);
	struct deskd *d = r->d;
	req_free(r);
	deskd_request_done(d);
}

static bool content_type_is_json(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n))
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

json_t *http_body_json(struct req *r)
{
	return http_body_json_max(r, r->d->cfg.max_body_bytes);
}

json_t *http_body_json_max(struct req *r, size_t max)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->er);
	size_t len = evbuffer_get_length(in);
	if (len > max) {
		char msg[96];
		snprintf(msg, sizeof msg, "request body is larger than %zu bytes", max);
		http_reply_error(r, 413, "too_large", msg, NULL);
		return NULL;
	}
	if (!content_type_is_json(http_header(r, "Content-Type"))) {
		http_reply_error(r, 415, "unsupported_media_type",
				 "send the body as Content-Type: application/json", NULL);
		return NULL;
	}
	const char *data = (const char *)evbuffer_pullup(in, -1);
	struct field_error fe;
	json_t *body = json_body_parse(data ? data : "", len, &fe);
	if (!body) {
		http_reply_field_error(r, 400, &fe);
		return NULL;
	}
	return body;
}

bool http_refuse_body(struct req *r)
{
	if (evbuffer_get_length(evhttp_request_get_input_buffer(r->er)) == 0)
		return false;
	http_reply_error(r, 400, "unexpected_body", "this request takes no body", NULL);
	return true;
}

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_PATCH: return "PATCH";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

/* The address a proxy on this machine appended last to X-Forwarded-For:
 * the client it talked to. Earlier entries come from the client and are
 * not trusted. 0, or -1 when there is no usable one. */
static int forwarded_client(struct evhttp_request *er, char *out, size_t size)
{
	const char *xff = evhttp_find_header(evhttp_request_get_input_headers(er),
					     "X-Forwarded-For");
	if (!xff)
		return -1;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	size_t n = strcspn(last, " \t");
	char ip[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	if (n == 0 || n >= sizeof ip)
		return -1;
	memcpy(ip, last, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, bin) != 1 && inet_pton(AF_INET6, ip, bin) != 1)
		return -1;
	snprintf(out, size, "%s:0", ip);
	return 0;
}

static void peer_of(const struct deskd *d, struct evhttp_request *er, char *out, size_t size)
{
	char *addr = NULL;
	ev_uint16_t port = 0;
	struct evhttp_connection *c = evhttp_request_get_connection(er);
	if (c)
		evhttp_connection_get_peer(c, &addr, &port);
	/* behind a proxy on this machine every peer is loopback: rate limits
	 * and the log need the client the proxy names */
	if (d->cfg.trust_proxy && addr &&
	    (!strncmp(addr, "127.", 4) || !strcmp(addr, "::1")) &&
	    forwarded_client(er, out, size) == 0)
		return;
	snprintf(out, size, "%s:%u", addr ? addr : "?", port);
}

static bool wants_msgpack(struct req *r)
{
	const char *accept = http_header(r, "Accept");
	return accept && strstr(accept, "application/msgpack");
}

static bool is_write_method(enum evhttp_cmd_type t)
{
	return t != EVHTTP_REQ_GET && t != EVHTTP_REQ_HEAD && t != EVHTTP_REQ_OPTIONS;
}

/* The one request entry: guards in a fixed order, then the handler. */
static void on_request(struct evhttp_request *er, void *arg)
{
	struct deskd *d = arg;
	struct req *r = calloc(1, sizeof *r);
	if (!r) {
		evhttp_send_error(er, 503, "out of memory");
		return;
	}
	r->d = d;
	r->er = er;
	r->start_us = now_us();
	peer_of(d, er, r->peer, sizeof r->peer);
	metrics_connection(d->metrics, evhttp_request_get_connection(er));
	/* after metrics_connection: the close callback is conn_limit's */
	conn_limit_dispatched(d->conns, evhttp_request_get_connection(er));
	d->inflight++;

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(er);
	const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *raw_query = uri ? evhttp_uri_get_query(uri) : NULL;
	size_t plen = 0;
	r->path = raw_path ? evhttp_uridecode(raw_path, 0, &plen) : NULL;
	r->query = raw_query ? strdup(raw_query) : NULL;
	r->want_msgpack = wants_msgpack(r);
	char allow[64];
	enum evhttp_cmd_type cmd = evhttp_request_get_command(er);
	const char *method = method_name(cmd);
	/* HEAD is answered by the GET route, without the body (send_reply) */
	r->head = cmd == EVHTTP_REQ_HEAD;

	if (!r->path || strlen(r->path) != plen || (raw_query && !r->query)) {
		http_reply_error(r, 400, "bad_path", "the request path is not valid", NULL);
		goto done;
	}
	if (d->stopping) {
		http_add_header(r, "Retry-After", "5");
		http_add_header(r, "Connection", "close");
		http_reply_error(r, 503, "stopping", "deskd is shutting down", NULL);
		goto done;
	}
	if (static_wanted(d, cmd, r->path)) {
		h_static(r);
		goto done;
	}
	switch (router_match(r->head ? "GET" : method, r->path, &r->route, &r->param, &r->param2,
			     allow, sizeof allow)) {
	case ROUTER_NO_PATH:
		http_reply_error(r, 404, "not_found", "no such resource", NULL);
		goto done;
	case ROUTER_NO_METHOD:
		http_add_header(r, "Allow", allow);
		http_reply_error(r, 405, "method_not_allowed", "this resource does not answer that method",
				 NULL);
		goto done;
	case ROUTER_FOUND:
		break;
	}
	/* Stale credentials do not stop public routes (signing in again). */
	if (auth_resolve(r) != 0 && r->route->access != ACCESS_PUBLIC) {
		http_reply_error(r, 401, "unauthenticated", "your session has ended; sign in again", NULL);
		goto done;
	}
	if (r->route->access != ACCESS_PUBLIC && !r->authed) {
		http_reply_error(r, 401, "unauthenticated", "sign in first", NULL);
		goto done;
	}
	if ((r->route->writes || is_write_method(evhttp_request_get_command(er))) &&
	    r->route->access != ACCESS_PUBLIC && r->authed && !auth_csrf_ok(r)) {
		http_reply_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header", NULL);
		goto done;
	}
	if ((r->route->access == ACCESS_STAFF && !role_is_staff(r->who.role)) ||
	    (r->route->access == ACCESS_ADMIN && r->who.role != ROLE_ADMIN)) {
		http_reply_error(r, 403, "forbidden", "your role may not do this", NULL);
		goto done;
	}
	docs_refresh(&d->docs, d->store);
	/* a handler's writes share the turn's commit (group_commit.c) */
	store_batch_join(d->store, true);
	r->route->handler(r);
	store_batch_join(d->store, false);
done:
	if ((r->async && !r->replied) || r->held)
		return; /* a callback answers and frees it, or the commit sends it */
	if (!r->replied)
		http_reply_error(r, 500, "internal", "no answer", NULL);
	req_free(r);
	deskd_request_done(d);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, int *sslen)
{
	/* evutil accepts "1.2.3.4:80" and "[::1]:80" but refuses port 0, which
	 * asks the kernel for a free port: parse it as port 1, then set 0. */
	char buf[160];
	size_t n = strlen(listen);
	bool any_port = n > 2 && strcmp(listen + n - 2, ":0") == 0;
	if (any_port) {
		snprintf(buf, sizeof buf, "%.*s:1", (int)(n - 2), listen);
		listen = buf;
	}
	*sslen = (int)sizeof *ss;
	memset(ss, 0, sizeof *ss);
	if (evutil_parse_sockaddr_port(listen, (struct sockaddr *)ss, sslen))
		return -1;
	if (any_port && ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
	else if (any_port && ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
	return 0;
}

int http_start(struct deskd *d)
{
	struct sockaddr_storage ss;
	int sslen;
	if (parse_listen(d->cfg.listen, &ss, &sslen)) {
		log_error("bad_listen_address", "listen", d->cfg.listen, NULL);
		return -1;
	}
	d->http = evhttp_new(d->base);
	if (!d->http)
		return -1;
	d->conns = conn_limit_new(d->base, &d->cfg, d->metrics, d->http);
	if (!d->conns)
		return -1;
	evhttp_set_gencb(d->http, on_request, d);
	/* The transport cap sits above the JSON limit so that a body a little
	 * too large still reaches us and gets a JSON 413; larger ones are cut
	 * off by libevent before they are read. */
	size_t cap = d->cfg.max_body_bytes * 4;
	/* An upload up to the attachment limit (and a little over, for its
	 * JSON 413) must be read whole; libevent 2.1 has one cap for every
	 * route, and the JSON routes still refuse more than max_body_bytes
	 * themselves (http_body_json). */
	if (cap < d->cfg.max_attachment_bytes + d->cfg.max_body_bytes)
		cap = d->cfg.max_attachment_bytes + d->cfg.max_body_bytes;
	/* likewise a mail with its files in base64, up to the inbound
	 * route's own limit and a little over */
	size_t mail = mail_inbound_body_max(d->cfg.max_body_bytes, d->cfg.max_attachment_bytes);
	if (cap < mail + d->cfg.max_body_bytes)
		cap = mail + d->cfg.max_body_bytes;
	evhttp_set_max_body_size(d->http, (ev_ssize_t)cap);
	evhttp_set_max_headers_size(d->http, (ev_ssize_t)d->cfg.max_header_bytes);
	evhttp_set_timeout(d->http, d->cfg.idle_timeout_s);
	evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_flags(d->http, EVHTTP_SERVER_LINGERING_CLOSE);
	d->listener = evconnlistener_new_bind(d->base, NULL, NULL,
					      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
						      LEV_OPT_CLOSE_ON_EXEC,
					      d->cfg.backlog, (struct sockaddr *)&ss, sslen);
	if (!d->listener) {
		log_error("listen_failed", "listen", d->cfg.listen, "reason",
			  evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()), NULL);
		return -1;
	}
	/* Replies leave as soon as they are written: with Nagle's algorithm
	 * the tail of an answer over one write (16 KiB) would wait for the
	 * client's delayed acknowledgement, some 40 ms. Accepted sockets
	 * inherit the option. */
	int one = 1;
	if (setsockopt(evconnlistener_get_fd(d->listener), IPPROTO_TCP, TCP_NODELAY, &one,
		       sizeof one))
		log_error("tcp_nodelay_failed", "reason",
			  evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()), NULL);
	if (!evhttp_bind_listener(d->http, d->listener))
		return -1;

	struct sockaddr_storage got;
	socklen_t glen = sizeof got;
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (getsockname(evconnlistener_get_fd(d->listener), (struct sockaddr *)&got, &glen) == 0) {
		if (got.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&got;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
			port = ntohs(a->sin_port);
			snprintf(d->bound, sizeof d->bound, "%s:%u", host, port);
		} else if (got.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&got;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
			port = ntohs(a->sin6_port);
			snprintf(d->bound, sizeof d->bound, "[%s]:%u", host, port);
		}
	}
	log_info("listening", "addr", d->bound, NULL);
	return 0;
}
