/*
 * Writing one file into storage, for every way files arrive (the upload
 * endpoint, mail in): the checks on names and types, and the chunks with
 * their SHA-256 written in the caller's transaction.
 */
#ifndef DESKD_ATTACHMENT_STORE_H
#define DESKD_ATTACHMENT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "attachment_record.h"

struct evbuffer;
struct store_txn;

/* A stored name: valid UTF-8, control characters (CR, LF, tab, ...)
 * replaced by '_', so the name can never break a header or a log line.
 * NULL when not valid UTF-8 (or out of memory). Owned by the caller. */
char *attachment_clean_name(const char *s);
/* A declared type worth keeping as a label: printable ASCII, short. */
bool attachment_type_ok(const char *t);
/* Stores body's bytes (read, not consumed: a transaction run again starts
 * from the first byte) as a file described by a, whose ticket_id,
 * event_seq, name, declared_type, uploader_id, created_ms and internal
 * the caller set; id, size, sniffed type and SHA-256 are filled in here.
 * chunk is ATTACHMENT_CHUNK bytes of scratch. 0 or a dk_err. */
int attachment_store(struct store_txn *txn, struct attachment *a, struct evbuffer *body,
		     uint8_t *chunk);

#endif
