/*
 * The words of deskd's e-mail: per language, the sentences each kind of
 * message is made of, with {placeholders} the composer fills in (see
 * mail_compose.c for the layout they go into). Pure data and lookups.
 *
 * Placeholders: {name} the recipient, {ref} the ticket reference, {title}
 * the ticket title, {actor} who did it, {status} the status label,
 * {detail} one more fact (an SLA target and its due time, a lifetime).
 */
#ifndef DESKD_MAIL_TEMPLATES_H
#define DESKD_MAIL_TEMPLATES_H

#include <stdbool.h>

enum mail_kind {
	MAIL_TICKET_CREATED,
	MAIL_TICKET_COMMENT,
	MAIL_TICKET_STATUS,
	MAIL_TICKET_RESOLVED,
	MAIL_SLA_WARNING,
	MAIL_SLA_BREACH,
	MAIL_ACTIVATION,
	MAIL_RESET,
	MAIL_INVITATION,
	MAIL_SIGNUP_KNOWN,
	MAIL_ACCESS_REQUEST,
	MAIL_KIND_COUNT
};

/* One kind of message in one language; after may be NULL. */
struct mail_template {
	const char *subject; /* one line */
	const char *lead;    /* the opening paragraph */
	const char *action;  /* the label of the main link */
	const char *after;   /* a paragraph after the link */
};

struct mail_words {
	const char *lang;       /* "en", "nl", "sv" */
	const char *marker;     /* "Reply above this line": the first line of ticket mail */
	const char *hello;      /* greeting with {name} */
	const char *hello_anon; /* greeting without a name */
	const char *status;     /* "Status: {status}" */
	const char *support;    /* who acted when no person did (timers) */
	const char *closing;    /* "Kind regards," */
	const char *signer;     /* "The service desk" */
	const char *why;        /* why a follower gets this, with {ref} */
	const char *stop;       /* the label of the stop-notifications link */
	const char *sla_target[3]; /* first response, resolution, triage */
	const char *sla_due;    /* the word before a due time: "due" */
	struct mail_template kinds[MAIL_KIND_COUNT];
};

/* "ticket_created", ... as in docs/MAIL.md; NULL outside the enum. */
const char *mail_kind_name(enum mail_kind k);
/* 0 and *out, or -1 for a name that is no kind. */
int mail_kind_parse(const char *name, enum mail_kind *out);
/* Kinds about one ticket: they carry the marker and thread headers. */
bool mail_kind_is_ticket(enum mail_kind k);
/* The words of lang; English for NULL or a language deskd has no words
 * for. Static data, never freed. */
const struct mail_words *mail_words_get(const char *lang);
/* The languages with words, NULL-terminated. */
extern const char *const mail_languages[];

#endif
