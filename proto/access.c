/*
 * Visibility and permission rules for tickets. Every function answers false
 * for a missing principal or ticket, and ROLE_NONE (also used for disabled
 * accounts) may do nothing.
 */
#include <stddef.h>

#include "access.h"

static bool is_participant(const struct principal *p, const struct ticket *t)
{
	return p->user_id != 0 &&
	       id_list_has(t->participants, t->n_participants, p->user_id);
}

static bool is_requester(const struct principal *p, const struct ticket *t)
{
	return p->user_id != 0 && t->requester_id == p->user_id;
}

/* org_id 0 means "no organisation", which must never match another 0. */
static bool same_org(const struct principal *p, const struct ticket *t)
{
	return p->org_id != 0 && t->org_id == p->org_id;
}

bool access_ticket_visible(const struct principal *p, const struct ticket *t)
{
	if (!p || !t)
		return false;
	switch (p->role) {
	case ROLE_AGENT:
	case ROLE_ADMIN:
		return true;
	case ROLE_ORG_CUSTOMER:
		return same_org(p, t) || is_participant(p, t);
	case ROLE_CUSTOMER:
		/* A requester who has since moved to another organisation no
		 * longer sees the old organisation's tickets. */
		if (is_participant(p, t))
			return true;
		if (!same_org(p, t))
			return false;
		return is_requester(p, t) || t->shared_with_org ||
		       (p->approver && t->needs_approval);
	case ROLE_NONE:
		break;
	}
	return false;
}

bool access_event_visible(const struct principal *p, const struct ticket_event *e)
{
	/* role_name is NULL for ROLE_NONE and for values outside the enum */
	if (!p || !e || !role_name(p->role))
		return false;
	if (e->internal)
		return role_is_staff(p->role);
	return true;
}

/* Closed tickets refusing comments is the workflow's business, not this. */
bool access_ticket_comment(const struct principal *p, const struct ticket *t)
{
	return access_ticket_visible(p, t);
}

bool access_ticket_edit(const struct principal *p, const struct ticket *t)
{
	if (!access_ticket_visible(p, t))
		return false;
	switch (p->role) {
	case ROLE_AGENT:
	case ROLE_ADMIN:
		return true;
	case ROLE_ORG_CUSTOMER:
		return same_org(p, t) || is_requester(p, t);
	case ROLE_CUSTOMER:
		return is_requester(p, t);
	case ROLE_NONE:
		break;
	}
	return false;
}

bool access_ticket_approve(const struct principal *p, const struct ticket *t)
{
	/* Nobody approves their own request. */
	return p && t && p->approver && t->needs_approval && same_org(p, t) &&
	       !is_requester(p, t) &&
	       (p->role == ROLE_CUSTOMER || p->role == ROLE_ORG_CUSTOMER);
}

bool access_ticket_create(const struct principal *p)
{
	if (!p)
		return false;
	switch (p->role) {
	case ROLE_AGENT:
	case ROLE_ADMIN:
		return true;
	case ROLE_CUSTOMER:
	case ROLE_ORG_CUSTOMER:
		return p->org_id != 0;
	case ROLE_NONE:
		break;
	}
	return false;
}
