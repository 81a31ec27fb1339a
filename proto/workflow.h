/*
 * Ticket statuses and the category each belongs to. The category decides in
 * which list view a ticket appears (open, resolved, closed).
 */
#ifndef DESKD_WORKFLOW_H
#define DESKD_WORKFLOW_H

#include <stdbool.h>

enum status_category {
	CATEGORY_UNKNOWN = 0,
	CATEGORY_NEW = 1,
	CATEGORY_OPEN = 2,
	CATEGORY_WAITING = 3,
	CATEGORY_RESOLVED = 4,
	CATEGORY_CLOSED = 5
};

/* Category of a status name; CATEGORY_UNKNOWN for names not in the table. */
enum status_category status_category(const char *status);
/* "new", "open", "waiting", "resolved", "closed". */
const char *status_category_name(enum status_category c);
/* The status a new ticket starts in. */
const char *status_initial(void);
/* True when the ticket is finished and refuses further changes. */
bool status_is_final(const char *status);

/* Ticket types accepted by the API. */
bool ticket_type_valid(const char *type);

#endif
