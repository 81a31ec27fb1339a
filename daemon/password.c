#include "password.h"

#include <libscrypt.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "secret.h"

static char dummy[PASSWORD_HASH_LEN];

int password_hash(const char *password, uint32_t n, uint8_t r, uint8_t p,
		  char out[PASSWORD_HASH_LEN])
{
	memset(out, 0, PASSWORD_HASH_LEN);
	/* libscrypt_hash returns 0 on failure. */
	return libscrypt_hash(out, password, n, r, p) ? 0 : -1;
}

bool password_check(const char *hash, const char *password)
{
	char copy[PASSWORD_HASH_LEN];
	if (!hash || strlen(hash) >= sizeof copy)
		return false;
	/* libscrypt_check writes into the string it is given. */
	memcpy(copy, hash, strlen(hash) + 1);
	return libscrypt_check(copy, password) == 1;
}

/* The hash unknown accounts are checked against: no password matches it
 * and checking one costs a real scrypt. It is made of random salt and
 * random hash bytes in scrypt's format rather than by hashing, so that
 * start-up does not wait for a scrypt run. */
int password_init(uint32_t n, uint8_t r, uint8_t p)
{
	unsigned char salt[SCRYPT_SALT_LEN], hash[SCRYPT_HASH_LEN];
	char salt64[4 * ((SCRYPT_SALT_LEN + 2) / 3) + 1], hash64[4 * ((SCRYPT_HASH_LEN + 2) / 3) + 1];
	if (RAND_bytes(salt, sizeof salt) != 1 || RAND_bytes(hash, sizeof hash) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof salt);
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof hash);
	memset(dummy, 0, sizeof dummy);
	/* libscrypt_mcf returns 1 on success */
	return libscrypt_mcf(n, r, p, salt64, hash64, dummy) == 1 ? 0 : -1;
}

const char *password_dummy_hash(void)
{
	return dummy;
}
