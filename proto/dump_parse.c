/*
 * Dump lines back into records. One table per record names each dump
 * field, its type and where it goes, so a field added to a *_dump_json
 * function needs one line here (and the round-trip test says when it is
 * missing).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "dump_parse.h"

#define DESKD_CODEC_PRIVATE
#include "codec.h"

enum ftype {
	T_U64,          /* uint64_t; any JSON integer (the dump casts) */
	T_U32,          /* uint32_t */
	T_U8,           /* uint8_t in [min, max] */
	T_I64,          /* int64_t */
	T_BOOL,
	T_STR,          /* char *, null for NULL */
	T_STRS,         /* char **, size_t count at n_off */
	T_IDS,          /* uint64_t *, size_t count at n_off */
	T_ROLE,         /* enum role by name, null for none */
	T_EVENT_KIND,   /* enum event_kind by name */
	T_SESSION_KIND, /* enum session_kind by name */
};

struct field {
	const char *name;
	enum ftype type;
	size_t off;
	size_t n_off;
	uint8_t min, max;
	bool required;
	bool nonzero;   /* 0 is refused (ids that store_*_put would assign) */
};

#define F(st, name, type, member) { name, type, offsetof(st, member), 0, 0, 0, false, false }
#define U8(st, name, member, lo, hi) { name, T_U8, offsetof(st, member), 0, lo, hi, false, false }
#define LIST(st, name, type, member, count) \
	{ name, type, offsetof(st, member), offsetof(st, count), 0, 0, false, false }
#define ID(st, name, member) { name, T_U64, offsetof(st, member), 0, 0, 0, true, true }
#define REQ(st, name, type, member) { name, type, offsetof(st, member), 0, 0, 0, true, false }

static const struct field user_fields[] = {
	F(struct user, "version", T_U32, version),
	ID(struct user, "id", id),
	F(struct user, "org_id", T_U64, org_id),
	F(struct user, "role", T_ROLE, role),
	REQ(struct user, "email", T_STR, email),
	F(struct user, "name", T_STR, name),
	F(struct user, "password_hash", T_STR, password_hash),
	F(struct user, "language", T_STR, language),
	F(struct user, "phone", T_STR, phone),
	F(struct user, "created_ms", T_I64, created_ms),
	F(struct user, "updated_ms", T_I64, updated_ms),
	F(struct user, "disabled", T_BOOL, disabled),
	F(struct user, "approver", T_BOOL, approver),
	U8(struct user, "contact", contact, 0, CONTACT_MAX),
	{ NULL, 0, 0, 0, 0, 0, false, false },
};

static const struct field org_fields[] = {
	F(struct org, "version", T_U32, version),
	ID(struct org, "id", id),
	REQ(struct org, "name", T_STR, name),
	F(struct org, "created_ms", T_I64, created_ms),
	F(struct org, "share_by_default", T_BOOL, share_by_default),
	LIST(struct org, "services", T_STRS, services, n_services),
	U8(struct org, "priority_mode", priority_mode, 0, PRIORITY_MODE_MAX),
	LIST(struct org, "domains", T_STRS, domains, n_domains),
	F(struct org, "confirm_all", T_BOOL, confirm_all),
	{ NULL, 0, 0, 0, 0, 0, false, false },
};

static const struct field ticket_fields[] = {
	F(struct ticket, "version", T_U32, version),
	ID(struct ticket, "id", id),
	F(struct ticket, "org_id", T_U64, org_id),
	F(struct ticket, "requester_id", T_U64, requester_id),
	F(struct ticket, "creator_id", T_U64, creator_id),
	F(struct ticket, "assignee_id", T_U64, assignee_id),
	F(struct ticket, "title", T_STR, title),
	F(struct ticket, "description", T_STR, description),
	F(struct ticket, "type", T_STR, type),
	U8(struct ticket, "priority", priority, 1, 4),
	REQ(struct ticket, "status", T_STR, status),
	F(struct ticket, "channel", T_STR, channel),
	F(struct ticket, "created_ms", T_I64, created_ms),
	F(struct ticket, "updated_ms", T_I64, updated_ms),
	F(struct ticket, "closed_ms", T_I64, closed_ms),
	F(struct ticket, "event_count", T_U32, event_count),
	LIST(struct ticket, "followers", T_IDS, followers, n_followers),
	LIST(struct ticket, "participants", T_IDS, participants, n_participants),
	U8(struct ticket, "category", category, 0, CATEGORY_MAX),
	F(struct ticket, "request_type", T_STR, request_type),
	F(struct ticket, "service", T_STR, service),
	F(struct ticket, "subcategory", T_STR, subcategory),
	U8(struct ticket, "impact", impact, 0, IMPACT_MAX),
	U8(struct ticket, "urgency", urgency, 0, URGENCY_MAX),
	F(struct ticket, "fields", T_STR, fields),
	F(struct ticket, "shared_with_org", T_BOOL, shared_with_org),
	LIST(struct ticket, "external_emails", T_STRS, external_emails, n_external_emails),
	F(struct ticket, "assignee_group", T_STR, assignee_group),
	F(struct ticket, "resolution_code", T_STR, resolution_code),
	F(struct ticket, "cause", T_STR, cause),
	LIST(struct ticket, "related", T_IDS, related, n_related),
	U8(struct ticket, "rating", rating, 0, RATING_MAX),
	F(struct ticket, "rating_comment", T_STR, rating_comment),
	F(struct ticket, "approver_id", T_U64, approver_id),
	F(struct ticket, "needs_approval", T_BOOL, needs_approval),
	F(struct ticket, "minutes", T_U32, minutes),
	F(struct ticket, "billable_minutes", T_U32, billable_minutes),
	F(struct ticket, "resolved_ms", T_I64, resolved_ms),
	{ NULL, 0, 0, 0, 0, 0, false, false },
};

static const struct field event_fields[] = {
	F(struct ticket_event, "version", T_U32, version),
	ID(struct ticket_event, "ticket_id", ticket_id),
	{ "seq", T_U32, offsetof(struct ticket_event, seq), 0, 0, 0, true, true },
	F(struct ticket_event, "time_ms", T_I64, time_ms),
	F(struct ticket_event, "actor_id", T_U64, actor_id),
	REQ(struct ticket_event, "event_kind", T_EVENT_KIND, kind),
	F(struct ticket_event, "internal", T_BOOL, internal),
	F(struct ticket_event, "from_support", T_BOOL, from_support),
	F(struct ticket_event, "body", T_STR, body),
	F(struct ticket_event, "field", T_STR, field),
	F(struct ticket_event, "old_value", T_STR, old_value),
	F(struct ticket_event, "new_value", T_STR, new_value),
	U8(struct ticket_event, "rating", rating, 0, RATING_MAX),
	F(struct ticket_event, "minutes", T_U32, minutes),
	F(struct ticket_event, "billable", T_BOOL, billable),
	F(struct ticket_event, "redacted_by", T_U64, redacted_by),
	F(struct ticket_event, "redacted_ms", T_I64, redacted_ms),
	{ NULL, 0, 0, 0, 0, 0, false, false },
};

/* "key" is handled by session_from_dump_json itself. */
static const struct field session_fields[] = {
	F(struct session, "version", T_U32, version),
	REQ(struct session, "session_kind", T_SESSION_KIND, kind),
	REQ(struct session, "user_id", T_U64, user_id),
	F(struct session, "csrf", T_STR, csrf),
	F(struct session, "label", T_STR, label),
	F(struct session, "created_ms", T_I64, created_ms),
	F(struct session, "expires_ms", T_I64, expires_ms),
	F(struct session, "remember", T_BOOL, remember),
	F(struct session, "email", T_STR, email),
	F(struct session, "org_id", T_U64, org_id),
	F(struct session, "name", T_STR, name),
	F(struct session, "language", T_STR, language),
	{ NULL, 0, 0, 0, 0, 0, false, false },
};

static int bad(struct field_error *err, const char *code, const char *field, const char *fmt,
	       const char *arg)
{
	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->message, sizeof err->message, fmt, arg);
	return DK_ERR_INVALID;
}

/* A string without NUL bytes (a C string could not hold the rest). */
static int get_str(const json_t *v, const char *name, char **out, struct field_error *err)
{
	if (!json_is_string(v))
		return bad(err, "invalid_type", name, "%s must be a string", name);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad(err, "invalid_value", name, "%s holds a NUL character", name);
	*out = strdup(json_string_value(v));
	return *out ? 0 : DK_ERR_NOMEM;
}

static int get_strs(const json_t *v, const struct field *f, void *rec, struct field_error *err)
{
	char ***list = (char ***)((char *)rec + f->off);
	size_t *n = (size_t *)((char *)rec + f->n_off), i;
	json_t *item;
	char *s;
	int rc;

	if (!json_is_array(v))
		return bad(err, "invalid_type", f->name, "%s must be an array of strings", f->name);
	json_array_foreach(v, i, item) {
		rc = get_str(item, f->name, &s, err);
		if (rc)
			return rc;
		/* kept as they are (duplicates too): restore changes nothing */
		char **grown = realloc(*list, (*n + 1) * sizeof *grown);
		if (!grown) {
			free(s);
			return DK_ERR_NOMEM;
		}
		*list = grown;
		(*list)[(*n)++] = s;
	}
	return 0;
}

static int get_ids(const json_t *v, const struct field *f, void *rec, struct field_error *err)
{
	uint64_t **ids = (uint64_t **)((char *)rec + f->off);
	size_t *n = (size_t *)((char *)rec + f->n_off), i;
	json_t *item;

	if (!json_is_array(v))
		return bad(err, "invalid_type", f->name, "%s must be an array of ids", f->name);
	if (json_array_size(v) == 0)
		return 0;
	*ids = calloc(json_array_size(v), sizeof **ids);
	if (!*ids)
		return DK_ERR_NOMEM;
	json_array_foreach(v, i, item) {
		if (!json_is_integer(item))
			return bad(err, "invalid_type", f->name, "%s must be an array of ids",
				   f->name);
		(*ids)[(*n)++] = (uint64_t)json_integer_value(item);
	}
	return 0;
}

static int event_kind_parse(const char *s, enum event_kind *out)
{
	for (int k = EVENT_CREATED; k <= EVENT_APPROVAL; k++) {
		if (event_kind_name((enum event_kind)k) &&
		    !strcmp(event_kind_name((enum event_kind)k), s)) {
			*out = (enum event_kind)k;
			return 0;
		}
	}
	return DK_ERR_INVALID;
}

/* An enum given by name; null only for the role (a user without one). */
static int get_named(const json_t *v, const struct field *f, void *rec, struct field_error *err)
{
	int *out = (int *)((char *)rec + f->off);
	const char *s = json_string_value(v);

	if (f->type == T_ROLE && json_is_null(v)) {
		*out = ROLE_NONE;
		return 0;
	}
	if (!s)
		return bad(err, "invalid_type", f->name, "%s must be a string", f->name);
	if (f->type == T_ROLE) {
		enum role r;

		if (role_parse(s, &r))
			return bad(err, "invalid_value", f->name, "unknown role \"%.64s\"", s);
		*out = (int)r;
	} else if (f->type == T_EVENT_KIND) {
		enum event_kind k;

		if (event_kind_parse(s, &k))
			return bad(err, "invalid_value", f->name, "unknown event kind \"%.64s\"", s);
		*out = (int)k;
	} else if (!strcmp(s, "browser")) {
		*out = SESSION_BROWSER;
	} else if (!strcmp(s, "api_token")) {
		*out = SESSION_API_TOKEN;
	} else if (!strcmp(s, "activation")) {
		*out = SESSION_ACTIVATION;
	} else if (!strcmp(s, "reset")) {
		*out = SESSION_RESET;
	} else if (!strcmp(s, "invitation")) {
		*out = SESSION_INVITATION;
	} else {
		return bad(err, "invalid_value", f->name, "unknown session kind \"%.64s\"", s);
	}
	return 0;
}

static int get_number(const json_t *v, const struct field *f, void *rec,
		      struct field_error *err)
{
	void *p = (char *)rec + f->off;
	json_int_t x;

	if (!json_is_integer(v))
		return bad(err, "invalid_type", f->name, "%s must be a whole number", f->name);
	x = json_integer_value(v);
	switch (f->type) {
	case T_U64:
		*(uint64_t *)p = (uint64_t)x;
		return f->nonzero && x == 0 ? bad(err, "invalid_value", f->name,
						  "%s may not be 0", f->name) : 0;
	case T_I64:
		*(int64_t *)p = (int64_t)x;
		return 0;
	case T_U32:
		if (x < 0 || x > UINT32_MAX || (f->nonzero && x == 0))
			return bad(err, "invalid_value", f->name, "%s is out of range", f->name);
		*(uint32_t *)p = (uint32_t)x;
		return 0;
	default: /* T_U8 */
		if (x < f->min || x > f->max)
			return bad(err, "invalid_value", f->name, "%s is out of range", f->name);
		*(uint8_t *)p = (uint8_t)x;
		return 0;
	}
}

static int get_field(const json_t *v, const struct field *f, void *rec, struct field_error *err)
{
	switch (f->type) {
	case T_BOOL:
		if (!json_is_boolean(v))
			return bad(err, "invalid_type", f->name, "%s must be true or false",
				   f->name);
		*(bool *)((char *)rec + f->off) = json_is_true(v);
		return 0;
	case T_STR:
		if (json_is_null(v))
			return 0;
		return get_str(v, f->name, (char **)((char *)rec + f->off), err);
	case T_STRS:
		return get_strs(v, f, rec, err);
	case T_IDS:
		return get_ids(v, f, rec, err);
	case T_ROLE:
	case T_EVENT_KIND:
	case T_SESSION_KIND:
		return get_named(v, f, rec, err);
	default:
		return get_number(v, f, rec, err);
	}
}

/* Fills rec from j by the table; extra names the one field the caller
 * handles itself (or NULL). */
static int parse(const json_t *j, const char *kind, const struct field *fields,
		 const char *extra, void *rec, struct field_error *err)
{
	const char *name;
	const struct field *f;
	json_t *v;
	int rc;

	memset(err, 0, sizeof *err);
	if (!json_is_object(j))
		return bad(err, "invalid_json", "", "%s", "a record must be a JSON object");
	v = json_object_get(j, "kind");
	if (!json_is_string(v) || strcmp(json_string_value(v), kind))
		return bad(err, "invalid_value", "kind", "kind must be \"%s\"", kind);
	json_object_foreach((json_t *)j, name, v) {
		if (!strcmp(name, "kind") || (extra && !strcmp(name, extra)))
			continue;
		for (f = fields; f->name && strcmp(f->name, name); f++)
			;
		if (!f->name)
			return bad(err, "unknown_field", name, "unknown field \"%.64s\"", name);
		rc = get_field(v, f, rec, err);
		if (rc)
			return rc;
	}
	for (f = fields; f->name; f++) {
		v = json_object_get(j, f->name);
		if (f->required && (!v || json_is_null(v)))
			return bad(err, "required", f->name, "%s is required", f->name);
	}
	return 0;
}

int user_from_dump_json(const json_t *j, struct user *out, struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = parse(j, "user", user_fields, NULL, out, err);
	if (rc) {
		user_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

int org_from_dump_json(const json_t *j, struct org *out, struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = parse(j, "org", org_fields, NULL, out, err);
	if (rc) {
		org_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

int ticket_from_dump_json(const json_t *j, struct ticket *out, struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	out->priority = TICKET_PRIORITY_DEFAULT; /* as the decoder has it */
	rc = parse(j, "ticket", ticket_fields, NULL, out, err);
	if (rc) {
		ticket_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

int ticket_event_from_dump_json(const json_t *j, struct ticket_event *out,
				struct field_error *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = parse(j, "event", event_fields, NULL, out, err);
	if (rc) {
		ticket_event_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int session_from_dump_json(const json_t *j, struct session *out, uint8_t key[32],
			   struct field_error *err)
{
	const json_t *k;
	const char *hex;
	int rc, i;

	memset(out, 0, sizeof *out);
	memset(key, 0, 32);
	rc = parse(j, "session", session_fields, "key", out, err);
	if (rc == 0) {
		k = json_object_get(j, "key");
		hex = json_string_value(k);
		if (!hex || json_string_length(k) != 64)
			rc = bad(err, "invalid_value", "key", "%s",
				 "key must be 64 hexadecimal digits");
		for (i = 0; rc == 0 && i < 32; i++) {
			int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

			if (hi < 0 || lo < 0)
				rc = bad(err, "invalid_value", "key", "%s",
					 "key must be 64 hexadecimal digits");
			else
				key[i] = (uint8_t)(hi << 4 | lo);
		}
	}
	if (rc) {
		session_free(out);
		memset(out, 0, sizeof *out);
		memset(key, 0, 32);
	}
	return rc;
}
