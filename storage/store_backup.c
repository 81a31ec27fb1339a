/*
 * Backups while deskd runs: LMDB copies one read snapshot, so the copy is
 * consistent however many writes happen meanwhile, and compaction leaves
 * out free pages, so the copy is as small as the data.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "store_internal.h"

#define DATA_FILE "data.mdb"

static int fail(char *err, size_t size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int errno_code(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return DK_ERR_NOTFOUND;
	case EACCES:
	case EPERM:
	case EROFS:
		return DK_ERR_ACCESS;
	case ENOSPC:
	case EDQUOT:
		return DK_ERR_NOSPACE;
	case EEXIST:
	case ENOTEMPTY:
		return DK_ERR_EXISTS;
	default:
		return DK_ERR_IO;
	}
}

/* 0 when dir holds nothing, DK_ERR_EXISTS when it holds something. */
static int dir_empty(const char *dir, char *err, size_t size)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int rc = 0;

	if (!dp)
		return fail(err, size, errno_code(errno), "cannot read %s: %s", dir,
			    strerror(errno));
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			rc = fail(err, size, DK_ERR_EXISTS,
				  "%s is not empty: a backup goes into a new or empty directory",
				  dir);
			break;
		}
	}
	closedir(dp);
	return rc;
}

/* Makes dest (0700) or checks that it is an empty directory; *made tells
 * whether it was made here, so a failure can take it away again. */
static int dest_prepare(const char *dest, bool *made, char *err, size_t size)
{
	struct stat st;

	*made = false;
	if (mkdir(dest, 0700) == 0) {
		*made = true;
		return 0;
	}
	if (errno != EEXIST)
		return fail(err, size, errno_code(errno), "cannot create %s: %s", dest,
			    strerror(errno));
	if (stat(dest, &st) != 0)
		return fail(err, size, errno_code(errno), "cannot reach %s: %s", dest,
			    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, size, DK_ERR_EXISTS, "%s exists and is not a directory", dest);
	return dir_empty(dest, err, size);
}

static int dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int store_backup(struct store *s, const char *dest_dir, char *err, size_t err_size)
{
	char path[PATH_MAX];
	bool made;
	int fd, rc, mrc;

	if (err && err_size)
		err[0] = '\0';
	if (!dest_dir || !*dest_dir)
		return fail(err, err_size, DK_ERR_INVALID, "no backup directory given");
	if ((size_t)snprintf(path, sizeof path, "%s/" DATA_FILE, dest_dir) >= sizeof path)
		return fail(err, err_size, DK_ERR_INVALID, "path too long: %s", dest_dir);
	rc = dest_prepare(dest_dir, &made, err, err_size);
	if (rc)
		return rc;
	/* the copy holds password hashes: it is made private from the start,
	 * which is why the file is opened here rather than by mdb_env_copy2 */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = fail(err, err_size, errno_code(errno), "cannot create %s: %s", path,
			  strerror(errno));
		goto undo_dir;
	}
	mrc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
	if (mrc) {
		rc = store_err(NULL, mrc, "backup");
		fail(err, err_size, rc, "cannot copy the database to %s: %s", dest_dir,
		     mdb_strerror(mrc));
		goto undo_file;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = fail(err, err_size, errno_code(errno), "cannot write %s: %s", path,
			  strerror(errno));
		goto undo_file;
	}
	fd = -1;
	if (dir_sync(dest_dir) != 0) {
		rc = fail(err, err_size, errno_code(errno), "cannot write %s: %s", dest_dir,
			  strerror(errno));
		goto undo_file;
	}
	return 0;

undo_file:
	if (fd >= 0)
		close(fd);
	unlink(path);
undo_dir:
	if (made)
		rmdir(dest_dir);
	return rc;
}
