/*
 * Finding the answer in a reply. Mail clients put the history below the
 * answer in a few recognisable shapes; each rule below spots the first line
 * of one, and everything from the earliest such line on is dropped.
 */
#include "mail_reply.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const mail_reply_markers[] = {
	"Reply above this line",
	"Antwoord boven deze regel",
	"Svara ovanför denna rad",
	NULL,
};

struct line {
	const char *s;
	size_t len; /* without the line end and trailing blanks */
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive for ASCII letters, exact for other bytes. */
static bool ci_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static bool ci_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && ci_eq(s, prefix, n);
}

static bool ci_ends(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && ci_eq(s + len - n, suffix, n);
}

static bool ci_has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (ci_eq(s + i, needle, n))
			return true;
	return false;
}

static bool has_byte(const char *s, size_t len, bool (*pred)(char))
{
	for (size_t i = 0; i < len; i++)
		if (pred(s[i]))
			return true;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_at(char c)
{
	return c == '@';
}

static bool blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

static bool quoted(const struct line *l)
{
	size_t i = 0;
	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i < l->len && l->s[i] == '>';
}

/* The line without leading blanks and the '*' of bold text converted to
 * plain ("*From:* ..."). */
static struct line bare(const struct line *l)
{
	struct line b = *l;
	while (b.len && (*b.s == ' ' || *b.s == '\t' || *b.s == '*')) {
		b.s++;
		b.len--;
	}
	return b;
}

static bool has_marker(const struct line *l)
{
	for (size_t i = 0; mail_reply_markers[i]; i++)
		if (ci_has(l->s, l->len, mail_reply_markers[i]))
			return true;
	return false;
}

static bool original_rule(const struct line *l)
{
	struct line b = bare(l);
	static const char *const words[] = {
		"original message", "oorspronkelijk bericht", "ursprungligt meddelande",
		"originalmeddelande", "forwarded message", "doorgestuurd bericht",
		"vidarebefordrat meddelande", NULL,
	};
	if (!ci_starts(b.s, b.len, "-----") && !ci_starts(b.s, b.len, "----- "))
		return false;
	for (size_t i = 0; words[i]; i++)
		if (ci_has(b.s, b.len, words[i]))
			return true;
	return false;
}

static bool starts_any(const struct line *l, const char *const *words)
{
	struct line b = bare(l);
	for (size_t i = 0; words[i]; i++)
		if (ci_starts(b.s, b.len, words[i]))
			return true;
	return false;
}

/* Outlook's history: a From line followed by the other header lines. */
static bool outlook_block(const struct line *lines, size_t n, size_t i)
{
	static const char *const from[] = { "from:", "van:", "från:", "von:", "de:", NULL };
	static const char *const when[] = { "sent:", "date:", "verzonden:", "datum:", "skickat:",
					    "gesendet:", "envoyé:", NULL };
	static const char *const other[] = { "to:", "aan:", "till:", "an:", "cc:", "subject:",
					     "onderwerp:", "ämne:", "betreff:", "objet:", NULL };
	if (!starts_any(&lines[i], from))
		return false;
	int strong = 0, weak = 0;
	for (size_t k = i + 1; k < n && k <= i + 4 && !blank(&lines[k]); k++) {
		if (starts_any(&lines[k], when))
			strong++;
		else if (starts_any(&lines[k], other))
			weak++;
	}
	return strong >= 1 || weak >= 2;
}

/* "On ... wrote:" and its Dutch and Swedish forms, on one line or wrapped
 * over up to three; *span gets the number of lines it takes. */
static bool attribution(const struct line *lines, size_t n, size_t i, size_t *span)
{
	char joined[512];
	size_t used = 0;
	struct line first = bare(&lines[i]);
	bool opener = ci_starts(first.s, first.len, "on ") || ci_starts(first.s, first.len, "op ") ||
		      ci_starts(first.s, first.len, "den ") || ci_starts(first.s, first.len, "am ") ||
		      ci_starts(first.s, first.len, "le ");
	bool dated = has_byte(first.s, first.len, is_digit);
	if (!opener && !dated)
		return false;
	for (size_t k = 0; k < 3 && i + k < n; k++) {
		const struct line *l = &lines[i + k];
		if (blank(l) || quoted(l) || used + l->len + 1 >= sizeof joined)
			return false;
		struct line b = k ? *l : first;
		if (used)
			joined[used++] = ' ';
		memcpy(joined + used, b.s, b.len);
		used += b.len;
		const char *j = joined;
		size_t len = used;
		bool attr = false;
		if (len < 8 || j[len - 1] != ':')
			continue;
		if (ci_ends(j, len, "wrote:") || ci_ends(j, len, "het volgende geschreven:") ||
		    ci_ends(j, len, "schrieb:") || ci_ends(j, len, "a écrit :") ||
		    ci_ends(j, len, "a écrit:"))
			attr = true;
		else if (ci_has(j, len, " schreef") || ci_has(j, len, " skrev"))
			attr = opener || has_byte(j, len, is_at) || dated;
		if (attr && (opener || dated || has_byte(j, len, is_at))) {
			*span = k + 1;
			return true;
		}
	}
	return false;
}

static bool signature(const struct line *l)
{
	/* "-- " loses its space in many clients; the line end was cut off */
	return (l->len == 2 || l->len == 3) && l->s[0] == '-' && l->s[1] == '-' &&
	       (l->len == 2 || l->s[2] == ' ');
}

static bool underscores(const struct line *l)
{
	struct line b = bare(l);
	if (b.len < 10)
		return false;
	for (size_t i = 0; i < b.len; i++)
		if (b.s[i] != '_')
			return false;
	return true;
}

static bool sent_from_device(const struct line *l)
{
	static const char *const words[] = {
		"sent from my ", "sent from outlook", "get outlook for ", "verzonden vanaf mijn ",
		"verstuurd vanaf mijn ", "verzonden met ", "download outlook voor ",
		"skickat från min ", "skickat från outlook", "hämta outlook för ", NULL,
	};
	return starts_any(l, words);
}

enum cut_kind { CUT_NONE, CUT_ATTRIBUTION, CUT_OTHER };

/* The first line of the history (n when there is none). */
static size_t find_cut(const struct line *lines, size_t n, enum cut_kind *kind, size_t *span)
{
	*kind = CUT_NONE;
	*span = 1;
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &lines[i];
		if (quoted(l) || blank(l))
			continue;
		if (signature(l) || has_marker(l) || original_rule(l)) {
			*kind = CUT_OTHER;
			return i;
		}
		if (outlook_block(lines, n, i)) {
			*kind = CUT_OTHER;
			size_t j = i;
			while (j > 0 && blank(&lines[j - 1]))
				j--;
			return j > 0 && underscores(&lines[j - 1]) ? j - 1 : i;
		}
		if (attribution(lines, n, i, span)) {
			*kind = CUT_ATTRIBUTION;
			return i;
		}
	}
	return n;
}

/* Appends the unquoted lines of lines[0..n) to out, one blank line at
 * most between paragraphs, none at the ends. */
static size_t keep(const struct line *lines, size_t n, char *out)
{
	size_t used = 0;
	bool pending_blank = false;
	size_t last = n;
	/* a device signature as the last written line goes */
	for (size_t i = n; i-- > 0;) {
		if (quoted(&lines[i]) || blank(&lines[i]))
			continue;
		if (sent_from_device(&lines[i]))
			last = i;
		break;
	}
	for (size_t i = 0; i < n && i < last; i++) {
		const struct line *l = &lines[i];
		if (quoted(l))
			continue;
		if (blank(l)) {
			pending_blank = used > 0;
			continue;
		}
		if (pending_blank)
			out[used++] = '\n';
		if (used)
			out[used++] = '\n';
		pending_blank = false;
		memcpy(out + used, l->s, l->len);
		used += l->len;
	}
	out[used] = '\0';
	return used;
}

static size_t split(const char *text, size_t len, struct line *lines)
{
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		size_t e = i;
		while (e > start && (text[e - 1] == '\r' || text[e - 1] == ' ' || text[e - 1] == '\t'))
			e--;
		lines[n].s = text + start;
		lines[n].len = e - start;
		n++;
		start = i + 1;
	}
	return n;
}

char *mail_reply_extract(const char *text, size_t len, size_t *out_len)
{
	size_t n_max = 1;
	for (size_t i = 0; i < len; i++)
		n_max += text[i] == '\n';
	struct line *lines = malloc(n_max * sizeof *lines);
	/* the kept text is never longer than the input */
	char *out = malloc(len + 1);
	if (!lines || !out) {
		free(lines);
		free(out);
		return NULL;
	}
	size_t n = split(text, len, lines);
	enum cut_kind kind;
	size_t span;
	size_t cut = find_cut(lines, n, &kind, &span);
	size_t used = keep(lines, cut, out);
	if (used == 0 && kind == CUT_ATTRIBUTION) {
		/* answered below or between the quotes */
		const struct line *rest = lines + cut + span;
		size_t n_rest = n - cut - span;
		enum cut_kind k2;
		size_t s2;
		size_t cut2 = find_cut(rest, n_rest, &k2, &s2);
		used = keep(rest, cut2, out);
	}
	free(lines);
	if (out_len)
		*out_len = used;
	return out;
}

size_t mail_text_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	/* back off continuation bytes to the start of a character */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
