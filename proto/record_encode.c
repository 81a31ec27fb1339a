/*
 * MessagePack encoding of records; the tag table is in codec.h.
 *
 * Every field is written, defaults included, except NULL strings, which are
 * left out. Lists are written as arrays, empty ones too.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "dk_err.h"
#include "record.h"

#define DESKD_CODEC_PRIVATE
#include "codec.h"

/* Errors are sticky so an encoder is a flat list of put_* calls. */
struct enc {
	msgpack_packer pk;
	struct dk_buf *out;
	size_t start;   /* out->len before this record, restored on failure */
	size_t entries; /* map entries declared */
	size_t written; /* map entries written, checked against entries */
	int err;
};

static int buf_write(void *data, const char *p, size_t n)
{
	return dk_buf_append(data, p, n);
}

static void put_key(struct enc *e, unsigned tag)
{
	e->written++;
	if (!e->err)
		e->err = msgpack_pack_unsigned_int(&e->pk, tag);
}

static void put_u64(struct enc *e, unsigned tag, uint64_t v)
{
	put_key(e, tag);
	if (!e->err)
		e->err = msgpack_pack_uint64(&e->pk, v);
}

static void put_i64(struct enc *e, unsigned tag, int64_t v)
{
	put_key(e, tag);
	if (!e->err)
		e->err = msgpack_pack_int64(&e->pk, v);
}

static void put_bool(struct enc *e, unsigned tag, bool v)
{
	put_key(e, tag);
	if (!e->err)
		e->err = v ? msgpack_pack_true(&e->pk) : msgpack_pack_false(&e->pk);
}

static void pack_str(struct enc *e, const char *s)
{
	if (!e->err)
		e->err = msgpack_pack_str_with_body(&e->pk, s, strlen(s));
}

/* NULL strings are left out; the decoder's default is NULL. */
static void put_str(struct enc *e, unsigned tag, const char *s)
{
	if (!s)
		return;
	put_key(e, tag);
	pack_str(e, s);
}

static void put_ids(struct enc *e, unsigned tag, const uint64_t *ids, size_t n)
{
	size_t i;

	if (!ids)
		n = 0;
	put_key(e, tag);
	if (!e->err)
		e->err = msgpack_pack_array(&e->pk, n);
	for (i = 0; i < n && !e->err; i++)
		e->err = msgpack_pack_uint64(&e->pk, ids[i]);
}

/* The decoder refuses nil items, so a NULL entry (which str_list_add never
 * makes) is written as "" rather than producing an unreadable record. */
static void put_strs(struct enc *e, unsigned tag, char *const *list, size_t n)
{
	size_t i;

	if (!list)
		n = 0;
	put_key(e, tag);
	if (!e->err)
		e->err = msgpack_pack_array(&e->pk, n);
	for (i = 0; i < n; i++)
		pack_str(e, list[i] ? list[i] : "");
}

/* entries counts every field including the version; strings that are NULL
 * must not be counted (see nonnull). */
static void enc_begin(struct enc *e, struct dk_buf *out, size_t entries)
{
	memset(e, 0, sizeof(*e));
	e->out = out;
	e->start = out->len;
	e->entries = entries;
	msgpack_packer_init(&e->pk, out, buf_write);
	e->err = msgpack_pack_map(&e->pk, entries);
	put_u64(e, 0, RECORD_VERSION);
}

static int enc_end(struct enc *e)
{
	if (e->err) {
		e->out->len = e->start;
		return DK_ERR_NOMEM;
	}
	assert(e->written == e->entries);
	return 0;
}

static size_t nonnull(const char *s)
{
	return s != NULL;
}

/* Encoders refuse values their decoder would reject: a record written with
 * them could never be read back. */
static bool in_range(uint64_t v, uint64_t min, uint64_t max)
{
	return v >= min && v <= max;
}

int user_encode(const struct user *u, struct dk_buf *out)
{
	struct enc e;

	if (!in_range((uint64_t)u->role, ROLE_NONE, ROLE_ADMIN) ||
	    !in_range(u->contact, 0, CONTACT_MAX))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 9 + nonnull(u->email) + nonnull(u->name) +
		  nonnull(u->password_hash) + nonnull(u->language) +
		  nonnull(u->phone));
	put_u64(&e, USER_ID, u->id);
	put_u64(&e, USER_ORG_ID, u->org_id);
	put_u64(&e, USER_ROLE, (uint64_t)u->role);
	put_str(&e, USER_EMAIL, u->email);
	put_str(&e, USER_NAME, u->name);
	put_str(&e, USER_PASSWORD_HASH, u->password_hash);
	put_str(&e, USER_LANGUAGE, u->language);
	put_str(&e, USER_PHONE, u->phone);
	put_i64(&e, USER_CREATED, u->created_ms);
	put_i64(&e, USER_UPDATED, u->updated_ms);
	put_bool(&e, USER_DISABLED, u->disabled);
	put_bool(&e, USER_APPROVER, u->approver);
	put_u64(&e, USER_CONTACT, u->contact);
	return enc_end(&e);
}

int org_encode(const struct org *o, struct dk_buf *out)
{
	struct enc e;

	if (!in_range(o->priority_mode, 0, PRIORITY_MODE_MAX))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 8 + nonnull(o->name));
	put_u64(&e, ORG_ID, o->id);
	put_str(&e, ORG_NAME, o->name);
	put_i64(&e, ORG_CREATED, o->created_ms);
	put_bool(&e, ORG_SHARE_BY_DEFAULT, o->share_by_default);
	put_strs(&e, ORG_SERVICES, o->services, o->n_services);
	put_u64(&e, ORG_PRIORITY_MODE, o->priority_mode);
	put_strs(&e, ORG_DOMAINS, o->domains, o->n_domains);
	put_bool(&e, ORG_CONFIRM_ALL, o->confirm_all);
	return enc_end(&e);
}

int ticket_encode(const struct ticket *t, struct dk_buf *out)
{
	struct enc e;

	if (!in_range(t->priority, 1, 4) || !in_range(t->category, 0, CATEGORY_MAX) ||
	    !in_range(t->impact, 0, IMPACT_MAX) || !in_range(t->urgency, 0, URGENCY_MAX) ||
	    !in_range(t->rating, 0, RATING_MAX))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 25 + nonnull(t->title) + nonnull(t->description) +
		  nonnull(t->type) + nonnull(t->status) + nonnull(t->channel) +
		  nonnull(t->request_type) + nonnull(t->service) +
		  nonnull(t->subcategory) + nonnull(t->fields) +
		  nonnull(t->assignee_group) + nonnull(t->resolution_code) +
		  nonnull(t->cause) + nonnull(t->rating_comment));
	put_u64(&e, TICKET_ID, t->id);
	put_u64(&e, TICKET_ORG_ID, t->org_id);
	put_u64(&e, TICKET_REQUESTER_ID, t->requester_id);
	put_u64(&e, TICKET_CREATOR_ID, t->creator_id);
	put_u64(&e, TICKET_ASSIGNEE_ID, t->assignee_id);
	put_str(&e, TICKET_TITLE, t->title);
	put_str(&e, TICKET_DESCRIPTION, t->description);
	put_str(&e, TICKET_TYPE, t->type);
	put_u64(&e, TICKET_PRIORITY, t->priority);
	put_str(&e, TICKET_STATUS, t->status);
	put_str(&e, TICKET_CHANNEL, t->channel);
	put_i64(&e, TICKET_CREATED, t->created_ms);
	put_i64(&e, TICKET_UPDATED, t->updated_ms);
	put_i64(&e, TICKET_CLOSED, t->closed_ms);
	put_u64(&e, TICKET_EVENT_COUNT, t->event_count);
	put_ids(&e, TICKET_FOLLOWERS, t->followers, t->n_followers);
	put_ids(&e, TICKET_PARTICIPANTS, t->participants, t->n_participants);
	put_u64(&e, TICKET_CATEGORY, t->category);
	put_str(&e, TICKET_REQUEST_TYPE, t->request_type);
	put_str(&e, TICKET_SERVICE, t->service);
	put_str(&e, TICKET_SUBCATEGORY, t->subcategory);
	put_u64(&e, TICKET_IMPACT, t->impact);
	put_u64(&e, TICKET_URGENCY, t->urgency);
	put_str(&e, TICKET_FIELDS, t->fields);
	put_bool(&e, TICKET_SHARED_WITH_ORG, t->shared_with_org);
	put_strs(&e, TICKET_EXTERNAL_EMAILS, t->external_emails, t->n_external_emails);
	put_str(&e, TICKET_ASSIGNEE_GROUP, t->assignee_group);
	put_str(&e, TICKET_RESOLUTION_CODE, t->resolution_code);
	put_str(&e, TICKET_CAUSE, t->cause);
	put_ids(&e, TICKET_RELATED, t->related, t->n_related);
	put_u64(&e, TICKET_RATING, t->rating);
	put_str(&e, TICKET_RATING_COMMENT, t->rating_comment);
	put_u64(&e, TICKET_APPROVER_ID, t->approver_id);
	put_bool(&e, TICKET_NEEDS_APPROVAL, t->needs_approval);
	put_u64(&e, TICKET_MINUTES, t->minutes);
	put_u64(&e, TICKET_BILLABLE_MINUTES, t->billable_minutes);
	put_i64(&e, TICKET_RESOLVED, t->resolved_ms);
	return enc_end(&e);
}

int ticket_event_encode(const struct ticket_event *ev, struct dk_buf *out)
{
	struct enc e;

	if (!in_range((uint64_t)ev->kind, EVENT_CREATED, EVENT_APPROVAL) ||
	    !in_range(ev->rating, 0, RATING_MAX))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 13 + nonnull(ev->body) + nonnull(ev->field) +
		  nonnull(ev->old_value) + nonnull(ev->new_value));
	put_u64(&e, EVENT_TAG_TICKET_ID, ev->ticket_id);
	put_u64(&e, EVENT_TAG_SEQ, ev->seq);
	put_i64(&e, EVENT_TAG_TIME, ev->time_ms);
	put_u64(&e, EVENT_TAG_ACTOR_ID, ev->actor_id);
	put_u64(&e, EVENT_TAG_KIND, (uint64_t)ev->kind);
	put_bool(&e, EVENT_TAG_INTERNAL, ev->internal);
	put_bool(&e, EVENT_TAG_FROM_SUPPORT, ev->from_support);
	put_str(&e, EVENT_TAG_BODY, ev->body);
	put_str(&e, EVENT_TAG_FIELD, ev->field);
	put_str(&e, EVENT_TAG_OLD_VALUE, ev->old_value);
	put_str(&e, EVENT_TAG_NEW_VALUE, ev->new_value);
	put_u64(&e, EVENT_TAG_RATING, ev->rating);
	put_u64(&e, EVENT_TAG_MINUTES, ev->minutes);
	put_bool(&e, EVENT_TAG_BILLABLE, ev->billable);
	put_u64(&e, EVENT_TAG_REDACTED_BY, ev->redacted_by);
	put_i64(&e, EVENT_TAG_REDACTED_MS, ev->redacted_ms);
	return enc_end(&e);
}

int session_encode(const struct session *s, struct dk_buf *out)
{
	struct enc e;

	if (!in_range((uint64_t)s->kind, SESSION_BROWSER, SESSION_KIND_LAST))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 7 + nonnull(s->csrf) + nonnull(s->label) + nonnull(s->email) +
		  nonnull(s->name) + nonnull(s->language));
	put_u64(&e, SESSION_KIND, (uint64_t)s->kind);
	put_u64(&e, SESSION_USER_ID, s->user_id);
	put_str(&e, SESSION_CSRF, s->csrf);
	put_str(&e, SESSION_LABEL, s->label);
	put_i64(&e, SESSION_CREATED, s->created_ms);
	put_i64(&e, SESSION_EXPIRES, s->expires_ms);
	put_bool(&e, SESSION_REMEMBER, s->remember);
	put_str(&e, SESSION_EMAIL, s->email);
	put_u64(&e, SESSION_ORG_ID, s->org_id);
	put_str(&e, SESSION_NAME, s->name);
	put_str(&e, SESSION_LANGUAGE, s->language);
	return enc_end(&e);
}

int access_request_encode(const struct access_request *a, struct dk_buf *out)
{
	struct enc e;

	if (!in_range((uint64_t)a->state, ACCESS_PENDING, ACCESS_STATE_LAST))
		return DK_ERR_INVALID;
	enc_begin(&e, out, 9 + nonnull(a->email) + nonnull(a->name) + nonnull(a->phone) +
		  nonnull(a->function) + nonnull(a->language) + nonnull(a->reason));
	put_u64(&e, ACCESS_TAG_ID, a->id);
	put_u64(&e, ACCESS_TAG_ORG_ID, a->org_id);
	put_u64(&e, ACCESS_TAG_REQUESTER_ID, a->requester_id);
	put_u64(&e, ACCESS_TAG_STATE, (uint64_t)a->state);
	put_str(&e, ACCESS_TAG_EMAIL, a->email);
	put_str(&e, ACCESS_TAG_NAME, a->name);
	put_str(&e, ACCESS_TAG_PHONE, a->phone);
	put_str(&e, ACCESS_TAG_FUNCTION, a->function);
	put_str(&e, ACCESS_TAG_LANGUAGE, a->language);
	put_i64(&e, ACCESS_TAG_CREATED, a->created_ms);
	put_i64(&e, ACCESS_TAG_DECIDED, a->decided_ms);
	put_u64(&e, ACCESS_TAG_DECIDED_BY, a->decided_by);
	put_str(&e, ACCESS_TAG_REASON, a->reason);
	put_u64(&e, ACCESS_TAG_USER_ID, a->user_id);
	return enc_end(&e);
}
