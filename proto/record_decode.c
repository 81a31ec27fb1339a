/*
 * MessagePack decoding of records; the tag table is in codec.h.
 *
 * Input is checked before msgpack-c sees it (shape_ok), then each map entry
 * is handed to the record's field function, which checks the value's type
 * and range. Unknown tags are skipped; missing ones keep their defaults.
 */
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "dk_err.h"
#include "record.h"

#define DESKD_CODEC_PRIVATE
#include "codec.h"

static bool read_len(const unsigned char *p, size_t len, size_t *pos, int n,
		     size_t *out)
{
	size_t v = 0;
	int i;

	if (len - *pos < (size_t)n)
		return false;
	for (i = 0; i < n; i++)
		v = (v << 8) | p[(*pos)++];
	*out = v;
	return true;
}

/*
 * msgpack-c allocates a container's elements from its declared count before
 * it reads them, so a few corrupt bytes could claim gigabytes. This walk runs
 * first and checks that every declared length fits in the bytes left (each
 * pending object needs at least one byte) and that exactly one object fills
 * the input. It bounds the unpacker's memory by a small multiple of len.
 */
static bool shape_ok(const unsigned char *p, size_t len)
{
	size_t pos = 0, pending = 1;

	while (pending > 0) {
		size_t skip = 0, count = 0, n = 0;
		int count_mul = 0; /* 1: array, 2: map */
		unsigned char b;

		if (pos >= len)
			return false;
		b = p[pos++];
		pending--;
		if (b <= 0x7f || b >= 0xe0) {
			/* fixint */
		} else if (b <= 0x8f) {
			count = b & 0x0f;
			count_mul = 2;
		} else if (b <= 0x9f) {
			count = b & 0x0f;
			count_mul = 1;
		} else if (b <= 0xbf) {
			skip = b & 0x1f;
		} else {
			switch (b) {
			case 0xc0: case 0xc2: case 0xc3:
				break;
			case 0xc4: case 0xd9:
				if (!read_len(p, len, &pos, 1, &skip))
					return false;
				break;
			case 0xc5: case 0xda:
				if (!read_len(p, len, &pos, 2, &skip))
					return false;
				break;
			case 0xc6: case 0xdb:
				if (!read_len(p, len, &pos, 4, &skip))
					return false;
				break;
			case 0xc7: case 0xc8: case 0xc9:
				/* ext: length, then a type byte, then data */
				n = b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4;
				if (!read_len(p, len, &pos, (int)n, &skip) ||
				    pos >= len)
					return false;
				pos++;
				break;
			case 0xca: case 0xce: case 0xd2:
				skip = 4;
				break;
			case 0xcb: case 0xcf: case 0xd3:
				skip = 8;
				break;
			case 0xcc: case 0xd0:
				skip = 1;
				break;
			case 0xcd: case 0xd1:
				skip = 2;
				break;
			case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
				/* fixext: type byte plus 1, 2, 4, 8 or 16 */
				skip = 1 + ((size_t)1 << (b - 0xd4));
				break;
			case 0xdc: case 0xde:
				if (!read_len(p, len, &pos, 2, &count))
					return false;
				count_mul = b == 0xdc ? 1 : 2;
				break;
			case 0xdd: case 0xdf:
				if (!read_len(p, len, &pos, 4, &count))
					return false;
				count_mul = b == 0xdd ? 1 : 2;
				break;
			default: /* 0xc1 is never used */
				return false;
			}
		}
		if (skip > len - pos)
			return false;
		pos += skip;
		if (count_mul) {
			if (count > len - pos || count * count_mul > len - pos)
				return false;
			pending += count * count_mul;
			if (pending > len - pos)
				return false;
		}
	}
	return pos == len;
}

static int get_u64(const msgpack_object *v, uint64_t *out)
{
	if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return DK_ERR_CORRUPT;
	*out = v->via.u64;
	return 0;
}

/* An unsigned integer in [min, max]: u32 fields, priorities, enums. */
static int get_range(const msgpack_object *v, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    v->via.u64 < min || v->via.u64 > max)
		return DK_ERR_CORRUPT;
	*out = v->via.u64;
	return 0;
}

static int get_u32(const msgpack_object *v, uint32_t *out)
{
	uint64_t x;
	int err = get_range(v, 0, UINT32_MAX, &x);

	if (!err)
		*out = (uint32_t)x;
	return err;
}

static int get_i64(const msgpack_object *v, int64_t *out)
{
	if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*out = v->via.i64;
		return 0;
	}
	if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 > INT64_MAX)
		return DK_ERR_CORRUPT;
	*out = (int64_t)v->via.u64;
	return 0;
}

static int get_bool(const msgpack_object *v, bool *out)
{
	if (v->type != MSGPACK_OBJECT_BOOLEAN)
		return DK_ERR_CORRUPT;
	*out = v->via.boolean;
	return 0;
}

/* A NUL byte would silently cut the C string short, so it is corrupt.
 * msgpack gives an empty string a NULL ptr, which memchr and memcpy must
 * not see even with a zero size. */
static int get_str(const msgpack_object *v, char **out)
{
	char *s;

	if (v->type == MSGPACK_OBJECT_NIL) {
		*out = NULL;
		return 0;
	}
	if (v->type != MSGPACK_OBJECT_STR)
		return DK_ERR_CORRUPT;
	if (v->via.str.size && memchr(v->via.str.ptr, '\0', v->via.str.size))
		return DK_ERR_CORRUPT;
	s = malloc((size_t)v->via.str.size + 1);
	if (!s)
		return DK_ERR_NOMEM;
	if (v->via.str.size)
		memcpy(s, v->via.str.ptr, v->via.str.size);
	s[v->via.str.size] = '\0';
	*out = s;
	return 0;
}

static int get_ids(const msgpack_object *v, uint64_t **ids, size_t *n)
{
	const msgpack_object_array *a = &v->via.array;
	uint64_t *p = NULL;
	uint32_t i;

	if (v->type != MSGPACK_OBJECT_ARRAY)
		return DK_ERR_CORRUPT;
	if (a->size) {
		p = malloc((size_t)a->size * sizeof(*p));
		if (!p)
			return DK_ERR_NOMEM;
	}
	for (i = 0; i < a->size; i++) {
		if (a->ptr[i].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
			free(p);
			return DK_ERR_CORRUPT;
		}
		p[i] = a->ptr[i].via.u64;
	}
	*ids = p;
	*n = a->size;
	return 0;
}

/* An array of strings: nil items are refused as well as other types, so
 * every entry of a decoded list is a string. shape_ok already bounded the
 * array's length by the input size. */
static int get_strs(const msgpack_object *v, char ***list, size_t *n)
{
	const msgpack_object_array *a = &v->via.array;
	char **p = NULL;
	uint32_t i;
	int err;

	if (v->type != MSGPACK_OBJECT_ARRAY)
		return DK_ERR_CORRUPT;
	if (a->size) {
		p = calloc(a->size, sizeof(*p));
		if (!p)
			return DK_ERR_NOMEM;
	}
	for (i = 0; i < a->size; i++) {
		err = a->ptr[i].type == MSGPACK_OBJECT_STR ? get_str(&a->ptr[i], &p[i])
							   : DK_ERR_CORRUPT;
		if (err) {
			str_list_free(p, i);
			return err;
		}
	}
	*list = p;
	*n = a->size;
	return 0;
}

/* A small unsigned field (enum-like) in [min, max]. */
static int get_u8(const msgpack_object *v, uint8_t min, uint8_t max, uint8_t *out)
{
	uint64_t x;
	int err = get_range(v, min, max, &x);

	if (!err)
		*out = (uint8_t)x;
	return err;
}

typedef int (*field_fn)(void *rec, uint64_t tag, const msgpack_object *v);

/*
 * Unpacks one map and hands each entry to fn. Keys must be unsigned
 * integers and may not repeat (a repeat would leak or silently override);
 * tags above 63 are unknown to every record, so only those below are tracked.
 */
static int decode_map(const void *data, size_t len, field_fn fn, void *rec)
{
	msgpack_unpacked res;
	const msgpack_object_map *map;
	uint64_t seen = 0;
	size_t off = 0;
	uint32_t i;
	int err;

	if (!data || !shape_ok(data, len))
		return DK_ERR_CORRUPT;
	msgpack_unpacked_init(&res);
	switch (msgpack_unpack_next(&res, data, len, &off)) {
	case MSGPACK_UNPACK_SUCCESS:
		break;
	case MSGPACK_UNPACK_NOMEM_ERROR:
		err = DK_ERR_NOMEM;
		goto out;
	default:
		err = DK_ERR_CORRUPT;
		goto out;
	}
	err = DK_ERR_CORRUPT;
	if (off != len || res.data.type != MSGPACK_OBJECT_MAP)
		goto out;
	map = &res.data.via.map;
	for (i = 0; i < map->size; i++) {
		const msgpack_object_kv *kv = &map->ptr[i];
		uint64_t tag;

		if (kv->key.type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
			err = DK_ERR_CORRUPT;
			goto out;
		}
		tag = kv->key.via.u64;
		if (tag < 64) {
			if (seen & ((uint64_t)1 << tag)) {
				err = DK_ERR_CORRUPT;
				goto out;
			}
			seen |= (uint64_t)1 << tag;
		}
		err = fn(rec, tag, &kv->val);
		if (err)
			goto out;
	}
	err = 0;
out:
	msgpack_unpacked_destroy(&res);
	return err;
}

static int user_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct user *u = rec;
	uint64_t x;
	int err;

	switch (tag) {
	case USER_VERSION:
		return get_u32(v, &u->version);
	case USER_ID:
		return get_u64(v, &u->id);
	case USER_ORG_ID:
		return get_u64(v, &u->org_id);
	case USER_ROLE:
		err = get_range(v, ROLE_NONE, ROLE_ADMIN, &x);
		if (!err)
			u->role = (enum role)x;
		return err;
	case USER_EMAIL:
		return get_str(v, &u->email);
	case USER_NAME:
		return get_str(v, &u->name);
	case USER_PASSWORD_HASH:
		return get_str(v, &u->password_hash);
	case USER_LANGUAGE:
		return get_str(v, &u->language);
	case USER_PHONE:
		return get_str(v, &u->phone);
	case USER_CREATED:
		return get_i64(v, &u->created_ms);
	case USER_UPDATED:
		return get_i64(v, &u->updated_ms);
	case USER_DISABLED:
		return get_bool(v, &u->disabled);
	case USER_APPROVER:
		return get_bool(v, &u->approver);
	case USER_CONTACT:
		return get_u8(v, 0, CONTACT_MAX, &u->contact);
	}
	return 0;
}

static int org_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct org *o = rec;

	switch (tag) {
	case ORG_VERSION:
		return get_u32(v, &o->version);
	case ORG_ID:
		return get_u64(v, &o->id);
	case ORG_NAME:
		return get_str(v, &o->name);
	case ORG_CREATED:
		return get_i64(v, &o->created_ms);
	case ORG_SHARE_BY_DEFAULT:
		return get_bool(v, &o->share_by_default);
	case ORG_SERVICES:
		return get_strs(v, &o->services, &o->n_services);
	case ORG_PRIORITY_MODE:
		return get_u8(v, 0, PRIORITY_MODE_MAX, &o->priority_mode);
	case ORG_DOMAINS: {
		/* only narrows who may sign up: a bad value reads as none
		 * rather than making the organisation unreadable */
		int err;

		str_list_free(o->domains, o->n_domains);
		o->domains = NULL;
		o->n_domains = 0;
		err = get_strs(v, &o->domains, &o->n_domains);
		return err == DK_ERR_CORRUPT ? 0 : err;
	}
	case ORG_CONFIRM_ALL:
		/* only widens who gets a confirmation: a bad value reads as off */
		if (get_bool(v, &o->confirm_all))
			o->confirm_all = false;
		return 0;
	}
	return 0;
}

/* The fields under "lifecycle" in record.h; 0 for tags it does not know. */
static int ticket_lifecycle_field(struct ticket *t, uint64_t tag, const msgpack_object *v)
{
	switch (tag) {
	case TICKET_CATEGORY:
		return get_u8(v, 0, CATEGORY_MAX, &t->category);
	case TICKET_REQUEST_TYPE:
		return get_str(v, &t->request_type);
	case TICKET_SERVICE:
		return get_str(v, &t->service);
	case TICKET_SUBCATEGORY:
		return get_str(v, &t->subcategory);
	case TICKET_IMPACT:
		return get_u8(v, 0, IMPACT_MAX, &t->impact);
	case TICKET_URGENCY:
		return get_u8(v, 0, URGENCY_MAX, &t->urgency);
	case TICKET_FIELDS:
		return get_str(v, &t->fields);
	case TICKET_SHARED_WITH_ORG:
		return get_bool(v, &t->shared_with_org);
	case TICKET_EXTERNAL_EMAILS:
		return get_strs(v, &t->external_emails, &t->n_external_emails);
	case TICKET_ASSIGNEE_GROUP:
		return get_str(v, &t->assignee_group);
	case TICKET_RESOLUTION_CODE:
		return get_str(v, &t->resolution_code);
	case TICKET_CAUSE:
		return get_str(v, &t->cause);
	case TICKET_RELATED:
		return get_ids(v, &t->related, &t->n_related);
	case TICKET_RATING:
		return get_u8(v, 0, RATING_MAX, &t->rating);
	case TICKET_RATING_COMMENT:
		return get_str(v, &t->rating_comment);
	case TICKET_APPROVER_ID:
		return get_u64(v, &t->approver_id);
	case TICKET_NEEDS_APPROVAL:
		return get_bool(v, &t->needs_approval);
	case TICKET_MINUTES:
		return get_u32(v, &t->minutes);
	case TICKET_BILLABLE_MINUTES:
		return get_u32(v, &t->billable_minutes);
	case TICKET_RESOLVED:
		return get_i64(v, &t->resolved_ms);
	}
	return 0;
}

static int ticket_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct ticket *t = rec;

	switch (tag) {
	case TICKET_VERSION:
		return get_u32(v, &t->version);
	case TICKET_ID:
		return get_u64(v, &t->id);
	case TICKET_ORG_ID:
		return get_u64(v, &t->org_id);
	case TICKET_REQUESTER_ID:
		return get_u64(v, &t->requester_id);
	case TICKET_CREATOR_ID:
		return get_u64(v, &t->creator_id);
	case TICKET_ASSIGNEE_ID:
		return get_u64(v, &t->assignee_id);
	case TICKET_TITLE:
		return get_str(v, &t->title);
	case TICKET_DESCRIPTION:
		return get_str(v, &t->description);
	case TICKET_TYPE:
		return get_str(v, &t->type);
	case TICKET_PRIORITY:
		return get_u8(v, 1, 4, &t->priority);
	case TICKET_STATUS:
		return get_str(v, &t->status);
	case TICKET_CHANNEL:
		return get_str(v, &t->channel);
	case TICKET_CREATED:
		return get_i64(v, &t->created_ms);
	case TICKET_UPDATED:
		return get_i64(v, &t->updated_ms);
	case TICKET_CLOSED:
		return get_i64(v, &t->closed_ms);
	case TICKET_EVENT_COUNT:
		return get_u32(v, &t->event_count);
	case TICKET_FOLLOWERS:
		return get_ids(v, &t->followers, &t->n_followers);
	case TICKET_PARTICIPANTS:
		return get_ids(v, &t->participants, &t->n_participants);
	}
	return ticket_lifecycle_field(t, tag, v);
}

static int event_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct ticket_event *e = rec;
	uint64_t x;
	int err;

	switch (tag) {
	case EVENT_TAG_VERSION:
		return get_u32(v, &e->version);
	case EVENT_TAG_TICKET_ID:
		return get_u64(v, &e->ticket_id);
	case EVENT_TAG_SEQ:
		return get_u32(v, &e->seq);
	case EVENT_TAG_TIME:
		return get_i64(v, &e->time_ms);
	case EVENT_TAG_ACTOR_ID:
		return get_u64(v, &e->actor_id);
	case EVENT_TAG_KIND:
		err = get_range(v, EVENT_CREATED, EVENT_APPROVAL, &x);
		if (!err)
			e->kind = (enum event_kind)x;
		return err;
	case EVENT_TAG_INTERNAL:
		return get_bool(v, &e->internal);
	case EVENT_TAG_FROM_SUPPORT:
		return get_bool(v, &e->from_support);
	case EVENT_TAG_BODY:
		return get_str(v, &e->body);
	case EVENT_TAG_FIELD:
		return get_str(v, &e->field);
	case EVENT_TAG_OLD_VALUE:
		return get_str(v, &e->old_value);
	case EVENT_TAG_NEW_VALUE:
		return get_str(v, &e->new_value);
	case EVENT_TAG_RATING:
		return get_u8(v, 0, RATING_MAX, &e->rating);
	case EVENT_TAG_MINUTES:
		return get_u32(v, &e->minutes);
	case EVENT_TAG_BILLABLE:
		return get_bool(v, &e->billable);
	case EVENT_TAG_REDACTED_BY:
		return get_u64(v, &e->redacted_by);
	case EVENT_TAG_REDACTED_MS:
		return get_i64(v, &e->redacted_ms);
	}
	return 0;
}

static int session_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct session *s = rec;
	uint64_t x;
	int err;

	switch (tag) {
	case SESSION_VERSION:
		return get_u32(v, &s->version);
	case SESSION_KIND:
		err = get_range(v, SESSION_BROWSER, SESSION_KIND_LAST, &x);
		if (!err)
			s->kind = (enum session_kind)x;
		return err;
	case SESSION_USER_ID:
		return get_u64(v, &s->user_id);
	case SESSION_CSRF:
		return get_str(v, &s->csrf);
	case SESSION_LABEL:
		return get_str(v, &s->label);
	case SESSION_CREATED:
		return get_i64(v, &s->created_ms);
	case SESSION_EXPIRES:
		return get_i64(v, &s->expires_ms);
	case SESSION_REMEMBER:
		return get_bool(v, &s->remember);
	case SESSION_EMAIL:
		return get_str(v, &s->email);
	case SESSION_ORG_ID:
		return get_u64(v, &s->org_id);
	case SESSION_NAME:
		return get_str(v, &s->name);
	case SESSION_LANGUAGE:
		return get_str(v, &s->language);
	}
	return 0;
}

static int access_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct access_request *a = rec;
	uint64_t x;
	int err;

	switch (tag) {
	case ACCESS_TAG_VERSION:
		return get_u32(v, &a->version);
	case ACCESS_TAG_ID:
		return get_u64(v, &a->id);
	case ACCESS_TAG_ORG_ID:
		return get_u64(v, &a->org_id);
	case ACCESS_TAG_REQUESTER_ID:
		return get_u64(v, &a->requester_id);
	case ACCESS_TAG_STATE:
		err = get_range(v, ACCESS_PENDING, ACCESS_STATE_LAST, &x);
		if (!err)
			a->state = (enum access_state)x;
		return err;
	case ACCESS_TAG_EMAIL:
		return get_str(v, &a->email);
	case ACCESS_TAG_NAME:
		return get_str(v, &a->name);
	case ACCESS_TAG_PHONE:
		return get_str(v, &a->phone);
	case ACCESS_TAG_FUNCTION:
		return get_str(v, &a->function);
	case ACCESS_TAG_LANGUAGE:
		return get_str(v, &a->language);
	case ACCESS_TAG_CREATED:
		return get_i64(v, &a->created_ms);
	case ACCESS_TAG_DECIDED:
		return get_i64(v, &a->decided_ms);
	case ACCESS_TAG_DECIDED_BY:
		return get_u64(v, &a->decided_by);
	case ACCESS_TAG_REASON:
		return get_str(v, &a->reason);
	case ACCESS_TAG_USER_ID:
		return get_u64(v, &a->user_id);
	}
	return 0;
}

int user_decode(const void *data, size_t len, struct user *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode_map(data, len, user_field, out);
	if (err)
		user_free(out);
	return err;
}

int org_decode(const void *data, size_t len, struct org *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode_map(data, len, org_field, out);
	if (err)
		org_free(out);
	return err;
}

int ticket_decode(const void *data, size_t len, struct ticket *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->priority = TICKET_PRIORITY_DEFAULT;
	err = decode_map(data, len, ticket_field, out);
	if (err)
		ticket_free(out);
	return err;
}

int ticket_event_decode(const void *data, size_t len, struct ticket_event *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode_map(data, len, event_field, out);
	if (err)
		ticket_event_free(out);
	return err;
}

int session_decode(const void *data, size_t len, struct session *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode_map(data, len, session_field, out);
	if (err)
		session_free(out);
	return err;
}

int access_request_decode(const void *data, size_t len, struct access_request *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = decode_map(data, len, access_field, out);
	if (err == 0 && out->state == 0)
		err = DK_ERR_CORRUPT;
	if (err)
		access_request_free(out);
	return err;
}
