/*
 * Record schemas of deskd: users, organisations, tickets, timeline events and
 * sessions, and their MessagePack encoding.
 *
 * Each record is a msgpack map from small integer field tags to values, with
 * tag 0 holding the record's schema version. Decoders skip tags they do not
 * know and leave defaults for tags that are missing, so an older database
 * opens in a newer deskd; bytes that are not such a map (or hold a field of
 * the wrong msgpack type) are rejected with DK_ERR_CORRUPT.
 *
 * Ownership: every char * and array inside a record is owned by the record
 * and released by its *_free function. A decoder writes a zeroed record on
 * failure, so *_free is always safe on its output. Times are milliseconds
 * since the Unix epoch.
 */
#ifndef DESKD_RECORD_H
#define DESKD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define RECORD_VERSION 1

enum role {
	ROLE_NONE = 0,
	ROLE_CUSTOMER = 1,     /* own tickets and tickets shared with them */
	ROLE_ORG_CUSTOMER = 2, /* every ticket of the organisation */
	ROLE_AGENT = 3,        /* every ticket, internal notes */
	ROLE_ADMIN = 4         /* agent rights plus configuration and users */
};

/* "customer", "org-customer", "agent", "admin"; NULL for anything else. */
const char *role_name(enum role r);
/* 0 and *out set, or DK_ERR_INVALID. */
int role_parse(const char *s, enum role *out);
/* True for agent and admin. */
bool role_is_staff(enum role r);

struct user {
	uint32_t version;
	uint64_t id;
	uint64_t org_id; /* 0: staff without an organisation */
	enum role role;
	char *email;     /* as entered; looked up case-folded */
	char *name;
	char *password_hash; /* libscrypt "$s1$..." string, NULL: cannot sign in */
	char *language;  /* "en", "nl", "sv" */
	char *phone;
	int64_t created_ms;
	int64_t updated_ms;
	bool disabled;
};

struct org {
	uint32_t version;
	uint64_t id;
	char *name;
	int64_t created_ms;
	bool share_by_default; /* new tickets visible to the whole organisation */
};

struct ticket {
	uint32_t version;
	uint64_t id;           /* also the number in the reference PREFIX-id */
	uint64_t org_id;
	uint64_t requester_id; /* the customer the ticket is for */
	uint64_t creator_id;   /* who registered it (an agent for phone tickets) */
	uint64_t assignee_id;  /* 0: unassigned */
	char *title;
	char *description;
	char *type;            /* "incident", "question", "change_request" */
	uint8_t priority;      /* 1..4 (P1..P4) */
	char *status;          /* workflow status name, see workflow.h */
	char *channel;         /* "portal", "email", "phone" */
	int64_t created_ms;
	int64_t updated_ms;
	int64_t closed_ms;     /* 0 while not closed */
	uint32_t event_count;  /* seq of the last timeline event */
	uint64_t *followers;   /* user ids, owned */
	size_t n_followers;
	uint64_t *participants; /* users it is shared with besides the requester */
	size_t n_participants;
};

enum event_kind {
	EVENT_CREATED = 1,  /* the ticket was registered */
	EVENT_COMMENT = 2,  /* body; internal marks an agent's note */
	EVENT_FIELD = 3,    /* field, old_value, new_value */
	EVENT_STATUS = 4,   /* old_value, new_value are status names */
	EVENT_FOLLOW = 5,
	EVENT_UNFOLLOW = 6
};

/* "created", "comment", "field", "status", "follow", "unfollow". */
const char *event_kind_name(enum event_kind k);

struct ticket_event {
	uint32_t version;
	uint64_t ticket_id;
	uint32_t seq;          /* 1.. within the ticket */
	int64_t time_ms;
	uint64_t actor_id;
	enum event_kind kind;
	bool internal;         /* never shown to customers */
	bool from_support;     /* written by an agent or admin */
	char *body;
	char *field;
	char *old_value;
	char *new_value;
};

enum session_kind {
	SESSION_BROWSER = 1,   /* cookie session, needs CSRF header on writes */
	SESSION_API_TOKEN = 2  /* Authorization: Bearer, made with deskctl */
};

struct session {
	uint32_t version;
	enum session_kind kind;
	uint64_t user_id;
	char *csrf;            /* browser sessions: token for X-CSRF-Token */
	char *label;           /* API tokens: what it is for */
	int64_t created_ms;
	int64_t expires_ms;    /* 0: never */
	bool remember;         /* browser sessions: persistent cookie */
};

/* Encoders append the record to out: 0 or DK_ERR_NOMEM. */
int user_encode(const struct user *u, struct dk_buf *out);
int org_encode(const struct org *o, struct dk_buf *out);
int ticket_encode(const struct ticket *t, struct dk_buf *out);
int ticket_event_encode(const struct ticket_event *e, struct dk_buf *out);
int session_encode(const struct session *s, struct dk_buf *out);

/* Decoders: 0, DK_ERR_CORRUPT or DK_ERR_NOMEM; out is zeroed first. */
int user_decode(const void *data, size_t len, struct user *out);
int org_decode(const void *data, size_t len, struct org *out);
int ticket_decode(const void *data, size_t len, struct ticket *out);
int ticket_event_decode(const void *data, size_t len, struct ticket_event *out);
int session_decode(const void *data, size_t len, struct session *out);

void user_free(struct user *u);
void org_free(struct org *o);
void ticket_free(struct ticket *t);
void ticket_event_free(struct ticket_event *e);
void session_free(struct session *s);

/* Deep copies: 0 or DK_ERR_NOMEM (dst zeroed on failure). */
int user_copy(struct user *dst, const struct user *src);
int ticket_copy(struct ticket *dst, const struct ticket *src);

/* Id lists on a ticket (followers, participants). */
bool id_list_has(const uint64_t *ids, size_t n, uint64_t id);
/* Adds id if absent: 0 (also when present) or DK_ERR_NOMEM. */
int id_list_add(uint64_t **ids, size_t *n, uint64_t id);
/* Removes id if present. */
void id_list_remove(uint64_t *ids, size_t *n, uint64_t id);

#endif
