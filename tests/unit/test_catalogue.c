/* Request types, service catalogue, custom fields and the priority rule. */
#include "test_catalogue.h"

#include "catalogue_fixtures.h"

static char *workplace[] = { "workplace", "network" };
const struct contract k_matrix = { workplace, 2, PRIORITY_MATRIX, false };
const struct contract k_none = { workplace, 2, PRIORITY_NONE, false };
const struct contract k_direct = { workplace, 2, PRIORITY_DIRECT, false };
const struct contract k_empty = { NULL, 0, PRIORITY_MATRIX, false };
static char *archive[] = { "archive", "hosting" };
const struct contract k_archive = { archive, 2, PRIORITY_DIRECT, true };

json_t *test_parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);

	if (!v)
		fail_msg("bad test JSON: %s (line %d): %.80s", jerr.text, jerr.line, text);
	return v;
}

struct catalogue *test_load(const char *text)
{
	struct catalogue *c = NULL;
	struct field_error err;
	json_t *doc = test_parse(text);

	if (catalogue_from_json(doc, &c, &err) != 0)
		fail_msg("import failed: %s at %s: %s", err.code, err.field, err.message);
	json_decref(doc);
	return c;
}

struct catalogue *test_rich(void)
{
	return test_load(rich_doc);
}

bool json_eq_text(const json_t *v, const char *text)
{
	json_t *want = test_parse(text);
	bool eq = json_equal(v, want);

	json_decref(want);
	return eq;
}

/* ---- default catalogue ---- */

static void test_default_content(void **state)
{
	static const char *const ids[] = {
		"report_incident", "report_security_incident", "ask_question",
		"perform_task", "request_change", "portal_help"
	};
	static const char *const types[] = {
		"incident", "security_incident", "question", "task", "change_request", "question"
	};
	struct catalogue *c = catalogue_default();
	json_t *doc, *rt, *sv;
	size_t i;

	(void)state;
	assert_non_null(c);
	doc = catalogue_to_json(c);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	assert_int_equal(count(doc, "request_types"), 6);
	for (i = 0; i < 6; i++) {
		rt = nth(doc, "request_types", i);
		assert_string_equal(sget(rt, "id"), ids[i]);
		assert_string_equal(sget(rt, "ticket_type"), types[i]);
		assert_true(json_is_false(json_object_get(rt, "needs_approval")));
		assert_int_equal(count(rt, "custom_fields"), 0);
	}
	rt = nth(doc, "request_types", 0);
	assert_true(json_eq_text(json_object_get(rt, "fields"),
		"[\"affected_component\", \"environment\", \"impact\", \"urgency\","
		" \"recurrence\", \"others_affected\"]"));
	rt = nth(doc, "request_types", 1);
	assert_int_equal(count(rt, "fields"), 6);
	assert_int_equal(count(nth(doc, "request_types", 2), "fields"), 0);
	rt = nth(doc, "request_types", 3);
	assert_int_equal(count(rt, "fields"), 2);
	assert_string_equal(json_string_value(nth(rt, "fields", 0)), "environment");
	assert_string_equal(json_string_value(nth(rt, "fields", 1)), "urgency");
	assert_int_equal(count(nth(doc, "request_types", 4), "fields"), 2);
	assert_int_equal(count(nth(doc, "request_types", 5), "fields"), 0);

	assert_int_equal(count(doc, "services"), 3);
	sv = by_id(doc, "services", "workplace");
	assert_int_equal(count(sv, "subcategories"), 3);
	assert_string_equal(sget(nth(sv, "subcategories", 0), "id"), "laptop");
	assert_string_equal(sget(nth(sv, "subcategories", 1), "id"), "printer");
	assert_string_equal(sget(nth(sv, "subcategories", 2), "id"), "phone");
	sv = by_id(doc, "services", "applications");
	assert_int_equal(count(sv, "subcategories"), 2);
	assert_string_equal(sget(nth(sv, "subcategories", 0), "id"), "email");
	assert_string_equal(sget(nth(sv, "subcategories", 1), "id"), "erp");
	sv = by_id(doc, "services", "network");
	assert_string_equal(sget(nth(sv, "subcategories", 0), "id"), "vpn");
	assert_string_equal(sget(nth(sv, "subcategories", 1), "id"), "wifi");
	assert_int_equal(count(doc, "fields"), 0);
	json_decref(doc);

	/* The seed portal's Swedish names, and their English and Dutch. */
	assert_string_equal(catalogue_label(c, "request_type", "report_incident", "sv"),
			    "Rapportera en incident");
	assert_string_equal(catalogue_label(c, "request_type", "report_security_incident", "sv"),
			    "Rapportera en säkerhetsincident");
	assert_string_equal(catalogue_label(c, "request_type", "ask_question", "sv"),
			    "Ställ en fråga");
	assert_string_equal(catalogue_label(c, "request_type", "perform_task", "sv"),
			    "Be oss utföra en uppgift");
	assert_string_equal(catalogue_label(c, "request_type", "portal_help", "sv"),
			    "Hjälp med supportportalen");
	assert_string_equal(catalogue_label(c, "request_type", "report_incident", "en"),
			    "Report an incident");
	assert_string_equal(catalogue_label(c, "request_type", "perform_task", "en"),
			    "Ask us to perform a task");
	assert_string_equal(catalogue_label(c, "request_type", "portal_help", "en"),
			    "Help with the portal");
	assert_string_equal(catalogue_label(c, "request_type", "report_incident", "nl"),
			    "Een incident melden");
	assert_string_equal(catalogue_label(c, "request_type", "ask_question", "nl"),
			    "Een vraag stellen");
	catalogue_free(c);
	catalogue_free(NULL);
}

static void test_priority_matrix(void **state)
{
	/* impact 1 (organisation) .. 3 (one person) x urgency 1 (critical) .. 4 */
	static const uint8_t want[3][4] = { { 1, 1, 2, 3 }, { 1, 2, 3, 4 }, { 2, 3, 4, 4 } };
	struct catalogue *c = catalogue_default();
	struct catalogue *r = test_rich();
	uint8_t i, u;

	(void)state;
	for (i = 1; i <= 3; i++)
		for (u = 1; u <= 4; u++) {
			assert_int_equal(catalogue_priority(c, i, u), want[i - 1][u - 1]);
			assert_int_equal(catalogue_priority(NULL, i, u), want[i - 1][u - 1]);
		}
	/* not given counts as one person, medium */
	assert_int_equal(catalogue_priority(c, 0, 0), 4);
	assert_int_equal(catalogue_priority(c, 0, 1), 2);
	assert_int_equal(catalogue_priority(c, 1, 0), 2);
	assert_int_equal(catalogue_priority(c, 4, 1), 0);
	assert_int_equal(catalogue_priority(c, 1, 5), 0);
	/* the rich catalogue's own matrix */
	assert_int_equal(catalogue_priority(r, 1, 2), 2);
	assert_int_equal(catalogue_priority(r, 3, 1), 3);
	assert_int_equal(catalogue_priority(r, 2, 1), 2);
	catalogue_free(c);
	catalogue_free(r);
}

static void test_priority_mode_names(void **state)
{
	enum priority_mode m = PRIORITY_MATRIX;

	(void)state;
	assert_string_equal(priority_mode_name(PRIORITY_NONE), "none");
	assert_string_equal(priority_mode_name(PRIORITY_MATRIX), "matrix");
	assert_string_equal(priority_mode_name(PRIORITY_DIRECT), "direct");
	assert_null(priority_mode_name((enum priority_mode)9));
	assert_int_equal(priority_mode_parse("direct", &m), 0);
	assert_int_equal(m, PRIORITY_DIRECT);
	assert_int_equal(priority_mode_parse("none", &m), 0);
	assert_int_equal(m, PRIORITY_NONE);
	assert_int_equal(priority_mode_parse("Matrix", &m), DK_ERR_INVALID);
	assert_int_equal(priority_mode_parse(NULL, &m), DK_ERR_INVALID);
	assert_int_equal(PRIORITY_NONE, 0);  /* an org record's 0 byte */
	assert_true(catalogue_ticket_type_valid("security_incident"));
	assert_true(catalogue_ticket_type_valid("change_request"));
	assert_false(catalogue_ticket_type_valid("bug"));
	assert_false(catalogue_ticket_type_valid(NULL));
}

static void test_labels(void **state)
{
	struct catalogue *c = catalogue_default();
	struct catalogue *r = test_rich();

	(void)state;
	assert_string_equal(catalogue_label(c, "service", "network", "nl"), "Netwerk");
	assert_string_equal(catalogue_label(c, "service", "workplace", "sv"), "Arbetsplats");
	assert_string_equal(catalogue_label(c, "subcategory", "workplace/printer", "sv"),
			    "Skrivare");
	assert_string_equal(catalogue_label(c, "subcategory", "email", "sv"), "E-post");
	assert_null(catalogue_label(c, "subcategory", "network/printer", "en"));
	assert_null(catalogue_label(c, "subcategory", "work/printer", "en"));
	assert_string_equal(catalogue_label(c, "ticket_type", "service_request", "sv"),
			    "Förfrågan");
	assert_string_equal(catalogue_label(c, "ticket_type", "change_request", "nl"),
			    "Wijzigingsverzoek");
	assert_string_equal(catalogue_label(NULL, "ticket_type", "task", "sv"), "Uppgift");
	assert_string_equal(catalogue_label(c, "impact", "3", "nl"), "Eén persoon");
	assert_string_equal(catalogue_label(c, "urgency", "1", "sv"), "Kritisk");
	assert_string_equal(catalogue_label(c, "priority", "P1", "en"), "Highest");
	assert_string_equal(catalogue_label(c, "field", "urgency", "sv"), "Brådskandegrad");
	assert_string_equal(catalogue_label(r, "field", "cost_centre", "nl"), "Kostenplaats");
	assert_null(catalogue_label(c, "urgency", "5", "en"));
	assert_null(catalogue_label(c, "impact", "0", "en"));
	assert_null(catalogue_label(c, "priority", "P5", "en"));
	assert_null(catalogue_label(c, "service", "hosting", "en"));
	assert_null(catalogue_label(c, "colour", "network", "en"));
	assert_null(catalogue_label(NULL, "service", "network", "en"));
	/* unknown language: English */
	assert_string_equal(catalogue_label(c, "service", "network", "de"), "Network");
	assert_string_equal(catalogue_label(c, "service", "network", NULL), "Network");
	assert_string_equal(catalogue_label(c, "service", "network", "sv-SE"), "Nätverk");
	assert_string_equal(catalogue_label(c, "service", "network", "NL"), "Netwerk");
	assert_string_equal(catalogue_label(c, "service", "network", "nlx"), "Network");
	catalogue_free(c);
	catalogue_free(r);
}

/* ---- import and export ---- */

static void test_round_trip_default(void **state)
{
	struct catalogue *c = catalogue_default(), *c2 = NULL;
	struct field_error err;
	json_t *doc, *doc2;
	char *text;

	(void)state;
	doc = catalogue_to_json(c);
	/* through text, as deskctl writes and reads it */
	text = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(text);
	doc2 = test_parse(text);
	free(text);
	assert_int_equal(catalogue_from_json(doc2, &c2, &err), 0);
	json_decref(doc2);
	doc2 = catalogue_to_json(c2);
	assert_true(json_equal(doc, doc2));
	json_decref(doc);
	json_decref(doc2);
	catalogue_free(c);
	catalogue_free(c2);
}

static void test_round_trip_rich(void **state)
{
	json_t *doc = test_parse(rich_doc), *out, *f;
	struct catalogue *c = test_rich();

	(void)state;
	out = catalogue_to_json(c);
	assert_true(json_equal(doc, out));
	/* reals stay reals, integers integers */
	f = by_id(out, "fields", "ratio");
	assert_true(json_is_real(json_object_get(f, "min")));
	assert_true(json_is_real(json_object_get(f, "max")));
	f = by_id(out, "fields", "users_affected");
	assert_true(json_is_integer(json_object_get(f, "min")));
	assert_null(json_object_get(by_id(out, "fields", "budget"), "min"));
	json_decref(doc);
	json_decref(out);
	catalogue_free(c);
}

static void test_import_defaults(void **state)
{
	struct catalogue *c = test_load(
		"{\"version\": 1, \"request_types\": [{\"id\": \"ask\","
		" \"ticket_type\": \"question\","
		" \"labels\": {\"en\": \"Ask\", \"nl\": \"Vragen\", \"sv\": \"Fråga\"},"
		" \"descriptions\": {\"en\": \"A question.\", \"nl\": \"Een vraag.\","
		" \"sv\": \"En fråga.\"}, \"custom_fields\": [\"note\"]}],"
		" \"fields\": [{\"id\": \"note\", \"kind\": \"text\","
		" \"labels\": {\"en\": \"Note\", \"nl\": \"Notitie\", \"sv\": \"Anteckning\"}}]}");
	json_t *out = catalogue_to_json(c), *rt, *f;

	(void)state;
	assert_true(json_eq_text(json_object_get(out, "priority_matrix"),
				 "[[1, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 4]]"));
	assert_int_equal(count(out, "services"), 0);
	rt = nth(out, "request_types", 0);
	assert_true(json_is_false(json_object_get(rt, "needs_approval")));
	assert_int_equal(count(rt, "fields"), 0);
	assert_int_equal(count(rt, "required"), 0);
	f = nth(out, "fields", 0);
	assert_true(json_is_false(json_object_get(f, "required")));
	assert_int_equal(json_integer_value(json_object_get(f, "max_length")), 1000);
	json_decref(out);
	catalogue_free(c);
}

/* Replaces the one occurrence of from in rich_doc by to, imports the result
 * and checks the refusal. */
static void import_fails(const char *from, const char *to, const char *code,
			 const char *field)
{
	const char *at = strstr(rich_doc, from);
	struct catalogue *c = (struct catalogue *)&c;
	struct field_error err;
	char *text;
	json_t *doc;

	if (!at || strstr(at + 1, from))
		fail_msg("\"%s\" is not in the fixture exactly once", from);
	text = malloc(sizeof(rich_doc) + strlen(to));
	assert_non_null(text);
	sprintf(text, "%.*s%s%s", (int)(at - rich_doc), rich_doc, to, at + strlen(from));
	doc = test_parse(text);
	if (catalogue_from_json(doc, &c, &err) != DK_ERR_INVALID)
		fail_msg("accepted: %s -> %s", from, to);
	if (strcmp(err.code, code) != 0 || strcmp(err.field, field) != 0)
		fail_msg("%s -> %s: got %s at %s (%s), want %s at %s", from, to,
			 err.code, err.field, err.message, code, field);
	assert_true(err.message[0] != '\0');
	assert_null(c);
	json_decref(doc);
	free(text);
}

static void test_import_errors(void **state)
{
	struct catalogue *c = (struct catalogue *)&c;
	struct field_error err;
	json_t *doc;

	(void)state;
	/* unknown keys, at every level */
	import_fails("\"version\": 1,", "\"version\": 1, \"colour\": \"red\",",
		     "unknown_field", "colour");
	import_fails("\"needs_approval\": true}", "\"needs_approval\": true, \"sla\": 4}",
		     "unknown_field", "request_types[1].sla");
	import_fails("\"sv\": \"Sökning\"}", "\"sv\": \"Sökning\", \"de\": \"Suche\"}",
		     "unknown_field", "services[0].subcategories[1].labels.de");
	import_fails("\"subcategories\": []}", "\"subcategories\": [], \"owner\": 1}",
		     "unknown_field", "services[1].owner");
	import_fails("\"required\": false, \"min\": 1,",
		     "\"required\": false, \"step\": 1, \"min\": 1,",
		     "unknown_field", "fields[2].step");
	/* a key that belongs to another kind */
	import_fails("\"required\": true, \"max_length\": 10}",
		     "\"required\": true, \"max_length\": 10, \"choices\": []}",
		     "unknown_field", "fields[0].choices");
	import_fails("\"sv\": \"Sedan när?\"},   \"required\": false}",
		     "\"sv\": \"Sedan när?\"}, \"required\": false, \"max\": 3}",
		     "unknown_field", "fields[3].max");
	/* duplicates */
	import_fails("\"id\": \"order_hardware\"", "\"id\": \"report_outage\"",
		     "duplicate", "request_types[1].id");
	import_fails("\"id\": \"hosting\"", "\"id\": \"archive\"",
		     "duplicate", "services[1].id");
	import_fails("\"id\": \"search\"", "\"id\": \"import\"",
		     "duplicate", "services[0].subcategories[1].id");
	import_fails("\"id\": \"budget\"", "\"id\": \"site\"", "duplicate", "fields[5].id");
	import_fails("\"id\": \"utrecht\"", "\"id\": \"stockholm\"",
		     "duplicate", "fields[1].choices[2].id");
	import_fails("\"fields\": [\"impact\", \"urgency\", \"environment\"]",
		     "\"fields\": [\"impact\", \"urgency\", \"impact\"]",
		     "duplicate", "request_types[0].fields[2]");
	import_fails("[\"site\", \"cost_centre\"]", "[\"site\", \"site\"]",
		     "duplicate", "request_types[1].custom_fields[1]");
	/* missing or bad labels */
	import_fails(", \"sv\": \"Sökning\"}", "}",
		     "required", "services[0].subcategories[1].labels.sv");
	import_fails("\"labels\": {\"en\": \"Hosting\", \"nl\": \"Hosting\", \"sv\": \"Drift\"},",
		     "", "required", "services[1].labels");
	import_fails("\"sv\": \"Begär en ändring\"", "\"sv\": \"  \"",
		     "required", "request_types[2].labels.sv");
	import_fails("\"sv\": \"Begär en ändring\"", "\"sv\": \"Begär\\nen ändring\"",
		     "invalid_text", "request_types[2].labels.sv");
	import_fails("\"sv\": \"Begär en ändring\"", "\"sv\": 7",
		     "invalid_type", "request_types[2].labels.sv");
	import_fails("\"nl\": \"Vraag een wijziging van de configuratie aan.\",", "",
		     "required", "request_types[2].descriptions.nl");
	/* kinds */
	import_fails("\"kind\": \"date\"", "\"kind\": \"datetime\"",
		     "invalid_value", "fields[3].kind");
	import_fails("\"kind\": \"date\"", "\"kind\": 4", "invalid_type", "fields[3].kind");
	import_fails("\"kind\": \"text\",", "", "required", "fields[0].kind");
	/* references to fields that do not exist */
	import_fails("[\"site\", \"cost_centre\"]", "[\"site\", \"cost_center\"]",
		     "invalid_value", "request_types[1].custom_fields[1]");
	import_fails("\"fields\": [\"urgency\"]", "\"fields\": [\"severity\"]",
		     "invalid_value", "request_types[2].fields[0]");
	import_fails("\"required\": [\"urgency\"]", "\"required\": [\"recurrence\"]",
		     "invalid_value", "request_types[0].required[0]");
	/* the matrix */
	import_fails("[3, 3, 4, 4]", "[3, 3, 4, 5]", "invalid_value", "priority_matrix[2][3]");
	import_fails("[1, 2, 2, 3]", "[0, 2, 2, 3]", "invalid_value", "priority_matrix[0][0]");
	import_fails("[2, 2, 3, 4]", "[2, 2, \"P3\", 4]", "invalid_type", "priority_matrix[1][2]");
	import_fails("[2, 2, 3, 4]", "[2, 2, 3]", "invalid_value", "priority_matrix[1]");
	import_fails(", [3, 3, 4, 4]]", "]", "invalid_value", "priority_matrix");
	/* other values */
	import_fails("\"version\": 1", "\"version\": 2", "invalid_value", "version");
	import_fails("\"ticket_type\": \"change_request\"", "\"ticket_type\": \"bug\"",
		     "invalid_value", "request_types[2].ticket_type");
	import_fails("\"id\": \"hosting\"", "\"id\": \"Hosting\"", "invalid_value",
		     "services[1].id");
	import_fails("\"id\": \"hosting\"", "\"id\": \"\"", "required", "services[1].id");
	import_fails("\"id\": \"budget\"", "\"id\": \"impact\"", "invalid_value",
		     "fields[5].id");
	import_fails("\"max_length\": 10", "\"max_length\": 0", "invalid_value",
		     "fields[0].max_length");
	import_fails("\"min\": 1, \"max\": 500", "\"min\": 501, \"max\": 500",
		     "invalid_value", "fields[2].max");
	import_fails("\"min\": 1, \"max\": 500", "\"min\": \"1\", \"max\": 500",
		     "invalid_type", "fields[2].min");
	import_fails("\"needs_approval\": true", "\"needs_approval\": \"yes\"",
		     "invalid_type", "request_types[1].needs_approval");
	import_fails("\"required\": true", "\"required\": 1", "invalid_type",
		     "fields[0].required");
	import_fails("\"goteborg\", \"labels\": {\"en\": \"Gothenburg\", \"nl\": \"Göteborg\", \"sv\": \"Göteborg\"}},",
		     "\"goteborg\"},", "required", "fields[1].choices[1].labels");

	/* whole-document cases */
	doc = test_parse("{\"version\": 1, \"request_types\": []}");
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "required");
	assert_string_equal(err.field, "request_types");
	assert_null(c);
	json_decref(doc);
	doc = test_parse("{\"request_types\": []}");
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "required");
	assert_string_equal(err.field, "version");
	json_decref(doc);
	doc = test_parse("[1]");
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_type");
	assert_string_equal(err.field, "");
	json_decref(doc);
	doc = test_parse("{\"version\": 1, \"services\": {}, \"request_types\": []}");
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_type");
	assert_string_equal(err.field, "services");
	json_decref(doc);
	doc = test_parse("{\"version\": 1, \"fields\": [{\"id\": \"x\", \"kind\": \"choice\","
		    " \"labels\": {\"en\": \"X\", \"nl\": \"X\", \"sv\": \"X\"},"
		    " \"choices\": []}], \"request_types\": []}");
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "required");
	assert_string_equal(err.field, "fields[0].choices");
	json_decref(doc);
	/* a NUL byte in a label, as a json_t built in code can hold */
	doc = test_parse(rich_doc);
	json_object_set_new(json_object_get(nth(doc, "services", 1), "labels"),
			    "sv", json_stringn("Dr\0ft", 5));
	assert_int_equal(catalogue_from_json(doc, &c, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_text");
	assert_string_equal(err.field, "services[1].labels.sv");
	json_decref(doc);
}

/* ---- the caller's view ---- */

static void test_view_customer(void **state)
{
	static char *svc[] = { "network", "gone" };
	const struct contract k = { svc, 2, PRIORITY_MATRIX, true };
	struct catalogue *c = catalogue_default();
	json_t *v, *rt, *f, *s, *p;

	(void)state;
	v = catalogue_view_json(c, &k, false, "en");
	assert_non_null(v);
	assert_string_equal(sget(v, "lang"), "en");
	/* only the contract's services that exist */
	assert_int_equal(count(v, "services"), 1);
	s = nth(v, "services", 0);
	assert_string_equal(sget(s, "id"), "network");
	assert_string_equal(sget(s, "label"), "Network");
	assert_int_equal(count(s, "subcategories"), 2);
	assert_string_equal(sget(nth(s, "subcategories", 1), "label"), "Wi-Fi");
	assert_true(json_is_true(json_object_get(v, "service_required")));
	assert_true(json_is_true(json_object_get(v, "share_by_default")));

	assert_int_equal(count(v, "request_types"), 6);
	rt = by_id(v, "request_types", "report_incident");
	assert_string_equal(sget(rt, "label"), "Report an incident");
	assert_string_equal(sget(rt, "ticket_type"), "incident");
	assert_true(strlen(sget(rt, "description")) > 10);
	assert_int_equal(count(rt, "fields"), 6);
	f = by_id(rt, "fields", "impact");
	assert_string_equal(sget(f, "kind"), "choice");
	assert_string_equal(sget(f, "label"), "Impact");
	assert_true(json_is_false(json_object_get(f, "required")));
	assert_true(json_is_false(json_object_get(f, "custom")));
	assert_int_equal(count(f, "choices"), 3);
	assert_int_equal(json_integer_value(json_object_get(nth(f, "choices", 0), "id")), 1);
	assert_string_equal(sget(nth(f, "choices", 0), "label"),
			    "Organisation-wide / many users");
	assert_string_equal(sget(nth(f, "choices", 2), "label"), "One person");
	f = by_id(rt, "fields", "urgency");
	assert_int_equal(count(f, "choices"), 4);
	assert_string_equal(sget(nth(f, "choices", 0), "label"), "Critical");
	assert_string_equal(sget(nth(f, "choices", 3), "label"), "Low");
	f = by_id(rt, "fields", "recurrence");
	assert_false(json_is_true(json_object_get(f, "required")));
	assert_string_equal(sget(nth(f, "choices", 0), "id"), "once");
	assert_string_equal(sget(nth(f, "choices", 1), "id"), "recurring");
	assert_string_equal(sget(by_id(rt, "fields", "others_affected"), "kind"), "boolean");
	f = by_id(rt, "fields", "affected_component");
	assert_string_equal(sget(f, "kind"), "text");
	assert_int_equal(json_integer_value(json_object_get(f, "max_length")), 200);
	f = by_id(rt, "fields", "environment");
	assert_non_null(by_id(f, "choices", "production"));
	assert_non_null(by_id(f, "choices", "test"));
	rt = by_id(v, "request_types", "perform_task");
	assert_int_equal(count(rt, "fields"), 2);

	/* customers see the types their request types lead to, no more */
	assert_int_equal(count(v, "ticket_types"), 5);
	assert_string_equal(sget(nth(v, "ticket_types", 0), "id"), "incident");
	assert_string_equal(sget(nth(v, "ticket_types", 1), "id"), "security_incident");
	assert_string_equal(sget(nth(v, "ticket_types", 2), "id"), "question");
	assert_string_equal(sget(nth(v, "ticket_types", 3), "id"), "task");
	assert_string_equal(sget(nth(v, "ticket_types", 4), "id"), "change_request");

	p = json_object_get(v, "priority");
	assert_string_equal(sget(p, "mode"), "matrix");
	assert_true(json_eq_text(json_object_get(p, "matrix"),
				 "[[1, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 4]]"));
	assert_int_equal(count(p, "impact"), 3);
	assert_int_equal(count(p, "urgency"), 4);
	assert_null(json_object_get(p, "priorities"));
	json_decref(v);

	/* no contract services: nothing offered, nothing required */
	v = catalogue_view_json(c, &k_empty, false, "en");
	assert_int_equal(count(v, "services"), 0);
	assert_true(json_is_false(json_object_get(v, "service_required")));
	assert_false(json_is_true(json_object_get(v, "share_by_default")));
	json_decref(v);
	v = catalogue_view_json(c, NULL, false, "en");
	assert_int_equal(count(v, "services"), 0);
	assert_string_equal(sget(json_object_get(v, "priority"), "mode"), "none");
	json_decref(v);
	v = catalogue_view_json(c, &k_direct, false, "en");
	p = json_object_get(v, "priority");
	assert_string_equal(sget(p, "mode"), "direct");
	assert_int_equal(count(p, "priorities"), 4);
	assert_string_equal(sget(nth(p, "priorities", 0), "id"), "P1");
	assert_int_equal(count(v, "services"), 2);
	json_decref(v);
	catalogue_free(c);
}

static void test_view_staff_and_custom(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	json_t *v, *rt, *f;

	(void)state;
	v = catalogue_view_json(c, &k_none, true, "en");
	assert_int_equal(count(v, "services"), 3);
	assert_false(json_is_true(json_object_get(v, "service_required")));
	assert_int_equal(count(v, "ticket_types"), 7);
	assert_non_null(by_id(v, "ticket_types", "problem"));
	assert_string_equal(sget(by_id(v, "ticket_types", "change_request"), "label"),
			    "Change request");
	assert_string_equal(sget(json_object_get(v, "priority"), "mode"), "direct");
	assert_int_equal(count(json_object_get(v, "priority"), "priorities"), 4);
	json_decref(v);

	/* custom fields follow the standard ones, in the request type's order */
	v = catalogue_view_json(r, &k_archive, false, "sv");
	rt = by_id(v, "request_types", "report_outage");
	assert_string_equal(sget(rt, "label"), "Rapportera ett avbrott");
	assert_int_equal(count(rt, "fields"), 8);
	assert_string_equal(sget(nth(rt, "fields", 2), "id"), "environment");
	f = nth(rt, "fields", 3);
	assert_string_equal(sget(f, "id"), "cost_centre");
	assert_string_equal(sget(f, "label"), "Kostnadsställe");
	assert_true(json_is_true(json_object_get(f, "custom")));
	assert_true(json_is_true(json_object_get(f, "required")));
	assert_int_equal(json_integer_value(json_object_get(f, "max_length")), 10);
	f = by_id(rt, "fields", "site");
	assert_string_equal(sget(f, "kind"), "choice");
	assert_string_equal(sget(by_id(f, "choices", "goteborg"), "label"), "Göteborg");
	f = by_id(rt, "fields", "users_affected");
	assert_string_equal(sget(f, "kind"), "number");
	assert_int_equal(json_integer_value(json_object_get(f, "min")), 1);
	assert_int_equal(json_integer_value(json_object_get(f, "max")), 500);
	assert_string_equal(sget(by_id(rt, "fields", "since"), "kind"), "date");
	assert_true(json_is_false(json_object_get(by_id(rt, "fields", "urgency"), "custom")));
	assert_true(json_is_true(json_object_get(by_id(rt, "fields", "urgency"), "required")));
	assert_false(json_is_true(json_object_get(by_id(rt, "fields", "impact"), "required")));
	assert_true(json_is_true(json_object_get(by_id(v, "request_types", "order_hardware"),
						 "needs_approval")));
	/* a service without sub-categories */
	assert_int_equal(count(by_id(v, "services", "hosting"), "subcategories"), 0);
	assert_string_equal(sget(by_id(v, "services", "hosting"), "label"), "Drift");
	/* a custom catalogue may lead customers to change_request */
	assert_non_null(by_id(v, "ticket_types", "change_request"));
	assert_true(json_is_true(json_object_get(v, "share_by_default")));
	json_decref(v);
	catalogue_free(c);
	catalogue_free(r);
}

static void test_view_language(void **state)
{
	struct catalogue *c = catalogue_default();
	static const struct {
		const char *lang, *want_lang, *incident, *network, *impact1;
	} cases[] = {
		{ "sv", "sv", "Rapportera en incident", "Nätverk",
		  "Hela organisationen / många användare" },
		{ "nl", "nl", "Een incident melden", "Netwerk",
		  "Hele organisatie / veel gebruikers" },
		{ "en", "en", "Report an incident", "Network",
		  "Organisation-wide / many users" },
		{ "sv-SE", "sv", "Rapportera en incident", "Nätverk",
		  "Hela organisationen / många användare" },
		{ "de", "en", "Report an incident", "Network",
		  "Organisation-wide / many users" },
		{ "", "en", "Report an incident", "Network",
		  "Organisation-wide / many users" },
		{ NULL, "en", "Report an incident", "Network",
		  "Organisation-wide / many users" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = catalogue_view_json(c, &k_matrix, false, cases[i].lang);
		json_t *p = json_object_get(v, "priority");

		assert_string_equal(sget(v, "lang"), cases[i].want_lang);
		assert_string_equal(sget(by_id(v, "request_types", "report_incident"), "label"),
				    cases[i].incident);
		assert_string_equal(sget(by_id(v, "services", "network"), "label"),
				    cases[i].network);
		assert_string_equal(sget(nth(p, "impact", 0), "label"), cases[i].impact1);
		json_decref(v);
	}
	catalogue_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_content),
		cmocka_unit_test(test_priority_matrix),
		cmocka_unit_test(test_priority_mode_names),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_round_trip_default),
		cmocka_unit_test(test_round_trip_rich),
		cmocka_unit_test(test_import_defaults),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_view_customer),
		cmocka_unit_test(test_view_staff_and_custom),
		cmocka_unit_test(test_view_language),
		cmocka_unit_test(test_check_incident),
		cmocka_unit_test(test_check_required),
		cmocka_unit_test(test_check_invalid_type),
		cmocka_unit_test(test_check_invalid_value),
		cmocka_unit_test(test_check_unknown_field),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_check_services),
		cmocka_unit_test(test_check_priority_none),
		cmocka_unit_test(test_check_priority_matrix),
		cmocka_unit_test(test_check_priority_direct),
		cmocka_unit_test(test_check_staff_types),
		cmocka_unit_test(test_check_custom_fields),
		cmocka_unit_test(test_check_dates),
		cmocka_unit_test(test_check_needs_approval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
