/* Workflow documents: a custom workflow read from JSON and behaving per its
 * own table, and documents that must be refused with the right field. */
#include "test.h"

#include "dk_err.h"
#include "validate.h"
#include "workflow.h"
#include "test_workflow.h"

/* ---- a custom workflow ------------------------------------------------- */

/* Four statuses; the status-specific comment row comes after the category
 * one and still wins. */
static const char custom_doc[] =
	"{\"initial\": \"open\","
	" \"statuses\": ["
	"  {\"name\": \"open\", \"category\": \"new\","
	"   \"labels\": {\"en\": \"Open\", \"nl\": \"Open\", \"sv\": \"Öppen\"}},"
	"  {\"name\": \"busy\", \"category\": \"open\","
	"   \"labels\": {\"en\": \"Busy\", \"nl\": \"Bezig\", \"sv\": \"Upptagen\"}},"
	"  {\"name\": \"done\", \"category\": \"resolved\", \"pauses_sla\": true,"
	"   \"labels\": {\"en\": \"Done\", \"nl\": \"Klaar\", \"sv\": \"Klar\"}},"
	"  {\"name\": \"shut\", \"category\": \"closed\","
	"   \"labels\": {\"en\": \"Shut\", \"nl\": \"Dicht\", \"sv\": \"Stängd\"}}],"
	" \"transitions\": ["
	"  {\"action\": \"set_status\", \"actor\": \"agent\","
	"   \"from_categories\": [\"new\", \"open\"], \"to_categories\": [\"open\", \"resolved\"]},"
	"  {\"action\": \"close\", \"actor\": \"customer\", \"from_status\": \"done\","
	"   \"to\": \"shut\", \"needs_rating\": true},"
	"  {\"action\": \"reopen\", \"actor\": \"customer\", \"from_categories\": [\"resolved\"],"
	"   \"to\": \"busy\", \"needs_comment\": true},"
	"  {\"action\": \"comment\", \"actor\": \"customer\","
	"   \"from_categories\": [\"new\", \"open\", \"resolved\"]},"
	"  {\"action\": \"comment\", \"actor\": \"customer\", \"from_status\": \"done\","
	"   \"to\": \"busy\"},"
	"  {\"action\": \"cancel\", \"actor\": \"customer\", \"from_status\": \"open\","
	"   \"to\": \"shut\"}]}";

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (!v)
		fail_msg("bad test JSON: %s", jerr.text);
	return v;
}

static struct workflow *custom(void)
{
	struct field_error err;
	struct workflow *wf = NULL;
	json_t *doc = load(custom_doc);

	if (workflow_from_json(doc, &wf, &err) != 0)
		fail_msg("custom workflow refused: %s %s %s", err.code, err.field, err.message);
	json_decref(doc);
	return wf;
}

/* rc and, on success, the target; on refusal the code. */
static void apply_is(const struct workflow *wf, const char *from, enum wf_action a,
		     enum wf_actor who, const char *req, int rc, const char *what)
{
	struct wf_result r;
	int got = workflow_apply(wf, from, a, who, req, &r);

	if (got != rc || strcmp(rc ? r.refusal_code : r.to, what) != 0)
		fail_msg("%s %s: got %d %s %s", from, wf_action_name(a), got,
			 r.to ? r.to : "-", r.refusal_code ? r.refusal_code : "-");
}

void test_custom_workflow(void **state)
{
	struct workflow *wf = custom();
	struct wf_result r;
	json_t *arr, *doc, *doc2;
	struct workflow *wf2 = NULL;
	struct field_error err;

	(void)state;
	assert_string_equal(workflow_initial(wf, false), "open");
	assert_string_equal(workflow_initial(wf, true), "open");
	assert_int_equal(workflow_category(wf, "busy"), CATEGORY_OPEN);
	assert_int_equal(workflow_category(wf, "new"), CATEGORY_UNKNOWN);
	assert_string_equal(workflow_label(wf, "open", "sv"), "Öppen");
	assert_true(workflow_pauses_sla(wf, "done"));
	assert_false(workflow_pauses_sla(wf, "busy"));

	apply_is(wf, "open", WF_SET_STATUS, WF_ACTOR_AGENT, "busy", 0, "busy");
	apply_is(wf, "busy", WF_SET_STATUS, WF_ACTOR_AGENT, "done", 0, "done");
	apply_is(wf, "busy", WF_SET_STATUS, WF_ACTOR_AGENT, "shut", DK_ERR_CONFLICT,
		 "not_allowed");
	apply_is(wf, "busy", WF_SET_STATUS, WF_ACTOR_AGENT, "open", DK_ERR_CONFLICT,
		 "not_allowed");
	apply_is(wf, "busy", WF_SET_STATUS, WF_ACTOR_AGENT, "busy", DK_ERR_CONFLICT,
		 "no_change");
	apply_is(wf, "done", WF_SET_STATUS, WF_ACTOR_AGENT, "busy", DK_ERR_CONFLICT,
		 "not_allowed");
	apply_is(wf, "busy", WF_RESOLVE, WF_ACTOR_AGENT, NULL, DK_ERR_CONFLICT, "not_allowed");
	apply_is(wf, "done", WF_CLOSE, WF_ACTOR_CUSTOMER, NULL, 0, "shut");
	apply_is(wf, "busy", WF_CLOSE, WF_ACTOR_CUSTOMER, NULL, DK_ERR_CONFLICT, "not_allowed");
	apply_is(wf, "open", WF_CANCEL, WF_ACTOR_CUSTOMER, NULL, 0, "shut");
	apply_is(wf, "busy", WF_CANCEL, WF_ACTOR_CUSTOMER, NULL, DK_ERR_CONFLICT, "not_allowed");
	apply_is(wf, "done", WF_REOPEN, WF_ACTOR_CUSTOMER, NULL, 0, "busy");
	apply_is(wf, "busy", WF_COMMENT, WF_ACTOR_CUSTOMER, NULL, 0, "busy");
	apply_is(wf, "done", WF_COMMENT, WF_ACTOR_CUSTOMER, NULL, 0, "busy");
	apply_is(wf, "busy", WF_COMMENT, WF_ACTOR_AGENT, NULL, DK_ERR_CONFLICT, "not_allowed");
	apply_is(wf, "shut", WF_SET_STATUS, WF_ACTOR_AGENT, "busy", DK_ERR_CONFLICT,
		 "ticket_closed");
	apply_is(wf, "open", WF_APPROVE, WF_ACTOR_APPROVER, NULL, DK_ERR_CONFLICT,
		 "not_allowed");

	assert_int_equal(workflow_apply(wf, "done", WF_CLOSE, WF_ACTOR_CUSTOMER, NULL, &r), 0);
	assert_true(r.needs_rating);
	assert_false(r.needs_comment);
	workflow_apply(wf, "busy", WF_CLOSE, WF_ACTOR_CUSTOMER, NULL, &r);
	assert_string_equal(r.refusal_message,
			    "only a ticket with status \"Done\" can be closed");
	workflow_apply(wf, "busy", WF_SET_STATUS, WF_ACTOR_AGENT, "shut", &r);
	assert_string_equal(r.refusal_message, "the ticket cannot move from \"Busy\" to \"Shut\"");
	workflow_apply(wf, "open", WF_APPROVE, WF_ACTOR_APPROVER, NULL, &r);
	assert_string_equal(r.refusal_message, "you cannot approve this ticket");

	arr = workflow_actions_json(wf, "open", WF_ACTOR_CUSTOMER, "en");
	assert_int_equal(json_array_size(arr), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0),
					      "action")), "cancel");
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0),
					      "label")), "Shut");
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1),
					      "action")), "comment");
	json_decref(arr);
	arr = workflow_actions_json(wf, "busy", WF_ACTOR_AGENT, "nl");
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(arr, 0), "statuses")), 1);
	assert_null(json_object_get(json_array_get(arr, 0), "default"));
	json_decref(arr);
	arr = workflow_actions_json(wf, "shut", WF_ACTOR_AGENT, "nl");
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);

	doc = workflow_to_json(wf);
	assert_null(json_object_get(doc, "initial_approval"));
	assert_int_equal(workflow_from_json(doc, &wf2, &err), 0);
	doc2 = workflow_to_json(wf2);
	assert_true(json_equal(doc, doc2));
	json_decref(doc);
	json_decref(doc2);
	workflow_free(wf2);
	workflow_free(wf);
}

/* Tickets left in a status an old workflow had: only an agent moves them. */
void test_custom_unknown_status(void **state)
{
	struct workflow *wf = custom();
	json_t *arr;

	(void)state;
	apply_is(wf, "in_progress", WF_COMMENT, WF_ACTOR_CUSTOMER, NULL, DK_ERR_CONFLICT,
		 "unknown_status");
	apply_is(wf, "in_progress", WF_RESOLVE, WF_ACTOR_AGENT, NULL, DK_ERR_CONFLICT,
		 "unknown_status");
	apply_is(wf, "in_progress", WF_SET_STATUS, WF_ACTOR_AGENT, "shut", 0, "shut");
	apply_is(wf, "in_progress", WF_SET_STATUS, WF_ACTOR_AGENT, "resolved", DK_ERR_INVALID,
		 "unknown_status");
	apply_is(wf, "in_progress", WF_SET_STATUS, WF_ACTOR_AGENT, NULL, DK_ERR_INVALID,
		 "status_required");
	arr = workflow_actions_json(wf, "in_progress", WF_ACTOR_AGENT, "en");
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(arr, 0), "statuses")), 4);
	json_decref(arr);
	arr = workflow_actions_json(wf, "in_progress", WF_ACTOR_CUSTOMER, "en");
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	workflow_free(wf);
}

/* ---- documents that must be refused ----------------------------------- */

/* Walks "statuses/1/labels" in doc; the last step is returned in *key
 * (object member) or *idx (array element). */
static json_t *walk(json_t *doc, const char *path, const char **key, size_t *idx)
{
	static char buf[128];
	char *part, *next;
	json_t *cur = doc;

	snprintf(buf, sizeof(buf), "%s", path);
	part = buf;
	while ((next = strchr(part, '/'))) {
		*next = '\0';
		cur = json_is_array(cur) ? json_array_get(cur, strtoul(part, NULL, 10)) :
					   json_object_get(cur, part);
		assert_non_null(cur);
		part = next + 1;
	}
	*key = part;
	*idx = strtoul(part, NULL, 10);
	return cur;
}

/* Sets (value text) or deletes (NULL) one place of the custom document. */
static json_t *mutate(const char *path, const char *value)
{
	json_t *doc = load(custom_doc), *parent;
	const char *key;
	size_t idx;

	if (!path)
		return doc;
	parent = walk(doc, path, &key, &idx);
	if (json_is_array(parent)) {
		if (value)
			json_array_set_new(parent, idx, load(value));
		else
			json_array_remove(parent, idx);
	} else if (value) {
		json_object_set_new(parent, key, load(value));
	} else {
		json_object_del(parent, key);
	}
	return doc;
}

static const struct {
	const char *path, *value, *code, *field;
} bad_docs[] = {
	{ "statuses/1/name", "\"Busy\"", "invalid_value", "statuses[1].name" },
	{ "statuses/1/name", "\"a234567890123456789012345678901234\"", "invalid_value",
	  "statuses[1].name" },
	{ "statuses/1/name", "\"1st\"", "invalid_value", "statuses[1].name" },
	{ "statuses/1/name", "7", "invalid_type", "statuses[1].name" },
	{ "statuses/1/name", NULL, "required", "statuses[1].name" },
	{ "statuses/2/name", "\"open\"", "duplicate", "statuses[2].name" },
	{ "statuses/1/category", "\"pending\"", "invalid_value", "statuses[1].category" },
	{ "statuses/1/category", NULL, "required", "statuses[1].category" },
	{ "statuses/1/labels", NULL, "required", "statuses[1].labels" },
	{ "statuses/1/labels", "[]", "invalid_type", "statuses[1].labels" },
	{ "statuses/1/labels/sv", NULL, "required", "statuses[1].labels.sv" },
	{ "statuses/1/labels/de", "\"Beschäftigt\"", "unknown_field", "statuses[1].labels.de" },
	{ "statuses/0/labels/nl", "\"\"", "required", "statuses[0].labels.nl" },
	{ "statuses/0/labels/nl", "3", "invalid_type", "statuses[0].labels.nl" },
	{ "statuses/0/labels/en", "\"a\\nb\"", "invalid_text", "statuses[0].labels.en" },
	{ "statuses/0/labels/en",
	  "\"0123456789012345678901234567890123456789012345678901234567890123x\"",
	  "too_long", "statuses[0].labels.en" },
	{ "statuses/1/pauses_sla", "\"yes\"", "invalid_type", "statuses[1].pauses_sla" },
	{ "statuses/1/colour", "\"red\"", "unknown_field", "statuses[1].colour" },
	{ "statuses/1", "\"busy\"", "invalid_type", "statuses[1]" },
	{ "statuses/2/category", "\"open\"", "required", "statuses" },
	{ "statuses/3/category", "\"open\"", "required", "statuses" },
	{ "statuses/0/category", "\"open\"", "required", "statuses" },
	{ "statuses", "{}", "invalid_type", "statuses" },
	{ "statuses", NULL, "required", "statuses" },
	{ "initial", NULL, "required", "initial" },
	{ "initial", "\"nowhere\"", "invalid_value", "initial" },
	{ "initial", "\"shut\"", "invalid_value", "initial" },
	{ "initial", "1", "invalid_type", "initial" },
	{ "initial_approval", "\"nowhere\"", "invalid_value", "initial_approval" },
	{ "colour", "\"red\"", "unknown_field", "colour" },
	{ "transitions", NULL, "required", "transitions" },
	{ "transitions", "{}", "invalid_type", "transitions" },
	{ "transitions/0", "[]", "invalid_type", "transitions[0]" },
	{ "transitions/0/action", "\"fly\"", "invalid_value", "transitions[0].action" },
	{ "transitions/0/action", NULL, "required", "transitions[0].action" },
	{ "transitions/0/actor", "\"admin\"", "invalid_value", "transitions[0].actor" },
	{ "transitions/0/when", "1", "unknown_field", "transitions[0].when" },
	{ "transitions/1/to", "\"nowhere\"", "invalid_value", "transitions[1].to" },
	{ "transitions/1/from_status", "\"nowhere\"", "invalid_value",
	  "transitions[1].from_status" },
	{ "transitions/1/from_status", "\"shut\"", "invalid_value", "transitions[1].from_status" },
	{ "transitions/1/from_categories", "[\"new\"]", "invalid_value",
	  "transitions[1].from_categories" },
	{ "transitions/1/from_status", NULL, "required", "transitions[1].from_categories" },
	{ "transitions/0/from_categories", "[\"new\", \"closed\"]", "invalid_value",
	  "transitions[0].from_categories" },
	{ "transitions/0/from_categories", "[]", "invalid_type",
	  "transitions[0].from_categories" },
	{ "transitions/0/to_categories", "[\"later\"]", "invalid_value",
	  "transitions[0].to_categories" },
	{ "transitions/0/to", "\"shut\"", "invalid_value", "transitions[0].to" },
	{ "transitions/2/needs_comment", "\"yes\"", "invalid_type",
	  "transitions[2].needs_comment" },
	{ "transitions/1/needs_rating", "1", "invalid_type", "transitions[1].needs_rating" },
};

void test_bad_documents(void **state)
{
	struct field_error err;
	struct workflow *wf;
	json_t *doc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		doc = mutate(bad_docs[i].path, bad_docs[i].value);
		wf = (struct workflow *)1;
		if (workflow_from_json(doc, &wf, &err) != DK_ERR_INVALID ||
		    strcmp(err.code, bad_docs[i].code) != 0 ||
		    strcmp(err.field, bad_docs[i].field) != 0)
			fail_msg("%s = %s: got %s at \"%s\" (%s)", bad_docs[i].path,
				 bad_docs[i].value ? bad_docs[i].value : "(deleted)",
				 err.code ? err.code : "-", err.field, err.message);
		assert_null(wf);
		assert_true(err.message[0] != '\0');
		json_decref(doc);
	}
	doc = load("[1]");
	assert_int_equal(workflow_from_json(doc, &wf, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "invalid_json");
	assert_string_equal(err.field, "");
	json_decref(doc);
	doc = mutate("statuses/2/category", "\"open\"");
	workflow_from_json(doc, &wf, &err);
	assert_string_equal(err.message, "the workflow needs a status in category \"resolved\"");
	json_decref(doc);
	assert_int_equal(workflow_from_json(NULL, &wf, &err), DK_ERR_INVALID);
	/* pass without an error struct too */
	doc = mutate("initial", NULL);
	assert_int_equal(workflow_from_json(doc, &wf, NULL), DK_ERR_INVALID);
	json_decref(doc);
}

void test_too_many(void **state)
{
	struct field_error err;
	struct workflow *wf;
	json_t *doc = load(custom_doc), *arr;
	char name[16];
	int i;

	(void)state;
	arr = json_object_get(doc, "statuses");
	for (i = 0; i < 61; i++) {
		snprintf(name, sizeof(name), "extra_%d", i);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}",
			"name", name, "category", "waiting", "labels",
			"en", "E", "nl", "N", "sv", "S"));
	}
	assert_int_equal(json_array_size(arr), 65);
	assert_int_equal(workflow_from_json(doc, &wf, &err), DK_ERR_INVALID);
	assert_string_equal(err.code, "too_long");
	assert_string_equal(err.field, "statuses");
	json_array_remove(arr, 64);
	assert_int_equal(workflow_from_json(doc, &wf, &err), 0);
	/* a waiting status stops the SLA clock unless told otherwise */
	assert_true(workflow_pauses_sla(wf, "extra_0"));
	workflow_free(wf);
	json_decref(doc);
}
