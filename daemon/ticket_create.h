/*
 * Creating a ticket from code other than POST /api/v1/tickets (the mail
 * gateway), through the same rules and the same transaction.
 */
#ifndef DESKD_TICKET_CREATE_H
#define DESKD_TICKET_CREATE_H

#include <stdint.h>

struct req;
struct store_txn;
struct ticket;
struct ticket_create_input;

/* Runs in the ticket's transaction after it is written; non-zero aborts
 * the whole creation and is returned. */
typedef int (*ticket_create_hook)(struct store_txn *txn, const struct ticket *t, void *arg);

struct ticket_create_refusal {
	int status;          /* HTTP status */
	const char *code;    /* static */
	char message[192];
	char field[64];
};

/* Creates the ticket in describes for r's caller (r->who and r->user: a
 * customer of an organisation, or staff naming in->requester), as the API
 * does after parsing: catalogue, workflow, SLA and notifications. channel
 * overrides the channel recorded (NULL: as the API decides). 0 and *id;
 * DK_ERR_INVALID with *why filled when the rules refuse it; another dk_err
 * when it could not be written. */
int ticket_create_store(struct req *r, const struct ticket_create_input *in, const char *channel,
			ticket_create_hook then, void *then_arg, uint64_t *id,
			struct ticket_create_refusal *why);

#endif
