/*
 * MessagePack form of an attachment's description (attachment_record.h),
 * written and read by hand like the other flat records.
 */
#include "attachment_record.h"

#include <string.h>

#include "dk_err.h"
#include "flat_pack.h"

enum att_tag {
	TAG_VERSION = 0, TAG_ID = 1, TAG_TICKET = 2, TAG_EVENT = 3, TAG_NAME = 4,
	TAG_DECLARED = 5, TAG_SNIFFED = 6, TAG_SIZE = 7, TAG_SHA256 = 8, TAG_UPLOADER = 9,
	TAG_CREATED = 10, TAG_INTERNAL = 11
};
#define N_TAGS 12
#define SKIP_DEPTH 8

void attachment_init(struct attachment *a)
{
	memset(a, 0, sizeof *a);
	a->version = ATTACHMENT_RECORD_VERSION;
}

static int put_int(struct dk_buf *b, uint8_t tag, int64_t v)
{
	return flat_put_byte(b, tag) || flat_put_i64(b, v);
}

static int put_u64(struct dk_buf *b, uint8_t tag, uint64_t v)
{
	return flat_put_byte(b, tag) || flat_put_be(b, 0xcf, v, 8);
}

static int put_str(struct dk_buf *b, uint8_t tag, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	return flat_put_byte(b, tag) || flat_put_be(b, 0xdb, n, 4) || dk_buf_append(b, s, n);
}

int attachment_encode(const struct attachment *a, struct dk_buf *out)
{
	if (!a->id || !a->ticket_id || !a->name[0])
		return DK_ERR_INVALID;
	size_t start = out->len;
	int rc = flat_put_byte(out, 0x80 | N_TAGS) ||
		 put_int(out, TAG_VERSION, ATTACHMENT_RECORD_VERSION) ||
		 put_u64(out, TAG_ID, a->id) || put_u64(out, TAG_TICKET, a->ticket_id) ||
		 put_int(out, TAG_EVENT, a->event_seq) ||
		 put_str(out, TAG_NAME, a->name, ATTACHMENT_NAME_MAX) ||
		 put_str(out, TAG_DECLARED, a->declared_type, ATTACHMENT_TYPE_MAX) ||
		 put_str(out, TAG_SNIFFED, a->sniffed_type, ATTACHMENT_TYPE_MAX) ||
		 put_u64(out, TAG_SIZE, a->size) || put_str(out, TAG_SHA256, a->sha256, 64) ||
		 put_u64(out, TAG_UPLOADER, a->uploader_id) ||
		 put_int(out, TAG_CREATED, a->created_ms) ||
		 put_int(out, TAG_INTERNAL, a->internal ? 1 : 0);
	if (rc) {
		out->len = start;
		return DK_ERR_NOMEM;
	}
	return 0;
}

static bool rd_u64(struct flat_reader *r, uint64_t *out)
{
	bool neg;
	return flat_read_int(r, out, &neg) && !neg;
}

static bool field(struct flat_reader *r, uint64_t tag, struct attachment *a)
{
	int64_t i;
	switch (tag) {
	case TAG_VERSION:
		if (!flat_read_i64(r, &i) || i < 1 || i > UINT32_MAX)
			return false;
		a->version = (uint32_t)i;
		return true;
	case TAG_ID:
		return rd_u64(r, &a->id);
	case TAG_TICKET:
		return rd_u64(r, &a->ticket_id);
	case TAG_EVENT:
		if (!flat_read_i64(r, &i) || i < 0 || i > UINT32_MAX)
			return false;
		a->event_seq = (uint32_t)i;
		return true;
	case TAG_NAME:
		return flat_read_text(r, a->name, ATTACHMENT_NAME_MAX);
	case TAG_DECLARED:
		return flat_read_text(r, a->declared_type, ATTACHMENT_TYPE_MAX);
	case TAG_SNIFFED:
		return flat_read_text(r, a->sniffed_type, ATTACHMENT_TYPE_MAX);
	case TAG_SIZE:
		return rd_u64(r, &a->size);
	case TAG_SHA256:
		return flat_read_text(r, a->sha256, 64);
	case TAG_UPLOADER:
		return rd_u64(r, &a->uploader_id);
	case TAG_CREATED:
		return flat_read_i64(r, &a->created_ms);
	case TAG_INTERNAL:
		if (!flat_read_i64(r, &i))
			return false;
		a->internal = i != 0;
		return true;
	default:
		return flat_skip(r, SKIP_DEPTH);
	}
}

int attachment_decode(const void *p, size_t len, struct attachment *out)
{
	struct flat_reader r = { p, len, 0 };
	size_t n;
	attachment_init(out);
	bool ok = p && flat_read_count(&r, true, &n) && n <= len;
	for (size_t i = 0; ok && i < n; i++) {
		uint64_t tag;
		bool neg;
		ok = flat_read_int(&r, &tag, &neg) && !neg && field(&r, tag, out);
	}
	if (!ok || r.pos != len || !out->id || !out->ticket_id) {
		attachment_init(out);
		return DK_ERR_CORRUPT;
	}
	/* a record from before sniffing was kept is served as a plain download */
	if (!out->sniffed_type[0])
		strcpy(out->sniffed_type, "application/octet-stream");
	return 0;
}

const char *attachment_sniff(const void *head, size_t len)
{
	const uint8_t *p = head;
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return "image/gif";
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "image/webp";
	return "application/octet-stream";
}

bool attachment_type_inline(const char *t)
{
	return t && (!strcmp(t, "image/png") || !strcmp(t, "image/jpeg") ||
		     !strcmp(t, "image/gif") || !strcmp(t, "image/webp"));
}

uint32_t attachment_chunks(uint64_t size)
{
	return (uint32_t)((size + ATTACHMENT_CHUNK - 1) / ATTACHMENT_CHUNK);
}
