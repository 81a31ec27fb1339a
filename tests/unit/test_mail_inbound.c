/* The inbound mail body and the rules on it: ticket reference, mail loops,
 * the title of a new ticket. */
#include "test_mail_in.h"

#include "dk_err.h"
#include "mail_inbound.h"

static json_t *body(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &e);
	assert_non_null(j);
	return j;
}

void test_inbound_parse(void **state)
{
	(void)state;
	struct mail_inbound m;
	struct field_error fe;
	json_t *j = body("{\"from\":\"alice@acme.example\",\"from_name\":\"Alice\","
			 "\"subject\":\"Re: [HD-10001] x\",\"text\":\"hi\\nthere\","
			 "\"message_id\":\"<a@b>\",\"references\":[\"<ticket-HD-10001@d>\"],"
			 "\"cc\":[\"bob@acme.example\"],\"auto_submitted\":\"no\","
			 "\"precedence\":\"first-class\","
			 "\"attachments\":[{\"name\":\"a.pdf\",\"type\":\"application/pdf\","
			 "\"size\":12,\"data\":\"aGVsbG8gd29ybGQh\"},"
			 "{\"type\":\"image/png\",\"size\":0,\"data\":\"\"},"
			 "{\"type\":\"x\",\"size\":4,\"data\":\"AP/+AQ==\"}]}");
	assert_int_equal(mail_inbound_parse(j, &m, &fe), 0);
	assert_string_equal(m.from, "alice@acme.example");
	assert_string_equal(m.text, "hi\nthere");
	assert_int_equal(m.n_references, 1);
	assert_int_equal(m.n_cc, 1);
	assert_int_equal(m.n_attachments, 3);
	assert_string_equal(m.attachments[0].name, "a.pdf");
	assert_int_equal(m.attachments[0].size, 12);
	assert_int_equal(m.attachments[0].data_len, 12);
	assert_memory_equal(m.attachments[0].data, "hello world!", 12);
	assert_string_equal(m.attachments[1].name, "");
	assert_int_equal(m.attachments[1].data_len, 0);
	assert_int_equal(m.attachments[2].data_len, 4);
	assert_memory_equal(m.attachments[2].data, "\x00\xff\xfe\x01", 4);
	mail_inbound_free(&m);
	json_decref(j);
	/* the sender alone is enough */
	j = body("{\"from\":\"a@b.example\"}");
	assert_int_equal(mail_inbound_parse(j, &m, &fe), 0);
	assert_null(m.text);
	assert_null(m.subject);
	mail_inbound_free(&m);
	json_decref(j);
}

static void refused(const char *text, const char *field)
{
	struct mail_inbound m;
	struct field_error fe;
	json_t *j = body(text);
	assert_int_equal(mail_inbound_parse(j, &m, &fe), DK_ERR_INVALID);
	assert_string_equal(fe.field, field);
	assert_null(m.from);
	json_decref(j);
}

void test_inbound_parse_refusals(void **state)
{
	(void)state;
	refused("{}", "from");
	refused("[]", "");
	refused("{\"from\":\"not an address\"}", "from");
	refused("{\"from\":\"a@b.example\",\"x\":1}", "x");
	refused("{\"from\":\"a@b.example\",\"subject\":\"a\\nb\"}", "subject");
	refused("{\"from\":\"a@b.example\",\"text\":\"a\\u0000b\"}", "text");
	refused("{\"from\":\"a@b.example\",\"cc\":[\"nope\"]}", "cc");
	refused("{\"from\":\"a@b.example\",\"cc\":\"a@b.example\"}", "cc");
	refused("{\"from\":\"a@b.example\",\"references\":[\"\"]}", "references");
	refused("{\"from\":\"a@b.example\",\"references\":[1]}", "references");
	refused("{\"from\":\"a@b.example\",\"attachments\":[{\"type\":\"x\",\"size\":-1}]}",
		"attachments");
	refused("{\"from\":\"a@b.example\",\"attachments\":[{\"type\":\"x\",\"size\":1,\"y\":2}]}",
		"attachments.y");
	/* the bytes: required, base64, exactly size of them */
	static const char *const bad_data[] = {
		"\"size\":1", "\"size\":1,\"data\":1", "\"size\":1,\"data\":\"eA\"",
		"\"size\":2,\"data\":\"eA==\"", "\"size\":1,\"data\":\"e===\"",
		"\"size\":1,\"data\":\"eA=x\"", "\"size\":4,\"data\":\"eA==eA==\"",
		"\"size\":3,\"data\":\"e\\nh4\"", "\"size\":3,\"data\":\"eH-4\"", NULL,
	};
	for (int i = 0; bad_data[i]; i++) {
		char t[256];
		snprintf(t, sizeof t, "{\"from\":\"a@b.example\",\"attachments\":[{\"type\":\"x\",%s}]}",
			 bad_data[i]);
		refused(t, "attachments");
	}
	/* limits */
	char *big = malloc(MAIL_TEXT_MAX_BYTES + 64);
	assert_non_null(big);
	int n = snprintf(big, 64, "{\"from\":\"a@b.example\",\"text\":\"");
	memset(big + n, 'x', MAIL_TEXT_MAX_BYTES + 1);
	strcpy(big + n + MAIL_TEXT_MAX_BYTES + 1, "\"}");
	refused(big, "text");
	free(big);
	json_t *j = json_pack("{s:s, s:[]}", "from", "a@b.example", "cc");
	for (int i = 0; i <= MAIL_CC_MAX; i++)
		json_array_append_new(json_object_get(j, "cc"), json_string("c@d.example"));
	struct mail_inbound m;
	struct field_error fe;
	assert_int_equal(mail_inbound_parse(j, &m, &fe), DK_ERR_INVALID);
	assert_string_equal(fe.code, "too_long");
	json_decref(j);
}

static uint64_t ref_of(const char *subject, const char *ref1, const char *ref2)
{
	struct mail_inbound m;
	memset(&m, 0, sizeof m);
	char *refs[2] = { (char *)ref1, (char *)ref2 };
	m.subject = (char *)subject;
	m.references = refs;
	m.n_references = ref2 ? 2 : ref1 ? 1 : 0;
	uint64_t id = 99;
	int rc = mail_inbound_ticket(&m, "HD", &id);
	assert_true(rc == 0 || (rc == DK_ERR_NOTFOUND && id == 0));
	return id;
}

void test_inbound_ticket_ref(void **state)
{
	(void)state;
	assert_int_equal(ref_of("Re: [HD-10042] Printer", NULL, NULL), 10042);
	assert_int_equal(ref_of("RE: [hd-7] x", NULL, NULL), 7);
	assert_int_equal(ref_of("[x] [HD-12]", NULL, NULL), 12);
	assert_int_equal(ref_of("HD-10042 without brackets", NULL, NULL), 0);
	assert_int_equal(ref_of("[HD-] [HD-x1] [OTHER-5] [HD-99999999999999999999999]", NULL,
				NULL), 0);
	assert_int_equal(ref_of(NULL, NULL, NULL), 0);
	/* the thread id wins over the subject */
	assert_int_equal(ref_of("[HD-1]", "<abc@mail.example>", "<ticket-HD-10042@deskd.example>"),
			 10042);
	assert_int_equal(ref_of(NULL, "ticket-HD-5@x", NULL), 5);
	assert_int_equal(ref_of(NULL, "<ticket-HD-5>", NULL), 0);
	assert_int_equal(ref_of(NULL, "<ticket-XX-5@d>", NULL), 0);
	assert_int_equal(ref_of("[HD-3]", "<ticket-@d>", NULL), 3);
}

static const char *loop(const char *auto_submitted, const char *precedence, const char *id)
{
	struct mail_inbound m;
	memset(&m, 0, sizeof m);
	m.auto_submitted = (char *)auto_submitted;
	m.precedence = (char *)precedence;
	m.message_id = (char *)id;
	return mail_inbound_loop(&m, "deskd.example");
}

void test_inbound_loop(void **state)
{
	(void)state;
	assert_null(loop(NULL, NULL, NULL));
	assert_null(loop("no", NULL, "<x@y>"));
	assert_null(loop(" No ; comment", NULL, NULL));
	assert_non_null(loop("auto-replied", NULL, NULL));
	assert_non_null(loop("auto-generated", NULL, NULL));
	assert_non_null(loop("", NULL, NULL));
	assert_non_null(loop(NULL, "bulk", NULL));
	assert_non_null(loop(NULL, "JUNK", NULL));
	assert_non_null(loop(NULL, "list", NULL));
	assert_null(loop(NULL, "first-class", NULL));
	assert_non_null(loop(NULL, NULL, "<0123456789abcdef0123456789abcdef@deskd.example>"));
	assert_non_null(loop(NULL, NULL, "<ticket-HD-1@DESKD.example>"));
	/* another domain, or another form at ours (a Thunderbird id of an agent) */
	assert_null(loop(NULL, NULL, "<0123456789abcdef0123456789abcdef@mail.example>"));
	assert_null(loop(NULL, NULL, "<6f1c2a3e-1234-4e5f-9a8b-0c1d2e3f4a5b@deskd.example>"));
	assert_null(loop(NULL, NULL, "<0123456789abcdef0123456789abcdeg@deskd.example>"));
	char dom[64];
	mail_address_domain("Service Desk <Support@Deskd.Example>", dom, sizeof dom);
	assert_string_equal(dom, "deskd.example");
	mail_address_domain("support@x.example", dom, sizeof dom);
	assert_string_equal(dom, "x.example");
	mail_address_domain("nobody", dom, sizeof dom);
	assert_string_equal(dom, "");
	mail_address_domain(NULL, dom, sizeof dom);
	assert_string_equal(dom, "");
}

static void title(const char *subject, const char *text, const char *want)
{
	char *t = mail_inbound_title(subject, text);
	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

void test_inbound_title(void **state)
{
	(void)state;
	title("Printer broken", NULL, "Printer broken");
	title("Re: Fwd: AW: SV: Antw: printer", NULL, "printer");
	title("RE[2]: x", NULL, "x");
	title("  a \t b\r\n c  ", NULL, "a b c");
	title("Reply to this", NULL, "Reply to this");
	title("", "\n\n  First line  \nsecond", "First line");
	title(NULL, NULL, "");
	title("Re:", "", "");
	/* cut at a character boundary */
	char s[400];
	memset(s, 'a', 199);
	strcpy(s + 199, "\xc3\xa5\xc3\xa5");
	char *t = mail_inbound_title(s, NULL);
	assert_int_equal(strlen(t), 199);
	free(t);
}
