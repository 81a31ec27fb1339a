/*
 * The monthly report of one organisation: tickets opened, resolved and
 * closed in a calendar month (UTC), SLA targets met and breached per
 * priority, satisfaction ratings given and time logged. Built from the
 * storage API alone, so deskd and deskctl share it.
 *
 * Cost: the desk-wide day counters do not split by organisation, so the
 * report walks the organisation's ticket list once (one record read per
 * ticket) and reads the timeline and SLA state only of tickets created
 * before the month ended and changed since it began; every change of a
 * ticket (a status, a rating, time logged) moves its updated time.
 */
#ifndef DESKD_REPORT_H
#define DESKD_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "sheet.h"

struct store_txn;
struct workflow;

#define REPORT_ORG_NAME_MAX 200

struct report_priority {
	uint64_t opened, resolved, closed;
	uint64_t response_met, response_breached;     /* tickets opened in the month */
	uint64_t resolution_met, resolution_breached; /* tickets resolved in the month */
};

struct report {
	uint64_t org_id;
	char org_name[REPORT_ORG_NAME_MAX + 1];
	int year, month;
	int64_t from_ms, to_ms;        /* [from, to): the month in UTC */
	uint64_t opened, resolved, closed;
	struct report_priority priority[4]; /* [0] is P1 */
	uint64_t ratings;              /* ratings given in the month */
	uint64_t rating_sum;
	uint64_t scores[5];            /* [0]: rating 1 */
	uint64_t minutes, billable_minutes; /* time logged in the month */
	uint64_t examined;             /* tickets read */
};

/* "YYYY-MM" (1970-01 .. 9999-12): 0 with *year and *month, or -1. */
int report_month_parse(const char *s, int *year, int *month);

/* Builds the report of org_id (whose name is in *out afterwards) for the
 * month; now_ms judges clocks still running. 0, DK_ERR_NOTFOUND for no
 * such organisation, or another dk_err. */
int report_build(struct store_txn *txn, const struct workflow *wf, uint64_t org_id, int year,
		 int month, int64_t now_ms, struct report *out);

/* The JSON form (docs/API.md); new reference, NULL when out of memory. */
json_t *report_json(const struct report *r);
/* The table form, labelled in lang (en, nl, sv; others read as en). */
int report_sheet(const struct report *r, struct sheet *s, const char *lang);

#endif
