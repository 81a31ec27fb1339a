/*
 * HTML mail as plain text, for messages that carry no text part: tags go,
 * entities are decoded, block elements and <br> become line breaks, and
 * quoted blocks (<blockquote>) get "> " in front of their lines, as a
 * plain-text client would have quoted them. A pure function.
 */
#ifndef DESKD_MAIL_HTML_H
#define DESKD_MAIL_HTML_H

#include <stddef.h>

/* Converts len bytes of UTF-8 HTML. Script, style, head and title contents
 * are dropped; runs of white space outside <pre> become one space; at most
 * one blank line in a row; no blanks at the ends. Returns a malloc'd
 * NUL-terminated string (its length in *out_len, may be NULL), or NULL
 * when out of memory. */
char *mail_html_to_text(const char *html, size_t len, size_t *out_len);

#endif
