/*
 * The lines of a dump that are not records (those are json_map.h's and
 * dump_parse.h's): sequences, documents, other meta values and day counts.
 *   {"kind":"seq","name":"ticket","value":10042}
 *   {"kind":"doc","name":"catalogue","text":"..."}   ("hex" instead of
 *                                  "text" for bytes that are not UTF-8)
 *   {"kind":"meta","key_hex":"...","value_hex":"..."}
 *   {"kind":"day","date":"2026-03-01","opened":4,"closed":2}
 *   {"kind":"raw","db":"sla","key_hex":"...","value_hex":"..."}  (the
 *                                  tables of store_db_is_raw, as stored)
 */
#ifndef DESKCTL_DUMP_KINDS_H
#define DESKCTL_DUMP_KINDS_H

#include <jansson.h>

#include "store.h"

/* New references, NULL when out of memory. */
json_t *dump_meta_json(const struct store_meta_entry *e);
json_t *dump_day_json(uint32_t day, const struct store_day *d);
json_t *dump_raw_json(enum store_db db, const void *key, size_t klen, const void *val,
		      size_t vlen);

/* One such line read back. Owned buffers; dump_value_free releases them. */
enum dump_value_kind { VALUE_SEQ, VALUE_DOC, VALUE_META, VALUE_RAW, VALUE_DAY };
struct dump_value {
	enum dump_value_kind kind;
	char *name;          /* seq, doc */
	uint64_t seq;
	unsigned char *data; /* doc text or meta value */
	size_t len;
	unsigned char *key;  /* meta, raw */
	size_t klen;
	enum store_db db;    /* raw */
	uint32_t day;
	struct store_day counts;
};
/* kind is the line's "kind" (one of the five). 0, or -1 with a sentence in
 * why; out is zeroed on failure. */
int dump_value_parse(const json_t *j, const char *kind, struct dump_value *out, char *why,
		     size_t why_size);
void dump_value_free(struct dump_value *v);
/* True for the kinds dump_value_parse reads. */
bool dump_value_kind(const char *kind);

#endif
