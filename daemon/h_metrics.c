/* GET /metrics: the process metrics and the database's size and entries,
 * for a monitoring system on the same machine or an admin's token. */
#include <event2/buffer.h>
#include <string.h>

#include "deskd.h"
#include "handlers.h"
#include "http.h"
#include "metrics.h"
#include "store.h"

/* A direct loopback client; a request relayed by a proxy on this machine
 * (X-Forwarded-For, Forwarded) comes from elsewhere and is not one. */
static bool from_loopback(struct req *r)
{
	if (http_header(r, "X-Forwarded-For") || http_header(r, "Forwarded") ||
	    http_header(r, "X-Real-IP"))
		return false;
	return !strncmp(r->peer, "127.", 4) || !strncmp(r->peer, "::1:", 4) ||
	       !strncmp(r->peer, "::ffff:127.", 11);
}

static int write_store(struct deskd *d, struct evbuffer *out)
{
	struct store_txn *txn;
	struct store_stats st;
	if (store_txn_begin(d->store, false, &txn))
		return -1;
	int rc = store_stats_get(txn, &st);
	store_txn_abort(txn);
	if (rc)
		return -1;
	rc |= evbuffer_add_printf(out,
				  "# HELP deskd_db_map_bytes Size of the database map\n"
				  "# TYPE deskd_db_map_bytes gauge\ndeskd_db_map_bytes %llu\n"
				  "# HELP deskd_db_used_bytes Bytes of the map in use\n"
				  "# TYPE deskd_db_used_bytes gauge\ndeskd_db_used_bytes %llu\n"
				  "# HELP deskd_db_entries Entries per database table\n"
				  "# TYPE deskd_db_entries gauge\n",
				  (unsigned long long)st.map_size, (unsigned long long)st.map_used) < 0;
	for (int i = 0; i < DB_COUNT; i++)
		rc |= evbuffer_add_printf(out, "deskd_db_entries{table=\"%s\"} %llu\n",
					  store_db_name((enum store_db)i),
					  (unsigned long long)st.entries[i]) < 0;
	return rc ? -1 : 0;
}

void h_metrics(struct req *r)
{
	if (!from_loopback(r) && !(r->authed && r->who.role == ROLE_ADMIN)) {
		/* the same answer as an unknown path: nothing tells it is there */
		http_reply_error(r, 404, "not_found", "no such resource", NULL);
		return;
	}
	if (http_refuse_body(r))
		return;
	struct evbuffer *out = evbuffer_new();
	if (!out || metrics_write(r->d->metrics, out) || write_store(r->d, out)) {
		if (out)
			evbuffer_free(out);
		http_reply_error(r, 503, "unavailable", "metrics cannot be read now", NULL);
		return;
	}
	http_add_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_reply_buffer(r, 200, out);
}
