/*
 * Error answers written without a request object: to a connection deskd
 * refuses before evhttp read anything from it, to a client too slow to
 * finish its request, and in place of the HTML pages libevent 2.1 writes
 * itself for requests it cannot parse. They carry the same JSON error
 * body and security headers as http_reply_error, and close the
 * connection.
 */
#ifndef DESKD_RAW_REPLY_H
#define DESKD_RAW_REPLY_H

#include <stddef.h>

/* Writes the whole answer into out; its length, or 0 when it does not fit.
 * retry_after_s > 0 adds Retry-After. */
size_t raw_reply_format(char *out, size_t size, int status, const char *code,
			const char *message, int retry_after_s);

/* The error code and message deskd gives for an HTTP status libevent
 * answered by itself (400, 405, 413, 417, 501, ...). */
void raw_reply_for_status(int status, const char **code, const char **message);

#endif
