/* The inbound mail body and the rules that need no database. */
#include "mail_inbound.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dk_err.h"
#include "mail_reply.h"
#include "record.h"
#include "validate_int.h"

/* A list of strings of at most max items of at most item_max bytes each;
 * with emails, each must be an address. */
static int get_list(const json_t *body, const char *key, size_t max, size_t item_max,
		    bool emails, char ***out, size_t *n, struct field_error *err)
{
	const json_t *v = json_object_get(body, key);
	if (!v)
		return 0;
	if (!json_is_array(v))
		return v_fail(err, "invalid_type", key, "%s must be a list of strings", key);
	if (json_array_size(v) > max)
		return v_fail(err, "too_long", key, "%s holds more than %zu items", key, max);
	*out = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!*out)
		return DK_ERR_NOMEM;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		size_t len = s ? json_string_length(x) : 0;
		if (!s || len != strlen(s) || len == 0 || len > item_max ||
		    strpbrk(s, "\r\n\t") || (emails && !email_valid(s)))
			return v_fail(err, "invalid_value", key, "%s[%zu] is not valid", key, i);
		(*out)[*n] = strdup(s);
		if (!(*out)[*n])
			return DK_ERR_NOMEM;
		(*n)++;
	}
	return 0;
}

/* Standard base64 (RFC 4648, padded, no line breaks) into a new buffer:
 * 0, DK_ERR_INVALID or DK_ERR_NOMEM. */
static int base64_decode(const char *s, size_t len, unsigned char **out, size_t *n)
{
	if (len % 4)
		return DK_ERR_INVALID;
	unsigned char *b = malloc(len / 4 * 3 + 1);
	if (!b)
		return DK_ERR_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = s[i + j];
			int x = c >= 'A' && c <= 'Z'   ? c - 'A'
				: c >= 'a' && c <= 'z' ? c - 'a' + 26
				: c >= '0' && c <= '9' ? c - '0' + 52
				: c == '+'             ? 62
				: c == '/'             ? 63
						       : -1;
			/* padding only at the very end, at most two */
			if (c == '=' && i + 4 == len && j >= 2 && (j == 3 || s[i + 3] == '=')) {
				pad++;
				x = 0;
			} else if (x < 0 || pad) {
				free(b);
				return DK_ERR_INVALID;
			}
			v = v << 6 | (uint32_t)x;
		}
		b[k++] = (unsigned char)(v >> 16);
		if (pad < 2)
			b[k++] = (unsigned char)(v >> 8);
		if (pad < 1)
			b[k++] = (unsigned char)v;
	}
	*out = b;
	*n = k;
	return 0;
}

static int get_attachments(const json_t *body, struct mail_inbound *out, struct field_error *err)
{
	static const char *const keys[] = { "name", "type", "size", "data", NULL };
	const json_t *v = json_object_get(body, "attachments");
	if (!v)
		return 0;
	if (!json_is_array(v))
		return v_fail(err, "invalid_type", "attachments", "attachments must be a list");
	if (json_array_size(v) > MAIL_ATTACHMENTS_MAX)
		return v_fail(err, "too_long", "attachments", "more than %d attachments",
			      MAIL_ATTACHMENTS_MAX);
	out->attachments = calloc(json_array_size(v) + 1, sizeof *out->attachments);
	if (!out->attachments)
		return DK_ERR_NOMEM;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		struct mail_attachment *a = &out->attachments[out->n_attachments];
		int rc = v_check_keys(x, "attachments", keys, "an attachment", err);
		if (rc)
			return rc;
		out->n_attachments++;
		json_t *size = json_object_get(x, "size");
		if ((rc = v_get_text(x, "name", T_LINE, 255, &a->name, err)) ||
		    (rc = v_get_text(x, "type", T_REQUIRED | T_LINE, 255, &a->type, err)))
			return rc;
		if (!size || !json_is_integer(size) || json_integer_value(size) < 0)
			return v_fail(err, "invalid_value", "attachments",
				      "attachments[%zu].size must be a whole number", i);
		a->size = (uint64_t)json_integer_value(size);
		if (!a->name && !(a->name = strdup("")))
			return DK_ERR_NOMEM;
		json_t *data = json_object_get(x, "data");
		const char *d = json_string_value(data);
		rc = d ? base64_decode(d, json_string_length(data), &a->data, &a->data_len)
		       : DK_ERR_INVALID;
		if (rc == DK_ERR_INVALID || (rc == 0 && a->data_len != a->size))
			return v_fail(err, "invalid_value", "attachments",
				      "attachments[%zu].data must be size bytes in base64", i);
		if (rc)
			return rc;
	}
	return 0;
}

int mail_inbound_parse(const json_t *body, struct mail_inbound *out, struct field_error *err)
{
	static const char *const known[] = {
		"from", "from_name", "subject", "text", "message_id", "references", "cc",
		"auto_submitted", "precedence", "attachments", NULL
	};
	int rc;
	memset(out, 0, sizeof *out);
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "from", T_REQUIRED | T_TRIM | T_LINE, EMAIL_MAX_BYTES,
			     &out->from, err)) ||
	    (rc = v_get_text(body, "from_name", T_TRIM | T_LINE, 200, &out->from_name, err)) ||
	    (rc = v_get_text(body, "subject", T_LINE, MAIL_SUBJECT_MAX_BYTES, &out->subject,
			     err)) ||
	    (rc = v_get_text(body, "text", T_MULTILINE, MAIL_TEXT_MAX_BYTES, &out->text, err)) ||
	    (rc = v_get_text(body, "message_id", T_TRIM | T_LINE, MAIL_ID_MAX_BYTES,
			     &out->message_id, err)) ||
	    (rc = v_get_text(body, "auto_submitted", T_TRIM | T_LINE, MAIL_HEADER_VALUE_MAX_BYTES,
			     &out->auto_submitted, err)) ||
	    (rc = v_get_text(body, "precedence", T_TRIM | T_LINE, MAIL_HEADER_VALUE_MAX_BYTES,
			     &out->precedence, err)) ||
	    (rc = get_list(body, "references", MAIL_IDS_MAX, MAIL_ID_MAX_BYTES, false,
			   &out->references, &out->n_references, err)) ||
	    (rc = get_list(body, "cc", MAIL_CC_MAX, EMAIL_MAX_BYTES, true, &out->cc, &out->n_cc,
			   err)) ||
	    (rc = get_attachments(body, out, err)))
		goto fail;
	if (!email_valid(out->from)) {
		rc = v_fail(err, "invalid_value", "from", "from is not an e-mail address");
		goto fail;
	}
	return 0;
fail:
	mail_inbound_free(out);
	return rc;
}

void mail_inbound_free(struct mail_inbound *m)
{
	free(m->from);
	free(m->from_name);
	free(m->subject);
	free(m->text);
	free(m->message_id);
	free(m->auto_submitted);
	free(m->precedence);
	str_list_free(m->references, m->n_references);
	str_list_free(m->cc, m->n_cc);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].name);
		free(m->attachments[i].type);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	memset(m, 0, sizeof *m);
}

/* The first word of a header value, lower-cased, into out. */
static void first_word(const char *v, char *out, size_t size)
{
	size_t n = 0;
	while (*v == ' ' || *v == '\t')
		v++;
	while (*v && *v != ' ' && *v != ';' && *v != '\t' && n + 1 < size) {
		char c = *v++;
		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
}

/* A Message-ID deskd made: "<32 hex digits@domain>" or "<ticket-...@domain>". */
static bool own_id(const char *id, const char *own_domain)
{
	if (!id || !own_domain || !*own_domain)
		return false;
	if (*id == '<')
		id++;
	const char *at = strrchr(id, '@');
	if (!at)
		return false;
	size_t local = (size_t)(at - id);
	const char *dom = at + 1;
	size_t dlen = strcspn(dom, ">");
	if (dlen != strlen(own_domain) || strncasecmp(dom, own_domain, dlen))
		return false;
	if (local > 7 && !strncmp(id, "ticket-", 7))
		return true;
	return local == 32 && strspn(id, "0123456789abcdef") >= 32;
}

const char *mail_inbound_loop(const struct mail_inbound *m, const char *own_domain)
{
	char w[32];
	if (m->auto_submitted) {
		first_word(m->auto_submitted, w, sizeof w);
		if (strcmp(w, "no"))
			return "the message was sent automatically (Auto-Submitted)";
	}
	if (m->precedence) {
		first_word(m->precedence, w, sizeof w);
		if (!strcmp(w, "bulk") || !strcmp(w, "junk") || !strcmp(w, "list"))
			return "the message is bulk or list mail (Precedence)";
	}
	if (own_id(m->message_id, own_domain))
		return "the message is one deskd sent itself";
	return NULL;
}

static int ref_in_id(const char *id, const char *prefix, uint64_t *out)
{
	char ref[64];
	if (*id == '<')
		id++;
	if (strncmp(id, "ticket-", 7))
		return DK_ERR_NOTFOUND;
	id += 7;
	size_t n = strcspn(id, "@>");
	if (n == 0 || n >= sizeof ref || id[n] != '@')
		return DK_ERR_NOTFOUND;
	memcpy(ref, id, n);
	ref[n] = '\0';
	return ticket_ref_parse(ref, prefix, out) ? DK_ERR_NOTFOUND : 0;
}

int mail_inbound_ticket(const struct mail_inbound *m, const char *prefix, uint64_t *id)
{
	*id = 0;
	for (size_t i = 0; i < m->n_references; i++)
		if (ref_in_id(m->references[i], prefix, id) == 0)
			return 0;
	const char *s = m->subject;
	while (s && (s = strchr(s, '['))) {
		char ref[64];
		s++;
		size_t n = strcspn(s, "]");
		if (s[n] == ']' && n > 0 && n < sizeof ref) {
			memcpy(ref, s, n);
			ref[n] = '\0';
			if (ticket_ref_parse(ref, prefix, id) == 0)
				return 0;
		}
	}
	*id = 0;
	return DK_ERR_NOTFOUND;
}

/* Length of a reply or forward prefix at s ("Re:", "Fwd: ", "Re[2]:"), or 0. */
static size_t reply_prefix(const char *s)
{
	static const char *const words[] = { "re", "fw", "fwd", "aw", "wg", "sv", "vs", "vb",
					     "antw", "antwoord", "doorst", "tr", "ref", "rv",
					     "odp", NULL };
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		if (strncasecmp(s, words[i], n))
			continue;
		size_t k = n;
		if (s[k] == '[') { /* "Re[2]:" */
			k++;
			while (s[k] >= '0' && s[k] <= '9')
				k++;
			if (s[k] != ']')
				continue;
			k++;
		}
		while (s[k] == ' ')
			k++;
		if (s[k] == ':')
			return k + 1;
	}
	return 0;
}

/* Copies s with runs of white space and controls as one space, trimmed. */
static char *collapse(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	bool space = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f) {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

char *mail_inbound_title(const char *subject, const char *text)
{
	char *t = collapse(subject ? subject : "", subject ? strlen(subject) : 0);
	if (!t)
		return NULL;
	const char *p = t;
	size_t k;
	while ((k = reply_prefix(p)) > 0) {
		p += k;
		while (*p == ' ')
			p++;
	}
	if (!*p && text) {
		/* the first line with words in it */
		const char *line = text;
		while (*line) {
			size_t n = strcspn(line, "\n");
			char *c = collapse(line, n);
			if (!c) {
				free(t);
				return NULL;
			}
			if (*c) {
				free(t);
				t = c;
				p = t;
				break;
			}
			free(c);
			line += n + (line[n] == '\n');
		}
	}
	size_t n = mail_text_cut(p, strlen(p), TITLE_MAX_BYTES);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	char *out = strndup(p, n);
	free(t);
	return out;
}

void mail_address_domain(const char *addr, char *out, size_t size)
{
	if (size == 0)
		return;
	out[0] = '\0';
	if (!addr)
		return;
	const char *lt = strchr(addr, '<');
	const char *start = lt ? lt + 1 : addr;
	const char *at = strrchr(start, '@');
	if (!at)
		return;
	size_t n = strcspn(at + 1, "> \t");
	if (n == 0 || n >= size)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = at[1 + i];
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
}
