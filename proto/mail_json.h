/*
 * The JSON form of an outbox message, as deskctl mail list --json and
 * GET /api/v1/admin/mail show it (the message's bytes are not included):
 *   {"seq", "state": "queued"|"failed", "rcpt", "subject", "message_id",
 *    "created_ms", "due_ms" (0 when failed), "attempts", "last_ms",
 *    "error", "failed_ms"}
 */
#ifndef DESKD_MAIL_JSON_H
#define DESKD_MAIL_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mail_record.h"

/* A new reference, or NULL when out of memory. Header values are shown as
 * printable ASCII (anything else as '?'). */
json_t *mail_msg_to_json(const struct mail_msg *m, bool failed, int64_t due_ms);

#endif
