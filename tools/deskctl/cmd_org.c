/* deskctl org add | list */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"

static int put_org(struct store_txn *txn, void *arg)
{
	struct org *o = arg;
	o->id = 0; /* assigned afresh if the write is run again */
	return store_org_put(txn, NULL, o);
}

int cmd_org_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "share-by-default", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("org", "add");
	struct org o;
	memset(&o, 0, sizeof o);
	int opt;
	while ((opt = getopt_long(argc, argv, "sh", opts, NULL)) != -1) {
		if (opt == 's')
			o.share_by_default = true;
		else
			return ctl_getopt_done(cmd, opt);
	}
	if (optind + 1 != argc)
		return ctl_getopt_done(cmd, '?');
	const char *name = argv[optind];
	size_t len = strlen(name);
	if (len == 0 || len > 200 || strspn(name, " ") == len) {
		ctl_error("an organisation name needs 1 to 200 characters");
		return CTL_USAGE;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			ctl_error("an organisation name may not hold control characters");
			return CTL_USAGE;
		}
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	o.version = RECORD_VERSION;
	o.name = (char *)name;
	o.created_ms = ctl_now_ms();
	rc = store_write(c->store, put_org, &o);
	if (rc == DK_ERR_EXISTS) {
		ctl_error("an organisation named \"%s\" exists already", name);
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("cannot add organisation: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	if (c->json)
		ctl_print_json(org_to_json(&o));
	else
		printf("organisation %llu \"%s\" added\n", (unsigned long long)o.id, name);
	return CTL_OK;
}

static int print_org(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	struct ctl *c = arg;
	struct org o;
	int rc = org_decode(val, vlen, &o);
	if (rc)
		return rc;
	if (c->json) {
		ctl_print_json(org_to_json(&o));
	} else {
		printf("%6llu  %s\n", (unsigned long long)o.id, o.name ? o.name : "");
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
	struct store_txn *txn;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = store_each(txn, DB_ORGS, print_org, c);
		store_txn_abort(txn);
	}
	if (rc) {
		ctl_error("cannot list organisations: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	return CTL_OK;
}
