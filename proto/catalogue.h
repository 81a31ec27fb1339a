/*
 * Request types, service catalogue, custom fields and the priority rule.
 *
 * A catalogue holds the request types a customer chooses from (each mapping
 * to a ticket type and naming the fields of its form), the services and their
 * sub-categories, custom field definitions and the impact x urgency priority
 * matrix, with labels in English, Dutch and Swedish. It is immutable once
 * built: every function here only reads it, so one catalogue may be shared
 * by any number of callers. Functions taking a catalogue need a non-NULL one
 * unless they say otherwise. docs/CATALOGUE.md describes the JSON format.
 *
 * What an organisation may use comes from its contract, which the caller
 * supplies (built from the organisation record); nothing here keeps it.
 *
 * Languages are "en", "nl" and "sv"; a region suffix is ignored ("sv-SE" is
 * "sv") and anything else, NULL included, means "en".
 *
 * Field errors use the codes of validate.h: "required", "invalid_type",
 * "invalid_value", "unknown_field", "too_long", "invalid_text", plus
 * "duplicate" (import) and "not_allowed" (a choice the caller has no right
 * to make, such as a priority under a matrix contract).
 */
#ifndef DESKD_CATALOGUE_H
#define DESKD_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "validate.h"

#define CATALOGUE_FORMAT_VERSION 1

/* Matches struct org's priority_mode byte: 0 is "no priority rights". */
enum priority_mode {
	PRIORITY_NONE = 0,   /* always P4 */
	PRIORITY_MATRIX = 1, /* derived from impact x urgency; not chosen */
	PRIORITY_DIRECT = 2  /* P1-P4 chosen, else derived from impact x urgency */
};

/* "none", "matrix", "direct"; NULL for anything else. */
const char *priority_mode_name(enum priority_mode m);
/* 0 and *out set, or DK_ERR_INVALID. */
int priority_mode_parse(const char *s, enum priority_mode *out);

/* The standard ticket types: incident, security_incident, question,
 * service_request, task, problem, change_request. The last two are for
 * agents: a customer gets them only through a request type that maps to
 * them. */
bool catalogue_ticket_type_valid(const char *type);

struct catalogue;

/* A new catalogue with the five standard request types (report_incident,
 * report_security_incident, ask_question, perform_task, portal_help), the
 * example services workplace (laptop, printer, phone), applications (email,
 * erp) and network (vpn, wifi), the default matrix and no custom fields.
 * Caller frees with catalogue_free; NULL when out of memory. */
struct catalogue *catalogue_default(void);

/* Builds a catalogue from the import format. Strict: unknown keys, duplicate
 * ids, missing labels, bad kinds, references to undefined fields and matrix
 * entries outside 1..4 are refused. Returns 0 and a new catalogue in *out
 * (caller frees), DK_ERR_INVALID with err->field a path such as
 * "services[2].subcategories[0].id", or DK_ERR_NOMEM; *out is NULL on
 * failure. */
int catalogue_from_json(const json_t *doc, struct catalogue **out,
			struct field_error *err);

/* The catalogue in its canonical import format, every key written; importing
 * it gives back an equal catalogue and an equal export. New reference (caller
 * decrefs), NULL when out of memory. */
json_t *catalogue_to_json(const struct catalogue *c);

void catalogue_free(struct catalogue *c);

/* An organisation's contract. Borrowed: never modified or kept. */
struct contract {
	char **services;            /* service ids offered; none: no services */
	size_t n_services;
	enum priority_mode priority_mode;
	bool share_by_default;      /* new tickets shared with the organisation */
};

/*
 * What the caller may use, labelled in lang:
 * {"lang", "request_types": [{"id","label","description","ticket_type",
 *  "needs_approval","fields": [{"id","kind","label","required","custom",
 *  "choices"?,"max_length"?,"min"?,"max"?}]}], "services": [{"id","label",
 *  "subcategories": [{"id","label"}]}], "service_required", "ticket_types":
 *  [{"id","label"}], "priority": {"mode","matrix","impact": [{"id","label"}],
 *  "urgency": [...], "priorities"?: [{"id","label"}]}, "share_by_default"}.
 * Customers see the contract's services (k NULL: none), the ticket types
 * their request types lead to and the contract's priority mode; staff see
 * every service and ticket type, and mode "direct" since agents may set any
 * priority. New reference (caller decrefs), NULL when out of memory.
 */
json_t *catalogue_view_json(const struct catalogue *c, const struct contract *k,
			    bool staff, const char *lang);

/* The catalogue part of a new ticket. Strings and fields are owned; free with
 * catalogue_choice_free. */
struct catalogue_choice {
	char *request_type;  /* NULL only for staff giving just a "type" */
	char *ticket_type;
	char *service;       /* NULL: none chosen */
	char *subcategory;   /* NULL: none chosen */
	uint8_t impact;      /* 1..3, 0: not given */
	uint8_t urgency;     /* 1..4, 0: not given */
	uint8_t priority;    /* 1..4, always set */
	bool needs_approval; /* from the request type */
	json_t *fields;      /* object of the values given, normalised */
};

/*
 * Checks the form of a create request: an object holding request_type,
 * service, subcategory, impact, urgency, priority, affected_component,
 * environment, recurrence, others_affected and fields (custom values by id),
 * and for staff type. null, "" and blank text count as not given. Error
 * fields are relative to the form ("impact", "fields.cost_centre").
 *
 * Customers: request_type is required; the service, when the contract offers
 * any, must be one of them, with one of its sub-categories when it has any;
 * only the request type's fields are accepted; the priority follows the
 * contract ("not_allowed" for one sent under PRIORITY_NONE or _MATRIX, as for
 * a "type"). Staff may pick any service, any ticket type through "type" (then
 * request_type may be left out) and any priority; without one the contract's
 * rule applies. k NULL means no services and no priority rights.
 *
 * Returns 0 with out filled, DK_ERR_INVALID with err set, or DK_ERR_NOMEM;
 * out is zeroed on failure.
 */
int catalogue_check(const struct catalogue *c, const struct contract *k,
		    bool staff, const json_t *form, struct catalogue_choice *out,
		    struct field_error *err);
void catalogue_choice_free(struct catalogue_choice *ch);

/* Priority 1..4 for impact 1..3 x urgency 1..4 by c's matrix (c NULL: the
 * default matrix). A level of 0 (not given) counts as 3 ("one person",
 * "medium"); anything else out of range gives 0. */
uint8_t catalogue_priority(const struct catalogue *c, uint8_t impact,
			   uint8_t urgency);

/* Label of an id in lang. kind is "request_type", "service", "subcategory"
 * (id "service/subcategory", or a bare id: the first service holding it),
 * "field" (standard or custom), "ticket_type", "impact", "urgency" (id "1"..)
 * or "priority" ("P1".."P4"); c may be NULL for the kinds that are built in
 * (ticket types, levels, priorities, standard fields). Static or owned by c:
 * valid until catalogue_free. NULL for an unknown kind or id. */
const char *catalogue_label(const struct catalogue *c, const char *kind,
			    const char *id, const char *lang);

#endif
