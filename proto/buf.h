/* A growable byte buffer, used for encoded records and keys. */
#ifndef DESKD_BUF_H
#define DESKD_BUF_H

#include <stddef.h>

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

#endif
