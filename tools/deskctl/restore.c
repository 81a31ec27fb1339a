/* Loading a dump into an open store for deskctl restore: lines decoded
 * into records and written in batches through store_*_put, which rebuilds
 * every index and count on the way. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "deskctl.h"
#include "dk_err.h"
#include "dump_kinds.h"
#include "dump_parse.h"
#include "restore.h"

/* A few thousand records per transaction: a commit costs two syncs, so
 * fewer, larger ones are faster; the byte cap bounds the memory held. */
#define BATCH_RECORDS 2000
#define BATCH_BYTES ((size_t)16 << 20)

static const char *const kind_names[] = {
	[ITEM_ORG] = "org", [ITEM_USER] = "user", [ITEM_TICKET] = "ticket",
	[ITEM_EVENT] = "event", [ITEM_SESSION] = "session", [ITEM_VALUE] = NULL,
};

static void item_free(struct item *it)
{
	switch (it->kind) {
	case ITEM_ORG: org_free(&it->r.o); break;
	case ITEM_USER: user_free(&it->r.u); break;
	case ITEM_TICKET: ticket_free(&it->r.t); break;
	case ITEM_EVENT: ticket_event_free(&it->r.e); break;
	case ITEM_SESSION: session_free(&it->r.s.s); break;
	case ITEM_VALUE: dump_value_free(&it->r.v); break;
	}
}

static void batch_clear(struct restore *r)
{
	for (size_t i = 0; i < r->n; i++)
		item_free(&r->items[i]);
	r->n = 0;
	r->bytes = 0;
}

static int fail_line(struct restore *r, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_line(struct restore *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	r->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	return DK_ERR_INVALID;
}

/* Sequences and documents may appear once each. */
static int name_once(struct restore *r, const char *prefix, const char *name)
{
	size_t len = strlen(prefix) + strlen(name) + 1;
	for (size_t i = 0; i < r->n_names; i++)
		if (!strncmp(r->names[i], prefix, strlen(prefix)) &&
		    !strcmp(r->names[i] + strlen(prefix), name))
			return DK_ERR_EXISTS;
	char **grown = realloc(r->names, (r->n_names + 1) * sizeof *grown);
	char *copy = malloc(len);
	if (!grown || !copy) {
		free(copy);
		if (grown)
			r->names = grown;
		return DK_ERR_NOMEM;
	}
	snprintf(copy, len, "%s%s", prefix, name);
	r->names = grown;
	r->names[r->n_names++] = copy;
	return 0;
}

static int day_add(struct restore *r, const struct dump_value *v, unsigned long line)
{
	if (r->n_days == r->cap_days) {
		size_t cap = r->cap_days ? 2 * r->cap_days : 256;
		struct day_line *grown = realloc(r->days, cap * sizeof *grown);
		if (!grown)
			return DK_ERR_NOMEM;
		r->days = grown;
		r->cap_days = cap;
	}
	r->days[r->n_days++] = (struct day_line){ v->day, v->counts, line };
	return 0;
}

/* Decodes one line into the batch (day lines are kept aside). */
static int parse_line(struct restore *r, const char *text, size_t len, unsigned long line)
{
	json_error_t je;
	struct field_error fe;
	char why[160];
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return fail_line(r, line, "not JSON: %s", je.text);
	const char *kind = json_string_value(json_object_get(j, "kind"));
	struct item *it = &r->items[r->n];
	int rc = 0;
	memset(it, 0, sizeof *it);
	it->line = line;
	if (!json_is_object(j) || !kind) {
		rc = fail_line(r, line, "not a record: a JSON object with a \"kind\" is expected");
	} else if (!strcmp(kind, "org")) {
		it->kind = ITEM_ORG;
		rc = org_from_dump_json(j, &it->r.o, &fe);
	} else if (!strcmp(kind, "user")) {
		it->kind = ITEM_USER;
		rc = user_from_dump_json(j, &it->r.u, &fe);
	} else if (!strcmp(kind, "ticket")) {
		it->kind = ITEM_TICKET;
		rc = ticket_from_dump_json(j, &it->r.t, &fe);
	} else if (!strcmp(kind, "event")) {
		it->kind = ITEM_EVENT;
		rc = ticket_event_from_dump_json(j, &it->r.e, &fe);
	} else if (!strcmp(kind, "session")) {
		it->kind = ITEM_SESSION;
		rc = session_from_dump_json(j, &it->r.s.s, it->r.s.key, &fe);
	} else if (dump_value_kind(kind)) {
		it->kind = ITEM_VALUE;
		if (dump_value_parse(j, kind, &it->r.v, why, sizeof why))
			rc = fail_line(r, line, "%s: %s", kind, why);
		else if (it->r.v.kind == VALUE_SEQ && name_once(r, "seq:", it->r.v.name))
			rc = fail_line(r, line, "sequence \"%s\" appears twice", it->r.v.name);
		else if (it->r.v.kind == VALUE_DOC && name_once(r, "doc:", it->r.v.name))
			rc = fail_line(r, line, "document \"%s\" appears twice", it->r.v.name);
		else if (it->r.v.kind == VALUE_DAY) {
			rc = day_add(r, &it->r.v, line);
			dump_value_free(&it->r.v);
			json_decref(j);
			return rc;
		}
	} else {
		rc = fail_line(r, line, "unknown kind \"%.32s\"", kind);
	}
	if (rc == DK_ERR_INVALID && !r->bad_line)
		rc = fail_line(r, line, "%s: %s", kind, fe.message);
	json_decref(j);
	if (rc) {
		item_free(it);
		return rc;
	}
	r->n++;
	r->bytes += len;
	r->count[it->kind == ITEM_VALUE ? ITEM_VALUE + it->r.v.kind : it->kind]++;
	return 0;
}

/* Says which of two records a unique key clashed with. */
static int clash(struct restore *r, struct store_txn *txn, const struct item *it)
{
	bool id_taken = false;
	if (it->kind == ITEM_USER) {
		struct user u;
		id_taken = store_user_get(txn, it->r.u.id, &u) == 0;
		user_free(&u);
		if (!id_taken)
			return fail_line(r, it->line, "e-mail %s belongs to another user",
					 it->r.u.email);
	} else if (it->kind == ITEM_ORG) {
		struct org o;
		id_taken = store_org_get(txn, it->r.o.id, &o) == 0;
		org_free(&o);
		if (!id_taken)
			return fail_line(r, it->line, "name \"%s\" belongs to another organisation",
					 it->r.o.name);
	}
	if (it->kind == ITEM_EVENT)
		return fail_line(r, it->line, "event %u of ticket %llu appears twice", it->r.e.seq,
				 (unsigned long long)it->r.e.ticket_id);
	if (it->kind == ITEM_SESSION)
		return fail_line(r, it->line, "this session appears twice");
	uint64_t id = it->kind == ITEM_USER ? it->r.u.id : it->kind == ITEM_ORG ? it->r.o.id
										 : it->r.t.id;
	return fail_line(r, it->line, "%s %llu appears twice", kind_names[it->kind],
			 (unsigned long long)id);
}

static int put_value(struct restore *r, struct store_txn *txn, struct item *it)
{
	struct dump_value *v = &it->r.v;
	int rc;
	switch (v->kind) {
	case VALUE_SEQ:
		rc = store_seq_set(txn, v->name, v->seq);
		return rc == DK_ERR_INVALID ? fail_line(r, it->line, "sequence name \"%.64s\" is "
							"empty or too long", v->name) : rc;
	case VALUE_DOC:
		rc = store_doc_put(txn, v->name, v->data, v->len);
		return rc == DK_ERR_INVALID ? fail_line(r, it->line, "document name \"%.64s\" is "
							"empty or too long", v->name) : rc;
	case VALUE_META:
		rc = store_meta_put_raw(txn, v->key, v->klen, v->data, v->len);
		return rc == DK_ERR_INVALID ? fail_line(r, it->line, "meta key is reserved or too "
							"long") : rc;
	case VALUE_RAW:
		rc = store_raw_put(txn, v->db, v->key, v->klen, v->data, v->len);
		if (rc == DK_ERR_EXISTS)
			return fail_line(r, it->line, "this %s entry appears twice",
					 store_db_name(v->db));
		return rc == DK_ERR_INVALID ? fail_line(r, it->line, "%s key is too long",
							store_db_name(v->db)) : rc;
	case VALUE_DAY:
		break;
	}
	return 0;
}

static int put_item(struct restore *r, struct store_txn *txn, struct item *it)
{
	struct session old;
	int rc = 0;
	switch (it->kind) {
	case ITEM_ORG:
		rc = store_org_put(txn, NULL, &it->r.o);
		break;
	case ITEM_USER:
		rc = store_user_put(txn, NULL, &it->r.u);
		break;
	case ITEM_TICKET:
		rc = store_ticket_put(txn, NULL, &it->r.t);
		if (rc == DK_ERR_INVALID)
			return fail_line(r, it->line, "ticket %llu has no usable status",
					 (unsigned long long)it->r.t.id);
		break;
	case ITEM_EVENT: {
		/* append writes the event after the ticket's last: a ticket
		 * that stands just before this seq puts it where it was */
		struct ticket at = { .id = it->r.e.ticket_id, .event_count = it->r.e.seq - 1 };
		rc = store_event_append(txn, &at, &it->r.e);
		break;
	}
	case ITEM_SESSION:
		rc = store_session_get(txn, it->r.s.key, &old);
		session_free(&old);
		if (rc == 0)
			rc = DK_ERR_EXISTS;
		else if (rc == DK_ERR_NOTFOUND)
			rc = store_session_put(txn, it->r.s.key, &it->r.s.s);
		if (rc == DK_ERR_INVALID)
			return fail_line(r, it->line, "session expires before 1970");
		break;
	case ITEM_VALUE:
		return put_value(r, txn, it);
	}
	if (rc == DK_ERR_EXISTS)
		return clash(r, txn, it);
	if (rc == DK_ERR_INVALID)
		return fail_line(r, it->line, "%s cannot be stored as it is",
				 kind_names[it->kind]);
	return rc;
}

/* A store_write fn: on a retry after the map grew it writes the same
 * batch again from the start (the puts leave the items as they were). */
static int write_batch(struct store_txn *txn, void *arg)
{
	struct restore *r = arg;
	int rc = 0;
	r->bad_line = 0;
	for (size_t i = 0; rc == 0 && i < r->n; i++)
		rc = put_item(r, txn, &r->items[i]);
	return rc;
}

static int restore_flush(struct restore *r)
{
	int rc = r->n ? store_write(r->store, write_batch, r) : 0;
	batch_clear(r);
	return rc;
}

static int day_cmp(const void *a, const void *b)
{
	const struct day_line *x = a, *y = b;
	return x->day < y->day ? -1 : x->day > y->day;
}

/* Day counts as the dump holds them, replacing those the tickets added. */
static int write_days(struct store_txn *txn, void *arg)
{
	struct restore *r = arg;
	int rc = store_days_clear(txn);
	for (size_t i = 0; rc == 0 && i < r->n_days; i++)
		rc = store_day_set(txn, r->days[i].day, &r->days[i].counts);
	return rc;
}

static int restore_days(struct restore *r)
{
	if (r->n_days == 0)
		return 0; /* a dump without days (older deskctl): keep the counted ones */
	qsort(r->days, r->n_days, sizeof *r->days, day_cmp);
	for (size_t i = 1; i < r->n_days; i++)
		if (r->days[i].day == r->days[i - 1].day)
			return fail_line(r, r->days[i].line > r->days[i - 1].line ? r->days[i].line
										 : r->days[i - 1].line,
					 "this day appears twice");
	return store_write(r->store, write_days, r);
}

/* A dump written before the queue's due entries existed carries none:
 * the SLA states it carries imply them. A dump that has some keeps them
 * exactly as they were. */
static int rebuild_due(struct store_txn *txn, void *arg)
{
	struct store_deadline first;
	(void)arg;
	int rc = store_deadline_first(txn, STORE_DEADLINE_DUE, &first);
	if (rc != DK_ERR_NOTFOUND)
		return rc;
	return store_deadlines_rebuild(txn, STORE_DEADLINE_DUE, NULL);
}

/* Reads the dump line by line into batches. */
int restore_stream(struct restore *r, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long no = 0;
	int rc = 0;
	r->items = calloc(BATCH_RECORDS, sizeof *r->items);
	if (!r->items)
		return DK_ERR_NOMEM;
	while (rc == 0 && (len = getline(&line, &cap, in)) >= 0) {
		no++;
		ctl_progress_add(&r->progress, (uint64_t)len);
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue; /* blank lines carry nothing */
		rc = parse_line(r, line, (size_t)len, no);
		if (rc == 0 && (r->n == BATCH_RECORDS || r->bytes >= BATCH_BYTES))
			rc = restore_flush(r);
	}
	if (rc == 0 && ferror(in))
		rc = DK_ERR_IO;
	if (rc == 0)
		rc = restore_flush(r);
	if (rc == 0)
		rc = restore_days(r);
	if (rc == 0)
		rc = store_write(r->store, rebuild_due, NULL);
	free(line);
	return rc;
}

void restore_free(struct restore *r)
{
	batch_clear(r);
	free(r->items);
	for (size_t i = 0; i < r->n_names; i++)
		free(r->names[i]);
	free(r->names);
	free(r->days);
}
