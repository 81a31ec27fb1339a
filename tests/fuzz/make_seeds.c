/*
 * Writes the seed corpora of the targets whose inputs deskd itself
 * produces: records as the encoders write them (corpus/record), dump lines
 * as deskctl dump writes them (corpus/dump_line) and the admin documents as
 * deskd exports them (corpus/json_input). Each file starts with the byte
 * the target uses to pick its parser. Run from the fuzz build:
 *   tests/fuzz/make_seeds tests/fuzz/corpus
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "attachment_record.h"
#include "buf.h"
#include "catalogue.h"
#include "json_map.h"
#include "mail_record.h"
#include "record.h"
#include "sla.h"
#include "sla_record.h"
#include "workflow.h"

static const char *root;

static void put(const char *target, const char *name, uint8_t pick, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
	FILE *f = fopen(path, "wb");
	if (!f || (pick != 0xff && fputc(pick, f) == EOF) || fwrite(p, 1, n, f) != n ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A record's encoding into corpus/record with its decoder's byte. */
#define RECORD(name, pick, enc, rec)                                      \
	do {                                                              \
		struct dk_buf b = { 0 };                                  \
		if (enc(rec, &b)) {                                       \
			fprintf(stderr, "%s: encoder refused\n", name);   \
			exit(1);                                          \
		}                                                         \
		put("record", name, pick, b.data, b.len);                 \
		dk_buf_free(&b);                                          \
	} while (0)

/* A JSON value as one compact line (reference stolen). */
static void put_json(const char *target, const char *name, uint8_t pick, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!text) {
		fprintf(stderr, "%s: no JSON\n", name);
		exit(1);
	}
	put(target, name, pick, text, strlen(text));
	free(text);
	json_decref(j);
}

static char *services[] = { "erp", "hosting" };
static char *domains[] = { "example.com" };
static uint64_t followers[] = { 12, 13 };
static char *emails[] = { "ops@hosting.example" };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
		return 2;
	}
	root = argv[1];

	struct user u = { .version = 1, .id = 12, .org_id = 5, .role = ROLE_CUSTOMER,
			  .email = "zoe@example.com", .name = "Zoë Example",
			  .password_hash = "$s1$0e0801$c2FsdA==$aGFzaA==", .language = "nl",
			  .phone = "+31 20 123 4567", .created_ms = 1767225600000,
			  .updated_ms = 1767225600000, .approver = true, .contact = CONTACT_EMAIL };
	struct org o = { .version = 1, .id = 5, .name = "Acme B.V.", .created_ms = 1767225600000,
			 .share_by_default = true, .services = services, .n_services = 2,
			 .priority_mode = PRIORITY_DIRECT, .domains = domains, .n_domains = 1 };
	struct ticket t = { .version = 1, .id = 10023, .org_id = 5, .requester_id = 12,
			    .creator_id = 12, .assignee_id = 3, .title = "Printer on floor 2 jams",
			    .description = "Since this morning.\nPaper tray 2.", .type = "incident",
			    .priority = 2, .status = "in_progress", .channel = "portal",
			    .created_ms = 1767225600000, .updated_ms = 1767229200000,
			    .event_count = 3, .followers = followers, .n_followers = 2,
			    .category = 2, .request_type = "report_incident", .service = "erp",
			    .impact = 2, .urgency = 3, .fields = "{\"component\":\"printer\"}",
			    .external_emails = emails, .n_external_emails = 1,
			    .assignee_group = "second_line", .minutes = 30,
			    .billable_minutes = 15 };
	struct ticket_event e = { .version = 1, .ticket_id = 10023, .seq = 2,
				  .time_ms = 1767229200000, .actor_id = 3, .kind = EVENT_STATUS,
				  .from_support = true, .field = "status", .old_value = "new",
				  .new_value = "in_progress" };
	struct ticket_event c = { .version = 1, .ticket_id = 10023, .seq = 3,
				  .time_ms = 1767229300000, .actor_id = 3, .kind = EVENT_COMMENT,
				  .internal = true, .from_support = true,
				  .body = "Replaced the roller." };
	struct session s = { .version = 1, .kind = SESSION_BROWSER, .user_id = 12,
			     .csrf = "aGVsbG8td29ybGQtaGVsbG8td29ybGQtaGVsbG8tdw",
			     .created_ms = 1767225600000, .expires_ms = 1767254400000,
			     .remember = true };
	struct session tok = { .version = 1, .kind = SESSION_API_TOKEN, .user_id = 3,
			       .label = "monitoring", .created_ms = 1767225600000 };
	struct access_request a = { .version = 1, .id = 7, .org_id = 5, .requester_id = 12,
				    .state = ACCESS_PENDING, .email = "bo@example.com",
				    .name = "Bo Colleague", .function = "Finance",
				    .created_ms = 1767225600000 };
	struct attachment at;
	attachment_init(&at);
	at.id = 4;
	at.ticket_id = 10023;
	at.event_seq = 3;
	snprintf(at.name, sizeof at.name, "roller.jpg");
	snprintf(at.declared_type, sizeof at.declared_type, "image/jpeg");
	snprintf(at.sniffed_type, sizeof at.sniffed_type, "image/jpeg");
	at.size = 48213;
	memset(at.sha256, 'a', 64);
	at.uploader_id = 3;
	at.created_ms = 1767229300000;
	struct mail_msg m;
	mail_msg_init(&m);
	m.seq = 9;
	snprintf(m.rcpt, sizeof m.rcpt, "zoe@example.com");
	m.created_ms = 1767229300000;
	m.attempts = 1;
	m.last_ms = 1767229400000;
	snprintf(m.error, sizeof m.error, "451 try again later");
	m.data = "From: Desk <desk@desk.example.com>\r\nTo: zoe@example.com\r\n"
		 "Subject: [DESK-10023] Printer on floor 2 jams\r\n\r\nHello\r\n";
	m.len = strlen(m.data);
	struct sla_state st;
	sla_state_init(&st);
	snprintf(st.policy, sizeof st.policy, "standard");
	st.priority = 2;
	st.clock[0].target_ms = 14400000;
	st.clock[0].started_ms = 1767225600000;
	st.clock[0].due_ms = 1767240000000;
	st.clock[0].run = 1;
	st.clock[0].warning_percent = 75;

	RECORD("user", 0, user_encode, &u);
	RECORD("org", 1, org_encode, &o);
	RECORD("ticket", 2, ticket_encode, &t);
	RECORD("event_status", 3, ticket_event_encode, &e);
	RECORD("event_comment", 3, ticket_event_encode, &c);
	RECORD("session", 4, session_encode, &s);
	RECORD("session_token", 4, session_encode, &tok);
	RECORD("access_request", 5, access_request_encode, &a);
	RECORD("attachment", 6, attachment_encode, &at);
	RECORD("mail", 7, mail_msg_encode, &m);
	RECORD("sla_state", 8, sla_state_encode, &st);

	/* dump lines: no pick byte, the line's "kind" picks */
	put_json("dump_line", "user", 0xff, user_dump_json(&u));
	put_json("dump_line", "org", 0xff, org_dump_json(&o));
	put_json("dump_line", "ticket", 0xff, ticket_dump_json(&t));
	put_json("dump_line", "event", 0xff, ticket_event_dump_json(&c));
	put_json("dump_line", "session", 0xff,
		 session_dump_json(&s, "00112233445566778899aabbccddeeff"
				       "00112233445566778899aabbccddeeff"));

	/* the admin documents as exported (picks of fuzz_json_input.c) */
	struct catalogue *cat = catalogue_default();
	put_json("json_input", "catalogue", 18, catalogue_to_json(cat));
	catalogue_free(cat);
	put_json("json_input", "workflow", 20, workflow_to_json(workflow_default()));
	struct sla_calendar cal;
	sla_calendar_office(&cal);
	put_json("json_input", "sla_calendar", 21, sla_calendar_to_json(&cal));
	struct sla_policy pol;
	if (sla_policy_preset(sla_preset_name(0), &cal, &pol)) {
		fprintf(stderr, "no preset\n");
		return 1;
	}
	put_json("json_input", "sla_policy", 22, sla_policy_to_json(&pol));
	return 0;
}
