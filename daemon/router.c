#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

const struct route router_table[] = {
	{ "GET", "/healthz", h_health, ACCESS_PUBLIC, false },
	{ "GET", "/metrics", h_metrics, ACCESS_PUBLIC, false },
	{ "POST", "/api/v1/session", h_session_create, ACCESS_PUBLIC, true },
	{ "DELETE", "/api/v1/session", h_session_delete, ACCESS_USER, true },
	{ "GET", "/api/v1/me", h_me, ACCESS_USER, false },
	{ "PATCH", "/api/v1/me", h_me_patch, ACCESS_USER, true },
	{ "POST", "/api/v1/me/password", h_me_password, ACCESS_USER, true },
	{ "GET", "/api/v1/tickets", h_tickets_list, ACCESS_USER, false },
	{ "POST", "/api/v1/tickets", h_ticket_create, ACCESS_USER, true },
	/* a literal path wins over {ref} (router_match) */
	{ "GET", "/api/v1/tickets/export", h_tickets_export, ACCESS_USER, false },
	{ "GET", "/api/v1/tickets/{ref}", h_ticket_get, ACCESS_USER, false },
	{ "PATCH", "/api/v1/tickets/{ref}", h_ticket_patch, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/comments", h_ticket_comment, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/attachments", h_attachment_upload, ACCESS_USER, true },
	{ "GET", "/api/v1/tickets/{ref}/attachments/{id}", h_attachment_get, ACCESS_USER, false },
	{ "POST", "/api/v1/tickets/{ref}/follow", h_ticket_follow, ACCESS_USER, true },
	{ "DELETE", "/api/v1/tickets/{ref}/follow", h_ticket_unfollow, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/actions", h_ticket_action, ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/participants", h_ticket_participant_add, ACCESS_USER, true },
	{ "DELETE", "/api/v1/tickets/{ref}/participants/{email}", h_ticket_participant_remove,
	  ACCESS_USER, true },
	{ "POST", "/api/v1/tickets/{ref}/time", h_ticket_time, ACCESS_STAFF, true },
	{ "POST", "/api/v1/tickets/{ref}/links", h_ticket_link, ACCESS_STAFF, true },
	{ "POST", "/api/v1/tickets/{ref}/redactions", h_ticket_redact, ACCESS_STAFF, true },
	{ "GET", "/api/v1/catalogue", h_catalogue, ACCESS_USER, false },
	{ "GET", "/api/v1/workflow", h_workflow, ACCESS_USER, false },
	{ "GET", "/api/v1/stats", h_stats, ACCESS_STAFF, false },
	{ "GET", "/api/v1/reports/monthly", h_report_monthly, ACCESS_STAFF, false },
	{ "GET", "/api/v1/agents", h_agents, ACCESS_STAFF, false },
	{ "GET", "/api/v1/orgs", h_orgs, ACCESS_STAFF, false },
	{ "GET", "/api/v1/admin/mail", h_admin_mail, ACCESS_ADMIN, false },
	/* the mail gateway's own key, checked by the handler */
	{ "POST", "/api/v1/mail/inbound", h_mail_inbound, ACCESS_PUBLIC, true },
	{ "POST", "/api/v1/signup", h_signup, ACCESS_PUBLIC, true },
	{ "POST", "/api/v1/signup/activate", h_signup_activate, ACCESS_PUBLIC, true },
	{ "POST", "/api/v1/password/forgot", h_password_forgot, ACCESS_PUBLIC, true },
	{ "POST", "/api/v1/password/reset", h_password_reset, ACCESS_PUBLIC, true },
	{ "GET", "/api/v1/access-requests", h_access_list, ACCESS_USER, false },
	{ "POST", "/api/v1/access-requests", h_access_create, ACCESS_USER, true },
	{ "GET", "/api/v1/access-requests/{id}", h_access_get, ACCESS_USER, false },
	{ "POST", "/api/v1/access-requests/{id}/approve", h_access_approve, ACCESS_STAFF, true },
	{ "POST", "/api/v1/access-requests/{id}/refuse", h_access_refuse, ACCESS_STAFF, true },
	{ "POST", "/api/v1/unsubscribe", h_unsubscribe, ACCESS_PUBLIC, true },
	{ "POST", "/api/v1/unsubscribe/{token}", h_unsubscribe_one_click, ACCESS_PUBLIC, true },
	{ "GET", "/api/v1/unsubscribe/{token}", h_unsubscribe_page, ACCESS_PUBLIC, false },
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

/* Compares pattern and path segment by segment; each {name} segment matches
 * any one non-empty segment, whose bounds go to seg[i] (at most two). */
struct segment {
	const char *start;
	size_t len;
};

static bool pattern_match(const char *pat, const char *path, struct segment seg[2])
{
	int n_seg = 0;
	seg[0].start = seg[1].start = NULL;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			size_t n = strcspn(path, "/");
			if (!close || n == 0 || n_seg == 2)
				return false;
			seg[n_seg].start = path;
			seg[n_seg].len = n;
			n_seg++;
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
				char **param, char **param2, char *allow, size_t allow_size)
{
	bool path_known = false;
	size_t used = 0;
	*out = NULL;
	*param = *param2 = NULL;
	if (allow_size)
		allow[0] = '\0';
	/* literal rows first: a path one of them names ("/api/v1/tickets/export")
	 * is theirs alone, never a {..} row's value */
	for (size_t i = 0; i < 2 * router_table_len && !(i == router_table_len && path_known);
	     i++) {
		const struct route *rt = &router_table[i % router_table_len];
		bool literal = !strchr(rt->pattern, '{');
		struct segment seg[2];
		if (literal != (i < router_table_len) || !pattern_match(rt->pattern, path, seg))
			continue;
		path_known = true;
		if (strcmp(rt->method, method) == 0) {
			char **dst[2] = { param, param2 };
			for (int k = 0; k < 2; k++) {
				if (!seg[k].start)
					continue;
				*dst[k] = strndup(seg[k].start, seg[k].len);
				if (!*dst[k])
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
