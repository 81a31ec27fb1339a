/*
 * Password hashing off the loop: a few worker threads take jobs from a
 * bounded queue and hand results back to the loop thread through an eventfd.
 * Callbacks always run on the loop thread.
 */
#ifndef DESKD_HASHPOOL_H
#define DESKD_HASHPOOL_H

#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct hashpool;

struct hashpool_opts {
	int threads;
	int queue_max;   /* jobs waiting or running; more are refused */
	uint32_t n;      /* scrypt cost for new hashes */
	uint8_t r, p;
};

typedef void (*hashpool_check_fn)(bool match, void *arg);
typedef void (*hashpool_hash_fn)(const char *hash /* NULL on failure */, void *arg);

/* NULL on failure. Owned by the caller: hashpool_free. */
struct hashpool *hashpool_new(struct event_base *base, const struct hashpool_opts *o);
/* Joins the workers; jobs not yet finished are dropped without callback. */
void hashpool_free(struct hashpool *pool);

/* Queue a check of password against hash (NULL hash: checks a dummy so the
 * time is the same). 0, or -1 when the queue is full (answer 503). The
 * strings are copied. */
int hashpool_check(struct hashpool *pool, const char *hash, const char *password,
		   hashpool_check_fn done, void *arg);
/* Queue hashing a new password. 0 or -1 as above. */
int hashpool_hash(struct hashpool *pool, const char *password, hashpool_hash_fn done, void *arg);
/* Jobs waiting or running. */
int hashpool_pending(const struct hashpool *pool);

#endif
