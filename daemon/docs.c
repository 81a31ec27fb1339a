#include "docs.h"

#include <jansson.h>
#include <string.h>

#include "catalogue.h"
#include "dk_err.h"
#include "log.h"
#include "store.h"
#include "validate.h"
#include "workflow.h"

/* Parses a stored JSON document; NULL (and a log line) when it is bad. */
static json_t *load_doc(struct store_txn *txn, const char *name, int *rc)
{
	struct dk_buf b = { 0 };
	*rc = store_doc_get(txn, name, &b);
	if (*rc) {
		dk_buf_free(&b);
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(b.data, b.len, 0, &e);
	dk_buf_free(&b);
	if (!j) {
		log_error("bad_stored_document", "name", name, "reason", e.text, NULL);
		*rc = DK_ERR_CORRUPT;
	}
	return j;
}

int docs_refresh(struct docs *docs, struct store *store)
{
	struct store_txn *txn;
	uint64_t version = 0;
	int rc = store_txn_begin(store, false, &txn);
	if (rc)
		return rc;
	rc = store_doc_version(txn, &version);
	if (rc || (docs->catalogue && version == docs->version))
		goto out;

	struct field_error fe;
	int lrc;
	json_t *j = load_doc(txn, DOC_WORKFLOW, &lrc);
	struct workflow *wf = NULL;
	if (j && workflow_from_json(j, &wf, &fe))
		log_error("bad_stored_workflow", "field", fe.field, "reason", fe.message, NULL);
	json_decref(j);
	if (wf || lrc == DK_ERR_NOTFOUND) {
		workflow_free(docs->workflow);
		docs->workflow = wf;
	}

	j = load_doc(txn, DOC_CATALOGUE, &lrc);
	struct catalogue *cat = NULL;
	if (j && catalogue_from_json(j, &cat, &fe))
		log_error("bad_stored_catalogue", "field", fe.field, "reason", fe.message, NULL);
	json_decref(j);
	if (!cat && (lrc == DK_ERR_NOTFOUND || !docs->catalogue))
		cat = catalogue_default();
	if (cat) {
		catalogue_free(docs->catalogue);
		docs->catalogue = cat;
	}
	docs->version = version;
	rc = docs->catalogue ? 0 : DK_ERR_NOMEM;
out:
	store_txn_abort(txn);
	return rc;
}

void docs_free(struct docs *docs)
{
	workflow_free(docs->workflow);
	catalogue_free(docs->catalogue);
	memset(docs, 0, sizeof *docs);
}

const struct workflow *docs_workflow(const struct docs *docs)
{
	return docs->workflow ? docs->workflow : workflow_default();
}

const struct catalogue *docs_catalogue(const struct docs *docs)
{
	return docs->catalogue;
}
