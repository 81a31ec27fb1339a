/*
 * The routing table: each row names method, path pattern, handler, the role
 * it needs and whether it changes state (which brings the CSRF check).
 * proto/openapi.yaml describes the same rows; a test compares them.
 */
#ifndef DESKD_ROUTER_H
#define DESKD_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

struct req;

enum route_access {
	ACCESS_PUBLIC = 0, /* anyone */
	ACCESS_USER = 1,   /* any signed-in user */
	ACCESS_STAFF = 2,  /* agents and admins */
	ACCESS_ADMIN = 3   /* admins */
};

struct route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/tickets/{ref}" */
	void (*handler)(struct req *r);
	enum route_access access;
	bool writes;
};

extern const struct route router_table[];
extern const size_t router_table_len;

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/* Finds the row for method and path; *param and *param2 receive malloc'd
 * copies of the first and second {..} segments (or NULL). With ROUTER_NO_METHOD, allow gets the methods the
 * path does answer ("GET, POST"). */
enum router_result router_match(const char *method, const char *path, const struct route **out,
				char **param, char **param2, char *allow, size_t allow_size);

const char *route_access_name(enum route_access a);

#endif
