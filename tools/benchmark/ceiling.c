/*
 * The benchmark's ceiling: the least an evhttp server can do per request.
 * It answers every request with the same small JSON body, on one thread
 * and one event loop as deskd does, so tools/bench can say what share of
 * this machine's (and libevent's) HTTP throughput each deskd route gets.
 *
 * usage: ceiling ADDR PORT   (PORT 0: any free port; the one bound is
 *                             printed as "listening PORT" on stdout)
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char body[] = "{\"status\":\"ok\",\"version\":\"ceiling\"}";

static void answer(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Content-Type", "application/json; charset=utf-8");
	struct evbuffer *buf = evbuffer_new();
	if (!buf) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_reference(buf, body, sizeof body - 1, NULL, NULL);
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

static void on_term(evutil_socket_t fd, short what, void *base)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(base);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ceiling ADDR PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct event_base *base = event_base_new();
	struct evhttp *http = base ? evhttp_new(base) : NULL;
	if (!http) {
		fprintf(stderr, "ceiling: cannot set up libevent\n");
		return 1;
	}
	evhttp_set_gencb(http, answer, NULL);
	struct evhttp_bound_socket *sock =
		evhttp_bind_socket_with_handle(http, argv[1], (ev_uint16_t)atoi(argv[2]));
	if (!sock) {
		fprintf(stderr, "ceiling: cannot listen on %s:%s\n", argv[1], argv[2]);
		return 1;
	}
	struct sockaddr_storage ss;
	ev_socklen_t len = sizeof ss;
	int port = atoi(argv[2]);
	if (getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	printf("listening %d\n", port);
	fflush(stdout);
	struct event *term = evsignal_new(base, SIGTERM, on_term, base);
	struct event *intr = evsignal_new(base, SIGINT, on_term, base);
	if (!term || !intr || event_add(term, NULL) || event_add(intr, NULL)) {
		fprintf(stderr, "ceiling: cannot watch signals\n");
		return 1;
	}
	event_base_dispatch(base);
	event_free(term);
	event_free(intr);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
