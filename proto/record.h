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
	bool approver;       /* approves requests of their organisation */
	uint8_t contact;     /* CONTACT_* bits: how the user wants to be reached */
};

/* How a user wants to be contacted (seed: "How may we contact you?"). */
#define CONTACT_EMAIL 1u
#define CONTACT_PHONE 2u
#define CONTACT_FAX 4u
#define CONTACT_MAIL 8u

struct org {
	uint32_t version;
	uint64_t id;
	char *name;
	int64_t created_ms;
	bool share_by_default; /* new tickets visible to the whole organisation */
	/* contract */
	char **services;       /* catalogue service ids the contract covers */
	size_t n_services;
	uint8_t priority_mode; /* enum priority_mode of catalogue.h; 0: none (always P4) */
	/* accounts */
	char **domains;        /* e-mail domains whose people may sign up here, lower case */
	size_t n_domains;
	/* notifications */
	bool confirm_all;      /* ticket confirmations go to every user of the organisation */
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
	/* lifecycle */
	uint8_t category;      /* enum status_category of status when written; 0: look it up */
	char *request_type;    /* catalogue request type id */
	char *service;         /* catalogue service id, or NULL */
	char *subcategory;
	uint8_t impact;        /* 1..3, 0: not given */
	uint8_t urgency;       /* 1..4, 0: not given */
	char *fields;          /* JSON object text of the form's field values, or NULL */
	bool shared_with_org;  /* every user of the organisation may see it */
	char **external_emails; /* outside addresses that get notifications */
	size_t n_external_emails;
	char *assignee_group;  /* support group, or NULL */
	char *resolution_code;
	char *cause;           /* underlying cause: product_error, configuration_error, ... */
	uint64_t *related;     /* linked tickets (a problem made from an incident) */
	size_t n_related;
	uint8_t rating;        /* satisfaction 1..5 given on acceptance; 0: none */
	char *rating_comment;
	uint64_t approver_id;  /* who approved or rejected; 0: nobody yet */
	bool needs_approval;
	uint32_t minutes;      /* time logged, all */
	uint32_t billable_minutes;
	int64_t resolved_ms;   /* last time it reached a resolved status; 0: not resolved */
};

enum event_kind {
	EVENT_CREATED = 1,  /* the ticket was registered */
	EVENT_COMMENT = 2,  /* body; internal marks an agent's note */
	EVENT_FIELD = 3,    /* field, old_value, new_value */
	EVENT_STATUS = 4,   /* old_value, new_value are status names */
	EVENT_FOLLOW = 5,
	EVENT_UNFOLLOW = 6,
	EVENT_TIME = 7,        /* minutes, billable, body (what was done) */
	EVENT_PARTICIPANT = 8, /* field "added"|"removed", new_value: user id or e-mail */
	EVENT_REDACTION = 9,   /* field: "description"|"title"|"comment:SEQ" that was redacted */
	EVENT_LINK = 10,       /* new_value: the related ticket's reference */
	EVENT_APPROVAL = 11    /* new_value "approved"|"rejected", body: the approver's comment */
};

/* "created", "comment", "field", "status", "follow", "unfollow", "time",
 * "participant", "redaction", "link", "approval". */
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
	uint8_t rating;        /* status change by acceptance: 1..5 */
	uint32_t minutes;      /* EVENT_TIME */
	bool billable;
	uint64_t redacted_by;  /* set on a comment whose text was removed */
	int64_t redacted_ms;
};

enum session_kind {
	SESSION_BROWSER = 1,   /* cookie session, needs CSRF header on writes */
	SESSION_API_TOKEN = 2, /* Authorization: Bearer, made with deskctl */
	/* one-time links sent by e-mail; never accepted as credentials */
	SESSION_ACTIVATION = 3, /* sign-up: email, org_id, name, language; no user yet */
	SESSION_RESET = 4,      /* forgotten password of user_id */
	SESSION_INVITATION = 5  /* approved access request: user_id sets name and password */
};
#define SESSION_KIND_LAST SESSION_INVITATION

struct session {
	uint32_t version;
	enum session_kind kind;
	uint64_t user_id;
	char *csrf;            /* browser sessions: token for X-CSRF-Token */
	char *label;           /* API tokens: what it is for */
	int64_t created_ms;
	int64_t expires_ms;    /* 0: never */
	bool remember;         /* browser sessions: persistent cookie */
	/* one-time links (SESSION_ACTIVATION) */
	char *email;
	uint64_t org_id;
	char *name;
	char *language;
};

/* An org-customer's request for an account for a colleague, decided by
 * support. */
enum access_state {
	ACCESS_PENDING = 1,
	ACCESS_APPROVED = 2,
	ACCESS_REFUSED = 3
};
#define ACCESS_STATE_LAST ACCESS_REFUSED
/* "pending", "approved", "refused"; NULL for anything else. */
const char *access_state_name(enum access_state s);
/* 0 and *out set, or DK_ERR_INVALID. */
int access_state_parse(const char *s, enum access_state *out);

struct access_request {
	uint32_t version;
	uint64_t id;
	uint64_t org_id;       /* the requester's organisation */
	uint64_t requester_id;
	enum access_state state;
	char *email;           /* the colleague */
	char *name;
	char *phone;
	char *function;
	char *language;        /* for the invitation; NULL: the requester's */
	int64_t created_ms;
	int64_t decided_ms;    /* 0 while pending */
	uint64_t decided_by;
	char *reason;          /* refusal reason, or NULL */
	uint64_t user_id;      /* the account made on approval; 0 otherwise */
};

/* Encoders append the record to out: 0 or DK_ERR_NOMEM. */
int user_encode(const struct user *u, struct dk_buf *out);
int org_encode(const struct org *o, struct dk_buf *out);
int ticket_encode(const struct ticket *t, struct dk_buf *out);
int ticket_event_encode(const struct ticket_event *e, struct dk_buf *out);
int session_encode(const struct session *s, struct dk_buf *out);
int access_request_encode(const struct access_request *a, struct dk_buf *out);

/* Decoders: 0, DK_ERR_CORRUPT or DK_ERR_NOMEM; out is zeroed first. */
int user_decode(const void *data, size_t len, struct user *out);
int org_decode(const void *data, size_t len, struct org *out);
int ticket_decode(const void *data, size_t len, struct ticket *out);
int ticket_event_decode(const void *data, size_t len, struct ticket_event *out);
int session_decode(const void *data, size_t len, struct session *out);
int access_request_decode(const void *data, size_t len, struct access_request *out);

void user_free(struct user *u);
void org_free(struct org *o);
void ticket_free(struct ticket *t);
void ticket_event_free(struct ticket_event *e);
void session_free(struct session *s);
void access_request_free(struct access_request *a);

/* Deep copies: 0 or DK_ERR_NOMEM (dst zeroed on failure). */
int user_copy(struct user *dst, const struct user *src);
int org_copy(struct org *dst, const struct org *src);
int ticket_copy(struct ticket *dst, const struct ticket *src);
/* Replaces the string *slot owns with a copy of value (NULL clears it):
 * 0, or DK_ERR_NOMEM with *slot untouched. */
int str_set(char **slot, const char *value);

/* String lists (services, external e-mails): 0 or DK_ERR_NOMEM. The list
 * owns its strings. Comparison is exact (byte for byte): fold e-mail
 * addresses before adding them if case must not matter. */
bool str_list_has(char *const *list, size_t n, const char *s);
/* Adds a copy of s if absent: 0 (also when present), DK_ERR_NOMEM, or
 * DK_ERR_INVALID for a NULL s. */
int str_list_add(char ***list, size_t *n, const char *s);
/* Removes and frees every entry equal to s, keeping the order of the rest;
 * the array is not shrunk. */
void str_list_remove(char **list, size_t *n, const char *s);
/* Frees the n strings and the array; NULL is fine. */
void str_list_free(char **list, size_t n);

/* Id lists on a ticket (followers, participants). */
bool id_list_has(const uint64_t *ids, size_t n, uint64_t id);
/* Adds id if absent: 0 (also when present) or DK_ERR_NOMEM. */
int id_list_add(uint64_t **ids, size_t *n, uint64_t id);
/* Removes id if present. */
void id_list_remove(uint64_t *ids, size_t *n, uint64_t id);

#endif
