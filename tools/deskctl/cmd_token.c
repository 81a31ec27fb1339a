/* deskctl token add | revoke: API tokens for scripts (Authorization: Bearer). */
#include <getopt.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "secret.h"

struct token_add {
	const char *email;
	uint8_t key[32];
	struct session s;
	uint64_t user_id;
};

static int put_token(struct store_txn *txn, void *arg)
{
	struct token_add *t = arg;
	struct user u;
	int rc = store_user_by_email(txn, t->email, &u);
	if (rc)
		return rc;
	bool disabled = u.disabled;
	t->s.user_id = t->user_id = u.id;
	user_free(&u);
	if (disabled)
		return DK_ERR_CONFLICT;
	return store_session_put(txn, t->key, &t->s);
}

int cmd_token_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("token", "add");
	struct token_add t;
	const char *label = "api";
	memset(&t, 0, sizeof t);
	int opt;
	while ((opt = getopt_long(argc, argv, "e:l:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': t.email = optarg; break;
		case 'l': label = optarg; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !t.email)
		return ctl_getopt_done(cmd, '?');
	if (strlen(label) > 200) {
		ctl_error("--label: at most 200 characters");
		return CTL_USAGE;
	}
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	char secret[SECRET_TEXT_LEN + 1];
	if (secret_new(secret)) {
		ctl_error("no randomness available");
		return CTL_FAIL;
	}
	secret_sha256(secret, strlen(secret), t.key);
	t.s.version = RECORD_VERSION;
	t.s.kind = SESSION_API_TOKEN;
	t.s.label = (char *)label;
	t.s.created_ms = ctl_now_ms();
	rc = store_write(c->store, put_token, &t);
	if (rc == DK_ERR_NOTFOUND) {
		ctl_error("no user with e-mail %s", t.email);
		return CTL_FAIL;
	}
	if (rc == DK_ERR_CONFLICT) {
		ctl_error("user %s is disabled", t.email);
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("cannot add token: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	if (c->json)
		ctl_print_json(json_pack("{s:s, s:I, s:s}", "token", secret, "user_id",
					 (json_int_t)t.user_id, "label", label));
	else
		printf("%s\n", secret);
	return CTL_OK;
}

static int del_token(struct store_txn *txn, void *arg)
{
	const uint8_t *key = arg;
	struct session s;
	int rc = store_session_get(txn, key, &s);
	if (rc)
		return rc;
	bool is_token = s.kind == SESSION_API_TOKEN;
	session_free(&s);
	if (!is_token)
		return DK_ERR_NOTFOUND;
	return store_session_del(txn, key);
}

int cmd_token_revoke(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct ctl_command *cmd = ctl_find("token", "revoke");
	const char *token;
	if (argc == 2) {
		/* Tokens are base64url and may begin with '-': a lone argument
		 * is the token, not an option (--help is handled before). */
		token = argv[1];
	} else {
		int opt;
		while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
			return ctl_getopt_done(cmd, opt);
		if (optind + 1 != argc)
			return ctl_getopt_done(cmd, '?');
		token = argv[optind];
	}
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	uint8_t key[32];
	secret_sha256(token, strlen(token), key);
	rc = store_write(c->store, del_token, key);
	if (rc == DK_ERR_NOTFOUND) {
		ctl_error("no such API token");
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("cannot revoke token: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	printf("token revoked\n");
	return CTL_OK;
}
