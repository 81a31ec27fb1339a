/*
 * Composing a message: one template (per kind and language, plain text
 * and HTML from the same words) filled with the facts of one event, and
 * encoded by GMime as a complete RFC 5322 message (headers encoded, the
 * reference in the subject, a fresh Message-ID, In-Reply-To/References to
 * keep a ticket's mail in one thread, Auto-Submitted: auto-generated).
 */
#ifndef DESKD_MAIL_COMPOSE_H
#define DESKD_MAIL_COMPOSE_H

#include <stddef.h>

struct config;

/* What a template may show; unused members are NULL. Text is as users
 * typed it: the composer escapes it for HTML. */
struct mail_content {
	const char *kind;        /* template: see docs/MAIL.md for the list */
	const char *lang;        /* "en", "nl", "sv"; anything else: "en" */
	const char *to;          /* the recipient's address */
	const char *to_name;     /* the recipient's name, or NULL */
	const char *ref;         /* ticket reference (subject "[HD-10042] ..."), or NULL */
	const char *title;       /* ticket title */
	const char *actor;       /* who did what the message tells of */
	const char *body;        /* a comment's or resolution's text */
	const char *status;      /* the status label now */
	const char *detail;      /* one more line: e.g. which SLA target, when due */
	const char *link;        /* the main link: the ticket, or the account link */
	const char *unsubscribe; /* a link to stop this ticket's mail, or NULL */
	const char *one_click;   /* its RFC 8058 one-click URL (List-Unsubscribe), or NULL */
};

/* Makes the message: 0 and a malloc'd *out of *len bytes (NUL-terminated),
 * or a negative dk_err (DK_ERR_INVALID for an unknown kind). */
int mail_compose(const struct config *cfg, const struct mail_content *c, char **out,
		 size_t *len);

#endif
