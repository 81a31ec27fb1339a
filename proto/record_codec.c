/*
 * MessagePack encoding of records.
 *
 * A record is one msgpack map from field tag to value; tag 0 is always the
 * schema version. Tags are part of the on-disk format: never renumber or
 * reuse one, only add new ones. A NULL string is stored by leaving its tag
 * out (a nil value also decodes as NULL).
 *
 *  tag | user           org               ticket        event         session
 *  ----+--------------------------------------------------------------------------
 *    0 | version        version           version       version       version
 *    1 | id u64         id u64            id u64        ticket_id u64 kind uint
 *    2 | org_id u64     name str          org_id u64    seq u32       user_id u64
 *    3 | role uint      created_ms i64    requester_id  time_ms i64   csrf str
 *    4 | email str      share_by_default  creator_id    actor_id u64  label str
 *    5 | name str                         assignee_id   kind uint     created_ms i64
 *    6 | password_hash                    title str     internal bool expires_ms i64
 *    7 | language str                     description   from_support  remember bool
 *    8 | phone str                        type str      body str
 *    9 | created_ms i64                   priority 1..4 field str
 *   10 | updated_ms i64                   status str    old_value str
 *   11 | disabled bool                    channel str   new_value str
 *   12 |                                  created_ms
 *   13 |                                  updated_ms
 *   14 |                                  closed_ms
 *   15 |                                  event_count u32
 *   16 |                                  followers [u64]
 *   17 |                                  participants [u64]
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "dk_err.h"
#include "record.h"

enum user_tag {
	USER_VERSION = 0, USER_ID = 1, USER_ORG_ID = 2, USER_ROLE = 3,
	USER_EMAIL = 4, USER_NAME = 5, USER_PASSWORD_HASH = 6,
	USER_LANGUAGE = 7, USER_PHONE = 8, USER_CREATED = 9, USER_UPDATED = 10,
	USER_DISABLED = 11
};

enum org_tag {
	ORG_VERSION = 0, ORG_ID = 1, ORG_NAME = 2, ORG_CREATED = 3,
	ORG_SHARE_BY_DEFAULT = 4
};

enum ticket_tag {
	TICKET_VERSION = 0, TICKET_ID = 1, TICKET_ORG_ID = 2,
	TICKET_REQUESTER_ID = 3, TICKET_CREATOR_ID = 4, TICKET_ASSIGNEE_ID = 5,
	TICKET_TITLE = 6, TICKET_DESCRIPTION = 7, TICKET_TYPE = 8,
	TICKET_PRIORITY = 9, TICKET_STATUS = 10, TICKET_CHANNEL = 11,
	TICKET_CREATED = 12, TICKET_UPDATED = 13, TICKET_CLOSED = 14,
	TICKET_EVENT_COUNT = 15, TICKET_FOLLOWERS = 16, TICKET_PARTICIPANTS = 17
};

enum event_tag {
	EVENT_TAG_VERSION = 0, EVENT_TAG_TICKET_ID = 1, EVENT_TAG_SEQ = 2,
	EVENT_TAG_TIME = 3, EVENT_TAG_ACTOR_ID = 4, EVENT_TAG_KIND = 5,
	EVENT_TAG_INTERNAL = 6, EVENT_TAG_FROM_SUPPORT = 7, EVENT_TAG_BODY = 8,
	EVENT_TAG_FIELD = 9, EVENT_TAG_OLD_VALUE = 10, EVENT_TAG_NEW_VALUE = 11
};

enum session_tag {
	SESSION_VERSION = 0, SESSION_KIND = 1, SESSION_USER_ID = 2,
	SESSION_CSRF = 3, SESSION_LABEL = 4, SESSION_CREATED = 5,
	SESSION_EXPIRES = 6, SESSION_REMEMBER = 7
};

#define TICKET_PRIORITY_DEFAULT 4

/* ---- encoding ---------------------------------------------------------- */

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

/* NULL strings are left out; the decoder's default is NULL. */
static void put_str(struct enc *e, unsigned tag, const char *s)
{
	if (!s)
		return;
	put_key(e, tag);
	if (!e->err)
		e->err = msgpack_pack_str_with_body(&e->pk, s, strlen(s));
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

int user_encode(const struct user *u, struct dk_buf *out)
{
	struct enc e;

	enc_begin(&e, out, 7 + nonnull(u->email) + nonnull(u->name) +
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
	return enc_end(&e);
}

int org_encode(const struct org *o, struct dk_buf *out)
{
	struct enc e;

	enc_begin(&e, out, 4 + nonnull(o->name));
	put_u64(&e, ORG_ID, o->id);
	put_str(&e, ORG_NAME, o->name);
	put_i64(&e, ORG_CREATED, o->created_ms);
	put_bool(&e, ORG_SHARE_BY_DEFAULT, o->share_by_default);
	return enc_end(&e);
}

int ticket_encode(const struct ticket *t, struct dk_buf *out)
{
	struct enc e;

	enc_begin(&e, out, 13 + nonnull(t->title) + nonnull(t->description) +
		  nonnull(t->type) + nonnull(t->status) + nonnull(t->channel));
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
	return enc_end(&e);
}

int ticket_event_encode(const struct ticket_event *ev, struct dk_buf *out)
{
	struct enc e;

	enc_begin(&e, out, 8 + nonnull(ev->body) + nonnull(ev->field) +
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
	return enc_end(&e);
}

int session_encode(const struct session *s, struct dk_buf *out)
{
	struct enc e;

	enc_begin(&e, out, 6 + nonnull(s->csrf) + nonnull(s->label));
	put_u64(&e, SESSION_KIND, (uint64_t)s->kind);
	put_u64(&e, SESSION_USER_ID, s->user_id);
	put_str(&e, SESSION_CSRF, s->csrf);
	put_str(&e, SESSION_LABEL, s->label);
	put_i64(&e, SESSION_CREATED, s->created_ms);
	put_i64(&e, SESSION_EXPIRES, s->expires_ms);
	put_bool(&e, SESSION_REMEMBER, s->remember);
	return enc_end(&e);
}

/* ---- decoding ---------------------------------------------------------- */

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

/* A NUL byte would silently cut the C string short, so it is corrupt. */
static int get_str(const msgpack_object *v, char **out)
{
	char *s;

	if (v->type == MSGPACK_OBJECT_NIL) {
		*out = NULL;
		return 0;
	}
	if (v->type != MSGPACK_OBJECT_STR)
		return DK_ERR_CORRUPT;
	if (memchr(v->via.str.ptr, '\0', v->via.str.size))
		return DK_ERR_CORRUPT;
	s = malloc((size_t)v->via.str.size + 1);
	if (!s)
		return DK_ERR_NOMEM;
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
	}
	return 0;
}

static int ticket_field(void *rec, uint64_t tag, const msgpack_object *v)
{
	struct ticket *t = rec;
	uint64_t x;
	int err;

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
		err = get_range(v, 1, 4, &x);
		if (!err)
			t->priority = (uint8_t)x;
		return err;
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
	return 0;
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
		err = get_range(v, EVENT_CREATED, EVENT_UNFOLLOW, &x);
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
		err = get_range(v, SESSION_BROWSER, SESSION_API_TOKEN, &x);
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
