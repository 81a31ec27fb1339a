/*
 * One line of a dump as deskctl restore reads it: JSON (duplicate keys
 * refused), dispatched on "kind" to the record parsers of dump_parse.c or
 * the other line kinds of dump_kinds.c. A line must be restored or refused
 * with a reason, never crash. A record it accepts must dump to a line that
 * restores to the same dump again, and what restore would write (the
 * MessagePack encoding) must decode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dump_kinds.h"
#include "dump_parse.h"
#include "json_map.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *kind, const char *what)
{
	fprintf(stderr, "%s: %s\n", kind, what);
	abort();
}

/* r was parsed from a line: its dump must parse back to an equal dump,
 * and its encoding must decode. */
#define CHECK_RECORD(type, from_dump, to_dump, enc, dec, release)              \
	do {                                                                   \
		struct type again, back;                                       \
		json_t *line = to_dump(&r);                                    \
		if (!line || from_dump(line, &again, &fe))                     \
			fail(#type, "its own dump line is refused");           \
		json_t *line2 = to_dump(&again);                               \
		if (!line2 || !json_equal(line, line2))                        \
			fail(#type, "dump, restore and dump again differ");    \
		struct dk_buf b = { 0 };                                       \
		if (enc(&r, &b) == 0) {                                        \
			if (dec(b.data, b.len, &back))                         \
				fail(#type, "restored record does not decode");\
			release(&back);                                        \
		}                                                              \
		dk_buf_free(&b);                                               \
		json_decref(line);                                             \
		json_decref(line2);                                            \
		release(&again);                                               \
		release(&r);                                                   \
	} while (0)

static void session_line(const json_t *j)
{
	struct field_error fe;
	struct session s, again, back;
	uint8_t key[32], key2[32];
	char hex[65];
	if (session_from_dump_json(j, &s, key, &fe))
		return;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	json_t *line = session_dump_json(&s, hex);
	if (!line || session_from_dump_json(line, &again, key2, &fe))
		fail("session", "its own dump line is refused");
	if (memcmp(key, key2, sizeof key))
		fail("session", "key changed across dump and restore");
	json_t *line2 = session_dump_json(&again, hex);
	if (!line2 || !json_equal(line, line2))
		fail("session", "dump, restore and dump again differ");
	struct dk_buf b = { 0 };
	if (session_encode(&s, &b) == 0) {
		if (session_decode(b.data, b.len, &back))
			fail("session", "restored record does not decode");
		session_free(&back);
	}
	dk_buf_free(&b);
	json_decref(line);
	json_decref(line2);
	session_free(&again);
	session_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	struct field_error fe;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return 0;
	const char *kind = json_string_value(json_object_get(j, "kind"));
	if (!json_is_object(j) || !kind) {
		json_decref(j);
		return 0;
	}
	if (!strcmp(kind, "org")) {
		struct org r;
		if (org_from_dump_json(j, &r, &fe) == 0)
			CHECK_RECORD(org, org_from_dump_json, org_dump_json, org_encode, org_decode,
				     org_free);
	} else if (!strcmp(kind, "user")) {
		struct user r;
		if (user_from_dump_json(j, &r, &fe) == 0)
			CHECK_RECORD(user, user_from_dump_json, user_dump_json, user_encode,
				     user_decode, user_free);
	} else if (!strcmp(kind, "ticket")) {
		struct ticket r;
		if (ticket_from_dump_json(j, &r, &fe) == 0)
			CHECK_RECORD(ticket, ticket_from_dump_json, ticket_dump_json, ticket_encode,
				     ticket_decode, ticket_free);
	} else if (!strcmp(kind, "event")) {
		struct ticket_event r;
		if (ticket_event_from_dump_json(j, &r, &fe) == 0)
			CHECK_RECORD(ticket_event, ticket_event_from_dump_json,
				     ticket_event_dump_json, ticket_event_encode, ticket_event_decode,
				     ticket_event_free);
	} else if (!strcmp(kind, "session")) {
		session_line(j);
	} else if (dump_value_kind(kind)) {
		struct dump_value v;
		char why[160];
		if (dump_value_parse(j, kind, &v, why, sizeof why) == 0)
			dump_value_free(&v);
	}
	json_decref(j);
	return 0;
}
