/* One file into the blobs and attachments tables. */
#include "attachment_store.h"

#include <event2/buffer.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "store.h"
#include "utf8.h"

char *attachment_clean_name(const char *s)
{
	char *out = strdup(s);
	for (unsigned char *p = (unsigned char *)out; out && *p;) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			free(out);
			return NULL;
		}
		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			*p = '_';
		p += n;
	}
	return out;
}

bool attachment_type_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > ATTACHMENT_TYPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return true;
}

int attachment_store(struct store_txn *txn, struct attachment *a, struct evbuffer *body,
		     uint8_t *chunk)
{
	uint8_t head[16];
	size_t len = evbuffer_get_length(body);
	ev_ssize_t hn = evbuffer_copyout(body, head, sizeof head);
	snprintf(a->sniffed_type, sizeof a->sniffed_type, "%s",
		 attachment_sniff(head, hn > 0 ? (size_t)hn : 0));
	a->size = len;
	a->id = 0;
	int rc = store_seq_next(txn, "attachment", 0, &a->id);
	if (rc)
		return rc;

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return DK_ERR_NOMEM;
	}
	struct evbuffer_ptr pos;
	size_t off = 0;
	for (uint32_t no = 0; rc == 0 && off < len; no++) {
		size_t n = len - off < ATTACHMENT_CHUNK ? len - off : ATTACHMENT_CHUNK;
		if (evbuffer_ptr_set(body, &pos, off, EVBUFFER_PTR_SET) ||
		    evbuffer_copyout_from(body, &pos, chunk, n) != (ev_ssize_t)n) {
			rc = DK_ERR_IO;
			break;
		}
		EVP_DigestUpdate(ctx, chunk, n);
		rc = store_blob_put(txn, a->id, no, chunk, n);
		off += n;
	}
	uint8_t md[32];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(a->sha256 + 2 * i, 3, "%02x", md[i]);
	if (rc == 0)
		rc = store_attachment_put(txn, a);
	return rc;
}
