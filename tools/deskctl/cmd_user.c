/* deskctl user add | list; the changes to a user are in cmd_user_set.c. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "password.h"
#include "validate.h"

int ctl_read_password(char *out, size_t size)
{
	if (!fgets(out, (int)size, stdin)) {
		ctl_error("--password-stdin: no password on standard input");
		return -1;
	}
	size_t n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == size - 1) {
		ctl_error("--password-stdin: password longer than %d bytes", PASSWORD_MAX_BYTES);
		return -1;
	}
	out[n] = '\0';
	if (n < PASSWORD_MIN_BYTES) {
		ctl_error("--password-stdin: a password needs at least %d characters",
			  PASSWORD_MIN_BYTES);
		return -1;
	}
	return 0;
}

struct user_add {
	struct user u;
	const char *org_name;
};

static int put_user(struct store_txn *txn, void *arg)
{
	struct user_add *a = arg;
	a->u.id = 0;
	if (a->org_name) {
		struct org o;
		int rc = store_org_by_name(txn, a->org_name, &o);
		if (rc)
			return rc == DK_ERR_NOTFOUND ? DK_ERR_INVALID : rc;
		a->u.org_id = o.id;
		org_free(&o);
	}
	return store_user_put(txn, NULL, &a->u);
}

int cmd_user_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "language", required_argument, NULL, 'l' },
		{ "phone", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "approver", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "add");
	const char *email = NULL, *name = NULL, *role = NULL, *phone = NULL;
	/* Without --language the user has chosen none: deskd follows the browser. */
	const char *language = NULL;
	struct user_add a;
	bool with_password = false;
	memset(&a, 0, sizeof a);
	int opt;
	while ((opt = getopt_long(argc, argv, "e:n:o:r:l:p:PAh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'o': a.org_name = optarg; break;
		case 'r': role = optarg; break;
		case 'l': language = optarg; break;
		case 'p': phone = optarg; break;
		case 'P': with_password = true; break;
		case 'A': a.u.approver = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !email || !name || !role)
		return ctl_getopt_done(cmd, '?');
	if (!email_valid(email)) {
		ctl_error("--email: \"%s\" is not an e-mail address", email);
		return CTL_USAGE;
	}
	size_t nlen = strlen(name);
	if (nlen == 0 || nlen > 200 || strspn(name, " ") == nlen) {
		ctl_error("--name: a name needs 1 to 200 characters");
		return CTL_USAGE;
	}
	if (role_parse(role, &a.u.role)) {
		ctl_error("--role: must be customer, org-customer, agent or admin");
		return CTL_USAGE;
	}
	if (a.u.approver && role_is_staff(a.u.role)) {
		ctl_error("--approver: approvers are customers of an organisation");
		return CTL_USAGE;
	}
	if (!role_is_staff(a.u.role) && !a.org_name) {
		ctl_error("--org: customers belong to an organisation");
		return CTL_USAGE;
	}
	if (language && strcmp(language, "en") && strcmp(language, "nl") && strcmp(language, "sv")) {
		ctl_error("--language: must be en, nl or sv");
		return CTL_USAGE;
	}
	char password[PASSWORD_MAX_BYTES + 2];
	char hash[PASSWORD_HASH_LEN];
	if (with_password) {
		if (ctl_read_password(password, sizeof password))
			return CTL_USAGE;
		if (password_hash(password, c->cfg.scrypt_n, c->cfg.scrypt_r, c->cfg.scrypt_p, hash)) {
			ctl_error("cannot hash the password");
			return CTL_FAIL;
		}
		memset(password, 0, sizeof password);
		a.u.password_hash = hash;
	}
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	a.u.version = RECORD_VERSION;
	a.u.email = (char *)email;
	a.u.name = (char *)name;
	a.u.language = (char *)language;
	a.u.phone = (char *)phone;
	a.u.contact = CONTACT_EMAIL;
	a.u.created_ms = a.u.updated_ms = ctl_now_ms();
	rc = store_write(c->store, put_user, &a);
	if (rc == DK_ERR_EXISTS) {
		ctl_error("a user with e-mail %s exists already; nothing changed", email);
		return CTL_FAIL;
	}
	if (rc == DK_ERR_INVALID) {
		ctl_error("--org: no organisation named \"%s\" (deskctl org list)", a.org_name);
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("cannot add user: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	if (c->json)
		ctl_print_json(user_to_json(&a.u));
	else
		printf("user %llu <%s> added as %s\n", (unsigned long long)a.u.id, email,
		       role_name(a.u.role));
	return CTL_OK;
}

/* What user list shows: everyone, or those of one organisation or role. */
struct user_filter {
	struct ctl *c;
	uint64_t org_id;   /* 0: any */
	int role;          /* -1: any */
};

static void print_one(struct ctl *c, const struct user *u)
{
	if (c->json)
		ctl_print_json(user_to_json(u));
	else
		printf("%6llu  %-13s org %-4llu %s <%s>%s\n", (unsigned long long)u->id,
		       role_name(u->role) ? role_name(u->role) : "?", (unsigned long long)u->org_id,
		       u->name ? u->name : "", u->email ? u->email : "",
		       u->disabled ? " (disabled)" : "");
}

static int print_filtered(const struct user *u, void *arg)
{
	struct user_filter *f = arg;

	if (f->org_id && u->org_id != f->org_id)
		return 0;
	print_one(f->c, u);
	return 0;
}

static int print_user(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	struct user u;
	int rc = user_decode(val, vlen, &u);
	if (rc)
		return rc;
	rc = print_filtered(&u, arg);
	user_free(&u);
	return rc;
}

int cmd_user_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "list");
	struct user_filter f = { .c = c, .role = -1 };
	const char *org_name = NULL;
	enum role role;
	int opt;
	while ((opt = getopt_long(argc, argv, "o:r:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': org_name = optarg; break;
		case 'r':
			if (role_parse(optarg, &role)) {
				ctl_error("--role: must be customer, org-customer, agent or admin");
				return CTL_USAGE;
			}
			f.role = (int)role;
			break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc)
		return ctl_getopt_done(cmd, '?');
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	struct store_txn *txn;
	rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0 && org_name) {
		struct org o;
		rc = store_org_by_name(txn, org_name, &o);
		f.org_id = o.id;
		org_free(&o);
		if (rc == DK_ERR_NOTFOUND) {
			store_txn_abort(txn);
			ctl_error("--org: no organisation named \"%s\" (deskctl org list)", org_name);
			return CTL_FAIL;
		}
	}
	/* a role has its own index: no need to read every user */
	if (rc == 0)
		rc = f.role >= 0 ? store_users_by_role(txn, (enum role)f.role, print_filtered, &f)
				 : store_each(txn, DB_USERS, print_user, &f);
	store_txn_abort(txn);
	if (rc) {
		ctl_error("cannot list users: %s", dk_strerror(rc));
		return CTL_FAIL;
	}
	return CTL_OK;
}
