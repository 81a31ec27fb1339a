#include "metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

/* Latency bucket bounds in microseconds (printed in seconds). */
static const int64_t bucket_us[] = { 1000, 2500, 5000, 10000, 25000, 50000, 100000,
				     250000, 500000, 1000000, 2500000, 5000000 };
#define N_BUCKETS (sizeof bucket_us / sizeof bucket_us[0])
/* Distinct statuses kept per route; more than that are counted as "other". */
#define N_STATUS 12

struct route_stats {
	int status[N_STATUS];
	uint64_t by_status[N_STATUS];
	uint64_t other;
	uint64_t buckets[N_BUCKETS]; /* non-cumulative; summed when written */
	uint64_t count;
	int64_t sum_us;
};

/* Open connections, keyed by pointer: open addressing with tombstones,
 * rebuilt when it fills. */
#define CONN_EMPTY ((struct evhttp_connection *)0)
#define CONN_GONE ((struct evhttp_connection *)1)

struct metrics {
	struct route_stats *routes; /* router_table_len rows, then portal files, then unmatched */
	size_t n_routes;
	uint64_t counter[METRIC_COUNTERS];
	struct evhttp_connection **conn;
	size_t conn_cap, conn_used, conn_open;
};

static const char *counter_name[METRIC_COUNTERS] = {
	[METRIC_SLA_WARNINGS] = "deskd_sla_warnings_total",
	[METRIC_SLA_BREACHES] = "deskd_sla_breaches_total",
	[METRIC_AUTO_CLOSED] = "deskd_tickets_auto_closed_total",
	[METRIC_MAIL_SENT] = "deskd_mail_sent_total",
	[METRIC_MAIL_RETRIED] = "deskd_mail_retries_total",
	[METRIC_MAIL_FAILED] = "deskd_mail_failed_total",
	[METRIC_COMMITS] = "deskd_store_commits_total",
	[METRIC_COMMITTED_WRITES] = "deskd_store_committed_writes_total",
};
static const char *counter_help[METRIC_COUNTERS] = {
	[METRIC_SLA_WARNINGS] = "SLA targets that reached their warning share",
	[METRIC_SLA_BREACHES] = "SLA targets breached",
	[METRIC_AUTO_CLOSED] = "Resolved tickets closed automatically",
	[METRIC_MAIL_SENT] = "Messages delivered (SMTP or maildir)",
	[METRIC_MAIL_RETRIED] = "Deliveries that failed for now and wait for a retry",
	[METRIC_MAIL_FAILED] = "Messages given up on",
	[METRIC_COMMITS] = "Durable commits (each one fsync), each holding the writes of a loop turn",
	[METRIC_COMMITTED_WRITES] = "Writes (a request's or a timer's change each) in those commits",
};

int metrics_new(struct metrics **out)
{
	struct metrics *m = calloc(1, sizeof *m);
	if (!m)
		return -1;
	m->n_routes = router_table_len + 2;
	m->routes = calloc(m->n_routes, sizeof *m->routes);
	m->conn_cap = 256;
	m->conn = calloc(m->conn_cap, sizeof *m->conn);
	if (!m->routes || !m->conn) {
		metrics_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->routes);
	free(m->conn);
	free(m);
}

void metrics_request(struct metrics *m, const struct route *route, bool page, int status,
		     int64_t took_us)
{
	if (!m)
		return;
	size_t i = route ? (size_t)(route - router_table) : router_table_len + (page ? 0 : 1);
	if (i >= m->n_routes)
		return;
	struct route_stats *s = &m->routes[i];
	size_t k;
	for (k = 0; k < N_STATUS && s->status[k] && s->status[k] != status; k++)
		;
	if (k == N_STATUS) {
		s->other++;
	} else {
		s->status[k] = status;
		s->by_status[k]++;
	}
	if (took_us < 0)
		took_us = 0;
	for (k = 0; k < N_BUCKETS && took_us > bucket_us[k]; k++)
		;
	if (k < N_BUCKETS)
		s->buckets[k]++;
	s->count++;
	s->sum_us += took_us;
}

void metrics_count(struct metrics *m, enum metric_counter c)
{
	metrics_add(m, c, 1);
}

void metrics_add(struct metrics *m, enum metric_counter c, uint64_t n)
{
	if (m && c < METRIC_COUNTERS)
		m->counter[c] += n;
}

static size_t conn_slot(const struct metrics *m, const struct evhttp_connection *c)
{
	return (size_t)(((uintptr_t)c >> 4) * 0x9e3779b97f4a7c15ull) & (m->conn_cap - 1);
}

/* Index of c, or of the first free slot on its probe path (SIZE_MAX: full). */
static size_t conn_find(const struct metrics *m, const struct evhttp_connection *c, bool *found)
{
	size_t free_at = SIZE_MAX, i = conn_slot(m, c);
	*found = false;
	for (size_t n = 0; n < m->conn_cap; n++, i = (i + 1) & (m->conn_cap - 1)) {
		if (m->conn[i] == c) {
			*found = true;
			return i;
		}
		if (m->conn[i] == CONN_GONE && free_at == SIZE_MAX)
			free_at = i;
		if (m->conn[i] == CONN_EMPTY)
			return free_at != SIZE_MAX ? free_at : i;
	}
	return free_at;
}

static int conn_rebuild(struct metrics *m)
{
	size_t cap = m->conn_cap;
	while (m->conn_open * 2 >= cap)
		cap *= 2;
	struct evhttp_connection **old = m->conn;
	size_t old_cap = m->conn_cap;
	m->conn = calloc(cap, sizeof *m->conn);
	if (!m->conn) {
		m->conn = old;
		return -1;
	}
	m->conn_cap = cap;
	m->conn_used = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i] == CONN_EMPTY || old[i] == CONN_GONE)
			continue;
		bool found;
		m->conn[conn_find(m, old[i], &found)] = old[i];
		m->conn_used++;
	}
	free(old);
	return 0;
}

void metrics_on_close(struct evhttp_connection *c, void *arg)
{
	struct metrics *m = arg;
	bool found;
	size_t i = conn_find(m, c, &found);
	if (found) {
		m->conn[i] = CONN_GONE;
		m->conn_open--;
	}
}

void metrics_connection(struct metrics *m, struct evhttp_connection *c)
{
	if (!m || !c)
		return;
	bool found;
	if ((m->conn_used + 1) * 4 >= m->conn_cap * 3 && conn_rebuild(m))
		return;
	size_t i = conn_find(m, c, &found);
	if (found || i == SIZE_MAX)
		return;
	if (m->conn[i] == CONN_EMPTY)
		m->conn_used++;
	m->conn[i] = c;
	m->conn_open++;
	evhttp_connection_set_closecb(c, metrics_on_close, m);
}

static const char *route_label(size_t i, char *buf, size_t size)
{
	if (i < router_table_len) {
		snprintf(buf, size, "method=\"%s\",route=\"%s\"", router_table[i].method,
			 router_table[i].pattern);
		return buf;
	}
	snprintf(buf, size, "method=\"GET\",route=\"%s\"",
		 i == router_table_len ? "portal" : "unmatched");
	return buf;
}

int metrics_write(const struct metrics *m, struct evbuffer *out)
{
	char label[256];
	int rc = 0;

	for (int c = 0; c < METRIC_COUNTERS; c++)
		rc |= evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n",
					  counter_name[c], counter_help[c], counter_name[c],
					  counter_name[c], (unsigned long long)m->counter[c]) < 0;
	rc |= evbuffer_add_printf(out,
				  "# HELP deskd_http_connections_open Connections that sent a request "
				  "and are still open\n# TYPE deskd_http_connections_open gauge\n"
				  "deskd_http_connections_open %zu\n", m->conn_open) < 0;

	rc |= evbuffer_add_printf(out, "# HELP deskd_http_requests_total Requests answered\n"
				  "# TYPE deskd_http_requests_total counter\n") < 0;
	for (size_t i = 0; i < m->n_routes; i++) {
		const struct route_stats *s = &m->routes[i];
		route_label(i, label, sizeof label);
		for (size_t k = 0; k < N_STATUS && s->status[k]; k++)
			rc |= evbuffer_add_printf(out, "deskd_http_requests_total{%s,status=\"%d\"} %llu\n",
						  label, s->status[k],
						  (unsigned long long)s->by_status[k]) < 0;
		if (s->other)
			rc |= evbuffer_add_printf(out, "deskd_http_requests_total{%s,status=\"other\"} %llu\n",
						  label, (unsigned long long)s->other) < 0;
	}

	rc |= evbuffer_add_printf(out, "# HELP deskd_http_request_seconds Time to answer a request\n"
				  "# TYPE deskd_http_request_seconds histogram\n") < 0;
	for (size_t i = 0; i < m->n_routes; i++) {
		const struct route_stats *s = &m->routes[i];
		if (!s->count)
			continue;
		route_label(i, label, sizeof label);
		uint64_t cum = 0;
		for (size_t k = 0; k < N_BUCKETS; k++) {
			cum += s->buckets[k];
			rc |= evbuffer_add_printf(out,
						  "deskd_http_request_seconds_bucket{%s,le=\"%g\"} %llu\n",
						  label, (double)bucket_us[k] / 1e6,
						  (unsigned long long)cum) < 0;
		}
		rc |= evbuffer_add_printf(out,
					  "deskd_http_request_seconds_bucket{%s,le=\"+Inf\"} %llu\n"
					  "deskd_http_request_seconds_sum{%s} %.6f\n"
					  "deskd_http_request_seconds_count{%s} %llu\n",
					  label, (unsigned long long)s->count, label,
					  (double)s->sum_us / 1e6, label,
					  (unsigned long long)s->count) < 0;
	}
	return rc ? -1 : 0;
}
