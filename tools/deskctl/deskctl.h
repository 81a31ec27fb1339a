/*
 * deskctl: the administrator's command line. Each command lives in its own
 * file (cmd_*.c) and uses only the public storage API.
 */
#ifndef DESKCTL_H
#define DESKCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

struct ctl {
	const char *data;     /* --data DIR */
	const char *config;   /* --config FILE, or NULL */
	struct config cfg;
	bool json;            /* --json: machine-readable output */
	struct store *store;  /* opened by ctl_open */
};

struct ctl_command {
	const char *group;    /* "org", "user", ... or NULL for one-word commands */
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *args;     /* one-line synopsis of the arguments */
	const char *help;     /* what it does */
};

/* Exit statuses. */
#define CTL_OK 0
#define CTL_FAIL 1   /* the operation failed; a message says why */
#define CTL_USAGE 2  /* bad arguments */

/* Opens c->data (create: initialise an empty directory). Prints the reason
 * and returns CTL_FAIL when it cannot. */
int ctl_open(struct ctl *c, bool create);
/* The same with the options given (read_only for commands that only read,
 * so they change nothing, not even an older schema). */
int ctl_open_opts(struct ctl *c, const struct store_opts *o);
/* Reads one line (a password) from stdin without its line end into out;
 * -1 after a message when there is none or it is too short or too long. */
int ctl_read_password(char *out, size_t size);

/* A progress bar on stderr for long commands, drawn only when stderr is a
 * terminal and at most ten times a second, so pipes and logs stay clean. */
struct ctl_progress {
	bool on;
	const char *label;
	uint64_t total;   /* 0: unknown, only the count is shown */
	uint64_t done;
	int64_t last_ms;
};
void ctl_progress_start(struct ctl_progress *p, const char *label, uint64_t total);
void ctl_progress_add(struct ctl_progress *p, uint64_t n);
/* Draws the final state and ends the line. */
void ctl_progress_end(struct ctl_progress *p);
/* Prints "deskctl: " and the message to stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints j (reference stolen) as one compact line on stdout. */
#include <jansson.h>
void ctl_print_json(json_t *j);
/* Milliseconds since the epoch. */
#include <stdint.h>
int64_t ctl_now_ms(void);
/* Prints usage of one command to f. */
void ctl_usage(const struct ctl_command *cmd, FILE *f);
/* Finds the table row for group/name. */
const struct ctl_command *ctl_find(const char *group, const char *name);
/* Standard handling of --help and unknown options inside a command:
 * returns -1 to continue, or an exit status. */
int ctl_getopt_done(const struct ctl_command *cmd, int opt);
/* Options of a command that takes only --json and --help: returns -1 to
 * continue with the operands from optind, or an exit status. */
int ctl_getopt_json(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv);

int cmd_init(struct ctl *c, int argc, char **argv);
int cmd_org_add(struct ctl *c, int argc, char **argv);
int cmd_org_set(struct ctl *c, int argc, char **argv);
int cmd_catalogue_import(struct ctl *c, int argc, char **argv);
int cmd_catalogue_export(struct ctl *c, int argc, char **argv);
int cmd_workflow_import(struct ctl *c, int argc, char **argv);
int cmd_workflow_export(struct ctl *c, int argc, char **argv);
int cmd_org_list(struct ctl *c, int argc, char **argv);
int cmd_contract_set(struct ctl *c, int argc, char **argv);
int cmd_contract_show(struct ctl *c, int argc, char **argv);
int cmd_user_add(struct ctl *c, int argc, char **argv);
int cmd_user_list(struct ctl *c, int argc, char **argv);
int cmd_user_set(struct ctl *c, int argc, char **argv);
int cmd_user_disable(struct ctl *c, int argc, char **argv);
int cmd_user_enable(struct ctl *c, int argc, char **argv);
int cmd_user_reset_password(struct ctl *c, int argc, char **argv);
int cmd_user_export(struct ctl *c, int argc, char **argv);
int cmd_user_erase(struct ctl *c, int argc, char **argv);
int cmd_purge(struct ctl *c, int argc, char **argv);
int cmd_migrate(struct ctl *c, int argc, char **argv);
int cmd_token_add(struct ctl *c, int argc, char **argv);
int cmd_token_revoke(struct ctl *c, int argc, char **argv);
int cmd_dump(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_report(struct ctl *c, int argc, char **argv);
int cmd_restore(struct ctl *c, int argc, char **argv);
int cmd_backup(struct ctl *c, int argc, char **argv);
int cmd_verify(struct ctl *c, int argc, char **argv);
int cmd_mail_list(struct ctl *c, int argc, char **argv);
int cmd_mail_retry(struct ctl *c, int argc, char **argv);
int cmd_mail_in(struct ctl *c, int argc, char **argv);

#endif
