/* Sensitive data guard: published test numbers, numbers made here with
 * check digits computed independently, near misses and look-alikes. */
#include "test.h"

#include "sensitive.h"

/* ---- independent check digit helpers ------------------------------------ */

/* The Luhn digit that makes digits + it valid. */
static char luhn_digit(const char *digits)
{
	size_t n = strlen(digits), i;
	int sum = 0;

	/* counted from the right, the digit next to the check digit doubles */
	for (i = 0; i < n; i++) {
		int v = digits[n - 1 - i] - '0';

		if (i % 2 == 0)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/* Appends the Luhn digit to a malloc'd copy. */
static char *with_luhn(const char *digits)
{
	size_t n = strlen(digits);
	char *s = malloc(n + 2);

	assert_non_null(s);
	memcpy(s, digits, n);
	s[n] = luhn_digit(digits);
	s[n + 1] = '\0';
	return s;
}

/* 8 digits plus the BSN check digit; fails the test when none exists. */
static void bsn_make(const char *eight, char out[10])
{
	int sum = 0, i;

	for (i = 0; i < 8; i++)
		sum += (9 - i) * (eight[i] - '0');
	assert_true(sum % 11 != 10);
	memcpy(out, eight, 8);
	out[8] = (char)('0' + sum % 11);
	out[9] = '\0';
}

/* Remainder of a long decimal string by 97, in 7-digit steps. */
static int mod97_decimal(const char *num)
{
	char chunk[16];
	size_t n = strlen(num), pos = 0;
	long rem = 0;

	while (pos < n) {
		size_t take = n - pos < 7 ? n - pos : 7;
		int w = snprintf(chunk, sizeof(chunk), "%ld%.*s", rem, (int)take, num + pos);

		assert_true(w > 0);
		rem = strtol(chunk, NULL, 10) % 97;
		pos += take;
	}
	return (int)rem;
}

/* Country + check digits + bban, the check digits computed per ISO 13616. */
static void iban_make(const char *cc, const char *bban, char *out, size_t size)
{
	char num[128] = "", tail[16];
	const char *p;
	int check;

	for (p = bban; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			snprintf(tail, sizeof(tail), "%d", *p - 'A' + 10);
		else
			snprintf(tail, sizeof(tail), "%c", *p);
		strcat(num, tail);
	}
	snprintf(tail, sizeof(tail), "%d%d00", cc[0] - 'A' + 10, cc[1] - 'A' + 10);
	strcat(num, tail);
	check = 98 - mod97_decimal(num);
	snprintf(out, size, "%s%02d%s", cc, check, bban);
}

/* ---- checking helpers ------------------------------------------------------------ */

/* text must hold exactly one hit, of kind, covering all of it. */
static void one_hit(const char *text, const char *kind)
{
	struct sensitive_hit h[4];
	size_t n = sensitive_scan(text, h, 4);

	if (n != 1 || strcmp(h[0].kind, kind) != 0 || h[0].offset != 0 ||
	    h[0].length != strlen(text))
		fail_msg("\"%s\": %zu hits, first %s at %zu+%zu; want one %s", text, n,
			 n ? h[0].kind : "-", n ? h[0].offset : 0, n ? h[0].length : 0, kind);
}

static void no_hit(const char *text)
{
	struct sensitive_hit h[4];
	size_t n = sensitive_scan(text, h, 4);

	if (n != 0)
		fail_msg("\"%s\": unexpected %s at %zu+%zu", text, h[0].kind, h[0].offset,
			 h[0].length);
}

/* One hit of kind on needle inside text. */
static void hit_in(const char *text, const char *needle, const char *kind)
{
	struct sensitive_hit h[4];
	size_t n = sensitive_scan(text, h, 4);
	const char *at = strstr(text, needle);

	assert_non_null(at);
	if (n != 1 || strcmp(h[0].kind, kind) != 0 || h[0].offset != (size_t)(at - text) ||
	    h[0].length != strlen(needle))
		fail_msg("\"%s\": %zu hits, first %s at %zu+%zu; want %s on \"%s\"", text, n,
			 n ? h[0].kind : "-", n ? h[0].offset : 0, n ? h[0].length : 0, kind,
			 needle);
}

/* Changes one digit of a valid number: check digits must catch it. */
static void each_digit_changed_misses(const char *valid)
{
	char *s = strdup(valid);
	size_t i;

	assert_non_null(s);
	for (i = 0; s[i]; i++) {
		char orig = s[i];

		if (orig < '0' || orig > '9')
			continue;
		s[i] = orig == '9' ? '0' : (char)(orig + 1);
		/* Luhn lets a few changes through by design (none of one
		 * digit), the 11-test and mod 97 none either */
		no_hit(s);
		s[i] = orig;
	}
	free(s);
}

/* ---- personnummer ------------------------------------------------------------------ */

static void test_personal_id_se(void **state)
{
	char *p;
	char buf[32];

	(void)state;
	one_hit("811218-9876", "personal_id_se");
	one_hit("811218+9876", "personal_id_se");
	one_hit("8112189876", "personal_id_se");
	one_hit("198112189876", "personal_id_se");
	one_hit("19811218-9876", "personal_id_se");
	each_digit_changed_misses("811218-9876");
	each_digit_changed_misses("198112189876");

	/* samordningsnummer: day + 60 */
	p = with_luhn("811278987");
	snprintf(buf, sizeof(buf), "%.6s-%s", p, p + 6);
	one_hit(buf, "personal_id_se");
	free(p);
	/* 29 February: 2000 was a leap year, 1900 was not, "00" may be either */
	p = with_luhn("000229123");
	one_hit(p, "personal_id_se");
	snprintf(buf, sizeof(buf), "20%s", p);
	one_hit(buf, "personal_id_se");
	snprintf(buf, sizeof(buf), "19%s", p);
	no_hit(buf);
	free(p);
	p = with_luhn("010229123"); /* 2001 and 1901: no 29 February */
	no_hit(p);
	free(p);
	/* Luhn right, date wrong */
	p = with_luhn("811318987"); /* month 13 */
	no_hit(p);
	free(p);
	p = with_luhn("811232987"); /* 32 December */
	no_hit(p);
	free(p);
	p = with_luhn("811292987"); /* samordningsnummer of the 32nd */
	no_hit(p);
	free(p);
	p = with_luhn("811200987"); /* day 0 */
	no_hit(p);
	free(p);
	p = with_luhn("810431987"); /* 31 April */
	no_hit(p);
	free(p);
	no_hit("178112189876"); /* century 17 */
	no_hit("811218 9876");
	no_hit("811218--9876");
	no_hit("81121-89876");
}

/* ---- BSN ------------------------------------------------------------------------------ */

static void test_bsn_nl(void **state)
{
	char bsn[10], buf[32];

	(void)state;
	one_hit("111222333", "bsn_nl");
	one_hit("123456782", "bsn_nl");
	one_hit("1234.56.782", "bsn_nl");
	each_digit_changed_misses("111222333");
	each_digit_changed_misses("123456782");
	/* an 8-digit number written with its leading zero */
	bsn_make("01234567", bsn);
	one_hit(bsn, "bsn_nl");
	no_hit(bsn + 1); /* the same 8 digits without it */
	bsn_make("27182818", bsn);
	one_hit(bsn, "bsn_nl");
	snprintf(buf, sizeof(buf), "BSN: %s.", bsn);
	hit_in(buf, bsn, "bsn_nl");
	no_hit("000000000");
	no_hit("12345.6.782");
	no_hit("1234-56-782");
}

/* ---- IBAN --------------------------------------------------------------------------- */

static void test_iban(void **state)
{
	static const char *const published[] = {
		"NL91ABNA0417164300", "GB82WEST12345698765432", "SE4550000000058398257466",
		"BE68539007547034", "DE89370400440532013000", "FR1420041010050500013M02606",
		"NO9386011117947", "DK5000400440116243", "FI2112345600000785",
		"MT84MALT011000012345MTLCAST001S", /* not in the table: 15 to 34 */
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		one_hit(published[i], "iban");
		each_digit_changed_misses(published[i]);
	}
	one_hit("NL91 ABNA 0417 1643 00", "iban");
	one_hit("GB82 WEST 1234 5698 7654 32", "iban");
	one_hit("SE45 5000 0000 0583 9825 7466", "iban");
	one_hit("nl91abna0417164300", "iban");
	one_hit("NL91 abna 0417 1643 00", "iban");
	hit_in("IBAN: NL91 ABNA 0417 1643 00 (ING)", "NL91 ABNA 0417 1643 00", "iban");
	hit_in("rekening NL91ABNA0417164300.", "NL91ABNA0417164300", "iban");
	/* letters swapped in the bank code */
	no_hit("NL91BANA0417164300");
	/* groups broken the wrong way */
	no_hit("NL91 ABNA 04171 64300");
	no_hit("NL91  ABNA 0417 1643 00");
	no_hit("NL91ABNA 0417 1643 00");
	/* a right check sum at the wrong length for its country */
	iban_make("NL", "ABNA04171643001", buf, sizeof(buf));
	no_hit(buf);
	iban_make("SE", "5000000005839825746", buf, sizeof(buf));
	no_hit(buf);
	/* ... and at the right one, computed here */
	iban_make("NL", "RABO0123456789", buf, sizeof(buf));
	one_hit(buf, "iban");
	iban_make("SE", "30000000011234567890", buf, sizeof(buf));
	one_hit(buf, "iban");
	/* an unknown country: 15 to 34 */
	iban_make("XA", "12345678901", buf, sizeof(buf));
	one_hit(buf, "iban");
	iban_make("XA", "1234567890", buf, sizeof(buf));
	no_hit(buf);
}

/* ---- payment cards ------------------------------------------------------------------- */

static void test_payment_card(void **state)
{
	static const char *const published[] = {
		"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
		"4012888888881881", "3530111333300000",
	};
	char *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		one_hit(published[i], "payment_card");
		each_digit_changed_misses(published[i]);
	}
	one_hit("4111 1111 1111 1111", "payment_card");
	one_hit("4111-1111-1111-1111", "payment_card");
	one_hit("3782 822463 10005", "payment_card");
	p = with_luhn("4000000000001"); /* 14 digits */
	one_hit(p, "payment_card");
	free(p);
	p = with_luhn("622000000000000000"); /* 19 digits */
	one_hit(p, "payment_card");
	free(p);
	p = with_luhn("41111111111111111111"); /* 21 digits: too long */
	no_hit(p);
	free(p);
	p = with_luhn("41111111111"); /* 12 digits, one short */
	no_hit(p);
	free(p);
	p = with_luhn("711111111111111"); /* Luhn right, prefix 7 */
	no_hit(p);
	free(p);
	p = with_luhn("211111111111111");
	no_hit(p);
	free(p);
	no_hit("4111 1111-1111 1111");
	no_hit("4111  1111 1111 1111");
	no_hit("41111 111 1111 1111");
	/* a card number followed by more text is still one */
	hit_in("kaart 4111 1111 1111 1111 geldig tot 12/27", "4111 1111 1111 1111",
	       "payment_card");
	hit_in("4111 1111 1111 1111 12", "4111 1111 1111 1111", "payment_card");
}

/* ---- boundaries, look-alikes, several hits ------------------------------------------- */

static void test_boundaries(void **state)
{
	(void)state;
	no_hit("x811218-9876");
	no_hit("811218-9876x");
	no_hit("1811218-9876");
	no_hit("811218-98761");
	no_hit("2024-811218-9876");
	no_hit("811218-9876-2");
	no_hit("811218-9876/1");
	no_hit("A111222333");
	no_hit("111222333B");
	no_hit("1111222333");
	no_hit("111222333444");
	no_hit("ref:111222333/7");
	no_hit("7.111222333");
	no_hit("XNL91ABNA0417164300");
	no_hit("NL91ABNA0417164300X");
	no_hit("94111111111111111");
	no_hit("4111111111111111-5");
	no_hit("order_4111111111111111");
	no_hit("4111111111111111_x");
	/* separators that do not join numbers */
	hit_in("BSN/111222333", "111222333", "bsn_nl");
	hit_in("nr 811218-9876, tack", "811218-9876", "personal_id_se");
	hit_in("(811218-9876)", "811218-9876", "personal_id_se");
	hit_in("pnr:811218-9876.", "811218-9876", "personal_id_se");
	hit_in("kort=4111111111111111;", "4111111111111111", "payment_card");
	/* bytes of other characters separate too */
	hit_in("é811218-9876ö", "811218-9876", "personal_id_se");
	hit_in("№111222333", "111222333", "bsn_nl");
}

static void test_look_alikes(void **state)
{
	static const char *const texts[] = {
		"2024-01-31", "31-12-2023", "20240131", "2024-01-31 12:30", "31/12/2023",
		"+46 70 123 45 67", "070-123 45 67", "0701234567", "+46701234567",
		"+31 6 12345678", "06-12345678", "020 123 4567", "+31 (0)20 123 4567",
		"Order 100234", "INV-2024-000123", "HD-10042", "PO 4500012345",
		"version 1.2.3", "192.168.100.200", "1 234 567,89 kr", "EUR 1.234.567,89",
		"case 123456789", "KvK 12345678", "postcode 1234 AB", "114 55 Stockholm",
		"", "no digits at all", "NL", "NL91", "SE45 5000",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		no_hit(texts[i]);
	assert_int_equal(sensitive_scan(NULL, NULL, 0), 0);
}

static const char story[] =
	"Hej! Mitt personnummer är 811218-9876 och kontot är SE45 5000 0000 0583 9825 7466. "
	"Kaart: 4111 1111 1111 1111 — BSN 111222333 ✓ order 100234, tel 070-123 45 67.";

static void test_several(void **state)
{
	static const struct {
		const char *needle, *kind;
	} want[] = {
		{ "811218-9876", "personal_id_se" },
		{ "SE45 5000 0000 0583 9825 7466", "iban" },
		{ "4111 1111 1111 1111", "payment_card" },
		{ "111222333", "bsn_nl" },
	};
	struct sensitive_hit h[8];
	size_t n, i;

	(void)state;
	n = sensitive_scan(story, h, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		assert_string_equal(h[i].kind, want[i].kind);
		assert_int_equal(h[i].offset, strstr(story, want[i].needle) - story);
		assert_int_equal(h[i].length, strlen(want[i].needle));
	}
	/* the total is counted beyond what fits */
	memset(h, 0, sizeof(h));
	assert_int_equal(sensitive_scan(story, h, 2), 4);
	assert_string_equal(h[1].kind, "iban");
	assert_null(h[2].kind);
	assert_int_equal(sensitive_scan(story, NULL, 0), 4);
}

static void test_json(void **state)
{
	struct sensitive_hit h[8];
	size_t n = sensitive_scan(story, h, 8);
	json_t *arr, *o;
	char *text;

	(void)state;
	arr = sensitive_hits_json("description", h, n);
	assert_int_equal(json_array_size(arr), 4);
	o = json_array_get(arr, 0);
	assert_int_equal(json_object_size(o), 4);
	assert_string_equal(json_string_value(json_object_get(o, "field")), "description");
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "personal_id_se");
	assert_int_equal(json_integer_value(json_object_get(o, "offset")), h[0].offset);
	assert_int_equal(json_integer_value(json_object_get(o, "length")), 11);
	text = json_dumps(arr, JSON_COMPACT);
	assert_non_null(text);
	assert_null(strstr(text, "9876"));
	assert_null(strstr(text, "1111"));
	assert_non_null(strstr(text, "{\"field\":\"description\",\"kind\":\"personal_id_se\""));
	free(text);
	json_decref(arr);

	arr = sensitive_hits_json(NULL, h, 1);
	assert_int_equal(json_object_size(json_array_get(arr, 0)), 3);
	assert_null(json_object_get(json_array_get(arr, 0), "field"));
	json_decref(arr);
	arr = sensitive_hits_json("title", NULL, 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_personal_id_se),
		cmocka_unit_test(test_bsn_nl),
		cmocka_unit_test(test_iban),
		cmocka_unit_test(test_payment_card),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_look_alikes),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
