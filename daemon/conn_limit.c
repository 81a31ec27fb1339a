#include "conn_limit.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "raw_reply.h"

/*
 * libevent 2.1 has no hook at accept and no connection limit of its own:
 * the one per-connection hook is the bufferevent factory
 * (evhttp_set_bevcb), called before the socket is known. So each new
 * bufferevent gets a guard that is admitted (or refused) one turn of the
 * loop later, when the socket and the evhttp connection are set up and
 * before evhttp has read a byte. The evhttp connection is the argument
 * evhttp gives its bufferevent callbacks; both are checked against each
 * other before the guard relies on it.
 *
 * The guard watches the bytes arriving (an evbuffer callback on the
 * input, which evhttp leaves alone) to find where a request's head ends,
 * and the bytes leaving before deskd saw the request: those are libevent's
 * own error pages, rewritten into deskd's JSON errors before they are
 * sent.
 */

enum phase {
	PH_NEW,     /* accepted, not yet admitted */
	PH_HEAD,    /* reading a request head: header deadline */
	PH_BODY,    /* head read, body arriving: body deadline */
	PH_BUSY,    /* the request is with deskd; its next one has not begun */
	PH_CLOSING, /* closed for being slow; waiting for evhttp to let go */
};

struct addr_count {
	struct addr_count *next;
	unsigned char key[17]; /* address family, then the address */
	unsigned n;
};

struct guard {
	struct conn_limit *cl;
	struct bufferevent *bev;
	struct evhttp_connection *conn; /* set once admitted */
	struct evbuffer_cb_entry *in_watch, *out_watch;
	struct addr_count *addr;        /* NULL: not counted per address */
	struct event ev;                /* admission, deadlines, rewrites */
	enum phase phase;
	unsigned char eoh;              /* end-of-head scanner state */
	bool started;                   /* a byte of the current request came */
	bool rewrite;                   /* libevent wrote an answer of its own */
	int64_t deadline_ms;
	int64_t body_start_ms;
	uint64_t body_bytes;
	char peer[INET6_ADDRSTRLEN];
	struct guard *prev, *next; /* every guard */
	struct guard *hnext;       /* same bucket of by_conn */
};

struct conn_limit {
	struct evhttp *http;
	struct metrics *metrics;
	unsigned max_total, max_per_addr;
	int64_t header_ms, body_ms;
	uint64_t body_rate;
	bool trust_proxy;
	unsigned open;
	struct guard *all;
	struct guard **by_conn;
	struct addr_count **by_addr;
	size_t nbuckets; /* a power of two, for both tables */
	/* refusals and slow clients are summed up in the log, not a line each */
	unsigned refused, slow;
	int64_t noted_ms;
	struct event note_ev; /* logs what the last summary left out */
};

#define NOTE_EVERY_MS 10000
#define DRAIN_MAX 65536

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note(struct conn_limit *cl)
{
	int64_t now = now_ms();
	if (cl->noted_ms && now - cl->noted_ms < NOTE_EVERY_MS) {
		if (!evtimer_pending(&cl->note_ev, NULL)) {
			int64_t wait = cl->noted_ms + NOTE_EVERY_MS - now;
			struct timeval tv = { (time_t)(wait / 1000), (suseconds_t)(wait % 1000) * 1000 };
			evtimer_add(&cl->note_ev, &tv);
		}
		return;
	}
	char refused[16], slow[16], open[16];
	snprintf(refused, sizeof refused, "%u", cl->refused);
	snprintf(slow, sizeof slow, "%u", cl->slow);
	snprintf(open, sizeof open, "%u", cl->open);
	log_warn("connections_limited", "refused", refused, "slow_closed", slow, "open", open,
		 NULL);
	cl->refused = cl->slow = 0;
	cl->noted_ms = now;
}

static void on_note_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn_limit *cl = arg;
	if (cl->refused || cl->slow)
		note(cl);
}

/* ---- the two tables ---- */

static size_t conn_bucket(const struct conn_limit *cl, const struct evhttp_connection *c)
{
	return (size_t)(((uintptr_t)c >> 4) * 0x9e3779b97f4a7c15ull) & (cl->nbuckets - 1);
}

static struct guard *by_conn_find(struct conn_limit *cl, const struct evhttp_connection *c)
{
	for (struct guard *g = cl->by_conn[conn_bucket(cl, c)]; g; g = g->hnext)
		if (g->conn == c)
			return g;
	return NULL;
}

static void by_conn_remove(struct conn_limit *cl, struct guard *g)
{
	struct guard **p = &cl->by_conn[conn_bucket(cl, g->conn)];
	while (*p && *p != g)
		p = &(*p)->hnext;
	if (*p)
		*p = g->hnext;
}

static size_t addr_bucket(const struct conn_limit *cl, const unsigned char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < 17; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return (size_t)h & (cl->nbuckets - 1);
}

static struct addr_count *addr_get(struct conn_limit *cl, const unsigned char *key, bool add)
{
	size_t b = addr_bucket(cl, key);
	for (struct addr_count *a = cl->by_addr[b]; a; a = a->next)
		if (!memcmp(a->key, key, sizeof a->key))
			return a;
	if (!add)
		return NULL;
	struct addr_count *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	memcpy(a->key, key, sizeof a->key);
	a->next = cl->by_addr[b];
	cl->by_addr[b] = a;
	return a;
}

static void addr_put(struct conn_limit *cl, struct addr_count *a)
{
	if (--a->n)
		return;
	struct addr_count **p = &cl->by_addr[addr_bucket(cl, a->key)];
	while (*p && *p != a)
		p = &(*p)->next;
	if (*p)
		*p = a->next;
	free(a);
}

/* The peer of fd as a table key and as text; false when it has none
 * (then it is counted in the total only). */
static bool peer_key(evutil_socket_t fd, unsigned char key[17], char *text, size_t size,
		     bool *loopback)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	memset(key, 0, 17);
	*loopback = false;
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return false;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
		key[0] = 4;
		memcpy(key + 1, &a->sin_addr, 4);
		inet_ntop(AF_INET, &a->sin_addr, text, (socklen_t)size);
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
		return true;
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
		key[0] = 6;
		memcpy(key + 1, &a->sin6_addr, 16);
		inet_ntop(AF_INET6, &a->sin6_addr, text, (socklen_t)size);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
		return true;
	}
	return false;
}

/* ---- guards ---- */

static void guard_unlink(struct guard *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		g->cl->all = g->next;
	if (g->next)
		g->next->prev = g->prev;
}

/* Forgets g; bev_alive: its bufferevent still exists, so the watches
 * come off it. */
static void guard_free(struct guard *g, bool bev_alive)
{
	struct conn_limit *cl = g->cl;
	event_del(&g->ev);
	if (bev_alive) {
		if (g->in_watch)
			evbuffer_remove_cb_entry(bufferevent_get_input(g->bev), g->in_watch);
		if (g->out_watch)
			evbuffer_remove_cb_entry(bufferevent_get_output(g->bev), g->out_watch);
	}
	if (g->conn) {
		by_conn_remove(cl, g);
		cl->open--;
	}
	if (g->addr)
		addr_put(cl, g->addr);
	guard_unlink(g);
	free(g);
}

static void arm(struct guard *g)
{
	int64_t wait = g->deadline_ms - now_ms();
	if (wait < 0)
		wait = 0;
	struct timeval tv = { (time_t)(wait / 1000), (suseconds_t)(wait % 1000) * 1000 };
	evtimer_add(&g->ev, &tv);
}

static int64_t body_deadline(const struct guard *g)
{
	const struct conn_limit *cl = g->cl;
	return g->body_start_ms + cl->body_ms + (int64_t)(g->body_bytes * 1000 / cl->body_rate);
}

/* Reads what the client already sent, so that closing the socket ends
 * with the answer and a FIN rather than a reset that may destroy it. */
static void drain_socket(evutil_socket_t fd)
{
	char buf[4096];
	size_t total = 0;
	while (total < DRAIN_MAX) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
}

static void send_raw(evutil_socket_t fd, int status, const char *code, const char *message,
		     int retry_after_s)
{
	char out[1024];
	size_t n = raw_reply_format(out, sizeof out, status, code, message, retry_after_s);
	/* a fresh socket's send buffer takes this whole; if not, the client
	 * gets the close alone */
	if (n)
		(void)send(fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void refuse(struct guard *g, struct evhttp_connection *c, evutil_socket_t fd,
		   const char *why)
{
	struct conn_limit *cl = g->cl;
	log_debug("connection_refused", "peer", g->peer, "limit", why, NULL);
	cl->refused++;
	note(cl);
	drain_socket(fd);
	send_raw(fd, 503, "too_many_connections",
		 "too many connections are open; try again shortly", 5);
	guard_free(g, true);
	/* nothing was read, so no request of this connection reached deskd */
	evhttp_connection_free(c);
}

static void admit(struct guard *g)
{
	struct conn_limit *cl = g->cl;
	void *arg = NULL;
	bufferevent_getcb(g->bev, NULL, NULL, NULL, &arg);
	struct evhttp_connection *c = arg;
	evutil_socket_t fd = bufferevent_getfd(g->bev);
	if (!c || fd < 0 || evhttp_connection_get_bufferevent(c) != g->bev ||
	    evhttp_connection_get_server(c) != cl->http) {
		log_error("connection_unguarded", "reason",
			  "the HTTP layer set the connection up in an unknown way", NULL);
		guard_free(g, true);
		return;
	}
	unsigned char key[17];
	bool loopback;
	snprintf(g->peer, sizeof g->peer, "?");
	bool has_addr = peer_key(fd, key, g->peer, sizeof g->peer, &loopback);
	/* behind a proxy on this machine every client comes from loopback;
	 * the proxy limits them per address */
	bool per_addr = has_addr && !(cl->trust_proxy && loopback);
	struct addr_count *a = per_addr ? addr_get(cl, key, false) : NULL;
	if (cl->open >= cl->max_total) {
		refuse(g, c, fd, "max_connections");
		return;
	}
	if (a && a->n >= cl->max_per_addr) {
		refuse(g, c, fd, "max_connections_per_address");
		return;
	}
	if (per_addr && !a && !(a = addr_get(cl, key, true))) {
		refuse(g, c, fd, "out_of_memory");
		return;
	}
	if (a) {
		a->n++;
		g->addr = a;
	}
	g->conn = c;
	size_t b = conn_bucket(cl, c);
	g->hnext = cl->by_conn[b];
	cl->by_conn[b] = g;
	cl->open++;
	evhttp_connection_set_closecb(c, conn_limit_closed, cl);
	if (g->phase == PH_NEW) {
		g->phase = PH_HEAD;
		g->deadline_ms = now_ms() + cl->header_ms;
	} else if (g->phase == PH_BODY) {
		g->deadline_ms = body_deadline(g);
	}
	if (g->rewrite)
		event_active(&g->ev, EV_TIMEOUT, 1);
	else
		arm(g);
}

/* The client was too slow: a 408 (unless it never began a request, or a
 * reply is on its way out), then both directions shut, which evhttp reads
 * as the client leaving and cleans up as such (a request deskd still holds
 * lives on detached). A connection that never sent a byte is closed
 * without a word: a browser may have opened it ahead of need, and would
 * take a 408 there for the answer to its next request. */
static void too_slow(struct guard *g)
{
	struct conn_limit *cl = g->cl;
	evutil_socket_t fd = bufferevent_getfd(g->bev);
	bool head = g->phase == PH_HEAD;
	log_debug("slow_client_closed", "peer", g->peer, "phase", head ? "head" : "body", NULL);
	cl->slow++;
	note(cl);
	g->phase = PH_CLOSING;
	if (fd < 0)
		return;
	if (g->started && !evbuffer_get_length(bufferevent_get_output(g->bev)))
		send_raw(fd, 408, "request_timeout",
			 head ? "the request head took too long to arrive"
			      : "the request body arrived too slowly",
			 0);
	shutdown(fd, SHUT_RDWR);
}

/* Replaces an error page libevent queued by itself (deskd never saw the
 * request) with deskd's JSON error. Informational answers (100 Continue)
 * stay as they are. */
static void rewrite_libevent_answer(struct guard *g)
{
	struct evbuffer *out = bufferevent_get_output(g->bev);
	char line[16] = "";
	ev_ssize_t n = evbuffer_copyout(out, line, sizeof line - 1);
	int status = 0;
	if (n < 13 || strncmp(line, "HTTP/1.", 7) || sscanf(line + 9, "%3d", &status) != 1 ||
	    status < 400)
		return;
	const char *code, *message;
	raw_reply_for_status(status, &code, &message);
	char reply[1024];
	size_t len = raw_reply_format(reply, sizeof reply, status, code, message, 0);
	if (!len)
		return;
	char st[8];
	snprintf(st, sizeof st, "%d", status);
	log_info("refused", "peer", g->peer, "status", st, "code", code, NULL);
	evbuffer_drain(out, evbuffer_get_length(out));
	evbuffer_add(out, reply, len);
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct guard *g = arg;
	struct conn_limit *cl = g->cl;
	if (!g->conn) {
		admit(g);
		return;
	}
	if (g->rewrite) {
		bool busy = g->phase == PH_BUSY;
		/* our own watch sees the rewrite: not a second one */
		g->rewrite = true;
		if (!busy)
			rewrite_libevent_answer(g);
		g->rewrite = false;
	}
	int64_t now = now_ms();
	switch (g->phase) {
	case PH_HEAD:
		if (now < g->deadline_ms) {
			arm(g);
		} else if (evbuffer_get_length(bufferevent_get_output(g->bev))) {
			/* an answer is still leaving: the client is reading */
			g->deadline_ms = now + cl->header_ms;
			arm(g);
		} else {
			too_slow(g);
		}
		return;
	case PH_BODY:
		g->deadline_ms = body_deadline(g);
		if (now < g->deadline_ms)
			arm(g);
		else
			too_slow(g);
		return;
	default:
		return;
	}
}

/* Where the head of the request ends among the added last bytes of buf:
 * true, with the number of bytes after it, once a blank line is seen. */
static bool scan_head(struct guard *g, struct evbuffer *buf, size_t added, size_t *after)
{
	size_t len = evbuffer_get_length(buf);
	if (added > len)
		added = len;
	struct evbuffer_ptr p;
	if (evbuffer_ptr_set(buf, &p, len - added, EVBUFFER_PTR_SET))
		return false;
	char chunk[1024];
	size_t left = added;
	while (left) {
		size_t want = left < sizeof chunk ? left : sizeof chunk;
		ev_ssize_t got = evbuffer_copyout_from(buf, &p, chunk, want);
		if (got <= 0)
			return false;
		for (ev_ssize_t i = 0; i < got; i++) {
			char ch = chunk[i];
			left--;
			/* 0: inside a line; 1: at a line's start; 2: after its \r */
			if (ch == '\n') {
				if (g->eoh) {
					*after = left;
					return true;
				}
				g->eoh = 1;
			} else if (ch == '\r' && g->eoh == 1) {
				g->eoh = 2;
			} else if (ch != '\r' || g->eoh == 2) {
				g->eoh = 0;
			}
		}
		evbuffer_ptr_set(buf, &p, (size_t)got, EVBUFFER_PTR_ADD);
	}
	return false;
}

static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct guard *g = arg;
	struct conn_limit *cl = g->cl;
	if (!info->n_added)
		return;
	switch (g->phase) {
	case PH_BUSY:
		/* the next request on a kept-alive connection */
		g->phase = PH_HEAD;
		g->eoh = 0;
		g->deadline_ms = now_ms() + cl->header_ms;
		if (g->conn)
			arm(g);
		/* fall through */
	case PH_NEW:
	case PH_HEAD: {
		size_t after;
		g->started = true;
		if (!scan_head(g, buf, info->n_added, &after))
			return;
		bool admitted = g->phase == PH_HEAD && g->conn;
		g->phase = PH_BODY;
		g->body_start_ms = now_ms();
		g->body_bytes = after;
		g->deadline_ms = body_deadline(g);
		if (admitted)
			arm(g);
		return;
	}
	case PH_BODY:
		g->body_bytes += info->n_added;
		return;
	case PH_CLOSING:
		return;
	}
}

static void on_output(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf;
	struct guard *g = arg;
	if (!info->n_added || g->rewrite || g->phase == PH_BUSY || g->phase == PH_CLOSING)
		return;
	/* libevent writes its answer in pieces: rewrite it once it is whole,
	 * later in this turn of the loop and before the socket is written */
	g->rewrite = true;
	if (g->conn)
		event_active(&g->ev, EV_TIMEOUT, 1);
}

static struct bufferevent *new_bufferevent(struct event_base *base, void *arg)
{
	struct conn_limit *cl = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		return NULL;
	struct guard *g = calloc(1, sizeof *g);
	if (!g)
		return bev;
	g->cl = cl;
	g->bev = bev;
	g->in_watch = evbuffer_add_cb(bufferevent_get_input(bev), on_input, g);
	g->out_watch = evbuffer_add_cb(bufferevent_get_output(bev), on_output, g);
	event_assign(&g->ev, base, -1, 0, on_event, g);
	g->next = cl->all;
	if (cl->all)
		cl->all->prev = g;
	cl->all = g;
	if (!g->in_watch || !g->out_watch) {
		guard_free(g, true);
		return bev;
	}
	/* admitted once evhttp has set the connection up, this turn */
	event_active(&g->ev, EV_TIMEOUT, 1);
	return bev;
}

void conn_limit_dispatched(struct conn_limit *cl, struct evhttp_connection *c)
{
	if (!cl || !c)
		return;
	struct guard *g = by_conn_find(cl, c);
	if (!g)
		return;
	evhttp_connection_set_closecb(c, conn_limit_closed, cl);
	if (g->phase == PH_CLOSING)
		return;
	g->phase = PH_BUSY;
	g->rewrite = false;
	event_del(&g->ev);
}

void conn_limit_closed(struct evhttp_connection *c, void *arg)
{
	struct conn_limit *cl = arg;
	metrics_on_close(c, cl->metrics);
	struct guard *g = by_conn_find(cl, c);
	if (g)
		guard_free(g, true);
}

/* Every admitted connection holds a descriptor: make sure the process may
 * hold that many, or say so. */
static void check_fd_limit(unsigned max_total)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_total + 128;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rlim_t old = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (rl.rlim_cur > old)
		setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		char have[24], need[24];
		snprintf(have, sizeof have, "%llu", (unsigned long long)rl.rlim_cur);
		snprintf(need, sizeof need, "%llu", (unsigned long long)want);
		log_warn("fd_limit_low", "open_files", have, "wanted", need, "reason",
			 "max_connections is above what the process may open", NULL);
	}
}

struct conn_limit *conn_limit_new(struct event_base *base, const struct config *cfg,
				  struct metrics *metrics, struct evhttp *http)
{
	struct conn_limit *cl = calloc(1, sizeof *cl);
	if (!cl)
		return NULL;
	cl->http = http;
	cl->metrics = metrics;
	cl->max_total = (unsigned)cfg->max_connections;
	cl->max_per_addr = (unsigned)cfg->max_connections_per_address;
	cl->header_ms = (int64_t)cfg->header_timeout_s * 1000;
	cl->body_ms = (int64_t)cfg->body_timeout_s * 1000;
	cl->body_rate = (uint64_t)cfg->body_min_rate;
	cl->trust_proxy = cfg->trust_proxy;
	cl->nbuckets = 64;
	while (cl->nbuckets < cl->max_total && cl->nbuckets < 65536)
		cl->nbuckets *= 2;
	cl->by_conn = calloc(cl->nbuckets, sizeof *cl->by_conn);
	cl->by_addr = calloc(cl->nbuckets, sizeof *cl->by_addr);
	if (!cl->by_conn || !cl->by_addr) {
		free(cl->by_conn);
		free(cl->by_addr);
		free(cl);
		return NULL;
	}
	evtimer_assign(&cl->note_ev, base, on_note_timer, cl);
	check_fd_limit(cl->max_total);
	evhttp_set_bevcb(http, new_bufferevent, cl);
	return cl;
}

void conn_limit_free(struct conn_limit *cl)
{
	if (!cl)
		return;
	/* evhttp_free closed the admitted ones (conn_limit_closed); the rest
	 * lost their bufferevents with their connections */
	while (cl->all)
		guard_free(cl->all, false);
	event_del(&cl->note_ev);
	for (size_t i = 0; i < cl->nbuckets; i++) {
		while (cl->by_addr[i]) {
			struct addr_count *a = cl->by_addr[i];
			cl->by_addr[i] = a->next;
			free(a);
		}
	}
	free(cl->by_conn);
	free(cl->by_addr);
	free(cl);
}
