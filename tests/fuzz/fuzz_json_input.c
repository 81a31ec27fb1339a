/*
 * Request bodies: the first byte picks the parser of one endpoint, the
 * rest goes through json_body_parse as deskd reads a body, then to that
 * parser. Any JSON must give 0 or a field error, never a crash or a leak.
 * The documents an admin imports (catalogue, workflow, SLA calendar and
 * policy) must also survive their export: importing what was exported
 * gives an equal export.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "account_input.h"
#include "catalogue.h"
#include "mail_inbound.h"
#include "profile_input.h"
#include "sla.h"
#include "ticket_input.h"
#include "validate.h"
#include "workflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_export(const char *what, json_t *a, json_t *b)
{
	if (!a || !b || !json_equal(a, b)) {
		fprintf(stderr, "%s: export, import and export again differ\n", what);
		abort();
	}
}

static void catalogue_import(const json_t *doc)
{
	struct field_error fe;
	struct catalogue *c, *again;
	if (catalogue_from_json(doc, &c, &fe))
		return;
	json_t *out = catalogue_to_json(c);
	if (catalogue_from_json(out, &again, &fe)) {
		fprintf(stderr, "catalogue: own export refused: %s %s\n", fe.field, fe.message);
		abort();
	}
	json_t *out2 = catalogue_to_json(again);
	same_export("catalogue", out, out2);
	json_decref(out);
	json_decref(out2);
	catalogue_free(again);
	catalogue_free(c);
}

/* A new ticket's form against the default catalogue, as a customer with a
 * contract and as staff. */
static void catalogue_form(const json_t *form)
{
	static char *services[] = { "erp", "hosting", "workplace" };
	struct contract k = { services, 3, PRIORITY_DIRECT, false };
	struct catalogue *c = catalogue_default();
	struct field_error fe;
	struct catalogue_choice ch;
	for (int staff = 0; c && staff < 2; staff++) {
		if (catalogue_check(c, &k, staff, form, &ch, &fe) == 0)
			catalogue_choice_free(&ch);
	}
	catalogue_free(c);
}

static void workflow_import(const json_t *doc)
{
	struct field_error fe;
	struct workflow *wf, *again;
	if (workflow_from_json(doc, &wf, &fe))
		return;
	json_t *out = workflow_to_json(wf);
	if (workflow_from_json(out, &again, &fe)) {
		fprintf(stderr, "workflow: own export refused: %s %s\n", fe.field, fe.message);
		abort();
	}
	json_t *out2 = workflow_to_json(again);
	same_export("workflow", out, out2);
	json_decref(out);
	json_decref(out2);
	workflow_free(again);
	workflow_free(wf);
}

static void sla_calendar_import(const json_t *doc)
{
	struct field_error fe;
	struct sla_calendar *c = malloc(sizeof *c), *again = malloc(sizeof *again);
	if (c && again && sla_calendar_from_json(doc, c, &fe) == 0) {
		json_t *out = sla_calendar_to_json(c);
		if (sla_calendar_from_json(out, again, &fe)) {
			fprintf(stderr, "calendar: own export refused: %s %s\n", fe.field,
				fe.message);
			abort();
		}
		json_t *out2 = sla_calendar_to_json(again);
		same_export("calendar", out, out2);
		json_decref(out);
		json_decref(out2);
	}
	free(c);
	free(again);
}

static void sla_policy_import(const json_t *doc)
{
	struct field_error fe;
	struct sla_policy *p = malloc(sizeof *p), *again = malloc(sizeof *again);
	if (p && again && sla_policy_from_json(doc, p, &fe) == 0) {
		json_t *out = sla_policy_to_json(p);
		if (sla_policy_from_json(out, again, &fe)) {
			fprintf(stderr, "policy: own export refused: %s %s\n", fe.field,
				fe.message);
			abort();
		}
		json_t *out2 = sla_policy_to_json(again);
		same_export("policy", out, out2);
		json_decref(out);
		json_decref(out2);
	}
	free(p);
	free(again);
}

/* What deskd does with an inbound message besides reading it. */
static void mail_inbound(const json_t *body)
{
	struct field_error fe;
	struct mail_inbound m;
	if (mail_inbound_parse(body, &m, &fe))
		return;
	uint64_t id;
	char domain[256];
	(void)mail_inbound_loop(&m, "desk.example.com");
	(void)mail_inbound_ticket(&m, "DESK", &id);
	free(mail_inbound_title(m.subject, m.text));
	mail_address_domain(m.from, domain, sizeof domain);
	mail_inbound_free(&m);
}

/* Calls parse and frees its output when it succeeded. */
#define PARSE(type, parse, release)                                      \
	do {                                                             \
		struct type in;                                          \
		if (parse(body, &in, &fe) == 0)                          \
			release(&in);                                    \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct field_error fe;
	json_t *body = json_body_parse((const char *)data + 1, size - 1, &fe);
	if (!body)
		return 0;
	switch (data[0] % 24) {
	case 0: PARSE(login_input, login_parse, login_input_free); break;
	case 1: PARSE(ticket_create_input, ticket_create_parse, ticket_create_input_free); break;
	case 2: PARSE(ticket_patch_input, ticket_patch_parse, ticket_patch_input_free); break;
	case 3: PARSE(comment_input, comment_parse, comment_input_free); break;
	case 4: PARSE(action_input, action_parse, action_input_free); break;
	case 5: PARSE(time_input, time_parse, time_input_free); break;
	case 6: PARSE(participant_input, participant_parse, participant_input_free); break;
	case 7: PARSE(link_input, link_parse, link_input_free); break;
	case 8: PARSE(redact_input, redact_parse, redact_input_free); break;
	case 9: PARSE(profile_input, profile_parse, profile_input_free); break;
	case 10: PARSE(password_input, password_change_parse, password_input_free); break;
	case 11:
	case 12: {
		struct signup_input in;
		if (signup_parse(body, data[0] % 24 == 12, &in, &fe) == 0)
			signup_input_free(&in);
		break;
	}
	case 13:
	case 14: {
		struct token_input in;
		if (token_parse(body, data[0] % 24 == 14, &in, &fe) == 0)
			token_input_free(&in);
		break;
	}
	case 15: PARSE(access_input, access_input_parse, access_input_free); break;
	case 16: {
		char *reason = NULL;
		if (refuse_parse(body, &reason, &fe) == 0)
			free(reason);
		break;
	}
	case 17: mail_inbound(body); break;
	case 18: catalogue_import(body); break;
	case 19: catalogue_form(body); break;
	case 20: workflow_import(body); break;
	case 21: sla_calendar_import(body); break;
	case 22: sla_policy_import(body); break;
	case 23: {
		/* the create form is checked by catalogue_check after the body */
		struct ticket_create_input in;
		if (ticket_create_parse(body, &in, &fe) == 0) {
			if (in.form)
				catalogue_form(in.form);
			ticket_create_input_free(&in);
		}
		break;
	}
	}
	json_decref(body);
	return 0;
}
