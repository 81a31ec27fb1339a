#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

const struct route router_table[] = {
	{ "GET", "/healthz", h_health, ACCESS_PUBLIC, false },
	{ "POST", "/api/v1/session", h_session_create, ACCESS_PUBLIC, true },
	{ "DELETE", "/api/v1/session", h_session_delete, ACCESS_USER, true },
	{ "GET", "/api/v1/me", h_me, ACCESS_USER, false },
	{ "GET", "/api/v1/tickets", h_tickets_list, ACCESS_USER, false },
	{ "POST", "/api/v1/tickets", h_ticket_create, ACCESS_USER, true },
	{ "GET", "/api/v1/tickets/{ref}", h_ticket_get, ACCESS_USER, false },
	{ "PATCH", "/api/v1/tickets/{ref}", h_ticket_patch, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/comments", h_ticket_comment, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/follow", h_ticket_follow, ACCESS_USER, true },
	{ "DELETE", "/api/v1/tickets/{ref}/follow", h_ticket_unfollow, ACCESS_USER, true },
};
const size_t router_table_len = sizeof router_table / sizeof router_table[0];

const char *route_access_name(enum route_access a)
{
	switch (a) {
	case ACCESS_PUBLIC: return "public";
	case ACCESS_USER: return "user";
	case ACCESS_STAFF: return "staff";
	case ACCESS_ADMIN: return "admin";
	}
	return "?";
}

/* Compares pattern and path segment by segment; a {name} segment matches
 * any one non-empty segment, whose bounds go to pstart and plen. */
static bool pattern_match(const char *pat, const char *path, const char **pstart, size_t *plen)
{
	*pstart = NULL;
	*plen = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			size_t n = strcspn(path, "/");
			if (!close || n == 0)
				return false;
			*pstart = path;
			*plen = n;
			pat = close + 1;
			path += n;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

enum router_result router_match(const char *method, const char *path, const struct route **out,
				char **param, char *allow, size_t allow_size)
{
	bool path_known = false;
	size_t used = 0;
	*out = NULL;
	*param = NULL;
	if (allow_size)
		allow[0] = '\0';
	for (size_t i = 0; i < router_table_len; i++) {
		const struct route *rt = &router_table[i];
		const char *ps;
		size_t pl;
		if (!pattern_match(rt->pattern, path, &ps, &pl))
			continue;
		path_known = true;
		if (strcmp(rt->method, method) == 0) {
			if (ps) {
				*param = strndup(ps, pl);
				if (!*param)
					return ROUTER_NO_PATH;
			}
			*out = rt;
			return ROUTER_FOUND;
		}
		if (used < allow_size) {
			int n = snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "",
					 rt->method);
			if (n > 0)
				used += (size_t)n;
		}
	}
	return path_known ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}
