/*
 * One message of the mail outbox, as storage keeps it (databases "outbox",
 * due_ms . seq -> this record, and "mail_failed", seq -> this record).
 *
 * Encoding: one MessagePack map from small integer tags to values, tag 0
 * the version:
 *   0 version   1 seq u64   2 rcpt str   3 created_ms i64   4 attempts
 *   5 last_ms i64 (last attempt)   6 error str (last failure)
 *   7 data bin (the whole RFC 5322 message)   8 failed_ms i64
 * Unknown tags are skipped and missing ones keep their defaults, so an
 * older record opens in a newer deskd. Tags are part of the on-disk
 * format: never renumber or reuse one.
 */
#ifndef DESKD_MAIL_RECORD_H
#define DESKD_MAIL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MAIL_RECORD_VERSION 1
#define MAIL_RCPT_MAX 254          /* longest address SMTP allows */
#define MAIL_ERROR_MAX 255
#define MAIL_DATA_MAX (16u << 20)  /* a composed message never comes near */

struct mail_msg {
	uint32_t version;
	uint64_t seq;                  /* from the "mail" sequence: names it */
	char rcpt[MAIL_RCPT_MAX + 1];  /* the one envelope recipient */
	int64_t created_ms;
	uint32_t attempts;             /* deliveries tried and failed */
	int64_t last_ms;               /* the last attempt; 0: none yet */
	char error[MAIL_ERROR_MAX + 1]; /* why the last attempt failed; "" */
	int64_t failed_ms;             /* given up (mail_failed only); 0 */
	const char *data;              /* the message; not owned (see decode) */
	size_t len;
};

/* A zeroed message of the current version. */
void mail_msg_init(struct mail_msg *m);

/* True for an address deskd hands to an SMTP server as RCPT TO: 3 to
 * MAIL_RCPT_MAX bytes, one '@' with text on both sides, no spaces,
 * control characters or angle brackets (nothing that could end the
 * command or the address). Whatever else the server finds wrong in it, it
 * refuses, and the message is kept as failed. */
bool mail_rcpt_ok(const char *rcpt);

/* Appends the record to out: 0, DK_ERR_INVALID (rcpt not mail_rcpt_ok,
 * data NULL or longer than MAIL_DATA_MAX) or DK_ERR_NOMEM; out is left as
 * it was on failure. */
int mail_msg_encode(const struct mail_msg *m, struct dk_buf *out);

/* Decodes a record: 0, or DK_ERR_CORRUPT (out then mail_msg_init'ed).
 * out->data points into p, so it is valid as long as p is. Never
 * allocates. */
int mail_msg_decode(const void *p, size_t len, struct mail_msg *out);

/* The value of header name (case-insensitive, "Subject") in the message
 * head, unfolded, into out (truncated to size - 1); "" when absent. */
void mail_header_get(const char *data, size_t len, const char *name, char *out, size_t size);

/* The domain of an address (after its last '@'), or "" when it has none;
 * what logs show of a recipient. */
const char *mail_rcpt_domain(const char *rcpt);

#endif
