#include "contract.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dk_err.h"
#include "log.h"
#include "store.h"
#include "validate.h"

void contract_default(struct sla_contract *out)
{
	memset(out, 0, sizeof *out);
	sla_policy_preset("standard", NULL, &out->policy);
	out->auto_close_days = CONTRACT_AUTO_CLOSE_DEFAULT;
}

void contract_doc_name(uint64_t org_id, char *buf, size_t size)
{
	snprintf(buf, size, CONTRACT_DOC_PREFIX "%" PRIu64, org_id);
}

static int refuse(struct field_error *err, const char *field, const char *code,
		  const char *message)
{
	if (err) {
		err->code = code;
		snprintf(err->field, sizeof err->field, "%s", field);
		snprintf(err->message, sizeof err->message, "%s", message);
	}
	return DK_ERR_INVALID;
}

int contract_from_json(const json_t *doc, struct sla_contract *out, struct field_error *err)
{
	contract_default(out);
	if (!json_is_object(doc))
		return refuse(err, "", "invalid_type", "a contract is a JSON object");
	/* the policy reader refuses keys it does not know: hand it the rest */
	json_t *policy = json_deep_copy(doc);
	if (!policy)
		return DK_ERR_NOMEM;
	json_object_del(policy, "auto_close_days");
	json_object_del(policy, "escalation_contacts");
	int rc = sla_policy_from_json(policy, &out->policy, err);
	json_decref(policy);
	if (rc) {
		contract_default(out);
		return rc;
	}
	json_t *days = json_object_get(doc, "auto_close_days");
	if (days) {
		if (!json_is_integer(days))
			return refuse(err, "auto_close_days", "invalid_type", "a whole number of days");
		json_int_t n = json_integer_value(days);
		if (n < 1 || n > CONTRACT_AUTO_CLOSE_MAX)
			return refuse(err, "auto_close_days", "invalid_value",
				      "between 1 and 365 days");
		out->auto_close_days = (uint32_t)n;
	}
	json_t *contacts = json_object_get(doc, "escalation_contacts");
	if (contacts) {
		if (!json_is_array(contacts))
			return refuse(err, "escalation_contacts", "invalid_type",
				      "a list of e-mail addresses");
		if (json_array_size(contacts) > CONTRACT_CONTACTS_MAX)
			return refuse(err, "escalation_contacts", "too_long",
				      "at most 8 escalation contacts");
		size_t i;
		json_t *v;
		json_array_foreach(contacts, i, v) {
			const char *e = json_string_value(v);
			if (!e || strlen(e) > CONTRACT_EMAIL_MAX || !email_valid(e)) {
				char f[48];
				snprintf(f, sizeof f, "escalation_contacts[%zu]", i);
				return refuse(err, f, "invalid_value", "not an e-mail address");
			}
			snprintf(out->contacts[out->n_contacts++], CONTRACT_EMAIL_MAX + 1, "%s", e);
		}
	}
	return 0;
}

json_t *contract_to_json(const struct sla_contract *c)
{
	json_t *j = sla_policy_to_json(&c->policy);
	json_t *a = json_array();
	if (!j || !a) {
		json_decref(j);
		json_decref(a);
		return NULL;
	}
	for (size_t i = 0; i < c->n_contacts; i++)
		json_array_append_new(a, json_string(c->contacts[i]));
	json_object_set_new(j, "auto_close_days", json_integer(c->auto_close_days));
	json_object_set_new(j, "escalation_contacts", a);
	return j;
}

int contract_load(struct store_txn *txn, uint64_t org_id, struct sla_contract *out)
{
	char name[32];
	struct dk_buf b = { 0 };
	contract_default(out);
	contract_doc_name(org_id, name, sizeof name);
	int rc = store_doc_get(txn, name, &b);
	if (rc) {
		dk_buf_free(&b);
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	}
	json_error_t je;
	json_t *j = json_loadb(b.data, b.len, 0, &je);
	dk_buf_free(&b);
	struct field_error fe = { 0 };
	rc = j ? contract_from_json(j, out, &fe) : DK_ERR_INVALID;
	json_decref(j);
	if (rc) {
		/* deskctl checked it when it was stored; keep serving */
		log_error("bad_stored_contract", "name", name, "field", fe.field, NULL);
		contract_default(out);
		return DK_ERR_CORRUPT;
	}
	return 0;
}
