/* dk_buf: a growable byte buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dk_err.h"

/* Grows to at least need bytes, doubling so appends stay amortised O(1). */
static int reserve(struct dk_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return DK_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

size_t dk_grow_cap(size_t cap, size_t size, size_t first)
{
	size_t want = cap ? cap * 2 : first;
	return want < cap || want > SIZE_MAX / size ? 0 : want;
}

int dk_buf_append(struct dk_buf *b, const void *p, size_t n)
{
	int err;

	if (n == 0)
		return 0;
	if (n > SIZE_MAX - b->len)
		return DK_ERR_NOMEM;
	err = reserve(b, b->len + n);
	if (err)
		return err;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

const char *dk_buf_cstr(struct dk_buf *b)
{
	if (b->len == SIZE_MAX || reserve(b, b->len + 1))
		return NULL;
	b->data[b->len] = '\0';
	return b->data;
}

/* Keeps the allocation so a buffer reused in a loop does not reallocate. */
void dk_buf_reset(struct dk_buf *b)
{
	b->len = 0;
}

void dk_buf_free(struct dk_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
