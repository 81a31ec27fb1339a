/*
 * Cells of the ticket export (daemon/sheet.c): the input is a row of text
 * cells separated by NUL bytes, then a number and a time taken from its
 * first bytes. The CSV written must read back, field by field, as the
 * cells' text (RFC 4180 quoting undone), with a leading apostrophe exactly
 * on text a spreadsheet would take for a formula; odd first bytes also
 * write the row to an XLSX workbook.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CELLS_MAX 16
#define XLSX_ROWS_MAX 2000 /* rows per workbook before a fresh one */

static char tmpdir[] = "/tmp/fuzz-sheet-XXXXXX";
static struct sheet *xlsx;
static unsigned xlsx_rows;

static void broken(const char *what, const char *cell)
{
	fprintf(stderr, "%s (cell \"%s\")\n", what, cell ? cell : "");
	abort();
}

static void cleanup(void)
{
	sheet_free(xlsx);
	xlsx = NULL;
	rmdir(tmpdir);
}

static bool formula_start(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	       s[0] == '\r';
}

/* Reads one field at *p (quoted or not) into a malloc'd string. */
static char *read_field(const char **p, const char *end)
{
	struct dk_buf f = { 0 };
	const char *q = *p;
	if (q < end && *q == '"') {
		q++;
		for (;;) {
			if (q >= end)
				broken("quoted field not closed", NULL);
			if (*q == '"') {
				if (q + 1 < end && q[1] == '"') {
					dk_buf_append(&f, "\"", 1);
					q += 2;
					continue;
				}
				q++;
				break;
			}
			dk_buf_append(&f, q, 1);
			q++;
		}
	} else {
		while (q < end && *q != ',' && *q != '\r' && *q != '\n') {
			if (*q == '"')
				broken("quote in an unquoted field", NULL);
			dk_buf_append(&f, q, 1);
			q++;
		}
	}
	*p = q;
	char *s = strdup(dk_buf_cstr(&f));
	dk_buf_free(&f);
	return s;
}

static void check_csv(const struct dk_buf *csv, struct sheet_cell *cells, size_t n)
{
	const char *p = csv->data, *end = csv->data + csv->len;
	if (csv->len < 3 || memcmp(p, "\xEF\xBB\xBF", 3))
		broken("no byte order mark", NULL);
	p += 3;
	for (size_t i = 0; i < n; i++) {
		if (i && (p >= end || *p++ != ','))
			broken("fields not separated by a comma", cells[i].text);
		char *got = read_field(&p, end);
		if (cells[i].kind == CELL_TEXT) {
			const char *text = cells[i].text;
			bool guard = formula_start(text);
			if (guard ? got[0] != '\'' || strcmp(got + 1, text) : strcmp(got, text))
				broken("CSV field is not the cell's text", text);
		} else if (formula_start(got) && got[0] != '-') {
			broken("number or time reads as a formula", got);
		}
		free(got);
	}
	if (end - p != 2 || memcmp(p, "\r\n", 2))
		broken("row does not end in CRLF", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 + sizeof(double) + sizeof(int64_t))
		return 0;
	bool with_xlsx = data[0] & 1;
	double number;
	int64_t ms;
	memcpy(&number, data + 1, sizeof number);
	memcpy(&ms, data + 1 + sizeof number, sizeof ms);
	size_t head = 1 + sizeof number + sizeof ms;

	/* NUL-separated text cells, then the number and the time */
	char *text = malloc(size - head + 1);
	if (!text)
		return 0;
	memcpy(text, data + head, size - head);
	text[size - head] = '\0';
	struct sheet_cell cells[CELLS_MAX + 3];
	size_t n = 0;
	for (const char *t = text; n < CELLS_MAX && t <= text + (size - head); t += strlen(t) + 1)
		cells[n++] = (struct sheet_cell){ .kind = CELL_TEXT, .text = t };
	cells[n++] = (struct sheet_cell){ .kind = CELL_NUMBER, .number = number };
	cells[n++] = (struct sheet_cell){ .kind = CELL_TIME, .ms = ms };
	cells[n++] = (struct sheet_cell){ .kind = CELL_EMPTY };

	struct sheet *s;
	if (sheet_open(SHEET_CSV, NULL, "tickets", &s) == 0) {
		if (sheet_row(s, cells, n, false) == 0)
			check_csv(sheet_csv(s), cells, n);
		sheet_free(s);
	}

	if (with_xlsx) {
		if (!xlsx) {
			static bool made;
			if (!made) {
				if (!mkdtemp(tmpdir))
					abort();
				atexit(cleanup);
				made = true;
			}
			if (sheet_open(SHEET_XLSX, tmpdir, "tickets", &xlsx))
				abort();
		}
		(void)sheet_row(xlsx, cells, n, data[0] & 2);
		if (++xlsx_rows == XLSX_ROWS_MAX) {
			sheet_free(xlsx);
			xlsx = NULL;
			xlsx_rows = 0;
		}
	}
	free(text);
	return 0;
}
