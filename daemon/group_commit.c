/*
 * Group commit. The first write a request handler makes in a loop turn
 * opens a batch (store_batch_join marks the handlers' writes); a
 * zero-timeout event, which libevent runs after the I/O callbacks that are
 * ready in this turn, commits it: every request read in the same turn is
 * in it. Then the held replies go out (or, if the commit failed, errors
 * in their place) and the mailer is told what the batch queued.
 */
#include "group_commit.h"

#include <event2/event.h>
#include <stdlib.h>

#include "deskd.h"
#include "dk_err.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "metrics.h"
#include "store.h"

struct group_commit {
	struct deskd *d;
	struct event *ev;
};

static void on_commit(evutil_socket_t fd, short what, void *arg)
{
	struct group_commit *g = arg;
	(void)fd;
	(void)what;
	store_batch_commit(g->d->store); /* on_closed follows */
}

static void on_opened(void *arg)
{
	struct group_commit *g = arg;
	const struct timeval now = { 0, 0 };
	if (evtimer_add(g->ev, &now))
		log_error("group_commit_schedule_failed", NULL);
}

static void on_closed(void *arg, int rc, size_t writes)
{
	struct group_commit *g = arg;
	if (rc == 0) {
		metrics_count(g->d->metrics, METRIC_COMMITS);
		metrics_add(g->d->metrics, METRIC_COMMITTED_WRITES, writes);
	}
	/* a batch committed early (the map grew) leaves no commit due */
	evtimer_del(g->ev);
	if (rc)
		log_error("group_commit_failed", "err", dk_strerror(rc), NULL);
	http_release_held(g->d, rc);
	mailer_committed(g->d->mailer, rc == 0);
}

int group_commit_start(struct deskd *d)
{
	struct group_commit *g = calloc(1, sizeof *g);
	if (!g)
		return -1;
	g->d = d;
	g->ev = evtimer_new(d->base, on_commit, g);
	if (!g->ev) {
		free(g);
		return -1;
	}
	d->group = g;
	d->held_tail = &d->held;
	store_group_commit(d->store, on_opened, on_closed, g);
	return 0;
}

void group_commit_stop(struct deskd *d)
{
	struct group_commit *g = d->group;
	if (!g)
		return;
	store_batch_commit(d->store);
	store_group_commit(d->store, NULL, NULL, NULL);
	event_free(g->ev);
	free(g);
	d->group = NULL;
}
