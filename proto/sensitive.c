/*
 * Sensitive data guard: personal identity numbers, BSNs, IBANs and payment
 * card numbers in free text, each confirmed by its check digits so that
 * order numbers, dates and phone numbers mostly pass.
 */
#include <stdbool.h>
#include <string.h>

#include "sensitive.h"

/* ASCII only on purpose: bytes of other UTF-8 characters are separators. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* '_' glues words together as in identifiers ("order_4111..."). */
static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* Characters that join digit groups into one longer number. */
static bool is_joiner(char c)
{
	return c == '-' || c == '+' || c == '/' || c == '.';
}

static size_t digit_run(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

static size_t alnum_run(const char *s)
{
	size_t n = 0;

	while (is_alnum(s[n]))
		n++;
	return n;
}

/* May a match start at t[start]: nothing word-like right before it? */
static bool left_free(const char *t, size_t start)
{
	char c;

	if (start == 0)
		return true;
	c = t[start - 1];
	if (is_word(c))
		return false;
	return !(is_joiner(c) && start >= 2 && is_digit(t[start - 2]));
}

/* May a match end just before t[end]? (t[end + 1] is read only when
 * t[end] is not the terminating NUL.) */
static bool right_free(const char *t, size_t end)
{
	char c = t[end];

	if (is_word(c))
		return false;
	return !(is_joiner(c) && is_digit(t[end + 1]));
}

/* Luhn over n digit characters: the rightmost is the check digit. */
static bool luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0, v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = (unsigned)(d[n - 1 - i] - '0');
		if (i & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

static unsigned two(const char *d)
{
	return (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
}

/* year < 0: only the last two digits are known, so a 29 February counts
 * when any century makes it a leap year. */
static bool date_ok(int year, unsigned yy, unsigned month, unsigned day)
{
	static const unsigned days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap;

	if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
		return false;
	if (month != 2 || day != 29)
		return true;
	if (year < 0)
		leap = yy % 4 == 0;
	else
		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return leap;
}

/* YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDDNNNN, YYYYMMDD-NNNN. */
static size_t match_personal_id_se(const char *t, size_t i)
{
	char d[12];
	size_t run = digit_run(t + i), len, nd;
	unsigned day;
	int year = -1;

	if (run == 10 || run == 12) {
		len = nd = run;
		memcpy(d, t + i, nd);
	} else if ((run == 6 || run == 8) && (t[i + run] == '-' || t[i + run] == '+') &&
		   digit_run(t + i + run + 1) == 4) {
		len = run + 5;
		nd = run + 4;
		memcpy(d, t + i, run);
		memcpy(d + run, t + i + run + 1, 4);
	} else {
		return 0;
	}
	if (!right_free(t, i + len))
		return 0;
	if (nd == 12) {
		unsigned century = two(d);

		if (century < 18 || century > 20)
			return 0;
		year = (int)(century * 100 + two(d + 2));
	}
	/* the check covers the ten digits YYMMDDNNNN */
	memmove(d, d + nd - 10, 10);
	day = two(d + 4);
	if (day > 60) /* samordningsnummer */
		day -= 60;
	if (!date_ok(year, two(d), two(d + 2), day) || !luhn_ok(d, 10))
		return 0;
	return len;
}

/* 13-19 digits, or a group of 4 then groups of 3-6 joined by one space or
 * one dash; the longest form that passes Luhn. */
static size_t match_payment_card(const char *t, size_t i)
{
	char d[19], sep;
	size_t run = digit_run(t + i), nd, p, g, best = 0;

	if (t[i] < '3' || t[i] > '6')
		return 0;
	if (run >= 13 && run <= 19)
		return luhn_ok(t + i, run) && right_free(t, i + run) ? run : 0;
	if (run != 4)
		return 0;
	sep = t[i + 4];
	if (sep != ' ' && sep != '-')
		return 0;
	memcpy(d, t + i, 4);
	nd = 4;
	p = i + 4;
	while (t[p] == sep && (g = digit_run(t + p + 1)) >= 3 && g <= 6 && nd + g <= 19) {
		memcpy(d + nd, t + p + 1, g);
		nd += g;
		p += 1 + g;
		if (nd >= 13 && luhn_ok(d, nd) && right_free(t, p))
			best = p - i;
	}
	return best;
}

/* 9 digits or 1234.56.789; 11-test with weights 9..2 and -1. */
static size_t match_bsn_nl(const char *t, size_t i)
{
	char d[9];
	size_t run = digit_run(t + i), len, k;
	int sum = 0;

	if (run == 9) {
		len = 9;
		memcpy(d, t + i, 9);
	} else if (run == 4 && t[i + 4] == '.' && digit_run(t + i + 5) == 2 &&
		   t[i + 7] == '.' && digit_run(t + i + 8) == 3) {
		len = 11;
		memcpy(d, t + i, 4);
		memcpy(d + 4, t + i + 5, 2);
		memcpy(d + 6, t + i + 8, 3);
	} else {
		return 0;
	}
	if (!right_free(t, i + len) || memcmp(d, "000000000", 9) == 0)
		return 0;
	for (k = 0; k < 8; k++)
		sum += (int)(9 - k) * (d[k] - '0');
	sum -= d[8] - '0';
	return sum % 11 == 0 ? len : 0;
}

static const struct {
	char cc[3];
	unsigned char len;
} iban_lengths[] = {
	{ "NL", 18 }, { "SE", 24 }, { "BE", 16 }, { "DE", 22 }, { "GB", 22 },
	{ "FR", 27 }, { "NO", 15 }, { "DK", 18 }, { "FI", 18 }, { "AT", 20 },
	{ "CH", 21 }, { "ES", 24 }, { "IT", 27 }, { "IE", 22 }, { "LU", 20 },
	{ "PL", 28 }, { "PT", 25 }, { "IS", 26 }, { "EE", 20 }, { "LT", 20 },
	{ "LV", 21 }, { "CZ", 24 }, { "SK", 24 }, { "HU", 28 }, { "GR", 27 },
	{ "SI", 19 }, { "HR", 21 }, { "RO", 24 }, { "BG", 22 }, { "LI", 21 },
};

/* The IBAN length of a country, 0 when not in the table. */
static size_t iban_length(char a, char b)
{
	size_t k;

	for (k = 0; k < sizeof(iban_lengths) / sizeof(iban_lengths[0]); k++)
		if (iban_lengths[k].cc[0] == upper(a) && iban_lengths[k].cc[1] == upper(b))
			return iban_lengths[k].len;
	return 0;
}

/* ISO 13616: the first four characters move to the end, letters count as
 * 10..35, and the number must leave 1 modulo 97. */
static bool iban_mod97_ok(const char *c, size_t n)
{
	unsigned r = 0, v;
	size_t k;

	for (k = 0; k < n; k++) {
		char ch = upper(c[(k + 4) % n]);

		if (is_digit(ch)) {
			r = (r * 10 + (unsigned)(ch - '0')) % 97;
		} else {
			v = (unsigned)(ch - 'A') + 10;
			r = (r * 100 + v) % 97;
		}
	}
	return r == 1;
}

static bool iban_fits(const char *c, size_t n, size_t want)
{
	if (want ? n != want : n < 15 || n > 34)
		return false;
	return iban_mod97_ok(c, n);
}

/* Plain, or in groups of 4 (the last may be shorter) joined by one space. */
static size_t match_iban(const char *t, size_t i)
{
	char c[34];
	size_t run = alnum_run(t + i), want, nc, p, g, best = 0;

	if (run < 4 || !is_alpha(t[i]) || !is_alpha(t[i + 1]) || !is_digit(t[i + 2]) ||
	    !is_digit(t[i + 3]))
		return 0;
	want = iban_length(t[i], t[i + 1]);
	if (run != 4 || t[i + 4] != ' ') {
		if (run > 34 || !iban_fits(t + i, run, want))
			return 0;
		return right_free(t, i + run) ? run : 0;
	}
	memcpy(c, t + i, 4);
	nc = 4;
	p = i + 4;
	while (t[p] == ' ' && (g = alnum_run(t + p + 1)) >= 1 && g <= 4 && nc + g <= 34) {
		memcpy(c + nc, t + p + 1, g);
		nc += g;
		p += 1 + g;
		if (iban_fits(c, nc, want) && right_free(t, p))
			best = p - i;
		if (g < 4)
			break;
	}
	return best;
}

size_t sensitive_scan(const char *text, struct sensitive_hit *hits, size_t max_hits)
{
	size_t i = 0, n = 0, len;
	const char *kind;

	if (!text)
		return 0;
	while (text[i]) {
		if (!is_alnum(text[i])) {
			i++;
			continue;
		}
		kind = NULL;
		len = 0;
		if (left_free(text, i)) {
			if ((len = match_iban(text, i)))
				kind = "iban";
			else if ((len = match_personal_id_se(text, i)))
				kind = "personal_id_se";
			else if ((len = match_payment_card(text, i)))
				kind = "payment_card";
			else if ((len = match_bsn_nl(text, i)))
				kind = "bsn_nl";
		}
		if (kind) {
			if (n < max_hits) {
				hits[n].kind = kind;
				hits[n].offset = i;
				hits[n].length = len;
			}
			n++;
			i += len;
			continue;
		}
		/* no match starts inside a word */
		i += alnum_run(text + i);
	}
	return n;
}

json_t *sensitive_hits_json(const char *field, const struct sensitive_hit *hits, size_t n)
{
	json_t *arr = json_array(), *o;
	size_t k;

	for (k = 0; arr && k < n; k++) {
		if (field)
			o = json_pack("{s:s, s:s, s:I, s:I}", "field", field,
				      "kind", hits[k].kind,
				      "offset", (json_int_t)hits[k].offset,
				      "length", (json_int_t)hits[k].length);
		else
			o = json_pack("{s:s, s:I, s:I}", "kind", hits[k].kind,
				      "offset", (json_int_t)hits[k].offset,
				      "length", (json_int_t)hits[k].length);
		if (json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
