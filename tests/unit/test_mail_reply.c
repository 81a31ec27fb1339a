/* The answer in a reply: messages quoted the way Outlook, Gmail,
 * Thunderbird and Apple Mail quote them, in English, Dutch and Swedish. */
#include "test_mail_in.h"

#include "mail_reply.h"

/* Extracts from text and compares with want. */
static void expect(const char *text, const char *want)
{
	size_t n = 0;
	char *got = mail_reply_extract(text, strlen(text), &n);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
	free(got);
}

static void test_marker(void **state)
{
	(void)state;
	expect("Thanks, that works.\n\n## Reply above this line ##\n\nAnn Agent added a comment",
	       "Thanks, that works.");
	expect("Dank je!\r\n\r\n## Antwoord boven deze regel ##\r\nAnn schreef iets",
	       "Dank je!");
	expect("Tack så mycket.\n## Svara ovanför denna rad ##\nAnn skrev",
	       "Tack så mycket.");
	/* the marker in another case, or with other decoration */
	expect("ok\n-- REPLY ABOVE THIS LINE --\nrest", "ok");
	/* no marker, no history: everything */
	expect("Line one\nLine two\n", "Line one\nLine two");
}

static void test_gmail(void **state)
{
	(void)state;
	expect("The printer works again, thank you!\n\n"
	       "On Mon, Nov 23, 2026 at 10:00 AM Service Desk <support@deskd.example> wrote:\n\n"
	       "> ## Reply above this line ##\n"
	       ">\n"
	       "> Ann Agent added a comment to request HD-10042:\n",
	       "The printer works again, thank you!");
	/* the attribution wrapped over two lines, as Gmail's plain text does */
	expect("Fixed.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Service Desk <\n"
	       "support@deskd.example> wrote:\n\n> quoted\n",
	       "Fixed.");
	/* Dutch and Swedish Gmail */
	expect("Het werkt.\n\nOp ma 23 nov. 2026 om 10:00 schreef Service Desk <\n"
	       "support@deskd.example>:\n\n> ## Antwoord boven deze regel ##\n",
	       "Het werkt.");
	expect("Det fungerar.\n\nDen mån 23 nov. 2026 kl 10:00 skrev Service Desk <"
	       "support@deskd.example>:\n\n> ## Svara ovanför denna rad ##\n",
	       "Det fungerar.");
}

static void test_thunderbird(void **state)
{
	(void)state;
	expect("Still broken.\n\n-- \nAlice Acme\nAcme Ltd\n\n"
	       "On 23/11/2026 10:00, Service Desk wrote:\n> old\n",
	       "Still broken.");
	expect("Nog steeds kapot.\n\nOp 23-11-2026 om 10:00 schreef Service Desk:\n> oud\n",
	       "Nog steeds kapot.");
	expect("Fortfarande trasig.\n\nDen 2026-11-23 kl. 10:00, skrev Service Desk:\n> gammal\n",
	       "Fortfarande trasig.");
}

static void test_apple_mail(void **state)
{
	(void)state;
	expect("Great, thanks\n\nSent from my iPhone\n\n"
	       "> On 23 Nov 2026, at 10:00, Service Desk <support@deskd.example> wrote:\n"
	       "> \n> ## Reply above this line ##\n",
	       "Great, thanks");
	expect("Top\n\nOn 23 Nov 2026, at 10:00, Service Desk <support@deskd.example> wrote:\n\n"
	       "> text\n",
	       "Top");
	expect("Prima\n\nOp 23 nov. 2026, om 10:00 heeft Service Desk <support@deskd.example> het "
	       "volgende geschreven:\n\n> tekst\n",
	       "Prima");
	expect("Bra\n\n23 nov. 2026 kl. 10:00 skrev Service Desk <support@deskd.example>:\n\n> text\n",
	       "Bra");
}

static void test_outlook(void **state)
{
	(void)state;
	expect("Please call me.\n\n"
	       "-----Original Message-----\n"
	       "From: Service Desk <support@deskd.example>\n"
	       "Sent: Monday, November 23, 2026 10:00 AM\n"
	       "To: Alice <alice@acme.example>\n"
	       "Subject: [HD-10042] Printer\n\n"
	       "## Reply above this line ##\n",
	       "Please call me.");
	/* the modern form: an underscore rule and a header block, unquoted */
	expect("Yes, go ahead.\r\n\r\nRegards,\r\nAlice\r\n\r\n"
	       "________________________________\r\n"
	       "From: Service Desk <support@deskd.example>\r\n"
	       "Sent: Monday, 23 November 2026 10:00\r\n"
	       "To: Alice Acme <alice@acme.example>\r\n"
	       "Subject: [HD-10042] Printer\r\n\r\n"
	       "Ann Agent added a comment\r\n",
	       "Yes, go ahead.\n\nRegards,\nAlice");
	/* Dutch and Swedish Outlook; bold labels from an HTML conversion */
	expect("Akkoord.\n\nVan: Service Desk <support@deskd.example>\n"
	       "Verzonden: maandag 23 november 2026 10:00\nAan: Alice\nOnderwerp: [HD-10042]\n\nx\n",
	       "Akkoord.");
	expect("Okej.\n\n*Från:* Service Desk <support@deskd.example>\n"
	       "*Skickat:* den 23 november 2026 10:00\n*Till:* Alice\n*Ämne:* [HD-10042]\n",
	       "Okej.");
	/* Outlook for Mac: Date instead of Sent */
	expect("Fine\n\nFrom: Service Desk <support@deskd.example>\nDate: Monday, 23 November "
	       "2026 at 10:00\nTo: Alice\nSubject: x\n",
	       "Fine");
	/* "From:" in a sentence is no history */
	expect("From: my desk the printer is not visible.\nIt used to be.",
	       "From: my desk the printer is not visible.\nIt used to be.");
}

static void test_quotes_and_signature(void **state)
{
	(void)state;
	/* answers between the quotes are kept, the quotes go */
	expect("On Mon, Nov 23, 2026 at 10:00 AM Service Desk <support@deskd.example> wrote:\n"
	       "> Which floor?\n"
	       "Third floor.\n"
	       "> Which printer?\n"
	       "The one by the window.\n\n-- \nAlice\n",
	       "Third floor.\nThe one by the window.");
	/* quoted lines dropped anywhere; blank runs become one */
	expect("a\n> q\n\n\n\nb\n", "a\n\nb");
	expect("Answer\n--\nAlice Acme | +46 8 123", "Answer");
	expect("Antwoord\n\nVerzonden vanaf mijn iPhone\n", "Antwoord");
	expect("Svar\n\nSkickat från min iPhone", "Svar");
	/* "wrote:" without a date or an address is the customer's own words */
	expect("My colleague wrote:\nthe printer is broken", "My colleague wrote:\nthe printer is broken");
}

static void test_empty_and_odd(void **state)
{
	(void)state;
	expect("", "");
	expect("\n\n  \n", "");
	expect("> only quotes\n> more\n", "");
	expect("## Reply above this line ##\nold", "");
	expect("-- \nsignature only", "");
	/* no line end at the end, lone CR, trailing blanks */
	expect("x  \t", "x");
	expect("a\r\nb\r\n", "a\nb");
	/* a NUL inside is kept as a byte: the length counts */
	size_t n = 0;
	char *got = mail_reply_extract("a\0b", 3, &n);
	assert_non_null(got);
	assert_int_equal(n, 3);
	free(got);
}

static void test_text_cut(void **state)
{
	(void)state;
	const char *s = "abc\xc3\xa5"; /* "abcå" */
	assert_int_equal(mail_text_cut(s, 5, 10), 5);
	assert_int_equal(mail_text_cut(s, 5, 5), 5);
	assert_int_equal(mail_text_cut(s, 5, 4), 3);
	assert_int_equal(mail_text_cut(s, 5, 3), 3);
	assert_int_equal(mail_text_cut(s, 5, 0), 0);
}

static void test_long_input(void **state)
{
	(void)state;
	/* many lines, one long line: linear and within bounds */
	size_t n = 200000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 50 == 49 ? '\n' : (i % 7 ? 'x' : '>');
	big[n] = '\0';
	size_t len;
	char *got = mail_reply_extract(big, n, &len);
	assert_non_null(got);
	assert_true(len <= n);
	free(got);
	memset(big, 'y', n);
	got = mail_reply_extract(big, n, &len);
	assert_non_null(got);
	assert_int_equal(len, n);
	free(got);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marker),
		cmocka_unit_test(test_gmail),
		cmocka_unit_test(test_thunderbird),
		cmocka_unit_test(test_apple_mail),
		cmocka_unit_test(test_outlook),
		cmocka_unit_test(test_quotes_and_signature),
		cmocka_unit_test(test_empty_and_odd),
		cmocka_unit_test(test_text_cut),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_html_tags_and_breaks),
		cmocka_unit_test(test_html_entities),
		cmocka_unit_test(test_html_blockquote_and_lists),
		cmocka_unit_test(test_html_dropped_and_broken),
		cmocka_unit_test(test_inbound_parse),
		cmocka_unit_test(test_inbound_parse_refusals),
		cmocka_unit_test(test_inbound_ticket_ref),
		cmocka_unit_test(test_inbound_loop),
		cmocka_unit_test(test_inbound_title),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
