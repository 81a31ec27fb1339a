/*
 * Field tags of the MessagePack records, shared by record_encode.c and
 * record_decode.c and private to them.
 *
 * A record is one msgpack map from field tag to value; tag 0 is always the
 * schema version. Tags are part of the on-disk format: never renumber or
 * reuse one, only add new ones. A NULL string is stored by leaving its tag
 * out (a nil value also decodes as NULL). A tag missing from a record
 * decodes to the field's default: 0, false, NULL or an empty list (a
 * ticket's priority defaults to 4).
 *
 *  tag | user           org               ticket            event            session
 *  ----+-----------------------------------------------------------------------------------
 *    0 | version        version           version           version          version
 *    1 | id u64         id u64            id u64            ticket_id u64    kind uint
 *    2 | org_id u64     name str          org_id u64        seq u32          user_id u64
 *    3 | role uint      created_ms i64    requester_id      time_ms i64      csrf str
 *    4 | email str      share_by_default  creator_id        actor_id u64     label str
 *    5 | name str       services [str]    assignee_id       kind 1..11       created_ms i64
 *    6 | password_hash  priority_mode     title str         internal bool    expires_ms i64
 *    7 | language str   domains [str]     description       from_support     remember bool
 *    8 | phone str      confirm_all bool  type str          body str         email str
 *    9 | created_ms i64                   priority 1..4     field str        org_id u64
 *   10 | updated_ms i64                   status str        old_value str    name str
 *   11 | disabled bool                    channel str       new_value str    language str
 *   12 | approver bool                    created_ms        rating 0..5
 *   13 | contact 0..15                    updated_ms        minutes u32
 *   14 |                                  closed_ms         billable bool
 *   15 |                                  event_count u32   redacted_by u64
 *   16 |                                  followers [u64]   redacted_ms i64
 *   17 |                                  participants [u64]
 *   18 |                                  category 0..5
 *   19 |                                  request_type str
 *   20 |                                  service str
 *   21 |                                  subcategory str
 *   22 |                                  impact 0..3
 *   23 |                                  urgency 0..4
 *   24 |                                  fields str (JSON text)
 *   25 |                                  shared_with_org bool
 *   26 |                                  external_emails [str]
 *   27 |                                  assignee_group str
 *   28 |                                  resolution_code str
 *   29 |                                  cause str
 *   30 |                                  related [u64]
 *   31 |                                  rating 0..5
 *   32 |                                  rating_comment str
 *   33 |                                  approver_id u64
 *   34 |                                  needs_approval bool
 *   35 |                                  minutes u32
 *   36 |                                  billable_minutes u32
 *   37 |                                  resolved_ms i64
 *
 * Tags 12-13 (user), 5-6 (org), 18-37 (ticket) and 12-16 (event) were
 * added with the ticket lifecycle; older records simply lack them. Org tag
 * 7 and session tags 8-11 came with accounts by e-mail; an org's domains
 * decode tolerantly (anything but a list of strings reads as none). Org
 * tag 8 (confirm_all) came with notifications; a non-boolean reads as off.
 *
 * Access requests: 0 version, 1 id u64, 2 org_id u64, 3 requester_id u64,
 * 4 state 1..3, 5 email str, 6 name str, 7 phone str, 8 function str,
 * 9 language str, 10 created_ms i64, 11 decided_ms i64, 12 decided_by u64,
 * 13 reason str, 14 user_id u64.
 */
#ifndef DESKD_CODEC_H
#define DESKD_CODEC_H

#ifndef DESKD_CODEC_PRIVATE
#error "codec.h is private to record_encode.c and record_decode.c"
#endif

enum user_tag {
	USER_VERSION = 0, USER_ID = 1, USER_ORG_ID = 2, USER_ROLE = 3,
	USER_EMAIL = 4, USER_NAME = 5, USER_PASSWORD_HASH = 6,
	USER_LANGUAGE = 7, USER_PHONE = 8, USER_CREATED = 9, USER_UPDATED = 10,
	USER_DISABLED = 11, USER_APPROVER = 12, USER_CONTACT = 13
};

enum org_tag {
	ORG_VERSION = 0, ORG_ID = 1, ORG_NAME = 2, ORG_CREATED = 3,
	ORG_SHARE_BY_DEFAULT = 4, ORG_SERVICES = 5, ORG_PRIORITY_MODE = 6,
	ORG_DOMAINS = 7, ORG_CONFIRM_ALL = 8
};

enum ticket_tag {
	TICKET_VERSION = 0, TICKET_ID = 1, TICKET_ORG_ID = 2,
	TICKET_REQUESTER_ID = 3, TICKET_CREATOR_ID = 4, TICKET_ASSIGNEE_ID = 5,
	TICKET_TITLE = 6, TICKET_DESCRIPTION = 7, TICKET_TYPE = 8,
	TICKET_PRIORITY = 9, TICKET_STATUS = 10, TICKET_CHANNEL = 11,
	TICKET_CREATED = 12, TICKET_UPDATED = 13, TICKET_CLOSED = 14,
	TICKET_EVENT_COUNT = 15, TICKET_FOLLOWERS = 16, TICKET_PARTICIPANTS = 17,
	TICKET_CATEGORY = 18, TICKET_REQUEST_TYPE = 19, TICKET_SERVICE = 20,
	TICKET_SUBCATEGORY = 21, TICKET_IMPACT = 22, TICKET_URGENCY = 23,
	TICKET_FIELDS = 24, TICKET_SHARED_WITH_ORG = 25,
	TICKET_EXTERNAL_EMAILS = 26, TICKET_ASSIGNEE_GROUP = 27,
	TICKET_RESOLUTION_CODE = 28, TICKET_CAUSE = 29, TICKET_RELATED = 30,
	TICKET_RATING = 31, TICKET_RATING_COMMENT = 32, TICKET_APPROVER_ID = 33,
	TICKET_NEEDS_APPROVAL = 34, TICKET_MINUTES = 35,
	TICKET_BILLABLE_MINUTES = 36, TICKET_RESOLVED = 37
};

enum event_tag {
	EVENT_TAG_VERSION = 0, EVENT_TAG_TICKET_ID = 1, EVENT_TAG_SEQ = 2,
	EVENT_TAG_TIME = 3, EVENT_TAG_ACTOR_ID = 4, EVENT_TAG_KIND = 5,
	EVENT_TAG_INTERNAL = 6, EVENT_TAG_FROM_SUPPORT = 7, EVENT_TAG_BODY = 8,
	EVENT_TAG_FIELD = 9, EVENT_TAG_OLD_VALUE = 10, EVENT_TAG_NEW_VALUE = 11,
	EVENT_TAG_RATING = 12, EVENT_TAG_MINUTES = 13, EVENT_TAG_BILLABLE = 14,
	EVENT_TAG_REDACTED_BY = 15, EVENT_TAG_REDACTED_MS = 16
};

enum session_tag {
	SESSION_VERSION = 0, SESSION_KIND = 1, SESSION_USER_ID = 2,
	SESSION_CSRF = 3, SESSION_LABEL = 4, SESSION_CREATED = 5,
	SESSION_EXPIRES = 6, SESSION_REMEMBER = 7, SESSION_EMAIL = 8,
	SESSION_ORG_ID = 9, SESSION_NAME = 10, SESSION_LANGUAGE = 11
};

enum access_tag {
	ACCESS_TAG_VERSION = 0, ACCESS_TAG_ID = 1, ACCESS_TAG_ORG_ID = 2,
	ACCESS_TAG_REQUESTER_ID = 3, ACCESS_TAG_STATE = 4, ACCESS_TAG_EMAIL = 5,
	ACCESS_TAG_NAME = 6, ACCESS_TAG_PHONE = 7, ACCESS_TAG_FUNCTION = 8,
	ACCESS_TAG_LANGUAGE = 9, ACCESS_TAG_CREATED = 10, ACCESS_TAG_DECIDED = 11,
	ACCESS_TAG_DECIDED_BY = 12, ACCESS_TAG_REASON = 13, ACCESS_TAG_USER_ID = 14
};

/* Ranges of the small enum-like fields; anything outside is corrupt. */
#define TICKET_PRIORITY_DEFAULT 4
#define CONTACT_MAX 15       /* all four CONTACT_* bits */
#define PRIORITY_MODE_MAX 2  /* none, matrix, direct */
#define CATEGORY_MAX 5       /* enum status_category of workflow.h */
#define IMPACT_MAX 3
#define URGENCY_MAX 4
#define RATING_MAX 5

#endif
