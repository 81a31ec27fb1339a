/* deskctl purge: what deskd's daily retention run does, on demand: the
 * tickets closed longer ago than [data] retention_years go, with their
 * timelines and SLA state; the day counts keep them. */
#include <getopt.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "validate.h"

/* Tickets per transaction: deskd may be writing too, and waits meanwhile. */
#define PURGE_BATCH 200

struct purge {
	int64_t before_ms;
	size_t n;
	bool more;
};

static int purge_fn(struct store_txn *txn, void *arg)
{
	struct purge *p = arg;
	return store_tickets_purge(txn, p->before_ms, PURGE_BATCH, &p->n, &p->more);
}

struct listing {
	struct ctl *c;
	json_t *refs;
	uint64_t n;
};

static int list_one(uint64_t id, void *arg)
{
	struct listing *l = arg;
	char ref[48];
	ticket_ref_format(ref, sizeof ref, l->c->cfg.ticket_prefix, id);
	l->n++;
	if (l->refs)
		json_array_append_new(l->refs, json_string(ref));
	else
		printf("%s\n", ref);
	return 0;
}

int cmd_purge(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find(NULL, "purge");
	bool dry = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "njh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': dry = true; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc)
		return ctl_getopt_done(cmd, '?');
	int years = c->cfg.retention_years;
	if (years <= 0) {
		ctl_error("retention is off ([data] retention_years is 0 or not set in the file "
			  "given with --config); nothing purged");
		return CTL_USAGE;
	}
	int64_t now = ctl_now_ms();
	struct purge p = { .before_ms = store_retention_cutoff(now, (unsigned)years) };
	struct store_opts so = { .read_only = dry };
	int rc = ctl_open_opts(c, &so);
	if (rc)
		return rc;
	uint64_t total = 0;
	if (dry) {
		struct listing l = { .c = c, .refs = c->json ? json_array() : NULL };
		struct store_txn *txn;
		rc = store_txn_begin(c->store, false, &txn);
		if (rc == 0) {
			rc = store_closed_walk(txn, p.before_ms, list_one, &l);
			store_txn_abort(txn);
		}
		if (rc) {
			json_decref(l.refs);
			ctl_error("cannot read %s: %s", c->data, dk_strerror(rc));
			return CTL_FAIL;
		}
		total = l.n;
		if (c->json)
			ctl_print_json(json_pack("{s:b, s:i, s:I, s:o}", "dry_run", 1,
						 "retention_years", years, "tickets",
						 (json_int_t)total, "refs", l.refs));
		else
			printf("%llu ticket%s closed more than %d year%s ago would be purged\n",
			       (unsigned long long)total, total == 1 ? "" : "s", years,
			       years == 1 ? "" : "s");
		return CTL_OK;
	}
	struct ctl_progress pr;
	ctl_progress_start(&pr, "purge", 0);
	do {
		rc = store_write(c->store, purge_fn, &p);
		if (rc == 0) {
			total += p.n;
			ctl_progress_add(&pr, p.n);
		}
	} while (rc == 0 && p.more);
	ctl_progress_end(&pr);
	if (rc) {
		ctl_error("cannot purge: %s; %llu tickets were purged before the error",
			  dk_strerror(rc), (unsigned long long)total);
		return CTL_FAIL;
	}
	if (c->json)
		ctl_print_json(json_pack("{s:b, s:i, s:I}", "dry_run", 0, "retention_years", years,
					 "tickets", (json_int_t)total));
	else
		printf("%llu ticket%s closed more than %d year%s ago purged\n",
		       (unsigned long long)total, total == 1 ? "" : "s", years,
		       years == 1 ? "" : "s");
	return CTL_OK;
}
