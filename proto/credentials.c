#include "credentials.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool credentials_cookie(const char *header, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = len - nlen - 1;
			if (vlen >= size)
				return false;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

bool credentials_bearer(const char *authz, char *out, size_t size)
{
	if (strncasecmp(authz, "Bearer ", 7) || strlen(authz + 7) >= size)
		return false;
	snprintf(out, size, "%s", authz + 7);
	return true;
}
