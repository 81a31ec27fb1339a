/*
 * SMTP delivery through libcurl's multi-socket API (mail_smtp.h): curl
 * tells which sockets to watch and when to wake it; libevent watches them
 * on the delivery thread's own event base and calls curl back.
 *
 * Hand-over: smtp_send puts a transfer on the todo list and rings the
 * thread's eventfd; the thread starts it; when it ends, the thread puts it
 * on the finished list and rings the loop's eventfd, and the loop reports
 * it. A transfer belongs to one side at a time, so only the two lists
 * (and the set of open sockets) need the lock.
 *
 * Why a 5xx is permanent only after MAIL, RCPT or DATA: those answers are
 * about this message (unknown mailbox, message refused); a 5xx to the
 * greeting, EHLO or AUTH is about the connection or the configuration and
 * clears up once that is fixed, so the message waits and retries.
 */
#include "mail_smtp.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "dk_err.h"
#include "log.h"
#include "mail_record.h"

#define MAX_SOCKETS 128 /* open connections at once: mail_parallel is at most 64 */

struct smtp_sock {
	struct event ev;
	struct smtp_sock *next;
	struct smtp_sock **pprev;
};

struct smtp_xfer {
	struct smtp_client *c;
	CURL *easy;
	struct curl_slist *rcpt;
	const char *data;
	size_t len, pos;
	void *arg;
	char cmd[5];            /* the last command sent: "MAIL", "RCPT", "DATA"... */
	char reply[200];        /* the server's last reply line */
	bool quit;              /* QUIT was sent: its reply is no news */
	char errbuf[CURL_ERROR_SIZE];
	struct smtp_result r;
	struct smtp_xfer *next; /* on the todo or finished list, or the thread's own */
};

struct smtp_client {
	const struct config *cfg;
	char from[MAIL_RCPT_MAX + 1];
	/* the loop's side */
	struct event_base *loop;
	struct event *done_ev;
	int done_fd;
	smtp_done_fn done;
	/* shared, under lock */
	pthread_mutex_t lock;
	struct smtp_xfer *todo, *finished;
	bool stopping;
	curl_socket_t fds[MAX_SOCKETS]; /* curl's sockets, to shut them on free */
	size_t n_fds;
	/* the delivery thread's side */
	pthread_t thread;
	bool started;
	bool curl_ready;        /* curl_global_init done */
	struct event_base *base;
	struct event *todo_ev;
	int todo_fd;
	CURLM *multi;
	struct event timer;     /* curl's timeout */
	struct smtp_xfer *xfers; /* under way */
	struct smtp_sock *socks;
};

int smtp_from_address(const char *from, char *out, size_t size)
{
	const char *lt = strrchr(from, '<');
	const char *start = lt ? lt + 1 : from;
	const char *end = lt ? strchr(start, '>') : start + strlen(start);
	if (!end)
		return -1;
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	size_t n = (size_t)(end - start);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, start, n);
	out[n] = '\0';
	return mail_rcpt_ok(out) ? 0 : -1;
}

static void ring(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_error("mail_notify_failed", "errno", strerror(errno), NULL);
}

static void drain(int fd)
{
	uint64_t v;
	if (read(fd, &v, sizeof v) < 0 && errno != EAGAIN)
		log_error("mail_notify_failed", "errno", strerror(errno), NULL);
}

/* ---- the thread: sockets and the timer, between curl and libevent ---- */

static void check_done(struct smtp_client *c);

static void on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_client *c = arg;
	int running;
	int action = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(c->multi, fd, action, &running);
	check_done(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct smtp_client *c = arg;
	int running;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static void sock_free(struct smtp_sock *sk)
{
	event_del(&sk->ev);
	*sk->pprev = sk->next;
	if (sk->next)
		sk->next->pprev = sk->pprev;
	free(sk);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	(void)easy;
	struct smtp_client *c = userp;
	struct smtp_sock *sk = socketp;
	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			curl_multi_assign(c->multi, s, NULL);
			sock_free(sk);
		}
		return 0;
	}
	if (!sk) {
		sk = calloc(1, sizeof *sk);
		if (!sk)
			return -1;
		sk->next = c->socks;
		if (sk->next)
			sk->next->pprev = &sk->next;
		sk->pprev = &c->socks;
		c->socks = sk;
		curl_multi_assign(c->multi, s, sk);
	} else {
		event_del(&sk->ev);
	}
	short kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
		     (what & CURL_POLL_OUT ? EV_WRITE : 0);
	event_assign(&sk->ev, c->base, s, kind, on_sock_event, c);
	return event_add(&sk->ev, NULL) ? -1 : 0;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct smtp_client *c = userp;
	if (timeout_ms < 0) {
		evtimer_del(&c->timer);
		return 0;
	}
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	return evtimer_add(&c->timer, &tv) ? -1 : 0;
}

/* curl's sockets are opened and closed here so that smtp_client_free can
 * shut them down: a transfer waiting for a silent server then ends at
 * once instead of holding the thread until its timeout. */
static curl_socket_t on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)purpose;
	struct smtp_client *c = arg;
	pthread_mutex_lock(&c->lock);
	curl_socket_t s = CURL_SOCKET_BAD;
	if (!c->stopping && c->n_fds < MAX_SOCKETS) {
		s = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
		if (s != CURL_SOCKET_BAD)
			c->fds[c->n_fds++] = s;
	}
	pthread_mutex_unlock(&c->lock);
	return s;
}

static int on_close_socket(void *arg, curl_socket_t s)
{
	struct smtp_client *c = arg;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n_fds; i++)
		if (c->fds[i] == s) {
			c->fds[i] = c->fds[--c->n_fds];
			break;
		}
	int rc = close(s);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- one transfer ---- */

static size_t on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp_xfer *x = arg;
	size_t n = size * nitems, left = x->len - x->pos;
	if (n > left)
		n = left;
	memcpy(buf, x->data + x->pos, n);
	x->pos += n;
	return n;
}

/* Printable ASCII of a protocol line, without its line end. */
static void line_copy(char *out, size_t size, const char *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\r' || ch == '\n')
			break;
		out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[o] = '\0';
}

/* Notes the commands sent and the replies received: which step a refusal
 * answered, and its text for the admin. Only a command's verb is kept, so
 * AUTH's credentials go nowhere. QUIT's reply is no news. */
static int on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
	(void)easy;
	struct smtp_xfer *x = arg;
	if (type == CURLINFO_HEADER_OUT && size >= 4) {
		char verb[5];
		for (int i = 0; i < 4; i++)
			verb[i] = (char)toupper((unsigned char)data[i]);
		verb[4] = '\0';
		if (!strcmp(verb, "QUIT"))
			x->quit = true;
		else
			memcpy(x->cmd, verb, sizeof verb);
	} else if (type == CURLINFO_HEADER_IN && size >= 3 && !x->quit) {
		line_copy(x->reply, sizeof x->reply, data, size);
	}
	return 0;
}

static void xfer_free(struct smtp_xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->rcpt);
	free(x);
}

static void classify(struct smtp_xfer *x, CURLcode res, struct smtp_result *r)
{
	memset(r, 0, sizeof *r);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->code);
	if (res == CURLE_OK) {
		r->ok = true;
		return;
	}
	bool about_message = !strcmp(x->cmd, "MAIL") || !strcmp(x->cmd, "RCPT") ||
			     !strcmp(x->cmd, "DATA");
	r->permanent = r->code >= 500 && r->code <= 599 && about_message;
	if (r->code >= 400 && x->reply[0])
		snprintf(r->error, sizeof r->error, "%s: %s", x->cmd[0] ? x->cmd : "greeting",
			 x->reply);
	else
		snprintf(r->error, sizeof r->error, "%s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
}

/* Takes x off the thread's list of transfers under way. */
static void unlink_xfer(struct smtp_client *c, struct smtp_xfer *x)
{
	for (struct smtp_xfer **p = &c->xfers; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	x->next = NULL;
}

static void finish(struct smtp_client *c, struct smtp_xfer *x)
{
	pthread_mutex_lock(&c->lock);
	x->next = c->finished;
	c->finished = x;
	pthread_mutex_unlock(&c->lock);
	ring(c->done_fd);
}

static void check_done(struct smtp_client *c)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(c->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct smtp_xfer *x = NULL;
		CURLcode res = msg->data.result;
		CURL *easy = msg->easy_handle;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(c->multi, easy);
		if (!x)
			continue;
		classify(x, res, &x->r);
		unlink_xfer(c, x);
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
		finish(c, x);
	}
}

static int xfer_setup(struct smtp_client *c, struct smtp_xfer *x)
{
	const struct config *cfg = c->cfg;
	CURL *e = x->easy = curl_easy_init();
	if (!e)
		return DK_ERR_NOMEM;
	long timeout_ms = (long)cfg->mail_timeout_s * 1000;
	int bad = 0;
	bad |= curl_easy_setopt(e, CURLOPT_URL, cfg->smtp_url);
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* a private CA (an internal relay); the server is always verified */
	if (cfg->smtp_ca_file[0])
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, cfg->smtp_ca_file);
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_FROM, c->from);
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	bad |= curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
	bad |= curl_easy_setopt(e, CURLOPT_READDATA, x);
	bad |= curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->len);
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
				timeout_ms < 30000 ? timeout_ms : 30000L);
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	bad |= curl_easy_setopt(e, CURLOPT_VERBOSE, 1L); /* feeds on_debug, prints nothing */
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, c);
	bad |= curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	bad |= curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, c);
	if (!strncmp(cfg->smtp_url, "smtp://", 7) && cfg->smtp_starttls)
		bad |= curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->smtp_user[0]) {
		bad |= curl_easy_setopt(e, CURLOPT_USERNAME, cfg->smtp_user);
		bad |= curl_easy_setopt(e, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	if (bad)
		return DK_ERR_INVALID;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		return DK_ERR_NOMEM;
	return 0;
}

/* The thread: start what the loop handed over. */
static void on_todo(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct smtp_client *c = arg;
	drain(fd);
	pthread_mutex_lock(&c->lock);
	bool stopping = c->stopping;
	struct smtp_xfer *list = stopping ? NULL : c->todo; /* stopping: freed by the loop */
	if (!stopping)
		c->todo = NULL;
	pthread_mutex_unlock(&c->lock);
	if (stopping) {
		event_base_loopbreak(c->base);
		return;
	}
	while (list) {
		struct smtp_xfer *x = list;
		list = x->next;
		x->next = c->xfers;
		c->xfers = x;
		int rc = xfer_setup(c, x);
		if (rc) {
			unlink_xfer(c, x);
			if (x->easy) {
				curl_easy_cleanup(x->easy);
				x->easy = NULL;
			}
			snprintf(x->r.error, sizeof x->r.error, "cannot start: %s", dk_strerror(rc));
			finish(c, x);
		}
	}
}

static void *thread_main(void *arg)
{
	struct smtp_client *c = arg;
	event_base_dispatch(c->base);
	/* stopping: end the transfers under way; their connections were shut
	 * down, and a 1 ms timeout keeps curl from waiting for a goodbye */
	while (c->xfers) {
		struct smtp_xfer *x = c->xfers;
		c->xfers = x->next;
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, 1L);
		curl_multi_remove_handle(c->multi, x->easy);
		xfer_free(x);
	}
	curl_multi_cleanup(c->multi);
	c->multi = NULL;
	while (c->socks)
		sock_free(c->socks);
	return NULL;
}

/* ---- the loop's side ---- */

static void on_finished(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct smtp_client *c = arg;
	drain(fd);
	pthread_mutex_lock(&c->lock);
	struct smtp_xfer *list = c->finished;
	c->finished = NULL;
	pthread_mutex_unlock(&c->lock);
	while (list) {
		struct smtp_xfer *x = list;
		list = x->next;
		c->done(x->arg, &x->r);
		xfer_free(x);
	}
}

int smtp_send(struct smtp_client *c, const char *rcpt, const char *data, size_t len, void *arg)
{
	struct smtp_xfer *x = calloc(1, sizeof *x);
	if (!x)
		return DK_ERR_NOMEM;
	x->c = c;
	x->data = data;
	x->len = len;
	x->arg = arg;
	x->rcpt = curl_slist_append(NULL, rcpt);
	if (!x->rcpt) {
		xfer_free(x);
		return DK_ERR_NOMEM;
	}
	pthread_mutex_lock(&c->lock);
	x->next = c->todo;
	c->todo = x;
	pthread_mutex_unlock(&c->lock);
	ring(c->todo_fd);
	return 0;
}

int smtp_client_new(struct event_base *loop, const struct config *cfg, smtp_done_fn done,
		    struct smtp_client **out)
{
	struct smtp_client *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return DK_ERR_NOMEM;
	c->done_fd = c->todo_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->cfg = cfg;
	c->loop = loop;
	c->done = done;
	if (smtp_from_address(cfg->mail_from, c->from, sizeof c->from)) {
		log_error("mail_bad_from", "from", cfg->mail_from, NULL);
		smtp_client_free(c);
		return DK_ERR_INVALID;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		goto fail;
	c->curl_ready = true;
	c->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->todo_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->base = event_base_new();
	if (c->base)
		evtimer_assign(&c->timer, c->base, on_timer, c);
	c->multi = curl_multi_init();
	if (c->done_fd < 0 || c->todo_fd < 0 || !c->base || !c->multi)
		goto fail;
	c->done_ev = event_new(loop, c->done_fd, EV_READ | EV_PERSIST, on_finished, c);
	c->todo_ev = event_new(c->base, c->todo_fd, EV_READ | EV_PERSIST, on_todo, c);
	if (!c->done_ev || !c->todo_ev || event_add(c->done_ev, NULL) || event_add(c->todo_ev, NULL))
		goto fail;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->mail_parallel);
	/* signals stay with the loop's thread */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int prc = pthread_create(&c->thread, NULL, thread_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (prc)
		goto fail;
	c->started = true;
	*out = c;
	return 0;
fail:
	log_error("mail_smtp_init_failed", NULL);
	smtp_client_free(c);
	return DK_ERR_NOMEM;
}

void smtp_client_free(struct smtp_client *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		for (size_t i = 0; i < c->n_fds; i++)
			shutdown(c->fds[i], SHUT_RDWR);
		pthread_mutex_unlock(&c->lock);
		ring(c->todo_fd);
		pthread_join(c->thread, NULL);
	} else if (c->multi) {
		curl_multi_cleanup(c->multi);
	}
	for (struct smtp_xfer *lists[2] = { c->todo, c->finished }, **l = lists; l < lists + 2; l++)
		while (*l) {
			struct smtp_xfer *x = *l;
			*l = x->next;
			xfer_free(x);
		}
	if (c->done_ev)
		event_free(c->done_ev);
	if (c->todo_ev)
		event_free(c->todo_ev);
	if (c->base) {
		evtimer_del(&c->timer);
		event_base_free(c->base);
	}
	if (c->done_fd >= 0)
		close(c->done_fd);
	if (c->todo_fd >= 0)
		close(c->todo_fd);
	if (c->curl_ready)
		curl_global_cleanup();
	pthread_mutex_destroy(&c->lock);
	free(c);
}
