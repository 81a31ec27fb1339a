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

int cmd_init(struct ctl *c, int argc, char **argv);
int cmd_org_add(struct ctl *c, int argc, char **argv);
int cmd_org_set(struct ctl *c, int argc, char **argv);
int cmd_catalogue_import(struct ctl *c, int argc, char **argv);
int cmd_catalogue_export(struct ctl *c, int argc, char **argv);
int cmd_workflow_import(struct ctl *c, int argc, char **argv);
int cmd_workflow_export(struct ctl *c, int argc, char **argv);
int cmd_org_list(struct ctl *c, int argc, char **argv);
int cmd_user_add(struct ctl *c, int argc, char **argv);
int cmd_user_list(struct ctl *c, int argc, char **argv);
int cmd_token_add(struct ctl *c, int argc, char **argv);
int cmd_token_revoke(struct ctl *c, int argc, char **argv);
int cmd_dump(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);

#endif
