/*
 * Hand-written MessagePack for the flat records (flat_pack.h).
 */
#include "flat_pack.h"

#include <string.h>

int flat_put_byte(struct dk_buf *b, uint8_t v)
{
	return dk_buf_append(b, &v, 1);
}

int flat_put_be(struct dk_buf *b, uint8_t type, uint64_t v, int width)
{
	uint8_t p[9] = { type };
	for (int i = 0; i < width; i++)
		p[1 + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	return dk_buf_append(b, p, (size_t)width + 1);
}

int flat_put_i64(struct dk_buf *b, int64_t v)
{
	return flat_put_be(b, 0xd3, (uint64_t)v, 8);
}

bool flat_take(struct flat_reader *r, size_t n, const uint8_t **out)
{
	if (r->len - r->pos < n)
		return false;
	*out = r->p + r->pos;
	r->pos += n;
	return true;
}

static bool read_be(struct flat_reader *r, size_t n, uint64_t *out)
{
	const uint8_t *q;
	if (!flat_take(r, n, &q))
		return false;
	*out = 0;
	for (size_t i = 0; i < n; i++)
		*out = (*out << 8) | q[i];
	return true;
}

bool flat_read_int(struct flat_reader *r, uint64_t *u, bool *neg)
{
	static const uint8_t width[] = { 1, 2, 4, 8 };
	const uint8_t *q;
	if (!flat_take(r, 1, &q))
		return false;
	uint8_t b = *q;
	*neg = false;
	if (b <= 0x7f) {
		*u = b;
		return true;
	}
	if (b >= 0xe0) {
		*u = (uint64_t)(int64_t)(int8_t)b;
		*neg = true;
		return true;
	}
	if (b >= 0xcc && b <= 0xcf)
		return read_be(r, width[b - 0xcc], u);
	if (b >= 0xd0 && b <= 0xd3) {
		size_t w = width[b - 0xd0];
		if (!read_be(r, w, u))
			return false;
		if ((*u >> (8 * w - 1)) & 1) {
			if (w < 8)
				*u |= ~UINT64_C(0) << (8 * w); /* sign-extend */
			*neg = true;
		}
		return true;
	}
	return false;
}

bool flat_read_i64(struct flat_reader *r, int64_t *out)
{
	uint64_t u;
	bool neg;
	if (!flat_read_int(r, &u, &neg) || (!neg && u > INT64_MAX))
		return false;
	*out = (int64_t)u;
	return true;
}

bool flat_read_bytes(struct flat_reader *r, bool bin, const uint8_t **s, size_t *n)
{
	const uint8_t *q;
	uint64_t v;
	if (!flat_take(r, 1, &q))
		return false;
	uint8_t first = bin ? 0xc4 : 0xd9;
	if (!bin && (*q & 0xe0) == 0xa0)
		v = *q & 0x1f;
	else if (*q >= first && *q <= first + 2) {
		if (!read_be(r, (size_t)1 << (*q - first), &v))
			return false;
	} else
		return false;
	*n = (size_t)v;
	return v <= r->len - r->pos && flat_take(r, *n, s);
}

bool flat_read_text(struct flat_reader *r, char *out, size_t max)
{
	const uint8_t *s;
	size_t n;
	if (!flat_read_bytes(r, false, &s, &n) || n > max || memchr(s, 0, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool flat_read_count(struct flat_reader *r, bool map, size_t *n)
{
	const uint8_t *q;
	uint64_t v;
	if (!flat_take(r, 1, &q))
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

bool flat_skip(struct flat_reader *r, int depth)
{
	const uint8_t *q;
	uint64_t u;
	bool neg;
	size_t n;
	if (depth <= 0 || r->pos >= r->len)
		return false;
	uint8_t b = r->p[r->pos];
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3))
		return flat_read_int(r, &u, &neg);
	if (b == 0xc0 || b == 0xc2 || b == 0xc3)
		return flat_take(r, 1, &q);
	if ((b & 0xe0) == 0xa0 || (b >= 0xd9 && b <= 0xdb))
		return flat_read_bytes(r, false, &q, &n);
	if (b >= 0xc4 && b <= 0xc6)
		return flat_read_bytes(r, true, &q, &n);
	if (b == 0xca || b == 0xcb)
		return flat_take(r, b == 0xca ? 5 : 9, &q);
	bool map = (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
	if (!map && (b & 0xf0) != 0x90 && b != 0xdc && b != 0xdd)
		return false;
	/* each element takes a byte at least */
	if (!flat_read_count(r, map, &n) || n > r->len - r->pos)
		return false;
	for (size_t i = 0; i < (map ? 2 * n : n); i++)
		if (!flat_skip(r, depth - 1))
			return false;
	return true;
}
