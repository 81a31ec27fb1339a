#include "account_limit.h"

#include <stdio.h>
#include <string.h>

#include "deskd.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "validate.h"

#define HOUR_MS 3600000
#define CLIENT_FACTOR 4
#define LOGIN_CLIENT_FACTOR 10

/* The client's address without its port ("127.0.0.1:5555", "::1:5555"). */
static void client_key(struct req *r, const char *what, char *out, size_t size)
{
	const char *colon = strrchr(r->peer, ':');
	int n = colon ? (int)(colon - r->peer) : (int)strlen(r->peer);

	snprintf(out, size, "%s:ip:%.*s", what, n, r->peer);
}

static void address_key(const char *what, const char *email, char *out, size_t size)
{
	char folded[EMAIL_MAX_BYTES + 1];

	email_fold(email, folded, sizeof folded);
	snprintf(out, size, "%s:to:%s", what, folded);
}

static void refuse(struct req *r, int64_t retry_s, const char *which)
{
	char s[24];

	snprintf(s, sizeof s, "%lld", (long long)retry_s);
	log_warn("rate_limited", "path", r->path, "peer", r->peer, "by", which, NULL);
	http_add_header(r, "Retry-After", s);
	http_reply_error(r, 429, "rate_limited", "too many requests; try again later", NULL);
}

bool account_limit_pass(struct req *r, const char *email)
{
	struct deskd *d = r->d;
	int64_t now = deskd_now_ms(d), retry;
	uint32_t per_address = (uint32_t)d->cfg.mail_per_hour;
	char ip[96], to[EMAIL_MAX_BYTES + 16];

	client_key(r, "account", ip, sizeof ip);
	if (!ratelimit_allows(d->limits, ip, now, per_address * CLIENT_FACTOR, HOUR_MS, &retry)) {
		refuse(r, retry, "client");
		return false;
	}
	if (email) {
		address_key("account", email, to, sizeof to);
		if (!ratelimit_allows(d->limits, to, now, per_address, HOUR_MS, &retry)) {
			refuse(r, retry, "address");
			return false;
		}
		ratelimit_count(d->limits, to, now, HOUR_MS);
	}
	ratelimit_count(d->limits, ip, now, HOUR_MS);
	return true;
}

bool account_login_allowed(struct req *r, const char *email)
{
	struct deskd *d = r->d;
	int64_t now = deskd_now_ms(d), retry;
	char ip[96], to[EMAIL_MAX_BYTES + 16];

	client_key(r, "login", ip, sizeof ip);
	address_key("login", email, to, sizeof to);
	if (!ratelimit_allows(d->limits, ip, now, ACCOUNT_LOGIN_FAILURES * LOGIN_CLIENT_FACTOR,
			      (int64_t)ACCOUNT_LOGIN_WINDOW_S * 1000, &retry)) {
		refuse(r, retry, "client");
		return false;
	}
	if (!ratelimit_allows(d->limits, to, now, ACCOUNT_LOGIN_FAILURES,
			      (int64_t)ACCOUNT_LOGIN_WINDOW_S * 1000, &retry)) {
		refuse(r, retry, "address");
		return false;
	}
	return true;
}

void account_login_result(struct req *r, const char *email, bool ok)
{
	struct deskd *d = r->d;
	int64_t now = deskd_now_ms(d);
	char ip[96], to[EMAIL_MAX_BYTES + 16];

	address_key("login", email, to, sizeof to);
	if (ok) {
		ratelimit_forget(d->limits, to);
		return;
	}
	client_key(r, "login", ip, sizeof ip);
	ratelimit_count(d->limits, ip, now, (int64_t)ACCOUNT_LOGIN_WINDOW_S * 1000);
	ratelimit_count(d->limits, to, now, (int64_t)ACCOUNT_LOGIN_WINDOW_S * 1000);
}
