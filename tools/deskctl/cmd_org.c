/* deskctl org add | set | list */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "catalogue.h"
#include "contract.h"
#include "docs.h"
#include "json_map.h"

/* contract_apply's answer for a malformed --domains entry */
#define ORG_BAD_DOMAIN (-1000)

/* Contract options shared by org add and org set; -1 when absent. */
struct contract_opts {
	int share;          /* -1, 0, 1 */
	int priority_mode;  /* -1 or enum priority_mode */
	const char *services; /* comma-separated ids, "" for none, NULL: unchanged */
	int confirm_all;    /* -1, 0, 1: ticket confirmations to every user */
	const char *domains; /* comma-separated sign-up domains, "" for none, NULL: unchanged */
};

static const struct option contract_options[] = {
	{ "share-by-default", optional_argument, NULL, 's' },
	{ "priority-mode", required_argument, NULL, 'p' },
	{ "services", required_argument, NULL, 'S' },
	{ "confirm-all", required_argument, NULL, 'C' },
	{ "domains", required_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 } };

/* 0, 1 when opt is not a contract option, or CTL_USAGE after a message. */
static int contract_opt(struct contract_opts *k, int opt)
{
	switch (opt) {
	case 's':
		if (!optarg || !strcmp(optarg, "yes"))
			k->share = 1;
		else if (!strcmp(optarg, "no"))
			k->share = 0;
		else {
			ctl_error("--share-by-default takes yes or no");
			return CTL_USAGE;
		}
		return 0;
	case 'p': {
		enum priority_mode m;
		if (priority_mode_parse(optarg, &m)) {
			ctl_error("--priority-mode must be none, matrix or direct");
			return CTL_USAGE;
		}
		k->priority_mode = (int)m;
		return 0;
	}
	case 'S':
		k->services = optarg;
		return 0;
	case 'C':
		if (!strcmp(optarg, "yes") || !strcmp(optarg, "no")) {
			k->confirm_all = !strcmp(optarg, "yes");
			return 0;
		}
		ctl_error("--confirm-all takes yes or no");
		return CTL_USAGE;
	case 'D':
		k->domains = optarg;
		return 0;
	}
	return 1;
}

/* A domain name as it follows the "@" of an address: letters, digits,
 * hyphens and dots, at least one dot, no empty label. */
static bool domain_ok(const char *d)
{
	size_t len = strlen(d);
	if (len < 3 || len > 253 || strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789.-") != len ||
	    !strchr(d, '.') || d[0] == '.' || d[len - 1] == '.' || d[0] == '-' ||
	    d[len - 1] == '-' || strstr(d, ".."))
		return false;
	return true;
}

/* Replaces o's sign-up domains with the list k holds, lower-cased. 0,
 * DK_ERR_INVALID (a domain is not valid; *bad names it) or DK_ERR_NOMEM. */
static int domains_apply(const struct contract_opts *k, struct org *o, char *bad, size_t bad_size)
{
	if (!k->domains)
		return 0;
	str_list_free(o->domains, o->n_domains);
	o->domains = NULL;
	o->n_domains = 0;
	char *list = strdup(k->domains);
	int rc = list ? 0 : DK_ERR_NOMEM;
	for (char *save = NULL, *d = list ? strtok_r(list, ",", &save) : NULL; !rc && d;
	     d = strtok_r(NULL, ",", &save)) {
		while (*d == ' ')
			d++;
		for (char *p = d; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		size_t n = strlen(d);
		while (n && d[n - 1] == ' ')
			d[--n] = '\0';
		if (!domain_ok(d)) {
			snprintf(bad, bad_size, "%s", d);
			rc = DK_ERR_INVALID;
		} else {
			rc = str_list_add(&o->domains, &o->n_domains, d);
		}
	}
	free(list);
	return rc;
}

/* A domain leads sign-ups to one organisation only. */
struct domain_claim {
	const struct org *o;
	char *bad;
	size_t bad_size;
};

static int domain_free_fn(const struct org *other, void *arg)
{
	struct domain_claim *c = arg;
	if (other->id == c->o->id)
		return 0;
	for (size_t i = 0; i < c->o->n_domains; i++)
		if (str_list_has(other->domains, other->n_domains, c->o->domains[i])) {
			snprintf(c->bad, c->bad_size, "%s", c->o->domains[i]);
			return DK_ERR_CONFLICT;
		}
	return 0;
}

/* Applies k to o; the services must exist in the catalogue in use.
 * 0 or DK_ERR_INVALID with *bad naming the unknown service. */
static int contract_apply(const struct catalogue *cat, const struct contract_opts *k,
			  struct org *o, char *bad, size_t bad_size)
{
	if (k->share >= 0)
		o->share_by_default = k->share;
	if (k->priority_mode >= 0)
		o->priority_mode = (uint8_t)k->priority_mode;
	if (k->confirm_all >= 0)
		o->confirm_all = k->confirm_all;
	int rc = domains_apply(k, o, bad, bad_size);
	if (rc == DK_ERR_INVALID)
		return ORG_BAD_DOMAIN;
	if (rc || !k->services)
		return rc;
	json_t *view = catalogue_to_json(cat);
	str_list_free(o->services, o->n_services);
	o->services = NULL;
	o->n_services = 0;
	char *list = strdup(k->services);
	rc = list && view ? 0 : DK_ERR_NOMEM;
	for (char *save = NULL, *id = list ? strtok_r(list, ",", &save) : NULL; !rc && id;
	     id = strtok_r(NULL, ",", &save)) {
		json_t *svc;
		size_t i;
		bool known = false;
		json_array_foreach(json_object_get(view, "services"), i, svc)
			if (!strcmp(json_string_value(json_object_get(svc, "id")) ?: "", id))
				known = true;
		if (!known) {
			snprintf(bad, bad_size, "%s", id);
			rc = DK_ERR_INVALID;
		} else if (!str_list_has(o->services, o->n_services, id)) {
			rc = str_list_add(&o->services, &o->n_services, id);
		}
	}
	free(list);
	json_decref(view);
	return rc;
}

static int claim_check(struct store_txn *txn, const struct org *o, char *bad, size_t bad_size)
{
	struct domain_claim c = { o, bad, bad_size };
	return o->n_domains ? store_orgs_each(txn, domain_free_fn, &c) : 0;
}

struct org_add {
	struct org *o;
	char *bad;
	size_t bad_size;
};

static int put_org(struct store_txn *txn, void *arg)
{
	struct org_add *a = arg;
	a->o->id = 0; /* assigned afresh if the write is run again */
	int rc = claim_check(txn, a->o, a->bad, a->bad_size);
	return rc ? rc : store_org_put(txn, NULL, a->o);
}

static bool name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 200 || strspn(name, " ") == len) {
		ctl_error("an organisation name needs 1 to 200 characters");
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			ctl_error("an organisation name may not hold control characters");
			return false;
		}
	return true;
}

static int report(struct ctl *c, int rc, const char *name, const char *bad)
{
	if (rc == DK_ERR_EXISTS)
		ctl_error("an organisation named \"%s\" exists already", name);
	else if (rc == DK_ERR_NOTFOUND)
		ctl_error("no organisation named \"%s\" (deskctl org list)", name);
	else if (rc == DK_ERR_INVALID)
		ctl_error("--services: no service \"%s\" in the catalogue (deskctl catalogue export)",
			  bad);
	else if (rc == ORG_BAD_DOMAIN)
		ctl_error("--domains: \"%s\" is not a domain name such as example.com", bad);
	else if (rc == DK_ERR_CONFLICT)
		ctl_error("--domains: %s leads to another organisation already", bad);
	else if (rc)
		ctl_error("cannot write organisation: %s", dk_strerror(rc));
	(void)c;
	return rc ? CTL_FAIL : CTL_OK;
}

int cmd_org_add(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find("org", "add");
	struct contract_opts k = { -1, PRIORITY_DIRECT, NULL, -1, NULL };
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "h", contract_options, NULL)) != -1)
		if ((rc = contract_opt(&k, opt)))
			return rc == 1 ? ctl_getopt_done(cmd, opt) : rc;
	if (optind + 1 != argc)
		return ctl_getopt_done(cmd, '?');
	const char *name = argv[optind];
	if (!name_ok(name))
		return CTL_USAGE;
	if ((rc = ctl_open(c, false)))
		return rc;
	struct docs docs = { .version = UINT64_MAX };
	if ((rc = docs_refresh(&docs, c->store)))
		return report(c, rc, name, "");
	struct org o;
	char bad[128] = "";
	memset(&o, 0, sizeof o);
	o.version = RECORD_VERSION;
	o.name = strdup(name);
	o.created_ms = ctl_now_ms();
	rc = o.name ? contract_apply(docs_catalogue(&docs), &k, &o, bad, sizeof bad) : DK_ERR_NOMEM;
	struct org_add add = { &o, bad, sizeof bad };
	if (rc == 0)
		rc = store_write(c->store, put_org, &add);
	if (rc == 0) {
		if (c->json)
			ctl_print_json(org_to_json(&o));
		else
			printf("organisation %llu \"%s\" added\n", (unsigned long long)o.id, name);
	}
	org_free(&o);
	docs_free(&docs);
	return report(c, rc, name, bad);
}

struct org_set {
	const struct catalogue *cat;
	const char *name;
	const struct contract_opts *k;
	struct org result;
	char bad[128];
};

static int set_org(struct store_txn *txn, void *arg)
{
	struct org_set *s = arg;
	struct org old;
	org_free(&s->result);
	memset(&s->result, 0, sizeof s->result);
	int rc = store_org_by_name(txn, s->name, &old);
	if (rc)
		return rc;
	struct org *o = &s->result;
	rc = org_copy(o, &old);
	if (rc == 0)
		rc = contract_apply(s->cat, s->k, o, s->bad, sizeof s->bad);
	if (rc == 0)
		rc = claim_check(txn, o, s->bad, sizeof s->bad);
	if (rc == 0)
		rc = store_org_put(txn, &old, o);
	org_free(&old);
	return rc;
}

int cmd_org_set(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = ctl_find("org", "set");
	struct contract_opts k = { -1, -1, NULL, -1, NULL };
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "h", contract_options, NULL)) != -1)
		if ((rc = contract_opt(&k, opt)))
			return rc == 1 ? ctl_getopt_done(cmd, opt) : rc;
	if (optind + 1 != argc)
		return ctl_getopt_done(cmd, '?');
	if (k.share < 0 && k.priority_mode < 0 && !k.services && k.confirm_all < 0 &&
	    !k.domains) {
		ctl_error("nothing to change: give --share-by-default, --priority-mode, --services, "
			  "--confirm-all or --domains");
		return CTL_USAGE;
	}
	if ((rc = ctl_open(c, false)))
		return rc;
	struct docs docs = { .version = UINT64_MAX };
	if ((rc = docs_refresh(&docs, c->store)))
		return report(c, rc, argv[optind], "");
	struct org_set s = { .cat = docs_catalogue(&docs), .name = argv[optind], .k = &k };
	rc = store_write(c->store, set_org, &s);
	docs_free(&docs);
	if (rc == 0) {
		if (c->json)
			ctl_print_json(org_to_json(&s.result));
		else
			printf("organisation \"%s\" updated\n", s.name);
	}
	org_free(&s.result);
	return report(c, rc, s.name, s.bad);
}

struct org_lister {
	struct ctl *c;
	struct store_txn *txn;
};

/* One organisation with its contract: a row, or with --json its record
 * plus "contract" (the SLA policy name, automatic closing, contacts). */
static int print_org(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	struct org_lister *l = arg;
	struct org o;
	struct sla_contract k;
	int rc = org_decode(val, vlen, &o);
	if (rc)
		return rc;
	rc = contract_load(l->txn, o.id, &k);
	if (rc && rc != DK_ERR_CORRUPT) {
		org_free(&o);
		return rc;
	}
	const char *sla = k.policy.name[0] ? k.policy.name : "custom";
	if (l->c->json) {
		json_t *j = org_to_json(&o);
		json_t *contacts = json_array();
		for (size_t i = 0; i < k.n_contacts; i++)
			json_array_append_new(contacts, json_string(k.contacts[i]));
		json_object_set_new(j, "contract",
				    json_pack("{s:s, s:i, s:o}", "sla", sla, "auto_close_days",
					      (json_int_t)k.auto_close_days, "escalation_contacts",
					      contacts));
		ctl_print_json(j);
	} else {
		printf("%6llu  %-24s  %-8s  %-10s  %3u d%s", (unsigned long long)o.id,
		       o.name ? o.name : "", priority_mode_name(o.priority_mode), sla,
		       k.auto_close_days, o.confirm_all ? "  (confirmations to all users)" : "");
		for (size_t i = 0; i < o.n_domains; i++)
			printf("%s%s", i ? "," : "  sign-up: ", o.domains[i]);
		printf("\n");
	}
	org_free(&o);
	return 0;
}

int cmd_org_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(ctl_find("org", "list"), opt);
	if (optind != argc)
		return ctl_getopt_done(ctl_find("org", "list"), '?');
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	struct org_lister l = { c, NULL };
	rc = store_txn_begin(c->store, false, &l.txn);
	if (rc == 0) {
		if (!c->json)
			printf("%6s  %-24s  %-8s  %-10s  %s\n", "ID", "NAME", "PRIORITY", "SLA",
			       "AUTO-CLOSE");
		rc = store_each(l.txn, DB_ORGS, print_org, &l);
		store_txn_abort(l.txn);
	}
	if (rc) {
		ctl_error("cannot list organisations: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	return CTL_OK;
}
