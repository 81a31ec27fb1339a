/* Ticket statuses: one table, so a configurable workflow can replace it. */
#include <stddef.h>
#include <string.h>

#include "workflow.h"

struct status_def {
	const char *name;
	enum status_category category;
};

/* The first row is the status new tickets start in. */
static const struct status_def statuses[] = {
	{ "new", CATEGORY_NEW },
	{ "in_progress", CATEGORY_OPEN },
	{ "waiting_for_customer", CATEGORY_WAITING },
	{ "resolved", CATEGORY_RESOLVED },
	{ "closed", CATEGORY_CLOSED },
	{ "cancelled", CATEGORY_CLOSED },
};

static const char *const ticket_types[] = {
	"incident",
	"question",
	"change_request",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum status_category status_category(const char *status)
{
	size_t i;

	if (!status)
		return CATEGORY_UNKNOWN;
	for (i = 0; i < N_ELEMS(statuses); i++)
		if (strcmp(status, statuses[i].name) == 0)
			return statuses[i].category;
	return CATEGORY_UNKNOWN;
}

const char *status_category_name(enum status_category c)
{
	switch (c) {
	case CATEGORY_NEW:
		return "new";
	case CATEGORY_OPEN:
		return "open";
	case CATEGORY_WAITING:
		return "waiting";
	case CATEGORY_RESOLVED:
		return "resolved";
	case CATEGORY_CLOSED:
		return "closed";
	case CATEGORY_UNKNOWN:
		break;
	}
	return NULL;
}

const char *status_initial(void)
{
	return statuses[0].name;
}

bool status_is_final(const char *status)
{
	return status_category(status) == CATEGORY_CLOSED;
}

bool ticket_type_valid(const char *type)
{
	size_t i;

	if (!type)
		return false;
	for (i = 0; i < N_ELEMS(ticket_types); i++)
		if (strcmp(type, ticket_types[i]) == 0)
			return true;
	return false;
}
