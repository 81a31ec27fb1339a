/*
 * An organisation's service contract as the SLA engine reads it: the SLA
 * policy (proto/sla.h), after how many days a resolved ticket closes by
 * itself, and whom to tell of a breach. Stored as the named document
 * "sla:<org id>" (JSON: the policy's fields plus "auto_close_days" and
 * "escalation_contacts"); without one the "standard" preset applies with
 * its office calendar and 7 days. Plain values: copy freely, free nothing.
 */
#ifndef DESKD_CONTRACT_H
#define DESKD_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sla.h"

struct store_txn;
struct field_error;

#define CONTRACT_DOC_PREFIX "sla:"
#define CONTRACT_AUTO_CLOSE_DEFAULT 7   /* days, as at Autoflex */
#define CONTRACT_AUTO_CLOSE_LONG 30     /* days, as at Ida Infront */
#define CONTRACT_AUTO_CLOSE_MAX 365
#define CONTRACT_CONTACTS_MAX 8
#define CONTRACT_EMAIL_MAX 254

struct sla_contract {
	struct sla_policy policy;
	uint32_t auto_close_days;     /* 1..CONTRACT_AUTO_CLOSE_MAX */
	size_t n_contacts;
	char contacts[CONTRACT_CONTACTS_MAX][CONTRACT_EMAIL_MAX + 1];
};

/* The contract of no document: preset "standard", 7 days, nobody. */
void contract_default(struct sla_contract *out);
/* The document name of org_id's contract into buf (at least 32 bytes). */
void contract_doc_name(uint64_t org_id, char *buf, size_t size);
/* org_id's contract: 0 and *out (the default when there is no document),
 * DK_ERR_CORRUPT (logged; *out the default) when the stored one no longer
 * reads, or another dk_err. */
int contract_load(struct store_txn *txn, uint64_t org_id, struct sla_contract *out);
/* JSON form, checked as sla_policy_from_json checks the policy part:
 * 0 and *out, or DK_ERR_INVALID with err naming the field. */
int contract_from_json(const json_t *doc, struct sla_contract *out, struct field_error *err);
/* The canonical form; new reference, NULL when out of memory. */
json_t *contract_to_json(const struct sla_contract *c);

#endif
