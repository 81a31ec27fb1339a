/*
 * Process metrics for GET /metrics (Prometheus text format): requests by
 * route and status with a latency histogram, connections, and counters the
 * engines bump (SLA warnings and breaches, automatic closes, mail). All of
 * it lives on the loop; nothing here locks.
 */
#ifndef DESKD_METRICS_H
#define DESKD_METRICS_H

#include <stdbool.h>
#include <stdint.h>

struct metrics;
struct route;
struct evbuffer;
struct evhttp_connection;

enum metric_counter {
	METRIC_SLA_WARNINGS,
	METRIC_SLA_BREACHES,
	METRIC_AUTO_CLOSED,
	METRIC_MAIL_SENT,
	METRIC_MAIL_RETRIED,
	METRIC_MAIL_FAILED,
	METRIC_COMMITS,
	METRIC_COMMITTED_WRITES,
	METRIC_COUNTERS
};

int metrics_new(struct metrics **out);
void metrics_free(struct metrics *m);

/* One answered request: route is the table row (NULL: a portal file when
 * page, else a path no route matched). */
void metrics_request(struct metrics *m, const struct route *route, bool page, int status,
		     int64_t took_us);
void metrics_count(struct metrics *m, enum metric_counter c);
void metrics_add(struct metrics *m, enum metric_counter c, uint64_t n);
/* Notes a connection that sent a request; it is counted until it closes. */
void metrics_connection(struct metrics *m, struct evhttp_connection *c);
/* The close callback metrics_connection installs (arg: the metrics), for a
 * streaming reply that watches the connection for a while and passes the
 * close on. */
void metrics_on_close(struct evhttp_connection *c, void *arg);

/* Appends the counters and the request metrics in the text exposition format. */
int metrics_write(const struct metrics *m, struct evbuffer *out);

#endif
