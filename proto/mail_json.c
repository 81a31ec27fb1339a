/* The JSON form of an outbox message (mail_json.h). */
#include "mail_json.h"

/* Header text safe for JSON and terminals: composed headers are ASCII
 * (encoded words stay as they are), so anything else is damage. */
static void header_of(const struct mail_msg *m, const char *name, char *out, size_t size)
{
	mail_header_get(m->data, m->len, name, out, size);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

json_t *mail_msg_to_json(const struct mail_msg *m, bool failed, int64_t due_ms)
{
	char subject[200], msgid[200];
	header_of(m, "Subject", subject, sizeof subject);
	header_of(m, "Message-ID", msgid, sizeof msgid);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:I}", "seq",
			 (json_int_t)m->seq, "state", failed ? "failed" : "queued", "rcpt", m->rcpt,
			 "subject", subject, "message_id", msgid, "created_ms",
			 (json_int_t)m->created_ms, "due_ms", (json_int_t)(failed ? 0 : due_ms),
			 "attempts", (json_int_t)m->attempts, "last_ms", (json_int_t)m->last_ms,
			 "error", m->error, "failed_ms", (json_int_t)m->failed_ms);
}
