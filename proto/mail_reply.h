/*
 * The answer in an e-mail reply: the text a person wrote, without the
 * quoted history their mail client added below it. Pure functions on UTF-8
 * text, so unit tests call them directly.
 */
#ifndef DESKD_MAIL_REPLY_H
#define DESKD_MAIL_REPLY_H

#include <stddef.h>

/* The marker deskd's messages carry above the quoted text, one per
 * language (en, nl, sv); the mail templates print exactly these words. */
extern const char *const mail_reply_markers[];

/* Keeps what was written above the first of: a line holding a marker, an
 * Outlook history block ("-----Original Message-----", or From:/Van:/Från:
 * followed by Sent:/Date:/Verzonden:/Skickat:/To:/Subject: lines, with its
 * underscore rule), an attribution line ("On ... wrote:", "Op ... schreef
 * ...:", "Op ... heeft ... het volgende geschreven:", "Den ... skrev ...:",
 * also wrapped over up to three lines), a signature delimiter ("-- ").
 * Lines quoted with ">" are dropped everywhere; a trailing "Sent from my
 * ..." line is dropped. When nothing is left above the history (an answer
 * written below or between the quotes), the unquoted lines below it are
 * kept instead. CRLF becomes LF; blank lines at both ends go, and runs of
 * blank lines become one.
 * Returns a malloc'd NUL-terminated string (possibly empty) and its length
 * in *out_len (may be NULL), or NULL when out of memory. */
char *mail_reply_extract(const char *text, size_t len, size_t *out_len);

/* Cuts s (len bytes of UTF-8) to at most max bytes without splitting a
 * character: the new length. */
size_t mail_text_cut(const char *s, size_t len, size_t max);

#endif
