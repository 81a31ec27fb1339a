/*
 * The daemon's context: everything a handler may reach, passed explicitly
 * (no process-wide globals), so tests and tools can build one.
 */
#ifndef DESKD_DESKD_H
#define DESKD_DESKD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "docs.h"

struct event_base;
struct event;
struct evhttp;
struct evconnlistener;
struct store;
struct hashpool;

struct deskd {
	struct config cfg;
	const char *data_dir;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener;
	struct store *store;
	struct hashpool *pool;
	struct docs docs;            /* workflow and catalogue in use */
	struct event *sig_term;
	struct event *sig_int;
	struct event *stop_timer;    /* gives in-flight requests a deadline */
	struct event *session_timer; /* armed for the earliest session expiry */
	int64_t session_timer_ms;    /* when it is armed for; 0: not armed */
	unsigned inflight;           /* requests accepted and not yet answered */
	bool stopping;
	char bound[128];             /* the address actually listened on */
};

/* The clock every rule uses (ms since the epoch). */
int64_t deskd_now_ms(const struct deskd *d);

/* Called when a request is answered; finishes a graceful stop once none
 * remain. */
void deskd_request_done(struct deskd *d);

/* Re-arms the session expiry timer after a session was written. */
void deskd_session_timer_arm(struct deskd *d, int64_t expires_ms);

#endif
