/*
 * One change to one existing ticket, run inside a write transaction: load
 * the ticket the caller may see, let the change apply itself to a copy,
 * write the copy and its timeline events together, and answer. A change is
 * run again from the start when the map grows, so it keeps nothing outside
 * the transaction but what it reports through the struct.
 */
#ifndef DESKD_TICKET_CHANGE_H
#define DESKD_TICKET_CHANGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct req;
struct store_txn;

/* Returned by apply functions that refused the change (see ticket_change_refuse). */
#define TICKET_CHANGE_REFUSED (-1000)

struct ticket_change {
	struct req *r;
	uint64_t id;
	int (*apply)(struct ticket_change *c, struct store_txn *txn, struct ticket *t);
	const void *input;
	bool changed;          /* an event was written */
	bool agent_replied;    /* ... and one is a public reply by support */
	/* a refusal, set by ticket_change_refuse */
	int status;
	const char *code;
	const char *field;
	char message[192];
	json_t *details;       /* extra error members, owned (e.g. sensitive-data hits) */
};

/* Records why the change is refused; returns TICKET_CHANGE_REFUSED. */
int ticket_change_refuse(struct ticket_change *c, int status, const char *code,
			 const char *field, const char *message);
/* Appends e to t's timeline with the caller as actor and now as time. */
int ticket_change_event(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			struct ticket_event *e);
/* Records a field change (old and new as text; NULL: none). */
int ticket_change_field(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			const char *field, const char *old_value, const char *new_value);
/* Sets the text *slot to value (NULL clears) and records the change, when
 * it is one. */
int ticket_change_text(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
		       const char *field, char **slot, const char *value);
/* Moves t to status to (a workflow status) and writes the status event,
 * with an optional comment body and rating; keeps category, resolved and
 * closed times in step. */
int ticket_change_status(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			 const char *to, const char *body, uint8_t rating);
/* Adds a comment (body is copied by the store) and, for a customer's public
 * one, moves the ticket as a comment does: back to work when support
 * waited for the customer, reopened when it was resolved. */
int ticket_change_comment(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			  const char *body, bool internal);
/* Refuses any change to a ticket in a closed-category status. */
int ticket_change_refuse_final(struct ticket_change *c, const struct ticket *t);
/* Runs the change and answers with the ticket (ok_status) or the error. */
void ticket_change_run(struct req *r, struct ticket_change *c, int ok_status);

#endif
