#include "password.h"

#include <libscrypt.h>
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

int password_init(uint32_t n, uint8_t r, uint8_t p)
{
	char random_password[SECRET_TEXT_LEN + 1];
	if (secret_new(random_password))
		return -1;
	return password_hash(random_password, n, r, p, dummy);
}

const char *password_dummy_hash(void)
{
	return dummy;
}
