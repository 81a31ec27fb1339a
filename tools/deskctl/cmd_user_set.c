/* deskctl user set | disable | enable | reset-password: changes to one
 * user, found by e-mail, each in one transaction with the sessions it
 * ends. deskd reads the user on every request, so a change holds at once. */
#include <getopt.h>
#include <string.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "password.h"
#include "profile_input.h"
#include "record.h"
#include "validate.h"

/* What to change; NULL or -1 leaves a field as it is. */
struct user_change {
	const char *email;
	const struct profile_input *profile; /* name, phone, language */
	const char *org_name;
	int role;
	int approver;
	int disabled;
	const char *password_hash;
	bool end_sessions;
	enum session_kind end_kind;  /* 0: every kind */
	/* results */
	struct user result;
	size_t ended;
	char why[192];               /* DK_ERR_CONFLICT: what the change would break */
};

static int apply(struct store_txn *txn, struct user_change *ch, struct user *u)
{
	const struct profile_input *p = ch->profile;
	int rc = 0;

	if (p && p->name)
		rc = str_set(&u->name, p->name);
	if (!rc && p && p->set_phone)
		rc = str_set(&u->phone, p->phone);
	if (!rc && p && p->set_language)
		rc = str_set(&u->language, p->language);
	if (rc)
		return rc;
	if (ch->org_name) {
		struct org o;
		rc = store_org_by_name(txn, ch->org_name, &o);
		if (rc == DK_ERR_NOTFOUND) {
			snprintf(ch->why, sizeof ch->why,
				 "--org: no organisation named \"%s\" (deskctl org list)", ch->org_name);
			return DK_ERR_CONFLICT;
		}
		if (rc)
			return rc;
		u->org_id = o.id;
		org_free(&o);
	}
	if (ch->role >= 0)
		u->role = (enum role)ch->role;
	if (ch->approver >= 0)
		u->approver = ch->approver;
	if (ch->disabled >= 0)
		u->disabled = ch->disabled;
	if (ch->password_hash)
		rc = str_set(&u->password_hash, ch->password_hash);
	/* the rules of user add hold after every change */
	if (!rc && u->approver && role_is_staff(u->role))
		snprintf(ch->why, sizeof ch->why, "approvers are customers of an organisation: "
			 "give --approver no with a staff role");
	else if (!rc && !role_is_staff(u->role) && u->org_id == 0)
		snprintf(ch->why, sizeof ch->why, "customers belong to an organisation: give --org");
	return rc ? rc : ch->why[0] ? DK_ERR_CONFLICT : 0;
}

static int change_user(struct store_txn *txn, void *arg)
{
	struct user_change *ch = arg;
	struct user old;

	/* store_write may run this again: start from nothing each time */
	user_free(&ch->result);
	memset(&ch->result, 0, sizeof ch->result);
	ch->ended = 0;
	ch->why[0] = '\0';
	int rc = store_user_by_email(txn, ch->email, &old);
	if (rc)
		return rc;
	rc = user_copy(&ch->result, &old);
	if (rc == 0)
		rc = apply(txn, ch, &ch->result);
	if (rc == 0) {
		ch->result.updated_ms = ctl_now_ms();
		rc = store_user_put(txn, &old, &ch->result);
	}
	if (rc == 0 && ch->end_sessions)
		rc = store_session_del_user(txn, old.id, ch->end_kind, NULL, &ch->ended);
	user_free(&old);
	return rc;
}

/* Runs the change and says what happened. */
static int run_change(struct ctl *c, struct user_change *ch, const char *done)
{
	int rc = ctl_open(c, false);
	if (rc)
		return rc;
	rc = store_write(c->store, change_user, ch);
	if (rc == DK_ERR_NOTFOUND)
		ctl_error("no user with e-mail %s; nothing changed", ch->email);
	else if (rc == DK_ERR_CONFLICT)
		ctl_error("%s; nothing changed", ch->why);
	else if (rc)
		ctl_error("cannot change user %s: %s; nothing changed", ch->email, dk_strerror(rc));
	if (rc) {
		user_free(&ch->result);
		return CTL_FAIL;
	}
	if (c->json) {
		json_t *j = user_to_json(&ch->result);
		if (j && ch->end_sessions)
			json_object_set_new(j, "sessions_ended", json_integer((json_int_t)ch->ended));
		ctl_print_json(j);
	} else if (ch->end_sessions) {
		printf("user %s %s; %zu session%s ended\n", ch->email, done, ch->ended,
		       ch->ended == 1 ? "" : "s");
	} else {
		printf("user %s %s\n", ch->email, done);
	}
	user_free(&ch->result);
	return CTL_OK;
}

static void change_init(struct user_change *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->role = ch->approver = ch->disabled = -1;
}

/* --name, --phone and --language go through the profile rules deskd
 * applies to PATCH /api/v1/me, so both accept the same values. */
static int profile_from_args(const char *name, const char *phone, const char *language,
			     struct profile_input *out)
{
	static const char *const names[] = { "name", "phone", "language" };
	const char *values[] = { name, phone, language };
	struct field_error fe;
	json_t *body = json_object();
	for (size_t i = 0; i < 3; i++) {
		if (!values[i])
			continue;
		/* "" language: none chosen, which the API writes as null */
		json_t *v = i == 2 && !*values[i] ? json_null() : json_string(values[i]);
		if (!v) {
			ctl_error("--%s: not valid UTF-8 text", names[i]);
			json_decref(body);
			return -1;
		}
		json_object_set_new(body, names[i], v);
	}
	int rc = profile_parse(body, out, &fe);
	json_decref(body);
	if (rc == DK_ERR_INVALID)
		ctl_error("--%s: %s", fe.field[0] ? fe.field : "name", fe.message);
	else if (rc)
		ctl_error("out of memory");
	return rc ? -1 : 0;
}

int cmd_user_set(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "language", required_argument, NULL, 'l' },
		{ "phone", required_argument, NULL, 'p' },
		{ "approver", required_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "set");
	const char *name = NULL, *phone = NULL, *language = NULL;
	struct user_change ch;
	enum role role;
	int opt;
	change_init(&ch);
	while ((opt = getopt_long(argc, argv, "e:n:o:r:l:p:A:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': ch.email = optarg; break;
		case 'n': name = optarg; break;
		case 'o': ch.org_name = optarg; break;
		case 'p': phone = optarg; break;
		case 'l': language = optarg; break;
		case 'j': c->json = true; break;
		case 'r':
			if (role_parse(optarg, &role)) {
				ctl_error("--role: must be customer, org-customer, agent or admin");
				return CTL_USAGE;
			}
			ch.role = (int)role;
			break;
		case 'A':
			if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
				ctl_error("--approver takes yes or no");
				return CTL_USAGE;
			}
			ch.approver = !strcmp(optarg, "yes");
			break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !ch.email)
		return ctl_getopt_done(cmd, '?');
	if (!name && !phone && !language && !ch.org_name && ch.role < 0 && ch.approver < 0) {
		ctl_error("nothing to change: give --name, --role, --org, --language, --phone "
			  "or --approver");
		return CTL_USAGE;
	}
	if (ch.approver == 1 && ch.role >= 0 && role_is_staff((enum role)ch.role)) {
		ctl_error("--approver: approvers are customers of an organisation");
		return CTL_USAGE;
	}
	struct profile_input profile;
	memset(&profile, 0, sizeof profile);
	if ((name || phone || language) && profile_from_args(name, phone, language, &profile))
		return CTL_USAGE;
	ch.profile = &profile;
	int rc = run_change(c, &ch, "changed");
	profile_input_free(&profile);
	return rc;
}

/* --email E [--json] of disable and enable. */
static int email_only(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv,
		      const char **email)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	int opt;
	*email = NULL;
	while ((opt = getopt_long(argc, argv, "e:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': *email = optarg; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !*email)
		return ctl_getopt_done(cmd, '?');
	return -1;
}

int cmd_user_disable(struct ctl *c, int argc, char **argv)
{
	struct user_change ch;
	change_init(&ch);
	int rc = email_only(c, ctl_find("user", "disable"), argc, argv, &ch.email);
	if (rc >= 0)
		return rc;
	/* deskd refuses a disabled user's sessions anyway; ending them here
	 * also ends them for good should the user be enabled again */
	ch.disabled = 1;
	ch.end_sessions = true;
	return run_change(c, &ch, "disabled");
}

int cmd_user_enable(struct ctl *c, int argc, char **argv)
{
	struct user_change ch;
	change_init(&ch);
	int rc = email_only(c, ctl_find("user", "enable"), argc, argv, &ch.email);
	if (rc >= 0)
		return rc;
	ch.disabled = 0;
	return run_change(c, &ch, "enabled");
}

int cmd_user_reset_password(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "reset-password");
	struct user_change ch;
	bool from_stdin = false;
	int opt;
	change_init(&ch);
	while ((opt = getopt_long(argc, argv, "e:Pjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': ch.email = optarg; break;
		case 'P': from_stdin = true; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !ch.email)
		return ctl_getopt_done(cmd, '?');
	/* a password on the command line would show in ps and shell history */
	if (!from_stdin) {
		ctl_error("--password-stdin: the new password is read from standard input");
		return CTL_USAGE;
	}
	char password[PASSWORD_MAX_BYTES + 2];
	char hash[PASSWORD_HASH_LEN];
	if (ctl_read_password(password, sizeof password))
		return CTL_USAGE;
	int rc = password_hash(password, c->cfg.scrypt_n, c->cfg.scrypt_r, c->cfg.scrypt_p, hash);
	memset(password, 0, sizeof password);
	if (rc) {
		ctl_error("cannot hash the password");
		return CTL_FAIL;
	}
	ch.password_hash = hash;
	/* as a password change in deskd: browser sessions end, API tokens
	 * (credentials of their own) stay */
	ch.end_sessions = true;
	ch.end_kind = SESSION_BROWSER;
	rc = run_change(c, &ch, "has a new password");
	memset(hash, 0, sizeof hash);
	return rc;
}
