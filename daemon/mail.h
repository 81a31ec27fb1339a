/*
 * The mail outbox and its delivery. A message is put in the outbox in the
 * transaction of the change that causes it (mail_enqueue), so it is sent
 * exactly when the change is committed and survives a crash. Delivery runs
 * on the loop: libcurl's SMTP client through the multi-socket API, or, with
 * no smtp_url configured, a .eml file in DATA/maildir/new. A message keeps
 * the bytes (and so the Message-ID) it was composed with, so a copy re-sent
 * after a crash is recognised as the same message by mail systems.
 */
#ifndef DESKD_MAIL_H
#define DESKD_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct deskd;
struct store_txn;
struct mailer;

/* Puts one message for one recipient address in the outbox, due now, in
 * txn (a write transaction of the loop). data is the whole RFC 5322 message
 * with CRLF line ends, as mail_compose makes it. The delivery timer is
 * armed for it; nothing is sent before txn commits (a timer that fires for
 * an abandoned transaction finds nothing). 0 or a negative dk_err. */
int mail_enqueue(struct deskd *d, struct store_txn *txn, const char *rcpt, const char *data,
		 size_t len);

/* The delivery engine, owned by struct deskd (d->mailer). start arms the
 * timer for the earliest message in the outbox (one cursor step, no scan);
 * free cancels deliveries under way (they stay in the outbox). */
int mailer_new(struct deskd *d, struct mailer **out);
int mailer_start(struct mailer *m);
void mailer_free(struct mailer *m);
/* The batch the outbox was written in has committed (ok) or was lost:
 * messages queued in it are now there to deliver (group_commit.c). */
void mailer_committed(struct mailer *m, bool ok);

#endif
