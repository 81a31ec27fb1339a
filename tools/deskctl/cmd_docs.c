/* deskctl catalogue import|export, workflow import|export: the documents
 * deskd works from, checked before they are stored. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "deskctl.h"
#include "dk_err.h"
#include "docs.h"
#include "validate.h"
#include "workflow.h"

static int one_arg(const struct ctl_command *cmd, int argc, char **argv, int want)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(cmd, opt);
	if (argc - optind != want)
		return ctl_getopt_done(cmd, '?');
	return -1;
}

static int export_doc(struct ctl *c, const char *what)
{
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	struct docs docs = { .version = UINT64_MAX };
	rc = docs_refresh(&docs, c->store);
	if (rc) {
		ctl_error("cannot read the %s: %s", what, dk_strerror(rc));
		return CTL_FAIL;
	}
	json_t *j = !strcmp(what, DOC_CATALOGUE) ? catalogue_to_json(docs_catalogue(&docs))
						 : workflow_to_json(docs_workflow(&docs));
	docs_free(&docs);
	if (!j) {
		ctl_error("out of memory");
		return CTL_FAIL;
	}
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(j);
	return CTL_OK;
}

struct doc_write {
	const char *name;
	char *text;
	const struct workflow *wf; /* workflow import: statuses in use must stay */
	char missing[64];
};

static int status_in_use(char dim, const char *value, uint64_t count, void *arg)
{
	struct doc_write *w = arg;
	if (dim != 's' || !count || w->missing[0])
		return 0;
	if (workflow_category(w->wf, value) == CATEGORY_UNKNOWN)
		snprintf(w->missing, sizeof w->missing, "%s", value);
	return 0;
}

static int write_doc(struct store_txn *txn, void *arg)
{
	struct doc_write *w = arg;
	w->missing[0] = '\0';
	if (w->wf) {
		int rc = store_ticket_counts(txn, SCOPE_ALL, 0, BUCKET_ALL, status_in_use, w);
		if (rc)
			return rc;
		if (w->missing[0])
			return DK_ERR_CONFLICT;
	}
	return store_doc_put(txn, w->name, w->text, strlen(w->text));
}

static int import_doc(struct ctl *c, const char *what, const char *path)
{
	json_error_t je;
	json_t *j = !strcmp(path, "-") ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
				       : json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		ctl_error("%s: line %d: %s", !strcmp(path, "-") ? "standard input" : path, je.line,
			  je.text);
		return CTL_FAIL;
	}
	struct field_error fe;
	struct catalogue *cat = NULL;
	struct workflow *wf = NULL;
	int rc = !strcmp(what, DOC_CATALOGUE) ? catalogue_from_json(j, &cat, &fe)
					      : workflow_from_json(j, &wf, &fe);
	json_decref(j);
	if (rc) {
		ctl_error("%s not imported: %s%s%s", what, fe.field[0] ? fe.field : "",
			  fe.field[0] ? ": " : "", fe.message);
		return CTL_FAIL;
	}
	/* Store the canonical form, so an export gives back what deskd uses. */
	json_t *canon = cat ? catalogue_to_json(cat) : workflow_to_json(wf);
	struct doc_write w = { .name = what, .wf = wf };
	w.text = canon ? json_dumps(canon, JSON_COMPACT) : NULL;
	json_decref(canon);
	rc = w.text ? ctl_open(c, false) : CTL_FAIL;
	if (rc == CTL_OK) {
		rc = store_write(c->store, write_doc, &w);
		if (rc == DK_ERR_CONFLICT)
			ctl_error("workflow not imported: tickets are in status \"%s\", which it lacks",
				  w.missing);
		else if (rc)
			ctl_error("cannot store the %s: %s", what, dk_strerror(rc));
		else
			printf("%s imported\n", what);
		rc = rc ? CTL_FAIL : CTL_OK;
	}
	free(w.text);
	catalogue_free(cat);
	workflow_free(wf);
	return rc;
}

int cmd_catalogue_export(struct ctl *c, int argc, char **argv)
{
	int rc = one_arg(ctl_find("catalogue", "export"), argc, argv, 0);
	return rc >= 0 ? rc : export_doc(c, DOC_CATALOGUE);
}

int cmd_catalogue_import(struct ctl *c, int argc, char **argv)
{
	int rc = one_arg(ctl_find("catalogue", "import"), argc, argv, 1);
	return rc >= 0 ? rc : import_doc(c, DOC_CATALOGUE, argv[optind]);
}

int cmd_workflow_export(struct ctl *c, int argc, char **argv)
{
	int rc = one_arg(ctl_find("workflow", "export"), argc, argv, 0);
	return rc >= 0 ? rc : export_doc(c, DOC_WORKFLOW);
}

int cmd_workflow_import(struct ctl *c, int argc, char **argv)
{
	int rc = one_arg(ctl_find("workflow", "import"), argc, argv, 1);
	return rc >= 0 ? rc : import_doc(c, DOC_WORKFLOW, argv[optind]);
}
