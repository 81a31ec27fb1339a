/* deskctl stats: record counts and database size. */
#include <getopt.h>

#include "deskctl.h"
#include "dk_err.h"

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(ctl_find(NULL, "stats"), opt);
	if (optind != argc)
		return ctl_getopt_done(ctl_find(NULL, "stats"), '?');
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	struct store_txn *txn;
	struct store_stats st;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = store_stats_get(txn, &st);
		store_txn_abort(txn);
	}
	if (rc) {
		ctl_error("cannot read statistics: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	if (c->json) {
		json_t *entries = json_object();
		for (int db = 0; db < DB_COUNT; db++)
			json_object_set_new(entries, store_db_name(db),
					    json_integer((json_int_t)st.entries[db]));
		ctl_print_json(json_pack("{s:i, s:I, s:I, s:o}", "schema", (int)st.schema, "map_size",
					 (json_int_t)st.map_size, "map_used", (json_int_t)st.map_used,
					 "entries", entries));
		return CTL_OK;
	}
	printf("schema      %u\n", st.schema);
	printf("map size    %llu bytes\n", (unsigned long long)st.map_size);
	printf("map used    %llu bytes (%.1f%%)\n", (unsigned long long)st.map_used,
	       st.map_size ? 100.0 * (double)st.map_used / (double)st.map_size : 0.0);
	for (int db = 0; db < DB_COUNT; db++)
		printf("%-15s %llu\n", store_db_name(db), (unsigned long long)st.entries[db]);
	return CTL_OK;
}
