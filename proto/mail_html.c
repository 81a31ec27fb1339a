/*
 * A small HTML-to-text pass: enough for mail, which needs the words and
 * the line structure, not the layout. Anything it does not understand is
 * skipped or passed through as text.
 */
#include "mail_html.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define QUOTE_MAX 8

struct conv {
	struct dk_buf out;
	bool failed;
	int quote;          /* blockquote depth */
	int pre;            /* <pre> depth */
	bool line_start;    /* nothing written on this line yet */
	bool space;         /* a collapsed space is due before the next text */
	int newlines;       /* line ends written in a row */
};

static void put(struct conv *c, const char *s, size_t n)
{
	if (!c->failed && dk_buf_append(&c->out, s, n))
		c->failed = true;
}

/* Ends the line (dropping blanks at its end); a second call in a row
 * makes a blank line, further ones do nothing. */
static void newline(struct conv *c)
{
	while (c->out.len &&
	       (c->out.data[c->out.len - 1] == ' ' || c->out.data[c->out.len - 1] == '\t'))
		c->out.len--;
	c->space = false;
	if (c->out.len == 0 || c->newlines >= 2)
		return;
	put(c, "\n", 1);
	c->newlines++;
	c->line_start = true;
}

/* Starts a new line unless at the start of one. */
static void block(struct conv *c)
{
	if (!c->line_start)
		newline(c);
}

/* A blank line before what follows (none at the start). */
static void paragraph(struct conv *c)
{
	block(c);
	if (c->newlines < 2)
		newline(c);
}

static void text(struct conv *c, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (c->line_start) {
		/* deep nesting adds no meaning, only bytes */
		for (int i = 0; i < c->quote && i < QUOTE_MAX; i++)
			put(c, "> ", 2);
		c->line_start = false;
		c->space = false;
	} else if (c->space) {
		put(c, " ", 1);
	}
	c->space = false;
	c->newlines = 0;
	put(c, s, n);
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool name_is(const char *name, size_t n, const char *want)
{
	size_t w = strlen(want);
	if (n != w)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(name[i]) != want[i])
			return false;
	return true;
}

static bool name_in(const char *name, size_t n, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (name_is(name, n, set[i]))
			return true;
	return false;
}

static const struct {
	const char *name;
	uint32_t cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae }, { "trade", 0x2122 },
	{ "euro", 0x20ac }, { "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 },
	{ "sect", 0xa7 }, { "deg", 0xb0 }, { "plusmn", 0xb1 }, { "times", 0xd7 },
	{ "divide", 0xf7 }, { "middot", 0xb7 }, { "bull", 0x2022 }, { "hellip", 0x2026 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
	{ "laquo", 0xab }, { "raquo", 0xbb }, { "iexcl", 0xa1 }, { "iquest", 0xbf },
	{ "shy", 0xad }, { "zwnj", 0x200c }, { "zwj", 0x200d }, { "szlig", 0xdf },
	{ "Agrave", 0xc0 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 }, { "Atilde", 0xc3 },
	{ "Auml", 0xc4 }, { "Aring", 0xc5 }, { "AElig", 0xc6 }, { "Ccedil", 0xc7 },
	{ "Egrave", 0xc8 }, { "Eacute", 0xc9 }, { "Ecirc", 0xca }, { "Euml", 0xcb },
	{ "Igrave", 0xcc }, { "Iacute", 0xcd }, { "Icirc", 0xce }, { "Iuml", 0xcf },
	{ "Ntilde", 0xd1 }, { "Ograve", 0xd2 }, { "Oacute", 0xd3 }, { "Ocirc", 0xd4 },
	{ "Otilde", 0xd5 }, { "Ouml", 0xd6 }, { "Oslash", 0xd8 }, { "Ugrave", 0xd9 },
	{ "Uacute", 0xda }, { "Ucirc", 0xdb }, { "Uuml", 0xdc }, { "Yacute", 0xdd },
	{ "agrave", 0xe0 }, { "aacute", 0xe1 }, { "acirc", 0xe2 }, { "atilde", 0xe3 },
	{ "auml", 0xe4 }, { "aring", 0xe5 }, { "aelig", 0xe6 }, { "ccedil", 0xe7 },
	{ "egrave", 0xe8 }, { "eacute", 0xe9 }, { "ecirc", 0xea }, { "euml", 0xeb },
	{ "igrave", 0xec }, { "iacute", 0xed }, { "icirc", 0xee }, { "iuml", 0xef },
	{ "ntilde", 0xf1 }, { "ograve", 0xf2 }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
	{ "otilde", 0xf5 }, { "ouml", 0xf6 }, { "oslash", 0xf8 }, { "ugrave", 0xf9 },
	{ "uacute", 0xfa }, { "ucirc", 0xfb }, { "uuml", 0xfc }, { "yacute", 0xfd },
	{ "yuml", 0xff }, { "ij", 0x133 }, { "IJ", 0x132 },
};

static size_t utf8_put(uint32_t cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* An entity at s (after '&'): its code point and length up to and with
 * ';', or 0 when it is none (then '&' is text). */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 0;
	if (n > 1 && s[0] == '#') {
		bool hex = n > 2 && (s[1] == 'x' || s[1] == 'X');
		uint32_t v = 0;
		size_t digits = 0;
		for (i = hex ? 2 : 1; i < n && digits < 8; i++, digits++) {
			char ch = s[i];
			int d = ch >= '0' && ch <= '9' ? ch - '0'
				: hex && lower(ch) >= 'a' && lower(ch) <= 'f' ? lower(ch) - 'a' + 10
				: -1;
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (!digits)
			return 0;
		*cp = v;
		return i < n && s[i] == ';' ? i + 1 : i;
	}
	while (i < n && i < 10 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	if (i == 0 || i >= n || s[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++)
		if (strlen(entities[k].name) == i && !memcmp(entities[k].name, s, i)) {
			*cp = entities[k].cp;
			return i + 1;
		}
	return 0;
}

static void put_cp(struct conv *c, uint32_t cp)
{
	char b[4];
	if (cp == 0xa0) { /* no-break space: an ordinary one in text */
		text(c, " ", 1);
		return;
	}
	if (cp == '\n') {
		newline(c);
		return;
	}
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xad ||
	    (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0) || cp == 0x200c ||
	    cp == 0x200d)
		return;
	text(c, b, utf8_put(cp, b));
}

/* Skips to after "</name ... >" (or the end). */
static size_t skip_element(const char *s, size_t n, size_t i, const char *name, size_t name_len)
{
	for (; i + 2 + name_len <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/')
			continue;
		bool same = true;
		for (size_t k = 0; k < name_len && same; k++)
			same = lower(s[i + 2 + k]) == lower(name[k]);
		if (!same)
			continue;
		const char *gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : n;
	}
	return n;
}

static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table",
					   "ul", "ol", "dl", NULL };
static const char *const lines_[] = { "div", "tr", "li", "dt", "dd", "hr", "section",
				      "article", "header", "footer", "address", "center",
				      "caption", "form", "fieldset", "legend", NULL };
static const char *const dropped[] = { "script", "style", "head", "title", "template",
				       "noscript", NULL };

/* Handles the tag starting at s[i] == '<'; returns the index after it. */
static size_t tag(struct conv *c, const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j + 2 < n && s[j] == '!' && s[j + 1] == '-' && s[j + 2] == '-') {
		for (j += 3; j + 2 < n; j++)
			if (s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>')
				return j + 3;
		return n;
	}
	bool closing = j < n && s[j] == '/';
	if (closing)
		j++;
	size_t name_start = j;
	bool letter = j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'));
	while (letter && j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
				   (s[j] >= '0' && s[j] <= '9')))
		j++;
	size_t name_len = j - name_start;
	const char *name = s + name_start;
	if (name_len == 0 && !(j < n && (s[j] == '!' || s[j] == '?'))) {
		text(c, "<", 1); /* a lone '<' is text */
		return i + 1;
	}
	/* to the end of the tag, past quoted attribute values */
	char q = 0;
	for (; j < n; j++) {
		if (q) {
			if (s[j] == q)
				q = 0;
		} else if (s[j] == '"' || s[j] == '\'') {
			q = s[j];
		} else if (s[j] == '>') {
			break;
		}
	}
	size_t after = j < n ? j + 1 : n;
	if (!closing && name_in(name, name_len, dropped))
		return skip_element(s, n, after, name, name_len);
	if (name_is(name, name_len, "br")) {
		newline(c);
	} else if (name_is(name, name_len, "blockquote")) {
		block(c);
		c->quote += closing ? (c->quote > 0 ? -1 : 0) : 1;
	} else if (name_is(name, name_len, "pre")) {
		block(c);
		c->pre += closing ? (c->pre > 0 ? -1 : 0) : 1;
	} else if (name_in(name, name_len, paragraphs)) {
		paragraph(c);
	} else if (name_in(name, name_len, lines_)) {
		block(c);
		if (!closing && name_is(name, name_len, "li"))
			text(c, "- ", 2);
	} else if (name_is(name, name_len, "td") || name_is(name, name_len, "th")) {
		if (!c->line_start)
			c->space = true;
	}
	return after;
}

char *mail_html_to_text(const char *html, size_t len, size_t *out_len)
{
	struct conv c;
	memset(&c, 0, sizeof c);
	c.line_start = true;
	size_t i = 0;
	while (i < len) {
		char ch = html[i];
		if (ch == '<') {
			i = tag(&c, html, len, i);
			continue;
		}
		if (ch == '&') {
			uint32_t cp;
			size_t k = entity(html + i + 1, len - i - 1, &cp);
			if (k) {
				put_cp(&c, cp);
				i += 1 + k;
				continue;
			}
			text(&c, "&", 1);
			i++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
			if (c.pre && ch == '\n')
				newline(&c);
			else if (c.pre && ch != '\r')
				text(&c, &ch, 1);
			else if (!c.line_start)
				c.space = true;
			i++;
			continue;
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f) {
			i++;
			continue;
		}
		/* a run of plain text */
		size_t k = i;
		while (k < len && html[k] != '<' && html[k] != '&' && (unsigned char)html[k] > 0x20 &&
		       html[k] != 0x7f)
			k++;
		text(&c, html + i, k - i);
		i = k;
	}
	/* no blanks at the end */
	while (c.out.len && (c.out.data[c.out.len - 1] == '\n' || c.out.data[c.out.len - 1] == ' ' ||
			     c.out.data[c.out.len - 1] == '\t'))
		c.out.len--;
	if (c.failed || !dk_buf_cstr(&c.out)) {
		dk_buf_free(&c.out);
		return NULL;
	}
	if (out_len)
		*out_len = c.out.len;
	return c.out.data;
}
