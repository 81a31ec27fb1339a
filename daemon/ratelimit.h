/*
 * Counting attempts per key (an address, a client) in fixed windows, in
 * memory, on the loop thread only. The table has a fixed number of slots,
 * so memory stays bounded whoever asks; when it is full the oldest window
 * in the neighbourhood of a key is forgotten. A restart forgets every count.
 */
#ifndef DESKD_RATELIMIT_H
#define DESKD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

/* NULL when out of memory. Owned by the caller: ratelimit_free. */
struct ratelimit *ratelimit_new(void);
void ratelimit_free(struct ratelimit *rl);

/* True when key has had fewer than max attempts in its current window
 * (window_ms long, started by its first attempt). false otherwise, with
 * *retry_s the seconds until the window ends (at least 1). */
bool ratelimit_allows(struct ratelimit *rl, const char *key, int64_t now_ms, uint32_t max,
		      int64_t window_ms, int64_t *retry_s);
/* Counts one attempt of key, starting a window when none runs. */
void ratelimit_count(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t window_ms);
/* Forgets key (a successful sign-in clears its failures). */
void ratelimit_forget(struct ratelimit *rl, const char *key);

#endif
