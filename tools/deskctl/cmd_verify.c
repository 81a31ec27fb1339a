/* deskctl verify: every record decodes and every index agrees with the
 * records (store_verify), and the stored documents load. One line per
 * problem; exit 1 when there is any. */
#include <getopt.h>
#include <string.h>

#include "catalogue.h"
#include "deskctl.h"
#include "dk_err.h"
#include "docs.h"
#include "workflow.h"

/* --json keeps at most this many problems in its answer (and counts all). */
#define JSON_PROBLEMS_MAX 1000

struct verify_out {
	struct ctl *c;
	uint64_t n;
	json_t *list;  /* --json */
};

static void problem(struct verify_out *o, const char *db, const char *key, const char *msg)
{
	o->n++;
	if (!o->c->json) {
		printf("%s: %s%s%s\n", db, key, *key ? ": " : "", msg);
		return;
	}
	if (o->n <= JSON_PROBLEMS_MAX)
		json_array_append_new(o->list, json_pack("{s:s, s:s, s:s}", "db", db, "key", key,
							 "problem", msg));
}

static int on_problem(const struct store_problem *p, void *arg)
{
	problem(arg, store_db_name(p->db), p->key, p->message);
	return 0;
}

/* The workflow and the catalogue must load as deskd loads them (deskd
 * falls back to defaults and logs when they do not). */
static int check_doc(struct verify_out *o, struct store_txn *txn, const char *name)
{
	struct dk_buf b = { 0 };
	struct field_error fe;
	struct workflow *wf = NULL;
	struct catalogue *cat = NULL;
	json_error_t je;
	char key[80], msg[320];
	int rc = store_doc_get(txn, name, &b);
	if (rc) {
		dk_buf_free(&b);
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	}
	snprintf(key, sizeof key, "doc:%s", name);
	json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &je);
	dk_buf_free(&b);
	if (!j) {
		snprintf(msg, sizeof msg, "is not JSON: %s", je.text);
		problem(o, "meta", key, msg);
		return 0;
	}
	rc = !strcmp(name, DOC_WORKFLOW) ? workflow_from_json(j, &wf, &fe)
					 : catalogue_from_json(j, &cat, &fe);
	json_decref(j);
	workflow_free(wf);
	catalogue_free(cat);
	if (rc == DK_ERR_INVALID) {
		snprintf(msg, sizeof msg, "does not load: %s%s%s", fe.field, fe.field[0] ? ": " : "",
			 fe.message);
		problem(o, "meta", key, msg);
		rc = 0;
	}
	return rc;
}

static void on_tick(uint64_t done, void *arg)
{
	struct ctl_progress *p = arg;
	ctl_progress_add(p, done - p->done);
}

/* What the walks read: every table but the derived lists, counts and days
 * (those are compared with a rebuild) and the mail tables. */
static uint64_t walked(const struct store_stats *st)
{
	static const enum store_db dbs[] = {
		DB_META, DB_ORGS, DB_ORGS_BY_NAME, DB_USERS, DB_USERS_BY_EMAIL, DB_USERS_BY_ROLE,
		DB_TICKETS, DB_SESSIONS, DB_SESSION_EXPIRY, DB_SESSIONS_BY_USER, DB_SLA,
		DB_DEADLINES, DB_EVENTS,
	};
	uint64_t n = 0;
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
		n += st->entries[dbs[i]];
	return n;
}

int cmd_verify(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find(NULL, "verify");
	int done = ctl_getopt_json(c, cmd, argc, argv);
	if (done >= 0)
		return done;
	if (optind != argc)
		return ctl_getopt_done(cmd, '?');
	/* verify changes nothing, not even an older schema's missing tables */
	struct store_opts so = { .read_only = true };
	int rc = ctl_open_opts(c, &so);
	if (rc)
		return rc;
	struct verify_out o = { .c = c, .list = c->json ? json_array() : NULL };
	struct store_stats st;
	struct store_txn *txn;
	uint64_t entries = 0;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0)
		rc = store_stats_get(txn, &st);
	struct ctl_progress pr = { 0 };
	if (rc == 0) {
		ctl_progress_start(&pr, "verify", walked(&st));
		rc = store_verify_ticking(txn, on_problem, &o, on_tick, &pr);
		if (rc == 0)
			pr.done = pr.total;
		ctl_progress_end(&pr);
	}
	if (rc == 0)
		rc = check_doc(&o, txn, DOC_WORKFLOW);
	if (rc == 0)
		rc = check_doc(&o, txn, DOC_CATALOGUE);
	store_txn_abort(txn);
	/* a tree LMDB cannot walk ends the check: that is a problem too */
	if (rc)
		problem(&o, "-", "", rc == DK_ERR_CORRUPT ? "the database file is damaged"
							  : dk_strerror(rc));
	for (int db = 0; rc == 0 && db < DB_COUNT; db++)
		entries += st.entries[db];
	if (c->json) {
		ctl_print_json(json_pack("{s:b, s:s, s:I, s:I, s:o}", "ok", o.n == 0, "data",
					 c->data, "entries", (json_int_t)entries, "problem_count",
					 (json_int_t)o.n, "problems", o.list));
	} else if (o.n == 0) {
		printf("%s: %llu entries checked, no problems\n", c->data,
		       (unsigned long long)entries);
	} else {
		fprintf(stderr, "deskctl: %llu problem%s found in %s\n", (unsigned long long)o.n,
			o.n == 1 ? "" : "s", c->data);
	}
	return o.n ? CTL_FAIL : CTL_OK;
}
