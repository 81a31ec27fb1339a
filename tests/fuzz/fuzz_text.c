/*
 * The text helpers that see outside text: UTF-8 checking and repair (the
 * JSON views and the log), HTML mail to text, the reply cut, the
 * sensitive-data scan, addresses, ticket references, mail headers and file
 * sniffing. The first byte picks the helper, the rest is the text. Besides
 * never crashing, each must keep its promise: output NUL-terminated with
 * its length right, cuts within the limit, hits inside the text, and
 * utf8_seq_len agreeing with jansson on what valid UTF-8 is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attachment_record.h"
#include "json_map.h"
#include "mail_html.h"
#include "mail_inbound.h"
#include "mail_record.h"
#include "mail_reply.h"
#include "record.h"
#include "sensitive.h"
#include "utf8.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
	fprintf(stderr, "%s\n", what);
	abort();
}

static void check_out(const char *what, char *out, size_t out_len)
{
	if (!out)
		broken(what);
	if (strlen(out) != out_len)
		broken(what);
	free(out);
}

/* utf8_seq_len over s must find it valid exactly when jansson does, and
 * the view of a ticket titled s must still be JSON (bad bytes repaired). */
static void utf8_agrees(const char *s)
{
	bool valid = true;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq_len(p);
		if (n > 4)
			broken("utf8_seq_len beyond 4");
		for (size_t i = 1; i < n; i++)
			if (!p[i])
				broken("utf8_seq_len over the end of the text");
		if (!n) {
			valid = false;
			break;
		}
		p += n;
	}
	json_t *j = json_string(s);
	if (valid != (j != NULL))
		broken("utf8_seq_len and jansson disagree");
	json_decref(j);

	struct ticket t;
	memset(&t, 0, sizeof t);
	t.id = 10001;
	t.title = (char *)s;
	t.description = (char *)s;
	t.status = "new";
	t.priority = 4;
	json_t *view = ticket_to_json(&t, "DESK");
	if (!view || !json_is_string(json_object_get(view, "title")))
		broken("ticket view of bad UTF-8 failed");
	char *text = json_dumps(view, JSON_COMPACT);
	if (!text)
		broken("ticket view does not serialise");
	free(text);
	json_decref(view);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t len = size - 1;
	char *s = malloc(len + 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, len);
	s[len] = '\0';
	size_t out_len = 0;
	char buf[300];
	uint64_t id;

	switch (data[0] % 9) {
	case 0:
		utf8_agrees(s);
		break;
	case 1: {
		/* callers pass the text's strlen: it holds no NUL */
		char *out = mail_html_to_text(s, strlen(s), &out_len);
		check_out("mail_html_to_text", out, out_len);
		break;
	}
	case 2: {
		char *out = mail_reply_extract(s, strlen(s), &out_len);
		check_out("mail_reply_extract", out, out_len);
		break;
	}
	case 3: {
		size_t max = len ? (unsigned char)s[0] * 4u : 0;
		size_t n = mail_text_cut(s, len, max);
		if (n > max || n > len)
			broken("mail_text_cut past its limit");
		break;
	}
	case 4: {
		struct sensitive_hit hits[8];
		size_t n = sensitive_scan(s, hits, 8);
		size_t slen = strlen(s);
		for (size_t i = 0; i < n && i < 8; i++)
			if (hits[i].offset + hits[i].length > slen || !hits[i].length)
				broken("sensitive hit outside the text");
		json_decref(sensitive_hits_json("description", hits, n < 8 ? n : 8));
		break;
	}
	case 5:
		(void)email_valid(s);
		email_fold(s, buf, sizeof buf);
		(void)mail_rcpt_ok(s);
		(void)mail_rcpt_domain(s);
		mail_address_domain(s, buf, sizeof buf);
		if (strlen(buf) >= sizeof buf)
			broken("mail_address_domain overflow");
		break;
	case 6:
		(void)ticket_ref_parse(s, "DESK", &id);
		(void)priority_parse(s);
		free(mail_inbound_title(s, s + strlen(s) / 2));
		break;
	case 7:
		mail_header_get(s, len, "Subject", buf, sizeof buf);
		mail_header_get(s, len, "Message-ID", buf, 8);
		break;
	case 8:
		(void)attachment_type_inline(attachment_sniff(data + 1, len));
		break;
	}
	free(s);
	return 0;
}
