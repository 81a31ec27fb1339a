/*
 * MessagePack form of a ticket's SLA state (sla_record.h). Written and read
 * by hand: the record is small and flat, and a reader that never allocates
 * cannot be made to claim memory by a corrupt length.
 */
#include "sla_record.h"

#include <stdbool.h>
#include <string.h>

#include "dk_err.h"
#include "flat_pack.h"

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

static int put_clock(struct dk_buf *b, const struct sla_clock *k)
{
	int rc = flat_put_byte(b, 0x90 | CLOCK_FIELDS);
	const int64_t v[CLOCK_FIELDS] = { k->target_ms, k->consumed_ms, k->started_ms,
					  k->stopped_ms, k->warning_ms, k->due_ms, k->run,
					  k->warning_percent };
	for (int i = 0; !rc && i < CLOCK_FIELDS; i++)
		rc = flat_put_i64(b, v[i]);
	return rc;
}

int sla_state_encode(const struct sla_state *s, struct dk_buf *out)
{
	size_t start = out->len;
	size_t n = strnlen(s->policy, SLA_NAME_MAX);
	int rc = flat_put_byte(out, 0x80 | 8);
	if (!rc)
		rc = flat_put_byte(out, TAG_VERSION) || flat_put_i64(out, SLA_STATE_VERSION);
	if (!rc) {
		rc = flat_put_byte(out, TAG_POLICY) || flat_put_be(out, 0xd9, n, 1) ||
		     dk_buf_append(out, s->policy, n);
	}
	if (!rc)
		rc = flat_put_byte(out, TAG_PRIORITY) || flat_put_i64(out, s->priority);
	for (int i = 0; !rc && i < SLA_CLOCKS; i++)
		rc = flat_put_byte(out, (uint8_t)(TAG_CLOCK_FIRST + i)) || put_clock(out, &s->clock[i]);
	if (!rc)
		rc = flat_put_byte(out, TAG_FLAGS) || flat_put_byte(out, 0x90 | SLA_CLOCKS);
	for (int i = 0; !rc && i < SLA_CLOCKS; i++)
		rc = flat_put_i64(out, s->flags[i]);
	if (!rc)
		rc = flat_put_byte(out, TAG_AUTO_CLOSE) || flat_put_i64(out, s->auto_close_ms);
	if (rc) {
		out->len = start;
		return DK_ERR_NOMEM;
	}
	return 0;
}

/* ---- reading ---- */

static bool rd_clock(struct flat_reader *r, struct sla_clock *k)
{
	size_t n;
	int64_t v[CLOCK_FIELDS] = { 0, 0, 0, 0, SLA_NEVER, SLA_NEVER, 0, 0 };
	if (!flat_read_count(r, false, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (i >= CLOCK_FIELDS) {
			if (!flat_skip(r, SKIP_DEPTH))
				return false;
		} else if (!flat_read_i64(r, &v[i])) {
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

static bool rd_field(struct flat_reader *r, int64_t tag, struct sla_state *s)
{
	int64_t v;
	size_t n;
	const uint8_t *str;
	switch (tag) {
	case TAG_VERSION:
		if (!flat_read_i64(r, &v) || v < 1 || v > UINT32_MAX)
			return false;
		s->version = (uint32_t)v;
		return true;
	case TAG_POLICY:
		if (!flat_read_bytes(r, false, &str, &n) || n > SLA_NAME_MAX)
			return false;
		memcpy(s->policy, str, n);
		s->policy[n] = '\0';
		return true;
	case TAG_PRIORITY:
		if (!flat_read_i64(r, &v) || v < 0 || v > 4)
			return false;
		s->priority = (uint8_t)v;
		return true;
	case TAG_CLOCK_FIRST:
	case TAG_CLOCK_FIRST + 1:
	case TAG_CLOCK_FIRST + 2:
		return rd_clock(r, &s->clock[tag - TAG_CLOCK_FIRST]);
	case TAG_FLAGS:
		if (!flat_read_count(r, false, &n))
			return false;
		for (size_t i = 0; i < n; i++) {
			if (i >= SLA_CLOCKS) {
				if (!flat_skip(r, SKIP_DEPTH))
					return false;
				continue;
			}
			if (!flat_read_i64(r, &v) || v < 0 || v > 0xff)
				return false;
			s->flags[i] = (uint8_t)v;
		}
		return true;
	case TAG_AUTO_CLOSE:
		if (!flat_read_i64(r, &v) || v < 0)
			return false;
		s->auto_close_ms = v;
		return true;
	default:
		return flat_skip(r, SKIP_DEPTH);
	}
}

int sla_state_decode(const void *data, size_t len, struct sla_state *out)
{
	struct flat_reader r = { data, len, 0 };
	size_t n;
	sla_state_init(out);
	bool ok = flat_read_count(&r, true, &n) && n <= len;
	for (size_t i = 0; ok && i < n; i++) {
		int64_t tag;
		ok = flat_read_i64(&r, &tag) && rd_field(&r, tag, out);
	}
	if (!ok || r.pos != len) {
		sla_state_init(out);
		return DK_ERR_CORRUPT;
	}
	return 0;
}
