/* Parsing of the request bodies that create and change tickets. */
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "ticket_input.h"
#include "validate_int.h"

#define CODE_MAX_BYTES 64
#define MINUTES_MAX 1440

/* An identifier-like value: letters, digits, '_' and '-'. */
static int get_code(const json_t *body, const char *key, char **out, struct field_error *err)
{
	int rc = v_get_text(body, key, T_TRIM | T_LINE, CODE_MAX_BYTES, out, err);
	if (rc || !*out)
		return rc;
	if (!**out || strspn(*out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
			      strlen(*out)) {
		free(*out);
		*out = NULL;
		return v_fail(err, "invalid_value", key,
			      "%s may hold only letters, digits, '_' and '-'", key);
	}
	return 0;
}

/* A positive integer field within [min, max]; *out untouched when absent. */
static int get_uint(const json_t *body, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out, bool *present, struct field_error *err)
{
	const json_t *v = json_object_get(body, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return v_fail(err, "invalid_type", key, "%s must be a whole number", key);
	json_int_t n = json_integer_value(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return v_fail(err, "invalid_value", key, "%s must be from %llu to %llu", key,
			      (unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)n;
	return 0;
}

/* Keys that belong to the catalogue form (checked by catalogue_check). */
static const char *const form_keys[] = {
	"request_type", "service", "subcategory", "impact", "urgency", "priority", "type",
	"affected_component", "environment", "recurrence", "others_affected", "fields", NULL
};

static int get_participants(const json_t *body, struct ticket_create_input *out,
			    struct field_error *err)
{
	const json_t *v = json_object_get(body, "participants");
	if (!v)
		return 0;
	if (!json_is_array(v))
		return v_fail(err, "invalid_type", "participants",
			      "participants must be a list of e-mail addresses");
	if (json_array_size(v) > PARTICIPANTS_MAX)
		return v_fail(err, "too_long", "participants",
			      "a ticket can be shared with at most %d people", PARTICIPANTS_MAX);
	out->participants = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!out->participants)
		return DK_ERR_NOMEM;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		if (!s || json_string_length(x) != strlen(s) || !email_valid(s))
			return v_fail(err, "invalid_value", "participants",
				      "participants[%zu] is not an e-mail address", i);
		out->participants[out->n_participants] = strdup(s);
		if (!out->participants[out->n_participants])
			return DK_ERR_NOMEM;
		out->n_participants++;
	}
	return 0;
}

int ticket_create_parse(const json_t *body, struct ticket_create_input *out,
			struct field_error *err)
{
	static const char *const base_keys[] = {
		"title", "description", "shared_with_org", "participants", "confirm_sensitive",
		"requester", "channel", NULL
	};
	const char *known[sizeof base_keys / sizeof base_keys[0] + sizeof form_keys / sizeof form_keys[0]];
	size_t k = 0;
	for (size_t i = 0; base_keys[i]; i++)
		known[k++] = base_keys[i];
	for (size_t i = 0; form_keys[i]; i++)
		known[k++] = form_keys[i];
	known[k] = NULL;

	int rc;
	bool shared = false;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	out->shared_with_org = -1;
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "title", T_REQUIRED | T_TRIM | T_LINE, TITLE_MAX_BYTES,
			     &out->title, err)) ||
	    (rc = v_get_text(body, "description", T_REQUIRED | T_MULTILINE, TEXT_MAX_BYTES,
			     &out->description, err)) ||
	    (rc = get_participants(body, out, err)) ||
	    (rc = v_get_bool(body, "confirm_sensitive", &out->confirm_sensitive, err)) ||
	    (rc = v_get_text(body, "requester", T_TRIM | T_LINE, EMAIL_MAX_BYTES, &out->requester,
			     err)))
		goto fail;
	if (json_object_get(body, "shared_with_org")) {
		if ((rc = v_get_bool(body, "shared_with_org", &shared, err)))
			goto fail;
		out->shared_with_org = shared;
	}
	if (out->requester && !email_valid(out->requester)) {
		rc = v_fail(err, "invalid_value", "requester", "requester must be an e-mail address");
		goto fail;
	}
	if ((rc = get_code(body, "channel", &out->channel, err)))
		goto fail;
	if (out->channel && strcmp(out->channel, "portal") && strcmp(out->channel, "email") &&
	    strcmp(out->channel, "phone")) {
		rc = v_fail(err, "invalid_value", "channel", "channel must be portal, email or phone");
		goto fail;
	}
	out->form = json_object();
	if (!out->form) {
		rc = DK_ERR_NOMEM;
		goto fail;
	}
	for (size_t i = 0; form_keys[i]; i++) {
		json_t *v = json_object_get(body, form_keys[i]);
		if (v && json_object_set(out->form, form_keys[i], v)) {
			rc = DK_ERR_NOMEM;
			goto fail;
		}
	}
	return 0;
fail:
	ticket_create_input_free(out);
	return rc;
}

void ticket_create_input_free(struct ticket_create_input *in)
{
	if (!in)
		return;
	free(in->title);
	free(in->description);
	json_decref(in->form);
	for (size_t i = 0; i < in->n_participants; i++)
		free(in->participants[i]);
	free(in->participants);
	free(in->requester);
	free(in->channel);
	memset(in, 0, sizeof(*in));
}

int ticket_patch_parse(const json_t *body, struct ticket_patch_input *out,
		       struct field_error *err)
{
	static const char *const known[] = { "type", "priority", "assignee_id", "assignee_group",
					     "resolution_code", "cause", NULL };
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) || (rc = v_get_type(body, &out->type, err)) ||
	    (rc = v_get_priority(body, &out->priority, err)) ||
	    (rc = get_code(body, "resolution_code", &out->resolution_code, err)) ||
	    (rc = get_code(body, "cause", &out->cause, err)))
		goto fail;
	const json_t *a = json_object_get(body, "assignee_id");
	if (a) {
		out->set_assignee = true;
		if (!json_is_null(a) &&
		    (rc = get_uint(body, "assignee_id", 1, UINT64_MAX >> 1, &out->assignee_id, NULL,
				   err)))
			goto fail;
	}
	const json_t *g = json_object_get(body, "assignee_group");
	if (g) {
		out->set_group = true;
		if (!json_is_null(g) && (rc = get_code(body, "assignee_group", &out->assignee_group, err)))
			goto fail;
	}
	if (!out->type && !out->priority && !out->set_assignee && !out->set_group &&
	    !out->resolution_code && !out->cause) {
		rc = v_fail(err, "required", "", "nothing to change");
		goto fail;
	}
	return 0;
fail:
	ticket_patch_input_free(out);
	return rc;
}

void ticket_patch_input_free(struct ticket_patch_input *in)
{
	if (!in)
		return;
	free(in->type);
	free(in->assignee_group);
	free(in->resolution_code);
	free(in->cause);
	memset(in, 0, sizeof(*in));
}

int comment_parse(const json_t *body, struct comment_input *out, struct field_error *err)
{
	static const char *const known[] = { "body", "internal", "confirm_sensitive", NULL };
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "body", T_REQUIRED | T_MULTILINE, TEXT_MAX_BYTES, &out->body,
			     err)) ||
	    (rc = v_get_bool(body, "internal", &out->internal, err)) ||
	    (rc = v_get_bool(body, "confirm_sensitive", &out->confirm_sensitive, err)))
		comment_input_free(out);
	return rc;
}

void comment_input_free(struct comment_input *in)
{
	if (!in)
		return;
	free(in->body);
	memset(in, 0, sizeof(*in));
}

int action_parse(const json_t *body, struct action_input *out, struct field_error *err)
{
	static const char *const known[] = { "action", "status", "comment", "rating",
					     "resolution_code", "cause", "confirm_sensitive", NULL };
	uint64_t rating = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "action", T_REQUIRED | T_TRIM | T_LINE, CODE_MAX_BYTES,
			     &out->action, err)) ||
	    (rc = get_code(body, "status", &out->status, err)) ||
	    (rc = v_get_text(body, "comment", T_MULTILINE, TEXT_MAX_BYTES, &out->comment, err)) ||
	    (rc = get_uint(body, "rating", 1, 5, &rating, NULL, err)) ||
	    (rc = get_code(body, "resolution_code", &out->resolution_code, err)) ||
	    (rc = get_code(body, "cause", &out->cause, err)) ||
	    (rc = v_get_bool(body, "confirm_sensitive", &out->confirm_sensitive, err))) {
		action_input_free(out);
		return rc;
	}
	/* A comment of blanks is no comment (reopen and reject need one). */
	if (out->comment && strspn(out->comment, " \t\r\n") == strlen(out->comment)) {
		free(out->comment);
		out->comment = NULL;
	}
	out->rating = (uint8_t)rating;
	return 0;
}

void action_input_free(struct action_input *in)
{
	if (!in)
		return;
	free(in->action);
	free(in->status);
	free(in->comment);
	free(in->resolution_code);
	free(in->cause);
	memset(in, 0, sizeof(*in));
}

int time_parse(const json_t *body, struct time_input *out, struct field_error *err)
{
	static const char *const known[] = { "minutes", "billable", "note", NULL };
	uint64_t minutes = 0;
	bool present;
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	out->billable = true;
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = get_uint(body, "minutes", 1, MINUTES_MAX, &minutes, &present, err)) ||
	    (rc = v_get_bool(body, "billable", &out->billable, err)) ||
	    (rc = v_get_text(body, "note", T_MULTILINE, TEXT_MAX_BYTES, &out->note, err)))
		goto fail;
	if (!present) {
		rc = v_fail(err, "required", "minutes", "minutes is required");
		goto fail;
	}
	out->minutes = (uint32_t)minutes;
	return 0;
fail:
	time_input_free(out);
	return rc;
}

void time_input_free(struct time_input *in)
{
	if (!in)
		return;
	free(in->note);
	memset(in, 0, sizeof(*in));
}

int participant_parse(const json_t *body, struct participant_input *out,
		      struct field_error *err)
{
	static const char *const known[] = { "email", NULL };
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "email", T_REQUIRED | T_TRIM | T_LINE, EMAIL_MAX_BYTES,
			     &out->email, err)))
		goto fail;
	if (!email_valid(out->email)) {
		rc = v_fail(err, "invalid_value", "email", "email is not an e-mail address");
		goto fail;
	}
	return 0;
fail:
	participant_input_free(out);
	return rc;
}

void participant_input_free(struct participant_input *in)
{
	if (!in)
		return;
	free(in->email);
	memset(in, 0, sizeof(*in));
}

int link_parse(const json_t *body, struct link_input *out, struct field_error *err)
{
	static const char *const known[] = { "ref", NULL };
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "ref", T_REQUIRED | T_TRIM | T_LINE, 48, &out->ref, err)))
		link_input_free(out);
	return rc;
}

void link_input_free(struct link_input *in)
{
	if (!in)
		return;
	free(in->ref);
	memset(in, 0, sizeof(*in));
}

int redact_parse(const json_t *body, struct redact_input *out, struct field_error *err)
{
	static const char *const known[] = { "seq", "field", NULL };
	uint64_t seq = 0;
	bool has_seq;
	int rc;
	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = get_uint(body, "seq", 1, UINT32_MAX, &seq, &has_seq, err)) ||
	    (rc = get_code(body, "field", &out->field, err)))
		goto fail;
	if (has_seq == (out->field != NULL)) {
		rc = v_fail(err, "required", "", "give either seq (a comment) or field");
		goto fail;
	}
	if (out->field && strcmp(out->field, "title") && strcmp(out->field, "description")) {
		rc = v_fail(err, "invalid_value", "field", "field must be title or description");
		goto fail;
	}
	out->seq = (uint32_t)seq;
	return 0;
fail:
	redact_input_free(out);
	return rc;
}

void redact_input_free(struct redact_input *in)
{
	if (!in)
		return;
	free(in->field);
	memset(in, 0, sizeof(*in));
}
