/* deskctl init: make an empty data directory. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deskctl.h"

int cmd_init(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(ctl_find(NULL, "init"), opt);
	if (optind != argc)
		return ctl_getopt_done(ctl_find(NULL, "init"), '?');

	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/data.mdb", c->data);
	if (stat(path, &st) == 0) {
		ctl_error("%s already holds a deskd database; nothing changed", c->data);
		return CTL_FAIL;
	}
	if (mkdir(c->data, 0700) && errno != EEXIST) {
		ctl_error("cannot create %s: %s", c->data, strerror(errno));
		return CTL_FAIL;
	}
	int rc = ctl_open(c, true);
	if (rc)
		return rc;
	if (c->json)
		ctl_print_json(json_pack("{s:s, s:i}", "initialised", c->data, "schema",
					 STORE_SCHEMA_VERSION));
	else
		printf("initialised %s (schema %d)\n", c->data, STORE_SCHEMA_VERSION);
	return CTL_OK;
}
