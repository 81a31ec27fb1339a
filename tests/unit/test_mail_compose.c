/* Mail templates and composing: every kind in every language, headers,
 * threading, one-click unsubscribe, HTML escaping, CRLF line ends. */
#include "test.h"

#include <gmime/gmime.h>

#include "config.h"
#include "dk_err.h"
#include "mail_compose.h"
#include "mail_templates.h"

static const char *const placeholders[] = { "name", "ref", "title", "actor", "status", "detail",
					    NULL };

/* Every {x} in s names a placeholder the composer fills. */
static void check_placeholders(const char *s)
{
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		assert_non_null(close);
		bool known = false;
		for (int i = 0; placeholders[i]; i++)
			if ((size_t)(close - p - 1) == strlen(placeholders[i]) &&
			    !strncmp(p + 1, placeholders[i], strlen(placeholders[i])))
				known = true;
		if (!known)
			fail_msg("unknown placeholder in \"%s\"", s);
	}
}

static void test_every_kind_in_every_language(void **state)
{
	(void)state;
	for (int l = 0; mail_languages[l]; l++) {
		const struct mail_words *w = mail_words_get(mail_languages[l]);
		assert_string_equal(w->lang, mail_languages[l]);
		const char *common[] = { w->marker, w->hello, w->hello_anon, w->status, w->support,
					 w->closing, w->signer, w->why, w->stop, w->sla_due,
					 w->sla_target[0], w->sla_target[1], w->sla_target[2] };
		for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
			assert_non_null(common[i]);
			assert_true(strlen(common[i]) > 1);
			check_placeholders(common[i]);
		}
		assert_non_null(strstr(w->hello, "{name}"));
		assert_non_null(strstr(w->why, "{ref}"));
		for (int k = 0; k < MAIL_KIND_COUNT; k++) {
			const struct mail_template *t = &w->kinds[k];
			assert_non_null(mail_kind_name((enum mail_kind)k));
			assert_non_null(t->subject);
			assert_non_null(t->lead);
			assert_non_null(t->action);
			check_placeholders(t->subject);
			check_placeholders(t->lead);
			if (t->after)
				check_placeholders(t->after);
			/* the reference first, so replies find their ticket */
			if (mail_kind_is_ticket((enum mail_kind)k))
				assert_true(!strncmp(t->subject, "[{ref}] ", 8));
		}
	}
	/* the markers differ, each language its own */
	assert_string_not_equal(mail_words_get("en")->marker, mail_words_get("nl")->marker);
	assert_string_not_equal(mail_words_get("en")->marker, mail_words_get("sv")->marker);
	/* unknown languages read English */
	assert_string_equal(mail_words_get("de")->lang, "en");
	assert_string_equal(mail_words_get(NULL)->lang, "en");
	enum mail_kind k;
	assert_int_equal(mail_kind_parse("ticket_comment", &k), 0);
	assert_int_equal(k, MAIL_TICKET_COMMENT);
	assert_int_equal(mail_kind_parse("nonsense", &k), -1);
	assert_null(mail_kind_name(MAIL_KIND_COUNT));
}

static struct config cfg;

static void config_init(void)
{
	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.mail_from, sizeof cfg.mail_from, "Service desk <support@desk.example>");
}

/* Parses a composed message back with GMime. */
static GMimeMessage *parse(const char *data, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	assert_non_null(m);
	return m;
}

/* The decoded text of the part of m with that subtype; g_free it. */
static char *part_text(GMimeMessage *m, const char *subtype)
{
	GMimeObject *body = g_mime_message_get_mime_part(m);
	assert_true(GMIME_IS_MULTIPART(body));
	GMimeMultipart *mp = GMIME_MULTIPART(body);
	for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
		GMimeObject *part = g_mime_multipart_get_part(mp, i);
		GMimeContentType *ct = g_mime_object_get_content_type(part);
		if (GMIME_IS_TEXT_PART(part) && g_mime_content_type_is_type(ct, "text", subtype)) {
			assert_string_equal(g_mime_object_get_content_type_parameter(part, "charset"),
					    "utf-8");
			return g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		}
	}
	fail_msg("no text/%s part", subtype);
	return NULL;
}

static void no_bare_lf(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			fail_msg("bare LF at byte %zu", i);
}

static void test_ticket_mail(void **state)
{
	(void)state;
	config_init();
	struct mail_content c = {
		.kind = "ticket_comment", .lang = "nl", .to = "kees@acme.example",
		.to_name = "Kees de Vries", .ref = "HD-10042", .title = "Printer doet het niet",
		.actor = "Ann Agent", .body = "Probeer het nu opnieuw.\nGroet",
		.status = "In behandeling",
		.link = "https://desk.example/#/tickets/HD-10042",
		.unsubscribe = "https://desk.example/#/unsubscribe/abc",
		.one_click = "https://desk.example/api/v1/unsubscribe/abc",
	};
	char *out;
	size_t len;
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	no_bare_lf(out, len);
	GMimeMessage *m = parse(out, len);
	assert_string_equal(g_mime_message_get_subject(m), "[HD-10042] Printer doet het niet");
	const char *id = g_mime_message_get_message_id(m);
	assert_non_null(id);
	assert_non_null(strstr(id, "@desk.example"));
	GMimeObject *o = GMIME_OBJECT(m);
	assert_string_equal(g_mime_object_get_header(o, "Auto-Submitted"), "auto-generated");
	assert_string_equal(g_mime_object_get_header(o, "In-Reply-To"),
			    "<ticket-HD-10042@desk.example>");
	assert_string_equal(g_mime_object_get_header(o, "References"),
			    "<ticket-HD-10042@desk.example>");
	assert_string_equal(g_mime_object_get_header(o, "List-Unsubscribe"),
			    "<https://desk.example/api/v1/unsubscribe/abc>");
	assert_string_equal(g_mime_object_get_header(o, "List-Unsubscribe-Post"),
			    "List-Unsubscribe=One-Click");
	assert_non_null(g_mime_object_get_header(o, "Date"));
	InternetAddressList *to = g_mime_message_get_to(m);
	assert_int_equal(internet_address_list_length(to), 1);
	InternetAddress *a = internet_address_list_get_address(to, 0);
	assert_string_equal(internet_address_get_name(a), "Kees de Vries");
	assert_string_equal(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
			    "kees@acme.example");

	char *plain = part_text(m, "plain");
	/* the marker first, then the words in Dutch, the links */
	assert_true(!strncmp(plain, "## Antwoord boven deze regel ##", 31));
	assert_non_null(strstr(plain, "Beste Kees de Vries,"));
	assert_non_null(strstr(plain, "Ann Agent heeft een reactie toegevoegd aan melding HD-10042"));
	assert_non_null(strstr(plain, "Probeer het nu opnieuw."));
	assert_non_null(strstr(plain, "https://desk.example/#/tickets/HD-10042"));
	assert_non_null(strstr(plain, "https://desk.example/#/unsubscribe/abc"));
	assert_non_null(strstr(plain, "Status: In behandeling"));
	char *html = part_text(m, "html");
	assert_non_null(strstr(html, "href=\"https://desk.example/#/tickets/HD-10042\""));
	assert_non_null(strstr(html, "lang=\"nl\""));
	g_free(plain);
	g_free(html);
	g_object_unref(m);
	free(out);
}

static void test_html_escapes_user_text(void **state)
{
	(void)state;
	config_init();
	struct mail_content c = {
		.kind = "ticket_comment", .lang = "en", .to = "a@b.example",
		.to_name = "<b>Bob</b>", .ref = "HD-1", .title = "<script>alert(1)</script>",
		.actor = "Eve & \"friends\"", .body = "<img src=x onerror=alert(1)> 'quoted'",
		.link = "https://desk.example/#/tickets/HD-1?a=1&b=\"2\"",
	};
	char *out;
	size_t len;
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), 0);
	GMimeMessage *m = parse(out, len);
	char *html = part_text(m, "html");
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<b>Bob"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "Eve &amp; &quot;friends&quot;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt; &#39;quoted&#39;"));
	assert_non_null(strstr(html, "href=\"https://desk.example/#/tickets/HD-1?a=1&amp;b=&quot;2&quot;\""));
	/* plain text keeps the words as typed */
	char *plain = part_text(m, "plain");
	assert_non_null(strstr(plain, "<img src=x onerror=alert(1)> 'quoted'"));
	/* no List-Unsubscribe without a link */
	assert_null(g_mime_object_get_header(GMIME_OBJECT(m), "List-Unsubscribe"));
	g_free(html);
	g_free(plain);
	g_object_unref(m);
	free(out);
}

static void test_headers_encoded(void **state)
{
	(void)state;
	config_init();
	struct mail_content c = {
		.kind = "sla_breach", .lang = "sv", .to = "escal@acme.example",
		.to_name = "Åsa Öberg\r\nBcc: evil@x.example", .ref = "HD-7",
		.title = "Skrivaren är trasig\nX-Injected: yes",
		.detail = "Första svar, senast 2026-11-23 15:00 UTC",
		.link = "https://desk.example/#/tickets/HD-7",
	};
	char *out;
	size_t len;
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), 0);
	/* headers are 7-bit: RFC 2047 words, and nothing injected */
	const char *end = strstr(out, "\r\n\r\n");
	assert_non_null(end);
	for (const char *p = out; p < end; p++)
		assert_true((unsigned char)*p < 0x80);
	/* a line break in a name or title never starts a header (nor a line) */
	assert_null(strstr(out, "\nX-Injected:"));
	assert_null(strstr(out, "\nBcc:"));
	assert_non_null(strcasestr(out, "=?utf-8?"));
	GMimeMessage *m = parse(out, len);
	assert_string_equal(g_mime_message_get_subject(m),
			    "[HD-7] SLA överskridet: Skrivaren är trasig X-Injected: yes");
	char *plain = part_text(m, "plain");
	assert_true(!strncmp(plain, "## Svara ovanför denna rad ##", strlen("## Svara ovanför denna rad ##")));
	assert_non_null(strstr(plain, "Första svar, senast 2026-11-23 15:00 UTC"));
	/* no follower link, so no stop link */
	assert_null(strstr(plain, "Sluta få e-post"));
	g_free(plain);
	g_object_unref(m);
	free(out);
}

static void test_every_kind_composes(void **state)
{
	(void)state;
	config_init();
	for (int l = 0; mail_languages[l]; l++)
		for (int k = 0; k < MAIL_KIND_COUNT; k++) {
			struct mail_content c = {
				.kind = mail_kind_name((enum mail_kind)k), .lang = mail_languages[l],
				.to = "x@y.example", .ref = "HD-1", .title = "T",
				.link = "https://desk.example/x",
			};
			char *out;
			size_t len;
			assert_int_equal(mail_compose(&cfg, &c, &out, &len), 0);
			GMimeMessage *m = parse(out, len);
			char *plain = part_text(m, "plain");
			const struct mail_words *w = mail_words_get(mail_languages[l]);
			/* ticket mail starts with the marker; account mail has none */
			assert_int_equal(!strncmp(plain, w->marker, strlen(w->marker)),
					 mail_kind_is_ticket((enum mail_kind)k));
			/* no placeholder is left unfilled */
			assert_null(strstr(plain, "{"));
			assert_non_null(strstr(plain, w->kinds[k].action));
			g_free(plain);
			g_object_unref(m);
			free(out);
		}
}

static void test_refusals(void **state)
{
	(void)state;
	config_init();
	char *out = (char *)1;
	size_t len = 1;
	struct mail_content c = { .kind = "nonsense", .to = "a@b.example" };
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), DK_ERR_INVALID);
	assert_null(out);
	assert_int_equal(len, 0);
	c.kind = "reset";
	c.to = NULL;
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), DK_ERR_INVALID);
	c.to = "a@b.example";
	snprintf(cfg.mail_from, sizeof cfg.mail_from, "%s", "");
	assert_int_equal(mail_compose(&cfg, &c, &out, &len), DK_ERR_INVALID);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_in_every_language),
		cmocka_unit_test(test_ticket_mail),
		cmocka_unit_test(test_html_escapes_user_text),
		cmocka_unit_test(test_headers_encoded),
		cmocka_unit_test(test_every_kind_composes),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("mail_compose", tests, NULL, NULL);
}
