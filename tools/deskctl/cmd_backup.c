/* deskctl backup DEST: a consistent, compacted copy of the data while deskd
 * runs (store_backup); DEST is a data directory deskd can be started on. */
#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>

#include "deskctl.h"
#include "dk_err.h"

int cmd_backup(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find(NULL, "backup");
	int opt;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (opt != 'j')
			return ctl_getopt_done(cmd, opt);
		c->json = true;
	}
	if (argc - optind != 1 || !*argv[optind])
		return ctl_getopt_done(cmd, '?');
	const char *dest = argv[optind];
	/* reading is all a copy needs: an older schema is copied as it is */
	struct store_opts o = { .read_only = true };
	int rc = ctl_open_opts(c, &o);
	if (rc)
		return rc;
	char err[512];
	rc = store_backup(c->store, dest, err, sizeof err);
	if (rc) {
		ctl_error("%s; no backup made", err);
		return CTL_FAIL;
	}
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/data.mdb", dest);
	long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
	if (c->json)
		ctl_print_json(json_pack("{s:s, s:s, s:I}", "backup", dest, "from", c->data, "bytes",
					 (json_int_t)bytes));
	else
		printf("backup of %s written to %s (%lld bytes)\n", c->data, dest, bytes);
	return CTL_OK;
}
