/*
 * Inbound mail end to end, as the gateway and deskd handle a message from
 * outside: deskctl mail-in parses the RFC 5322 bytes with GMime into the
 * JSON body, deskd reads that body (mail_inbound_parse), finds the ticket
 * and the loop headers, makes a title and keeps the reply above the quoted
 * history. Any bytes must end as a refusal or a ticket, never a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mail_inbound.h"
#include "mail_parse.h"
#include "mail_reply.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160];
	json_t *j = mail_parse((const char *)data, size, 16 * 1024, why, sizeof why);
	if (!j)
		return 0;
	/* over the wire, as deskctl posts it and deskd reads it */
	char *wire = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!wire)
		return 0;
	struct field_error fe;
	json_t *body = json_body_parse(wire, strlen(wire), &fe);
	free(wire);
	if (!body)
		abort(); /* the gateway must only send JSON deskd reads */
	struct mail_inbound m;
	if (mail_inbound_parse(body, &m, &fe) == 0) {
		uint64_t id;
		char domain[256];
		(void)mail_inbound_loop(&m, "desk.example.com");
		(void)mail_inbound_ticket(&m, "DESK", &id);
		free(mail_inbound_title(m.subject, m.text));
		mail_address_domain(m.from, domain, sizeof domain);
		size_t n;
		free(mail_reply_extract(m.text ? m.text : "", m.text ? strlen(m.text) : 0, &n));
		mail_inbound_free(&m);
	}
	json_decref(body);
	return 0;
}
