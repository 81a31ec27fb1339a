/*
 * Lists the agents' forms choose from: the support staff a ticket can be
 * assigned to, and the organisations a queue can be filtered by.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "deskd.h"
#include "dk_err.h"
#include "handlers.h"
#include "http.h"
#include "store.h"

static int add_agent(const struct user *u, void *arg)
{
	if (u->disabled)
		return 0;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "name",
			      u->name ? u->name : "", "email", u->email ? u->email : "", "role",
			      role_name(u->role) ? role_name(u->role) : "");
	return j && json_array_append_new(arg, j) == 0 ? 0 : DK_ERR_NOMEM;
}

/* By name, as people look for a colleague; the id keeps equal names apart. */
static int by_name(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcasecmp(json_string_value(json_object_get(x, "name")),
			   json_string_value(json_object_get(y, "name")));
	if (c)
		return c;
	json_int_t i = json_integer_value(json_object_get(x, "id"));
	json_int_t k = json_integer_value(json_object_get(y, "id"));
	return (i > k) - (i < k);
}

static json_t *sorted(json_t *list)
{
	size_t n = json_array_size(list);
	json_t **items = n ? calloc(n, sizeof *items) : NULL;
	json_t *out = json_array();
	if ((n && !items) || !out) {
		free(items);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(list, i);
	qsort(items, n, sizeof *items, by_name);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, items[i]);
	free(items);
	return out;
}

/* These lists take no parameters: 0, or replies 400 naming the first one. */
static int refuse_query(struct req *r)
{
	struct evkeyvalq kv;
	char msg[160];
	TAILQ_INIT(&kv);
	if (!r->query || !*r->query)
		return 0;
	if (evhttp_parse_query_str(r->query, &kv) || !TAILQ_FIRST(&kv)) {
		evhttp_clear_headers(&kv);
		http_reply_error(r, 400, "bad_query", "the query string is not valid", NULL);
		return -1;
	}
	const char *key = TAILQ_FIRST(&kv)->key;
	snprintf(msg, sizeof msg, "unknown query parameter \"%.64s\"", key);
	http_reply_error(r, 400, "unknown_parameter", msg, key);
	evhttp_clear_headers(&kv);
	return -1;
}

void h_agents(struct req *r)
{
	if (refuse_query(r))
		return;
	struct store_txn *txn;
	json_t *all = json_array();
	int rc = all ? store_txn_begin(r->d->store, false, &txn) : DK_ERR_NOMEM;
	if (rc) {
		json_decref(all);
		http_reply_dk_error(r, rc);
		return;
	}
	/* the role index holds the staff alone, however many customers there are */
	rc = store_users_by_role(txn, ROLE_AGENT, add_agent, all);
	if (rc == 0)
		rc = store_users_by_role(txn, ROLE_ADMIN, add_agent, all);
	store_txn_abort(txn);
	json_t *list = rc ? NULL : sorted(all);
	json_decref(all);
	if (rc || !list) {
		json_decref(list);
		http_reply_dk_error(r, rc ? rc : DK_ERR_NOMEM);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "agents", list));
}

static int add_org(const struct org *o, void *arg)
{
	json_t *j = json_pack("{s:I, s:s}", "id", (json_int_t)o->id, "name", o->name ? o->name : "");
	return j && json_array_append_new(arg, j) == 0 ? 0 : DK_ERR_NOMEM;
}

void h_orgs(struct req *r)
{
	if (refuse_query(r))
		return;
	struct store_txn *txn;
	json_t *list = json_array();
	int rc = list ? store_txn_begin(r->d->store, false, &txn) : DK_ERR_NOMEM;
	if (rc) {
		json_decref(list);
		http_reply_dk_error(r, rc);
		return;
	}
	/* already in name order: the walk follows the name index */
	rc = store_orgs_each(txn, add_org, list);
	store_txn_abort(txn);
	if (rc) {
		json_decref(list);
		http_reply_dk_error(r, rc);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "orgs", list));
}
