/* Small rules the ticket handlers share: contracts, language, the
 * sensitive-data warning, and who acts in the workflow. */
#ifndef DESKD_LIFECYCLE_H
#define DESKD_LIFECYCLE_H

#include <jansson.h>
#include <stdbool.h>

#include "catalogue.h"
#include "record.h"
#include "workflow.h"

struct req;

/* The contract an organisation record describes (pointers borrowed from o). */
void lifecycle_contract(const struct org *o, struct contract *k);
/* The caller's language: profile, else Accept-Language, else "en". */
const char *lifecycle_lang(struct req *r);
/* Scans texts (NULL-ended pairs of field name and text) for personal
 * identity numbers, BSNs, IBANs and card numbers: NULL when clean, else the
 * error details {"hits":[...]} (new reference). */
json_t *lifecycle_sensitive(const char *field, const char *text, ...);
/* The error a caller gets for sensitive data they did not confirm. */
#define SENSITIVE_MESSAGE \
	"this text looks like it holds sensitive personal or payment data; remove it, or send " \
	"confirm_sensitive: true to keep it"
/* The workflow actor for the caller (agent for staff, else customer). */
enum wf_actor lifecycle_actor(const struct req *r);

#endif
