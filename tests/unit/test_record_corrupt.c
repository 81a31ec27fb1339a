/* Records: corrupt input of every shape is refused as DK_ERR_CORRUPT, and a
 * failed decode leaves the record zeroed (checked in the dec_* wrappers). */
#include "test_record.h"

void test_not_a_map(void **state)
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

/* Field types by tag: u unsigned, i signed time, s string, b bool,
 * a id array, S string array. Must match the table in codec.h. */
static const struct {
	const char *name;
	encode_fn enc;
	int (*dec)(const void *, size_t);
	const char *types;
} kinds[] = {
	{ "user", enc_user, dec_user, "uuuusssssiibbu" },
	{ "org", enc_org, dec_org, "uusibSu" },
	{ "ticket", enc_ticket, dec_ticket,
	  "uuuuuusssussiiiuaa" "usssuusbSsssausubuui" },
	{ "event", enc_ticket_event, dec_ticket_event, "uuuiuubbssss" "uubui" },
	{ "session", enc_session, dec_session, "uuussiib" },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

void test_truncated_every_length(void **state)
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

void test_trailing_bytes(void **state)
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
	    C_BIN, C_EXT, C_STR_ARRAY, C_EMPTY_ARRAY, N_CAND };

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
	case C_STR_ARRAY: msgpack_pack_array(&m->pk, 2); mp_cstr(m, "x"); mp_cstr(m, ""); break;
	case C_EMPTY_ARRAY: msgpack_pack_array(&m->pk, 0); break;
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
	case 'a': return c == C_ARRAY || c == C_EMPTY_ARRAY;
	case 'S': return c == C_STR_ARRAY || c == C_EMPTY_ARRAY;
	}
	return false;
}

/* Every known tag against every msgpack type: only the right one decodes. */
void test_wrong_types(void **state)
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

void test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(dec_one_uint(dec_user, 3, ROLE_ADMIN), 0);
	assert_int_equal(dec_one_uint(dec_user, 3, ROLE_ADMIN + 1), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, EVENT_APPROVAL), 0);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, EVENT_APPROVAL + 1), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket_event, 5, 0), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_session, 1, SESSION_KIND_LAST + 1),
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

/* The enum-like fields added with the ticket lifecycle: the top of each
 * range decodes, one past it is corrupt (0 always means "not given"). */
void test_out_of_range_lifecycle(void **state)
{
	static const struct {
		int (*dec)(const void *, size_t);
		unsigned tag;
		uint64_t max;
	} cases[] = {
		{ dec_user, 13, 15 },      /* contact */
		{ dec_org, 6, 2 },         /* priority_mode */
		{ dec_ticket, 18, 5 },     /* category */
		{ dec_ticket, 22, 3 },     /* impact */
		{ dec_ticket, 23, 4 },     /* urgency */
		{ dec_ticket, 31, 5 },     /* rating */
		{ dec_ticket, 35, UINT32_MAX }, /* minutes */
		{ dec_ticket, 36, UINT32_MAX }, /* billable_minutes */
		{ dec_ticket_event, 12, 5 },    /* rating */
		{ dec_ticket_event, 13, UINT32_MAX }, /* minutes */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(dec_one_uint(cases[i].dec, cases[i].tag, 0), 0);
		assert_int_equal(dec_one_uint(cases[i].dec, cases[i].tag, cases[i].max), 0);
		assert_int_equal(dec_one_uint(cases[i].dec, cases[i].tag, cases[i].max + 1),
				 DK_ERR_CORRUPT);
		/* a u8 field must not wrap a larger value into range */
		if (cases[i].max < 256)
			assert_int_equal(dec_one_uint(cases[i].dec, cases[i].tag, 256 + 1),
					 DK_ERR_CORRUPT);
	}
	/* ids and times take the whole range */
	assert_int_equal(dec_one_uint(dec_ticket, 33, UINT64_MAX), 0);
	assert_int_equal(dec_one_uint(dec_ticket_event, 15, UINT64_MAX), 0);
	assert_int_equal(dec_one_uint(dec_ticket, 37, (uint64_t)INT64_MAX + 1), DK_ERR_CORRUPT);
	assert_int_equal(dec_one_uint(dec_ticket_event, 16, (uint64_t)INT64_MAX + 1),
			 DK_ERR_CORRUPT);
}

void test_bad_maps(void **state)
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

void test_nul_in_string(void **state)
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
void test_huge_counts(void **state)
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
void test_random_bytes(void **state)
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

/* {tag: [items]} where pack writes the items of an array of n. */
static int dec_list(int (*dec)(const void *, size_t), unsigned tag, uint32_t n,
		    void (*pack)(struct mp *m))
{
	struct mp m;
	int rc;

	mp_init(&m);
	msgpack_pack_map(&m.pk, 1);
	mp_uint(&m, tag);
	msgpack_pack_array(&m.pk, n);
	pack(&m);
	rc = dec_exact(dec, m.sb.data, m.sb.size);
	mp_done(&m);
	return rc;
}

static void items_ok(struct mp *m)
{
	mp_cstr(m, "a");
	mp_cstr(m, "b");
}

static void items_nil(struct mp *m)
{
	mp_cstr(m, "a");
	msgpack_pack_nil(&m->pk);
}

static void items_int(struct mp *m)
{
	mp_cstr(m, "a");
	mp_uint(m, 1);
}

static void items_nul(struct mp *m)
{
	mp_cstr(m, "a");
	mp_str(m, "b\0c", 3);
}

static void items_bin(struct mp *m)
{
	msgpack_pack_bin_with_body(&m->pk, "ab", 2);
	mp_cstr(m, "a");
}

static void items_nested(struct mp *m)
{
	msgpack_pack_array(&m->pk, 1);
	mp_cstr(m, "a");
	mp_cstr(m, "b");
}

static void items_str_id(struct mp *m)
{
	mp_uint(m, 10001);
	mp_cstr(m, "10002");
}

/* String lists (services, external e-mails) hold strings only: no nil, no
 * other type, no NUL byte; the id list of related tickets ids only. A
 * string decoded before the bad item is freed (ASan). */
void test_bad_lists(void **state)
{
	static const struct {
		int (*dec)(const void *, size_t);
		unsigned tag;
	} lists[] = { { dec_org, 5 }, { dec_ticket, 26 } };
	/* array32 claiming 2^32-1 items at tag 26, then at tag 30 */
	static const unsigned char huge_strs[] = { 0x81, 0x1a, 0xdd, 0xff, 0xff, 0xff, 0xff, 0xa0 };
	static const unsigned char huge_ids[] = { 0x81, 0x1e, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x01 };
	/* a string claiming 4 GiB inside the list */
	static const unsigned char huge_item[] = { 0x81, 0x05, 0x91, 0xdb, 0xff, 0xff, 0xff, 0xf0,
						   'a' };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_ok), 0);
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_nil),
				 DK_ERR_CORRUPT);
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_int),
				 DK_ERR_CORRUPT);
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_nul),
				 DK_ERR_CORRUPT);
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_bin),
				 DK_ERR_CORRUPT);
		assert_int_equal(dec_list(lists[i].dec, lists[i].tag, 2, items_nested),
				 DK_ERR_CORRUPT);
	}
	assert_int_equal(dec_list(dec_ticket, 30, 2, items_str_id), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_ticket, huge_strs, sizeof(huge_strs)), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_ticket, huge_ids, sizeof(huge_ids)), DK_ERR_CORRUPT);
	assert_int_equal(dec_exact(dec_org, huge_item, sizeof(huge_item)), DK_ERR_CORRUPT);
}
