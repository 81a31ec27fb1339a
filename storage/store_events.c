/* Reading and rewriting single timeline events (redaction keeps the event
 * but drops its text). */
#include "store_internal.h"
#include <string.h>

#include "store_keys.h"

int store_event_get(struct store_txn *txn, uint64_t ticket_id, uint32_t seq,
		    struct ticket_event *out)
{
	uint8_t k[KEY_EVENT_LEN];
	MDB_val v;
	memset(out, 0, sizeof *out);
	int rc = store_get(txn, DB_EVENTS, k, key_event(k, ticket_id, seq), &v);
	if (rc)
		return rc;
	return ticket_event_decode(v.mv_data, v.mv_size, out);
}

int store_event_replace(struct store_txn *txn, const struct ticket_event *e)
{
	uint8_t k[KEY_EVENT_LEN];
	MDB_val v;
	struct dk_buf buf = { 0 };
	size_t klen = key_event(k, e->ticket_id, e->seq);
	struct ticket_event old;
	int rc = store_get(txn, DB_EVENTS, k, klen, &v);
	if (rc)
		return rc;
	rc = ticket_event_decode(v.mv_data, v.mv_size, &old);
	if (rc)
		return rc;
	old.ticket_id = e->ticket_id;
	old.seq = e->seq;
	rc = ticket_event_encode(e, &buf);
	if (rc == 0)
		rc = store_put(txn, DB_EVENTS, k, klen, buf.data, buf.len, 0);
	/* the text that was there leaves the index, the new text enters */
	if (rc == 0)
		rc = store_search_event(txn, &old, e);
	ticket_event_free(&old);
	dk_buf_free(&buf);
	return rc;
}
