/* Stop-notification tokens, and POST /api/v1/unsubscribe (the portal's
 * page) and POST /api/v1/unsubscribe/{token} (RFC 8058 one-click, which
 * mail clients send as a form without signing in). */
#include "unsubscribe.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "validate.h"

#define KEY_NAME "mail_link_key"
#define KEY_BYTES 32
#define RAW_BYTES 48 /* user id, ticket id, MAC */
#define TOKEN_MAX 256 /* longer input is not looked at */

/* The stored signing key: 0, DK_ERR_NOTFOUND before the first one, or
 * DK_ERR_CORRUPT. */
static int key_read(struct store_txn *txn, uint8_t key[KEY_BYTES])
{
	struct dk_buf b = { 0 };
	int rc = store_meta_get_raw(txn, KEY_NAME, strlen(KEY_NAME), &b);
	if (rc == 0 && b.len != KEY_BYTES)
		rc = DK_ERR_CORRUPT;
	if (rc == 0)
		memcpy(key, b.data, KEY_BYTES);
	dk_buf_free(&b);
	return rc;
}

static int link_key(struct store_txn *txn, uint8_t key[KEY_BYTES])
{
	int rc = key_read(txn, key);
	if (rc != DK_ERR_NOTFOUND)
		return rc;
	if (RAND_bytes(key, KEY_BYTES) != 1)
		return DK_ERR_IO;
	return store_meta_put_raw(txn, KEY_NAME, strlen(KEY_NAME), key, KEY_BYTES);
}

static void be64_write(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t be64_read(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The MAC covers a purpose label too, so the key can sign other links
 * later without one kind of token passing for another. */
static int mac_of(const uint8_t key[KEY_BYTES], const uint8_t ids[16], uint8_t out[32])
{
	static const char purpose[] = "deskd unsubscribe v1";
	uint8_t msg[sizeof purpose - 1 + 16];
	unsigned int n = 32;
	memcpy(msg, purpose, sizeof purpose - 1);
	memcpy(msg + sizeof purpose - 1, ids, 16);
	return HMAC(EVP_sha256(), key, KEY_BYTES, msg, sizeof msg, out, &n) && n == 32
		       ? 0 : DK_ERR_IO;
}

int unsubscribe_token(struct store_txn *txn, uint64_t user_id, uint64_t ticket_id,
		      char out[UNSUBSCRIBE_TOKEN_LEN + 1])
{
	uint8_t key[KEY_BYTES], raw[RAW_BYTES];
	unsigned char b64[RAW_BYTES / 3 * 4 + 1];
	out[0] = '\0';
	int rc = link_key(txn, key);
	if (rc)
		return rc;
	be64_write(raw, user_id);
	be64_write(raw + 8, ticket_id);
	rc = mac_of(key, raw, raw + 16);
	OPENSSL_cleanse(key, sizeof key);
	if (rc)
		return rc;
	EVP_EncodeBlock(b64, raw, RAW_BYTES);
	for (size_t i = 0; i < UNSUBSCRIBE_TOKEN_LEN; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
	out[UNSUBSCRIBE_TOKEN_LEN] = '\0';
	return 0;
}

int unsubscribe_token_check(struct store_txn *txn, const char *token, uint64_t *user_id,
			    uint64_t *ticket_id)
{
	unsigned char b64[UNSUBSCRIBE_TOKEN_LEN + 1];
	uint8_t raw[RAW_BYTES + 3], key[KEY_BYTES], mac[32];
	*user_id = *ticket_id = 0;
	if (!token || strlen(token) != UNSUBSCRIBE_TOKEN_LEN)
		return DK_ERR_INVALID;
	for (size_t i = 0; i < UNSUBSCRIBE_TOKEN_LEN; i++) {
		char ch = token[i];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
		if (!ok)
			return DK_ERR_INVALID;
		b64[i] = ch == '-' ? '+' : ch == '_' ? '/' : (unsigned char)ch;
	}
	b64[UNSUBSCRIBE_TOKEN_LEN] = '\0';
	if (EVP_DecodeBlock(raw, b64, UNSUBSCRIBE_TOKEN_LEN) != RAW_BYTES)
		return DK_ERR_INVALID;
	int rc = key_read(txn, key);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? DK_ERR_INVALID : rc; /* nothing was ever signed */
	rc = mac_of(key, raw, mac);
	OPENSSL_cleanse(key, sizeof key);
	if (rc)
		return rc;
	if (CRYPTO_memcmp(mac, raw + 16, sizeof mac))
		return DK_ERR_INVALID;
	*user_id = be64_read(raw);
	*ticket_id = be64_read(raw + 8);
	return 0;
}

/* ---- the endpoints ---- */

struct unfollow {
	struct deskd *d;
	const char *token;
	uint64_t ticket_id;
	bool was_following;
};

static int unfollow_fn(struct store_txn *txn, void *arg)
{
	struct unfollow *u = arg;
	uint64_t user_id;
	struct ticket old, t;
	struct user who;
	u->was_following = false;
	int rc = unsubscribe_token_check(txn, u->token, &user_id, &u->ticket_id);
	if (rc)
		return rc;
	rc = store_ticket_get(txn, u->ticket_id, &old);
	if (rc)
		return rc;
	if (!id_list_has(old.followers, old.n_followers, user_id)) {
		ticket_free(&old);
		return 0; /* done already: the same answer */
	}
	bool staff = false;
	rc = store_user_get(txn, user_id, &who);
	if (rc == 0) {
		staff = role_is_staff(who.role);
		user_free(&who);
	} else if (rc != DK_ERR_NOTFOUND) {
		goto out;
	}
	rc = ticket_copy(&t, &old);
	if (rc)
		goto out;
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.version = RECORD_VERSION;
	e.kind = EVENT_UNFOLLOW;
	e.time_ms = deskd_now_ms(u->d);
	e.actor_id = user_id;
	e.from_support = staff;
	id_list_remove(t.followers, &t.n_followers, user_id);
	rc = store_event_append(txn, &t, &e);
	if (rc == 0)
		rc = store_ticket_put(txn, &old, &t);
	u->was_following = rc == 0;
	ticket_free(&t);
out:
	ticket_free(&old);
	return rc;
}

static void unfollow_run(struct req *r, const char *token)
{
	struct unfollow u = { .d = r->d, .token = token };
	int rc = store_write(r->d->store, unfollow_fn, &u);
	if (rc == DK_ERR_INVALID) {
		log_info("unsubscribe_refused", "peer", r->peer, "reason", "bad_token", NULL);
		http_reply_error(r, 400, "invalid_token",
				 "this link is not valid: copy the whole link from the message",
				 "token");
		return;
	}
	if (rc == DK_ERR_NOTFOUND) {
		http_reply_error(r, 404, "not_found", "that request no longer exists", NULL);
		return;
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		return;
	}
	char ref[48];
	ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, u.ticket_id);
	http_reply_json(r, 200, json_pack("{s:s, s:b, s:b}", "ticket", ref, "following", 0,
					  "changed", u.was_following));
}

void h_unsubscribe(struct req *r)
{
	json_t *body = http_body_json(r);
	if (!body)
		return;
	json_t *tok = json_object_get(body, "token"); /* the body is an object */
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		if (strcmp(key, "token")) {
			http_reply_error(r, 422, "unknown_field", "only token may be given", key);
			goto out;
		}
	}
	if (!tok) {
		http_reply_error(r, 422, "required", "token is required", "token");
		goto out;
	}
	if (!json_is_string(tok)) {
		http_reply_error(r, 422, "invalid_type", "token must be a string", "token");
		goto out;
	}
	unfollow_run(r, json_string_length(tok) > TOKEN_MAX ? "" : json_string_value(tok));
out:
	json_decref(body);
}

/* A browser opening the List-Unsubscribe address (clients without
 * one-click do): the portal's page, which asks before it changes anything. */
void h_unsubscribe_page(struct req *r)
{
	const char *tok = r->param ? r->param : "";
	size_t n = strlen(tok);
	if (n == 0 || n > TOKEN_MAX || strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789-_") != n) {
		http_reply_error(r, 400, "invalid_token",
				 "this link is not valid: copy the whole link from the message",
				 "token");
		return;
	}
	char location[TOKEN_MAX + 32];
	snprintf(location, sizeof location, "/#/unsubscribe/%s", tok);
	http_add_header(r, "Location", location);
	http_reply_empty(r, 303);
}

/* RFC 8058: the body is "List-Unsubscribe=One-Click" as a form; the token
 * in the address is what counts, so the body is not read. */
void h_unsubscribe_one_click(struct req *r)
{
	unfollow_run(r, r->param && strlen(r->param) <= TOKEN_MAX ? r->param : "");
}
