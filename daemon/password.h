/*
 * Password hashing with scrypt (libscrypt). The cost parameters are stored in
 * every hash ("$s1$NNrrpp$salt$hash"), so raising them later keeps old hashes
 * valid. These calls take 50-700 ms: deskd runs them on worker threads
 * (hashpool.h), never on the loop.
 */
#ifndef DESKD_PASSWORD_H
#define DESKD_PASSWORD_H

#include <stdbool.h>
#include <stdint.h>

#define PASSWORD_HASH_LEN 128

/* Hashes password into out: 0 or -1. */
int password_hash(const char *password, uint32_t n, uint8_t r, uint8_t p,
		  char out[PASSWORD_HASH_LEN]);
/* True when password matches hash; false for a mismatch or a bad hash. */
bool password_check(const char *hash, const char *password);
/* A valid hash of a random password, to check against when the e-mail is
 * unknown so that both answers take the same time. */
const char *password_dummy_hash(void);
/* Must be called once before password_dummy_hash (not thread-safe). */
int password_init(uint32_t n, uint8_t r, uint8_t p);

#endif
