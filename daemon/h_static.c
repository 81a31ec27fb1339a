/* The portal's static files (see h_static.h). */
#include "h_static.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deskd.h"
#include "http.h"
#include "log.h"

/* Longest request path looked up; longer ones cannot name a portal file. */
#define STATIC_PATH_MAX 1024
#define INDEX_FILE "index.html"

/* The types the portal is made of; any other file is not served, so a
 * stray backup or editor file in the directory stays private. The files
 * the application consists of are revalidated on every use (an ETag makes
 * that a cheap 304), so an upgrade never mixes old and new modules;
 * images and fonts may be kept for an hour. */
static const struct mime {
	const char *ext;
	const char *type;
	bool revalidate;
} mimes[] = {
	{ "html", "text/html; charset=utf-8", true },
	{ "js", "text/javascript; charset=utf-8", true },
	{ "mjs", "text/javascript; charset=utf-8", true },
	{ "css", "text/css; charset=utf-8", true },
	{ "json", "application/json; charset=utf-8", true },
	{ "txt", "text/plain; charset=utf-8", true },
	{ "svg", "image/svg+xml", false },
	{ "png", "image/png", false },
	{ "ico", "image/x-icon", false },
	{ "woff2", "font/woff2", false },
};

int static_dir_open(const char *dir, int *fd)
{
	struct stat st;

	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		log_error("bad_www_dir", "dir", dir, "reason", strerror(errno), NULL);
		return -1;
	}
	if (fstat(*fd, &st) || !S_ISDIR(st.st_mode)) {
		log_error("bad_www_dir", "dir", dir, "reason", "not a directory", NULL);
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

bool static_wanted(const struct deskd *d, enum evhttp_cmd_type cmd, const char *path)
{
	if (d->www_fd < 0 || (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD))
		return false;
	return strcmp(path, "/healthz") && strcmp(path, "/metrics") && strcmp(path, "/api") &&
	       strncmp(path, "/api/", 5);
}

static const struct mime *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof mimes / sizeof mimes[0]; i++)
		if (!strcmp(dot + 1, mimes[i].ext))
			return &mimes[i];
	return NULL;
}

/*
 * Opens the regular file a decoded request path names below base, one
 * segment at a time: no symbolic link is followed (O_NOFOLLOW on every
 * step), and empty, "." , ".." and other hidden segments are refused, so
 * nothing outside base can be reached whatever the path holds. name gets
 * the file's own name. The fd, or -1.
 */
static int open_below(int base, const char *path, char *name, size_t name_size, struct stat *st)
{
	char buf[STATIC_PATH_MAX + sizeof INDEX_FILE];
	size_t n = strlen(path);
	int dir = base, fd = -1;
	char *seg, *slash;

	if (path[0] != '/' || n > STATIC_PATH_MAX)
		return -1;
	snprintf(buf, sizeof buf, "%s%s", path + 1, path[n - 1] == '/' ? INDEX_FILE : "");
	for (seg = buf;; seg = slash + 1) {
		slash = strchr(seg, '/');
		if (slash)
			*slash = '\0';
		if (!*seg || seg[0] == '.')
			goto out;
		if (!slash)
			break;
		int next = openat(dir, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir != base)
			close(dir);
		dir = next;
		if (dir < 0)
			return -1;
	}
	if (strlen(seg) >= name_size)
		goto out;
	memcpy(name, seg, strlen(seg) + 1);
	/* O_NONBLOCK: a FIFO placed here must not stall the loop on open */
	fd = openat(dir, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && (fstat(fd, st) || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
out:
	if (dir != base)
		close(dir);
	return fd;
}

static void http_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* True when the client's copy (If-None-Match, else If-Modified-Since) is
 * the file's current version. */
static bool client_has(struct req *r, const char *etag, const struct stat *st)
{
	const char *inm = http_header(r, "If-None-Match");
	const char *ims = http_header(r, "If-Modified-Since");
	struct tm tm;

	if (inm)
		return strstr(inm, etag) != NULL || !strcmp(inm, "*");
	if (!ims)
		return false;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return end && !*end && st->st_mtime <= timegm(&tm);
}

/* Reads size bytes of fd into a new buffer; NULL on failure. */
static struct evbuffer *read_all(int fd, size_t size)
{
	struct evbuffer *buf = evbuffer_new();

	while (buf && size) {
		int got = evbuffer_read(buf, fd, size > INT_MAX ? INT_MAX : (int)size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* shrank while being read: serve what is there */
		size -= (size_t)got;
	}
	return buf;
}

void h_static(struct req *r)
{
	char name[256], etag[64], modified[64], length[24];
	struct evbuffer *body = NULL;
	const struct mime *m = NULL;
	struct stat st;
	int fd;

	fd = open_below(r->d->www_fd, r->path, name, sizeof name, &st);
	if (fd >= 0)
		m = mime_of(name);
	if (fd < 0 || !m) {
		http_reply_error(r, 404, "not_found", "no such page", NULL);
		goto out;
	}
	if (st.st_size > STATIC_FILE_MAX) {
		log_warn("static_too_large", "path", r->path, NULL);
		http_reply_error(r, 404, "not_found", "no such page", NULL);
		goto out;
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
			 (unsigned long long)st.st_mtim.tv_nsec);
	http_date(st.st_mtime, modified, sizeof modified);
	r->page = true;
	http_add_header(r, "ETag", etag);
	http_add_header(r, "Last-Modified", modified);
	http_add_header(r, "Cache-Control", m->revalidate ? "no-cache" : "max-age=3600");
	if (client_has(r, etag, &st)) {
		http_reply_buffer(r, 304, NULL);
		goto out;
	}
	http_add_header(r, "Content-Type", m->type);
	if (r->head) {
		snprintf(length, sizeof length, "%lld", (long long)st.st_size);
		http_add_header(r, "Content-Length", length);
		http_reply_buffer(r, 200, NULL);
		goto out;
	}
	body = read_all(fd, (size_t)st.st_size);
	if (!body) {
		r->page = false;
		http_reply_error(r, 500, "internal", "the page cannot be read", NULL);
		goto out;
	}
	http_reply_buffer(r, 200, body);
out:
	if (fd >= 0)
		close(fd);
}
