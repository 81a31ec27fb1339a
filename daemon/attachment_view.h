/*
 * Attachments as the API shows them: one file's JSON, and the files of a
 * ticket placed under the timeline events they belong to.
 */
#ifndef DESKD_ATTACHMENT_VIEW_H
#define DESKD_ATTACHMENT_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "access.h"
#include "attachment_record.h"

struct store_txn;

/* {id, name, size, type, sha256, image, url, event, internal, created};
 * new reference, NULL when out of memory. */
json_t *attachment_view_json(const struct attachment *a, const char *prefix);
/* Adds an "attachments" array to each event of timeline (ticket JSON
 * events, by their "seq") with the files p may see: a customer never
 * sees an internal note's file. 0 or a negative dk_err. */
int attachment_view_timeline(struct store_txn *txn, const struct principal *p,
			     uint64_t ticket_id, const char *prefix, json_t *timeline);

#endif
