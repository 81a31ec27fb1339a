/*
 * The signed-in user's own profile: who am I, changing name, phone,
 * language and contact preferences, and changing the password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "hashpool.h"
#include "http.h"
#include "log.h"
#include "password.h"
#include "profile_input.h"
#include "store.h"

void h_me(struct req *r)
{
	/* the portal checks a file's size before uploading it */
	http_reply_json(r, 200, json_pack("{s:o, s:{s:I}}", "user", auth_user_json(r->d, &r->user),
					  "limits", "max_attachment_bytes",
					  (json_int_t)r->d->cfg.max_attachment_bytes));
}

/* ---- PATCH /api/v1/me ---- */

struct profile_write {
	struct req *r;
	const struct profile_input *in;
	struct user saved;   /* the stored result, for the answer */
};

static int profile_fn(struct store_txn *txn, void *arg)
{
	struct profile_write *w = arg;
	const struct profile_input *in = w->in;
	struct user old, u;
	int rc;

	/* run again from the start when the map grows: drop a previous try */
	user_free(&w->saved);
	memset(&w->saved, 0, sizeof w->saved);
	rc = store_user_get(txn, w->r->who.user_id, &old);
	if (rc)
		return rc;
	rc = user_copy(&u, &old);
	if (rc)
		goto out_old;
	if ((in->name && (rc = str_set(&u.name, in->name))) ||
	    (in->set_phone && (rc = str_set(&u.phone, in->phone))) ||
	    (in->set_language && (rc = str_set(&u.language, in->language))))
		goto out;
	if (in->set_contact)
		u.contact = in->contact;
	u.updated_ms = deskd_now_ms(w->r->d);
	rc = store_user_put(txn, &old, &u);
	if (rc == 0)
		rc = user_copy(&w->saved, &u);
out:
	user_free(&u);
out_old:
	user_free(&old);
	return rc;
}

void h_me_patch(struct req *r)
{
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct profile_input in;
	struct field_error fe;
	int rc = profile_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	struct profile_write w = { .r = r, .in = &in };
	rc = store_write(r->d->store, profile_fn, &w);
	profile_input_free(&in);
	if (rc) {
		user_free(&w.saved);
		http_reply_dk_error(r, rc);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "user", auth_user_json(r->d, &w.saved)));
	user_free(&w.saved);
}

/* ---- POST /api/v1/me/password ---- */

/* One password change on its way through the hashing pool: the old
 * password is checked on a worker, then the new one hashed on a worker,
 * then the hash stored on the loop. */
struct pw_change {
	struct req *r;
	char *checked_hash;  /* the stored hash the old password matched */
	char *new_password;  /* wiped when done */
	const char *hash;    /* the new hash, during the write */
	size_t ended;        /* other sessions ended */
};

static void pw_free(struct pw_change *c)
{
	if (c->new_password) {
		explicit_bzero(c->new_password, strlen(c->new_password));
		free(c->new_password);
	}
	free(c->checked_hash);
	free(c);
}

static void reply_busy(struct req *r)
{
	http_add_header(r, "Retry-After", "1");
	http_reply_error(r, 503, "busy", "too many password checks at once; try again in a moment",
			 NULL);
}

static int pw_store_fn(struct store_txn *txn, void *arg)
{
	struct pw_change *c = arg;
	struct req *r = c->r;
	struct user old, u;
	int rc;

	c->ended = 0;
	rc = store_user_get(txn, r->who.user_id, &old);
	if (rc)
		return rc;
	/* changed by someone else since the check: the check no longer holds */
	if (!old.password_hash || strcmp(old.password_hash, c->checked_hash)) {
		rc = DK_ERR_CONFLICT;
		goto out_old;
	}
	rc = user_copy(&u, &old);
	if (rc)
		goto out_old;
	rc = str_set(&u.password_hash, c->hash);
	if (rc)
		goto out;
	u.updated_ms = deskd_now_ms(r->d);
	rc = store_user_put(txn, &old, &u);
	/* whoever knew the old password is signed out everywhere else; the
	 * browser making the change stays signed in, API tokens stay valid */
	if (rc == 0)
		rc = store_session_del_user(txn, u.id, SESSION_BROWSER, r->session_key, &c->ended);
out:
	user_free(&u);
out_old:
	user_free(&old);
	return rc;
}

static void pw_hashed(const char *hash, void *arg)
{
	struct pw_change *c = arg;
	struct req *r = c->r;
	if (!hash) {
		log_error("password_hash_failed", NULL);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		goto out;
	}
	c->hash = hash;
	int rc = store_write(r->d->store, pw_store_fn, c);
	if (rc == DK_ERR_CONFLICT) {
		http_reply_error(r, 409, "conflict",
				 "the password was changed meanwhile; sign in again and retry", NULL);
		goto out;
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	char uid[24], n[24];
	snprintf(uid, sizeof uid, "%llu", (unsigned long long)r->who.user_id);
	snprintf(n, sizeof n, "%zu", c->ended);
	log_info("password_changed", "user", uid, "sessions_ended", n, NULL);
	http_reply_empty(r, 204);
out:
	pw_free(c);
}

static void pw_checked(bool match, void *arg)
{
	struct pw_change *c = arg;
	struct req *r = c->r;
	if (!match) {
		http_reply_error(r, 422, "invalid_value", "the current password is not right",
				 "old_password");
		pw_free(c);
		return;
	}
	if (hashpool_hash(r->d->pool, c->new_password, pw_hashed, c)) {
		reply_busy(r);
		pw_free(c);
	}
}

void h_me_password(struct req *r)
{
	json_t *body = http_body_json(r);
	if (!body)
		return;
	struct password_input in;
	struct field_error fe;
	int rc = password_change_parse(body, &in, &fe);
	json_decref(body);
	if (rc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	struct pw_change *c = calloc(1, sizeof *c);
	const char *stored = r->user.password_hash;
	if (!c || (stored && !(c->checked_hash = strdup(stored))) ||
	    !(c->new_password = strdup(in.new_password))) {
		password_input_free(&in);
		if (c)
			pw_free(c);
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	c->r = r;
	/* a user without a password (NULL) is checked against a dummy hash
	 * and never matches */
	rc = hashpool_check(r->d->pool, stored, in.old_password, pw_checked, c);
	password_input_free(&in);
	if (rc) {
		pw_free(c);
		reply_busy(r);
		return;
	}
	http_go_async(r);
}
