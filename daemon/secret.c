#include "secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/random.h>

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int secret_new(char out[SECRET_TEXT_LEN + 1])
{
	uint8_t raw[SECRET_BYTES + 1] = { 0 };
	size_t got = 0;
	while (got < SECRET_BYTES) {
		ssize_t n = getrandom(raw + got, SECRET_BYTES - got, 0);
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	/* 32 bytes = 10 groups of 3 plus 2 bytes; the zero pad byte only
	 * feeds the last character's low bits. */
	size_t o = 0;
	for (size_t i = 0; i < SECRET_BYTES; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 |
			     (i + 2 < SECRET_BYTES ? raw[i + 2] : 0);
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		if (i + 2 < SECRET_BYTES)
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	return o == SECRET_TEXT_LEN ? 0 : -1;
}

void secret_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 32;
	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void secret_hex(const uint8_t *bytes, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
