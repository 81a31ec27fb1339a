/*
 * Who is asking: the session cookie or an API token resolved to a user, the
 * CSRF check, and making and ending browser sessions.
 */
#ifndef DESKD_AUTH_H
#define DESKD_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct deskd;
struct req;
struct user;

#define AUTH_COOKIE "deskd_session"

/* Fills r->authed, r->user, r->who, r->session from the Cookie or the
 * Authorization header. 0 when nobody (or a valid somebody) is asking;
 * -1 when credentials were sent but are not valid (expired, revoked,
 * disabled user), so the caller answers 401. */
int auth_resolve(struct req *r);
/* True when s has the shape of a secret_new text (43 base64url
 * characters), before any lookup. */
bool auth_secret_shape_ok(const char *s);
/* Marks the request as made by r->user: r->authed and r->who. */
void auth_act_as(struct req *r);
/* True when a state-changing request carries the session's CSRF token
 * (always true for API tokens, which browsers do not send by themselves). */
bool auth_csrf_ok(struct req *r);
/* Creates a browser session for u, sets the cookie and fills csrf_out
 * (44 bytes). 0 or a dk_err. */
int auth_session_start(struct req *r, const struct user *u, bool remember, char *csrf_out);
/* Ends the current session and clears the cookie. 0 or a dk_err. */
int auth_session_end(struct req *r);
/* The user as the portal shows it: user_to_json plus "org_name". A new
 * reference, NULL when out of memory. */
json_t *auth_user_json(struct deskd *d, const struct user *u);

#endif
