/* The daily retention run: one timer, one batch per firing. */
#include "retention.h"

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdio.h>
#include <stdlib.h>

#include "deskd.h"
#include "dk_err.h"
#include "log.h"
#include "store.h"

/* Tickets per transaction: small enough that requests wait only briefly. */
#define RETENTION_BATCH 100
#define RETENTION_PERIOD_S (24 * 3600)

struct retention {
	struct deskd *d;
	struct event timer;
	int64_t before_ms; /* the cutoff of the run under way */
	size_t purged;     /* by the run under way */
};

struct batch {
	int64_t before_ms;
	size_t n;
	bool more;
};

static int batch_fn(struct store_txn *txn, void *arg)
{
	struct batch *b = arg;
	return store_tickets_purge(txn, b->before_ms, RETENTION_BATCH, &b->n, &b->more);
}

static void arm(struct retention *r, int seconds)
{
	struct timeval tv = { seconds, 0 };
	if (!evtimer_pending(&r->timer, NULL))
		evtimer_add(&r->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct retention *r = arg;
	struct deskd *d = r->d;
	char n[24], years[16];

	if (d->stopping)
		return;
	/* a run's cutoff is fixed when it starts, so it ends */
	if (!r->before_ms) {
		r->before_ms = store_retention_cutoff(deskd_now_ms(d),
						      (unsigned)d->cfg.retention_years);
		r->purged = 0;
	}
	struct batch b = { .before_ms = r->before_ms };
	int rc = store_write(d->store, batch_fn, &b);
	if (rc) {
		log_error("retention_failed", "err", dk_strerror(rc), NULL);
		r->before_ms = 0;
		arm(r, 3600);
		return;
	}
	r->purged += b.n;
	if (b.more) {
		arm(r, 0); /* the loop serves others before the next batch */
		return;
	}
	snprintf(n, sizeof n, "%zu", r->purged);
	snprintf(years, sizeof years, "%d", d->cfg.retention_years);
	log_info("retention_run", "purged", n, "retention_years", years, NULL);
	r->before_ms = 0;
	arm(r, RETENTION_PERIOD_S);
}

int retention_new(struct deskd *d, struct retention **out)
{
	struct retention *r = calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return DK_ERR_NOMEM;
	r->d = d;
	if (evtimer_assign(&r->timer, d->base, on_timer, r)) {
		free(r);
		return DK_ERR_NOMEM;
	}
	*out = r;
	return 0;
}

void retention_start(struct retention *r)
{
	if (r->d->cfg.retention_years > 0)
		arm(r, 0);
}

void retention_free(struct retention *r)
{
	if (!r)
		return;
	evtimer_del(&r->timer);
	free(r);
}
