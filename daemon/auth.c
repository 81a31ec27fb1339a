#include "auth.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "credentials.h"
#include "deskd.h"
#include "dk_err.h"
#include "http.h"
#include "json_map.h"
#include "log.h"
#include "secret.h"
#include "store.h"

bool auth_secret_shape_ok(const char *s)
{
	if (strlen(s) != SECRET_TEXT_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

void auth_act_as(struct req *r)
{
	r->authed = true;
	r->who.user_id = r->user.id;
	r->who.org_id = r->user.org_id;
	r->who.role = r->user.role;
	r->who.approver = r->user.approver;
}

int auth_resolve(struct req *r)
{
	char secret[SECRET_TEXT_LEN + 8];
	const char *authz = http_header(r, "Authorization");
	const char *cookie = http_header(r, "Cookie");
	bool by_cookie = false;

	if (authz) {
		if (!credentials_bearer(authz, secret, sizeof secret))
			return -1;
	} else if (cookie && credentials_cookie(cookie, AUTH_COOKIE, secret, sizeof secret)) {
		by_cookie = true;
	} else {
		return 0; /* nobody */
	}
	if (!auth_secret_shape_ok(secret))
		return -1;

	uint8_t key[32];
	secret_sha256(secret, strlen(secret), key);
	struct store_txn *txn;
	if (store_txn_begin(r->d->store, false, &txn))
		return -1;
	int rc = store_session_get(txn, key, &r->session);
	if (rc == 0)
		rc = store_user_get(txn, r->session.user_id, &r->user);
	store_txn_abort(txn);
	if (rc)
		goto refuse;
	if (r->session.kind != (by_cookie ? SESSION_BROWSER : SESSION_API_TOKEN))
		goto refuse;
	if (r->session.expires_ms && r->session.expires_ms <= deskd_now_ms(r->d))
		goto refuse;
	if (r->user.disabled)
		goto refuse;
	memcpy(r->session_key, key, sizeof key);
	r->by_cookie = by_cookie;
	auth_act_as(r);
	return 0;
refuse:
	session_free(&r->session);
	user_free(&r->user);
	memset(&r->session, 0, sizeof r->session);
	memset(&r->user, 0, sizeof r->user);
	return -1;
}

bool auth_csrf_ok(struct req *r)
{
	if (!r->by_cookie)
		return true;
	const char *sent = http_header(r, "X-CSRF-Token");
	return sent && r->session.csrf && secret_equal(sent, r->session.csrf);
}

struct session_write {
	uint8_t key[32];
	struct session s;
};

static int put_session(struct store_txn *txn, void *arg)
{
	struct session_write *w = arg;
	return store_session_put(txn, w->key, &w->s);
}

/* Whether the browser reached deskd over HTTPS, so that the cookie may say
 * Secure: by configuration, or (auto) when a trusted proxy on this machine
 * says so in X-Forwarded-Proto. */
static bool cookie_secure(struct req *r)
{
	if (r->d->cfg.cookie_secure != COOKIE_SECURE_AUTO)
		return r->d->cfg.cookie_secure == COOKIE_SECURE_YES;
	struct evhttp_connection *c = evhttp_request_get_connection(r->er);
	char *addr = NULL;
	ev_uint16_t port = 0;
	if (!r->d->cfg.trust_proxy || !c)
		return false;
	evhttp_connection_get_peer(c, &addr, &port);
	if (!addr || (strncmp(addr, "127.", 4) && strcmp(addr, "::1")))
		return false;
	const char *proto = http_header(r, "X-Forwarded-Proto");
	return proto && !strcasecmp(proto, "https");
}

static void set_cookie(struct req *r, const char *value, long max_age)
{
	char cookie[256];
	char age[32] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", AUTH_COOKIE,
		 value, age, cookie_secure(r) ? "; Secure" : "");
	http_add_header(r, "Set-Cookie", cookie);
}

int auth_session_start(struct req *r, const struct user *u, bool remember, char *csrf_out)
{
	char secret[SECRET_TEXT_LEN + 1];
	struct session_write w;
	memset(&w, 0, sizeof w);
	if (secret_new(secret) || secret_new(csrf_out))
		return DK_ERR_IO;
	int64_t now = deskd_now_ms(r->d);
	int64_t life_ms = remember ? (int64_t)r->d->cfg.remember_days * 86400000
				   : (int64_t)r->d->cfg.session_hours * 3600000;
	secret_sha256(secret, strlen(secret), w.key);
	w.s.version = RECORD_VERSION;
	w.s.kind = SESSION_BROWSER;
	w.s.user_id = u->id;
	w.s.csrf = csrf_out;
	w.s.created_ms = now;
	w.s.expires_ms = now + life_ms;
	w.s.remember = remember;
	int rc = store_write(r->d->store, put_session, &w);
	if (rc)
		return rc;
	deskd_session_timer_arm(r->d, w.s.expires_ms);
	set_cookie(r, secret, remember ? (long)(life_ms / 1000) : -1);
	return 0;
}

static int del_session(struct store_txn *txn, void *arg)
{
	return store_session_del(txn, arg);
}

int auth_session_end(struct req *r)
{
	int rc = store_write(r->d->store, del_session, r->session_key);
	if (rc && rc != DK_ERR_NOTFOUND)
		return rc;
	set_cookie(r, "", 0);
	return 0;
}

json_t *auth_user_json(struct deskd *d, const struct user *u)
{
	json_t *j = user_to_json(u);
	if (!j)
		return NULL;
	struct org o;
	struct store_txn *txn;
	if (u->org_id && store_txn_begin(d->store, false, &txn) == 0) {
		if (store_org_get(txn, u->org_id, &o) == 0) {
			json_object_set_new(j, "org_name", json_string(o.name));
			org_free(&o);
		}
		store_txn_abort(txn);
	}
	return j;
}
