#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "secret.h"

#define SLOTS 8192 /* a power of two */
#define PROBE 16

struct slot {
	uint64_t hash;     /* 0: free */
	int64_t start_ms;  /* the window's start */
	int64_t end_ms;
	uint32_t count;
};

struct ratelimit {
	uint8_t seed[16];  /* keys are hashed with it, so nobody can aim at one slot */
	struct slot slots[SLOTS];
};

struct ratelimit *ratelimit_new(void)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);
	char s[SECRET_TEXT_LEN + 1];
	uint8_t h[32];

	if (!rl)
		return NULL;
	if (secret_new(s) == 0) {
		secret_sha256(s, strlen(s), h);
		memcpy(rl->seed, h, sizeof rl->seed);
	}
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	free(rl);
}

static uint64_t key_hash(const struct ratelimit *rl, const char *key)
{
	uint8_t h[32];
	uint8_t buf[16 + 256];
	size_t n = strnlen(key, 256);
	uint64_t v = 0;

	memcpy(buf, rl->seed, 16);
	memcpy(buf + 16, key, n);
	secret_sha256(buf, 16 + n, h);
	for (int i = 0; i < 8; i++)
		v = (v << 8) | h[i];
	return v ? v : 1;
}

/* The slot holding key, or NULL; with make, a free or reused slot. */
static struct slot *find(struct ratelimit *rl, const char *key, int64_t now_ms, bool make)
{
	uint64_t h = key_hash(rl, key);
	struct slot *spare = NULL;
	int spare_rank = 3;

	for (unsigned i = 0; i < PROBE; i++) {
		struct slot *s = &rl->slots[(h + i) & (SLOTS - 1)];
		/* a free slot first, then a finished window, then the oldest */
		int rank = !s->hash ? 0 : s->end_ms <= now_ms ? 1 : 2;

		if (s->hash == h)
			return s;
		if (make && (rank < spare_rank ||
			     (rank == 2 && spare_rank == 2 && s->start_ms < spare->start_ms))) {
			spare = s;
			spare_rank = rank;
		}
	}
	if (spare) {
		memset(spare, 0, sizeof *spare);
		spare->hash = h;
	}
	return spare;
}

bool ratelimit_allows(struct ratelimit *rl, const char *key, int64_t now_ms, uint32_t max,
		      int64_t window_ms, int64_t *retry_s)
{
	struct slot *s = find(rl, key, now_ms, false);

	(void)window_ms;
	*retry_s = 0;
	if (!s || s->end_ms <= now_ms || s->count < max)
		return true;
	*retry_s = (s->end_ms - now_ms + 999) / 1000;
	if (*retry_s < 1)
		*retry_s = 1;
	return false;
}

void ratelimit_count(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t window_ms)
{
	struct slot *s = find(rl, key, now_ms, true);

	if (!s)
		return;
	if (s->end_ms <= now_ms) {
		s->start_ms = now_ms;
		s->end_ms = now_ms + window_ms;
		s->count = 0;
	}
	if (s->count < UINT32_MAX)
		s->count++;
}

void ratelimit_forget(struct ratelimit *rl, const char *key)
{
	struct slot *s = find(rl, key, 0, false);

	if (s)
		memset(s, 0, sizeof *s);
}
