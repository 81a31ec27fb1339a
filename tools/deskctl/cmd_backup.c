/* deskctl backup DEST: a consistent, compacted copy of the data while deskd
 * runs (store_backup); DEST is a data directory deskd can be started on. */
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deskctl.h"
#include "dk_err.h"

/* On a terminal the copy runs on a thread while this one shows how much
 * of the data it has written (LMDB's copy gives no progress of its own). */
struct copy {
	struct store *s;
	const char *dest;
	char err[512];
	int rc;
	atomic_bool done;
};

static void *copy_main(void *arg)
{
	struct copy *cp = arg;
	cp->rc = store_backup(cp->s, cp->dest, cp->err, sizeof cp->err);
	atomic_store(&cp->done, true);
	return NULL;
}

static int copy_watched(struct copy *cp, const char *path)
{
	struct store_stats st = { 0 };
	struct store_txn *txn;
	struct ctl_progress pr;
	pthread_t th;

	if (store_txn_begin(cp->s, false, &txn) == 0) {
		store_stats_get(txn, &st);
		store_txn_abort(txn);
	}
	ctl_progress_start(&pr, "backup", st.map_used);
	if (pthread_create(&th, NULL, copy_main, cp)) {
		copy_main(cp);
	} else {
		while (!atomic_load(&cp->done)) {
			struct timespec nap = { 0, 50 * 1000 * 1000 };
			struct stat fs;
			nanosleep(&nap, NULL);
			if (stat(path, &fs) == 0 && (uint64_t)fs.st_size > pr.done)
				ctl_progress_add(&pr, (uint64_t)fs.st_size - pr.done);
		}
		pthread_join(th, NULL);
	}
	if (cp->rc == 0)
		pr.done = pr.total; /* the copy leaves free pages out */
	ctl_progress_end(&pr);
	return cp->rc;
}

int cmd_backup(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find(NULL, "backup");
	int done = ctl_getopt_json(c, cmd, argc, argv);
	if (done >= 0)
		return done;
	if (argc - optind != 1 || !*argv[optind])
		return ctl_getopt_done(cmd, '?');
	const char *dest = argv[optind];
	/* reading is all a copy needs: an older schema is copied as it is */
	struct store_opts o = { .read_only = true };
	int rc = ctl_open_opts(c, &o);
	if (rc)
		return rc;
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/data.mdb", dest);
	struct copy cp = { .s = c->store, .dest = dest };
	if (isatty(STDERR_FILENO))
		rc = copy_watched(&cp, path);
	else
		rc = store_backup(c->store, dest, cp.err, sizeof cp.err);
	if (rc) {
		ctl_error("%s; no backup made", cp.err);
		return CTL_FAIL;
	}
	long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
	if (c->json)
		ctl_print_json(json_pack("{s:s, s:s, s:I}", "backup", dest, "from", c->data, "bytes",
					 (json_int_t)bytes));
	else
		printf("backup of %s written to %s (%lld bytes)\n", c->data, dest, bytes);
	return CTL_OK;
}
