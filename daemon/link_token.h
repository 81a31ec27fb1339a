/*
 * One-time links sent by e-mail (activation, password reset, invitation).
 * The secret goes into the link only; the database keeps its SHA-256 as a
 * session of a one-time kind, expiring after [accounts] link_hours and
 * purged by the session expiry timer. A link is used up by deleting that
 * session in the transaction that acts on it.
 */
#ifndef DESKD_LINK_TOKEN_H
#define DESKD_LINK_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "secret.h"

struct deskd;
struct store_txn;

/* A fresh secret and its key (SHA-256), made before the write transaction
 * so a retried transaction stores the same link. */
struct link_token {
	char secret[SECRET_TEXT_LEN + 1];
	uint8_t key[32];
	int64_t expires_ms;
};
int link_token_new(struct deskd *d, struct link_token *t);

/* Stores t as a session of kind for user_id (0 for a sign-up) carrying
 * the sign-up's email, org_id, name and language (NULL, 0 where none).
 * After the commit, call deskd_session_timer_arm(d, t->expires_ms). */
int link_token_store(struct deskd *d, struct store_txn *txn, const struct link_token *t,
		     enum session_kind kind, uint64_t user_id, const char *email, uint64_t org_id,
		     const char *name, const char *language);

/* The portal address of a link: base_url "/#/" page "/" secret, into out.
 * 0, or DK_ERR_INVALID when it does not fit. */
int link_token_url(const struct deskd *d, const char *page, const char *secret, char *out,
		   size_t size);

/* Finds the unexpired one-time session for secret whose kind is in
 * kinds (a bit mask of 1 << kind): 0 with *out and key filled (session_free
 * it), or DK_ERR_NOTFOUND for a secret of the wrong shape, unknown, of
 * another kind or expired. */
int link_token_find(struct deskd *d, struct store_txn *txn, const char *secret, unsigned kinds,
		    struct session *out, uint8_t key[32]);

#define LINK_KIND(k) (1u << (k))

#endif
