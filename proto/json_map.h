/*
 * JSON views of records (jansson). Each function returns a new reference the
 * caller owns (json_decref), or NULL when out of memory. Secrets (password
 * hashes, CSRF tokens) never appear in these views.
 */
#ifndef DESKD_JSON_MAP_H
#define DESKD_JSON_MAP_H

#include <jansson.h>

#include "record.h"

/* {"id","email","name","role","org_id","language","phone","created","disabled",
 *  "approver","contact":["email","phone","fax","mail"] (the bits set)} */
json_t *user_to_json(const struct user *u);
/* {"id","name","created","share_by_default","services":[ids],
 *  "priority_mode":"none"|"matrix"|"direct","domains":[sign-up domains],
 *  "confirm_all":bool} */
json_t *org_to_json(const struct org *o);
/* {"id","org_id","requester_id","state","email","name","phone","function",
 *  "language","created","decided"|null,"decided_by"|null,"reason",
 *  "user_id"|null} */
json_t *access_request_to_json(const struct access_request *a);
/* {"ref","title","description","type","priority":"P1".."P4","status",
 *  "status_category" (the ticket's stored category, else its status's),
 *  "channel","created","updated","closed"|null,
 *  "org_id","requester_id","creator_id","assignee_id"|null,
 *  "followers":[ids],"participants":[ids],
 *  "request_type","service","subcategory" (strings or null),
 *  "impact","urgency" (null when not given),"fields":{form values},
 *  "shared_with_org","external_emails":[addresses],"assignee_group",
 *  "resolution_code","cause","related":["PREFIX-N"],"rating"|null,
 *  "rating_comment","needs_approval","approver_id"|null,"minutes",
 *  "billable_minutes","resolved"|null}; prefix makes the references. */
json_t *ticket_to_json(const struct ticket *t, const char *prefix);
/* {"seq","time","kind","actor_id","internal","from_support", and per kind:
 *  created, comment: "body"; time: "body","minutes","billable";
 *  approval: "body","new"; field, status, participant, redaction, link:
 *  "field","old","new"; follow, unfollow: nothing more.
 *  "rating" when non-zero; "redacted":{"by","at"} when redacted_by is set,
 *  and then "body", "old" and "new" are null} */
json_t *ticket_event_to_json(const struct ticket_event *e);

/* Times in JSON are RFC 3339 UTC strings with milliseconds:
 * "2026-11-23T11:48:14.123Z". buf must hold 32 bytes. */
void time_format_rfc3339(int64_t ms, char buf[32]);

/* Every record as one JSON object with "kind" first, for deskctl dump; unlike
 * the views above this includes everything stored (password hash too). */
json_t *user_dump_json(const struct user *u);
json_t *org_dump_json(const struct org *o);
json_t *ticket_dump_json(const struct ticket *t);
json_t *ticket_event_dump_json(const struct ticket_event *e);
json_t *session_dump_json(const struct session *s, const char *key_hex);

#endif
