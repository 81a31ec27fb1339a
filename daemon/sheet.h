/*
 * Tables written as CSV or as an Excel workbook, one row at a time, for the
 * ticket export and the monthly report. No event loop here: deskctl uses
 * it too.
 *
 * CSV is RFC 4180 in UTF-8: a byte order mark first (so Excel reads the
 * file as UTF-8), CRLF line ends, a field in double quotes when it holds a
 * comma, a quote, CR or LF, with quotes doubled. XLSX is written by
 * libxlsxwriter in its constant-memory mode: each row goes to a temporary
 * file as soon as the next one starts, so memory stays flat however many
 * rows there are; the workbook itself is a file in tmpdir until
 * sheet_finish.
 *
 * Text that a spreadsheet would take for a formula (first character = + -
 * @, tab or CR) gets a leading apostrophe in both formats, so a ticket
 * title such as "=HYPERLINK(...)" stays text when the file is opened.
 */
#ifndef DESKD_SHEET_H
#define DESKD_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum sheet_format { SHEET_CSV = 1, SHEET_XLSX = 2 };

/* "csv" / "xlsx": 0 and *out, or -1. */
int sheet_format_parse(const char *s, enum sheet_format *out);
const char *sheet_format_ext(enum sheet_format f);          /* "csv", "xlsx" */
const char *sheet_format_mime(enum sheet_format f);

enum sheet_cell_kind { CELL_EMPTY = 0, CELL_TEXT, CELL_NUMBER, CELL_TIME };
struct sheet_cell {
	enum sheet_cell_kind kind;
	const char *text;   /* CELL_TEXT, UTF-8; NULL reads as empty */
	double number;      /* CELL_NUMBER */
	int64_t ms;         /* CELL_TIME: UTC ms since the epoch (0: empty) */
};

struct sheet; /* opaque */

/* A new table. XLSX: the workbook is a new file in tmpdir (also where
 * libxlsxwriter keeps its row file), with one worksheet named name.
 * 0 and *out (free with sheet_free), DK_ERR_IO or DK_ERR_NOMEM. */
int sheet_open(enum sheet_format f, const char *tmpdir, const char *name, struct sheet **out);
/* Widths of the first n columns in characters (XLSX only; before any row). */
void sheet_widths(struct sheet *s, const double *widths, size_t n);
/* Appends one row; bold for a heading row (XLSX). 0, DK_ERR_IO or
 * DK_ERR_NOMEM. */
int sheet_row(struct sheet *s, const struct sheet_cell *cells, size_t n, bool heading);
/* CSV: the bytes written since the caller last emptied it (the caller
 * takes them and may dk_buf_reset it). NULL for XLSX. */
struct dk_buf *sheet_csv(struct sheet *s);
/* XLSX: writes the workbook out and gives an open descriptor of the
 * finished file at offset 0 (the caller closes it; the file has no name
 * left). CSV: *fd = -1. 0 or DK_ERR_IO. */
int sheet_finish(struct sheet *s, int *fd);
/* XLSX: sheet_finish in two halves, so that an event loop goes on while
 * the workbook is zipped (the costly part): start hands the writing to a
 * child process and gives the read end of a pipe, *done_fd, that reads as
 * ended when the child has gone; end then reaps the child and gives the
 * open file as sheet_finish does. 0 or DK_ERR_IO; end also closes done_fd.
 * The caller must not start other children that could inherit the pipe's
 * write end meanwhile from another thread. */
int sheet_finish_start(struct sheet *s, int *done_fd);
int sheet_finish_end(struct sheet *s, int done_fd, int *fd);
/* Frees s and removes any file it still has. NULL is fine. */
void sheet_free(struct sheet *s);

#endif
