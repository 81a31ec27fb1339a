/* POST /api/v1/tickets/{ref}/redactions: support removes sensitive text.
 * The timeline keeps that something was redacted, by whom and when, but not
 * the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "store.h"
#include "ticket_change.h"
#include "ticket_input.h"
#include "ticket_view.h"

#define REDACTED_TEXT "[redacted]"

static int redact_comment(struct ticket_change *c, struct store_txn *txn, struct ticket *t,
			  uint32_t seq)
{
	struct ticket_event e;
	int rc = store_event_get(txn, t->id, seq, &e);
	if (rc == DK_ERR_NOTFOUND)
		return ticket_change_refuse(c, 404, "not_found", "seq", "no such comment");
	if (rc)
		return rc;
	if (e.kind != EVENT_COMMENT || e.redacted_by) {
		ticket_event_free(&e);
		return ticket_change_refuse(c, 409, "not_redactable", "seq",
					    e.kind != EVENT_COMMENT ? "only comments can be redacted"
								    : "this comment is redacted already");
	}
	free(e.body);
	e.body = NULL;
	e.redacted_by = c->r->who.user_id;
	e.redacted_ms = deskd_now_ms(c->r->d);
	rc = store_event_replace(txn, &e);
	ticket_event_free(&e);
	return rc;
}

static int apply_redact(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct redact_input *in = c->input;
	char field[32];
	int rc;
	if (in->seq) {
		rc = redact_comment(c, txn, t, in->seq);
		snprintf(field, sizeof field, "comment:%u", in->seq);
	} else {
		char **slot = strcmp(in->field, "title") ? &t->description : &t->title;
		char *v = strdup(REDACTED_TEXT);
		if (!v)
			return DK_ERR_NOMEM;
		free(*slot);
		*slot = v;
		rc = 0;
		snprintf(field, sizeof field, "%s", in->field);
	}
	if (rc)
		return rc;
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_REDACTION;
	e.field = field;
	return ticket_change_event(c, txn, t, &e);
}

void h_ticket_redact(struct req *r)
{
	uint64_t id;
	if (ticket_view_ref(r, &id))
		return;
	struct redact_input in;
	if (HTTP_PARSE_BODY(r, redact_parse, &in))
		return;
	struct ticket_change c = { .r = r, .id = id, .apply = apply_redact, .input = &in };
	ticket_change_run(r, &c, 200);
	redact_input_free(&in);
}
