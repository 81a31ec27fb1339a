/*
 * Records back from the lines of deskctl dump (the *_dump_json objects of
 * json_map.h), for deskctl restore.
 *
 * Each parser takes one decoded object whose "kind" is the record's, fills
 * out and returns 0, or returns DK_ERR_INVALID with err naming the field
 * and saying what is wrong (DK_ERR_NOMEM when memory runs out); out is
 * zeroed on failure. A field the object lacks keeps the record decoder's
 * default, so a dump written before a field existed still restores; a field
 * the parser does not know is refused, so nothing is dropped unnoticed.
 * Integers above 2^63 come back from the negative numbers the dump writes
 * for them. Strings and lists in out are owned by out (the record's
 * *_free releases them).
 */
#ifndef DESKD_DUMP_PARSE_H
#define DESKD_DUMP_PARSE_H

#include <stdint.h>

#include <jansson.h>

#include "record.h"
#include "validate.h"

/* Required: "id" (not 0) and "email". */
int user_from_dump_json(const json_t *j, struct user *out, struct field_error *err);
/* Required: "id" (not 0) and "name". */
int org_from_dump_json(const json_t *j, struct org *out, struct field_error *err);
/* Required: "id" (not 0) and "status". */
int ticket_from_dump_json(const json_t *j, struct ticket *out, struct field_error *err);
/* Required: "ticket_id" (not 0), "seq" (not 0) and "event_kind". */
int ticket_event_from_dump_json(const json_t *j, struct ticket_event *out,
				struct field_error *err);
/* Required: "key" (64 hex digits, into key), "session_kind" and "user_id". */
int session_from_dump_json(const json_t *j, struct session *out, uint8_t key[32],
			   struct field_error *err);

#endif
