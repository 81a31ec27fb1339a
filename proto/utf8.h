#ifndef DESKD_UTF8_H
#define DESKD_UTF8_H

#include <stddef.h>

/* Length (1 to 4) of the valid UTF-8 sequence starting at the NUL-terminated
 * s, or 0 when the bytes there are not valid UTF-8. One rule for the JSON
 * repair and the log writer. */
size_t utf8_seq_len(const unsigned char *s);

#endif
