/* Shared by the record unit tests: hand-built msgpack, decoders and
 * encoders behind one signature, and the cases of test_record_corrupt.c. */
#ifndef DESKD_TEST_RECORD_H
#define DESKD_TEST_RECORD_H

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

static inline void mp_init(struct mp *m)
{
	msgpack_sbuffer_init(&m->sb);
	msgpack_packer_init(&m->pk, &m->sb, msgpack_sbuffer_write);
}

static inline void mp_done(struct mp *m)
{
	msgpack_sbuffer_destroy(&m->sb);
}

static inline void mp_str(struct mp *m, const char *s, size_t n)
{
	msgpack_pack_str_with_body(&m->pk, s, n);
}

static inline void mp_cstr(struct mp *m, const char *s)
{
	mp_str(m, s, strlen(s));
}

static inline void mp_uint(struct mp *m, uint64_t v)
{
	msgpack_pack_uint64(&m->pk, v);
}

static inline void mp_int(struct mp *m, int64_t v)
{
	msgpack_pack_int64(&m->pk, v);
}

/* ---- decoders behind one signature --------------------------------------- */

static inline bool all_zero(const void *p, size_t n)
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
	static inline int dec_##rec(const void *data, size_t len)      \
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
static inline int dec_exact(int (*dec)(const void *, size_t), const void *data, size_t len)
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

/* ---- encoders behind one signature --------------------------------------- */

typedef int (*encode_fn)(struct dk_buf *out);

/* Appends the encoding of a fully populated record. */
#define ENCODER(rec)                                                    \
	static inline int enc_##rec(struct dk_buf *out)                \
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

/* test_record_corrupt.c */
void test_not_a_map(void **state);
void test_truncated_every_length(void **state);
void test_trailing_bytes(void **state);
void test_wrong_types(void **state);
void test_out_of_range(void **state);
void test_out_of_range_lifecycle(void **state);
void test_bad_maps(void **state);
void test_nul_in_string(void **state);
void test_huge_counts(void **state);
void test_random_bytes(void **state);
void test_bad_lists(void **state);

#endif
