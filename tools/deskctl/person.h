/* Helpers shared by user export and user erase (personal data). */
#ifndef DESKCTL_PERSON_H
#define DESKCTL_PERSON_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

/* "browser", "api_token", ... */
const char *person_session_kind(enum session_kind k);
/* Whether s is the address folded, regardless of case. */
bool person_address_is(const char *s, const char *folded);

/* Big-endian integers of raw storage keys (ids, event sequence numbers). */
static inline uint64_t person_be64(const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static inline uint32_t person_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

#endif
