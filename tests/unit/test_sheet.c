/* The CSV and XLSX table writer (daemon/sheet.c) and the report's month. */
#include "test.h"

#include <dirent.h>
#include <math.h>
#include <unistd.h>

#include "report.h"
#include "sheet.h"

static char *csv_of(const struct sheet_cell *cells, size_t n)
{
	struct sheet *s;
	assert_int_equal(sheet_open(SHEET_CSV, NULL, "T", &s), 0);
	assert_int_equal(sheet_row(s, cells, n, false), 0);
	struct dk_buf *b = sheet_csv(s);
	char *out = strndup(b->data, b->len);
	sheet_free(s);
	return out;
}

#define TEXT(s) { .kind = CELL_TEXT, .text = (s) }

static void test_csv_quotes_as_rfc4180(void **state)
{
	(void)state;
	struct sheet_cell cells[] = {
		TEXT("plain"), TEXT("a,b"), TEXT("say \"hi\""), TEXT("two\nlines"), TEXT("cr\rhere"),
		TEXT(""), { .kind = CELL_EMPTY }, TEXT("café"),
	};
	char *out = csv_of(cells, sizeof cells / sizeof cells[0]);
	assert_string_equal(out, "\xEF\xBB\xBFplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
				 "\"cr\rhere\",,,café\r\n");
	free(out);
}

static void test_formula_like_text_is_guarded(void **state)
{
	(void)state;
	struct sheet_cell cells[] = {
		TEXT("=SUM(A1)"), TEXT("+1"), TEXT("-2"), TEXT("@x"), TEXT("\tt"), TEXT("=a,b"),
		TEXT("a=b"),
	};
	char *out = csv_of(cells, sizeof cells / sizeof cells[0]);
	assert_string_equal(out, "\xEF\xBB\xBF'=SUM(A1),'+1,'-2,'@x,'\tt,\"'=a,b\",a=b\r\n");
	free(out);
}

static void test_numbers_and_times(void **state)
{
	(void)state;
	struct sheet_cell cells[] = {
		{ .kind = CELL_NUMBER, .number = 42 }, { .kind = CELL_NUMBER, .number = 4.5 },
		{ .kind = CELL_TIME, .ms = 1795000000123 }, { .kind = CELL_TIME, .ms = 0 },
	};
	char *out = csv_of(cells, sizeof cells / sizeof cells[0]);
	assert_string_equal(out, "\xEF\xBB\xBF" "42,4.50,2026-11-18 11:06:40,\r\n");
	free(out);
}

/* Numbers no whole-number conversion can hold (found by tests/fuzz: the
 * cast of an infinity to long long was undefined): infinities and NaN are
 * left empty, large values keep their digits. */
static void test_numbers_out_of_range(void **state)
{
	(void)state;
	struct sheet_cell cells[] = {
		{ .kind = CELL_NUMBER, .number = INFINITY }, { .kind = CELL_NUMBER, .number = -INFINITY },
		{ .kind = CELL_NUMBER, .number = NAN }, { .kind = CELL_NUMBER, .number = 1e300 },
		{ .kind = CELL_NUMBER, .number = -9007199254740991.0 },
	};
	char *out = csv_of(cells, sizeof cells / sizeof cells[0]);
	assert_string_equal(out, "\xEF\xBB\xBF,,,1.0000000000000001e+300,-9007199254740991\r\n");
	free(out);
}

static size_t entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_xlsx_is_a_zip_and_leaves_no_file(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct sheet *s;
	int fd = -1;
	assert_int_equal(sheet_open(SHEET_XLSX, dir, "T", &s), 0);
	assert_null(sheet_csv(s));
	struct sheet_cell cells[] = { TEXT("=1+1"), { .kind = CELL_NUMBER, .number = 1 } };
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sheet_row(s, cells, 2, i == 0), 0);
	assert_int_equal(sheet_finish(s, &fd), 0);
	assert_true(fd >= 0);
	char magic[4];
	assert_int_equal(read(fd, magic, 4), 4);
	assert_memory_equal(magic, "PK\x03\x04", 4);
	close(fd);
	sheet_free(s);
	assert_int_equal(entries(dir), 0);
	/* freed unfinished: nothing left either */
	assert_int_equal(sheet_open(SHEET_XLSX, dir, "T", &s), 0);
	assert_int_equal(sheet_row(s, cells, 2, false), 0);
	sheet_free(s);
	assert_int_equal(entries(dir), 0);
	test_rmtree(dir);
	free(dir);
}

/* The workbook written by a child process, as deskd does. */
static void test_xlsx_finished_by_a_child(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct sheet *s;
	int done = -1, fd = -1;
	assert_int_equal(sheet_open(SHEET_XLSX, dir, "T", &s), 0);
	struct sheet_cell cells[] = { TEXT("a"), { .kind = CELL_TIME, .ms = 1795000000123 } };
	for (int i = 0; i < 5000; i++)
		assert_int_equal(sheet_row(s, cells, 2, false), 0);
	assert_int_equal(sheet_finish_start(s, &done), 0);
	char c;
	assert_int_equal(read(done, &c, 1), 0); /* ends when the child has gone */
	assert_int_equal(sheet_finish_end(s, done, &fd), 0);
	char magic[4];
	assert_int_equal(read(fd, magic, 4), 4);
	assert_memory_equal(magic, "PK\x03\x04", 4);
	close(fd);
	sheet_free(s);
	assert_int_equal(entries(dir), 0);
	test_rmtree(dir);
	free(dir);
}

static void test_formats_and_months_parse(void **state)
{
	(void)state;
	enum sheet_format f;
	int y, m;
	assert_int_equal(sheet_format_parse("csv", &f), 0);
	assert_int_equal(f, SHEET_CSV);
	assert_int_equal(sheet_format_parse("xlsx", &f), 0);
	assert_int_equal(f, SHEET_XLSX);
	assert_int_equal(sheet_format_parse("xls", &f), -1);
	assert_int_equal(sheet_format_parse(NULL, &f), -1);
	assert_int_equal(report_month_parse("2026-11", &y, &m), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	const char *bad[] = { "2026-13", "2026-00", "2026-1", "1969-12", "20261-1", "2026/11", "",
			      "2026-11x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(report_month_parse(bad[i], &y, &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes_as_rfc4180),
		cmocka_unit_test(test_formula_like_text_is_guarded),
		cmocka_unit_test(test_numbers_and_times),
		cmocka_unit_test(test_numbers_out_of_range),
		cmocka_unit_test(test_xlsx_is_a_zip_and_leaves_no_file),
		cmocka_unit_test(test_xlsx_finished_by_a_child),
		cmocka_unit_test(test_formats_and_months_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
