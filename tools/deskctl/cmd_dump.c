/* deskctl dump: every record as one JSON object per line, streamed. */
#include <getopt.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "secret.h"

static int dump_record(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	enum store_db db = *(enum store_db *)arg;
	json_t *j = NULL;
	int rc = 0;
	union {
		struct user u;
		struct org o;
		struct ticket t;
		struct ticket_event e;
		struct session s;
	} r;
	switch (db) {
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
		return 0;
	}
	if (rc)
		return rc;
	if (!j)
		return DK_ERR_NOMEM;
	ctl_print_json(j);
	return 0;
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
	/* Organisations before the users and tickets that name them. */
	static const enum store_db order[] = { DB_ORGS, DB_USERS, DB_TICKETS, DB_EVENTS, DB_SESSIONS };
	struct store_txn *txn;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc) {
		ctl_error("cannot read %s: %s", c->data, dk_strerror(rc));
		return CTL_FAIL;
	}
	for (size_t i = 0; rc == 0 && i < sizeof order / sizeof order[0]; i++) {
		enum store_db db = order[i];
		rc = store_each(txn, db, dump_record, &db);
		if (rc)
			ctl_error("cannot dump %s: %s", store_db_name(db), dk_strerror(rc));
	}
	store_txn_abort(txn);
	if (fflush(stdout) || ferror(stdout)) {
		ctl_error("cannot write the dump");
		return CTL_FAIL;
	}
	return rc ? CTL_FAIL : CTL_OK;
}
