/* Inbound mail bookkeeping in meta: the gateway key and the Message-ID
 * index with its pruning. */
#include "test_store.h"

#include "dk_err.h"

static void hash_of(uint8_t h[32], int n)
{
	memset(h, 0, 32);
	h[0] = (uint8_t)n;
	h[31] = (uint8_t)(n >> 8);
}

static void test_key(void **state)
{
	struct fx *f = *state;
	uint8_t k[32], got[32];
	struct store_txn *txn = begin(f->s, true);
	assert_int_equal(store_mail_in_key_get(txn, got), DK_ERR_NOTFOUND);
	memset(k, 0xab, sizeof k);
	assert_int_equal(store_mail_in_key_put(txn, k), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	txn = begin(f->s, false);
	assert_int_equal(store_mail_in_key_get(txn, got), 0);
	assert_memory_equal(k, got, 32);
	store_txn_abort(txn);
}

static void test_seen_and_prune(void **state)
{
	struct fx *f = *state;
	uint8_t h[32];
	uint64_t id;
	struct store_txn *txn = begin(f->s, true);
	hash_of(h, 1);
	assert_int_equal(store_mail_in_seen(txn, h, &id), DK_ERR_NOTFOUND);
	assert_int_equal(id, 0);
	assert_int_equal(store_mail_in_note(txn, h, 10001, 1000), 0);
	assert_int_equal(store_mail_in_note(txn, h, 10002, 2000), DK_ERR_EXISTS);
	assert_int_equal(store_mail_in_seen(txn, h, &id), 0);
	assert_int_equal(id, 10001);
	/* 40 more, one ms apart */
	for (int i = 2; i < 42; i++) {
		hash_of(h, i);
		assert_int_equal(store_mail_in_note(txn, h, 10000 + (uint64_t)i, 1000 + i), 0);
	}
	size_t n;
	/* at most 16 a call, oldest first, only those before the time */
	assert_int_equal(store_mail_in_prune(txn, 1000 + 30, 100, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(store_mail_in_prune(txn, 1000 + 30, 100, &n), 0);
	assert_int_equal(n, 13);
	assert_int_equal(store_mail_in_prune(txn, 1000 + 30, 100, &n), 0);
	assert_int_equal(n, 0);
	hash_of(h, 29);
	assert_int_equal(store_mail_in_seen(txn, h, &id), DK_ERR_NOTFOUND);
	hash_of(h, 30);
	assert_int_equal(store_mail_in_seen(txn, h, &id), 0);
	assert_int_equal(id, 10030);
	/* a note long after prunes a few old ones by itself */
	hash_of(h, 500);
	assert_int_equal(store_mail_in_note(txn, h, 1, 1000 + 40 + STORE_MAIL_IN_KEEP_MS), 0);
	hash_of(h, 30);
	assert_int_equal(store_mail_in_seen(txn, h, &id), DK_ERR_NOTFOUND);
	hash_of(h, 41);
	assert_int_equal(store_mail_in_seen(txn, h, &id), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	/* the key survives pruning */
	txn = begin(f->s, true);
	uint8_t k[32];
	memset(k, 1, sizeof k);
	assert_int_equal(store_mail_in_key_put(txn, k), 0);
	assert_int_equal(store_mail_in_prune(txn, INT64_MAX, 16, &n), 0);
	assert_int_equal(store_mail_in_key_get(txn, k), 0);
	store_txn_abort(txn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seen_and_prune, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
