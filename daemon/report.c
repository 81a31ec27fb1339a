#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dk_err.h"
#include "json_map.h"
#include "record.h"
#include "sla_record.h"
#include "store.h"
#include "validate.h"
#include "workflow.h"

int report_month_parse(const char *s, int *year, int *month)
{
	if (!s || strlen(s) != 7 || s[4] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2)
		return -1;
	int y = atoi(s), m = atoi(s + 5);
	if (y < 1970 || m < 1 || m > 12)
		return -1;
	*year = y;
	*month = m;
	return 0;
}

static int64_t month_start_ms(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = 1 };
	return (int64_t)timegm(&tm) * 1000;
}

struct build {
	struct store_txn *txn;
	const struct workflow *wf;
	int64_t now_ms;
	struct report *r;
	bool resolved;       /* the ticket at hand reached a resolved status in the month */
};

static bool in_month(const struct report *r, int64_t ms)
{
	return ms >= r->from_ms && ms < r->to_ms;
}

static int event_fn(const struct ticket_event *e, void *arg)
{
	struct build *b = arg;
	struct report *r = b->r;
	if (!in_month(r, e->time_ms))
		return 0;
	if (e->kind == EVENT_STATUS) {
		if (e->new_value && workflow_category(b->wf, e->new_value) == CATEGORY_RESOLVED)
			b->resolved = true;
		if (e->rating >= 1 && e->rating <= 5) {
			r->ratings++;
			r->rating_sum += e->rating;
			r->scores[e->rating - 1]++;
		}
	} else if (e->kind == EVENT_TIME) {
		r->minutes += e->minutes;
		if (e->billable)
			r->billable_minutes += e->minutes;
	}
	return 0;
}

/* 1 breached, 0 met, -1 neither yet (no target, or still running). */
static int clock_outcome(const struct sla_state *s, enum sla_kind kind, int64_t now_ms)
{
	const struct sla_clock *c = &s->clock[kind];
	if (c->run == SLA_CLOCK_OFF || c->target_ms <= 0)
		return -1;
	int64_t at = c->run == SLA_CLOCK_STOPPED ? c->stopped_ms : now_ms;
	if ((s->flags[kind] & SLA_FLAG_BREACHED) || (c->due_ms != SLA_NEVER && c->due_ms <= at))
		return 1;
	return c->run == SLA_CLOCK_STOPPED ? 0 : -1;
}

static int ticket_fn(uint64_t id, void *arg)
{
	struct build *b = arg;
	struct report *r = b->r;
	struct ticket t;
	int rc = store_ticket_get(b->txn, id, &t);
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	r->examined++;
	struct report_priority *p = t.priority >= 1 && t.priority <= 4 ? &r->priority[t.priority - 1]
								       : NULL;
	bool opened = in_month(r, t.created_ms);
	if (opened) {
		r->opened++;
		if (p)
			p->opened++;
	}
	if (t.closed_ms && in_month(r, t.closed_ms)) {
		r->closed++;
		if (p)
			p->closed++;
	}
	b->resolved = t.resolved_ms && in_month(r, t.resolved_ms);
	/* only a ticket changed since the month began can hold its events */
	if (t.created_ms < r->to_ms && t.updated_ms >= r->from_ms)
		rc = store_events_each(b->txn, id, event_fn, b);
	if (rc == 0 && b->resolved) {
		r->resolved++;
		if (p)
			p->resolved++;
	}
	struct sla_state s;
	if (rc == 0 && p && (opened || b->resolved)) {
		rc = store_sla_get(b->txn, id, &s);
		if (rc == 0) {
			int o = opened ? clock_outcome(&s, SLA_FIRST_RESPONSE, b->now_ms) : -1;
			if (o == 1)
				p->response_breached++;
			else if (o == 0)
				p->response_met++;
			o = b->resolved ? clock_outcome(&s, SLA_RESOLUTION, b->now_ms) : -1;
			if (o == 1)
				p->resolution_breached++;
			else if (o == 0)
				p->resolution_met++;
		} else if (rc == DK_ERR_NOTFOUND) {
			rc = 0; /* made before SLA clocks existed */
		}
	}
	ticket_free(&t);
	return rc;
}

int report_build(struct store_txn *txn, const struct workflow *wf, uint64_t org_id, int year,
		 int month, int64_t now_ms, struct report *out)
{
	struct org o;
	memset(out, 0, sizeof *out);
	int rc = store_org_get(txn, org_id, &o);
	if (rc)
		return rc;
	out->org_id = org_id;
	snprintf(out->org_name, sizeof out->org_name, "%s", o.name ? o.name : "");
	org_free(&o);
	out->year = year;
	out->month = month;
	out->from_ms = month_start_ms(year, month);
	out->to_ms = month == 12 ? month_start_ms(year + 1, 1) : month_start_ms(year, month + 1);
	struct build b = { .txn = txn, .wf = wf, .now_ms = now_ms, .r = out };
	rc = store_ticket_walk(txn, SCOPE_ORG, org_id, BUCKET_ALL, 0, false, ticket_fn, &b);
	if (rc) {
		uint64_t keep = out->org_id;
		memset(out, 0, sizeof *out);
		out->org_id = keep;
	}
	return rc;
}

static json_t *priority_json(const struct report_priority *p)
{
	return json_pack("{s:I, s:I, s:I, s:{s:I, s:I}, s:{s:I, s:I}}", "opened",
			 (json_int_t)p->opened, "resolved", (json_int_t)p->resolved, "closed",
			 (json_int_t)p->closed, "first_response", "met", (json_int_t)p->response_met,
			 "breached", (json_int_t)p->response_breached, "resolution", "met",
			 (json_int_t)p->resolution_met, "breached", (json_int_t)p->resolution_breached);
}

json_t *report_json(const struct report *r)
{
	char month[16], from[32], to[32];
	snprintf(month, sizeof month, "%04d-%02d", r->year, r->month);
	time_format_rfc3339(r->from_ms, from);
	time_format_rfc3339(r->to_ms, to);
	json_t *sla = json_object();
	for (int i = 0; sla && i < 4; i++)
		json_object_set_new(sla, priority_name((uint8_t)(i + 1)), priority_json(&r->priority[i]));
	json_t *scores = json_object();
	for (int i = 0; scores && i < 5; i++) {
		char k[2] = { (char)('1' + i), '\0' };
		json_object_set_new(scores, k, json_integer((json_int_t)r->scores[i]));
	}
	return json_pack("{s:{s:I, s:s}, s:s, s:s, s:s, s:{s:I, s:I, s:I}, s:o, "
			 "s:{s:I, s:o, s:o}, s:{s:I, s:I}, s:I}",
			 "org", "id", (json_int_t)r->org_id, "name", r->org_name, "month", month,
			 "from", from, "to", to, "tickets", "opened", (json_int_t)r->opened,
			 "resolved", (json_int_t)r->resolved, "closed", (json_int_t)r->closed,
			 "by_priority", sla, "satisfaction", "ratings", (json_int_t)r->ratings,
			 "average",
			 r->ratings ? json_real((double)r->rating_sum / (double)r->ratings)
				    : json_null(),
			 "scores", scores, "time", "minutes", (json_int_t)r->minutes,
			 "billable_minutes", (json_int_t)r->billable_minutes, "tickets_examined",
			 (json_int_t)r->examined);
}

enum label {
	L_ORG, L_MONTH, L_OPENED, L_RESOLVED, L_CLOSED, L_PRIORITY, L_RESPONSE_MET,
	L_RESPONSE_BREACHED, L_RESOLUTION_MET, L_RESOLUTION_BREACHED, L_RATINGS, L_AVERAGE,
	L_SCORE, L_MINUTES, L_BILLABLE, L_ALL, L_COUNT
};

static const char *const labels[3][L_COUNT] = {
	{ "Organisation", "Month", "Opened", "Resolved", "Closed", "Priority",
	  "First response met", "First response breached", "Resolution met",
	  "Resolution breached", "Ratings", "Average rating", "Rating", "Time logged (minutes)",
	  "Billable time (minutes)", "All" },
	{ "Organisatie", "Maand", "Geopend", "Opgelost", "Gesloten", "Prioriteit",
	  "Eerste reactie op tijd", "Eerste reactie te laat", "Oplossing op tijd",
	  "Oplossing te laat", "Beoordelingen", "Gemiddelde beoordeling", "Beoordeling",
	  "Geregistreerde tijd (minuten)", "Factureerbare tijd (minuten)", "Alle" },
	{ "Organisation", "Månad", "Öppnade", "Lösta", "Stängda", "Prioritet",
	  "Första svar i tid", "Första svar försenat", "Lösning i tid", "Lösning försenad",
	  "Betyg", "Medelbetyg", "Betyg", "Registrerad tid (minuter)",
	  "Fakturerbar tid (minuter)", "Alla" },
};

#define TEXT(s) { .kind = CELL_TEXT, .text = (s) }
#define NUM(n) { .kind = CELL_NUMBER, .number = (double)(n) }

int report_sheet(const struct report *r, struct sheet *s, const char *lang)
{
	int li = lang && !strcmp(lang, "nl") ? 1 : lang && !strcmp(lang, "sv") ? 2 : 0;
	const char *const *L = labels[li];
	char month[16];
	int rc = 0;
	snprintf(month, sizeof month, "%04d-%02d", r->year, r->month);
	static const double widths[] = { 28, 14, 14, 14, 22, 22, 18, 18 };
	sheet_widths(s, widths, sizeof widths / sizeof widths[0]);

	struct sheet_cell head[][2] = {
		{ TEXT(L[L_ORG]), TEXT(r->org_name) },
		{ TEXT(L[L_MONTH]), TEXT(month) },
	};
	for (size_t i = 0; !rc && i < 2; i++)
		rc = sheet_row(s, head[i], 2, false);
	struct sheet_cell blank[1] = { { .kind = CELL_EMPTY } };
	if (!rc)
		rc = sheet_row(s, blank, 1, false);

	struct sheet_cell cols[8] = {
		TEXT(L[L_PRIORITY]), TEXT(L[L_OPENED]), TEXT(L[L_RESOLVED]), TEXT(L[L_CLOSED]),
		TEXT(L[L_RESPONSE_MET]), TEXT(L[L_RESPONSE_BREACHED]), TEXT(L[L_RESOLUTION_MET]),
		TEXT(L[L_RESOLUTION_BREACHED]),
	};
	if (!rc)
		rc = sheet_row(s, cols, 8, true);
	struct report_priority all = { 0 };
	for (int i = 0; !rc && i < 5; i++) {
		const struct report_priority *p = &all;
		if (i < 4) {
			p = &r->priority[i];
			all.response_met += p->response_met;
			all.response_breached += p->response_breached;
			all.resolution_met += p->resolution_met;
			all.resolution_breached += p->resolution_breached;
		} else {
			/* tickets without a priority count in the totals too */
			all.opened = r->opened;
			all.resolved = r->resolved;
			all.closed = r->closed;
		}
		struct sheet_cell row[8] = {
			TEXT(i < 4 ? priority_name((uint8_t)(i + 1)) : L[L_ALL]),
			NUM(p->opened), NUM(p->resolved), NUM(p->closed), NUM(p->response_met),
			NUM(p->response_breached), NUM(p->resolution_met),
			NUM(p->resolution_breached),
		};
		rc = sheet_row(s, row, 8, false);
	}
	if (!rc)
		rc = sheet_row(s, blank, 1, false);

	struct sheet_cell sat[2][2] = {
		{ TEXT(L[L_RATINGS]), NUM(r->ratings) },
		{ TEXT(L[L_AVERAGE]), NUM(0) },
	};
	if (r->ratings)
		sat[1][1].number = (double)r->rating_sum / (double)r->ratings;
	else
		sat[1][1].kind = CELL_EMPTY;
	for (size_t i = 0; !rc && i < 2; i++)
		rc = sheet_row(s, sat[i], 2, false);
	for (int i = 0; !rc && i < 5; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s %d", L[L_SCORE], i + 1);
		struct sheet_cell row[2] = { TEXT(name), NUM(r->scores[i]) };
		rc = sheet_row(s, row, 2, false);
	}
	if (!rc)
		rc = sheet_row(s, blank, 1, false);
	struct sheet_cell logged[2][2] = {
		{ TEXT(L[L_MINUTES]), NUM(r->minutes) },
		{ TEXT(L[L_BILLABLE]), NUM(r->billable_minutes) },
	};
	for (size_t i = 0; !rc && i < 2; i++)
		rc = sheet_row(s, logged[i], 2, false);
	return rc;
}
