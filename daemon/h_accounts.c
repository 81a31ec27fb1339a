/*
 * Accounts by e-mail: sign-up and its activation link, the forgotten
 * password and its reset link, and the invitation link of an approved
 * access request (activated like a sign-up). Sign-up and forgotten
 * password answer 202 with the same body whether or not the address has
 * an account, may sign up, or gets mail, so the answer tells nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account_input.h"
#include "account_limit.h"
#include "auth.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "hashpool.h"
#include "http.h"
#include "link_token.h"
#include "log.h"
#include "notify.h"
#include "store.h"

#define LINK_URL_MAX 512

/* The parsers in the shape HTTP_PARSE_BODY calls. */
static int signup_parse_profile(const json_t *b, struct signup_input *o, struct field_error *e)
{
	return signup_parse(b, true, o, e);
}

static int signup_parse_email(const json_t *b, struct signup_input *o, struct field_error *e)
{
	return signup_parse(b, false, o, e);
}

static int token_parse_named(const json_t *b, struct token_input *o, struct field_error *e)
{
	return token_parse(b, true, o, e);
}

static int token_parse_plain(const json_t *b, struct token_input *o, struct field_error *e)
{
	return token_parse(b, false, o, e);
}

static void reply_accepted(struct req *r)
{
	http_reply_json(r, 202, json_pack("{s:s}", "status", "accepted"));
}

static void reply_busy(struct req *r)
{
	http_add_header(r, "Retry-After", "1");
	http_reply_error(r, 503, "busy", "too many password checks at once; try again in a moment",
			 NULL);
}

static void reply_bad_link(struct req *r)
{
	http_reply_error(r, 400, "invalid_token",
			 "this link is not valid: it was used already, has expired or was "
			 "mistyped", "token");
}

/* ---- POST /api/v1/signup ---- */

struct org_match {
	const char *domain;
	uint64_t org_id;
};

static int match_domain(const struct org *o, void *arg)
{
	struct org_match *m = arg;
	for (size_t i = 0; i < o->n_domains; i++)
		if (o->domains[i] && strcasecmp(o->domains[i], m->domain) == 0) {
			m->org_id = o->id;
			return STORE_WALK_STOP;
		}
	return 0;
}

struct signup {
	struct req *r;
	const struct signup_input *in;
	struct link_token link;
	bool issued;
};

static int signup_fn(struct store_txn *txn, void *arg)
{
	struct signup *s = arg;
	struct deskd *d = s->r->d;
	char url[LINK_URL_MAX];
	struct user u;
	int rc;

	s->issued = false;
	rc = store_user_by_email(txn, s->in->email, &u);
	if (rc == 0) {
		/* someone tried to sign up with an address that has an account:
		 * its owner hears of it and is pointed at the reset */
		if (!u.disabled && u.email && (rc = link_token_url(d, "forgot", NULL, url, sizeof url)) == 0)
			rc = notify_account(d, txn, "signup_known", u.email, u.name,
					    u.language ? u.language : s->in->language, url);
		user_free(&u);
		return rc;
	}
	if (rc != DK_ERR_NOTFOUND || !d->cfg.signup)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	struct org_match m = { strchr(s->in->email, '@') + 1, 0 };
	rc = store_orgs_each(txn, match_domain, &m);
	if (rc == STORE_WALK_STOP)
		rc = 0;
	if (rc || !m.org_id)
		return rc;
	rc = link_token_store(d, txn, &s->link, SESSION_ACTIVATION, 0, s->in->email, m.org_id,
			      s->in->name, s->in->language);
	if (rc == 0)
		rc = link_token_url(d, "activate", s->link.secret, url, sizeof url);
	if (rc == 0)
		rc = notify_account(d, txn, "activation", s->in->email, s->in->name, s->in->language,
				    url);
	s->issued = rc == 0;
	return rc;
}

void h_signup(struct req *r)
{
	struct signup_input in;
	if (HTTP_PARSE_BODY(r, signup_parse_profile, &in))
		return;
	if (!account_limit_pass(r, in.email)) {
		signup_input_free(&in);
		return;
	}
	struct signup s = { .r = r, .in = &in };
	int rc = link_token_new(r->d, &s.link);
	if (rc == 0)
		rc = store_write(r->d->store, signup_fn, &s);
	signup_input_free(&in);
	explicit_bzero(s.link.secret, sizeof s.link.secret);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	if (s.issued)
		deskd_session_timer_arm(r->d, s.link.expires_ms);
	reply_accepted(r);
}

/* ---- POST /api/v1/password/forgot ---- */

struct forgot {
	struct req *r;
	const char *email;
	struct link_token link;
	bool issued;
};

static int forgot_fn(struct store_txn *txn, void *arg)
{
	struct forgot *f = arg;
	struct deskd *d = f->r->d;
	char url[LINK_URL_MAX];
	struct user u;
	int rc;

	f->issued = false;
	rc = store_user_by_email(txn, f->email, &u);
	if (rc == DK_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (u.disabled || !u.email)
		goto out;
	/* only the newest link works */
	rc = store_session_del_user(txn, u.id, SESSION_RESET, NULL, NULL);
	if (rc == 0)
		rc = link_token_store(d, txn, &f->link, SESSION_RESET, u.id, NULL, 0, NULL, NULL);
	if (rc == 0)
		rc = link_token_url(d, "reset", f->link.secret, url, sizeof url);
	if (rc == 0)
		rc = notify_account(d, txn, "reset", u.email, u.name, u.language, url);
	f->issued = rc == 0;
out:
	user_free(&u);
	return rc;
}

void h_password_forgot(struct req *r)
{
	struct signup_input in;
	if (HTTP_PARSE_BODY(r, signup_parse_email, &in))
		return;
	if (!account_limit_pass(r, in.email)) {
		signup_input_free(&in);
		return;
	}
	struct forgot f = { .r = r, .email = in.email };
	int rc = link_token_new(r->d, &f.link);
	if (rc == 0)
		rc = store_write(r->d->store, forgot_fn, &f);
	signup_input_free(&in);
	explicit_bzero(f.link.secret, sizeof f.link.secret);
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	if (f.issued)
		deskd_session_timer_arm(r->d, f.link.expires_ms);
	reply_accepted(r);
}

/* ---- activation and reset: the link's secret and a new password ---- */

struct use_link {
	struct req *r;
	bool activate;        /* activation or invitation; else reset */
	char *secret;         /* wiped when done */
	char *name;
	const char *hash;     /* the new password's hash, during the write */
	struct user saved;    /* the account, for signing in */
	size_t ended;         /* browser sessions ended by a reset */
	int refusal;          /* why the write refused: see refuse_link */
};

enum { REFUSE_NONE, REFUSE_LINK, REFUSE_EXISTS };

static void use_free(struct use_link *u)
{
	if (u->secret) {
		explicit_bzero(u->secret, strlen(u->secret));
		free(u->secret);
	}
	free(u->name);
	user_free(&u->saved);
	free(u);
}

/* Makes the account a sign-up link promised: a customer of its
 * organisation. */
static int activation_user(struct use_link *u, struct store_txn *txn, const struct session *s)
{
	struct org o;
	struct user nu;
	int rc;

	if (!s->email || !s->org_id) {
		u->refusal = REFUSE_LINK;
		return DK_ERR_CONFLICT;
	}
	rc = store_user_by_email(txn, s->email, &nu);
	if (rc == 0) {
		user_free(&nu);
		u->refusal = REFUSE_EXISTS;
		return DK_ERR_CONFLICT;
	}
	if (rc != DK_ERR_NOTFOUND)
		return rc;
	/* the organisation may have gone meanwhile */
	rc = store_org_get(txn, s->org_id, &o);
	if (rc == DK_ERR_NOTFOUND) {
		u->refusal = REFUSE_LINK;
		return DK_ERR_CONFLICT;
	}
	if (rc)
		return rc;
	org_free(&o);
	memset(&nu, 0, sizeof nu);
	nu.version = RECORD_VERSION;
	nu.org_id = s->org_id;
	nu.role = ROLE_CUSTOMER;
	nu.email = s->email;
	nu.name = u->name;
	nu.password_hash = (char *)u->hash;
	nu.language = s->language;
	nu.created_ms = nu.updated_ms = deskd_now_ms(u->r->d);
	nu.contact = CONTACT_EMAIL;
	rc = store_user_put(txn, NULL, &nu);
	if (rc == DK_ERR_EXISTS) {
		u->refusal = REFUSE_EXISTS;
		return DK_ERR_CONFLICT;
	}
	if (rc == 0)
		rc = user_copy(&u->saved, &nu);
	return rc;
}

/* Sets the password (and with an invitation the name) of the link's user. */
static int existing_user(struct use_link *u, struct store_txn *txn, const struct session *s)
{
	struct user old, nu;
	int rc;

	rc = store_user_get(txn, s->user_id, &old);
	if (rc == DK_ERR_NOTFOUND) {
		u->refusal = REFUSE_LINK;
		return DK_ERR_CONFLICT;
	}
	if (rc)
		return rc;
	if (old.disabled) {
		user_free(&old);
		u->refusal = REFUSE_LINK;
		return DK_ERR_CONFLICT;
	}
	rc = user_copy(&nu, &old);
	if (rc == 0 && u->name)
		rc = str_set(&nu.name, u->name);
	if (rc == 0)
		rc = str_set(&nu.password_hash, u->hash);
	if (rc == 0) {
		nu.updated_ms = deskd_now_ms(u->r->d);
		rc = store_user_put(txn, &old, &nu);
	}
	/* whoever knew the old password is signed out; every link of this
	 * user is used up, this one included */
	if (rc == 0)
		rc = store_session_del_user(txn, nu.id, SESSION_BROWSER, NULL, &u->ended);
	if (rc == 0)
		rc = store_session_del_user(txn, nu.id, SESSION_RESET, NULL, NULL);
	if (rc == 0)
		rc = store_session_del_user(txn, nu.id, SESSION_INVITATION, NULL, NULL);
	if (rc == 0)
		rc = user_copy(&u->saved, &nu);
	user_free(&nu);
	user_free(&old);
	return rc;
}

static int use_fn(struct store_txn *txn, void *arg)
{
	struct use_link *u = arg;
	struct session s;
	uint8_t key[32];
	unsigned kinds = u->activate ? LINK_KIND(SESSION_ACTIVATION) | LINK_KIND(SESSION_INVITATION)
				     : LINK_KIND(SESSION_RESET);
	int rc;

	u->refusal = REFUSE_NONE;
	u->ended = 0;
	user_free(&u->saved);
	/* looked up again: another request may have used it meanwhile */
	rc = link_token_find(u->r->d, txn, u->secret, kinds, &s, key);
	if (rc == DK_ERR_NOTFOUND) {
		u->refusal = REFUSE_LINK;
		return DK_ERR_CONFLICT;
	}
	if (rc)
		return rc;
	if (s.kind == SESSION_ACTIVATION)
		rc = activation_user(u, txn, &s);
	else
		rc = existing_user(u, txn, &s);
	/* used up; existing_user may have deleted it with the user's links */
	if (rc == 0) {
		rc = store_session_del(txn, key);
		if (rc == DK_ERR_NOTFOUND)
			rc = 0;
	}
	session_free(&s);
	return rc;
}

static void link_hashed(const char *hash, void *arg)
{
	struct use_link *u = arg;
	struct req *r = u->r;
	char csrf[SECRET_TEXT_LEN + 1];
	char uid[24], n[24];

	if (!hash) {
		log_error("password_hash_failed", NULL);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		goto out;
	}
	u->hash = hash;
	int rc = store_write(r->d->store, use_fn, u);
	if (rc == DK_ERR_CONFLICT && u->refusal == REFUSE_EXISTS) {
		http_reply_error(r, 409, "account_exists",
				 "this address has an account already; sign in or reset its "
				 "password", NULL);
		goto out;
	}
	if (rc == DK_ERR_CONFLICT) {
		reply_bad_link(r);
		goto out;
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	snprintf(uid, sizeof uid, "%llu", (unsigned long long)u->saved.id);
	snprintf(n, sizeof n, "%zu", u->ended);
	if (!u->activate) {
		log_info("password_reset", "user", uid, "sessions_ended", n, NULL);
		http_reply_empty(r, 204);
		goto out;
	}
	log_info("account_activated", "user", uid, NULL);
	rc = auth_session_start(r, &u->saved, false, csrf);
	if (rc) {
		/* the account is there: the person signs in themselves */
		http_reply_json(r, 201, json_pack("{s:o, s:n}", "user",
						  auth_user_json(r->d, &u->saved), "csrf"));
		goto out;
	}
	http_reply_json(r, 201, json_pack("{s:o, s:s}", "user", auth_user_json(r->d, &u->saved),
					  "csrf", csrf));
out:
	use_free(u);
}

/* Checks the link before the costly hash, so a dead link is told at once. */
static int link_alive(struct req *r, const char *secret, unsigned kinds)
{
	struct store_txn *txn;
	struct session s;
	uint8_t key[32];
	int rc = store_txn_begin(r->d->store, false, &txn);

	if (rc)
		return rc;
	rc = link_token_find(r->d, txn, secret, kinds, &s, key);
	store_txn_abort(txn);
	session_free(&s);
	return rc;
}

static void use_link(struct req *r, bool activate)
{
	int (*parse)(const json_t *, struct token_input *, struct field_error *) =
		activate ? token_parse_named : token_parse_plain;
	struct token_input in;
	if (HTTP_PARSE_BODY(r, parse, &in))
		return;
	if (!account_limit_pass(r, NULL)) {
		token_input_free(&in);
		return;
	}
	unsigned kinds = activate ? LINK_KIND(SESSION_ACTIVATION) | LINK_KIND(SESSION_INVITATION)
				  : LINK_KIND(SESSION_RESET);
	int rc = link_alive(r, in.token, kinds);
	if (rc) {
		token_input_free(&in);
		if (rc == DK_ERR_NOTFOUND)
			reply_bad_link(r);
		else
			http_reply_dk_error(r, rc);
		return;
	}
	struct use_link *u = calloc(1, sizeof *u);
	if (!u || !(u->secret = strdup(in.token)) || (in.name && !(u->name = strdup(in.name)))) {
		token_input_free(&in);
		if (u)
			use_free(u);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	u->r = r;
	u->activate = activate;
	rc = hashpool_hash(r->d->pool, in.password, link_hashed, u);
	token_input_free(&in);
	if (rc) {
		use_free(u);
		reply_busy(r);
		return;
	}
	http_go_async(r);
}

void h_signup_activate(struct req *r)
{
	use_link(r, true);
}

void h_password_reset(struct req *r)
{
	use_link(r, false);
}
