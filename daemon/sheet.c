#include "sheet.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "dk_err.h"

/* Excel counts days from 1899-12-30; 1970-01-01 is day 25569. */
#define EXCEL_EPOCH_DAYS 25569.0
#define MS_PER_DAY 86400000.0

struct sheet {
	enum sheet_format format;
	struct dk_buf csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_format *time;
	lxw_row_t row;
	char *path;          /* the workbook's file until sheet_finish */
	pid_t child;         /* sheet_finish_start's writer; 0: none */
};

static int open_finished(struct sheet *s, int *fd);

/* Frees a workbook that is not written out (another process writes it, or
 * the export stopped). libxlsxwriter closes the worksheet's row file only
 * when it writes the workbook, so it is closed here: each such workbook
 * would otherwise keep a descriptor (and its buffer) until deskd exits. */
static void workbook_discard(struct sheet *s)
{
	if (s->ws && s->ws->optimize_tmpfile) {
		fclose(s->ws->optimize_tmpfile);
		s->ws->optimize_tmpfile = NULL;
	}
	lxw_workbook_free(s->wb);
	s->wb = NULL;
	s->ws = NULL;
}

int sheet_format_parse(const char *s, enum sheet_format *out)
{
	if (s && !strcmp(s, "csv"))
		*out = SHEET_CSV;
	else if (s && !strcmp(s, "xlsx"))
		*out = SHEET_XLSX;
	else
		return -1;
	return 0;
}

const char *sheet_format_ext(enum sheet_format f)
{
	return f == SHEET_XLSX ? "xlsx" : "csv";
}

const char *sheet_format_mime(enum sheet_format f)
{
	return f == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			       : "text/csv; charset=utf-8";
}

static bool needs_guard(const char *s)
{
	return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		     s[0] == '\r');
}

int sheet_open(enum sheet_format f, const char *tmpdir, const char *name, struct sheet **out)
{
	struct sheet *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!s)
		return DK_ERR_NOMEM;
	s->format = f;
	if (f == SHEET_CSV) {
		/* the byte order mark tells Excel the file is UTF-8 */
		if (dk_buf_append(&s->csv, "\xEF\xBB\xBF", 3)) {
			free(s);
			return DK_ERR_NOMEM;
		}
		*out = s;
		return 0;
	}
	if (asprintf(&s->path, "%s/.sheet-XXXXXX", tmpdir ? tmpdir : "/tmp") < 0) {
		free(s);
		return DK_ERR_NOMEM;
	}
	int fd = mkstemp(s->path);
	if (fd < 0) {
		free(s->path);
		free(s);
		return DK_ERR_IO;
	}
	close(fd);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir,
				     .use_zip64 = LXW_TRUE };
	s->wb = workbook_new_opt(s->path, &opt);
	s->ws = s->wb ? workbook_add_worksheet(s->wb, name) : NULL;
	s->bold = s->wb ? workbook_add_format(s->wb) : NULL;
	s->time = s->wb ? workbook_add_format(s->wb) : NULL;
	if (!s->ws || !s->bold || !s->time) {
		sheet_free(s);
		return DK_ERR_NOMEM;
	}
	format_set_bold(s->bold);
	format_set_num_format(s->time, "yyyy-mm-dd hh:mm:ss");
	*out = s;
	return 0;
}

void sheet_widths(struct sheet *s, const double *widths, size_t n)
{
	for (size_t i = 0; s->ws && i < n; i++)
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
}

/* RFC 4180: quoted when it holds a separator, a quote or a line end. */
static int csv_field(struct dk_buf *b, const char *text)
{
	int rc = 0;
	bool guard = needs_guard(text);
	if (!text)
		text = "";
	if (!text[strcspn(text, ",\"\r\n")])
		return (guard ? dk_buf_append(b, "'", 1) : 0) || dk_buf_append(b, text, strlen(text));
	rc |= dk_buf_append(b, guard ? "\"'" : "\"", guard ? 2 : 1);
	for (const char *p = text; *p && !rc;) {
		size_t n = strcspn(p, "\"");
		rc |= dk_buf_append(b, p, n);
		p += n;
		if (*p == '"') {
			rc |= dk_buf_append(b, "\"\"", 2);
			p++;
		}
	}
	return rc | dk_buf_append(b, "\"", 1);
}

static void time_text(int64_t ms, char buf[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Whole numbers without decimals, others with two. Converting a double
 * outside long long's range is undefined, so only a double that holds a
 * whole number exactly (below 2^53) goes through the integer form; an
 * infinity or NaN, which no spreadsheet reads, is left out. */
static void number_text(double v, char buf[40])
{
	double mag = v < 0 ? -v : v;
	if (!isfinite(v))
		buf[0] = '\0';
	else if (mag < 9007199254740992.0 && v == (double)(long long)v)
		snprintf(buf, 40, "%lld", (long long)v);
	else if (mag < 1e15)
		snprintf(buf, 40, "%.2f", v);
	else
		snprintf(buf, 40, "%.17g", v);
}

static int csv_row(struct sheet *s, const struct sheet_cell *cells, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char tmp[40];
		if (i)
			rc = dk_buf_append(&s->csv, ",", 1);
		switch (cells[i].kind) {
		case CELL_TEXT:
			rc |= csv_field(&s->csv, cells[i].text);
			break;
		case CELL_NUMBER:
			number_text(cells[i].number, tmp);
			rc |= dk_buf_append(&s->csv, tmp, strlen(tmp));
			break;
		case CELL_TIME:
			if (cells[i].ms) {
				time_text(cells[i].ms, tmp);
				rc |= dk_buf_append(&s->csv, tmp, strlen(tmp));
			}
			break;
		case CELL_EMPTY:
			break;
		}
	}
	return rc || dk_buf_append(&s->csv, "\r\n", 2) ? DK_ERR_NOMEM : 0;
}

static int xlsx_row(struct sheet *s, const struct sheet_cell *cells, size_t n, bool heading)
{
	lxw_error e = LXW_NO_ERROR;
	for (size_t i = 0; i < n && e == LXW_NO_ERROR; i++) {
		lxw_col_t col = (lxw_col_t)i;
		const struct sheet_cell *c = &cells[i];
		switch (c->kind) {
		case CELL_TEXT: {
			char *guarded = NULL;
			const char *text = c->text ? c->text : "";
			if (!*text)
				break;
			if (needs_guard(text)) {
				if (asprintf(&guarded, "'%s", text) < 0)
					return DK_ERR_NOMEM;
				text = guarded;
			}
			e = worksheet_write_string(s->ws, s->row, col, text, heading ? s->bold : NULL);
			free(guarded);
			break;
		}
		case CELL_NUMBER:
			if (isfinite(c->number))
				e = worksheet_write_number(s->ws, s->row, col, c->number, NULL);
			break;
		case CELL_TIME:
			if (c->ms)
				e = worksheet_write_number(s->ws, s->row, col,
							   EXCEL_EPOCH_DAYS + (double)c->ms / MS_PER_DAY,
							   s->time);
			break;
		case CELL_EMPTY:
			break;
		}
	}
	if (e != LXW_NO_ERROR)
		return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? DK_ERR_NOMEM : DK_ERR_IO;
	s->row++;
	return 0;
}

int sheet_row(struct sheet *s, const struct sheet_cell *cells, size_t n, bool heading)
{
	if (s->format == SHEET_CSV)
		return csv_row(s, cells, n);
	return xlsx_row(s, cells, n, heading);
}

struct dk_buf *sheet_csv(struct sheet *s)
{
	return s->format == SHEET_CSV ? &s->csv : NULL;
}

int sheet_finish(struct sheet *s, int *fd)
{
	*fd = -1;
	if (s->format == SHEET_CSV)
		return 0;
	lxw_error e = workbook_close(s->wb);
	s->wb = NULL;
	s->ws = NULL;
	if (e != LXW_NO_ERROR)
		return DK_ERR_IO;
	return open_finished(s, fd);
}

/* The finished file, open and nameless: 0 or DK_ERR_IO. */
static int open_finished(struct sheet *s, int *fd)
{
	*fd = open(s->path, O_RDONLY | O_CLOEXEC);
	unlink(s->path);
	free(s->path);
	s->path = NULL;
	return *fd < 0 ? DK_ERR_IO : 0;
}

int sheet_finish_start(struct sheet *s, int *done_fd)
{
	int p[2];
	*done_fd = -1;
	if (s->format != SHEET_XLSX || !s->wb || pipe2(p, O_CLOEXEC))
		return DK_ERR_IO;
	/* nothing buffered may be written twice, by the child and by us */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return DK_ERR_IO;
	}
	if (pid == 0) {
		/* the child only writes the workbook out and leaves: the pipe
		 * reads as ended once it is gone, so the wait for it is short */
		_exit(workbook_close(s->wb) == LXW_NO_ERROR ? 0 : 1);
	}
	close(p[1]);
	/* our copy goes without being written: the child writes it */
	workbook_discard(s);
	s->child = pid;
	*done_fd = p[0];
	return 0;
}

int sheet_finish_end(struct sheet *s, int done_fd, int *fd)
{
	int status = 0;
	*fd = -1;
	close(done_fd);
	if (s->child && waitpid(s->child, &status, 0) == s->child)
		s->child = 0;
	if (s->child || !WIFEXITED(status) || WEXITSTATUS(status))
		return DK_ERR_IO;
	return open_finished(s, fd);
}

void sheet_free(struct sheet *s)
{
	if (!s)
		return;
	if (s->wb)
		workbook_discard(s);
	if (s->child) {
		/* a writer still at work: stop it before its file goes */
		kill(s->child, SIGKILL);
		waitpid(s->child, NULL, 0);
	}
	if (s->path) {
		unlink(s->path);
		free(s->path);
	}
	dk_buf_free(&s->csv);
	free(s);
}
