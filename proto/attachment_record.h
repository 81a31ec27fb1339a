/*
 * One attachment's description, as storage keeps it (database
 * "attachments", ticket id u64 . attachment id u64 -> this record; the
 * bytes are in "blobs", attachment id u64 . chunk no u32 -> up to
 * ATTACHMENT_CHUNK bytes).
 *
 * Encoding: one MessagePack map from small integer tags to values, tag 0
 * the version:
 *   0 version   1 id u64   2 ticket_id u64   3 event_seq   4 name str
 *   5 declared_type str   6 sniffed_type str   7 size   8 sha256 str (hex)
 *   9 uploader_id u64   10 created_ms i64   11 internal (0/1)
 * Unknown tags are skipped and missing ones keep their defaults, so an
 * older record opens in a newer deskd. Tags are never renumbered or reused.
 */
#ifndef DESKD_ATTACHMENT_RECORD_H
#define DESKD_ATTACHMENT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ATTACHMENT_RECORD_VERSION 1
/* bytes per blob entry: with LMDB's 16-byte page header, sixteen 4 KiB
 * overflow pages exactly */
#define ATTACHMENT_CHUNK (64u * 1024 - 16)
#define ATTACHMENT_NAME_MAX 1024        /* bytes of UTF-8 */
#define ATTACHMENT_TYPE_MAX 127

struct attachment {
	uint32_t version;
	uint64_t id;            /* from the "attachment" sequence */
	uint64_t ticket_id;
	uint32_t event_seq;     /* the timeline event the file belongs to */
	char name[ATTACHMENT_NAME_MAX + 1];
	char declared_type[ATTACHMENT_TYPE_MAX + 1]; /* as the uploader said; "" */
	char sniffed_type[ATTACHMENT_TYPE_MAX + 1];  /* from the bytes (attachment_sniff) */
	uint64_t size;
	char sha256[65];        /* lower-case hex */
	uint64_t uploader_id;
	int64_t created_ms;
	bool internal;          /* belongs to an internal note: staff only */
};

void attachment_init(struct attachment *a);
/* Appends the record to out: 0, DK_ERR_INVALID (id or ticket 0, empty
 * name) or DK_ERR_NOMEM; out is left as it was on failure. */
int attachment_encode(const struct attachment *a, struct dk_buf *out);
/* 0, or DK_ERR_CORRUPT (out then attachment_init'ed). Never allocates. */
int attachment_decode(const void *p, size_t len, struct attachment *out);

/* The type the first bytes show, for the few types a browser may display
 * safely: "image/png", "image/jpeg", "image/gif", "image/webp"; anything
 * else (SVG included, which can carry script) is
 * "application/octet-stream". Static string. */
const char *attachment_sniff(const void *head, size_t len);
/* True for the types attachment_sniff names as images. */
bool attachment_type_inline(const char *sniffed);
/* Number of blob chunks a file of size bytes takes. */
uint32_t attachment_chunks(uint64_t size);

#endif
