/*
 * The portal's static files: every GET or HEAD outside /api/ and /healthz
 * is a file below the configured directory ("/" and ".../" are
 * index.html). Files are opened one path segment at a time relative to the
 * directory opened at start-up, refusing symbolic links, "..", hidden
 * names and anything but regular files of the known types, so no request
 * reaches outside the directory. These requests are not in the API routing
 * table but pass the same request entry (access log, stopping guard).
 */
#ifndef DESKD_H_STATIC_H
#define DESKD_H_STATIC_H

#include <event2/http.h>
#include <stdbool.h>

struct deskd;
struct req;

/* Largest file served; larger ones answer 404 and log a warning. */
#define STATIC_FILE_MAX (8 * 1024 * 1024)

/* Opens dir for serving: 0 and *fd (close it at exit), or -1 after
 * logging why. */
int static_dir_open(const char *dir, int *fd);
/* True when the request is for a portal file (a directory is configured,
 * the method is GET or HEAD and path is neither under /api/ nor /healthz). */
bool static_wanted(const struct deskd *d, enum evhttp_cmd_type cmd, const char *path);
/* Answers with the file, 304, or a JSON 404. */
void h_static(struct req *r);

#endif
