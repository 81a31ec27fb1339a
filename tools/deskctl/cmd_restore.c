/* deskctl restore [FILE|-]: a dump back into an empty data directory, all
 * of it or nothing. The records are written into a scratch directory
 * inside the target (same file system, so the final move is a rename);
 * only a complete restore moves its data.mdb into place. A bad line, a
 * full disk or a crash leave the target as it was (after a crash at most a
 * .restore-* directory, which deskd ignores and may be removed). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deskctl.h"
#include "dk_err.h"
#include "restore.h"

#define DATA_FILE "data.mdb"

/* The target may be missing or an existing directory without a database
 * (data.mdb absent or empty, as deskctl init sees it). */
static int target_check(const char *dir, bool *exists)
{
	char path[PATH_MAX];
	struct stat st;
	*exists = false;
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return CTL_OK;
		ctl_error("cannot reach %s: %s", dir, strerror(errno));
		return CTL_FAIL;
	}
	*exists = true;
	if (!S_ISDIR(st.st_mode)) {
		ctl_error("%s is not a directory", dir);
		return CTL_FAIL;
	}
	snprintf(path, sizeof path, "%s/" DATA_FILE, dir);
	if (stat(path, &st) == 0 && st.st_size > 0) {
		ctl_error("%s already holds a deskd database: restore only fills an empty data "
			  "directory; nothing changed", dir);
		return CTL_FAIL;
	}
	/* a deskd (or another restore) holding the directory */
	snprintf(path, sizeof path, "%s/deskd.lock", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		int locked = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd);
		if (locked) {
			ctl_error("%s is locked by a running deskd; nothing changed", dir);
			return CTL_FAIL;
		}
	}
	return CTL_OK;
}

static void scratch_remove(const char *dir)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/" DATA_FILE, dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/lock.mdb", dir);
	unlink(path);
	rmdir(dir);
}

/* Moves scratch/data.mdb to dir/data.mdb unless a database appeared there
 * meanwhile (a concurrent init or restore): that one is kept. */
static int move_into_place(const char *scratch, const char *dir)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	struct stat st;
	snprintf(from, sizeof from, "%s/" DATA_FILE, scratch);
	snprintf(to, sizeof to, "%s/" DATA_FILE, dir);
	/* an empty data.mdb holds nothing (see target_check) */
	if (stat(to, &st) == 0 && st.st_size == 0)
		unlink(to);
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* a file system without RENAME_NOREPLACE: link refuses to
		 * replace just the same */
		if (link(from, to) != 0)
			return -1;
		unlink(from);
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static void report_done(struct ctl *c, const struct restore *r)
{
	static const char *const names[] = {
		[ITEM_ORG] = "orgs", [ITEM_USER] = "users", [ITEM_TICKET] = "tickets",
		[ITEM_EVENT] = "events", [ITEM_SESSION] = "sessions",
		[ITEM_VALUE + VALUE_SEQ] = "sequences", [ITEM_VALUE + VALUE_DOC] = "documents",
		[ITEM_VALUE + VALUE_META] = "meta", [ITEM_VALUE + VALUE_RAW] = "raw_entries",
		[ITEM_VALUE + VALUE_DAY] = "days",
	};
	uint64_t count[ITEM_VALUE + VALUE_DAY + 1];
	memcpy(count, r->count, sizeof count);
	count[ITEM_VALUE + VALUE_DAY] = r->n_days;
	if (c->json) {
		json_t *j = json_object();
		json_object_set_new(j, "restored", json_string(c->data));
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			json_object_set_new(j, names[i], json_integer((json_int_t)count[i]));
		ctl_print_json(j);
		return;
	}
	printf("restored into %s:", c->data);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		printf(" %s %llu%s", names[i], (unsigned long long)count[i],
		       i + 1 < sizeof names / sizeof *names ? "," : "\n");
}

/* Restores from in into a scratch directory in c->data; 0 or CTL_FAIL. */
static int restore_into(struct ctl *c, FILE *in, const char *src, uint64_t size)
{
	char scratch[PATH_MAX], err[512];
	struct store_opts o = { .create = true };
	struct restore r;
	int rc;
	memset(&r, 0, sizeof r);
	if ((size_t)snprintf(scratch, sizeof scratch, "%s/.restore-XXXXXX", c->data) >=
	    sizeof scratch) {
		ctl_error("path too long: %s", c->data);
		return CTL_FAIL;
	}
	if (!mkdtemp(scratch)) {
		ctl_error("cannot write in %s: %s", c->data, strerror(errno));
		return CTL_FAIL;
	}
	rc = store_open(scratch, &o, &r.store, err, sizeof err);
	if (rc) {
		ctl_error("%s", err);
		scratch_remove(scratch);
		return CTL_FAIL;
	}
	ctl_progress_start(&r.progress, "restore", size);
	rc = restore_stream(&r, in);
	ctl_progress_end(&r.progress);
	store_close(r.store);
	if (rc == DK_ERR_INVALID && r.bad_line)
		ctl_error("%s: line %lu: %s; nothing restored", src, r.bad_line, r.why);
	else if (rc == DK_ERR_IO)
		ctl_error("cannot read %s: %s; nothing restored", src, strerror(errno));
	else if (rc)
		ctl_error("cannot restore: %s; nothing restored", dk_strerror(rc));
	if (rc == 0 && move_into_place(scratch, c->data) != 0) {
		ctl_error("cannot move the restored data into %s: %s; nothing restored", c->data,
			  strerror(errno));
		rc = DK_ERR_IO;
	}
	if (rc == 0)
		report_done(c, &r);
	restore_free(&r);
	scratch_remove(scratch);
	return rc ? CTL_FAIL : CTL_OK;
}

int cmd_restore(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find(NULL, "restore");
	int done = ctl_getopt_json(c, cmd, argc, argv);
	if (done >= 0)
		return done;
	if (argc - optind > 1)
		return ctl_getopt_done(cmd, '?');
	const char *path = optind < argc ? argv[optind] : "-";
	bool from_stdin = !strcmp(path, "-");
	const char *src = from_stdin ? "standard input" : path;
	bool exists;
	int rc = target_check(c->data, &exists);
	if (rc)
		return rc;
	FILE *in = from_stdin ? stdin : fopen(path, "r");
	struct stat st;
	if (!in) {
		ctl_error("cannot read %s: %s", path, strerror(errno));
		return CTL_FAIL;
	}
	uint64_t size = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size
									     : 0;
	if (!exists && mkdir(c->data, 0700) != 0) {
		ctl_error("cannot create %s: %s", c->data, strerror(errno));
		rc = CTL_FAIL;
	}
	if (rc == 0) {
		rc = restore_into(c, in, src, size);
		/* a directory made for a restore that failed goes again */
		if (rc && !exists)
			rmdir(c->data);
	}
	if (!from_stdin)
		fclose(in);
	return rc;
}
