/* The engine of deskctl restore (restore.c), driven by cmd_restore.c. */
#ifndef DESKCTL_RESTORE_H
#define DESKCTL_RESTORE_H

#include <stdio.h>

#include "deskctl.h"
#include "dump_kinds.h"

enum item_kind { ITEM_ORG, ITEM_USER, ITEM_TICKET, ITEM_EVENT, ITEM_SESSION, ITEM_VALUE };

/* One decoded line waiting for its batch's transaction. */
struct item {
	enum item_kind kind;
	unsigned long line;
	union {
		struct org o;
		struct user u;
		struct ticket t;
		struct ticket_event e;
		struct {
			struct session s;
			uint8_t key[32];
		} s;
		struct dump_value v;
	} r;
};

/* Day counts are kept aside until every ticket is in, since writing a
 * ticket counts it in its days. */
struct day_line {
	uint32_t day;
	struct store_day counts;
	unsigned long line;
};

struct restore {
	struct store *store;          /* where the records go */
	struct ctl_progress progress; /* bytes read */
	struct item *items;           /* the batch */
	size_t n, bytes;
	struct day_line *days;
	size_t n_days, cap_days;
	char **names;                 /* "seq:NAME", "doc:NAME" seen */
	size_t n_names;
	/* records restored: enum item_kind, then ITEM_VALUE + enum dump_value_kind */
	uint64_t count[ITEM_VALUE + VALUE_DAY + 1];
	/* a refused line: its number (0: none) and why */
	unsigned long bad_line;
	char why[256];
};

/* Reads every line of in and writes it to r->store, which must be empty.
 * 0, or a dk_err; DK_ERR_INVALID comes with r->bad_line and r->why. What
 * was written before a failure stays: the caller throws the store away. */
int restore_stream(struct restore *r, FILE *in);
void restore_free(struct restore *r);

#endif
