#include "link_token.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "deskd.h"
#include "dk_err.h"
#include "store.h"

int link_token_new(struct deskd *d, struct link_token *t)
{
	memset(t, 0, sizeof *t);
	if (secret_new(t->secret))
		return DK_ERR_IO;
	secret_sha256(t->secret, strlen(t->secret), t->key);
	t->expires_ms = deskd_now_ms(d) + (int64_t)d->cfg.link_hours * 3600000;
	return 0;
}

int link_token_store(struct deskd *d, struct store_txn *txn, const struct link_token *t,
		     enum session_kind kind, uint64_t user_id, const char *email, uint64_t org_id,
		     const char *name, const char *language)
{
	/* the strings are borrowed: the record is only encoded, never freed */
	struct session s = {
		.version = RECORD_VERSION,
		.kind = kind,
		.user_id = user_id,
		.created_ms = deskd_now_ms(d),
		.expires_ms = t->expires_ms,
		.email = (char *)email,
		.org_id = org_id,
		.name = (char *)name,
		.language = (char *)language,
	};
	return store_session_put(txn, t->key, &s);
}

int link_token_url(const struct deskd *d, const char *page, const char *secret, char *out,
		   size_t size)
{
	const char *base = d->cfg.base_url;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	int w = snprintf(out, size, "%.*s/#/%s%s%s", (int)n, base, page, secret ? "/" : "",
			 secret ? secret : "");
	return w < 0 || (size_t)w >= size ? DK_ERR_INVALID : 0;
}

int link_token_find(struct deskd *d, struct store_txn *txn, const char *secret, unsigned kinds,
		    struct session *out, uint8_t key[32])
{
	memset(out, 0, sizeof *out);
	if (!secret || !auth_secret_shape_ok(secret))
		return DK_ERR_NOTFOUND;
	secret_sha256(secret, strlen(secret), key);
	int rc = store_session_get(txn, key, out);
	if (rc)
		return rc;
	if (!(kinds & LINK_KIND(out->kind)) || !out->expires_ms ||
	    out->expires_ms <= deskd_now_ms(d)) {
		session_free(out);
		return DK_ERR_NOTFOUND;
	}
	return 0;
}
