/*
 * The rate limits of the account endpoints and of signing in, on top of
 * ratelimit.h. Each check replies 429 with Retry-After itself.
 */
#ifndef DESKD_ACCOUNT_LIMIT_H
#define DESKD_ACCOUNT_LIMIT_H

#include <stdbool.h>

struct req;

/* Sign-up, forgotten password, activation and reset: at most
 * 4 x [accounts] mail_per_hour requests an hour from one client, and (when
 * email is not NULL) mail_per_hour to one address. Counts the request and
 * returns true when it may go on; false after replying 429. */
bool account_limit_pass(struct req *r, const char *email);

/* Signing in: false (after replying 429) when the address or the client
 * has failed too often lately (ACCOUNT_LOGIN_FAILURES in
 * ACCOUNT_LOGIN_WINDOW_S per address, ten times that per client). */
#define ACCOUNT_LOGIN_FAILURES 10
#define ACCOUNT_LOGIN_WINDOW_S 900
bool account_login_allowed(struct req *r, const char *email);
/* After a sign-in: a failure is counted, a success clears the address. */
void account_login_result(struct req *r, const char *email, bool ok);

#endif
