/* Loading a ticket the caller may see, and its JSON views with names. */
#ifndef DESKD_TICKET_VIEW_H
#define DESKD_TICKET_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "access.h"
#include "record.h"

struct req;
struct store_txn;

/* Parses r->param as a reference. 0 and *id, or replies 404 and returns -1. */
int ticket_view_ref(struct req *r, uint64_t *id);
/* Loads ticket id if p may see it: 0, DK_ERR_NOTFOUND (also when hidden) or
 * another dk_err. */
int ticket_view_load(struct store_txn *txn, const struct principal *p, uint64_t id,
		     struct ticket *out);
/* {"id","name","support"} of a user, or a placeholder for a missing one. */
json_t *ticket_view_person(struct store_txn *txn, uint64_t user_id);
/* The ticket with people's names, the timeline events the caller may see,
 * the status label and the workflow actions open to the caller. */
json_t *ticket_view_detail(struct store_txn *txn, struct req *r, const struct ticket *t);
/* Replies 404 with the same words whether the ticket is missing or hidden. */
void ticket_view_not_found(struct req *r);
/* Reads ticket id again and replies with its detail view and status. */
void ticket_view_reply(struct req *r, uint64_t id, int status);

#endif
