/*
 * Who may see and do what: the one place that decides it. Pure functions, so
 * unit tests call them directly; every handler goes through them.
 */
#ifndef DESKD_ACCESS_H
#define DESKD_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct principal {
	uint64_t user_id;
	uint64_t org_id;
	enum role role;
	bool approver; /* approves requests of their organisation */
};

/* May p see ticket t at all? (A ticket p may not see answers 404.) */
bool access_ticket_visible(const struct principal *p, const struct ticket *t);
/* May p see this timeline event of a ticket p can see? */
bool access_event_visible(const struct principal *p, const struct ticket_event *e);
/* May p add a public comment (p must see t)? */
bool access_ticket_comment(const struct principal *p, const struct ticket *t);
/* May p change type or priority of t? */
bool access_ticket_edit(const struct principal *p, const struct ticket *t);
/* May p approve or reject t (an approver of t's organisation, for a ticket
 * whose request type needs approval)? */
bool access_ticket_approve(const struct principal *p, const struct ticket *t);
/* May p create tickets (customers of an organisation, agents, admins)? */
bool access_ticket_create(const struct principal *p);

#endif
