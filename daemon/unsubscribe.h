/*
 * Stop-notification links: a token that names one user and one ticket,
 * signed with HMAC-SHA256 under a server secret kept in the meta table
 * (made on first use, so dumps and backups carry it and old links keep
 * working after a restore). Holding the token is the permission: the link
 * works without signing in, and only removes that user from that ticket's
 * followers.
 */
#ifndef DESKD_UNSUBSCRIBE_H
#define DESKD_UNSUBSCRIBE_H

#include <stddef.h>
#include <stdint.h>

struct store_txn;

#define UNSUBSCRIBE_TOKEN_LEN 64 /* base64url of ids and MAC, no padding */

/* The token of (user_id, ticket_id) into out; makes the secret when there
 * is none (txn must then be a write transaction). 0 or a dk_err. */
int unsubscribe_token(struct store_txn *txn, uint64_t user_id, uint64_t ticket_id,
		      char out[UNSUBSCRIBE_TOKEN_LEN + 1]);
/* Checks token: 0 and the ids it names, DK_ERR_INVALID for anything that
 * is not a token this server signed, or another dk_err. */
int unsubscribe_token_check(struct store_txn *txn, const char *token, uint64_t *user_id,
			    uint64_t *ticket_id);

#endif
