/* Big-endian key builders and parsers for the storage databases. */
#include <string.h>

#include "store_keys.h"

void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

uint64_t be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

size_t key_id(uint8_t out[KEY_ID_LEN], uint64_t id)
{
	be64_put(out, id);
	return KEY_ID_LEN;
}

bool key_id_parse(const void *key, size_t len, uint64_t *id)
{
	if (len != KEY_ID_LEN)
		return false;
	*id = be64_get(key);
	return true;
}

size_t key_event(uint8_t out[KEY_EVENT_LEN], uint64_t ticket_id, uint32_t seq)
{
	be64_put(out, ticket_id);
	be32_put(out + 8, seq);
	return KEY_EVENT_LEN;
}

bool key_event_parse(const void *key, size_t len, uint64_t *ticket_id, uint32_t *seq)
{
	const uint8_t *p = key;

	if (len != KEY_EVENT_LEN)
		return false;
	*ticket_id = be64_get(p);
	*seq = be32_get(p + 8);
	return true;
}

size_t key_expiry(uint8_t out[KEY_EXPIRY_LEN], uint64_t expires_ms, const uint8_t skey[32])
{
	be64_put(out, expires_ms);
	memcpy(out + 8, skey, 32);
	return KEY_EXPIRY_LEN;
}

bool key_expiry_parse(const void *key, size_t len, uint64_t *expires_ms, uint8_t skey[32])
{
	const uint8_t *p = key;

	if (len != KEY_EXPIRY_LEN)
		return false;
	*expires_ms = be64_get(p);
	memcpy(skey, p + 8, 32);
	return true;
}

size_t key_list_prefix(uint8_t out[KEY_LIST_PREFIX_LEN], uint8_t scope, uint64_t scope_id,
		       uint8_t bucket)
{
	out[0] = scope;
	be64_put(out + 1, scope_id);
	out[9] = bucket;
	return KEY_LIST_PREFIX_LEN;
}

size_t key_list(uint8_t out[KEY_LIST_LEN], uint8_t scope, uint64_t scope_id, uint8_t bucket,
		uint64_t ticket_id)
{
	key_list_prefix(out, scope, scope_id, bucket);
	be64_put(out + KEY_LIST_PREFIX_LEN, ticket_id);
	return KEY_LIST_LEN;
}

bool key_list_parse(const void *key, size_t len, const uint8_t prefix[KEY_LIST_PREFIX_LEN],
		    uint64_t *ticket_id)
{
	const uint8_t *p = key;

	if (len != KEY_LIST_LEN || memcmp(p, prefix, KEY_LIST_PREFIX_LEN) != 0)
		return false;
	*ticket_id = be64_get(p + KEY_LIST_PREFIX_LEN);
	return true;
}

size_t key_count(uint8_t out[KEY_COUNT_MAX], uint8_t scope, uint64_t scope_id, uint8_t bucket,
		 char dim, const char *value)
{
	size_t n = value ? strlen(value) : 0;

	if (n == 0 || n > KEY_COUNT_VALUE_MAX)
		return 0;
	key_list_prefix(out, scope, scope_id, bucket);
	out[KEY_LIST_PREFIX_LEN] = (uint8_t)dim;
	memcpy(out + KEY_LIST_PREFIX_LEN + 1, value, n);
	return KEY_LIST_PREFIX_LEN + 1 + n;
}

bool key_count_parse(const void *key, size_t len, const uint8_t prefix[KEY_LIST_PREFIX_LEN],
		     char *dim, char value_out[KEY_COUNT_VALUE_MAX + 1])
{
	const uint8_t *p = key;
	size_t n;

	if (len < KEY_LIST_PREFIX_LEN + 2 || len > KEY_COUNT_MAX ||
	    memcmp(p, prefix, KEY_LIST_PREFIX_LEN) != 0)
		return false;
	n = len - KEY_LIST_PREFIX_LEN - 1;
	*dim = (char)p[KEY_LIST_PREFIX_LEN];
	memcpy(value_out, p + KEY_LIST_PREFIX_LEN + 1, n);
	value_out[n] = '\0';
	return true;
}

size_t key_user_session(uint8_t out[KEY_USER_SESSION_LEN], uint64_t user_id,
			const uint8_t skey[32])
{
	be64_put(out, user_id);
	memcpy(out + 8, skey, 32);
	return KEY_USER_SESSION_LEN;
}

bool key_user_session_parse(const void *key, size_t len, uint64_t *user_id, uint8_t skey[32])
{
	const uint8_t *p = key;

	if (len != KEY_USER_SESSION_LEN)
		return false;
	*user_id = be64_get(p);
	memcpy(skey, p + 8, 32);
	return true;
}

size_t key_role(uint8_t out[KEY_ROLE_LEN], uint8_t role, uint64_t user_id)
{
	out[0] = role;
	be64_put(out + 1, user_id);
	return KEY_ROLE_LEN;
}

bool key_role_parse(const void *key, size_t len, uint8_t *role, uint64_t *user_id)
{
	const uint8_t *p = key;

	if (len != KEY_ROLE_LEN)
		return false;
	*role = p[0];
	*user_id = be64_get(p + 1);
	return true;
}

size_t key_day(uint8_t out[KEY_DAY_LEN], uint32_t day)
{
	be32_put(out, day);
	return KEY_DAY_LEN;
}

bool key_day_parse(const void *key, size_t len, uint32_t *day)
{
	if (len != KEY_DAY_LEN)
		return false;
	*day = be32_get(key);
	return true;
}

size_t key_seq(char out[4 + KEY_SEQ_NAME_MAX], const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > KEY_SEQ_NAME_MAX)
		return 0;
	memcpy(out, "seq:", 4);
	memcpy(out + 4, name, n);
	return 4 + n;
}
