/* deskctl dump: every record as one JSON object per line, streamed from one
 * snapshot, in an order restore can load (cmd_restore.c). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "dump_kinds.h"
#include "json_map.h"
#include "secret.h"

/* Every database is either written by dump or derived from what it writes
 * (and rebuilt by restore through store_*_put). A database added to
 * storage must be placed in one of the two groups here and in restore. */
_Static_assert(DB_COUNT == 26, "a new database: decide whether dump writes it (cmd_dump.c) "
			       "and how restore reads it back (cmd_restore.c)");
static const enum store_db dumped[] = {
	DB_META,    /* sequences, documents, other values */
	DB_ORGS,    /* before the users and tickets that name them */
	DB_USERS, DB_TICKETS, DB_EVENTS, DB_SESSIONS,
	DB_DAY_COUNTS, /* they may outlive the tickets they were counted from */
	/* the SLA engine's clocks, deadlines and pending escalations: as
	 * stored (store_db_is_raw), so a restore resumes them exactly */
	DB_SLA, DB_DEADLINES, DB_ESCALATIONS,
	DB_ACCESS_REQUESTS, DB_ACCESS_LIST, /* as stored too */
	DB_OUTBOX, DB_MAIL_FAILED, /* as stored: each message keeps its bytes */
	DB_ATTACHMENTS, DB_BLOBS, /* as stored: verify checks them */
};
/* Derived: users_by_email, users_by_role, orgs_by_name, session_expiry,
 * sessions_by_user, ticket_list, ticket_counts, closed, search, search_terms. */

struct dump {
	struct ctl_progress progress;
	enum store_db db;
};

static int emit(struct dump *d, json_t *j)
{
	if (!j)
		return DK_ERR_NOMEM;
	ctl_print_json(j);
	ctl_progress_add(&d->progress, 1);
	return 0;
}

static int dump_record(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct dump *d = arg;
	json_t *j = NULL;
	int rc = 0;
	union {
		struct user u;
		struct org o;
		struct ticket t;
		struct ticket_event e;
		struct session s;
	} r;
	switch (d->db) {
	case DB_USERS:
		rc = user_decode(val, vlen, &r.u);
		if (!rc) {
			j = user_dump_json(&r.u);
			user_free(&r.u);
		}
		break;
	case DB_ORGS:
		rc = org_decode(val, vlen, &r.o);
		if (!rc) {
			j = org_dump_json(&r.o);
			org_free(&r.o);
		}
		break;
	case DB_TICKETS:
		rc = ticket_decode(val, vlen, &r.t);
		if (!rc) {
			j = ticket_dump_json(&r.t);
			ticket_free(&r.t);
		}
		break;
	case DB_EVENTS:
		rc = ticket_event_decode(val, vlen, &r.e);
		if (!rc) {
			j = ticket_event_dump_json(&r.e);
			ticket_event_free(&r.e);
		}
		break;
	case DB_SESSIONS: {
		char hex[65];
		if (klen != 32)
			return DK_ERR_CORRUPT;
		rc = session_decode(val, vlen, &r.s);
		if (!rc) {
			secret_hex(key, 32, hex);
			j = session_dump_json(&r.s, hex);
			session_free(&r.s);
		}
		break;
	}
	default:
		if (!store_db_is_raw(d->db))
			return 0;
		j = dump_raw_json(d->db, key, klen, val, vlen);
		break;
	}
	return rc ? rc : emit(d, j);
}

static int dump_meta(const struct store_meta_entry *e, void *arg)
{
	return emit(arg, dump_meta_json(e));
}

static int dump_day(uint32_t day, const struct store_day *v, void *arg)
{
	return emit(arg, dump_day_json(day, v));
}

int cmd_dump(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(ctl_find(NULL, "dump"), opt);
	if (optind != argc)
		return ctl_getopt_done(ctl_find(NULL, "dump"), '?');
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	struct store_txn *txn;
	struct store_stats st;
	struct dump d;
	uint64_t total = 0;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0)
		rc = store_stats_get(txn, &st);
	if (rc) {
		store_txn_abort(txn);
		ctl_error("cannot read %s: %s", c->data, dk_strerror(rc));
		return CTL_FAIL;
	}
	/* meta also holds the schema and docs_version, which are not dumped:
	 * the bar may stop just short of its end */
	for (size_t i = 0; i < sizeof dumped / sizeof dumped[0]; i++)
		total += st.entries[dumped[i]];
	ctl_progress_start(&d.progress, "dump", total);
	for (size_t i = 0; rc == 0 && i < sizeof dumped / sizeof dumped[0]; i++) {
		d.db = dumped[i];
		if (d.db == DB_META)
			rc = store_meta_each(txn, dump_meta, &d);
		else if (d.db == DB_DAY_COUNTS)
			rc = store_days_each(txn, dump_day, &d);
		else
			rc = store_each(txn, d.db, dump_record, &d);
		if (rc) {
			ctl_progress_end(&d.progress);
			ctl_error("cannot dump %s: %s", store_db_name(d.db), dk_strerror(rc));
		}
	}
	store_txn_abort(txn);
	if (rc == 0)
		d.progress.done = total;
	ctl_progress_end(&d.progress);
	if (fflush(stdout) || ferror(stdout)) {
		ctl_error("cannot write the dump");
		return CTL_FAIL;
	}
	return rc ? CTL_FAIL : CTL_OK;
}
