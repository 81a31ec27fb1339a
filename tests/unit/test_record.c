/* Records: msgpack round trips, defaults, corrupt input, copies, id lists;
 * also the byte buffer and error text the codec relies on. */
#include "test.h"

#include <msgpack.h>

#include "buf.h"
#include "dk_err.h"
#include "record.h"
#include "record_fixtures.h"

/* ---- hand-built msgpack ------------------------------------------------- */

struct mp {
	msgpack_sbuffer sb;
	msgpack_packer pk;
};

static void mp_init(struct mp *m)
{
	msgpack_sbuffer_init(&m->sb);
	msgpack_packer_init(&m->pk, &m->sb, msgpack_sbuffer_write);
}

static void mp_done(struct mp *m)
{
	msgpack_sbuffer_destroy(&m->sb);
}

static void mp_str(struct mp *m, const char *s, size_t n)
{
	msgpack_pack_str_with_body(&m->pk, s, n);
}

static void mp_cstr(struct mp *m, const char *s)
{
	mp_str(m, s, strlen(s));
}

static void mp_uint(struct mp *m, uint64_t v)
{
	msgpack_pack_uint64(&m->pk, v);
}

static void mp_int(struct mp *m, int64_t v)
{
	msgpack_pack_int64(&m->pk, v);
}

/* ---- decoders behind one signature --------------------------------------- */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

/* Each wrapper decodes into a scratch record, checks that a failure left it
 * zeroed, and frees it, so callers only see the return code. */
#define DECODER(rec)                                                    \
	static int dec_##rec(const void *data, size_t len)             \
	{                                                               \
		struct rec r;                                           \
		int rc;                                                 \
		memset(&r, 0xa5, sizeof(r));                            \
		rc = rec##_decode(data, len, &r);                       \
		if (rc)                                                 \
			assert_true(all_zero(&r, sizeof(r)));           \
		rec##_free(&r);                                         \
		return rc;                                              \
	}
DECODER(user)
DECODER(org)
DECODER(ticket)
DECODER(ticket_event)
DECODER(session)

/* Copies into an allocation of exactly len bytes, so that ASan reports any
 * read past the end of the input. */
static int dec_exact(int (*dec)(const void *, size_t), const void *data, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, data, len);
	rc = dec(copy, len);
	free(copy);
	return rc;
}

/* ---- round trips ------------------------------------------------------------ */

/* Encodes a fully populated record, decodes it and compares every field;
 * the version always comes back as RECORD_VERSION. */
#define ROUNDTRIP_TEST(rec)                                             \
	static void test_##rec##_roundtrip(void **state)                \
	{                                                               \
		struct rec in, out;                                     \
		struct dk_buf b = { 0 };                                \
		(void)state;                                            \
		fill_##rec(&in);                                        \
		assert_int_equal(rec##_encode(&in, &b), 0);             \
		assert_int_equal(rec##_decode(b.data, b.len, &out), 0); \
		assert_int_equal(out.version, RECORD_VERSION);          \
		assert_##rec##_eq(&in, &out);                           \
		rec##_free(&in);                                        \
		rec##_free(&out);                                       \
		dk_buf_free(&b);                                        \
	}
ROUNDTRIP_TEST(user)
ROUNDTRIP_TEST(org)
ROUNDTRIP_TEST(ticket)
ROUNDTRIP_TEST(ticket_event)
ROUNDTRIP_TEST(session)

/* NULL strings and empty id lists survive, and false/0 are not defaults in
 * disguise: priority 1 must not come back as the default 4. */
static void test_roundtrip_sparse(void **state)
{
	struct ticket in = { 0 }, out;
	struct user u = { 0 }, uo;
	struct dk_buf b = { 0 };

	(void)state;
	in.id = 1;
	in.priority = 1;
	assert_int_equal(ticket_encode(&in, &b), 0);
	assert_int_equal(ticket_decode(b.data, b.len, &out), 0);
	assert_ticket_eq(&in, &out);
	assert_null(out.followers);
	ticket_free(&out);

	dk_buf_reset(&b);
	u.role = ROLE_NONE;
	assert_int_equal(user_encode(&u, &b), 0);
	assert_int_equal(user_decode(b.data, b.len, &uo), 0);
	assert_user_eq(&u, &uo);
	user_free(&uo);
	dk_buf_free(&b);
}

/* Encoders append: a key prefix already in the buffer stays in front. */
static void test_encode_appends(void **state)
{
	struct org o, out;
	struct dk_buf b = { 0 };

	(void)state;
	fill_org(&o);
	assert_int_equal(dk_buf_append(&b, "KEY", 3), 0);
	assert_int_equal(org_encode(&o, &b), 0);
	assert_memory_equal(b.data, "KEY", 3);
	assert_int_equal(org_decode(b.data + 3, b.len - 3, &out), 0);
	assert_string_equal(out.name, "Acme B.V.");
	org_free(&o);
	org_free(&out);
	dk_buf_free(&b);
}

/* ---- defaults and unknown tags ------------------------------------------- */

static void test_defaults_ticket(void **state)
{
	struct ticket t;
	struct mp m;

	(void)state;
	mp_init(&m);
	msgpack_pack_map(&m.pk, 2);
	mp_uint(&m, 1);
	mp_uint(&m, 42);
	mp_uint(&m, 6);
	mp_cstr(&m, "old record");
	assert_int_equal(ticket_decode(m.sb.data, m.sb.size, &t), 0);
	assert_int_equal(t.version, 0);
	assert_int_equal(t.id, 42);
	assert_string_equal(t.title, "old record");
	assert_int_equal(t.priority, 4);
	assert_null(t.description);
	assert_null(t.type);
	assert_null(t.status);
	assert_null(t.channel);
	assert_int_equal(t.org_id, 0);
	assert_int_equal(t.assignee_id, 0);
	assert_true(t.closed_ms == 0);
	assert_int_equal(t.event_count, 0);
	assert_null(t.followers);
	assert_int_equal(t.n_followers, 0);
	assert_null(t.participants);
	assert_int_equal(t.n_participants, 0);
	ticket_free(&t);
	mp_done(&m);
}

static void test_defaults_others(void **state)
{
	struct user u;
	struct ticket_event e;
	struct session s;
	struct org o;
	struct mp m;

	(void)state;
	mp_init(&m);
	msgpack_pack_map(&m.pk, 2);
	mp_uint(&m, 0);
	mp_uint(&m, 1);
	mp_uint(&m, 4);
	mp_cstr(&m, "a@b.example");
	assert_int_equal(user_decode(m.sb.data, m.sb.size, &u), 0);
	assert_int_equal(u.version, 1);
	assert_string_equal(u.email, "a@b.example");
	assert_null(u.language);
	assert_null(u.password_hash);
	assert_int_equal(u.role, ROLE_NONE);
	assert_false(u.disabled);
	user_free(&u);
	mp_done(&m);

	/* An empty map is a valid record of every kind. */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 0);
	assert_int_equal(ticket_event_decode(m.sb.data, m.sb.size, &e), 0);
	assert_int_equal(e.kind, 0);
	assert_null(e.body);
	assert_false(e.internal);
	assert_int_equal(session_decode(m.sb.data, m.sb.size, &s), 0);
	assert_int_equal(s.kind, 0);
	assert_null(s.csrf);
	assert_true(s.expires_ms == 0);
	assert_int_equal(org_decode(m.sb.data, m.sb.size, &o), 0);
	assert_null(o.name);
	assert_false(o.share_by_default);
	ticket_event_free(&e);
	session_free(&s);
	org_free(&o);
	mp_done(&m);
}

/* A newer deskd may add tags of any type; they must be skipped. */
static void test_unknown_tags_skipped(void **state)
{
	struct ticket t;
	struct mp m;

	(void)state;
	mp_init(&m);
	msgpack_pack_map(&m.pk, 6);
	mp_uint(&m, 40);
	msgpack_pack_map(&m.pk, 1);
	mp_cstr(&m, "nested");
	msgpack_pack_array(&m.pk, 2);
	msgpack_pack_nil(&m.pk);
	msgpack_pack_double(&m.pk, 2.5);
	mp_uint(&m, 1);
	mp_uint(&m, 9);
	mp_uint(&m, 1000);
	mp_cstr(&m, "far future");
	mp_uint(&m, 63);
	msgpack_pack_bin_with_body(&m.pk, "\0\1", 2);
	mp_uint(&m, UINT64_MAX);
	mp_int(&m, -3);
	mp_uint(&m, 9);
	mp_uint(&m, 3);
	assert_int_equal(ticket_decode(m.sb.data, m.sb.size, &t), 0);
	assert_int_equal(t.id, 9);
	assert_int_equal(t.priority, 3);
	assert_null(t.title);
	ticket_free(&t);
	mp_done(&m);
}

/* ---- corrupt input --------------------------------------------------------- */

static void test_not_a_map(void **state)
{
	static const unsigned char inputs[][3] = {
		{ 0x90 },             /* [] */
		{ 0x01 },             /* 1 */
		{ 0xa1, 'x' },        /* "x" */
		{ 0xc0 },             /* nil */
		{ 0xc3 },             /* true */
		{ 0x91, 0x80 },       /* [{}] */
	};
	static const size_t lens[] = { 1, 1, 2, 1, 1, 2 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(dec_exact(dec_user, inputs[i], lens[i]), DK_ERR_CORRUPT);
		assert_int_equal(dec_exact(dec_ticket, inputs[i], lens[i]), DK_ERR_CORRUPT);
		assert_int_equal(dec_exact(dec_session, inputs[i], lens[i]), DK_ERR_CORRUPT);
	}
	assert_int_equal(dec_exact(dec_org, "", 0), DK_ERR_CORRUPT);
	assert_int_equal(dec_ticket_event(NULL, 0), DK_ERR_CORRUPT);
}

typedef int (*encode_fn)(struct dk_buf *out);

/* Appends the encoding of a fully populated record. */
#define ENCODER(rec)                                                    \
	static int enc_##rec(struct dk_buf *out)                       \
	{                                                               \
		struct rec r;                                           \
		int rc;                                                 \
		fill_##rec(&r);                                         \
		rc = rec##_encode(&r, out);                             \
		rec##_free(&r);                                         \
		return rc;                                              \
	}
ENCODER(user)
ENCODER(org)
ENCODER(ticket)
ENCODER(ticket_event)
ENCODER(session)

/* Field types by tag: u unsigned, i signed time, s string, b bool,
 * a id array. Must match the table in record_codec.c. */
static const struct {
	const char *name;
	encode_fn enc;
	int (*dec)(const void *, size_t);
	const char *types;
} kinds[] = {
	{ "user", enc_user, dec_user, "uuuusssssiib" },
	{ "org", enc_org, dec_org, "uusib" },
	{ "ticket", enc_ticket, dec_ticket, "uuuuuusssussiiiuaa" },
	{ "event", enc_ticket_event, dec_ticket_event, "uuuiuubbssss" },
	{ "session", enc_session, dec_session, "uuussiib" },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static void test_truncated_every_length(void **state)
{
	struct dk_buf b = { 0 };
	size_t k, n;

	(void)state;
	for (k = 0; k < N_KINDS; k++) {
		dk_buf_reset(&b);
		assert_int_equal(kinds[k].enc(&b), 0);
		assert_int_equal(dec_exact(kinds[k].dec, b.data, b.len), 0);
		for (n = 0; n < b.len; n++)
			assert_int_equal(dec_exact(kinds[k].dec, b.data, n),
					 DK_ERR_CORRUPT);
	}
	dk_buf_free(&b);
}

static void test_trailing_bytes(void **state)
{
	struct dk_buf b = { 0 };
	size_t k, len;

	(void)state;
	for (k = 0; k < N_KINDS; k++) {
		dk_buf_reset(&b);
		assert_int_equal(kinds[k].enc(&b), 0);
		len = b.len;
		assert_int_equal(dk_buf_append(&b, "\xc0", 1), 0);
		assert_int_equal(dec_exact(kinds[k].dec, b.data, b.len), DK_ERR_CORRUPT);
		/* the same record twice */
		b.len = len;
		assert_int_equal(kinds[k].enc(&b), 0);
		assert_int_equal(b.len, 2 * len);
		assert_int_equal(dec_exact(kinds[k].dec, b.data, b.len), DK_ERR_CORRUPT);
	}
	dk_buf_free(&b);
}

enum cand { C_POS, C_NEG, C_STR, C_NIL, C_BOOL, C_FLOAT, C_ARRAY, C_MAP,
	    C_BIN, C_EXT, N_CAND };

static void pack_cand(struct mp *m, enum cand c)
{
	switch (c) {
	case C_POS: mp_uint(m, 1); break;
	case C_NEG: mp_int(m, -1); break;
	case C_STR: mp_cstr(m, "x"); break;
	case C_NIL: msgpack_pack_nil(&m->pk); break;
	case C_BOOL: msgpack_pack_true(&m->pk); break;
	case C_FLOAT: msgpack_pack_double(&m->pk, 1.5); break;
	case C_ARRAY: msgpack_pack_array(&m->pk, 1); mp_uint(m, 1); break;
	case C_MAP: msgpack_pack_map(&m->pk, 1); mp_uint(m, 1); mp_uint(m, 1); break;
	case C_BIN: msgpack_pack_bin_with_body(&m->pk, "ab", 2); break;
	case C_EXT: msgpack_pack_ext_with_body(&m->pk, "a", 1, 5); break;
	case N_CAND: break;
	}
}

static bool accepts(char type, enum cand c)
{
	switch (type) {
	case 'u': return c == C_POS;
	case 'i': return c == C_POS || c == C_NEG;
	case 's': return c == C_STR || c == C_NIL;
	case 'b': return c == C_BOOL;
	case 'a': return c == C_ARRAY;
	}
	return false;
}

/* Every known tag against every msgpack type: only the right one decodes. */
static void test_wrong_types(void **state)
{
	size_t k, tag;
	int c;

	(void)state;
	for (k = 0; k < N_KINDS; k++) {
		for (tag = 0; kinds[k].types[tag]; tag++) {
			for (c = 0; c < N_CAND; c++) {
				struct mp m;
				int rc;

				mp_init(&m);
				msgpack_pack_map(&m.pk, 1);
				mp_uint(&m, tag);
				pack_cand(&m, (enum cand)c);
				rc = dec_exact(kinds[k].dec, m.sb.data, m.sb.size);
				if (accepts(kinds[k].types[tag], (enum cand)c))
					assert_int_equal(rc, 0);
				else
					assert_int_equal(rc, DK_ERR_CORRUPT);
				mp_done(&m);
			}
		}
	}
}

/* A map {tag: value}: value built by the caller between open and close. */
static int dec_one_uint(int (*dec)(const void *, size_t), unsigned tag, uint64_t v)
{
	struct mp m;
	int rc;

	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, tag);
	mp_uint(&m, v);
	rc = dec_exact(dec, m.sb.data, m.sb.size);
	mp_done(&m);
	return rc;
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(dec_one_uint(dec_user, 3, ROLE_ADMIN), 0);
	assert_int_equal(dec_one_uint(dec_user, 3, ROLE_ADMIN + 1), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, EVENT_UNFOLLOW), 0);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, EVENT_UNFOLLOW + 1), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, 0), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_session, 1, SESSION_API_TOKEN + 1),
			 DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_session, 1, 0), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket, 9, 4), 0);
	assert_int_equal(dec_one_uint(dec_ticket, 9, 5), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket, 9, 0), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket, 9, 256 + 2), DK_ERR_CORRUPT);
	/* u32 fields: seq, event_count, version */
	assert_int_equal(dec_one_uint(dec_ticket_event, 2, UINT32_MAX), 0);
	assert_int_equal(dec_one_uint(dec_ticket_event, 2, (uint64_t)UINT32_MAX + 1),
			 DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket, 15, (uint64_t)UINT32_MAX + 1),
			 DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_org, 0, (uint64_t)UINT32_MAX + 1),
			 DK_ERR_CORRUPT);
	/* times are int64: a uint64 above INT64_MAX does not fit */
	assert_int_equal(dec_one_uint(dec_session, 6, INT64_MAX), 0);
	assert_int_equal(dec_one_uint(dec_session, 6, (uint64_t)INT64_MAX + 1),
			 DK_ERR_CORRUPT);
}

static void test_bad_maps(void **state)
{
	struct mp m;

	(void)state;
	/* repeated tag */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 2);
	mp_uint(&m, 4);
	mp_cstr(&m, "a@b.c");
	mp_uint(&m, 4);
	mp_cstr(&m, "d@e.f");
	assert_int_equal(dec_exact(dec_user, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);

	/* string key */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_cstr(&m, "id");
	mp_uint(&m, 1);
	assert_int_equal(dec_exact(dec_org, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);

	/* negative key */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_int(&m, -1);
	mp_uint(&m, 1);
	assert_int_equal(dec_exact(dec_org, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);

	/* id array holding a string, then a negative number */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, 16);
	msgpack_pack_array(&m.pk, 2);
	mp_uint(&m, 1);
	mp_cstr(&m, "2");
	assert_int_equal(dec_exact(dec_ticket, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, 17);
	msgpack_pack_array(&m.pk, 1);
	mp_int(&m, -2);
	assert_int_equal(dec_exact(dec_ticket, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);

	/* A valid field before a bad one: the decoder must free it (ASan). */
	mp_init(&m);
	msgpack_pack_map(&m.pk, 3);
	mp_uint(&m, 6);
	mp_cstr(&m, "title");
	mp_uint(&m, 16);
	msgpack_pack_array(&m.pk, 1);
	mp_uint(&m, 5);
	mp_uint(&m, 9);
	mp_uint(&m, 7);
	assert_int_equal(dec_exact(dec_ticket, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);
}

static void test_nul_in_string(void **state)
{
	struct mp m;

	(void)state;
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, 6);
	mp_str(&m, "abc\0def", 7);
	assert_int_equal(dec_exact(dec_ticket, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);
	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, 3);
	mp_str(&m, "\0", 1);
	assert_int_equal(dec_exact(dec_session, m.sb.data, m.sb.size), DK_ERR_CORRUPT);
	mp_done(&m);
}

/* Headers that claim billions of elements must fail fast as corrupt, not
 * allocate gigabytes or report out of memory. */
static void test_huge_counts(void **state)
{
	static const unsigned char map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char arr32[] = { 0x81, 0x10, 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char str32[] = { 0x81, 0x06, 0xdb, 0xff, 0xff, 0xff, 0xf0, 'a' };
	static const unsigned char map16[] = { 0xde, 0x00, 0x02, 0x01, 0x01 };

	(void)state;
	assert_int_equal(dec_exact(dec_ticket, map32, sizeof(map32)), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_ticket, arr32, sizeof(arr32)), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_ticket, str32, sizeof(str32)), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_ticket, map16, sizeof(map16)), DK_ERR_CORRUPT);
}

/* Random bytes and bit flips of valid records: only 0 or corrupt, and a
 * failed decode leaves the record zeroed (checked in the dec_* wrappers). */
static void test_random_bytes(void **state)
{
	struct dk_buf b = { 0 };
	unsigned char buf[96];
	unsigned seed = 12345;
	size_t k, i, n;
	int rc, round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		n = (size_t)(rand_r(&seed) % (int)sizeof(buf));
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		/* Half the inputs start as a map so decoding gets further. */
		if (n && (round & 1))
			buf[0] = (unsigned char)(0x80 | (buf[0] & 0x0f));
		k = (size_t)round % N_KINDS;
		rc = dec_exact(kinds[k].dec, buf, n);
		assert_true(rc == 0 || rc == DK_ERR_CORRUPT);
	}
	for (k = 0; k < N_KINDS; k++) {
		dk_buf_reset(&b);
		assert_int_equal(kinds[k].enc(&b), 0);
		for (i = 0; i < b.len * 8; i++) {
			b.data[i / 8] ^= (char)(1 << (i % 8));
			rc = dec_exact(kinds[k].dec, b.data, b.len);
			assert_true(rc == 0 || rc == DK_ERR_CORRUPT);
			b.data[i / 8] ^= (char)(1 << (i % 8));
		}
	}
	dk_buf_free(&b);
}

/* ---- copies, id lists, names ---------------------------------------------- */

static void test_user_copy(void **state)
{
	struct user src, dst;

	(void)state;
	fill_user(&src);
	free(src.phone);
	src.phone = NULL;
	assert_int_equal(user_copy(&dst, &src), 0);
	assert_user_eq(&src, &dst);
	assert_ptr_not_equal(dst.email, src.email);
	assert_ptr_not_equal(dst.password_hash, src.password_hash);
	assert_null(dst.phone);
	/* independent: freeing the source leaves the copy intact */
	user_free(&src);
	assert_string_equal(dst.name, "Zoë Ëxample");
	user_free(&dst);
}

static void test_ticket_copy(void **state)
{
	struct ticket src, dst;

	(void)state;
	fill_ticket(&src);
	assert_int_equal(ticket_copy(&dst, &src), 0);
	assert_ticket_eq(&src, &dst);
	assert_ptr_not_equal(dst.followers, src.followers);
	assert_ptr_not_equal(dst.title, src.title);
	dst.followers[0] = 999;
	assert_int_equal(src.followers[0], 3);
	ticket_free(&src);
	assert_string_equal(dst.status, "waiting_for_customer");
	ticket_free(&dst);

	/* empty lists copy as empty */
	memset(&src, 0, sizeof(src));
	assert_int_equal(ticket_copy(&dst, &src), 0);
	assert_null(dst.participants);
	assert_int_equal(dst.n_participants, 0);
	ticket_free(&dst);
}

static void test_id_list(void **state)
{
	uint64_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_false(id_list_has(ids, n, 1));
	assert_int_equal(id_list_add(&ids, &n, 5), 0);
	assert_int_equal(id_list_add(&ids, &n, 7), 0);
	assert_int_equal(id_list_add(&ids, &n, 9), 0);
	assert_int_equal(id_list_add(&ids, &n, 7), 0);
	assert_int_equal(n, 3);
	assert_true(id_list_has(ids, n, 7));
	assert_false(id_list_has(ids, n, 8));
	id_list_remove(ids, &n, 7);
	assert_int_equal(n, 2);
	assert_false(id_list_has(ids, n, 7));
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 9);
	id_list_remove(ids, &n, 42);
	assert_int_equal(n, 2);
	id_list_remove(ids, &n, 5);
	id_list_remove(ids, &n, 9);
	assert_int_equal(n, 0);
	assert_int_equal(id_list_add(&ids, &n, 11), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 11);
	free(ids);
}

static void test_names(void **state)
{
	enum role r = ROLE_NONE;

	(void)state;
	assert_string_equal(role_name(ROLE_CUSTOMER), "customer");
	assert_string_equal(role_name(ROLE_ORG_CUSTOMER), "org-customer");
	assert_string_equal(role_name(ROLE_AGENT), "agent");
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_null(role_name(ROLE_NONE));
	assert_null(role_name((enum role)99));
	assert_int_equal(role_parse("org-customer", &r), 0);
	assert_int_equal(r, ROLE_ORG_CUSTOMER);
	assert_int_equal(role_parse("admin", &r), 0);
	assert_int_equal(r, ROLE_ADMIN);
	assert_int_equal(role_parse("Admin", &r), DK_ERR_INVALID);
	assert_int_equal(role_parse("", &r), DK_ERR_INVALID);
	assert_int_equal(role_parse(NULL, &r), DK_ERR_INVALID);
	assert_true(role_is_staff(ROLE_AGENT));
	assert_true(role_is_staff(ROLE_ADMIN));
	assert_false(role_is_staff(ROLE_ORG_CUSTOMER));
	assert_false(role_is_staff(ROLE_CUSTOMER));
	assert_false(role_is_staff(ROLE_NONE));
	assert_string_equal(event_kind_name(EVENT_CREATED), "created");
	assert_string_equal(event_kind_name(EVENT_COMMENT), "comment");
	assert_string_equal(event_kind_name(EVENT_FIELD), "field");
	assert_string_equal(event_kind_name(EVENT_STATUS), "status");
	assert_string_equal(event_kind_name(EVENT_FOLLOW), "follow");
	assert_string_equal(event_kind_name(EVENT_UNFOLLOW), "unfollow");
	assert_null(event_kind_name((enum event_kind)0));
	assert_null(event_kind_name((enum event_kind)7));
}

static void test_buf_and_errors(void **state)
{
	struct dk_buf b = { 0 };
	char big[5000];
	int e;

	(void)state;
	assert_string_equal(dk_buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(dk_buf_append(&b, "ab", 2), 0);
	assert_int_equal(dk_buf_append(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 2 + sizeof(big));
	assert_true(b.cap >= b.len);
	assert_non_null(dk_buf_cstr(&b));
	assert_int_equal(strlen(b.data), b.len);
	dk_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(dk_buf_append(&b, "cd", 2), 0);
	assert_string_equal(dk_buf_cstr(&b), "cd");
	dk_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);

	for (e = DK_ERR_CONFLICT; e <= DK_OK; e++)
		assert_string_not_equal(dk_strerror(e), "unknown error");
	assert_string_equal(dk_strerror(DK_ERR_CORRUPT), "stored data is corrupt");
	assert_string_equal(dk_strerror(-1000), "unknown error");
	assert_string_equal(dk_strerror(1), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_roundtrip),
		cmocka_unit_test(test_org_roundtrip),
		cmocka_unit_test(test_ticket_roundtrip),
		cmocka_unit_test(test_ticket_event_roundtrip),
		cmocka_unit_test(test_session_roundtrip),
		cmocka_unit_test(test_roundtrip_sparse),
		cmocka_unit_test(test_encode_appends),
		cmocka_unit_test(test_defaults_ticket),
		cmocka_unit_test(test_defaults_others),
		cmocka_unit_test(test_unknown_tags_skipped),
		cmocka_unit_test(test_not_a_map),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bad_maps),
		cmocka_unit_test(test_nul_in_string),
		cmocka_unit_test(test_huge_counts),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_user_copy),
		cmocka_unit_test(test_ticket_copy),
		cmocka_unit_test(test_id_list),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_buf_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
