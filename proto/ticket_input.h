/*
 * Request bodies that create or change tickets: parsed and checked for
 * shape (types, lengths, allowed keys); rules that need the catalogue, the
 * workflow or the database are checked by the caller. Same conventions as
 * validate.h: 0, or DK_ERR_INVALID with a field error; outputs zeroed on
 * failure and released with their *_free.
 */
#ifndef DESKD_TICKET_INPUT_H
#define DESKD_TICKET_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "validate.h"

#define PARTICIPANTS_MAX 50
#define NAME_MAX_BYTES 200

/* POST /api/v1/tickets */
struct ticket_create_input {
	char *title;
	char *description;
	json_t *form;           /* the catalogue part (request_type, service, subcategory,
				 * impact, urgency, priority, type, affected_component,
				 * environment, recurrence, others_affected, fields); owned */
	int shared_with_org;    /* -1: not given (the organisation decides), 0, 1 */
	char **participants;    /* e-mail addresses of people to share with */
	size_t n_participants;
	bool confirm_sensitive; /* the caller saw the sensitive-data warning */
	char *requester;        /* agents: e-mail of the customer it is for */
	char *channel;          /* agents: "portal", "email", "phone" */
};
int ticket_create_parse(const json_t *body, struct ticket_create_input *out,
			struct field_error *err);
void ticket_create_input_free(struct ticket_create_input *in);

/* PATCH /api/v1/tickets/{ref} */
struct ticket_patch_input {
	char *type;             /* NULL: unchanged */
	uint8_t priority;       /* 0: unchanged */
	bool set_assignee;      /* agents */
	uint64_t assignee_id;   /* 0 with set_assignee: unassign */
	bool set_group;
	char *assignee_group;   /* NULL with set_group: no group */
	char *resolution_code;
	char *cause;
};
/* At least one field must be present ("required" on the body otherwise). */
int ticket_patch_parse(const json_t *body, struct ticket_patch_input *out,
		       struct field_error *err);
void ticket_patch_input_free(struct ticket_patch_input *in);

/* POST /api/v1/tickets/{ref}/comments */
struct comment_input {
	char *body;
	bool internal;          /* only agents may set it; the handler checks */
	bool confirm_sensitive;
};
int comment_parse(const json_t *body, struct comment_input *out, struct field_error *err);
void comment_input_free(struct comment_input *in);

/* POST /api/v1/tickets/{ref}/actions */
struct action_input {
	char *action;           /* workflow action name, checked by the caller */
	char *status;           /* set_status / resolve: the target */
	char *comment;
	uint8_t rating;         /* accept: 1..5, 0: not given */
	char *resolution_code;
	char *cause;
	bool confirm_sensitive;
};
int action_parse(const json_t *body, struct action_input *out, struct field_error *err);
void action_input_free(struct action_input *in);

/* POST /api/v1/tickets/{ref}/time */
struct time_input {
	uint32_t minutes;       /* 1..1440 */
	bool billable;          /* default true */
	char *note;
};
int time_parse(const json_t *body, struct time_input *out, struct field_error *err);
void time_input_free(struct time_input *in);

/* POST /api/v1/tickets/{ref}/participants: a colleague or an outside address */
struct participant_input {
	char *email;
};
int participant_parse(const json_t *body, struct participant_input *out,
		      struct field_error *err);
void participant_input_free(struct participant_input *in);

/* POST /api/v1/tickets/{ref}/links */
struct link_input {
	char *ref;
};
int link_parse(const json_t *body, struct link_input *out, struct field_error *err);
void link_input_free(struct link_input *in);

/* POST /api/v1/tickets/{ref}/redactions: a comment (seq) or a field */
struct redact_input {
	uint32_t seq;           /* 0: a field */
	char *field;            /* "title" or "description" when seq is 0 */
};
int redact_parse(const json_t *body, struct redact_input *out, struct field_error *err);
void redact_input_free(struct redact_input *in);

#endif
