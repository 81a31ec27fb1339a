/*
 * The LMDB environment: opening and checking the data directory, the deskd
 * lock, transactions, map growth, raw walks and statistics, and the one
 * mapping of LMDB codes to dk_err.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store_internal.h"
#include "store_keys.h"

#define MAP_SIZE_DEFAULT ((size_t)64 << 20)
#define MAP_SIZE_MAX_DEFAULT ((size_t)1 << 40)
#define MAX_DBS 32
#define LOCK_FILE "deskd.lock"
#define DATA_FILE "data.mdb"
#define SCHEMA_KEY "schema"

static const char *const db_names[DB_COUNT] = {
	[DB_META] = "meta",
	[DB_USERS] = "users",
	[DB_USERS_BY_EMAIL] = "users_by_email",
	[DB_ORGS] = "orgs",
	[DB_ORGS_BY_NAME] = "orgs_by_name",
	[DB_TICKETS] = "tickets",
	[DB_EVENTS] = "events",
	[DB_SESSIONS] = "sessions",
	[DB_SESSION_EXPIRY] = "session_expiry",
	[DB_TICKET_LIST] = "ticket_list",
	[DB_TICKET_COUNTS] = "ticket_counts",
	[DB_SESSIONS_BY_USER] = "sessions_by_user",
	[DB_USERS_BY_ROLE] = "users_by_role",
	[DB_DAY_COUNTS] = "day_counts",
	[DB_SLA] = "sla",
	[DB_DEADLINES] = "deadlines",
	[DB_ESCALATIONS] = "escalations",
	[DB_ACCESS_REQUESTS] = "access_requests",
	[DB_ACCESS_LIST] = "access_list",
	[DB_OUTBOX] = "outbox",
	[DB_MAIL_FAILED] = "mail_failed",
	[DB_CLOSED] = "closed",
	[DB_ATTACHMENTS] = "attachments",
	[DB_BLOBS] = "blobs",
	[DB_SEARCH] = "search",
	[DB_SEARCH_TERMS] = "search_terms",
};

const char *store_db_name(enum store_db db)
{
	if ((unsigned)db >= DB_COUNT)
		return NULL;
	return db_names[db];
}

/* Stand-in for the daemon's logger: one key=value line on stderr. */
static void store_log(const char *level, const char *op, const char *err, const char *detail)
{
	char msg[256];
	size_t i, j = 0;

	/* err and detail come from LMDB or strerror; keep the quoting valid */
	for (i = 0; err && err[i] && j + 2 < sizeof msg; i++) {
		if (err[i] == '"' || err[i] == '\\')
			msg[j++] = '\\';
		msg[j++] = err[i];
	}
	msg[j] = '\0';
	fprintf(stderr, "level=%s module=storage op=%s err=\"%s\"%s%s\n", level, op, msg,
		detail ? " " : "", detail ? detail : "");
}

/* "MDB_MAP_FULL" from "MDB_MAP_FULL: Environment mapsize limit reached". */
static void err_name(int rc, char *out, size_t size)
{
	const char *text = mdb_strerror(rc);
	size_t n = strcspn(text, ":");

	if (rc < MDB_KEYEXIST || rc > MDB_LAST_ERRCODE)
		n = strlen(text); /* errno: strerror text */
	if (n >= size)
		n = size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

static int map_code(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
	case ENOENT:
		return DK_ERR_NOTFOUND;
	case MDB_KEYEXIST:
		return DK_ERR_EXISTS;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case ENOSPC:
	case EDQUOT:
		return DK_ERR_NOSPACE;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:
		return DK_ERR_CORRUPT;
	case MDB_BAD_VALSIZE:
	case MDB_BAD_TXN:
	case MDB_BAD_RSLOT:
	case MDB_BAD_DBI:
	case EINVAL:
		return DK_ERR_INVALID;
	case ENOMEM:
		return DK_ERR_NOMEM;
	case EACCES:
	case EPERM:
	case EROFS:
		return DK_ERR_ACCESS;
	case EAGAIN:
		return DK_ERR_LOCKED;
	default:
		return DK_ERR_IO;
	}
}

int store_err(struct store_txn *txn, int rc, const char *op)
{
	char name[96];

	if (rc == MDB_SUCCESS || rc == MDB_NOTFOUND || rc == MDB_KEYEXIST)
		return map_code(rc);
	if (rc == MDB_MAP_FULL && txn) {
		txn->map_full = true;
		/* store_write grows the map and retries; it logs if it cannot */
		if (txn->growable)
			return DK_ERR_NOSPACE;
	}
	err_name(rc, name, sizeof name);
	store_log("error", op, name, NULL);
	return map_code(rc);
}

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

static int check_dir(const char *dir, bool read_only, char *err, size_t size)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return fail(err, size, DK_ERR_NOTFOUND,
				    "data directory %s does not exist", dir);
		return fail(err, size, map_code(errno), "cannot reach data directory %s: %s",
			    dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, size, DK_ERR_NOTFOUND, "%s is not a directory", dir);
	/* effective ids: they are what the later opens are checked against */
	if (faccessat(AT_FDCWD, dir, read_only ? R_OK | X_OK : R_OK | W_OK | X_OK,
		      AT_EACCESS) != 0)
		return fail(err, size, map_code(errno), "data directory %s is not %s: %s", dir,
			    read_only ? "readable" : "writable", strerror(errno));
	return 0;
}

static int lock_take(struct store *s, char *err, size_t size)
{
	char path[PATH_MAX];
	int flags = s->read_only ? O_RDONLY : O_RDWR | O_CREAT;
	int rc;

	if ((size_t)snprintf(path, sizeof path, "%s/" LOCK_FILE, s->dir) >= sizeof path)
		return fail(err, size, DK_ERR_INVALID, "path too long: %s", s->dir);
	s->lock_fd = open(path, flags | O_CLOEXEC, 0600);
	if (s->lock_fd < 0) {
		/* read-only opens create nothing: with no lock file, no deskd
		 * has ever held this directory */
		if (s->read_only && errno == ENOENT)
			return 0;
		return fail(err, size, map_code(errno), "cannot open %s: %s", path,
			    strerror(errno));
	}
	do
		rc = flock(s->lock_fd, LOCK_EX | LOCK_NB);
	while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		if (errno == EWOULDBLOCK)
			return fail(err, size, DK_ERR_LOCKED, "another deskd is using %s", s->dir);
		return fail(err, size, DK_ERR_IO, "cannot lock %s: %s", path, strerror(errno));
	}
	return 0;
}

/* A missing or empty data.mdb means the directory holds no database yet. */
static int data_file_check(const char *dir, bool *fresh, char *err, size_t size)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/" DATA_FILE, dir) >= sizeof path)
		return fail(err, size, DK_ERR_INVALID, "path too long: %s", dir);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return fail(err, size, map_code(errno), "cannot read %s: %s", path,
				    strerror(errno));
		*fresh = true;
		return 0;
	}
	*fresh = st.st_size == 0;
	return 0;
}

static void map_size_refresh(struct store *s)
{
	MDB_envinfo info;

	if (mdb_env_info(s->env, &info) == 0)
		s->map_size = info.me_mapsize;
}

static int env_open(struct store *s, char *err, size_t size)
{
	unsigned flags = MDB_NOTLS | (s->read_only ? MDB_RDONLY : 0);
	int rc;

	rc = mdb_env_create(&s->env);
	if (rc) {
		s->env = NULL;
		return fail(err, size, store_err(NULL, rc, "env_create"),
			    "cannot set up the database: %s", mdb_strerror(rc));
	}
	rc = mdb_env_set_maxdbs(s->env, MAX_DBS);
	if (!rc)
		rc = mdb_env_set_mapsize(s->env, s->map_size);
	if (!rc)
		rc = mdb_env_open(s->env, s->dir, flags, 0600);
	if (rc) {
		int code = store_err(NULL, rc, "env_open");

		if (code == DK_ERR_CORRUPT)
			return fail(err, size, code, "%s/" DATA_FILE " is damaged: %s", s->dir,
				    mdb_strerror(rc));
		return fail(err, size, code, "cannot open the database in %s: %s", s->dir,
			    mdb_strerror(rc));
	}
	map_size_refresh(s);
	return 0;
}

struct init_arg {
	bool create;
	bool not_deskd;      /* no meta database or no schema */
	uint32_t schema;
	enum store_db missing;
};

/* Opens every database handle and checks (or with create writes) the
 * schema version. Runs in a write transaction unless read-only. */
static int init_fn(struct store_txn *t, void *arg)
{
	struct init_arg *a = arg;
	struct store *s = t->s;
	uint8_t v4[4];
	MDB_val val;
	int db, rc;

	a->not_deskd = false;
	a->schema = 0;
	rc = mdb_dbi_open(t->txn, db_names[DB_META], a->create ? MDB_CREATE : 0,
			  &s->dbi[DB_META]);
	if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
		a->not_deskd = true;
		return DK_ERR_NOTFOUND;
	}
	if (rc)
		return store_err(t, rc, "dbi_open");
	rc = store_get(t, DB_META, SCHEMA_KEY, sizeof SCHEMA_KEY - 1, &val);
	if (rc == DK_ERR_NOTFOUND) {
		if (!a->create) {
			a->not_deskd = true;
			return DK_ERR_NOTFOUND;
		}
		be32_put(v4, STORE_SCHEMA_VERSION);
		rc = store_put(t, DB_META, SCHEMA_KEY, sizeof SCHEMA_KEY - 1, v4, 4, 0);
		if (rc)
			return rc;
		a->schema = STORE_SCHEMA_VERSION;
	} else if (rc) {
		return rc;
	} else if (val.mv_size != 4) {
		return DK_ERR_CORRUPT;
	} else {
		a->schema = be32_get(val.mv_data);
	}
	if (a->schema > STORE_SCHEMA_VERSION)
		return DK_ERR_SCHEMA;
	/* a database made by an older deskd may lack newer tables */
	for (db = DB_META + 1; db < DB_COUNT; db++) {
		s->absent[db] = false;
		rc = mdb_dbi_open(t->txn, db_names[db], t->write ? MDB_CREATE : 0, &s->dbi[db]);
		if (rc == MDB_NOTFOUND && a->schema < STORE_SCHEMA_VERSION) {
			/* read-only: a table added since reads as empty */
			s->absent[db] = true;
			continue;
		}
		if (rc == MDB_NOTFOUND) {
			a->missing = db;
			return DK_ERR_CORRUPT;
		}
		if (rc)
			return store_err(t, rc, "dbi_open");
	}
	/* build what the older schema lacks, once; a read-only open leaves
	 * the database as it is */
	if (a->schema < STORE_SCHEMA_VERSION && t->write) {
		rc = store_upgrade(t, a->schema);
		if (rc)
			return rc;
		be32_put(v4, STORE_SCHEMA_VERSION);
		rc = store_put(t, DB_META, SCHEMA_KEY, sizeof SCHEMA_KEY - 1, v4, 4, 0);
		if (rc)
			return rc;
		a->schema = STORE_SCHEMA_VERSION;
	}
	return 0;
}

static int store_init(struct store *s, bool create, char *err, size_t size)
{
	struct init_arg a = { .create = create, .missing = DB_COUNT };
	struct store_txn *t;
	int rc;

	if (s->read_only) {
		rc = store_txn_begin(s, false, &t);
		if (rc)
			goto out;
		rc = init_fn(t, &a);
		/* committing a read transaction keeps its database handles */
		if (rc)
			store_txn_abort(t);
		else
			rc = store_txn_commit(t);
	} else {
		rc = store_write(s, init_fn, &a);
	}
out:
	if (rc == 0)
		return 0;
	if (a.not_deskd)
		return fail(err, size, DK_ERR_NOTFOUND,
			    "%s is not a deskd data directory (run deskctl init)", s->dir);
	if (rc == DK_ERR_SCHEMA)
		return fail(err, size, rc,
			    "the database in %s has schema version %" PRIu32
			    ", newer than version %d of this deskd", s->dir, a.schema,
			    STORE_SCHEMA_VERSION);
	if (a.missing != DB_COUNT)
		return fail(err, size, DK_ERR_CORRUPT, "the database in %s lacks the %s table",
			    s->dir, db_names[a.missing]);
	if (rc == DK_ERR_CORRUPT)
		return fail(err, size, rc, "the database in %s is damaged", s->dir);
	return fail(err, size, rc, "cannot open the database in %s: %s", s->dir,
		    dk_strerror(rc));
}

int store_open(const char *dir, const struct store_opts *opts, struct store **out,
	       char *err, size_t err_size)
{
	static const struct store_opts defaults;
	struct store *s = NULL;
	bool fresh = false;
	int rc;

	*out = NULL;
	if (err && err_size)
		err[0] = '\0';
	if (!opts)
		opts = &defaults;
	if (!dir || !*dir)
		return fail(err, err_size, DK_ERR_INVALID, "no data directory given");

	rc = check_dir(dir, opts->read_only, err, err_size);
	if (rc)
		return rc;
	s = calloc(1, sizeof *s);
	if (!s)
		return fail(err, err_size, DK_ERR_NOMEM, "out of memory");
	s->lock_fd = -1;
	s->read_only = opts->read_only;
	s->map_size = opts->map_size ? opts->map_size : MAP_SIZE_DEFAULT;
	s->map_size_max = opts->map_size_max ? opts->map_size_max : MAP_SIZE_MAX_DEFAULT;
	/* an explicit ceiling below the first size caps that too; an explicit
	 * first size above the default ceiling raises it */
	if (s->map_size_max < s->map_size) {
		if (opts->map_size_max && !opts->map_size)
			s->map_size = s->map_size_max;
		else
			s->map_size_max = s->map_size;
	}
	s->dir = strdup(dir);
	if (!s->dir) {
		rc = fail(err, err_size, DK_ERR_NOMEM, "out of memory");
		goto fail_free;
	}

	/* before LMDB opens anything, so a second deskd touches no file */
	if (opts->exclusive) {
		rc = lock_take(s, err, err_size);
		if (rc)
			goto fail_free;
	}
	rc = data_file_check(dir, &fresh, err, err_size);
	if (rc)
		goto fail_free;
	if (fresh && (!opts->create || opts->read_only)) {
		rc = fail(err, err_size, DK_ERR_NOTFOUND,
			  "%s is not a deskd data directory (run deskctl init)", dir);
		goto fail_free;
	}
	rc = env_open(s, err, err_size);
	if (rc)
		goto fail_free;
	rc = store_init(s, opts->create && !opts->read_only, err, err_size);
	if (rc)
		goto fail_free;
	*out = s;
	return 0;

fail_free:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_batch_commit(s);
	if (s->env)
		mdb_env_close(s->env);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock */
	free(s->dir);
	free(s);
}

static int txn_begin(struct store *s, bool write, bool committed, struct store_txn **out)
{
	struct store_txn *t;
	int rc, tries;

	*out = NULL;
	if (!write && !committed && s->batch) {
		/* read the open batch, as its writer will want to */
		t = calloc(1, sizeof *t);
		if (!t)
			return DK_ERR_NOMEM;
		t->s = s;
		t->txn = s->inner ? s->inner : s->batch->txn;
		t->borrowed = true;
		*out = t;
		return 0;
	}
	if (write && s->read_only)
		return DK_ERR_ACCESS;
	if (write && s->writing) {
		/* LMDB would wait forever for its own writer lock */
		store_log("error", "txn_begin", "nested write transaction", NULL);
		return DK_ERR_INVALID;
	}
	t = calloc(1, sizeof *t);
	if (!t)
		return DK_ERR_NOMEM;
	for (tries = 0;; tries++) {
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
		/* another process grew the map; adopting its size is only
		 * allowed while this process has no transaction open */
		if (rc != MDB_MAP_RESIZED || tries == 3 || s->n_txn > 0)
			break;
		rc = mdb_env_set_mapsize(s->env, 0);
		if (rc)
			break;
		map_size_refresh(s);
	}
	if (rc) {
		free(t);
		return store_err(NULL, rc, "txn_begin");
	}
	t->s = s;
	t->write = write;
	s->n_txn++;
	if (write)
		s->writing = true;
	*out = t;
	return 0;
}

int store_txn_begin(struct store *s, bool write, struct store_txn **out)
{
	return txn_begin(s, write, false, out);
}

int store_txn_begin_committed(struct store *s, struct store_txn **out)
{
	return txn_begin(s, false, true, out);
}

static void txn_free(struct store_txn *t)
{
	if (t->borrowed) {
		free(t);
		return;
	}
	t->s->n_txn--;
	if (t->write)
		t->s->writing = false;
	free(t);
}

void store_txn_abort(struct store_txn *t)
{
	if (!t)
		return;
	if (!t->borrowed)
		mdb_txn_abort(t->txn);
	txn_free(t);
}

/* Less free space than this after a failed write: the filesystem is full. */
#define FS_FULL_BYTES ((uint64_t)1 << 20)

/* LMDB reports a short write of its pages (the filesystem filled while the
 * data file grew) as EIO; tell that apart from a failing disk by the room
 * left, so a full disk is a full disk (507) and not an internal error. */
static bool fs_full(const struct store *s)
{
	struct statvfs vfs;

	return statvfs(s->dir, &vfs) == 0 &&
	       (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize < FS_FULL_BYTES;
}

static int txn_commit(struct store_txn *t, bool *map_full)
{
	int rc = 0;

	if (t->map_full) {
		/* LMDB refuses to commit after a failed put; say why */
		mdb_txn_abort(t->txn);
		rc = DK_ERR_NOSPACE;
	} else {
		rc = mdb_txn_commit(t->txn);
		if (rc == EIO && fs_full(t->s)) {
			store_log("error", "commit", "ENOSPC", "reason=\"filesystem full\"");
			rc = DK_ERR_NOSPACE;
		} else if (rc) {
			rc = store_err(t, rc, "commit");
		}
	}
	if (map_full)
		*map_full = t->map_full;
	txn_free(t);
	return rc;
}

int store_txn_commit(struct store_txn *t)
{
	if (!t)
		return DK_ERR_INVALID;
	if (t->borrowed) {
		txn_free(t);
		return 0;
	}
	return txn_commit(t, NULL);
}

static int map_grow(struct store *s)
{
	char detail[128];
	size_t next;
	int rc;

	if (s->n_txn > 0) {
		store_log("error", "grow", "MDB_MAP_FULL", "reason=\"transaction open\"");
		return DK_ERR_NOSPACE;
	}
	if (s->map_size >= s->map_size_max) {
		snprintf(detail, sizeof detail, "map_size=%zu map_size_max=%zu", s->map_size,
			 s->map_size_max);
		store_log("error", "write", "MDB_MAP_FULL", detail);
		return DK_ERR_NOSPACE;
	}
	next = s->map_size > s->map_size_max / 2 ? s->map_size_max : s->map_size * 2;
	rc = mdb_env_set_mapsize(s->env, next);
	if (rc)
		return store_err(NULL, rc, "grow");
	map_size_refresh(s);
	return 0;
}

void store_group_commit(struct store *s, void (*opened)(void *arg),
			void (*closed)(void *arg, int rc, size_t writes), void *arg)
{
	/* no one to tell: grouping ends (what is open commits first) */
	if (!opened && !closed)
		store_batch_commit(s);
	s->group = opened || closed;
	s->batch_opened = opened;
	s->batch_closed = closed;
	s->batch_arg = arg;
}

void store_batch_join(struct store *s, bool on)
{
	s->joining = on;
}

bool store_batch_open(const struct store *s)
{
	return s->batch != NULL;
}

/* More than this share of the map in use when a batch starts: grow first,
 * while no transaction is open, so a batch seldom fills it midway. */
#define BATCH_ROOM_PERCENT 75

static int batch_begin(struct store *s)
{
	MDB_envinfo info;
	MDB_stat st;
	int rc;

	if (s->n_txn == 0 && mdb_env_info(s->env, &info) == 0 && mdb_env_stat(s->env, &st) == 0 &&
	    (info.me_last_pgno + 1) * (uint64_t)st.ms_psize * 100 >
		    (uint64_t)s->map_size * BATCH_ROOM_PERCENT)
		map_grow(s); /* at the ceiling: the batch tries as it is */
	rc = store_txn_begin(s, true, &s->batch);
	s->batch_writes = 0;
	if (rc == 0 && s->batch_opened)
		s->batch_opened(s->batch_arg);
	return rc;
}

int store_batch_commit(struct store *s)
{
	struct store_txn *t = s->batch;
	bool full = false;
	int rc;

	if (!t)
		return 0;
	s->batch = NULL;
	rc = txn_commit(t, &full);
	if (full)
		map_grow(s); /* this batch is lost; the next one has room */
	if (s->batch_closed)
		s->batch_closed(s->batch_arg, rc, s->batch_writes);
	return rc;
}

/* store_write inside the open batch (see store_group_commit). */
static int write_grouped(struct store *s, store_write_fn fn, void *arg)
{
	int rc, mrc;

	for (;;) {
		if (s->inner) {
			store_log("error", "write", "nested write transaction", NULL);
			return DK_ERR_INVALID;
		}
		if (!s->batch && (rc = batch_begin(s)) != 0)
			return rc;
		struct store_txn t = { .s = s, .write = true, .growable = true };
		mrc = mdb_txn_begin(s->env, s->batch->txn, 0, &t.txn);
		if (mrc)
			return store_err(NULL, mrc, "txn_begin");
		s->inner = t.txn;
		rc = fn(&t, arg);
		if (rc == 0 && !t.map_full) {
			mrc = mdb_txn_commit(t.txn);
			if (mrc)
				rc = store_err(&t, mrc, "commit");
		} else {
			mdb_txn_abort(t.txn);
		}
		s->inner = NULL;
		if (rc == 0)
			s->batch_writes++;
		if (!t.map_full)
			return rc;
		/* the map filled midway: what the batch holds is committed, the
		 * map grows and fn runs again in a new batch */
		rc = store_batch_commit(s);
		if (rc == 0)
			rc = map_grow(s);
		if (rc)
			return rc;
	}
}

int store_write(struct store *s, store_write_fn fn, void *arg)
{
	struct store_txn *t;
	bool full;
	int rc;

	if (s->group && s->joining)
		return write_grouped(s, fn, arg);
	if (s->inner) {
		store_log("error", "write", "nested write transaction", NULL);
		return DK_ERR_INVALID;
	}
	/* LMDB has one writer: the batch goes first (its outcome goes to
	 * whoever waits for it, through closed) */
	store_batch_commit(s);
	for (;;) {
		rc = store_txn_begin(s, true, &t);
		if (rc)
			return rc;
		t->growable = true;
		full = false;
		rc = fn(t, arg);
		if (rc == 0) {
			rc = txn_commit(t, &full);
		} else {
			full = t->map_full;
			store_txn_abort(t);
		}
		/* a full map broke the transaction whatever fn made of it */
		if (!full)
			return rc;
		rc = map_grow(s);
		if (rc)
			return rc;
	}
}

int store_get(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
	      MDB_val *val)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	int rc;

	if (txn->s->absent[db]) {
		val->mv_size = 0;
		val->mv_data = NULL;
		return DK_ERR_NOTFOUND;
	}
	rc = mdb_get(txn->txn, txn->s->dbi[db], &k, val);
	if (rc) {
		val->mv_size = 0;
		val->mv_data = NULL;
		return store_err(txn, rc, "get");
	}
	return 0;
}

int store_put(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
	      const void *val, size_t vlen, unsigned flags)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val v = { .mv_size = vlen, .mv_data = (void *)val };

	return store_err(txn, mdb_put(txn->txn, txn->s->dbi[db], &k, &v, flags), "put");
}

int store_del(struct store_txn *txn, enum store_db db, const void *key, size_t klen)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };

	return store_err(txn, mdb_del(txn->txn, txn->s->dbi[db], &k, NULL), "del");
}

int store_cursor_open(struct store_txn *txn, enum store_db db, MDB_cursor **out)
{
	int rc;

	if (txn->s->absent[db]) {
		*out = NULL;
		return DK_ERR_NOTFOUND;
	}
	rc = mdb_cursor_open(txn->txn, txn->s->dbi[db], out);

	if (rc) {
		*out = NULL;
		return store_err(txn, rc, "cursor_open");
	}
	return 0;
}

int store_val_u64(const MDB_val *val, uint64_t *out)
{
	if (val->mv_size != 8) {
		*out = 0;
		return DK_ERR_CORRUPT;
	}
	*out = be64_get(val->mv_data);
	return 0;
}

int store_each(struct store_txn *txn, enum store_db db, store_raw_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc, mrc;

	if ((unsigned)db >= DB_COUNT)
		return DK_ERR_INVALID;
	rc = store_cursor_open(txn, db, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		rc = fn(k.mv_data, k.mv_size, v.mv_data, v.mv_size, arg);
		if (rc)
			goto out;
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "each");
out:
	mdb_cursor_close(c);
	return rc;
}

int store_stats_get(struct store_txn *txn, struct store_stats *out)
{
	MDB_envinfo info;
	MDB_stat st;
	MDB_val v;
	int db, rc;

	memset(out, 0, sizeof *out);
	for (db = 0; db < DB_COUNT; db++) {
		if (txn->s->absent[db])
			continue;
		rc = mdb_stat(txn->txn, txn->s->dbi[db], &st);
		if (rc)
			goto fail;
		out->entries[db] = st.ms_entries;
	}
	rc = mdb_env_info(txn->s->env, &info);
	if (!rc)
		rc = mdb_env_stat(txn->s->env, &st);
	if (rc)
		goto fail;
	out->map_size = info.me_mapsize;
	out->map_used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	rc = store_get(txn, DB_META, SCHEMA_KEY, sizeof SCHEMA_KEY - 1, &v);
	if (rc) {
		memset(out, 0, sizeof *out);
		return rc == DK_ERR_NOTFOUND ? DK_ERR_CORRUPT : rc;
	}
	if (v.mv_size != 4) {
		memset(out, 0, sizeof *out);
		return DK_ERR_CORRUPT;
	}
	out->schema = be32_get(v.mv_data);
	return 0;
fail:
	memset(out, 0, sizeof *out);
	return store_err(txn, rc, "stat");
}
