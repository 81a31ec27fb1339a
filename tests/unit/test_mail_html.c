/* HTML mail as text: the shapes Outlook, Gmail and Apple Mail send. */
#include "test_mail_in.h"

#include "mail_html.h"
#include "mail_reply.h"

static void expect(const char *html, const char *want)
{
	size_t n = 0;
	char *got = mail_html_to_text(html, strlen(html), &n);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
	free(got);
}

void test_html_tags_and_breaks(void **state)
{
	(void)state;
	expect("<p>Hello</p><p>World</p>", "Hello\n\nWorld");
	expect("line one<br>line two<br/>line three<BR />", "line one\nline two\nline three");
	expect("<div>a</div><div>b</div>", "a\nb");
	expect("<b>bold</b>   and\n\n  <i>italic</i>", "bold and italic");
	expect("<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A B\nC");
	expect("<pre>  keep\n    this</pre>after", "  keep\n    this\nafter");
	expect("a<br><br><br><br>b", "a\n\nb");
	expect("<a href=\"x>y\" title='a>b'>link</a>", "link");
}

void test_html_entities(void **state)
{
	(void)state;
	expect("Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39;", "Tom & Jerry <3 \"x\" 'y'");
	expect("caf&eacute; &Aring;sa &ouml; &euro;5 &#x263A; &#8212;",
	       "caf\xc3\xa9 \xc3\x85sa \xc3\xb6 \xe2\x82\xac" "5 \xe2\x98\xba \xe2\x80\x94");
	expect("a&nbsp;b", "a b");
	/* unknown, unterminated and hostile entities stay text or go */
	expect("&bogus; & &amp", "&bogus; & &amp");
	expect("x&#0;y&#xD800;z&#1114112;w&#9;", "xyzw");
}

void test_html_blockquote_and_lists(void **state)
{
	(void)state;
	/* Gmail's HTML reply, as text, leaves what the reply rules need */
	const char *gmail =
		"<div dir=\"ltr\">It works now.</div><br><div class=\"gmail_quote\">"
		"<div class=\"gmail_attr\">On Mon, Nov 23, 2026 at 10:00 AM Service Desk &lt;"
		"support@deskd.example&gt; wrote:<br></div><blockquote class=\"gmail_quote\">"
		"<p>## Reply above this line ##</p><p>Ann Agent added a comment</p></blockquote></div>";
	size_t n;
	char *text = mail_html_to_text(gmail, strlen(gmail), &n);
	assert_non_null(text);
	assert_non_null(strstr(text, "> ## Reply above this line ##"));
	char *reply = mail_reply_extract(text, n, NULL);
	assert_non_null(reply);
	assert_string_equal(reply, "It works now.");
	free(reply);
	free(text);
	expect("<blockquote>a<blockquote>b</blockquote>c</blockquote>d", "> a\n> > b\n> c\nd");
	expect("<ul><li>one</li><li>two</li></ul>", "- one\n- two");
	/* Outlook's HTML reply: a rule, then the header block */
	const char *outlook =
		"<html><head><style>p{margin:0}</style></head><body><p>Yes please.</p>"
		"<hr style=\"display:inline-block\"><div id=\"divRplyFwdMsg\"><b>From:</b> Service "
		"Desk &lt;support@deskd.example&gt;<br><b>Sent:</b> Monday, November 23, 2026 "
		"10:00<br><b>To:</b> Alice<br><b>Subject:</b> [HD-10042]</div><p>old text</p>"
		"</body></html>";
	text = mail_html_to_text(outlook, strlen(outlook), &n);
	assert_non_null(text);
	reply = mail_reply_extract(text, n, NULL);
	assert_string_equal(reply, "Yes please.");
	free(reply);
	free(text);
}

void test_html_dropped_and_broken(void **state)
{
	(void)state;
	expect("<head><title>T</title><script>alert(1)</script></head>x<style>b{}</style>y", "xy");
	expect("<!-- hidden -->shown<!-- unterminated", "shown");
	expect("a < b and c<3 d", "a < b and c<3 d");
	expect("<div", "");
	expect("<script>never closed", "");
	expect("", "");
	expect("   \n\t ", "");
	expect("</blockquote></pre></p>text", "text");
	expect("a\x01\x7f" "b", "ab");
	/* deep quoting is cut at eight levels: output stays near the input's size */
	size_t n = 20000 * 14;
	char *deep = malloc(n + 1);
	assert_non_null(deep);
	for (size_t i = 0; i < 20000; i++)
		memcpy(deep + i * 14, "<blockquote>x\n", 14);
	deep[n] = '\0';
	size_t len;
	char *text = mail_html_to_text(deep, n, &len);
	assert_non_null(text);
	assert_true(len < 2 * n);
	assert_non_null(strstr(text, "> > > > > > > > x"));
	assert_null(strstr(text, "> > > > > > > > > x"));
	free(text);
	free(deep);
}
