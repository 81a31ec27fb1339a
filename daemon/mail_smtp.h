/*
 * SMTP delivery: libcurl's SMTP client driven through its multi-socket API
 * by libevent, on a thread of its own with its own event base, so a slow
 * or silent server never holds up the loop. One transfer sends one message
 * to one recipient. The loop hands transfers over and gets their outcome
 * back through eventfds; the thread touches no stored state. Private to
 * mail.c.
 *
 * Why a thread: libcurl 7.88 (Debian 12) waits for the server's reply to
 * the end of the data inside its "done" step, blocking whoever drives the
 * multi handle until the reply or the timeout (a known limitation of
 * curl's SMTP, curl issue 8555). On the loop that would stall every HTTP
 * request for as long as a mail server takes to answer.
 */
#ifndef DESKD_MAIL_SMTP_H
#define DESKD_MAIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct config;
struct smtp_client;

/* How a transfer ended. */
struct smtp_result {
	bool ok;          /* the server accepted the message (250 to its end) */
	bool permanent;   /* a 5xx answer to MAIL, RCPT or DATA: trying again is useless */
	long code;        /* the server's last reply code; 0: none */
	char error[256];  /* what went wrong, for the log and the admin */
};

/* Called once per transfer on the loop's thread, never from inside
 * smtp_send, with the arg given to smtp_send. r is valid during the call.
 * The transfer's resources are released after the call returns. */
typedef void (*smtp_done_fn)(void *arg, const struct smtp_result *r);

/* A client for cfg's smtp_url (cfg must outlive it), whose outcomes are
 * reported on loop: 0 or a negative dk_err. Starts the delivery thread.
 * *out is owned by the caller: smtp_client_free. */
int smtp_client_new(struct event_base *loop, const struct config *cfg, smtp_done_fn done,
		    struct smtp_client **out);
/* Starts sending data (len bytes, CRLF line ends; not copied: it must stay
 * valid until done is called) to rcpt (copied). 0 or a negative dk_err,
 * in which case done is not called. */
int smtp_send(struct smtp_client *c, const char *rcpt, const char *data, size_t len,
	      void *arg);
/* Ends every transfer under way without calling done (their connections
 * are shut down, so a server that never answers holds nothing up), stops
 * the thread and frees c. */
void smtp_client_free(struct smtp_client *c);

/* The address part of a From value: "Name <a@b>" gives "a@b", "a@b"
 * gives itself. 0, or -1 when it holds no address that fits out. */
int smtp_from_address(const char *from, char *out, size_t size);

#endif
