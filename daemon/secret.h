/* Random secrets and their hashes: session ids, CSRF and API tokens. */
#ifndef DESKD_SECRET_H
#define DESKD_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_BYTES 32
#define SECRET_TEXT_LEN 43 /* base64url of 32 bytes, without padding */

/* Fills out with SECRET_TEXT_LEN characters of fresh randomness and a NUL. 0 or -1. */
int secret_new(char out[SECRET_TEXT_LEN + 1]);
/* SHA-256 of len bytes. */
void secret_sha256(const void *data, size_t len, uint8_t out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void secret_hex(const uint8_t *bytes, size_t n, char *out);
/* Compares two strings in time that depends only on their lengths. */
int secret_equal(const char *a, const char *b);

#endif
