/* Parsing inbound mail with GMime: the MIME tree walked once, text parts
 * converted to UTF-8 (ISO-8859-1 read as its superset Windows-1252, as mail
 * clients do), HTML turned into text when there is no plain text. */
#include "mail_parse.h"

#include <gmime/gmime.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mail_html.h"
#include "mail_inbound.h"
#include "mail_reply.h"
#include "validate.h"

struct parse {
	struct dk_buf text;
	size_t text_max;
	bool text_full;
	bool failed;
	json_t *attachments;
	char why[160];
};

/* Text as valid UTF-8 without controls other than line ends and tabs:
 * a new GLib string. */
static char *clean_utf8(const char *s, size_t len)
{
	char *valid = g_utf8_make_valid(s ? s : "", s ? (gssize)len : 0);
	if (!valid)
		return NULL;
	char *w = valid;
	for (const char *r = valid; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c == '\r' && r[1] == '\n')
			continue; /* CRLF -> LF */
		if (c == '\r')
			c = '\n';
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			continue;
		*w++ = (char)c;
	}
	*w = '\0';
	return valid;
}

/* Converts bytes in charset to UTF-8. Latin-1 and unlabelled 8-bit text
 * are read as Windows-1252; bytes that fit no charset become U+FFFD. */
static char *to_utf8(const char *data, size_t len, const char *charset)
{
	if (!data) {
		data = "";
		len = 0;
	}
	bool utf8_ok = g_utf8_validate(data, (gssize)len, NULL);
	char *out = NULL;
	if (!charset || !*charset || !g_ascii_strcasecmp(charset, "us-ascii") ||
	    !g_ascii_strcasecmp(charset, "ascii") || !g_ascii_strcasecmp(charset, "utf-8") ||
	    !g_ascii_strcasecmp(charset, "utf8"))
		charset = utf8_ok ? NULL : "WINDOWS-1252";
	else if (!g_ascii_strcasecmp(charset, "iso-8859-1") || !g_ascii_strcasecmp(charset, "latin1") ||
		 !g_ascii_strcasecmp(charset, "iso_8859-1") || !g_ascii_strcasecmp(charset, "l1"))
		charset = "WINDOWS-1252";
	if (charset) {
		gsize got = 0;
		out = g_convert_with_fallback(data, (gssize)len, "UTF-8", charset, "\xef\xbf\xbd",
					      NULL, &got, NULL);
		if (!out && !utf8_ok) /* an unknown charset */
			out = g_convert_with_fallback(data, (gssize)len, "UTF-8", "WINDOWS-1252",
						      "\xef\xbf\xbd", NULL, &got, NULL);
		if (out) {
			char *c = clean_utf8(out, got);
			g_free(out);
			return c;
		}
	}
	return clean_utf8(data, len);
}

/* The decoded content of a leaf part (transfer encoding undone); free
 * with g_byte_array_free(b, TRUE). */
static GByteArray *part_bytes(GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem = g_mime_stream_mem_new();
	if (w)
		g_mime_data_wrapper_write_to_stream(w, mem);
	/* the stream would empty the array when it goes: keep it */
	GByteArray *b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return b;
}

/* RFC 3676 format=flowed: soft line breaks (a space before the line end)
 * joined, space-stuffing removed, for lines of the same quote depth. */
static char *unflow(const char *s, bool delsp)
{
	struct dk_buf b = { 0 };
	const char *line = s;
	bool joining = false;
	while (*line) {
		size_t n = strcspn(line, "\n");
		size_t depth = 0;
		while (depth < n && line[depth] == '>')
			depth++;
		const char *body = line + depth;
		size_t blen = n - depth;
		if (blen && body[0] == ' ') { /* stuffing */
			body++;
			blen--;
		}
		bool sig = blen == 3 && !memcmp(body, "-- ", 3);
		bool soft = !sig && blen && body[blen - 1] == ' ';
		if (!joining && depth) {
			for (size_t i = 0; i < depth; i++)
				dk_buf_append(&b, ">", 1);
			dk_buf_append(&b, " ", 1);
		}
		dk_buf_append(&b, body, soft && delsp ? blen - 1 : blen);
		/* a soft break joins only with a next line of the same depth */
		const char *next = line[n] ? line + n + 1 : line + n;
		size_t ndepth = 0;
		while (next[ndepth] == '>')
			ndepth++;
		joining = soft && *next && ndepth == depth;
		if (!joining && line[n])
			dk_buf_append(&b, "\n", 1);
		line = next;
	}
	const char *c = dk_buf_cstr(&b);
	char *out = c ? g_strdup(c) : NULL;
	dk_buf_free(&b);
	return out;
}

static void add_text(struct parse *p, const char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	if (!len || p->text_full)
		return;
	if (p->text.len) {
		if (dk_buf_append(&p->text, "\n\n", 2))
			p->failed = true;
	}
	size_t room = p->text_max > p->text.len ? p->text_max - p->text.len : 0;
	size_t n = mail_text_cut(s, len, room);
	if (n < len)
		p->text_full = true;
	if (dk_buf_append(&p->text, s, n))
		p->failed = true;
}

static void take_text(struct parse *p, GMimePart *part, bool html)
{
	GMimeContentType *ct = g_mime_object_get_content_type((GMimeObject *)part);
	const char *charset = g_mime_content_type_get_parameter(ct, "charset");
	GByteArray *raw = part_bytes(part);
	char *text = to_utf8((const char *)raw->data, raw->len, charset);
	g_byte_array_free(raw, TRUE);
	if (!text) {
		p->failed = true;
		return;
	}
	if (html) {
		size_t n;
		char *plain = mail_html_to_text(text, strlen(text), &n);
		if (plain)
			add_text(p, plain, n);
		else
			p->failed = true;
		free(plain);
	} else {
		const char *format = g_mime_content_type_get_parameter(ct, "format");
		const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
		if (format && !g_ascii_strcasecmp(format, "flowed")) {
			char *u = unflow(text, delsp && !g_ascii_strcasecmp(delsp, "yes"));
			g_free(text);
			text = u;
		}
		if (text)
			add_text(p, text, strlen(text));
	}
	g_free(text);
}

static void add_attachment(struct parse *p, GMimeObject *o, const char *name)
{
	if (json_array_size(p->attachments) >= MAIL_ATTACHMENTS_MAX)
		return;
	GByteArray *bytes;
	if (GMIME_IS_PART(o)) {
		bytes = part_bytes((GMimePart *)o);
	} else {
		GMimeStream *mem = g_mime_stream_mem_new();
		g_mime_object_write_to_stream(o, NULL, mem);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
		g_object_unref(mem);
	}
	size_t size = bytes->len;
	/* deskd keeps the file itself */
	char *data = g_base64_encode(bytes->data, bytes->len);
	g_byte_array_free(bytes, TRUE);
	char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(o));
	char *clean_name = name ? clean_utf8(name, strlen(name)) : NULL;
	if (clean_name) {
		for (char *c = clean_name; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		clean_name[mail_text_cut(clean_name, strlen(clean_name), 255)] = '\0';
	}
	char t[256];
	snprintf(t, sizeof t, "%s", type ? type : "application/octet-stream");
	json_t *a = data ? json_pack("{s:s, s:s, s:I, s:s}", "name", clean_name ? clean_name : "",
				     "type", t, "size", (json_int_t)size, "data", data)
			 : NULL;
	if (!a || json_array_append_new(p->attachments, a))
		p->failed = true;
	g_free(data);
	g_free(type);
	g_free(clean_name);
}

static bool is_type(GMimeObject *o, const char *type, const char *subtype)
{
	return g_mime_content_type_is_type(g_mime_object_get_content_type(o), type, subtype);
}

static bool walk(struct parse *p, GMimeObject *o, int depth);

/* multipart/alternative: the plain text if there is one, else HTML, else
 * whatever the first nested multipart holds. */
static bool alternative(struct parse *p, GMimeMultipart *mp, int depth)
{
	int n = g_mime_multipart_get_count(mp);
	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < n; i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			if (pass == 0 && GMIME_IS_PART(c) && is_type(c, "text", "plain") &&
			    !g_mime_part_is_attachment((GMimePart *)c)) {
				take_text(p, (GMimePart *)c, false);
				return true;
			}
			if (pass == 1 && GMIME_IS_PART(c) && is_type(c, "text", "html") &&
			    !g_mime_part_is_attachment((GMimePart *)c)) {
				take_text(p, (GMimePart *)c, true);
				return true;
			}
			if (pass == 2 && GMIME_IS_MULTIPART(c))
				return walk(p, c, depth + 1);
		}
	return true;
}

static bool walk(struct parse *p, GMimeObject *o, int depth)
{
	if (depth > 20) {
		snprintf(p->why, sizeof p->why, "the message nests MIME parts too deeply");
		return false;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = (GMimeMultipart *)o;
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		const char *boundary = g_mime_content_type_get_parameter(ct, "boundary");
		if (!boundary || !*boundary || g_mime_multipart_get_count(mp) == 0) {
			snprintf(p->why, sizeof p->why,
				 "a multipart part has no boundary or no parts; the message is "
				 "damaged");
			return false;
		}
		if (is_type(o, "multipart", "alternative"))
			return alternative(p, mp, depth);
		if (is_type(o, "multipart", "signed")) /* the content, not the signature */
			return walk(p, g_mime_multipart_get_part(mp, 0), depth + 1);
		if (is_type(o, "multipart", "encrypted")) {
			add_attachment(p, o, "encrypted.asc");
			return true;
		}
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			if (!walk(p, g_mime_multipart_get_part(mp, i), depth + 1))
				return false;
		return true;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		const char *name = g_mime_object_get_content_disposition_parameter(o, "filename");
		add_attachment(p, o, name ? name : "message.eml");
		return true;
	}
	if (!GMIME_IS_PART(o))
		return true;
	GMimePart *part = (GMimePart *)o;
	if (g_mime_part_is_attachment(part)) {
		add_attachment(p, o, g_mime_part_get_filename(part));
		return true;
	}
	/* a picture the HTML shows (by its Content-ID) belongs to the body,
	 * not a file the sender attached */
	if (is_type(o, "image", "*") && g_mime_object_get_content_id(o))
		return true;
	if (is_type(o, "text", "plain"))
		take_text(p, part, false);
	else if (is_type(o, "text", "html"))
		take_text(p, part, true);
	else if (!is_type(o, "application", "pgp-signature") &&
		 !is_type(o, "application", "pkcs7-signature") &&
		 !is_type(o, "application", "x-pkcs7-signature"))
		add_attachment(p, o, g_mime_part_get_filename(part));
	return true;
}

/* A header value as one line of valid UTF-8 (or NULL), at most max bytes. */
static json_t *header_line(const char *v, size_t max)
{
	if (!v)
		return NULL;
	char *c = clean_utf8(v, strlen(v));
	if (!c)
		return NULL;
	for (char *s = c; *s; s++)
		if (*s == '\n' || *s == '\t')
			*s = ' ';
	g_strstrip(c);
	c[mail_text_cut(c, strlen(c), max)] = '\0';
	json_t *j = *c ? json_string(c) : NULL;
	g_free(c);
	return j;
}

static void set(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, v);
}

/* Adds the message ids of a header to list. */
static void add_ids(json_t *list, GMimeParserOptions *opts, const char *value)
{
	if (!value)
		return;
	GMimeReferences *refs = g_mime_references_parse(opts, value);
	if (!refs)
		return;
	int n = g_mime_references_length(refs);
	for (int i = 0; i < n; i++) {
		/* the first (a thread's root) and the latest ones matter most */
		if (n > MAIL_IDS_MAX / 2 && i >= MAIL_IDS_MAX / 4 && i < n - MAIL_IDS_MAX / 4)
			continue;
		json_t *id = header_line(g_mime_references_get_message_id(refs, i), MAIL_ID_MAX_BYTES);
		if (id && json_array_size(list) < MAIL_IDS_MAX)
			json_array_append_new(list, id);
		else
			json_decref(id);
	}
	g_mime_references_free(refs);
}

static void add_cc(json_t *list, InternetAddressList *l, int depth)
{
	for (int i = 0; l && i < internet_address_list_length(l) && depth < 3; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			add_cc(list, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)),
			       depth + 1);
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		if (addr && strlen(addr) <= EMAIL_MAX_BYTES && email_valid(addr) &&
		    json_array_size(list) < MAIL_CC_MAX)
			json_array_append_new(list, json_string(addr));
	}
}

static InternetAddressMailbox *first_mailbox(InternetAddressList *l)
{
	for (int i = 0; l && i < internet_address_list_length(l); i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			InternetAddressMailbox *m =
				first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
			if (m)
				return m;
		}
	}
	return NULL;
}

static json_t *build(struct parse *p, GMimeMessage *msg, GMimeParserOptions *opts)
{
	GMimeObject *mo = (GMimeObject *)msg;
	InternetAddressMailbox *from = first_mailbox(g_mime_message_get_from(msg));
	const char *addr = from ? internet_address_mailbox_get_addr(from) : NULL;
	if (!addr || !*addr) {
		snprintf(p->why, sizeof p->why, "the message has no sender address (From)");
		return NULL;
	}
	if (strlen(addr) > EMAIL_MAX_BYTES || !email_valid(addr)) {
		snprintf(p->why, sizeof p->why, "the sender address (From) is not valid");
		return NULL;
	}
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (body && !walk(p, body, 0))
		return NULL;
	if (p->failed || !dk_buf_cstr(&p->text)) {
		snprintf(p->why, sizeof p->why, "out of memory");
		return NULL;
	}
	json_t *j = json_object();
	json_t *refs = json_array();
	json_t *cc = json_array();
	if (!j || !refs || !cc) {
		json_decref(j);
		json_decref(refs);
		json_decref(cc);
		return NULL;
	}
	set(j, "from", json_string(addr));
	set(j, "from_name", header_line(internet_address_get_name((InternetAddress *)from), 200));
	set(j, "subject", header_line(g_mime_message_get_subject(msg), MAIL_SUBJECT_MAX_BYTES));
	if (p->text.len)
		set(j, "text", json_stringn(p->text.data, p->text.len));
	set(j, "message_id", header_line(g_mime_message_get_message_id(msg), MAIL_ID_MAX_BYTES));
	add_ids(refs, opts, g_mime_object_get_header(mo, "In-Reply-To"));
	add_ids(refs, opts, g_mime_object_get_header(mo, "References"));
	add_cc(cc, g_mime_message_get_cc(msg), 0);
	if (json_array_size(refs))
		json_object_set(j, "references", refs);
	if (json_array_size(cc))
		json_object_set(j, "cc", cc);
	json_decref(refs);
	json_decref(cc);
	json_t *auto_sub = header_line(g_mime_object_get_header(mo, "Auto-Submitted"),
				       MAIL_HEADER_VALUE_MAX_BYTES);
	/* a delivery report is never a person's answer (RFC 3464), nor is a
	 * message an autoresponder marked in its own way */
	if (!auto_sub && ((body && is_type(body, "multipart", "report")) ||
			  g_mime_object_get_header(mo, "X-Autoreply") ||
			  g_mime_object_get_header(mo, "X-Autorespond")))
		auto_sub = json_string("auto-replied");
	set(j, "auto_submitted", auto_sub);
	set(j, "precedence", header_line(g_mime_object_get_header(mo, "Precedence"),
					 MAIL_HEADER_VALUE_MAX_BYTES));
	if (json_array_size(p->attachments))
		json_object_set(j, "attachments", p->attachments);
	return j;
}

static bool started;

void mail_parse_done(void)
{
	if (started)
		g_mime_shutdown();
	started = false;
}

json_t *mail_parse(const char *data, size_t len, size_t text_max, char *why, size_t why_size)
{
	static const char *fallback[] = { "UTF-8", "WINDOWS-1252", NULL };
	if (!started) {
		g_mime_init();
		started = true;
	}
	struct parse p;
	memset(&p, 0, sizeof p);
	p.text_max = text_max;
	p.attachments = json_array();
	json_t *out = NULL;
	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
	if (!msg)
		snprintf(p.why, sizeof p.why, "the input is not an e-mail message");
	else
		out = build(&p, msg, opts);
	if (!out && !p.why[0])
		snprintf(p.why, sizeof p.why, "the message could not be read");
	snprintf(why, why_size, "%s", p.why);
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(opts);
	json_decref(p.attachments);
	dk_buf_free(&p.text);
	return out;
}
