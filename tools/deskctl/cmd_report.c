/* deskctl report: an organisation's monthly report, as deskd's GET
 * /api/v1/reports/monthly gives it (the same builder, daemon/report.c). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deskctl.h"
#include "dk_err.h"
#include "docs.h"
#include "report.h"
#include "sheet.h"

/* Copies fd to out: 0 or -1. */
static int copy_fd(int fd, FILE *out)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return -1;
	return n < 0 ? -1 : 0;
}

static int write_report(const struct report *rep, const char *format, const char *lang,
			FILE *out)
{
	if (!strcmp(format, "json")) {
		char *text = NULL;
		json_t *j = report_json(rep);
		if (j)
			text = json_dumps(j, JSON_INDENT(2));
		json_decref(j);
		if (!text)
			return DK_ERR_NOMEM;
		int rc = fprintf(out, "%s\n", text) < 0 ? DK_ERR_IO : 0;
		free(text);
		return rc;
	}
	enum sheet_format f;
	sheet_format_parse(format, &f);
	const char *tmp = getenv("TMPDIR");
	struct sheet *s;
	int fd = -1;
	int rc = sheet_open(f, tmp && *tmp ? tmp : "/tmp", "Report", &s);
	if (rc)
		return rc;
	rc = report_sheet(rep, s, lang);
	if (rc == 0 && f == SHEET_CSV) {
		struct dk_buf *b = sheet_csv(s);
		rc = fwrite(b->data, 1, b->len, out) == b->len ? 0 : DK_ERR_IO;
	} else if (rc == 0) {
		rc = sheet_finish(s, &fd);
		if (rc == 0 && copy_fd(fd, out))
			rc = DK_ERR_IO;
	}
	if (fd >= 0)
		close(fd);
	sheet_free(s);
	return rc;
}

int cmd_report(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'O' },
		{ "language", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct ctl_command *cmd = ctl_find(NULL, "report");
	const char *org = NULL, *month = NULL, *output = NULL, *lang = "en";
	const char *format = c->json ? "json" : "csv";
	int opt, year, mon;
	enum sheet_format f;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': org = optarg; break;
		case 'm': month = optarg; break;
		case 'f': format = optarg; break;
		case 'O': output = optarg; break;
		case 'l': lang = optarg; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !org || !month)
		return ctl_getopt_done(cmd, '?');
	if (report_month_parse(month, &year, &mon)) {
		ctl_error("--month must be YYYY-MM");
		return CTL_USAGE;
	}
	if (strcmp(format, "json") && sheet_format_parse(format, &f)) {
		ctl_error("--format must be csv, xlsx or json");
		return CTL_USAGE;
	}
	if (!strcmp(format, "xlsx") && !output && isatty(STDOUT_FILENO)) {
		ctl_error("an Excel file does not belong on a terminal: give --output FILE");
		return CTL_USAGE;
	}
	struct store_opts so = { .read_only = true };
	int rc = ctl_open_opts(c, &so);
	if (rc)
		return rc;

	struct docs docs = { .version = UINT64_MAX };
	struct store_txn *txn = NULL;
	struct report rep;
	struct org o;
	rc = docs_refresh(&docs, c->store);
	if (rc == 0)
		rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = store_org_by_name(txn, org, &o);
		if (rc == 0) {
			uint64_t id = o.id;
			org_free(&o);
			rc = report_build(txn, docs_workflow(&docs), id, year, mon, ctl_now_ms(), &rep);
		} else if (rc == DK_ERR_NOTFOUND) {
			store_txn_abort(txn);
			docs_free(&docs);
			ctl_error("no organisation \"%s\"", org);
			return CTL_FAIL;
		}
		store_txn_abort(txn);
	}
	docs_free(&docs);
	if (rc) {
		ctl_error("cannot build the report: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	FILE *out = output ? fopen(output, "wb") : stdout;
	if (!out) {
		ctl_error("cannot write %s", output);
		return CTL_FAIL;
	}
	rc = write_report(&rep, format, lang, out);
	if ((output && fclose(out)) || (!output && fflush(out)))
		rc = rc ? rc : DK_ERR_IO;
	if (rc) {
		ctl_error("cannot write the report: %s", dk_strerror(rc));
		if (output)
			unlink(output);
		return CTL_FAIL;
	}
	return CTL_OK;
}
