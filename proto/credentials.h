/*
 * The secret a request presents, read from its headers: the value of the
 * session cookie, or the token of "Authorization: Bearer". Pure string
 * parsing on client-controlled text, before any lookup, so the fuzz
 * targets reach it without a running daemon.
 */
#ifndef DESKD_CREDENTIALS_H
#define DESKD_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

/* Finds name=value among the "; "-separated pairs of a Cookie header and
 * copies value into out (NUL-terminated). False when the cookie is not
 * there or its value does not fit in size bytes. */
bool credentials_cookie(const char *header, const char *name, char *out, size_t size);

/* The token of an Authorization header "Bearer TOKEN" (scheme compared
 * case-insensitively) into out. False for another scheme or a token that
 * does not fit in size bytes. */
bool credentials_bearer(const char *authz, char *out, size_t size);

#endif
