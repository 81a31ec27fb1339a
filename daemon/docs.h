/*
 * The configurable documents deskd works from: the workflow and the service
 * catalogue. They live in the database (deskctl workflow|catalogue import)
 * and are cached here; a cheap version read notices when deskctl changed
 * them while deskd runs. Without a stored document the built-in default
 * applies.
 */
#ifndef DESKD_DOCS_H
#define DESKD_DOCS_H

#include <stdint.h>

struct workflow;
struct catalogue;
struct store;

struct docs {
	uint64_t version;            /* store_doc_version when loaded; UINT64_MAX: never */
	struct workflow *workflow;   /* owned; NULL: the default */
	struct catalogue *catalogue; /* owned; never NULL after docs_refresh */
};

/* Reloads what changed since the last call. 0 or a dk_err (the previous
 * documents stay in use when a stored one no longer decodes). */
int docs_refresh(struct docs *docs, struct store *store);
void docs_free(struct docs *docs);

/* Current documents; valid until the next docs_refresh. */
const struct workflow *docs_workflow(const struct docs *docs);
const struct catalogue *docs_catalogue(const struct docs *docs);

/* Names under which the documents are stored. */
#define DOC_WORKFLOW "workflow"
#define DOC_CATALOGUE "catalogue"

#endif
