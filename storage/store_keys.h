/*
 * Key layouts of the storage databases. Integers are big-endian so that
 * LMDB's byte-wise key order is numeric order. Builders write into a buffer
 * the caller provides and return the key length; parsers return false when
 * the bytes do not have the layout.
 */
#ifndef DESKD_STORE_KEYS_H
#define DESKD_STORE_KEYS_H

#ifndef DESKD_STORAGE_INTERNAL
#error "store_keys.h is private to storage/"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void be32_put(uint8_t *p, uint32_t v);
uint32_t be32_get(const uint8_t *p);
void be64_put(uint8_t *p, uint64_t v);
uint64_t be64_get(const uint8_t *p);

/* users, orgs, tickets: id u64 */
#define KEY_ID_LEN 8
size_t key_id(uint8_t out[KEY_ID_LEN], uint64_t id);
bool key_id_parse(const void *key, size_t len, uint64_t *id);

/* events: ticket id u64 . seq u32 */
#define KEY_EVENT_LEN 12
size_t key_event(uint8_t out[KEY_EVENT_LEN], uint64_t ticket_id, uint32_t seq);
bool key_event_parse(const void *key, size_t len, uint64_t *ticket_id, uint32_t *seq);

/* session_expiry: expires_ms u64 . session key (32 bytes) */
#define KEY_EXPIRY_LEN 40
size_t key_expiry(uint8_t out[KEY_EXPIRY_LEN], uint64_t expires_ms, const uint8_t skey[32]);
bool key_expiry_parse(const void *key, size_t len, uint64_t *expires_ms, uint8_t skey[32]);

/* ticket_list: scope u8 . scope id u64 . bucket u8 . ticket id u64; the
 * first KEY_LIST_PREFIX_LEN bytes name one list. */
#define KEY_LIST_PREFIX_LEN 10
#define KEY_LIST_LEN 18
size_t key_list_prefix(uint8_t out[KEY_LIST_PREFIX_LEN], uint8_t scope, uint64_t scope_id,
		       uint8_t bucket);
size_t key_list(uint8_t out[KEY_LIST_LEN], uint8_t scope, uint64_t scope_id, uint8_t bucket,
		uint64_t ticket_id);
bool key_list_parse(const void *key, size_t len, const uint8_t prefix[KEY_LIST_PREFIX_LEN],
		    uint64_t *ticket_id);

/* ticket_counts: list prefix . dim u8 . value bytes (1..KEY_COUNT_VALUE_MAX) */
#define KEY_COUNT_VALUE_MAX 64
#define KEY_COUNT_MAX (KEY_LIST_PREFIX_LEN + 1 + KEY_COUNT_VALUE_MAX)
/* 0 when value is empty or longer than KEY_COUNT_VALUE_MAX. */
size_t key_count(uint8_t out[KEY_COUNT_MAX], uint8_t scope, uint64_t scope_id, uint8_t bucket,
		 char dim, const char *value);
/* value is copied NUL-terminated into value_out. */
bool key_count_parse(const void *key, size_t len, const uint8_t prefix[KEY_LIST_PREFIX_LEN],
		     char *dim, char value_out[KEY_COUNT_VALUE_MAX + 1]);

/* sessions_by_user: user id u64 . session key (32 bytes) */
#define KEY_USER_SESSION_LEN 40
size_t key_user_session(uint8_t out[KEY_USER_SESSION_LEN], uint64_t user_id,
			const uint8_t skey[32]);
bool key_user_session_parse(const void *key, size_t len, uint64_t *user_id, uint8_t skey[32]);

/* users_by_role: role u8 . user id u64 */
#define KEY_ROLE_LEN 9
size_t key_role(uint8_t out[KEY_ROLE_LEN], uint8_t role, uint64_t user_id);
bool key_role_parse(const void *key, size_t len, uint8_t *role, uint64_t *user_id);

/* day_counts: UTC day u32 */
#define KEY_DAY_LEN 4
size_t key_day(uint8_t out[KEY_DAY_LEN], uint32_t day);
bool key_day_parse(const void *key, size_t len, uint32_t *day);

/* meta: "seq:" . name */
#define KEY_SEQ_NAME_MAX 64
/* 0 when name is empty or longer than KEY_SEQ_NAME_MAX. */
size_t key_seq(char out[4 + KEY_SEQ_NAME_MAX], const char *name);

#endif
