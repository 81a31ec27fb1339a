/*
 * An inbound e-mail as the mail gateway (deskctl mail-in) hands it to
 * deskd: the body of POST /api/v1/mail/inbound, and the pure rules deskd
 * applies to it (which ticket it answers, whether it is a mail loop, the
 * title of a new ticket). Same conventions as validate.h.
 */
#ifndef DESKD_MAIL_INBOUND_H
#define DESKD_MAIL_INBOUND_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "validate.h"

#define MAIL_TEXT_MAX_BYTES (192 * 1024) /* the body's text as sent */
#define MAIL_SUBJECT_MAX_BYTES 2000
#define MAIL_ID_MAX_BYTES 998            /* one Message-ID (a header line) */
#define MAIL_IDS_MAX 100                 /* In-Reply-To and References together */
#define MAIL_CC_MAX 50
#define MAIL_ATTACHMENTS_MAX 100
#define MAIL_HEADER_VALUE_MAX_BYTES 200  /* auto_submitted, precedence */

struct mail_attachment {
	char *name;     /* file name, or "" when the part has none */
	char *type;     /* content type, "application/pdf" */
	uint64_t size;  /* decoded bytes */
	unsigned char *data; /* the bytes ("data", base64), or NULL when not sent */
	size_t data_len;
};

struct mail_inbound {
	char *from;            /* the sender's address */
	char *from_name;       /* NULL when none */
	char *subject;         /* decoded; NULL when none */
	char *text;            /* the body as UTF-8 text; NULL when none */
	char *message_id;      /* NULL when none */
	char **references;     /* In-Reply-To, then References */
	size_t n_references;
	char **cc;             /* Cc addresses */
	size_t n_cc;
	char *auto_submitted;  /* header values as sent, or NULL */
	char *precedence;
	struct mail_attachment *attachments;
	size_t n_attachments;
};

/* The largest request body deskd reads for one message: the JSON limit
 * for the text and headers, plus room for the base64 of files adding up to
 * twice the limit of one file (a message of the gateway's 25 MB fits). */
static inline size_t mail_inbound_body_max(size_t max_body_bytes, size_t max_attachment_bytes)
{
	return max_body_bytes + (2 * max_attachment_bytes + 2) / 3 * 4;
}

int mail_inbound_parse(const json_t *body, struct mail_inbound *out, struct field_error *err);
void mail_inbound_free(struct mail_inbound *m);

/* Why m must be dropped as part of a mail loop, or NULL: Auto-Submitted
 * other than "no", Precedence bulk, junk or list, or a Message-ID of the
 * form deskd gives its own messages (32 hex digits or "ticket-...") at
 * own_domain (the domain of [mail] from). A static sentence. */
const char *mail_inbound_loop(const struct mail_inbound *m, const char *own_domain);

/* The ticket a reply names: a thread id "<ticket-PREFIX-N@...>" among the
 * references, else "[PREFIX-N]" in the subject. 0 and *id, or
 * DK_ERR_NOTFOUND. */
int mail_inbound_ticket(const struct mail_inbound *m, const char *prefix, uint64_t *id);

/* A ticket title from subject: reply and forward prefixes ("Re:", "Fwd:",
 * "AW:", "SV:", "Antw:", ...) removed, white space and controls collapsed
 * to single spaces, cut to TITLE_MAX_BYTES; the first line of text when
 * that leaves nothing. malloc'd; "" when both are empty; NULL when out of
 * memory. */
char *mail_inbound_title(const char *subject, const char *text);

/* The domain of an address ("a@b.example" or "Name <a@b.example>") into
 * out, lower-cased; "" when there is none. */
void mail_address_domain(const char *addr, char *out, size_t size);

#endif
