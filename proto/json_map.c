/*
 * JSON views and dumps of records. Every builder returns NULL on out of
 * memory and then holds no references.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_map.h"
#include "utf8.h"
#include "validate.h"
#include "workflow.h"

/* RFC 3339 has four-digit years: times are clamped to years 0000..9999. */
#define TIME_MIN_MS (-62167219200000LL)  /* 0000-01-01T00:00:00.000Z */
#define TIME_MAX_MS 253402300799999LL    /* 9999-12-31T23:59:59.999Z */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (Howard
 * Hinnant's algorithm); no time_t, so no 2038 or time-zone surprises. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Writes v as exactly n decimal digits, zero-padded. */
static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void time_format_rfc3339(int64_t ms, char buf[32])
{
	int64_t secs, days, sod, year;
	unsigned month, day, msr;

	if (ms < TIME_MIN_MS)
		ms = TIME_MIN_MS;
	if (ms > TIME_MAX_MS)
		ms = TIME_MAX_MS;
	secs = floor_div(ms, 1000);
	msr = (unsigned)(ms - secs * 1000);
	days = floor_div(secs, 86400);
	sod = secs - days * 86400;
	civil_from_days(days, &year, &month, &day);
	put_digits(buf, (unsigned)year, 4);
	buf[4] = '-';
	put_digits(buf + 5, month, 2);
	buf[7] = '-';
	put_digits(buf + 8, day, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (unsigned)(sod / 3600), 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned)(sod / 60 % 60), 2);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned)(sod % 60), 2);
	buf[19] = '.';
	put_digits(buf + 20, msr, 3);
	buf[23] = 'Z';
	buf[24] = '\0';
}

/* Copy of s with each byte that is not valid UTF-8 replaced by U+FFFD. */
static char *utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, n;
	char *out;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	while (*p) {
		n = utf8_seq_len(p);
		if (n) {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	out[o] = '\0';
	return out;
}

/* A string, or null for NULL. Stored text may predate input checks (mail
 * gateway, old records), so bad UTF-8 is repaired rather than failing the
 * whole view as if memory ran out. */
static json_t *jstr(const char *s)
{
	json_t *v;
	char *fixed;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	fixed = utf8_repair(s);
	if (!fixed)
		return NULL;
	v = json_string(fixed);
	free(fixed);
	return v;
}

static json_t *jint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* An id where 0 means none. */
static json_t *jid_opt(uint64_t v)
{
	return v ? jint(v) : json_null();
}

static json_t *jtime(int64_t ms)
{
	char buf[32];

	time_format_rfc3339(ms, buf);
	return json_string(buf);
}

static json_t *jtime_opt(int64_t ms)
{
	return ms ? jtime(ms) : json_null();
}

static json_t *jids(const uint64_t *ids, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; ids && i < n; i++) {
		if (json_array_append_new(a, jint(ids[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *jstrs(char *const *list, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; list && i < n; i++) {
		if (json_array_append_new(a, jstr(list[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* A small number where 0 means not given (impact, urgency, rating). */
static json_t *jint_opt(uint64_t v)
{
	return v ? jint(v) : json_null();
}

/* References "PREFIX-N" of linked tickets. */
static json_t *jrefs(const uint64_t *ids, size_t n, const char *prefix)
{
	json_t *a = json_array();
	char ref[48];
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; ids && i < n; i++) {
		ticket_ref_format(ref, sizeof(ref), prefix, ids[i]);
		if (json_array_append_new(a, json_string(ref))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The form's field values: the stored JSON object, or {} when there is
 * none or the text is not an object (it was checked when written, so that
 * only happens to damaged records). */
static json_t *jfields(const char *text)
{
	json_error_t jerr;
	json_t *v;

	if (text) {
		v = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
		if (json_is_object(v))
			return v;
		json_decref(v);
	}
	return json_object();
}

static const char *const contact_names[] = { "email", "phone", "fax", "mail" };

/* Names of the CONTACT_* bits set in bits, in bit order. */
static json_t *jcontact(uint8_t bits)
{
	json_t *a = json_array();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < sizeof(contact_names) / sizeof(contact_names[0]); i++) {
		if (!(bits & (1u << i)))
			continue;
		if (json_array_append_new(a, json_string(contact_names[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Mirrors enum priority_mode of catalogue.h. */
static const char *priority_mode_name(uint8_t mode)
{
	static const char *const names[] = { "none", "matrix", "direct" };

	return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : NULL;
}

/* The category stored with the ticket wins over the table's answer for its
 * status: a status renamed or removed by a workflow change keeps its list. */
static const char *ticket_category_name(const struct ticket *t)
{
	if (t->category)
		return status_category_name((enum status_category)t->category);
	return status_category_name(status_category(t->status));
}

/* Takes the reference to v (also on failure); a NULL v means out of memory.
 * Builders chain calls with ||, so nothing after a failure is allocated. */
static int set(json_t *o, const char *key, json_t *v)
{
	if (!v)
		return -1;
	return json_object_set_new(o, key, v);
}

static json_t *done(json_t *o, int failed)
{
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *session_kind_name(enum session_kind k)
{
	switch (k) {
	case SESSION_BROWSER:
		return "browser";
	case SESSION_API_TOKEN:
		return "api_token";
	case SESSION_ACTIVATION:
		return "activation";
	case SESSION_RESET:
		return "reset";
	case SESSION_INVITATION:
		return "invitation";
	}
	return NULL;
}

json_t *user_to_json(const struct user *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "id", jint(u->id)) ||
		    set(o, "email", jstr(u->email)) ||
		    set(o, "name", jstr(u->name)) ||
		    set(o, "role", jstr(role_name(u->role))) ||
		    set(o, "org_id", jint(u->org_id)) ||
		    set(o, "language", jstr(u->language)) ||
		    set(o, "phone", jstr(u->phone)) ||
		    set(o, "created", jtime(u->created_ms)) ||
		    set(o, "disabled", json_boolean(u->disabled)) ||
		    set(o, "approver", json_boolean(u->approver)) ||
		    set(o, "contact", jcontact(u->contact)));
}

json_t *org_to_json(const struct org *org)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "id", jint(org->id)) ||
		    set(o, "name", jstr(org->name)) ||
		    set(o, "created", jtime(org->created_ms)) ||
		    set(o, "share_by_default", json_boolean(org->share_by_default)) ||
		    set(o, "services", jstrs(org->services, org->n_services)) ||
		    set(o, "priority_mode", jstr(priority_mode_name(org->priority_mode))) ||
		    set(o, "domains", jstrs(org->domains, org->n_domains)) ||
		    set(o, "confirm_all", json_boolean(org->confirm_all)));
}

json_t *access_request_to_json(const struct access_request *a)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "id", jint(a->id)) ||
		    set(o, "org_id", jint(a->org_id)) ||
		    set(o, "requester_id", jint(a->requester_id)) ||
		    set(o, "state", jstr(access_state_name(a->state))) ||
		    set(o, "email", jstr(a->email)) ||
		    set(o, "name", jstr(a->name)) ||
		    set(o, "phone", jstr(a->phone)) ||
		    set(o, "function", jstr(a->function)) ||
		    set(o, "language", jstr(a->language)) ||
		    set(o, "created", jtime(a->created_ms)) ||
		    set(o, "decided", a->decided_ms ? jtime(a->decided_ms) : json_null()) ||
		    set(o, "decided_by", a->decided_by ? jint(a->decided_by) : json_null()) ||
		    set(o, "reason", jstr(a->reason)) ||
		    set(o, "user_id", a->user_id ? jint(a->user_id) : json_null()));
}

json_t *ticket_to_json(const struct ticket *t, const char *prefix)
{
	json_t *o = json_object();
	char ref[48];

	if (!o)
		return NULL;
	if (!prefix)
		prefix = "";
	ticket_ref_format(ref, sizeof(ref), prefix, t->id);
	return done(o, set(o, "ref", json_string(ref)) ||
		    set(o, "title", jstr(t->title)) ||
		    set(o, "description", jstr(t->description)) ||
		    set(o, "type", jstr(t->type)) ||
		    set(o, "priority", jstr(priority_name(t->priority))) ||
		    set(o, "status", jstr(t->status)) ||
		    set(o, "status_category", jstr(ticket_category_name(t))) ||
		    set(o, "channel", jstr(t->channel)) ||
		    set(o, "created", jtime(t->created_ms)) ||
		    set(o, "updated", jtime(t->updated_ms)) ||
		    set(o, "closed", jtime_opt(t->closed_ms)) ||
		    set(o, "org_id", jint(t->org_id)) ||
		    set(o, "requester_id", jint(t->requester_id)) ||
		    set(o, "creator_id", jint(t->creator_id)) ||
		    set(o, "assignee_id", jid_opt(t->assignee_id)) ||
		    set(o, "followers", jids(t->followers, t->n_followers)) ||
		    set(o, "participants", jids(t->participants, t->n_participants)) ||
		    set(o, "request_type", jstr(t->request_type)) ||
		    set(o, "service", jstr(t->service)) ||
		    set(o, "subcategory", jstr(t->subcategory)) ||
		    set(o, "impact", jint_opt(t->impact)) ||
		    set(o, "urgency", jint_opt(t->urgency)) ||
		    set(o, "fields", jfields(t->fields)) ||
		    set(o, "shared_with_org", json_boolean(t->shared_with_org)) ||
		    set(o, "external_emails", jstrs(t->external_emails, t->n_external_emails)) ||
		    set(o, "assignee_group", jstr(t->assignee_group)) ||
		    set(o, "resolution_code", jstr(t->resolution_code)) ||
		    set(o, "cause", jstr(t->cause)) ||
		    set(o, "related", jrefs(t->related, t->n_related, prefix)) ||
		    set(o, "rating", jint_opt(t->rating)) ||
		    set(o, "rating_comment", jstr(t->rating_comment)) ||
		    set(o, "needs_approval", json_boolean(t->needs_approval)) ||
		    set(o, "approver_id", jid_opt(t->approver_id)) ||
		    set(o, "minutes", jint(t->minutes)) ||
		    set(o, "billable_minutes", jint(t->billable_minutes)) ||
		    set(o, "resolved", jtime_opt(t->resolved_ms)));
}

/* {"by": id, "at": time} of a redacted event. */
static json_t *jredacted(const struct ticket_event *e)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "by", jint(e->redacted_by)) ||
		    set(o, "at", jtime(e->redacted_ms)));
}

/* Text of a redacted event is gone from the view even if a caller left it
 * in the record. */
static json_t *jtext(const struct ticket_event *e, const char *s)
{
	return e->redacted_by ? json_null() : jstr(s);
}

json_t *ticket_event_to_json(const struct ticket_event *e)
{
	json_t *o = json_object();
	int failed;

	if (!o)
		return NULL;
	failed = set(o, "seq", jint(e->seq)) ||
		 set(o, "time", jtime(e->time_ms)) ||
		 set(o, "kind", jstr(event_kind_name(e->kind))) ||
		 set(o, "actor_id", jint(e->actor_id)) ||
		 set(o, "internal", json_boolean(e->internal)) ||
		 set(o, "from_support", json_boolean(e->from_support));
	if (failed)
		return done(o, failed);
	switch (e->kind) {
	case EVENT_CREATED:
	case EVENT_COMMENT:
		failed = set(o, "body", jtext(e, e->body));
		break;
	case EVENT_TIME:
		failed = set(o, "body", jtext(e, e->body)) ||
			 set(o, "minutes", jint(e->minutes)) ||
			 set(o, "billable", json_boolean(e->billable));
		break;
	case EVENT_APPROVAL:
		failed = set(o, "body", jtext(e, e->body)) ||
			 set(o, "new", jstr(e->new_value));
		break;
	case EVENT_FIELD:
	case EVENT_STATUS:
	case EVENT_PARTICIPANT:
	case EVENT_REDACTION:
	case EVENT_LINK:
		failed = set(o, "field", jstr(e->field)) ||
			 set(o, "old", jtext(e, e->old_value)) ||
			 set(o, "new", jtext(e, e->new_value));
		break;
	case EVENT_FOLLOW:
	case EVENT_UNFOLLOW:
		break;
	}
	if (!failed && e->rating)
		failed = set(o, "rating", jint(e->rating));
	if (!failed && e->redacted_by)
		failed = set(o, "redacted", jredacted(e));
	return done(o, failed);
}

/* Dumps use the record's own field names and raw values (times in ms), so
 * nothing is lost; enums are written by name. */

json_t *user_dump_json(const struct user *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "kind", json_string("user")) ||
		    set(o, "version", jint(u->version)) ||
		    set(o, "id", jint(u->id)) ||
		    set(o, "org_id", jint(u->org_id)) ||
		    set(o, "role", jstr(role_name(u->role))) ||
		    set(o, "email", jstr(u->email)) ||
		    set(o, "name", jstr(u->name)) ||
		    set(o, "password_hash", jstr(u->password_hash)) ||
		    set(o, "language", jstr(u->language)) ||
		    set(o, "phone", jstr(u->phone)) ||
		    set(o, "created_ms", json_integer(u->created_ms)) ||
		    set(o, "updated_ms", json_integer(u->updated_ms)) ||
		    set(o, "disabled", json_boolean(u->disabled)) ||
		    set(o, "approver", json_boolean(u->approver)) ||
		    set(o, "contact", jint(u->contact)));
}

json_t *org_dump_json(const struct org *org)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "kind", json_string("org")) ||
		    set(o, "version", jint(org->version)) ||
		    set(o, "id", jint(org->id)) ||
		    set(o, "name", jstr(org->name)) ||
		    set(o, "created_ms", json_integer(org->created_ms)) ||
		    set(o, "share_by_default", json_boolean(org->share_by_default)) ||
		    set(o, "services", jstrs(org->services, org->n_services)) ||
		    set(o, "priority_mode", jint(org->priority_mode)) ||
		    (org->n_domains && set(o, "domains", jstrs(org->domains, org->n_domains))) ||
		    (org->confirm_all && set(o, "confirm_all", json_true())));
}

json_t *ticket_dump_json(const struct ticket *t)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "kind", json_string("ticket")) ||
		    set(o, "version", jint(t->version)) ||
		    set(o, "id", jint(t->id)) ||
		    set(o, "org_id", jint(t->org_id)) ||
		    set(o, "requester_id", jint(t->requester_id)) ||
		    set(o, "creator_id", jint(t->creator_id)) ||
		    set(o, "assignee_id", jint(t->assignee_id)) ||
		    set(o, "title", jstr(t->title)) ||
		    set(o, "description", jstr(t->description)) ||
		    set(o, "type", jstr(t->type)) ||
		    set(o, "priority", jint(t->priority)) ||
		    set(o, "status", jstr(t->status)) ||
		    set(o, "channel", jstr(t->channel)) ||
		    set(o, "created_ms", json_integer(t->created_ms)) ||
		    set(o, "updated_ms", json_integer(t->updated_ms)) ||
		    set(o, "closed_ms", json_integer(t->closed_ms)) ||
		    set(o, "event_count", jint(t->event_count)) ||
		    set(o, "followers", jids(t->followers, t->n_followers)) ||
		    set(o, "participants", jids(t->participants, t->n_participants)) ||
		    set(o, "category", jint(t->category)) ||
		    set(o, "request_type", jstr(t->request_type)) ||
		    set(o, "service", jstr(t->service)) ||
		    set(o, "subcategory", jstr(t->subcategory)) ||
		    set(o, "impact", jint(t->impact)) ||
		    set(o, "urgency", jint(t->urgency)) ||
		    set(o, "fields", jstr(t->fields)) ||
		    set(o, "shared_with_org", json_boolean(t->shared_with_org)) ||
		    set(o, "external_emails", jstrs(t->external_emails, t->n_external_emails)) ||
		    set(o, "assignee_group", jstr(t->assignee_group)) ||
		    set(o, "resolution_code", jstr(t->resolution_code)) ||
		    set(o, "cause", jstr(t->cause)) ||
		    set(o, "related", jids(t->related, t->n_related)) ||
		    set(o, "rating", jint(t->rating)) ||
		    set(o, "rating_comment", jstr(t->rating_comment)) ||
		    set(o, "approver_id", jint(t->approver_id)) ||
		    set(o, "needs_approval", json_boolean(t->needs_approval)) ||
		    set(o, "minutes", jint(t->minutes)) ||
		    set(o, "billable_minutes", jint(t->billable_minutes)) ||
		    set(o, "resolved_ms", json_integer(t->resolved_ms)));
}

json_t *ticket_event_dump_json(const struct ticket_event *e)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "kind", json_string("event")) ||
		    set(o, "version", jint(e->version)) ||
		    set(o, "ticket_id", jint(e->ticket_id)) ||
		    set(o, "seq", jint(e->seq)) ||
		    set(o, "time_ms", json_integer(e->time_ms)) ||
		    set(o, "actor_id", jint(e->actor_id)) ||
		    set(o, "event_kind", jstr(event_kind_name(e->kind))) ||
		    set(o, "internal", json_boolean(e->internal)) ||
		    set(o, "from_support", json_boolean(e->from_support)) ||
		    set(o, "body", jstr(e->body)) ||
		    set(o, "field", jstr(e->field)) ||
		    set(o, "old_value", jstr(e->old_value)) ||
		    set(o, "new_value", jstr(e->new_value)) ||
		    set(o, "rating", jint(e->rating)) ||
		    set(o, "minutes", jint(e->minutes)) ||
		    set(o, "billable", json_boolean(e->billable)) ||
		    set(o, "redacted_by", jint(e->redacted_by)) ||
		    set(o, "redacted_ms", json_integer(e->redacted_ms)));
}

json_t *session_dump_json(const struct session *s, const char *key_hex)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	return done(o, set(o, "kind", json_string("session")) ||
		    set(o, "key", jstr(key_hex)) ||
		    set(o, "version", jint(s->version)) ||
		    set(o, "session_kind", jstr(session_kind_name(s->kind))) ||
		    set(o, "user_id", jint(s->user_id)) ||
		    set(o, "csrf", jstr(s->csrf)) ||
		    set(o, "label", jstr(s->label)) ||
		    set(o, "created_ms", json_integer(s->created_ms)) ||
		    set(o, "expires_ms", json_integer(s->expires_ms)) ||
		    set(o, "remember", json_boolean(s->remember)) ||
		    /* one-time links only: other sessions dump as they always did */
		    (s->email && set(o, "email", jstr(s->email))) ||
		    (s->org_id && set(o, "org_id", jint(s->org_id))) ||
		    (s->name && set(o, "name", jstr(s->name))) ||
		    (s->language && set(o, "language", jstr(s->language))));
}
