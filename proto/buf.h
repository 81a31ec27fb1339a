/* A growable byte buffer, used for encoded records and keys. */
#ifndef DESKD_BUF_H
#define DESKD_BUF_H

#include <stddef.h>
#include <stdlib.h>

#include "dk_err.h"

struct dk_buf {
	char *data; /* owned; NUL-terminated after dk_buf_cstr */
	size_t len;
	size_t cap;
};

/* Append bytes; 0 or DK_ERR_NOMEM. */
int dk_buf_append(struct dk_buf *b, const void *p, size_t n);
/* Make sure data is NUL-terminated (not counted in len); returns data or NULL. */
const char *dk_buf_cstr(struct dk_buf *b);
void dk_buf_reset(struct dk_buf *b);
void dk_buf_free(struct dk_buf *b);

/* Room for one more item in the growable array arr holding n of cap:
 * when full it doubles (an empty one gets first). Evaluates to 0 or
 * DK_ERR_NOMEM (the array is left as it was). */
#define DK_GROW(arr, cap, n, first)                                                    \
	({                                                                             \
		int dk_grow_rc_ = 0;                                                   \
		if ((n) >= (cap)) {                                                    \
			size_t dk_want_ = dk_grow_cap((cap), sizeof *(arr), (first));  \
			__typeof__(arr) dk_p_ =                                        \
				dk_want_ ? realloc((arr), dk_want_ * sizeof *(arr)) : NULL; \
			if (dk_p_) {                                                   \
				(arr) = dk_p_;                                         \
				(cap) = dk_want_;                                      \
			} else {                                                       \
				dk_grow_rc_ = DK_ERR_NOMEM;                            \
			}                                                              \
		}                                                                      \
		dk_grow_rc_;                                                           \
	})
/* The next capacity of DK_GROW: twice cap, first for 0; 0 on overflow. */
size_t dk_grow_cap(size_t cap, size_t size, size_t first);

#endif
