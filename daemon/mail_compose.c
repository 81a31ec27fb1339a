/* The layout of every message (plain text and HTML from the same words of
 * mail_templates.c) and its RFC 5322 form, built by GMime. */
#include "mail_compose.h"

#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <openssl/rand.h>

#include "buf.h"
#include "config.h"
#include "dk_err.h"
#include "mail_templates.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/* Output with a sticky error, so the layout reads as a flat list. */
struct out {
	struct dk_buf b;
	bool html;
	int err;
};

static void raw(struct out *o, const char *s, size_t n)
{
	if (!o->err && n)
		o->err = dk_buf_append(&o->b, s, n);
}

static void lit(struct out *o, const char *s)
{
	raw(o, s, strlen(s));
}

/* Text as it is for plain text, escaped for HTML. */
static void text(struct out *o, const char *s, size_t n)
{
	if (!o->html) {
		raw(o, s, n);
		return;
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep) {
			raw(o, s + start, i - start);
			lit(o, rep);
			start = i + 1;
		}
	}
	raw(o, s + start, n - start);
}

static void text0(struct out *o, const char *s)
{
	text(o, s, strlen(s));
}

/* The value of {name} in tpl; NULL for a placeholder it does not know. */
static const char *value_of(const char *name, size_t n, const struct mail_content *c,
			    const struct mail_words *w)
{
#define IS(s) (n == sizeof s - 1 && !memcmp(name, s, n))
	if (IS("name"))
		return c->to_name ? c->to_name : "";
	if (IS("ref"))
		return c->ref ? c->ref : "";
	if (IS("title"))
		return c->title ? c->title : "";
	if (IS("actor"))
		return c->actor && *c->actor ? c->actor : w->support;
	if (IS("status"))
		return c->status ? c->status : "";
	if (IS("detail"))
		return c->detail ? c->detail : "";
#undef IS
	return NULL;
}

/* Fills tpl's placeholders; the values are escaped as the words are. */
static void expand(struct out *o, const char *tpl, const struct mail_content *c,
		   const struct mail_words *w)
{
	const char *p = tpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		const char *v = close ? value_of(open + 1, (size_t)(close - open - 1), c, w) : NULL;
		if (!v) {
			size_t n = open ? (size_t)(open - p) + 1 : strlen(p);
			text(o, p, n);
			p += n;
			continue;
		}
		text(o, p, (size_t)(open - p));
		text0(o, v);
		p = close + 1;
	}
}

/* Paragraph helpers: plain text ends each with a blank line. */
static void para_open(struct out *o, const char *style)
{
	if (o->html) {
		lit(o, style ? "<p style=\"" : "<p>");
		if (style) {
			lit(o, style);
			lit(o, "\">");
		}
	}
}

static void para_close(struct out *o)
{
	lit(o, o->html ? "</p>\n" : "\n\n");
}

static void line_break(struct out *o)
{
	lit(o, o->html ? "<br>\n" : "\n");
}

static void para(struct out *o, const char *tpl, const struct mail_content *c,
		 const struct mail_words *w)
{
	para_open(o, NULL);
	expand(o, tpl, c, w);
	para_close(o);
}

/* "label: url" in plain text, a link in HTML. */
static void add_link(struct out *o, const char *label, const char *url)
{
	if (o->html) {
		lit(o, "<a href=\"");
		text0(o, url);
		lit(o, "\">");
		text0(o, label);
		lit(o, "</a>");
	} else {
		lit(o, label);
		lit(o, ": ");
		lit(o, url);
	}
}

static void layout(struct out *o, enum mail_kind k, const char *subject,
		   const struct mail_content *c, const struct mail_words *w)
{
	const struct mail_template *tp = &w->kinds[k];
	if (o->html) {
		lit(o, "<!DOCTYPE html>\n<html lang=\"");
		lit(o, w->lang);
		lit(o, "\"><head><meta charset=\"utf-8\"><title>");
		text0(o, subject);
		lit(o, "</title></head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;"
		       "font-size:15px;line-height:1.45;color:#1f2933\">\n");
	}
	if (mail_kind_is_ticket(k)) {
		para_open(o, "color:#7b8794;font-size:12px");
		text0(o, w->marker);
		para_close(o);
	}
	para(o, c->to_name && *c->to_name ? w->hello : w->hello_anon, c, w);
	para(o, tp->lead, c, w);
	if (c->body && *c->body) {
		if (o->html) {
			lit(o, "<blockquote style=\"white-space:pre-wrap;margin:0 0 1em 0;"
			       "padding:0 0 0 12px;border-left:3px solid #cbd2d9\">");
			text0(o, c->body);
			lit(o, "</blockquote>\n");
		} else {
			text0(o, c->body);
			lit(o, "\n\n");
		}
	}
	bool status = c->status && *c->status && k != MAIL_TICKET_STATUS;
	bool detail = c->detail && *c->detail;
	if (status || detail) {
		para_open(o, NULL);
		if (status)
			expand(o, w->status, c, w);
		if (status && detail)
			line_break(o);
		if (detail)
			text0(o, c->detail);
		para_close(o);
	}
	if (c->link && *c->link) {
		para_open(o, NULL);
		add_link(o, tp->action, c->link);
		para_close(o);
	}
	if (tp->after)
		para(o, tp->after, c, w);
	para_open(o, NULL);
	text0(o, w->closing);
	line_break(o);
	text0(o, w->signer);
	para_close(o);
	if (c->unsubscribe && *c->unsubscribe) {
		if (o->html) {
			lit(o, "<hr style=\"border:0;border-top:1px solid #e4e7eb\">\n");
			para_open(o, "font-size:12px;color:#7b8794");
		} else {
			lit(o, "-- \n");
		}
		expand(o, w->why, c, w);
		line_break(o);
		add_link(o, w->stop, c->unsubscribe);
		if (o->html)
			para_close(o);
		else
			lit(o, "\n");
	}
	if (o->html)
		lit(o, "</body>\n</html>\n");
}

/* Header text: control characters (a line break would start a header of
 * its own) become spaces. Owned by the caller. */
static char *header_text(const char *s)
{
	char *copy = strdup(s ? s : "");
	for (char *p = copy; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return copy;
}

static GMimeObject *text_part(const char *subtype, struct dk_buf *b)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(b->data, b->len);
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content((GMimePart *)tp, dw);
	g_object_unref(dw);
	g_object_unref(st);
	g_mime_object_set_content_type_parameter((GMimeObject *)tp, "charset", "utf-8");
	GMimeContentEncoding enc = g_mime_part_get_best_content_encoding(
		(GMimePart *)tp, GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding((GMimePart *)tp, enc);
	return (GMimeObject *)tp;
}

/* The domain of From, for Message-IDs and thread ids. */
static void from_domain(InternetAddressList *from, char *out, size_t size)
{
	snprintf(out, size, "%s", "deskd.invalid");
	InternetAddress *a = internet_address_list_length(from) > 0
				     ? internet_address_list_get_address(from, 0) : NULL;
	if (!a || !INTERNET_ADDRESS_IS_MAILBOX(a))
		return;
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
	const char *at = addr ? strrchr(addr, '@') : NULL;
	if (at && at[1] && strlen(at + 1) < size && !strpbrk(at + 1, "<>[]\" \t"))
		snprintf(out, size, "%s", at + 1);
}

static void set_header(GMimeMessage *m, const char *name, const char *value)
{
	g_mime_object_set_header((GMimeObject *)m, name, value, NULL);
}

/* A header written exactly as given (an ASCII value without line breaks):
 * GMime would otherwise encode a long URL as RFC 2047 words, which
 * List-Unsubscribe must not be. */
static int set_raw_header(GMimeMessage *m, const char *name, const char *value)
{
	char *raw = g_strdup_printf(" %s\n", value);
	set_header(m, name, value);
	GMimeHeaderList *hl = g_mime_object_get_header_list((GMimeObject *)m);
	GMimeHeader *h = g_mime_header_list_get_header(hl, name);
	if (h)
		g_mime_header_set_raw_value(h, raw);
	g_free(raw);
	return h ? 0 : DK_ERR_NOMEM;
}

int mail_compose(const struct config *cfg, const struct mail_content *c, char **out,
		 size_t *len)
{
	enum mail_kind k;
	*out = NULL;
	*len = 0;
	if (!c->kind || mail_kind_parse(c->kind, &k) || !c->to || !*c->to)
		return DK_ERR_INVALID;
	pthread_once(&gmime_once, gmime_start);
	const struct mail_words *w = mail_words_get(c->lang);
	int rc = 0;
	GMimeMessage *m = NULL;

	/* names and the title are one line wherever they show */
	struct mail_content one = *c;
	char *to_name = header_text(c->to_name), *to_addr = header_text(c->to);
	char *title = header_text(c->title), *actor = header_text(c->actor);
	struct out subj = { 0 }, plain = { 0 }, html = { .html = true };
	if (!to_name || !to_addr || !title || !actor) {
		rc = DK_ERR_NOMEM;
		goto out_bufs;
	}
	one.to_name = c->to_name ? to_name : NULL;
	one.title = c->title ? title : NULL;
	one.actor = c->actor ? actor : NULL;
	c = &one;
	expand(&subj, w->kinds[k].subject, c, w);
	const char *subject = dk_buf_cstr(&subj.b);
	if (subj.err || !subject) {
		rc = DK_ERR_NOMEM;
		goto out_bufs;
	}
	layout(&plain, k, subject, c, w);
	layout(&html, k, subject, c, w);
	if (plain.err || html.err) {
		rc = DK_ERR_NOMEM;
		goto out_bufs;
	}

	InternetAddressList *from = internet_address_list_parse(NULL, cfg->mail_from);
	if (!from || internet_address_list_length(from) < 1) {
		rc = DK_ERR_INVALID;
		if (from)
			g_object_unref(from);
		goto out_bufs;
	}
	char domain[256], id[320];
	from_domain(from, domain, sizeof domain);
	m = g_mime_message_new(TRUE);
	internet_address_list_append(g_mime_message_get_from(m), from);
	g_object_unref(from);
	InternetAddress *ia = internet_address_mailbox_new(*to_name ? to_name : NULL, to_addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO), ia);
	g_object_unref(ia);
	g_mime_message_set_subject(m, subject, "utf-8");
	GDateTime *now = g_date_time_new_now_utc();
	g_mime_message_set_date(m, now);
	g_date_time_unref(now);

	/* a fresh id per message; a copy re-sent after a crash keeps these bytes */
	unsigned char rnd[16];
	char hex[33];
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		rc = DK_ERR_IO;
		goto out_msg;
	}
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	snprintf(id, sizeof id, "%s@%s", hex, domain);
	g_mime_message_set_message_id(m, id);
	set_header(m, "Auto-Submitted", "auto-generated");
	set_header(m, "X-Auto-Response-Suppress", "All");
	if (mail_kind_is_ticket(k) && c->ref && *c->ref) {
		/* one id per ticket that every message of it refers to: mail
		 * clients thread them, and a reply names its ticket */
		char thread[320];
		snprintf(thread, sizeof thread, "<ticket-%s@%s>", c->ref, domain);
		set_raw_header(m, "In-Reply-To", thread);
		set_raw_header(m, "References", thread);
	}
	if (c->one_click && *c->one_click) {
		char lu[600];
		snprintf(lu, sizeof lu, "<%s>", c->one_click);
		char *bad = strpbrk(lu, "\r\n\t ");
		if (bad || strlen(c->one_click) + 2 >= sizeof lu) {
			rc = DK_ERR_INVALID;
			goto out_msg;
		}
		set_raw_header(m, "List-Unsubscribe", lu);
		set_header(m, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
	}

	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject *p1 = text_part("plain", &plain.b);
	GMimeObject *p2 = text_part("html", &html.b);
	g_mime_multipart_add(alt, p1);
	g_mime_multipart_add(alt, p2);
	g_object_unref(p1);
	g_object_unref(p2);
	g_mime_message_set_mime_part(m, (GMimeObject *)alt);
	g_object_unref(alt);

	GMimeFormatOptions *fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	char *s = g_mime_object_to_string((GMimeObject *)m, fo);
	g_mime_format_options_free(fo);
	if (s) {
		*len = strlen(s);
		*out = malloc(*len + 1);
		if (*out)
			memcpy(*out, s, *len + 1);
		g_free(s);
	}
	if (!*out) {
		*len = 0;
		rc = DK_ERR_NOMEM;
	}
out_msg:
	g_object_unref(m);
out_bufs:
	free(to_name);
	free(to_addr);
	free(title);
	free(actor);
	dk_buf_free(&subj.b);
	dk_buf_free(&plain.b);
	dk_buf_free(&html.b);
	return rc;
}
