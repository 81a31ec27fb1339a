/*
 * One RFC 5322 message, parsed with GMime into the JSON body deskd's
 * POST /api/v1/mail/inbound takes (proto/mail_inbound.h): sender, decoded
 * subject, the body as UTF-8 text (text/plain preferred, HTML converted),
 * thread ids, Cc, loop headers and the attachments with their bytes.
 */
#ifndef DESKCTL_MAIL_PARSE_H
#define DESKCTL_MAIL_PARSE_H

#include <stddef.h>

#include <jansson.h>

/* Parses len bytes; the text is cut to text_max bytes. Returns a new JSON
 * object, or NULL with a sentence in why when the message is malformed (no
 * sender, a multipart without its boundary, not a message at all). */
json_t *mail_parse(const char *data, size_t len, size_t text_max, char *why, size_t why_size);
/* Releases what GMime keeps between calls (at exit). */
void mail_parse_done(void);

#endif
