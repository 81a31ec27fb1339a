/* deskctl mail list | retry: the outbox and the messages given up. A
 * running deskd notices a message put back within a few seconds. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "mail_json.h"
#include "mail_record.h"

struct lister {
	struct ctl *c;
	bool failed;
	size_t n;
};

static int list_one(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	struct lister *l = arg;
	char when[32];
	json_t *j = mail_msg_to_json(m, l->failed, pos->due_ms);
	if (!j)
		return DK_ERR_NOMEM;
	l->n++;
	if (l->c->json) {
		ctl_print_json(j);
		return 0;
	}
	const char *subject = json_string_value(json_object_get(j, "subject"));
	time_format_rfc3339(l->failed ? m->failed_ms : pos->due_ms, when);
	printf("%" PRIu64 "\t%s\t%s\t%s %s\tattempts %" PRIu32 "\t%s%s%s\n", m->seq,
	       l->failed ? "failed" : "queued", m->rcpt, l->failed ? "failed" : "due", when,
	       m->attempts, subject, m->error[0] ? "\t" : "", m->error);
	json_decref(j);
	return 0;
}

int cmd_mail_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("mail", "list");
	struct lister l = { .c = c };
	int opt;
	while ((opt = getopt_long(argc, argv, "fjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': l.failed = true; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc)
		return ctl_getopt_done(cmd, '?');
	struct store_opts o = { .read_only = true };
	int rc = ctl_open_opts(c, &o);
	if (rc)
		return rc;
	struct store_txn *txn;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = l.failed ? store_mail_failed_walk(txn, 0, list_one, &l)
			      : store_outbox_walk(txn, NULL, list_one, &l);
		store_txn_abort(txn);
	}
	if (rc) {
		ctl_error("cannot read the outbox: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	if (!c->json && l.n == 0)
		fprintf(stderr, "%s\n", l.failed ? "no failed messages" : "the outbox is empty");
	return CTL_OK;
}

/* ---- retry ---- */

struct retry {
	uint64_t seq;          /* 0: every failed message */
	int64_t now;
	uint64_t *done;        /* the seqs put back */
	size_t n, cap;
	bool was_queued;
};

static int note(struct retry *r, uint64_t seq)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		uint64_t *p = realloc(r->done, cap * sizeof *p);
		if (!p)
			return DK_ERR_NOMEM;
		r->done = p;
		r->cap = cap;
	}
	r->done[r->n++] = seq;
	return 0;
}

/* A failed message back in the outbox, due now, with a fresh count of
 * attempts; the last error stays for the record. */
static int requeue_failed(struct store_txn *txn, struct retry *r, uint64_t seq)
{
	struct mail_msg m;
	int rc = store_mail_failed_get(txn, seq, &m);
	if (rc)
		return rc;
	m.attempts = 0;
	m.failed_ms = 0;
	rc = store_outbox_put(txn, r->now, &m); /* encodes m.data before writing */
	if (rc == 0)
		rc = store_mail_failed_del(txn, seq);
	return rc;
}

static int collect_failed(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	(void)pos;
	return note(arg, m->seq);
}

static int retry_fn(struct store_txn *txn, void *arg)
{
	struct retry *r = arg;
	int rc;
	r->n = 0;
	r->was_queued = false;
	if (r->seq == 0) {
		rc = store_mail_failed_walk(txn, 0, collect_failed, r);
		for (size_t i = 0; !rc && i < r->n; i++)
			rc = requeue_failed(txn, r, r->done[i]);
		return rc;
	}
	rc = requeue_failed(txn, r, r->seq);
	if (rc != DK_ERR_NOTFOUND)
		return rc ? rc : note(r, r->seq);
	/* a queued message waiting for its next attempt: due now */
	struct store_mail_pos pos;
	struct mail_msg m;
	rc = store_outbox_find(txn, r->seq, &pos);
	if (rc == 0)
		rc = store_outbox_get(txn, pos.due_ms, pos.seq, &m);
	if (rc)
		return rc;
	r->was_queued = true;
	if (pos.due_ms > r->now) {
		rc = store_outbox_put(txn, r->now, &m);
		if (rc == 0)
			rc = store_outbox_del(txn, pos.due_ms, pos.seq);
	}
	return rc ? rc : note(r, r->seq);
}

static int parse_seq(const char *s, uint64_t *out)
{
	char *end;
	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -1;
	*out = v;
	return 0;
}

int cmd_mail_retry(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all-failed", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("mail", "retry");
	struct retry r = { 0 };
	bool all = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "ajh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	int n_args = argc - optind;
	if (all ? n_args != 0 : n_args != 1)
		return ctl_getopt_done(cmd, '?');
	if (!all && parse_seq(argv[optind], &r.seq)) {
		ctl_error("SEQ must be a message number as mail list shows it, not \"%s\"",
			  argv[optind]);
		return CTL_USAGE;
	}
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	r.now = ctl_now_ms();
	rc = store_write(c->store, retry_fn, &r);
	if (rc == DK_ERR_NOTFOUND) {
		ctl_error("no message %" PRIu64 " in the outbox or among the failed", r.seq);
		free(r.done);
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("cannot put the messages back: %s", dk_strerror(rc));
		free(r.done);
		return CTL_FAIL;
	}
	if (c->json) {
		json_t *ids = json_array();
		for (size_t i = 0; ids && i < r.n; i++)
			json_array_append_new(ids, json_integer((json_int_t)r.done[i]));
		ctl_print_json(json_pack("{s:o}", "queued", ids));
	} else if (all) {
		printf("%zu failed message%s queued again\n", r.n, r.n == 1 ? "" : "s");
	} else {
		printf("message %" PRIu64 " %s\n", r.seq,
		       r.was_queued ? "is due now" : "queued again");
	}
	free(r.done);
	return CTL_OK;
}
