/*
 * Connection limits and slow-client deadlines, under evhttp.
 *
 * Every connection is counted from the moment it is accepted until it
 * closes: over [server] max_connections in all, or over
 * max_connections_per_address from one client address, a new connection
 * gets a 503 and is closed at once. A request's head must arrive within
 * header_timeout seconds of the connection opening (or of the first byte
 * of a later request on it), and its body within body_timeout seconds plus
 * one second for every body_min_rate bytes received; a client slower than
 * that gets a 408 and the connection is closed, so slowloris-style clients
 * cannot hold connections (and file descriptors) for long.
 */
#ifndef DESKD_CONN_LIMIT_H
#define DESKD_CONN_LIMIT_H

struct config;
struct event_base;
struct evhttp;
struct evhttp_connection;
struct metrics;
struct conn_limit;

/* Watches every connection http accepts from now on; NULL when out of
 * memory. metrics hears of each close (metrics_on_close). */
struct conn_limit *conn_limit_new(struct event_base *base, const struct config *cfg,
				  struct metrics *metrics, struct evhttp *http);
/* The connection handed a whole request to deskd: no deadline runs
 * until the client starts its next request. Reinstalls the close callback
 * (metrics_connection sets its own). */
void conn_limit_dispatched(struct conn_limit *cl, struct evhttp_connection *c);
/* The close callback of every admitted connection (arg: the conn_limit):
 * releases its place and tells the metrics. Code that borrows the close
 * callback for a while calls it itself and puts it back. */
void conn_limit_closed(struct evhttp_connection *c, void *arg);
/* After evhttp_free (closing connections still report here). */
void conn_limit_free(struct conn_limit *cl);

#endif
