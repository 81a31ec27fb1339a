/*
 * Who hears of what, by e-mail. Each function runs inside the write
 * transaction of the change it tells of, picks the recipients, composes one
 * message per recipient in that recipient's language and enqueues it
 * (mail_enqueue), so mail goes out exactly when the change is committed.
 * Disabled users and users without an address never get mail.
 */
#ifndef DESKD_NOTIFY_H
#define DESKD_NOTIFY_H

#include <stdint.h>

struct deskd;
struct store_txn;
struct ticket;
struct ticket_event;

/* A ticket was registered: a confirmation with its reference to the
 * creator (and to every user of the organisation when its settings ask for
 * it). */
int notify_ticket_created(struct deskd *d, struct store_txn *txn, const struct ticket *t);
/* An event was added to t's timeline by actor_id: followers hear of public
 * comments, status changes and resolution, never of internal notes, and
 * the actor is not told of their own change. */
int notify_ticket_event(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			const struct ticket_event *e, uint64_t actor_id);
/* An SLA target of t reached its warning share or was breached (kind: a
 * store_deadline_kind): its organisation's escalation contacts hear of it. */
int notify_sla(struct deskd *d, struct store_txn *txn, const struct ticket *t, uint8_t kind,
	       int64_t due_ms);
/* Account mail: kind "activation", "reset", "invitation" or "signup_known"
 * (someone tried to sign up with an address that has an account) to the
 * address to, in lang, with link (NULL for none). */
int notify_account(struct deskd *d, struct store_txn *txn, const char *kind, const char *to,
		   const char *name, const char *lang, const char *link);
/* An org-customer (requester, a name) asks access for a colleague
 * (colleague: "Name <address>"; details: further lines such as phone and
 * function, or NULL): support's address to hears of it, with link to the
 * page where the request is decided. */
int notify_access_request(struct deskd *d, struct store_txn *txn, const char *to,
			  const char *lang, const char *requester, const char *colleague,
			  const char *details, const char *link);

#endif
