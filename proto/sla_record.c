/*
 * MessagePack form of a ticket's SLA state (sla_record.h). Written and read
 * by hand: the record is small and flat, and a reader that never allocates
 * cannot be made to claim memory by a corrupt length.
 */
#include "sla_record.h"

#include <stdbool.h>
#include <string.h>

#include "dk_err.h"

enum sla_state_tag {
	TAG_VERSION = 0, TAG_POLICY = 1, TAG_PRIORITY = 2, TAG_CLOCK_FIRST = 3,
	TAG_FLAGS = 6, TAG_AUTO_CLOSE = 7
};
#define CLOCK_FIELDS 8
#define SKIP_DEPTH 8

void sla_state_init(struct sla_state *s)
{
	memset(s, 0, sizeof *s);
	s->version = SLA_STATE_VERSION;
	for (int i = 0; i < SLA_CLOCKS; i++) {
		s->clock[i].warning_ms = SLA_NEVER;
		s->clock[i].due_ms = SLA_NEVER;
	}
}

/* ---- writing: every integer as int64, so the layout never varies ---- */

static int put_byte(struct dk_buf *b, uint8_t v)
{
	return dk_buf_append(b, &v, 1);
}

static int put_i64(struct dk_buf *b, int64_t v)
{
	uint8_t p[9] = { 0xd3 };
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		p[1 + i] = (uint8_t)(u >> (56 - 8 * i));
	return dk_buf_append(b, p, sizeof p);
}

static int put_clock(struct dk_buf *b, const struct sla_clock *k)
{
	int rc = put_byte(b, 0x90 | CLOCK_FIELDS);
	const int64_t v[CLOCK_FIELDS] = { k->target_ms, k->consumed_ms, k->started_ms,
					  k->stopped_ms, k->warning_ms, k->due_ms, k->run,
					  k->warning_percent };
	for (int i = 0; !rc && i < CLOCK_FIELDS; i++)
		rc = put_i64(b, v[i]);
	return rc;
}

int sla_state_encode(const struct sla_state *s, struct dk_buf *out)
{
	size_t start = out->len;
	size_t n = strnlen(s->policy, SLA_NAME_MAX);
	int rc = put_byte(out, 0x80 | 8);
	if (!rc)
		rc = put_byte(out, TAG_VERSION) || put_i64(out, SLA_STATE_VERSION);
	if (!rc) {
		uint8_t h[3] = { TAG_POLICY, 0xd9, (uint8_t)n };
		rc = dk_buf_append(out, h, sizeof h) || dk_buf_append(out, s->policy, n);
	}
	if (!rc)
		rc = put_byte(out, TAG_PRIORITY) || put_i64(out, s->priority);
	for (int i = 0; !rc && i < SLA_CLOCKS; i++)
		rc = put_byte(out, (uint8_t)(TAG_CLOCK_FIRST + i)) || put_clock(out, &s->clock[i]);
	if (!rc)
		rc = put_byte(out, TAG_FLAGS) || put_byte(out, 0x90 | SLA_CLOCKS);
	for (int i = 0; !rc && i < SLA_CLOCKS; i++)
		rc = put_i64(out, s->flags[i]);
	if (!rc)
		rc = put_byte(out, TAG_AUTO_CLOSE) || put_i64(out, s->auto_close_ms);
	if (rc) {
		out->len = start;
		return DK_ERR_NOMEM;
	}
	return 0;
}

/* ---- reading ---- */

struct rd {
	const uint8_t *p;
	size_t len, pos;
};

static bool take(struct rd *r, size_t n, const uint8_t **out)
{
	if (r->len - r->pos < n)
		return false;
	*out = r->p + r->pos;
	r->pos += n;
	return true;
}

static bool read_be(struct rd *r, size_t n, uint64_t *out)
{
	const uint8_t *q;
	if (!take(r, n, &q))
		return false;
	*out = 0;
	for (size_t i = 0; i < n; i++)
		*out = (*out << 8) | q[i];
	return true;
}

/* An integer of any width that fits an int64. */
static bool rd_int(struct rd *r, int64_t *out)
{
	const uint8_t *q;
	uint64_t u;
	if (!take(r, 1, &q))
		return false;
	uint8_t b = *q;
	if (b <= 0x7f) {
		*out = b;
		return true;
	}
	if (b >= 0xe0) {
		*out = (int8_t)b;
		return true;
	}
	static const uint8_t width[] = { 1, 2, 4, 8 };
	if (b >= 0xcc && b <= 0xcf) {
		if (!read_be(r, width[b - 0xcc], &u) || u > INT64_MAX)
			return false;
		*out = (int64_t)u;
		return true;
	}
	if (b >= 0xd0 && b <= 0xd3) {
		size_t w = width[b - 0xd0];
		if (!read_be(r, w, &u))
			return false;
		if (w < 8 && (u >> (8 * w - 1)) & 1)
			u |= ~UINT64_C(0) << (8 * w); /* sign-extend */
		*out = (int64_t)u;
		return true;
	}
	return false;
}

/* A container header: arrays (map false) or maps. */
static bool rd_count(struct rd *r, bool map, size_t *n)
{
	const uint8_t *q;
	uint64_t v;
	if (!take(r, 1, &q))
		return false;
	uint8_t fix = map ? 0x80 : 0x90, c16 = map ? 0xde : 0xdc, c32 = map ? 0xdf : 0xdd;
	if ((*q & 0xf0) == fix) {
		*n = *q & 0x0f;
		return true;
	}
	if (*q == c16 || *q == c32) {
		if (!read_be(r, *q == c16 ? 2 : 4, &v))
			return false;
		*n = (size_t)v;
		return true;
	}
	return false;
}

static bool rd_str(struct rd *r, const uint8_t **s, size_t *n)
{
	const uint8_t *q;
	uint64_t v;
	if (!take(r, 1, &q))
		return false;
	if ((*q & 0xe0) == 0xa0)
		v = *q & 0x1f;
	else if (*q >= 0xd9 && *q <= 0xdb) {
		if (!read_be(r, (size_t)1 << (*q - 0xd9), &v))
			return false;
	} else
		return false;
	*n = (size_t)v;
	return v <= r->len - r->pos && take(r, *n, s);
}

/* Skips one value of any type (for tags a newer deskd wrote). */
static bool rd_skip(struct rd *r, int depth)
{
	const uint8_t *q;
	int64_t i;
	size_t n;
	if (depth <= 0 || r->pos >= r->len)
		return false;
	uint8_t b = r->p[r->pos];
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3))
		return rd_int(r, &i);
	if (b == 0xc0 || b == 0xc2 || b == 0xc3)
		return take(r, 1, &q);
	if ((b & 0xe0) == 0xa0 || (b >= 0xd9 && b <= 0xdb))
		return rd_str(r, &q, &n);
	if (b == 0xc4 || b == 0xc5 || b == 0xc6) {
		uint64_t v;
		r->pos++;
		return read_be(r, (size_t)1 << (b - 0xc4), &v) && v <= r->len - r->pos &&
		       take(r, (size_t)v, &q);
	}
	if (b == 0xca || b == 0xcb)
		return take(r, b == 0xca ? 5 : 9, &q);
	bool map = (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
	if (!rd_count(r, map, &n))
		return false;
	if (n > r->len - r->pos) /* each element takes a byte at least */
		return false;
	for (size_t k = 0; k < (map ? 2 * n : n); k++)
		if (!rd_skip(r, depth - 1))
			return false;
	return true;
}

static bool rd_clock(struct rd *r, struct sla_clock *k)
{
	size_t n;
	int64_t v[CLOCK_FIELDS] = { 0, 0, 0, 0, SLA_NEVER, SLA_NEVER, 0, 0 };
	if (!rd_count(r, false, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (i >= CLOCK_FIELDS) {
			if (!rd_skip(r, SKIP_DEPTH))
				return false;
		} else if (!rd_int(r, &v[i])) {
			return false;
		}
	}
	if (v[6] < SLA_CLOCK_OFF || v[6] > SLA_CLOCK_STOPPED || v[7] < 0 || v[7] > 99)
		return false;
	k->target_ms = v[0];
	k->consumed_ms = v[1];
	k->started_ms = v[2];
	k->stopped_ms = v[3];
	k->warning_ms = v[4];
	k->due_ms = v[5];
	k->run = (uint8_t)v[6];
	k->warning_percent = (uint8_t)v[7];
	return true;
}

static bool rd_field(struct rd *r, int64_t tag, struct sla_state *s)
{
	int64_t v;
	size_t n;
	const uint8_t *str;
	switch (tag) {
	case TAG_VERSION:
		if (!rd_int(r, &v) || v < 1 || v > UINT32_MAX)
			return false;
		s->version = (uint32_t)v;
		return true;
	case TAG_POLICY:
		if (!rd_str(r, &str, &n) || n > SLA_NAME_MAX)
			return false;
		memcpy(s->policy, str, n);
		s->policy[n] = '\0';
		return true;
	case TAG_PRIORITY:
		if (!rd_int(r, &v) || v < 0 || v > 4)
			return false;
		s->priority = (uint8_t)v;
		return true;
	case TAG_CLOCK_FIRST:
	case TAG_CLOCK_FIRST + 1:
	case TAG_CLOCK_FIRST + 2:
		return rd_clock(r, &s->clock[tag - TAG_CLOCK_FIRST]);
	case TAG_FLAGS:
		if (!rd_count(r, false, &n))
			return false;
		for (size_t i = 0; i < n; i++) {
			if (i >= SLA_CLOCKS) {
				if (!rd_skip(r, SKIP_DEPTH))
					return false;
				continue;
			}
			if (!rd_int(r, &v) || v < 0 || v > 0xff)
				return false;
			s->flags[i] = (uint8_t)v;
		}
		return true;
	case TAG_AUTO_CLOSE:
		if (!rd_int(r, &v) || v < 0)
			return false;
		s->auto_close_ms = v;
		return true;
	default:
		return rd_skip(r, SKIP_DEPTH);
	}
}

int sla_state_decode(const void *data, size_t len, struct sla_state *out)
{
	struct rd r = { data, len, 0 };
	size_t n;
	sla_state_init(out);
	bool ok = rd_count(&r, true, &n) && n <= len;
	for (size_t i = 0; ok && i < n; i++) {
		int64_t tag;
		ok = rd_int(&r, &tag) && rd_field(&r, tag, out);
	}
	if (!ok || r.pos != len) {
		sla_state_init(out);
		return DK_ERR_CORRUPT;
	}
	return 0;
}
