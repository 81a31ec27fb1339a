/*
 * MessagePack form of an outbox message (mail_record.h). Written and read
 * by hand: the record is flat, and a reader that never allocates cannot be
 * made to claim memory by a corrupt length.
 */
#include "mail_record.h"

#include <string.h>
#include <strings.h>

#include "dk_err.h"

enum mail_tag {
	TAG_VERSION = 0, TAG_SEQ = 1, TAG_RCPT = 2, TAG_CREATED = 3, TAG_ATTEMPTS = 4,
	TAG_LAST = 5, TAG_ERROR = 6, TAG_DATA = 7, TAG_FAILED = 8
};
#define N_TAGS 9
#define SKIP_DEPTH 8

void mail_msg_init(struct mail_msg *m)
{
	memset(m, 0, sizeof *m);
	m->version = MAIL_RECORD_VERSION;
}

bool mail_rcpt_ok(const char *rcpt)
{
	size_t n = rcpt ? strnlen(rcpt, MAIL_RCPT_MAX + 1) : 0;
	const char *at = n ? strrchr(rcpt, '@') : NULL;
	if (n < 3 || n > MAIL_RCPT_MAX || !at || at == rcpt || !at[1] || strchr(rcpt, '@') != at)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)rcpt[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* ---- writing: integers as int64, strings as str8/str32, data as bin32 ---- */

static int put_byte(struct dk_buf *b, uint8_t v)
{
	return dk_buf_append(b, &v, 1);
}

static int put_be(struct dk_buf *b, uint8_t type, uint64_t v, int width)
{
	uint8_t p[9] = { type };
	for (int i = 0; i < width; i++)
		p[1 + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	return dk_buf_append(b, p, (size_t)width + 1);
}

static int put_int(struct dk_buf *b, uint8_t tag, int64_t v)
{
	return put_byte(b, tag) || put_be(b, 0xd3, (uint64_t)v, 8);
}

static int put_str(struct dk_buf *b, uint8_t tag, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	return put_byte(b, tag) || put_be(b, 0xdb, n, 4) || dk_buf_append(b, s, n);
}

int mail_msg_encode(const struct mail_msg *m, struct dk_buf *out)
{
	if (!mail_rcpt_ok(m->rcpt) || !m->data || m->len > MAIL_DATA_MAX)
		return DK_ERR_INVALID;
	size_t start = out->len;
	int rc = put_byte(out, 0x80 | N_TAGS) || put_int(out, TAG_VERSION, MAIL_RECORD_VERSION) ||
		 put_byte(out, TAG_SEQ) || put_be(out, 0xcf, m->seq, 8) ||
		 put_str(out, TAG_RCPT, m->rcpt, MAIL_RCPT_MAX) ||
		 put_int(out, TAG_CREATED, m->created_ms) ||
		 put_int(out, TAG_ATTEMPTS, m->attempts) || put_int(out, TAG_LAST, m->last_ms) ||
		 put_str(out, TAG_ERROR, m->error, MAIL_ERROR_MAX) ||
		 put_byte(out, TAG_DATA) || put_be(out, 0xc6, m->len, 4) ||
		 dk_buf_append(out, m->data, m->len) || put_int(out, TAG_FAILED, m->failed_ms);
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

/* An integer of any width; *neg tells a negative one (then *u holds its
 * two's complement). */
static bool rd_int(struct rd *r, uint64_t *u, bool *neg)
{
	static const uint8_t width[] = { 1, 2, 4, 8 };
	const uint8_t *q;
	if (!take(r, 1, &q))
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
				*u |= ~UINT64_C(0) << (8 * w);
			*neg = true;
		}
		return true;
	}
	return false;
}

/* A string or binary value's bytes. */
static bool rd_bytes(struct rd *r, bool bin, const uint8_t **s, size_t *n)
{
	const uint8_t *q;
	uint64_t v;
	if (!take(r, 1, &q))
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
	return v <= r->len - r->pos && take(r, *n, s);
}

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

/* Skips one value of any type (for tags a newer deskd wrote). */
static bool rd_skip(struct rd *r, int depth)
{
	const uint8_t *q;
	uint64_t u;
	bool neg;
	size_t n;
	if (depth <= 0 || r->pos >= r->len)
		return false;
	uint8_t b = r->p[r->pos];
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3))
		return rd_int(r, &u, &neg);
	if (b == 0xc0 || b == 0xc2 || b == 0xc3)
		return take(r, 1, &q);
	if ((b & 0xe0) == 0xa0 || (b >= 0xd9 && b <= 0xdb))
		return rd_bytes(r, false, &q, &n);
	if (b >= 0xc4 && b <= 0xc6)
		return rd_bytes(r, true, &q, &n);
	if (b == 0xca || b == 0xcb)
		return take(r, b == 0xca ? 5 : 9, &q);
	bool map = (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
	if (!map && (b & 0xf0) != 0x90 && b != 0xdc && b != 0xdd)
		return false;
	if (!rd_count(r, map, &n) || n > r->len - r->pos)
		return false;
	for (size_t i = 0; i < (map ? 2 * n : n); i++)
		if (!rd_skip(r, depth - 1))
			return false;
	return true;
}

static bool rd_i64(struct rd *r, int64_t *out)
{
	uint64_t u;
	bool neg;
	if (!rd_int(r, &u, &neg) || (!neg && u > INT64_MAX))
		return false;
	*out = (int64_t)u;
	return true;
}

static bool rd_text(struct rd *r, char *out, size_t max)
{
	const uint8_t *s;
	size_t n;
	if (!rd_bytes(r, false, &s, &n) || n > max || memchr(s, 0, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool field(struct rd *r, uint64_t tag, struct mail_msg *m)
{
	uint64_t u;
	int64_t i;
	bool neg;
	switch (tag) {
	case TAG_VERSION:
		if (!rd_i64(r, &i) || i < 1 || i > UINT32_MAX)
			return false;
		m->version = (uint32_t)i;
		return true;
	case TAG_SEQ:
		if (!rd_int(r, &u, &neg) || neg)
			return false;
		m->seq = u;
		return true;
	case TAG_RCPT:
		return rd_text(r, m->rcpt, MAIL_RCPT_MAX);
	case TAG_CREATED:
		return rd_i64(r, &m->created_ms);
	case TAG_ATTEMPTS:
		if (!rd_i64(r, &i) || i < 0 || i > UINT32_MAX)
			return false;
		m->attempts = (uint32_t)i;
		return true;
	case TAG_LAST:
		return rd_i64(r, &m->last_ms);
	case TAG_ERROR:
		return rd_text(r, m->error, MAIL_ERROR_MAX);
	case TAG_DATA: {
		const uint8_t *s;
		size_t n;
		if (!rd_bytes(r, true, &s, &n) || n > MAIL_DATA_MAX)
			return false;
		m->data = (const char *)s;
		m->len = n;
		return true;
	}
	case TAG_FAILED:
		return rd_i64(r, &m->failed_ms);
	default:
		return rd_skip(r, SKIP_DEPTH);
	}
}

int mail_msg_decode(const void *p, size_t len, struct mail_msg *out)
{
	struct rd r = { p, len, 0 };
	size_t n;
	mail_msg_init(out);
	bool ok = p && rd_count(&r, true, &n) && n <= len;
	for (size_t i = 0; ok && i < n; i++) {
		uint64_t tag;
		bool neg;
		ok = rd_int(&r, &tag, &neg) && !neg && field(&r, tag, out);
	}
	/* a message without its bytes or its address cannot be delivered */
	if (!ok || r.pos != len || !out->data || !mail_rcpt_ok(out->rcpt) || out->seq == 0) {
		mail_msg_init(out);
		return DK_ERR_CORRUPT;
	}
	return 0;
}

/* ---- reading the message head ---- */

void mail_header_get(const char *data, size_t len, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name), o = 0, i = 0;
	bool in = false;
	if (!size)
		return;
	out[0] = '\0';
	while (i < len) {
		size_t e = i;
		while (e < len && data[e] != '\n')
			e++;
		size_t end = e > i && data[e - 1] == '\r' ? e - 1 : e;
		if (end == i)
			break; /* the blank line ends the head */
		bool cont = data[i] == ' ' || data[i] == '\t';
		if (in && !cont)
			break;
		if (!in && !cont && end - i > nl && data[i + nl] == ':' &&
		    !strncasecmp(data + i, name, nl)) {
			in = true;
			i += nl + 1;
			while (i < end && (data[i] == ' ' || data[i] == '\t'))
				i++;
		} else if (in) {
			/* unfolding: the line break goes, the white space stays */
		} else {
			i = e + 1;
			continue;
		}
		for (; i < end && o + 1 < size; i++)
			out[o++] = data[i] == '\t' ? ' ' : data[i];
		i = e + 1;
	}
	out[o] = '\0';
}

const char *mail_rcpt_domain(const char *rcpt)
{
	const char *at = rcpt ? strrchr(rcpt, '@') : NULL;
	return at ? at + 1 : "";
}
