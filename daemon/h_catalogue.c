/* What a caller may choose: the service catalogue and the workflow. */
#include "catalogue.h"
#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "lifecycle.h"
#include "store.h"
#include "workflow.h"

void h_catalogue(struct req *r)
{
	struct org o = { 0 };
	struct contract k;
	if (r->who.org_id) {
		struct store_txn *txn;
		int rc = store_txn_begin(r->d->store, false, &txn);
		if (rc == 0) {
			rc = store_org_get(txn, r->who.org_id, &o);
			store_txn_abort(txn);
		}
		if (rc) {
			http_reply_dk_error(r, rc);
			return;
		}
	}
	lifecycle_contract(r->who.org_id ? &o : NULL, &k);
	json_t *view = catalogue_view_json(docs_catalogue(&r->d->docs), &k,
					   role_is_staff(r->who.role), lifecycle_lang(r));
	org_free(&o);
	http_reply_json(r, 200, view ? json_pack("{s:o}", "catalogue", view) : NULL);
}

void h_workflow(struct req *r)
{
	json_t *st = workflow_statuses_json(docs_workflow(&r->d->docs), lifecycle_lang(r));
	http_reply_json(r, 200, st ? json_pack("{s:o}", "statuses", st) : NULL);
}
