/* deskd: the customer-service portal daemon. */
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conn_limit.h"
#include "deskd.h"
#include "dk_err.h"
#include "h_static.h"
#include "group_commit.h"
#include "hashpool.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "metrics.h"
#include "password.h"
#include "ratelimit.h"
#include "retention.h"
#include "router.h"
#include "sla_engine.h"
#include "store.h"

#define STOP_GRACE_S 10
#define SESSION_EXPIRE_BATCH 1000

/* deskd_now_ms and the test clock: clock.c */

static void exit_soon(struct deskd *d)
{
	/* A moment for the last replies to leave the socket buffers. */
	struct timeval flush = { 0, 100000 };
	event_base_loopexit(d->base, &flush);
}

void deskd_request_done(struct deskd *d)
{
	d->inflight--;
	if (d->stopping && d->inflight == 0)
		exit_soon(d);
}

static void on_stop_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct deskd *d = arg;
	char n[16];
	snprintf(n, sizeof n, "%u", d->inflight);
	log_warn("stop_deadline", "unanswered", n, NULL);
	event_base_loopexit(d->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct deskd *d = arg;
	if (d->stopping) {
		log_warn("stopping_now", "signal", sig == SIGINT ? "INT" : "TERM", NULL);
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->stopping = true;
	log_info("stopping", "signal", sig == SIGINT ? "INT" : "TERM", NULL);
	if (d->listener)
		evconnlistener_disable(d->listener);
	if (d->inflight == 0) {
		exit_soon(d);
		return;
	}
	struct timeval grace = { STOP_GRACE_S, 0 };
	evtimer_add(d->stop_timer, &grace);
}

/* ---- session expiry: one timer armed for the earliest expiry ---- */

struct expire_run {
	int64_t now;
	size_t deleted;
	int64_t next;
};

static int expire_fn(struct store_txn *txn, void *arg)
{
	struct expire_run *e = arg;
	return store_session_expire(txn, e->now, SESSION_EXPIRE_BATCH, &e->deleted, &e->next);
}

static void arm_at(struct deskd *d, int64_t when_ms)
{
	int64_t delay = when_ms - deskd_now_ms(d);
	if (delay < 0)
		delay = 0;
	struct timeval tv = { (time_t)(delay / 1000), (suseconds_t)(delay % 1000) * 1000 };
	evtimer_add(d->session_timer, &tv);
	d->session_timer_ms = when_ms;
}

static void on_session_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct deskd *d = arg;
	struct expire_run e = { deskd_now_ms(d), 0, 0 };
	d->session_timer_ms = 0;
	int rc = store_write(d->store, expire_fn, &e);
	if (rc) {
		log_error("session_expiry_failed", "err", dk_strerror(rc), NULL);
		arm_at(d, deskd_now_ms(d) + 60000);
		return;
	}
	if (e.deleted) {
		char n[24];
		snprintf(n, sizeof n, "%zu", e.deleted);
		log_info("sessions_expired", "count", n, NULL);
	}
	if (e.deleted == SESSION_EXPIRE_BATCH)
		arm_at(d, e.now);
	else if (e.next)
		arm_at(d, e.next);
}

void deskd_session_timer_arm(struct deskd *d, int64_t expires_ms)
{
	if (d->session_timer_ms && d->session_timer_ms <= expires_ms)
		return;
	arm_at(d, expires_ms);
}

/* ---- start-up ---- */

/* The routing table for tests and docs: one JSON object per route. */
static void print_routes(void)
{
	for (size_t i = 0; i < router_table_len; i++) {
		const struct route *rt = &router_table[i];
		printf("{\"method\":\"%s\",\"path\":\"%s\",\"access\":\"%s\",\"writes\":%s}\n",
		       rt->method, rt->pattern, route_access_name(rt->access),
		       rt->writes ? "true" : "false");
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: deskd --data DIR [--listen ADDR:PORT] [--config FILE] [--www DIR]\n"
		"\n"
		"  --data DIR          data directory (made with deskctl init)\n"
		"  --listen ADDR:PORT  address to serve HTTP on (default 127.0.0.1:8080;\n"
		"                      port 0 picks a free port, logged as msg=listening)\n"
		"  --config FILE       INI configuration (see docs/CONFIGURATION.md)\n"
		"  --www DIR           serve the browser portal from DIR (default: none,\n"
		"                      the API alone)\n"
		"  --routes            print the routing table as JSON lines and exit\n"
		"  --clock-file FILE   test facility: \"now\" is the integer ms in FILE,\n"
		"                      read again on SIGUSR1 (default: real time)\n"
		"  --help              this text\n"
		"\n"
		"SIGTERM or SIGINT stop deskd cleanly: it stops accepting, answers the\n"
		"requests in flight, and closes the database.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "www", required_argument, NULL, 'w' },
		{ "routes", no_argument, NULL, 'r' },
		{ "clock-file", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct deskd d;
	const char *listen = NULL, *config_path = NULL, *www = NULL;
	char err[512];
	int status = 1;

	memset(&d, 0, sizeof d);
	d.www_fd = -1;
	config_defaults(&d.cfg);
	for (;;) {
		int c = getopt_long(argc, argv, "d:l:c:w:rhC:", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': d.data_dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'c': config_path = optarg; break;
		case 'w': www = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'r': print_routes(); return 0;
		case 'C': d.clock_file = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !d.data_dir) {
		usage(stderr);
		return 2;
	}
	if (config_path && config_load(&d.cfg, config_path, err, sizeof err)) {
		log_error("bad_config", "reason", err, NULL);
		return 2;
	}
	if (listen) {
		if (strlen(listen) >= sizeof d.cfg.listen) {
			log_error("bad_listen_address", "listen", listen, NULL);
			return 2;
		}
		snprintf(d.cfg.listen, sizeof d.cfg.listen, "%s", listen);
	}
	if (www) {
		if (strlen(www) >= sizeof d.cfg.www_dir) {
			log_error("bad_www_dir", "dir", www, "reason", "path too long", NULL);
			return 2;
		}
		snprintf(d.cfg.www_dir, sizeof d.cfg.www_dir, "%s", www);
	}
	if (config_check(&d.cfg, err, sizeof err)) {
		log_error("bad_config", "reason", err, NULL);
		return 2;
	}
	if (d.clock_file && deskd_clock_reload(&d))
		return 2;
	enum log_level level;
	if (log_level_parse(d.cfg.log_level, &level) == 0)
		log_set_level(level);

	if (d.cfg.www_dir[0] && static_dir_open(d.cfg.www_dir, &d.www_fd))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	struct store_opts so = { .exclusive = true };
	so.map_size_max = (size_t)d.cfg.map_size_max_mib << 20; /* 0: the store's ceiling */
	int rc = store_open(d.data_dir, &so, &d.store, err, sizeof err);
	if (rc) {
		log_error("cannot_open_data", "dir", d.data_dir, "reason", err, NULL);
		if (d.www_fd >= 0)
			close(d.www_fd);
		return 1;
	}
	if (password_init(d.cfg.scrypt_n, d.cfg.scrypt_r, d.cfg.scrypt_p)) {
		log_error("password_init_failed", NULL);
		goto out_store;
	}
	d.base = event_base_new();
	if (!d.base)
		goto out_store;
	struct hashpool_opts ho = { d.cfg.hash_threads, d.cfg.hash_queue, d.cfg.scrypt_n,
				    d.cfg.scrypt_r, d.cfg.scrypt_p };
	d.pool = hashpool_new(d.base, &ho);
	d.sig_term = evsignal_new(d.base, SIGTERM, on_signal, &d);
	d.sig_int = evsignal_new(d.base, SIGINT, on_signal, &d);
	d.stop_timer = evtimer_new(d.base, on_stop_deadline, &d);
	d.session_timer = evtimer_new(d.base, on_session_timer, &d);
	d.limits = ratelimit_new();
	if (metrics_new(&d.metrics))
		goto out;
	if (!d.pool || !d.limits || !d.sig_term || !d.sig_int || !d.stop_timer || !d.session_timer ||
	    evsignal_add(d.sig_term, NULL) || evsignal_add(d.sig_int, NULL))
		goto out;
	if (http_start(&d))
		goto out;
	/* Expire what is due and arm the timer for the rest. */
	on_session_timer(-1, 0, &d);
	if (sla_engine_new(&d, &d.sla) || sla_engine_start(d.sla))
		goto out;
	if (mailer_new(&d, &d.mailer) || mailer_start(d.mailer))
		goto out;
	if (retention_new(&d, &d.retention))
		goto out;
	retention_start(d.retention);
	/* from here on each loop turn's writes commit together */
	if (group_commit_start(&d))
		goto out;
	log_info("started", "data", d.data_dir, "version", "0.1.0", NULL);
	event_base_dispatch(d.base);
	status = 0;
	log_info("stopped", NULL);
out:
	group_commit_stop(&d);
	if (d.http)
		evhttp_free(d.http);
	conn_limit_free(d.conns);
	hashpool_free(d.pool);
	/* after evhttp_free: closing connections still report to it */
	metrics_free(d.metrics);
	ratelimit_free(d.limits);
	sla_engine_free(d.sla);
	mailer_free(d.mailer);
	retention_free(d.retention);
	if (d.session_timer)
		event_free(d.session_timer);
	if (d.stop_timer)
		event_free(d.stop_timer);
	if (d.sig_term)
		event_free(d.sig_term);
	if (d.sig_int)
		event_free(d.sig_int);
	if (d.base)
		event_base_free(d.base);
out_store:
	docs_free(&d.docs);
	store_close(d.store);
	if (d.www_fd >= 0)
		close(d.www_fd);
	return status;
}
