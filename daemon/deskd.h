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
struct conn_limit;
struct store;
struct hashpool;
struct sla_engine;
struct metrics;
struct mailer;
struct ratelimit;
struct retention;

struct deskd {
	struct config cfg;
	const char *data_dir;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener;
	struct conn_limit *conns;    /* connection limits, slow-client deadlines */
	struct store *store;
	struct hashpool *pool;
	struct docs docs;            /* workflow and catalogue in use */
	int www_fd;                  /* the portal directory, opened once; -1: none */
	struct event *sig_term;
	struct event *sig_int;
	struct event *stop_timer;    /* gives in-flight requests a deadline */
	struct event *session_timer; /* armed for the earliest session expiry */
	int64_t session_timer_ms;    /* when it is armed for; 0: not armed */
	struct sla_engine *sla;      /* SLA deadlines and their timers */
	struct metrics *metrics;     /* GET /metrics */
	struct mailer *mailer;       /* the outbox's delivery (mail.h) */
	struct ratelimit *limits;    /* account mail, links and sign-in failures */
	struct retention *retention; /* purges closed tickets past [data] retention_years */
	const char *clock_file;      /* --clock-file: tests drive "now"; NULL: real time */
	int64_t clock_ms;            /* "now" read from clock_file */
	unsigned inflight;           /* requests accepted and not yet answered */
	struct req *held, **held_tail; /* replies waiting for the batch's commit */
	struct group_commit *group;  /* commits each loop turn's writes together */
	bool stopping;
	char bound[128];             /* the address actually listened on */
};

/* The clock every rule uses (ms since the epoch): real time, or with
 * --clock-file the time last read from that file (daemon/clock.c). */
int64_t deskd_now_ms(const struct deskd *d);
/* Reads d->clock_file into d->clock_ms: 0, or DK_ERR_INVALID (logged) when
 * it holds no time, which leaves the previous time in use. */
int deskd_clock_reload(struct deskd *d);

/* Called when a request is answered; finishes a graceful stop once none
 * remain. */
void deskd_request_done(struct deskd *d);

/* Re-arms the session expiry timer after a session was written. */
void deskd_session_timer_arm(struct deskd *d, int64_t expires_ms);

#endif
