/*
 * A small hand-written MessagePack writer and reader for the flat records
 * kept apart from record.h (the outbox message, a ticket's SLA state). The
 * reader never allocates: a corrupt length cannot make it claim memory, and
 * every pointer it returns points into the bytes being read.
 */
#ifndef DESKD_FLAT_PACK_H
#define DESKD_FLAT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ---- writing: each returns 0, or non-zero when the buffer cannot grow ---- */

int flat_put_byte(struct dk_buf *b, uint8_t v);
/* The type byte, then the low `width` bytes of v, big-endian. */
int flat_put_be(struct dk_buf *b, uint8_t type, uint64_t v, int width);
/* An int64 in its fixed nine-byte form, so the layout never varies. */
int flat_put_i64(struct dk_buf *b, int64_t v);

/* ---- reading ---- */

struct flat_reader {
	const uint8_t *p;
	size_t len, pos;
};

/* The next n bytes (pointing into the input), or false when too few are left. */
bool flat_take(struct flat_reader *r, size_t n, const uint8_t **out);
/* An integer of any width; *neg tells a negative one (then *u holds its
 * two's complement). */
bool flat_read_int(struct flat_reader *r, uint64_t *u, bool *neg);
/* An integer of any width that fits an int64. */
bool flat_read_i64(struct flat_reader *r, int64_t *out);
/* A string (bin false) or binary (bin true) value's bytes, pointing into
 * the input. */
bool flat_read_bytes(struct flat_reader *r, bool bin, const uint8_t **s, size_t *n);
/* A string of at most max bytes and no NUL into out (max + 1 bytes),
 * NUL-terminated. */
bool flat_read_text(struct flat_reader *r, char *out, size_t max);
/* A container header: arrays (map false) or maps. */
bool flat_read_count(struct flat_reader *r, bool map, size_t *n);
/* Skips one value of any type, nested no deeper than depth (for tags a
 * newer deskd wrote). */
bool flat_skip(struct flat_reader *r, int depth);

#endif
