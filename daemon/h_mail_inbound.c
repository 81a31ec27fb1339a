/* POST /api/v1/mail/inbound: the mail gateway (deskctl mail-in) hands over
 * one parsed message. A reply to a ticket becomes a public comment by its
 * sender; a new message from a customer opens a ticket. Only the gateway,
 * holding the key whose hash is in the database, may call it. */
#include <event2/buffer.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attachment_store.h"
#include "auth.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "mail_inbound.h"
#include "mail_reply.h"
#include "secret.h"
#include "store.h"
#include "ticket_change.h"
#include "ticket_create.h"
#include "ticket_input.h"
#include "ticket_view.h"
#include "workflow.h"

#define KEY_HEADER "X-Deskd-Mail-Key"

static bool key_ok(struct req *r)
{
	const char *key = http_header(r, KEY_HEADER);
	uint8_t want[32], got[32];
	struct store_txn *txn;
	if (!key || !*key || strlen(key) > 256)
		return false;
	if (store_txn_begin(r->d->store, false, &txn))
		return false;
	int rc = store_mail_in_key_get(txn, want);
	store_txn_abort(txn);
	if (rc)
		return false;
	secret_sha256(key, strlen(key), got);
	return CRYPTO_memcmp(want, got, sizeof got) == 0;
}

/* The sender as an active user: 0, or DK_ERR_NOTFOUND for an unknown or
 * disabled address. */
static int sender_load(struct req *r, const char *from)
{
	char email[EMAIL_MAX_BYTES + 1];
	struct store_txn *txn;
	email_fold(from, email, sizeof email);
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc)
		return rc;
	rc = store_user_by_email(txn, email, &r->user);
	store_txn_abort(txn);
	if (rc)
		return rc;
	if (r->user.disabled || !role_name(r->user.role)) {
		user_free(&r->user);
		memset(&r->user, 0, sizeof r->user);
		return DK_ERR_NOTFOUND;
	}
	/* the message acts as its sender, as a signed-in request would */
	auth_act_as(r);
	return 0;
}

static int seen(struct req *r, const uint8_t hash[32], uint64_t *ticket_id)
{
	struct store_txn *txn;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc)
		return rc;
	rc = store_mail_in_seen(txn, hash, ticket_id);
	store_txn_abort(txn);
	return rc;
}

static const char *lang_of(const struct user *u)
{
	const char *l = u->language;
	return l && (!strcmp(l, "nl") || !strcmp(l, "sv")) ? l : "en";
}

/* The text of a reply that brought files and no words: a comment needs
 * some. */
static const char *files_only(const char *lang)
{
	return !strcmp(lang, "nl")   ? "Bestanden per e-mail gestuurd."
	       : !strcmp(lang, "sv") ? "Filer skickade med e-post."
				     : "Files sent by e-mail.";
}

/* A file larger than the limit refuses the whole message, as the upload
 * endpoint refuses it: the sender learns it from the bounce, and nothing
 * is half recorded. 0, or -1 after replying 413. */
static int files_fit(struct req *r, const struct mail_inbound *m)
{
	size_t limit = r->d->cfg.max_attachment_bytes;
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct mail_attachment *a = &m->attachments[i];
		if (a->data_len <= limit)
			continue;
		char msg[192];
		snprintf(msg, sizeof msg,
			 "the attachment \"%.80s\" is larger than the limit of %zu bytes",
			 *a->name ? a->name : "-", limit);
		http_reply_error(r, 413, "too_large", msg, "attachments");
		return -1;
	}
	return 0;
}

/* Stores the message's files on event seq of the ticket, as the sender's
 * uploads; inside the transaction that writes the event. */
static int store_files(struct req *r, struct store_txn *txn, const struct mail_inbound *m,
		       uint64_t ticket_id, uint32_t seq)
{
	if (m->n_attachments == 0)
		return 0;
	uint8_t *chunk = malloc(ATTACHMENT_CHUNK);
	struct attachment *a = malloc(sizeof *a);
	struct evbuffer *body = NULL;
	int rc = chunk && a ? 0 : DK_ERR_NOMEM;
	for (size_t i = 0; rc == 0 && i < m->n_attachments; i++) {
		const struct mail_attachment *f = &m->attachments[i];
		char *name = NULL;
		attachment_init(a);
		a->ticket_id = ticket_id;
		a->event_seq = seq;
		a->uploader_id = r->who.user_id;
		a->created_ms = deskd_now_ms(r->d);
		if (*f->name && (name = attachment_clean_name(f->name)))
			snprintf(a->name, sizeof a->name, "%s", name);
		else
			snprintf(a->name, sizeof a->name, "attachment-%zu", i + 1);
		free(name);
		snprintf(a->declared_type, sizeof a->declared_type, "%s",
			 attachment_type_ok(f->type) ? f->type : "");
		/* the bytes are read in place, not copied */
		body = evbuffer_new();
		if (!body || (f->data_len && evbuffer_add_reference(body, f->data, f->data_len,
								    NULL, NULL)))
			rc = DK_ERR_NOMEM;
		else
			rc = attachment_store(txn, a, body, chunk);
		if (body)
			evbuffer_free(body);
	}
	free(chunk);
	free(a);
	return rc;
}

/* text, cut to fit TEXT_MAX_BYTES with the note after a blank line. */
static char *with_note(const char *text, const char *note)
{
	size_t nlen = strlen(note);
	size_t room = TEXT_MAX_BYTES - (nlen ? nlen + 2 : 0);
	size_t tlen = mail_text_cut(text, strlen(text), room);
	char *out = malloc(tlen + nlen + 3);
	if (!out)
		return NULL;
	memcpy(out, text, tlen);
	size_t n = tlen;
	if (nlen) {
		if (n) {
			out[n++] = '\n';
			out[n++] = '\n';
		}
		memcpy(out + n, note, nlen);
		n += nlen;
	}
	out[n] = '\0';
	return out;
}

/* ---- a reply: a comment on its ticket ---- */

struct reply {
	const char *body;
	const uint8_t *id_hash; /* NULL: the message has no Message-ID */
	const struct mail_inbound *m;
};

static int apply_reply(struct ticket_change *c, struct store_txn *txn, struct ticket *t)
{
	const struct reply *rp = c->input;
	int rc = ticket_change_refuse_final(c, t);
	if (rc)
		return rc;
	if (!access_ticket_comment(&c->r->who, t))
		return DK_ERR_NOTFOUND; /* as unknown */
	if (rp->id_hash) {
		rc = store_mail_in_note(txn, rp->id_hash, t->id, deskd_now_ms(c->r->d));
		if (rc == DK_ERR_EXISTS)
			return ticket_change_refuse(c, 409, "duplicate", "message_id",
						    "this message was recorded before");
		if (rc)
			return rc;
	}
	/* as a comment in the portal, its files on it */
	uint32_t seq = t->event_count + 1;
	rc = ticket_change_comment(c, txn, t, rp->body, false);
	return rc ? rc : store_files(c->r, txn, rp->m, t->id, seq);
}

static void reply_to(struct req *r, const struct mail_inbound *m, uint64_t id,
		     const uint8_t *id_hash)
{
	char *text = mail_reply_extract(m->text ? m->text : "", m->text ? strlen(m->text) : 0,
					NULL);
	if (!text) {
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	const char *note = *text || !m->n_attachments ? "" : files_only(lang_of(&r->user));
	if (!*text && !*note) {
		free(text);
		http_reply_error(r, 422, "empty_text",
				 "the reply holds no text above the quoted message", "text");
		return;
	}
	char *body = with_note(text, note);
	free(text);
	if (!body) {
		http_reply_dk_error(r, DK_ERR_NOMEM);
		return;
	}
	struct reply rp = { body, id_hash, m };
	struct ticket_change c = { .r = r, .id = id, .apply = apply_reply, .input = &rp };
	ticket_change_run(r, &c, 201);
	free(body);
}

/* ---- a new message: a new ticket ---- */

static int note_hook(struct store_txn *txn, const struct ticket *t, void *arg)
{
	struct req *r = ((void **)arg)[0];
	const uint8_t *hash = ((void **)arg)[1];
	const struct mail_inbound *m = ((void **)arg)[2];
	int rc = hash ? store_mail_in_note(txn, hash, t->id, deskd_now_ms(r->d)) : 0;
	/* the files go on the creation event, the description */
	return rc ? rc : store_files(r, txn, m, t->id, 1);
}

/* Cc addresses of enabled users of the sender's organisation. */
static int colleagues(struct req *r, const struct mail_inbound *m, json_t *out)
{
	struct store_txn *txn;
	int rc = store_txn_begin(r->d->store, false, &txn);
	if (rc)
		return rc;
	for (size_t i = 0; i < m->n_cc && json_array_size(out) < PARTICIPANTS_MAX; i++) {
		char email[EMAIL_MAX_BYTES + 1];
		struct user u;
		email_fold(m->cc[i], email, sizeof email);
		if (store_user_by_email(txn, email, &u))
			continue;
		if (!u.disabled && u.org_id == r->user.org_id && u.id != r->user.id &&
		    !role_is_staff(u.role))
			rc = json_array_append_new(out, json_string(email)) ? DK_ERR_NOMEM : 0;
		user_free(&u);
		if (rc)
			break;
	}
	store_txn_abort(txn);
	return rc;
}

static void open_ticket(struct req *r, const struct mail_inbound *m, const uint8_t *id_hash)
{
	if (role_is_staff(r->who.role)) {
		http_reply_error(r, 403, "forbidden",
				 "support staff register tickets for customers in the portal; "
				 "reply to a ticket's mail to comment on it",
				 NULL);
		return;
	}
	if (!access_ticket_create(&r->who)) {
		http_reply_error(r, 403, "forbidden", "your account may not open tickets", NULL);
		return;
	}
	char *title = mail_inbound_title(m->subject, m->text);
	const char *text = m->text ? m->text : "";
	while (*text == '\n' || *text == '\r' || *text == ' ' || *text == '\t')
		text++;
	char *desc = with_note(*text ? text : title ? title : "", "");
	json_t *body = json_object();
	json_t *people = json_array();
	struct ticket_create_input in;
	struct field_error fe;
	memset(&in, 0, sizeof in);
	if (!title || !desc || !body || !people) {
		http_reply_dk_error(r, DK_ERR_NOMEM);
		goto out;
	}
	if (!*title) {
		http_reply_error(r, 422, "empty_text", "the message has neither subject nor text",
				 "text");
		goto out;
	}
	int rc = colleagues(r, m, people);
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	if (json_object_set_new(body, "title", json_string(title)) ||
	    json_object_set_new(body, "description", json_string(desc)) ||
	    json_object_set_new(body, "request_type", json_string("report_incident")) ||
	    json_object_set_new(body, "confirm_sensitive", json_true()) ||
	    (json_array_size(people) && json_object_set(body, "participants", people))) {
		http_reply_dk_error(r, DK_ERR_NOMEM);
		goto out;
	}
	if (ticket_create_parse(body, &in, &fe)) {
		http_reply_field_error(r, 422, &fe);
		goto out;
	}
	void *hook_arg[3] = { r, (void *)id_hash, (void *)m };
	struct ticket_create_refusal why;
	uint64_t id;
	rc = ticket_create_store(r, &in, "email", note_hook, hook_arg, &id, &why);
	if (rc == DK_ERR_INVALID && why.code) {
		http_reply_error(r, why.status, why.code, why.message, why.field);
	} else if (rc == DK_ERR_EXISTS) {
		http_reply_error(r, 409, "duplicate", "this message was recorded before",
				 "message_id");
	} else if (rc) {
		http_reply_dk_error(r, rc);
	} else {
		char ref[48], location[96];
		ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, id);
		snprintf(location, sizeof location, "/api/v1/tickets/%s", ref);
		http_add_header(r, "Location", location);
		ticket_view_reply(r, id, 201);
	}
out:
	ticket_create_input_free(&in);
	json_decref(body);
	json_decref(people);
	free(title);
	free(desc);
}

/* Is from the address of [mail] from ("Name <addr>" or addr)? */
static bool own_address(const char *mail_from, const char *from)
{
	const char *lt = strchr(mail_from, '<');
	const char *a = lt ? lt + 1 : mail_from;
	while (*a == ' ')
		a++;
	size_t n = strcspn(a, "> ");
	return n == strlen(from) && strncasecmp(a, from, n) == 0;
}

void h_mail_inbound(struct req *r)
{
	if (!key_ok(r)) {
		http_reply_error(r, 401, "mail_key",
				 "missing or wrong " KEY_HEADER " (only the mail gateway may send mail in)",
				 NULL);
		return;
	}
	/* the message's files come in the body, so it may be larger than
	 * other JSON bodies */
	json_t *jb = http_body_json_max(r, mail_inbound_body_max(r->d->cfg.max_body_bytes,
								 r->d->cfg.max_attachment_bytes));
	if (!jb)
		return;
	struct mail_inbound m;
	struct field_error fe;
	int prc = mail_inbound_parse(jb, &m, &fe);
	json_decref(jb);
	if (prc) {
		http_reply_field_error(r, 422, &fe);
		return;
	}
	char own[256];
	mail_address_domain(r->d->cfg.mail_from, own, sizeof own);
	const char *loop = mail_inbound_loop(&m, own);
	if (!loop && own_address(r->d->cfg.mail_from, m.from))
		loop = "the message comes from deskd's own address";
	uint8_t hash[32];
	const uint8_t *id_hash = NULL;
	uint64_t ticket_id = 0;
	int rc;
	if (loop) {
		http_reply_error(r, 403, "mail_loop", loop, NULL);
		goto out;
	}
	rc = sender_load(r, m.from);
	if (rc == DK_ERR_NOTFOUND) {
		http_reply_error(r, 403, "unknown_sender",
				 "the sender's address has no active account at this service desk",
				 "from");
		goto out;
	}
	if (rc) {
		http_reply_dk_error(r, rc);
		goto out;
	}
	if (m.message_id) {
		secret_sha256(m.message_id, strlen(m.message_id), hash);
		id_hash = hash;
		rc = seen(r, hash, &ticket_id);
		if (rc == 0) {
			/* an MTA delivering the same message again */
			char ref[48], msg[96];
			ticket_ref_format(ref, sizeof ref, r->d->cfg.ticket_prefix, ticket_id);
			snprintf(msg, sizeof msg, "this message was recorded before, on %s", ref);
			http_reply_error(r, 409, "duplicate", msg, "message_id");
			goto out;
		}
		if (rc != DK_ERR_NOTFOUND) {
			http_reply_dk_error(r, rc);
			goto out;
		}
	}
	if (files_fit(r, &m))
		goto out;
	if (mail_inbound_ticket(&m, r->d->cfg.ticket_prefix, &ticket_id) == 0)
		reply_to(r, &m, ticket_id, id_hash);
	else
		open_ticket(r, &m, id_hash);
out:
	mail_inbound_free(&m);
}
