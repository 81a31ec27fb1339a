/* catalogue_check: the catalogue part of a create request. */
#include "test_catalogue.h"

static int check(const struct catalogue *c, const struct contract *k, bool staff,
		 const char *text, struct catalogue_choice *out,
		 struct field_error *err)
{
	json_t *form = text ? test_parse(text) : NULL;
	int rc = catalogue_check(c, k, staff, form, out, err);

	json_decref(form);
	return rc;
}

/* Accepts text and returns the choice (caller frees). */
static struct catalogue_choice ok(const struct catalogue *c,
				  const struct contract *k, bool staff,
				  const char *text)
{
	struct catalogue_choice out;
	struct field_error err;

	if (check(c, k, staff, text, &out, &err) != 0)
		fail_msg("refused %s: %s at %s: %s", text, err.code, err.field,
			 err.message);
	return out;
}

/* The priority a form gets (it must be accepted). */
static int prio(const struct catalogue *c, const struct contract *k, bool staff,
		const char *text)
{
	struct catalogue_choice ch = ok(c, k, staff, text);
	int p = ch.priority;

	catalogue_choice_free(&ch);
	return p;
}

/* The check refuses text with code and field and leaves out zeroed. */
#define FAILS(c, k, staff, text, want_code, want_field)                         \
	do {                                                                    \
		struct catalogue_choice out_, zero_;                            \
		struct field_error err_;                                        \
		memset(&zero_, 0, sizeof(zero_));                               \
		memset(&out_, 0x5a, sizeof(out_));                              \
		assert_int_equal(check(c, k, staff, text, &out_, &err_),        \
				 DK_ERR_INVALID);                               \
		if (strcmp(err_.code, want_code) || strcmp(err_.field, want_field)) \
			fail_msg("%s: got %s at %s (%s), want %s at %s", text,  \
				 err_.code, err_.field, err_.message,           \
				 want_code, want_field);                        \
		assert_true(err_.message[0] != '\0');                           \
		assert_memory_equal(&out_, &zero_, sizeof(out_));               \
	} while (0)

/* A complete incident in the workplace service. */
#define INC "\"request_type\": \"report_incident\", \"service\": \"workplace\"," \
	    " \"subcategory\": \"laptop\""
#define INC_FORM(rest) "{" INC ", \"impact\": 2, \"urgency\": 3" rest "}"

void test_check_incident(void **state)
{
	struct catalogue *c = catalogue_default();
	struct catalogue_choice ch;

	(void)state;
	ch = ok(c, &k_matrix, false,
		"{\"request_type\": \"report_incident\", \"service\": \"network\","
		" \"subcategory\": \"vpn\", \"impact\": 2, \"urgency\": 2,"
		" \"affected_component\": \"  iipax archive  \", \"environment\": \"test\","
		" \"recurrence\": \"recurring\", \"others_affected\": false}");
	assert_string_equal(ch.request_type, "report_incident");
	assert_string_equal(ch.ticket_type, "incident");
	assert_string_equal(ch.service, "network");
	assert_string_equal(ch.subcategory, "vpn");
	assert_int_equal(ch.impact, 2);
	assert_int_equal(ch.urgency, 2);
	assert_int_equal(ch.priority, 2);  /* department x high */
	assert_false(ch.needs_approval);
	assert_true(json_eq_text(ch.fields,
		"{\"affected_component\": \"iipax archive\", \"environment\": \"test\","
		" \"impact\": 2, \"urgency\": 2, \"recurrence\": \"recurring\","
		" \"others_affected\": false}"));
	catalogue_choice_free(&ch);
	assert_null(ch.fields);
	assert_null(ch.request_type);

	/* optional fields left out, null or blank are simply not kept */
	ch = ok(c, &k_matrix, false, INC_FORM(", \"affected_component\": \"   \","
					      " \"environment\": null, \"recurrence\": \"\""));
	assert_true(json_eq_text(ch.fields, "{\"impact\": 2, \"urgency\": 3}"));
	catalogue_choice_free(&ch);

	ch = ok(c, &k_matrix, false, "{\"request_type\": \"portal_help\","
		" \"service\": \"workplace\", \"subcategory\": \"phone\"}");
	assert_string_equal(ch.ticket_type, "question");
	assert_int_equal(ch.impact, 0);
	assert_int_equal(ch.urgency, 0);
	assert_int_equal(json_object_size(ch.fields), 0);
	catalogue_choice_free(&ch);
	catalogue_free(c);
}

/* The default catalogue with impact and urgency made required for incidents,
 * as an administrator may import it. */
static struct catalogue *strict_catalogue(void)
{
	struct catalogue *def = catalogue_default(), *strict = NULL;
	json_t *doc = catalogue_to_json(def);
	json_t *rt;
	size_t i;
	struct field_error fe;

	json_array_foreach(json_object_get(doc, "request_types"), i, rt)
		if (!strcmp(json_string_value(json_object_get(rt, "id")), "report_incident"))
			json_object_set_new(rt, "required", json_pack("[ss]", "impact", "urgency"));
	assert_int_equal(catalogue_from_json(doc, &strict, &fe), 0);
	json_decref(doc);
	catalogue_free(def);
	return strict;
}

void test_check_required(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	struct catalogue *strict = strict_catalogue();
	struct catalogue_choice zero, out, ch;
	struct field_error err;

	(void)state;
	FAILS(c, &k_matrix, false, "{\"service\": \"workplace\", \"subcategory\": \"laptop\"}",
	      "required", "request_type");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"\", \"service\": \"workplace\"}",
	      "required", "request_type");
	FAILS(c, &k_matrix, false, "{\"request_type\": null}", "required", "request_type");
	FAILS(c, &k_matrix, true, "{\"impact\": 1}", "required", "request_type");
	FAILS(strict, &k_matrix, false, "{" INC ", \"urgency\": 1}", "required", "impact");
	FAILS(strict, &k_matrix, false, "{" INC ", \"impact\": 1}", "required", "urgency");
	FAILS(strict, &k_matrix, false, "{" INC ", \"impact\": null, \"urgency\": 1}",
	      "required", "impact");
	/* by default a customer need not judge the impact: it counts as one person */
	ch = ok(c, &k_matrix, false, "{" INC ", \"urgency\": 1}");
	assert_int_equal(ch.priority, catalogue_priority(c, 3, 1));
	catalogue_choice_free(&ch);
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\"}",
	      "required", "service");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"network\"}", "required", "subcategory");
	/* agents too pick a sub-category once a service is chosen */
	FAILS(c, &k_matrix, true, "{\"request_type\": \"ask_question\","
	      " \"service\": \"applications\"}", "required", "subcategory");
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"site\": \"utrecht\"}}",
	      "required", "fields.cost_centre");
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"cost_centre\": \" \\n \"}}",
	      "required", "fields.cost_centre");

	memset(&zero, 0, sizeof(zero));
	assert_int_equal(catalogue_check(c, &k_matrix, false, NULL, &out, &err),
			 DK_ERR_INVALID);
	assert_string_equal(err.code, "required");
	assert_string_equal(err.field, "form");
	assert_memory_equal(&out, &zero, sizeof(out));
	catalogue_free(c);
	catalogue_free(r);
	catalogue_free(strict);
}

void test_check_invalid_type(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();

	(void)state;
	FAILS(c, &k_matrix, false, "[]", "invalid_type", "form");
	FAILS(c, &k_matrix, false, "{\"request_type\": 5}", "invalid_type", "request_type");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\", \"service\": 1}",
	      "invalid_type", "service");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"network\", \"subcategory\": [\"vpn\"]}",
	      "invalid_type", "subcategory");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": \"1\", \"urgency\": 1}",
	      "invalid_type", "impact");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1.0, \"urgency\": 1}",
	      "invalid_type", "impact");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": true}",
	      "invalid_type", "urgency");
	FAILS(c, &k_matrix, false, INC_FORM(", \"others_affected\": \"yes\""),
	      "invalid_type", "others_affected");
	FAILS(c, &k_matrix, false, INC_FORM(", \"others_affected\": 1"),
	      "invalid_type", "others_affected");
	FAILS(c, &k_matrix, false, INC_FORM(", \"environment\": 3"),
	      "invalid_type", "environment");
	FAILS(c, &k_matrix, false, INC_FORM(", \"affected_component\": 42"),
	      "invalid_type", "affected_component");
	FAILS(c, &k_matrix, false, INC_FORM(", \"fields\": []"), "invalid_type", "fields");
	FAILS(c, &k_direct, false, INC_FORM(", \"priority\": true"),
	      "invalid_type", "priority");
	FAILS(c, &k_direct, false, INC_FORM(", \"priority\": 2.0"),
	      "invalid_type", "priority");
	FAILS(r, &k_archive, false, "{\"request_type\": \"report_outage\","
	      " \"service\": \"hosting\", \"urgency\": 1,"
	      " \"fields\": {\"cost_centre\": 1042}}", "invalid_type", "fields.cost_centre");
	catalogue_free(c);
	catalogue_free(r);
}

void test_check_invalid_value(void **state)
{
	struct catalogue *c = catalogue_default();

	(void)state;
	FAILS(c, &k_matrix, false, "{\"request_type\": \"report_fire\"}",
	      "invalid_value", "request_type");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 4, \"urgency\": 1}",
	      "invalid_value", "impact");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 0, \"urgency\": 1}",
	      "invalid_value", "impact");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": 5}",
	      "invalid_value", "urgency");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": -1}",
	      "invalid_value", "urgency");
	FAILS(c, &k_matrix, false, INC_FORM(", \"environment\": \"staging\""),
	      "invalid_value", "environment");
	FAILS(c, &k_matrix, false, INC_FORM(", \"recurrence\": \"sometimes\""),
	      "invalid_value", "recurrence");
	FAILS(c, &k_matrix, false, INC_FORM(", \"recurrence\": \"Once\""),
	      "invalid_value", "recurrence");
	FAILS(c, &k_direct, false, INC_FORM(", \"priority\": \"P5\""),
	      "invalid_value", "priority");
	FAILS(c, &k_direct, false, INC_FORM(", \"priority\": 0"),
	      "invalid_value", "priority");
	FAILS(c, &k_direct, false, INC_FORM(", \"priority\": \"high\""),
	      "invalid_value", "priority");
	catalogue_free(c);
}

void test_check_unknown_field(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();

	(void)state;
	FAILS(c, &k_matrix, false, INC_FORM(", \"colour\": \"red\""),
	      "unknown_field", "colour");
	/* title and description belong to the body, not to the form */
	FAILS(c, &k_matrix, false, INC_FORM(", \"title\": \"Printer\""),
	      "unknown_field", "title");
	/* a standard field that is not on this request type's form */
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"network\", \"subcategory\": \"vpn\", \"impact\": 1}",
	      "unknown_field", "impact");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"perform_task\","
	      " \"service\": \"network\", \"subcategory\": \"vpn\","
	      " \"others_affected\": true}", "unknown_field", "others_affected");
	/* custom ids: not defined, and defined but not on this form */
	FAILS(c, &k_matrix, false, INC_FORM(", \"fields\": {\"cost_centre\": \"A1\"}"),
	      "unknown_field", "fields.cost_centre");
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"cost_centre\": \"A1\","
	      " \"users_affected\": 3}}", "unknown_field", "fields.users_affected");
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"cost_centre\": \"A1\","
	      " \"impact\": 3}}", "unknown_field", "fields.impact");
	catalogue_free(c);
	catalogue_free(r);
}

void test_check_text(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	struct catalogue_choice ch;
	char *form, *s;

	(void)state;
	/* affected_component: at most 200 characters, counted as characters */
	s = repeat("a", 201);
	assert_true(asprintf(&form, INC_FORM(", \"affected_component\": \"%s\""), s) > 0);
	FAILS(c, &k_matrix, false, form, "too_long", "affected_component");
	free(form);
	free(s);
	s = repeat("ö", 200);
	assert_true(asprintf(&form, INC_FORM(", \"affected_component\": \"%s\""), s) > 0);
	ch = ok(c, &k_matrix, false, form);
	assert_string_equal(json_string_value(json_object_get(ch.fields,
							      "affected_component")), s);
	catalogue_choice_free(&ch);
	free(form);
	free(s);
	/* one line only for the standard text */
	FAILS(c, &k_matrix, false, INC_FORM(", \"affected_component\": \"a\\nb\""),
	      "invalid_text", "affected_component");

	/* a custom text field of at most 10 characters, several lines allowed */
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"cost_centre\": \"ABCDEFGHIJK\"}}",
	      "too_long", "fields.cost_centre");
	ch = ok(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
		" \"service\": \"hosting\", \"fields\": {\"cost_centre\": \" Åäö-1\\n3456 \"}}");
	assert_string_equal(json_string_value(json_object_get(ch.fields, "cost_centre")),
			    "Åäö-1\n3456");
	catalogue_choice_free(&ch);
	FAILS(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
	      " \"service\": \"hosting\", \"fields\": {\"cost_centre\": \"A\\u0007B\"}}",
	      "invalid_text", "fields.cost_centre");
	catalogue_free(c);
	catalogue_free(r);
}

void test_check_services(void **state)
{
	struct catalogue *c = catalogue_default();
	struct catalogue_choice ch;

	(void)state;
	/* a sub-category of another service */
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"workplace\", \"subcategory\": \"vpn\"}",
	      "invalid_value", "subcategory");
	/* a service of the catalogue outside the contract, and one of neither */
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"applications\", \"subcategory\": \"erp\"}",
	      "invalid_value", "service");
	FAILS(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"hosting\"}", "invalid_value", "service");
	/* a contract without services offers none */
	FAILS(c, &k_empty, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"network\", \"subcategory\": \"vpn\"}",
	      "invalid_value", "service");
	FAILS(c, &k_empty, false, "{\"request_type\": \"ask_question\","
	      " \"subcategory\": \"vpn\"}", "invalid_value", "subcategory");
	FAILS(c, NULL, false, "{\"request_type\": \"ask_question\","
	      " \"service\": \"network\", \"subcategory\": \"vpn\"}",
	      "invalid_value", "service");
	ch = ok(c, &k_empty, false, "{\"request_type\": \"ask_question\"}");
	assert_null(ch.service);
	assert_null(ch.subcategory);
	catalogue_choice_free(&ch);

	/* agents: any service of the catalogue, or none */
	ch = ok(c, &k_matrix, true, "{\"request_type\": \"ask_question\","
		" \"service\": \"applications\", \"subcategory\": \"erp\"}");
	assert_string_equal(ch.service, "applications");
	assert_string_equal(ch.subcategory, "erp");
	catalogue_choice_free(&ch);
	ch = ok(c, &k_matrix, true, "{\"request_type\": \"ask_question\"}");
	assert_null(ch.service);
	catalogue_choice_free(&ch);
	FAILS(c, &k_matrix, true, "{\"request_type\": \"ask_question\","
	      " \"service\": \"hosting\"}", "invalid_value", "service");
	catalogue_free(c);
}

void test_check_priority_none(void **state)
{
	struct catalogue *c = catalogue_default();

	(void)state;
	/* organisation-wide and critical, still P4 without priority rights */
	assert_int_equal(prio(c, &k_none, false,
			      "{" INC ", \"impact\": 1, \"urgency\": 1}"), 4);
	assert_int_equal(prio(c, NULL, false,
			      "{\"request_type\": \"report_incident\", \"impact\": 1,"
			      " \"urgency\": 1}"), 4);
	FAILS(c, &k_none, false, "{" INC ", \"impact\": 1, \"urgency\": 1,"
	      " \"priority\": \"P1\"}", "not_allowed", "priority");
	FAILS(c, &k_none, false, "{" INC ", \"impact\": 3, \"urgency\": 4,"
	      " \"priority\": \"P4\"}", "not_allowed", "priority");
	/* agents may set it; without one the contract's rule holds */
	assert_int_equal(prio(c, &k_none, true, "{" INC ", \"impact\": 3, \"urgency\": 4,"
			      " \"priority\": \"P1\"}"), 1);
	assert_int_equal(prio(c, &k_none, true, "{" INC ", \"impact\": 1, \"urgency\": 1}"),
			 4);
	catalogue_free(c);
}

void test_check_priority_matrix(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	struct catalogue_choice ch;

	(void)state;
	assert_int_equal(prio(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": 1}"), 1);
	assert_int_equal(prio(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": 4}"), 3);
	assert_int_equal(prio(c, &k_matrix, false, "{" INC ", \"impact\": 2, \"urgency\": 3}"), 3);
	assert_int_equal(prio(c, &k_matrix, false, "{" INC ", \"impact\": 3, \"urgency\": 1}"), 2);
	assert_int_equal(prio(c, &k_matrix, false, "{" INC ", \"impact\": 3, \"urgency\": 4}"), 4);
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": 1,"
	      " \"priority\": \"P1\"}", "not_allowed", "priority");
	FAILS(c, &k_matrix, false, "{" INC ", \"impact\": 1, \"urgency\": 1,"
	      " \"priority\": 2}", "not_allowed", "priority");
	/* a form without impact counts it as one person, without urgency as medium */
	ch = ok(c, &k_matrix, false, "{\"request_type\": \"perform_task\","
		" \"service\": \"network\", \"subcategory\": \"wifi\", \"urgency\": 1}");
	assert_int_equal(ch.priority, 2);
	assert_int_equal(ch.impact, 0);
	assert_int_equal(ch.urgency, 1);
	assert_string_equal(ch.ticket_type, "task");
	catalogue_choice_free(&ch);
	assert_int_equal(prio(c, &k_matrix, false, "{\"request_type\": \"ask_question\","
			      " \"service\": \"network\", \"subcategory\": \"wifi\"}"), 4);
	/* the catalogue's own matrix: impact 1 x urgency 2 is P2 there */
	assert_int_equal(prio(r, &(struct contract){ NULL, 0, PRIORITY_MATRIX, false },
			      false, "{\"request_type\": \"report_outage\", \"impact\": 1,"
			      " \"urgency\": 2, \"fields\": {\"cost_centre\": \"X\"}}"), 2);
	catalogue_free(c);
	catalogue_free(r);
}

void test_check_priority_direct(void **state)
{
	struct catalogue *c = catalogue_default();

	(void)state;
	/* chosen, whatever impact and urgency say */
	assert_int_equal(prio(c, &k_direct, false, "{" INC ", \"impact\": 3, \"urgency\": 4,"
			      " \"priority\": \"P2\"}"), 2);
	assert_int_equal(prio(c, &k_direct, false, "{" INC ", \"impact\": 1, \"urgency\": 1,"
			      " \"priority\": 4}"), 4);
	assert_int_equal(prio(c, &k_direct, false, "{\"request_type\": \"ask_question\","
			      " \"service\": \"network\", \"subcategory\": \"vpn\","
			      " \"priority\": \"P1\"}"), 1);
	/* not chosen: derived */
	assert_int_equal(prio(c, &k_direct, false, "{" INC ", \"impact\": 2, \"urgency\": 1}"), 1);
	assert_int_equal(prio(c, &k_direct, false, "{" INC ", \"impact\": 2, \"urgency\": 4,"
			      " \"priority\": null}"), 4);
	assert_int_equal(prio(c, &k_direct, false, "{" INC ", \"impact\": 2, \"urgency\": 2,"
			      " \"priority\": \"\"}"), 2);
	catalogue_free(c);
}

void test_check_staff_types(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	struct catalogue *strict = strict_catalogue();
	struct catalogue_choice ch;

	(void)state;
	FAILS(c, &k_matrix, false, INC_FORM(", \"type\": \"problem\""), "not_allowed", "type");
	FAILS(c, &k_matrix, true, "{\"type\": \"bug\"}", "invalid_value", "type");
	FAILS(c, &k_matrix, true, "{\"type\": 3}", "invalid_type", "type");
	/* a problem without a request type, with any standard field */
	ch = ok(c, &k_matrix, true, "{\"type\": \"problem\", \"impact\": 1, \"urgency\": 2,"
		" \"affected_component\": \"iipax\"}");
	assert_null(ch.request_type);
	assert_string_equal(ch.ticket_type, "problem");
	assert_null(ch.service);
	assert_int_equal(ch.priority, 1);
	assert_false(ch.needs_approval);
	assert_int_equal(json_object_size(ch.fields), 3);
	catalogue_choice_free(&ch);
	/* a request type whose ticket type the agent overrides */
	ch = ok(c, &k_matrix, true, "{" INC ", \"type\": \"change_request\","
		" \"impact\": 3, \"urgency\": 3}");
	assert_string_equal(ch.request_type, "report_incident");
	assert_string_equal(ch.ticket_type, "change_request");
	assert_int_equal(ch.priority, 4);
	catalogue_choice_free(&ch);
	/* with a request type its form still holds for agents */
	FAILS(strict, &k_matrix, true, "{" INC ", \"urgency\": 3}", "required", "impact");
	/* without one, every custom field may be given and none is required */
	ch = ok(r, &k_archive, true, "{\"type\": \"task\", \"fields\": {\"budget\": 1200.5}}");
	assert_true(json_eq_text(ch.fields, "{\"budget\": 1200.5}"));
	catalogue_choice_free(&ch);
	catalogue_free(c);
	catalogue_free(r);
	catalogue_free(strict);
}

#define OUTAGE(fields) "{\"request_type\": \"report_outage\", \"service\": \"hosting\"," \
		       " \"urgency\": 2, \"fields\": {\"cost_centre\": \"CC-1\"" fields "}}"

void test_check_custom_fields(void **state)
{
	struct catalogue *r = test_rich();
	struct catalogue_choice ch;

	(void)state;
	ch = ok(r, &k_archive, false, OUTAGE(", \"site\": \"goteborg\", \"users_affected\": 12,"
					    " \"since\": \"2024-02-29\", \"ratio\": 0.5"));
	assert_true(json_eq_text(ch.fields, "{\"urgency\": 2, \"cost_centre\": \"CC-1\","
				 " \"site\": \"goteborg\", \"users_affected\": 12,"
				 " \"since\": \"2024-02-29\", \"ratio\": 0.5}"));
	assert_string_equal(ch.service, "hosting");
	assert_null(ch.subcategory);  /* hosting has no sub-categories */
	catalogue_choice_free(&ch);
	/* choice */
	FAILS(r, &k_archive, false, OUTAGE(", \"site\": \"malmo\""), "invalid_value", "fields.site");
	FAILS(r, &k_archive, false, OUTAGE(", \"site\": \"Goteborg\""), "invalid_value", "fields.site");
	FAILS(r, &k_archive, false, OUTAGE(", \"site\": 2"), "invalid_type", "fields.site");
	ch = ok(r, &k_archive, false, OUTAGE(", \"site\": \"\", \"since\": null"));
	assert_true(json_eq_text(ch.fields, "{\"urgency\": 2, \"cost_centre\": \"CC-1\"}"));
	catalogue_choice_free(&ch);
	/* number: 1..500 inclusive, and 0.0..0.75 */
	FAILS(r, &k_archive, false, OUTAGE(", \"users_affected\": 0"),
	      "invalid_value", "fields.users_affected");
	FAILS(r, &k_archive, false, OUTAGE(", \"users_affected\": 501"),
	      "invalid_value", "fields.users_affected");
	FAILS(r, &k_archive, false, OUTAGE(", \"users_affected\": 500.5"),
	      "invalid_value", "fields.users_affected");
	FAILS(r, &k_archive, false, OUTAGE(", \"users_affected\": \"12\""),
	      "invalid_type", "fields.users_affected");
	FAILS(r, &k_archive, false, OUTAGE(", \"ratio\": 0.76"), "invalid_value", "fields.ratio");
	FAILS(r, &k_archive, false, OUTAGE(", \"ratio\": -0.1"), "invalid_value", "fields.ratio");
	ch = ok(r, &k_archive, false, OUTAGE(", \"users_affected\": 500, \"ratio\": 0"));
	assert_int_equal(json_integer_value(json_object_get(ch.fields, "users_affected")), 500);
	catalogue_choice_free(&ch);
	ch = ok(r, &k_archive, false, OUTAGE(", \"users_affected\": 1, \"ratio\": 0.75"));
	catalogue_choice_free(&ch);
	/* text */
	FAILS(r, &k_archive, false, "{\"request_type\": \"report_outage\", \"service\": \"hosting\","
	      " \"urgency\": 2, \"fields\": {\"cost_centre\": \"12345678901\"}}",
	      "too_long", "fields.cost_centre");
	/* the form's service rule still applies: archive has sub-categories */
	FAILS(r, &k_archive, false, "{\"request_type\": \"report_outage\", \"service\": \"archive\","
	      " \"urgency\": 2, \"fields\": {\"cost_centre\": \"CC-1\"}}",
	      "required", "subcategory");
	catalogue_free(r);
}

void test_check_dates(void **state)
{
	static const char *const good[] = {
		"2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01", "0001-01-01"
	};
	static const char *const bad[] = {
		"2026-02-30", "2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01",
		"2026-00-10", "2026-01-00", "0000-01-01", "2026-4-01", "26-04-01",
		"2026-04-01T10:00", "2026/04/01", "2026-04-1x", " 2026-04-01"
	};
	struct catalogue *r = test_rich();
	struct catalogue_choice ch;
	char form[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(form, sizeof(form), OUTAGE(", \"since\": \"%s\""), good[i]);
		ch = ok(r, &k_archive, false, form);
		assert_string_equal(json_string_value(json_object_get(ch.fields, "since")),
				    good[i]);
		catalogue_choice_free(&ch);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(form, sizeof(form), OUTAGE(", \"since\": \"%s\""), bad[i]);
		FAILS(r, &k_archive, false, form, "invalid_value", "fields.since");
	}
	FAILS(r, &k_archive, false, OUTAGE(", \"since\": 20260401"), "invalid_type", "fields.since");
	catalogue_free(r);
}

void test_check_needs_approval(void **state)
{
	struct catalogue *c = catalogue_default(), *r = test_rich();
	struct catalogue_choice ch;

	(void)state;
	ch = ok(r, &k_archive, false, "{\"request_type\": \"order_hardware\","
		" \"service\": \"hosting\", \"fields\": {\"cost_centre\": \"CC-7\"}}");
	assert_true(ch.needs_approval);
	assert_string_equal(ch.ticket_type, "service_request");
	/* no impact or urgency on the form: medium for one person */
	assert_int_equal(ch.priority, 4);
	catalogue_choice_free(&ch);
	ch = ok(r, &k_archive, true, "{\"request_type\": \"order_hardware\","
		" \"fields\": {\"cost_centre\": \"CC-7\"}}");
	assert_true(ch.needs_approval);
	catalogue_choice_free(&ch);
	ch = ok(c, &k_matrix, false, "{\"request_type\": \"perform_task\","
		" \"service\": \"workplace\", \"subcategory\": \"printer\"}");
	assert_false(ch.needs_approval);
	catalogue_choice_free(&ch);
	catalogue_free(c);
	catalogue_free(r);
}
