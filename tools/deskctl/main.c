/* deskctl: administer a deskd data directory. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deskctl.h"
#include "dk_err.h"
#include "log.h"

static const struct ctl_command commands[] = {
	{ NULL, "init", cmd_init, "", "create an empty data directory" },
	{ "org", "add", cmd_org_add,
	  "NAME [--priority-mode none|matrix|direct] [--services ID,ID] [--share-by-default[=yes|no]] "
	  "[--confirm-all yes|no] [--domains D,D]",
	  "add an organisation and its contract (priority mode direct unless given)" },
	{ "org", "set", cmd_org_set,
	  "NAME [--priority-mode none|matrix|direct] [--services ID,ID] [--share-by-default=yes|no] "
	  "[--confirm-all yes|no] [--domains D,D|\"\"]",
	  "change an organisation's contract and sign-up domains" },
	{ "org", "list", cmd_org_list, "", "list organisations" },
	{ "contract", "set", cmd_contract_set,
	  "ORG [--sla-preset standard|fast] [--sla-policy FILE] [--auto-close-days N] "
	  "[--escalation EMAIL,EMAIL] [--json]",
	  "set an organisation's SLA policy, automatic closing and escalation contacts" },
	{ "contract", "show", cmd_contract_show, "ORG [--json]",
	  "print an organisation's SLA contract (the default when none was set)" },
	{ "user", "add", cmd_user_add,
	  "--email E --name N [--org NAME] --role ROLE [--language L] [--phone P] [--approver] "
	  "[--password-stdin]",
	  "add a user; ROLE is customer, org-customer, agent or admin; customers need --org" },
	{ "user", "set", cmd_user_set,
	  "--email E [--name N] [--role ROLE] [--org NAME] [--language L|\"\"] [--phone P|\"\"] "
	  "[--approver yes|no] [--json]",
	  "change a user's details, role or organisation" },
	{ "user", "disable", cmd_user_disable, "--email E [--json]",
	  "stop a user signing in; ends their sessions and API tokens" },
	{ "user", "enable", cmd_user_enable, "--email E [--json]",
	  "let a disabled user sign in again" },
	{ "user", "reset-password", cmd_user_reset_password, "--email E --password-stdin [--json]",
	  "set a new password (one line on stdin); ends the user's browser sessions" },
	{ "user", "list", cmd_user_list, "[--org NAME] [--role ROLE] [--json]",
	  "list users, all or of one organisation or role" },
	{ "user", "export", cmd_user_export, "--email E",
	  "print everything stored about a person as one JSON document (no secrets)" },
	{ "user", "erase", cmd_user_erase, "--email E [--yes] [--json]",
	  "anonymise a person everywhere; tickets stay, their author becomes \"Erased user N\"" },
	{ "token", "add", cmd_token_add, "--email E [--label TEXT]",
	  "make an API token for a user and print it once" },
	{ "token", "revoke", cmd_token_revoke, "TOKEN", "revoke an API token" },
	{ "catalogue", "import", cmd_catalogue_import, "FILE|-",
	  "check and store the service catalogue (docs/CATALOGUE.md)" },
	{ "catalogue", "export", cmd_catalogue_export, "", "print the catalogue in use as JSON" },
	{ "workflow", "import", cmd_workflow_import, "FILE|-",
	  "check and store the workflow (statuses and transitions)" },
	{ "workflow", "export", cmd_workflow_export, "", "print the workflow in use as JSON" },
	{ NULL, "dump", cmd_dump, "", "print every record as one JSON object per line" },
	{ NULL, "restore", cmd_restore, "[FILE|-] [--json]",
	  "load a dump into an empty data directory: all of it or nothing" },
	{ NULL, "backup", cmd_backup, "DEST [--json]",
	  "copy the data, consistent and compacted, into a new directory; deskd may run" },
	{ NULL, "verify", cmd_verify, "[--json]",
	  "check every record and index; exit 1 when anything is wrong" },
	{ NULL, "stats", cmd_stats, "", "count records and show database size" },
	{ NULL, "report", cmd_report,
	  "--org NAME --month YYYY-MM [--format csv|xlsx|json] [--output FILE] [--language en|nl|sv]",
	  "an organisation's monthly report: tickets opened, resolved and closed, SLA met and "
	  "breached per priority, satisfaction and time logged" },
	{ NULL, "purge", cmd_purge, "[--dry-run] [--json]",
	  "delete tickets closed longer ago than [data] retention_years (--config)" },
	{ NULL, "migrate", cmd_migrate, "[--json]",
	  "upgrade a data directory written by an older deskd (deskd stopped)" },
	{ "mail", "list", cmd_mail_list, "[--failed] [--json]",
	  "list the messages waiting in the outbox, or those given up" },
	{ "mail", "retry", cmd_mail_retry, "SEQ|--all-failed [--json]",
	  "send a failed message again (or a waiting one now); --all-failed: every failed one" },
	{ NULL, "mail-in", cmd_mail_in, "[--url URL] [--dry-run]",
	  "hand one e-mail on stdin to the running deskd (for an MTA's pipe); exit status as in "
	  "sysexits.h" },
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

void ctl_error(const char *fmt, ...)
{
	va_list ap;
	fputs("deskctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ctl_print_json(json_t *j)
{
	if (!j)
		return;
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(j);
}

int64_t ctl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ctl_usage(const struct ctl_command *cmd, FILE *f)
{
	fprintf(f, "usage: deskctl --data DIR %s%s%s %s\n  %s\n", cmd->group ? cmd->group : "",
		cmd->group ? " " : "", cmd->name, cmd->args, cmd->help);
}

const struct ctl_command *ctl_find(const char *group, const char *name)
{
	for (size_t i = 0; i < n_commands; i++) {
		const struct ctl_command *c = &commands[i];
		if ((c->group == NULL) != (group == NULL))
			continue;
		if (c->group && strcmp(c->group, group))
			continue;
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

int ctl_getopt_done(const struct ctl_command *cmd, int opt)
{
	if (opt == 'h') {
		ctl_usage(cmd, stdout);
		return CTL_OK;
	}
	ctl_usage(cmd, stderr);
	return CTL_USAGE;
}

int ctl_getopt_json(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	int opt;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (opt != 'j')
			return ctl_getopt_done(cmd, opt);
		c->json = true;
	}
	return -1;
}

int ctl_open(struct ctl *c, bool create)
{
	struct store_opts o = { .create = create };
	return ctl_open_opts(c, &o);
}

int ctl_open_opts(struct ctl *c, const struct store_opts *o)
{
	char err[512];
	int rc = store_open(c->data, o, &c->store, err, sizeof err);
	if (rc) {
		ctl_error("%s", err);
		return CTL_FAIL;
	}
	return CTL_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: deskctl --data DIR [--config FILE] [--json] COMMAND [ARGS]\n\n"
		   "commands:\n");
	for (size_t i = 0; i < n_commands; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s%s%s", commands[i].group ? commands[i].group : "",
			 commands[i].group ? " " : "", commands[i].name);
		fprintf(f, "  %-20s %s\n", name, commands[i].help);
	}
	fprintf(f, "\n'deskctl COMMAND --help' shows a command's arguments.\n"
		   "The data directory may also be given as DESKD_DATA in the environment.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c;
	memset(&c, 0, sizeof c);
	config_defaults(&c.cfg);
	c.data = getenv("DESKD_DATA");
	log_set_level(LOG_WARN);

	/* Global options stop at the command word. */
	int opt;
	while ((opt = getopt_long(argc, argv, "+d:c:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': c.data = optarg; break;
		case 'c': c.config = optarg; break;
		case 'j': c.json = true; break;
		case 'h': usage(stdout); return CTL_OK;
		default: usage(stderr); return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	const char *word = argv[optind];
	const struct ctl_command *cmd = ctl_find(NULL, word);
	int consumed = 1;
	if (!cmd && optind + 1 < argc && strncmp(argv[optind + 1], "-", 1)) {
		cmd = ctl_find(word, argv[optind + 1]);
		consumed = 2;
	}
	if (!cmd) {
		ctl_error("unknown command \"%s%s%s\" (deskctl --help lists them)", word,
			  optind + 1 < argc ? " " : "", optind + 1 < argc ? argv[optind + 1] : "");
		return CTL_USAGE;
	}
	int sub_argc = argc - optind - consumed + 1;
	char **sub_argv = argv + optind + consumed - 1;
	/* Help needs no data directory. */
	for (int i = 1; i < sub_argc; i++)
		if (!strcmp(sub_argv[i], "--help") || !strcmp(sub_argv[i], "-h")) {
			ctl_usage(cmd, stdout);
			return CTL_OK;
		}
	if (!c.data || !*c.data) {
		ctl_error("no data directory: give --data DIR");
		return CTL_USAGE;
	}
	if (c.config) {
		char err[512];
		if (config_load(&c.cfg, c.config, err, sizeof err)) {
			ctl_error("%s", err);
			return CTL_USAGE;
		}
	}
	optind = 0; /* glibc: start the next getopt scan afresh */
	int status = cmd->run(&c, sub_argc, sub_argv);
	if (c.store)
		store_close(c.store);
	return status;
}
