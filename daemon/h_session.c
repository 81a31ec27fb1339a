/* Signing in and out; the health check. */
#include <stdlib.h>
#include <string.h>

#include "account_limit.h"
#include "auth.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "hashpool.h"
#include "http.h"
#include "json_map.h"
#include "secret.h"
#include "store.h"

struct login {
	struct req *r;
	struct user user; /* zeroed when the e-mail is unknown */
	bool found;
	bool remember;
	char *email;      /* as sent, for the failure count */
};

static void login_checked(bool match, void *arg)
{
	struct login *l = arg;
	struct req *r = l->r;
	bool ok = match && l->found && !l->user.disabled;
	account_login_result(r, l->email, ok);
	if (!ok) {
		/* The same answer for an unknown e-mail, a wrong password and a
		 * disabled account, so none of them can be told apart. */
		http_reply_error(r, 401, "invalid_credentials", "wrong e-mail or password", NULL);
		goto out;
	}
	char csrf[SECRET_TEXT_LEN + 1];
	int rc = auth_session_start(r, &l->user, l->remember, csrf);
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	http_reply_json(r, 200, json_pack("{s:o, s:s}", "user", auth_user_json(r->d, &l->user), "csrf", csrf));
out:
	user_free(&l->user);
	free(l->email);
	free(l);
}

void h_session_create(struct req *r)
{
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct login_input in;
	struct field_error fe;
	int rc = login_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	if (!account_login_allowed(r, in.email)) {
		login_input_free(&in);
		return;
	}
	struct login *l = calloc(1, sizeof *l);
	if (l && !(l->email = strdup(in.email))) {
		free(l);
		l = NULL;
	}
	if (!l) {
		login_input_free(&in);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	l->r = r;
	l->remember = in.remember;
	struct store_txn *txn;
	rc = store_txn_begin(r->d->store, false, &txn);
	if (rc == 0) {
		rc = store_user_by_email(txn, in.email, &l->user);
		store_txn_abort(txn);
	}
	if (rc && rc != DK_ERR_NOTFOUND) {
		login_input_free(&in);
		free(l->email);
		free(l);
		http_reply_dk_error(r, rc);
		return;
	}
	l->found = rc == 0 && l->user.password_hash;
	if (hashpool_check(r->d->pool, l->found ? l->user.password_hash : NULL, in.password,
			   login_checked, l)) {
		login_input_free(&in);
		user_free(&l->user);
		free(l->email);
		free(l);
		http_add_header(r, "Retry-After", "1");
		http_reply_error(r, 503, "busy", "too many sign-ins at once; try again in a moment", NULL);
		return;
	}
	login_input_free(&in);
	http_go_async(r);
}

void h_session_delete(struct req *r)
{
	if (!r->by_cookie) {
		http_reply_error(r, 400, "not_a_session",
				 "API tokens are revoked by an administrator, not signed out", NULL);
		return;
	}
	int rc = auth_session_end(r);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	http_reply_empty(r, 204);
}

void h_health(struct req *r)
{
	struct store_txn *txn;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc) {
		http_reply_error(r, 503, "unhealthy", "the database cannot be read", NULL);
		return;
	}
	store_txn_abort(txn);
	http_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}
