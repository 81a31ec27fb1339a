/*
 * Tickets opened and closed per UTC day: one small record per day, kept in
 * the transaction that writes the ticket, so a dashboard reads a range of
 * days instead of scanning tickets.
 */
#include <string.h>

#include "store_internal.h"
#include "store_keys.h"

#define DAY_MS 86400000LL
#define DAY_VAL_LEN 16 /* opened u64 . closed u64 */

uint32_t store_day_of(int64_t ms)
{
	if (ms <= 0)
		return 0;
	/* u32 days reach far past any ticket's lifetime */
	if (ms / DAY_MS > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)(ms / DAY_MS);
}

static int day_read(const MDB_val *val, struct store_day *out)
{
	const uint8_t *p = val->mv_data;

	if (val->mv_size != DAY_VAL_LEN) {
		memset(out, 0, sizeof *out);
		return DK_ERR_CORRUPT;
	}
	out->opened = be64_get(p);
	out->closed = be64_get(p + 8);
	return 0;
}

int store_day_count(struct store_txn *txn, int64_t ms, bool closed)
{
	uint8_t k[KEY_DAY_LEN], v[DAY_VAL_LEN];
	struct store_day d = { 0, 0 };
	MDB_val val;
	int rc;

	if (ms <= 0)
		return 0;
	key_day(k, store_day_of(ms));
	rc = store_get(txn, DB_DAY_COUNTS, k, sizeof k, &val);
	if (rc == 0)
		rc = day_read(&val, &d);
	else if (rc == DK_ERR_NOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	if (closed)
		d.closed++;
	else
		d.opened++;
	be64_put(v, d.opened);
	be64_put(v + 8, d.closed);
	return store_put(txn, DB_DAY_COUNTS, k, sizeof k, v, sizeof v, 0);
}

int store_days_get(struct store_txn *txn, uint32_t first_day, uint32_t n_days,
		   struct store_day *out)
{
	uint8_t seek[KEY_DAY_LEN];
	MDB_cursor *c;
	MDB_val k, v;
	uint32_t day;
	int rc, mrc;

	if (n_days > STORE_DAYS_MAX || (uint64_t)first_day + n_days > (uint64_t)UINT32_MAX + 1)
		return DK_ERR_INVALID;
	memset(out, 0, n_days * sizeof *out);
	if (n_days == 0)
		return 0;
	rc = store_cursor_open(txn, DB_DAY_COUNTS, &c);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	k.mv_size = key_day(seek, first_day);
	k.mv_data = seek;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (!key_day_parse(k.mv_data, k.mv_size, &day)) {
			rc = DK_ERR_CORRUPT;
			goto out;
		}
		if (day - first_day >= n_days)
			break;
		rc = day_read(&v, &out[day - first_day]);
		if (rc)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_err(txn, mrc, "days_get");
out:
	mdb_cursor_close(c);
	if (rc)
		memset(out, 0, n_days * sizeof *out);
	return rc;
}
