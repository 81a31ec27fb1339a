/* Shared fixture and helpers of the storage unit tests (test_store_fx.c). */
#ifndef DESKD_TEST_STORE_H
#define DESKD_TEST_STORE_H

#include "test.h"

#include "store.h"

struct fx {
	char *dir;
	struct store *s;
};

/* setup: a fresh directory with a created store; teardown removes both. */
int setup(void **state);
int teardown(void **state);
/* setup, plus organisation 1 "Acme" and its customer 1 ann@acme.example,
 * whom test tickets name (verify wants them to exist). */
int setup_people(void **state);
/* Opens dir or fails the test. */
struct store *reopen(const char *dir, const struct store_opts *o);
struct store_txn *begin(struct store *s, bool write);
/* Records with every string set; free with user_free / ticket_free. */
void user_init(struct user *u, const char *email);
void ticket_init(struct ticket *t, uint64_t org, uint64_t requester, uint8_t prio,
		 const char *status);
/* Creates a ticket in its own transaction and returns its id. */
uint64_t ticket_add(struct store *s, uint64_t org, uint64_t requester, uint8_t prio,
		    const char *status);
/* Ids of a list, newest first (at most 64). */
size_t list(struct store *s, enum list_scope scope, uint64_t sid, enum list_bucket b,
	    uint64_t *ids);
/* Entries of a database. */
uint64_t entries(struct store *s, enum store_db db);

/* test_store_data.c */
void test_seq(void **state);
void test_users(void **state);
void test_orgs(void **state);
void test_ticket_ids(void **state);
void test_ticket_lists(void **state);
void test_ticket_pagination(void **state);
void test_ticket_counts(void **state);
void test_events(void **state);
void test_sessions(void **state);
void test_each_and_names(void **state);

/* test_store_scopes.c */
void test_scope_assignee(void **state);
void test_scope_shared(void **state);
void test_scope_approval(void **state);
void test_category_buckets(void **state);
void test_customer_list(void **state);
void test_customer_counts(void **state);
void test_reindex_upgrade(void **state);
void test_docs(void **state);

/* test_store_walk.c */
void test_walk_directions(void **state);
void test_walk_stop_and_error(void **state);
void test_walk_paging(void **state);
void test_walk_customer_union(void **state);
void test_day_counts(void **state);
void test_sessions_by_user(void **state);
void test_users_by_role(void **state);
void test_orgs_by_name(void **state);
void test_upgrade_from_2(void **state);

#endif
