/* deskctl migrate: upgrade a data directory written by an older deskd, as
 * deskd itself does when it opens one for writing, and say from which
 * schema version to which. */
#include <getopt.h>

#include "deskctl.h"
#include "dk_err.h"

static int schema_of(struct ctl *c, const struct store_opts *o, uint32_t *out)
{
	struct store_stats st;
	struct store_txn *txn;
	int rc = ctl_open_opts(c, o);
	if (rc)
		return rc;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = store_stats_get(txn, &st);
		store_txn_abort(txn);
	}
	store_close(c->store);
	c->store = NULL;
	if (rc) {
		ctl_error("cannot read %s: %s", c->data, dk_strerror(rc));
		return CTL_FAIL;
	}
	*out = st.schema;
	return CTL_OK;
}

int cmd_migrate(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find(NULL, "migrate");
	int done = ctl_getopt_json(c, cmd, argc, argv);
	if (done >= 0)
		return done;
	if (optind != argc)
		return ctl_getopt_done(cmd, '?');
	/* first as it is (a newer schema is refused here, untouched) */
	struct store_opts ro = { .read_only = true };
	uint32_t from, to;
	int rc = schema_of(c, &ro, &from);
	if (rc)
		return rc;
	if (from < STORE_SCHEMA_VERSION) {
		/* a writable open upgrades, in one transaction; with deskd's
		 * lock, so an older deskd still running is not upgraded under */
		struct store_opts rw = { .exclusive = true };
		rc = schema_of(c, &rw, &to);
		if (rc)
			return rc;
	} else {
		to = from;
	}
	if (c->json)
		ctl_print_json(json_pack("{s:s, s:I, s:I, s:b}", "data", c->data, "from",
					 (json_int_t)from, "to", (json_int_t)to, "upgraded",
					 from != to));
	else if (from == to)
		printf("%s: schema version %u is current; nothing to do\n", c->data, (unsigned)to);
	else
		printf("%s: schema version %u upgraded to %u\n", c->data, (unsigned)from,
		       (unsigned)to);
	return CTL_OK;
}
