/* deskctl contract set|show: an organisation's SLA policy, automatic
 * closing and escalation contacts (docs/SLA.md), stored as the document
 * "sla:<org id>" that deskd reads for every ticket of the organisation. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "deskctl.h"
#include "dk_err.h"
#include "validate.h"

struct contract_set {
	const char *org;
	const char *preset;
	const char *policy_file;
	long auto_close_days;   /* 0: keep */
	const char *escalation; /* NULL: keep; "": nobody */
	struct sla_contract k;
	uint64_t org_id;
	char bad[512];
};

static int find_org(struct store_txn *txn, const char *name, uint64_t *id)
{
	struct org o;
	int rc = store_org_by_name(txn, name, &o);
	if (rc == 0)
		*id = o.id;
	org_free(&o);
	return rc;
}

static int apply(struct contract_set *s)
{
	if (s->preset) {
		struct sla_calendar cal = s->k.policy.calendar;
		if (sla_policy_preset(s->preset, &cal, &s->k.policy)) {
			snprintf(s->bad, sizeof s->bad, "unknown preset \"%s\" (standard or fast)",
				 s->preset);
			return DK_ERR_INVALID;
		}
	}
	if (s->policy_file) {
		json_error_t je;
		struct field_error fe = { 0 };
		struct sla_policy p;
		json_t *j = json_load_file(s->policy_file, JSON_REJECT_DUPLICATES, &je);
		if (!j) {
			snprintf(s->bad, sizeof s->bad, "%s: line %d: %s", s->policy_file, je.line,
				 je.text);
			return DK_ERR_INVALID;
		}
		int rc = sla_policy_from_json(j, &p, &fe);
		json_decref(j);
		if (rc) {
			snprintf(s->bad, sizeof s->bad, "policy not accepted: %s%s%s", fe.field,
				 fe.field[0] ? ": " : "", fe.message);
			return DK_ERR_INVALID;
		}
		s->k.policy = p;
	}
	if (s->auto_close_days)
		s->k.auto_close_days = (uint32_t)s->auto_close_days;
	if (s->escalation) {
		s->k.n_contacts = 0;
		char *list = strdup(s->escalation);
		if (!list)
			return DK_ERR_NOMEM;
		for (char *save = NULL, *e = strtok_r(list, ",", &save); e;
		     e = strtok_r(NULL, ",", &save)) {
			if (s->k.n_contacts == CONTRACT_CONTACTS_MAX || strlen(e) > CONTRACT_EMAIL_MAX ||
			    !email_valid(e)) {
				snprintf(s->bad, sizeof s->bad, "bad or too many escalation contacts: %s",
					 e);
				free(list);
				return DK_ERR_INVALID;
			}
			snprintf(s->k.contacts[s->k.n_contacts++], CONTRACT_EMAIL_MAX + 1, "%s", e);
		}
		free(list);
	}
	return 0;
}

static int write_contract(struct store_txn *txn, void *arg)
{
	struct contract_set *s = arg;
	char name[32];
	s->bad[0] = '\0';
	int rc = find_org(txn, s->org, &s->org_id);
	if (rc)
		return rc;
	rc = contract_load(txn, s->org_id, &s->k);
	if (rc && rc != DK_ERR_CORRUPT)
		return rc;
	rc = apply(s);
	if (rc)
		return rc;
	json_t *j = contract_to_json(&s->k);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return DK_ERR_NOMEM;
	contract_doc_name(s->org_id, name, sizeof name);
	rc = store_doc_put(txn, name, text, strlen(text));
	free(text);
	return rc;
}

static int show(struct ctl *c, const char *org, struct sla_contract *k)
{
	struct store_txn *txn;
	uint64_t id;
	int rc = store_txn_begin(c->store, false, &txn);
	if (rc == 0) {
		rc = find_org(txn, org, &id);
		if (rc == 0)
			rc = contract_load(txn, id, k);
		store_txn_abort(txn);
	}
	if (rc == DK_ERR_NOTFOUND)
		ctl_error("no organisation named \"%s\"", org);
	else if (rc)
		ctl_error("cannot read the contract: %s", dk_strerror(rc));
	return rc ? CTL_FAIL : CTL_OK;
}

static void print_contract(const struct sla_contract *k)
{
	json_t *j = contract_to_json(k);
	if (!j)
		return;
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(j);
}

int cmd_contract_set(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sla-preset", required_argument, NULL, 'p' },
		{ "sla-policy", required_argument, NULL, 'f' },
		{ "auto-close-days", required_argument, NULL, 'a' },
		{ "escalation", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct ctl_command *cmd = ctl_find("contract", "set");
	struct contract_set s;
	memset(&s, 0, sizeof s);
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'p': s.preset = optarg; break;
		case 'f': s.policy_file = optarg; break;
		case 'e': s.escalation = optarg; break;
		case 'a':
			errno = 0;
			s.auto_close_days = strtol(optarg, &end, 10);
			if (errno || *end || s.auto_close_days < 1 ||
			    s.auto_close_days > CONTRACT_AUTO_CLOSE_MAX) {
				ctl_error("--auto-close-days takes 1 to 365");
				return CTL_USAGE;
			}
			break;
		default:
			return ctl_getopt_done(cmd, opt);
		}
	}
	if (argc - optind != 1)
		return ctl_getopt_done(cmd, '?');
	s.org = argv[optind];
	if (ctl_open(c, false))
		return CTL_FAIL;
	int rc = store_write(c->store, write_contract, &s);
	if (rc == DK_ERR_NOTFOUND) {
		ctl_error("no organisation named \"%s\"", s.org);
		return CTL_FAIL;
	}
	if (rc) {
		ctl_error("contract not stored: %s", s.bad[0] ? s.bad : dk_strerror(rc));
		return CTL_FAIL;
	}
	if (c->json) {
		ctl_print_json(contract_to_json(&s.k));
		return CTL_OK;
	}
	print_contract(&s.k);
	return CTL_OK;
}

int cmd_contract_show(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct ctl_command *cmd = ctl_find("contract", "show");
	int opt;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return ctl_getopt_done(cmd, opt);
	if (argc - optind != 1)
		return ctl_getopt_done(cmd, '?');
	struct store_opts o = { .read_only = true };
	if (ctl_open_opts(c, &o))
		return CTL_FAIL;
	struct sla_contract k;
	if (show(c, argv[optind], &k))
		return CTL_FAIL;
	if (c->json)
		ctl_print_json(contract_to_json(&k));
	else
		print_contract(&k);
	return CTL_OK;
}
