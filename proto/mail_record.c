/*
 * MessagePack form of an outbox message (mail_record.h). Written and read
 * by hand: the record is flat, and a reader that never allocates cannot be
 * made to claim memory by a corrupt length.
 */
#include "mail_record.h"

#include <string.h>
#include <strings.h>

#include "dk_err.h"
#include "flat_pack.h"

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

/* ---- writing: integers as int64, strings as str32, data as bin32 ---- */

static int put_int(struct dk_buf *b, uint8_t tag, int64_t v)
{
	return flat_put_byte(b, tag) || flat_put_i64(b, v);
}

static int put_str(struct dk_buf *b, uint8_t tag, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	return flat_put_byte(b, tag) || flat_put_be(b, 0xdb, n, 4) || dk_buf_append(b, s, n);
}

int mail_msg_encode(const struct mail_msg *m, struct dk_buf *out)
{
	if (!mail_rcpt_ok(m->rcpt) || !m->data || m->len > MAIL_DATA_MAX)
		return DK_ERR_INVALID;
	size_t start = out->len;
	int rc = flat_put_byte(out, 0x80 | N_TAGS) || put_int(out, TAG_VERSION, MAIL_RECORD_VERSION) ||
		 flat_put_byte(out, TAG_SEQ) || flat_put_be(out, 0xcf, m->seq, 8) ||
		 put_str(out, TAG_RCPT, m->rcpt, MAIL_RCPT_MAX) ||
		 put_int(out, TAG_CREATED, m->created_ms) ||
		 put_int(out, TAG_ATTEMPTS, m->attempts) || put_int(out, TAG_LAST, m->last_ms) ||
		 put_str(out, TAG_ERROR, m->error, MAIL_ERROR_MAX) ||
		 flat_put_byte(out, TAG_DATA) || flat_put_be(out, 0xc6, m->len, 4) ||
		 dk_buf_append(out, m->data, m->len) || put_int(out, TAG_FAILED, m->failed_ms);
	if (rc) {
		out->len = start;
		return DK_ERR_NOMEM;
	}
	return 0;
}

/* ---- reading ---- */

static bool field(struct flat_reader *r, uint64_t tag, struct mail_msg *m)
{
	uint64_t u;
	int64_t i;
	bool neg;
	switch (tag) {
	case TAG_VERSION:
		if (!flat_read_i64(r, &i) || i < 1 || i > UINT32_MAX)
			return false;
		m->version = (uint32_t)i;
		return true;
	case TAG_SEQ:
		if (!flat_read_int(r, &u, &neg) || neg)
			return false;
		m->seq = u;
		return true;
	case TAG_RCPT:
		return flat_read_text(r, m->rcpt, MAIL_RCPT_MAX);
	case TAG_CREATED:
		return flat_read_i64(r, &m->created_ms);
	case TAG_ATTEMPTS:
		if (!flat_read_i64(r, &i) || i < 0 || i > UINT32_MAX)
			return false;
		m->attempts = (uint32_t)i;
		return true;
	case TAG_LAST:
		return flat_read_i64(r, &m->last_ms);
	case TAG_ERROR:
		return flat_read_text(r, m->error, MAIL_ERROR_MAX);
	case TAG_DATA: {
		const uint8_t *s;
		size_t n;
		if (!flat_read_bytes(r, true, &s, &n) || n > MAIL_DATA_MAX)
			return false;
		m->data = (const char *)s;
		m->len = n;
		return true;
	}
	case TAG_FAILED:
		return flat_read_i64(r, &m->failed_ms);
	default:
		return flat_skip(r, SKIP_DEPTH);
	}
}

int mail_msg_decode(const void *p, size_t len, struct mail_msg *out)
{
	struct flat_reader r = { p, len, 0 };
	size_t n;
	mail_msg_init(out);
	bool ok = p && flat_read_count(&r, true, &n) && n <= len;
	for (size_t i = 0; ok && i < n; i++) {
		uint64_t tag;
		bool neg;
		ok = flat_read_int(&r, &tag, &neg) && !neg && field(&r, tag, out);
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
