/*
 * Workflow documents: an admin's JSON read into a struct workflow with
 * field-level errors, and written back in the same shape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "validate.h"
#include "validate_int.h"
#define DESKD_WORKFLOW_INTERNAL
#include "workflow_impl.h"

/* What is built while reading; becomes the workflow when all is well. */
struct builder {
	struct workflow *wf;
	struct wf_status *statuses;
	struct wf_rule *rules;
	struct field_error *err;
};

static bool name_ok(const char *s)
{
	size_t i;

	if (!(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return false;
	return i <= WF_NAME_MAX;
}

/* A required string member: 0 and *out, or a field error. */
static int get_string(const json_t *obj, const char *key, const char *field,
		      bool required, const char **out, struct field_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return v_fail(err, "required", field, "%s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", field, "%s must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static int get_bool(const json_t *obj, const char *key, const char *field,
		    bool dflt, bool *out, struct field_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = dflt;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return v_fail(err, "invalid_type", field, "%s must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

/* Checks the label of one language; *out points into labels. */
static int check_label(struct builder *b, const json_t *labels, size_t idx, int lang,
		       const char **out)
{
	char field[64];
	const char *s;
	size_t len, i;
	json_t *v = json_object_get(labels, wf_lang_codes[lang]);

	snprintf(field, sizeof(field), "statuses[%zu].labels.%s", idx, wf_lang_codes[lang]);
	if (!v)
		return v_fail(b->err, "required", field, "a label in \"%s\" is required",
			    wf_lang_codes[lang]);
	if (!json_is_string(v))
		return v_fail(b->err, "invalid_type", field, "a label must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0)
		return v_fail(b->err, "required", field, "a label may not be empty");
	if (len > WF_LABEL_MAX)
		return v_fail(b->err, "too_long", field, "a label is at most %d bytes",
			    WF_LABEL_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return v_fail(b->err, "invalid_text", field,
				    "a label may not hold control characters");
	*out = s;
	return 0;
}

static void status_clear(struct wf_status *st)
{
	int lang;

	free((char *)st->name);
	for (lang = 0; lang < WF_N_LANGS; lang++)
		free((char *)st->label[lang]);
	memset(st, 0, sizeof(*st));
}

static int read_status(struct builder *b, const json_t *o, size_t idx)
{
	static const char *const keys[] = {
		"name", "category", "labels", "pauses_sla", NULL
	};
	static const char *const label_keys[] = { "en", "nl", "sv", NULL };
	struct wf_status *st = &b->statuses[idx];
	const char *name, *cat, *label[WF_N_LANGS];
	char field[40], sub[64]; /* any "transitions[N]" and a key fit */
	enum status_category c;
	json_t *labels;
	int rc, lang;

	snprintf(field, sizeof(field), "statuses[%zu]", idx);
	if ((rc = v_check_keys(o, field, keys, "the workflow", b->err)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.name", field);
	if ((rc = get_string(o, "name", sub, true, &name, b->err)))
		return rc;
	if (!name_ok(name))
		return v_fail(b->err, "invalid_value", sub,
			    "a status name is 1 to %d lower-case letters, digits or '_', "
			    "starting with a letter", WF_NAME_MAX);
	if (wf_status_find(b->wf, name) >= 0)
		return v_fail(b->err, "duplicate", sub, "status \"%s\" is defined twice",
			    name);
	snprintf(sub, sizeof(sub), "%s.category", field);
	if ((rc = get_string(o, "category", sub, true, &cat, b->err)))
		return rc;
	if (status_category_parse(cat, &c))
		return v_fail(b->err, "invalid_value", sub,
			    "category must be new, open, waiting, resolved or closed");
	snprintf(sub, sizeof(sub), "%s.labels", field);
	labels = json_object_get(o, "labels");
	if (!labels)
		return v_fail(b->err, "required", sub, "labels are required");
	if ((rc = v_check_keys(labels, sub, label_keys, "the workflow", b->err)))
		return rc;
	for (lang = 0; lang < WF_N_LANGS; lang++)
		if ((rc = check_label(b, labels, idx, lang, &label[lang])))
			return rc;
	snprintf(sub, sizeof(sub), "%s.pauses_sla", field);
	/* Waiting for someone else is what stops the clock, unless told otherwise. */
	if ((rc = get_bool(o, "pauses_sla", sub, c == CATEGORY_WAITING, &st->pauses_sla,
			   b->err)))
		return rc;
	st->category = c;
	st->name = strdup(name);
	for (lang = 0; lang < WF_N_LANGS; lang++)
		st->label[lang] = strdup(label[lang]);
	if (!st->name || !st->label[WF_LANG_EN] || !st->label[WF_LANG_NL] ||
	    !st->label[WF_LANG_SV]) {
		status_clear(st);
		return DK_ERR_NOMEM;
	}
	/* Counted now, so the duplicate check of the next one sees it and
	 * workflow_free releases it. */
	b->wf->n_statuses = idx + 1;
	return 0;
}

static int read_statuses(struct builder *b, const json_t *arr)
{
	static const enum status_category needed[] = {
		CATEGORY_NEW, CATEGORY_RESOLVED, CATEGORY_CLOSED
	};
	size_t i, j;
	int rc;

	if (!arr)
		return v_fail(b->err, "required", "statuses", "statuses are required");
	if (!json_is_array(arr))
		return v_fail(b->err, "invalid_type", "statuses",
			    "statuses must be an array");
	if (json_array_size(arr) > WF_MAX_STATUSES)
		return v_fail(b->err, "too_long", "statuses",
			    "a workflow has at most %d statuses", WF_MAX_STATUSES);
	b->statuses = calloc(json_array_size(arr) + 1, sizeof(*b->statuses));
	if (!b->statuses)
		return DK_ERR_NOMEM;
	b->wf->statuses = b->statuses;
	for (i = 0; i < json_array_size(arr); i++)
		if ((rc = read_status(b, json_array_get(arr, i), i)))
			return rc;
	for (j = 0; j < sizeof(needed) / sizeof(needed[0]); j++) {
		for (i = 0; i < b->wf->n_statuses; i++)
			if (b->statuses[i].category == needed[j])
				break;
		if (i == b->wf->n_statuses)
			return v_fail(b->err, "required", "statuses",
				    "the workflow needs a status in category \"%s\"",
				    status_category_name(needed[j]));
	}
	return 0;
}

/* A status name member that must exist: 0 and *out (index or -1 when
 * absent and not required), or a field error. */
static int get_status_ref(struct builder *b, const json_t *o, const char *key,
			  const char *field, bool required, bool may_be_closed, int *out)
{
	const char *name;
	int rc;

	*out = -1;
	if ((rc = get_string(o, key, field, required, &name, b->err)) || !name)
		return rc;
	*out = wf_status_find(b->wf, name);
	if (*out < 0)
		return v_fail(b->err, "invalid_value", field, "there is no status \"%.64s\"",
			    name);
	if (!may_be_closed && b->statuses[*out].category == CATEGORY_CLOSED)
		return v_fail(b->err, "invalid_value", field,
			    "nothing may start from or leave a closed status");
	return 0;
}

/* A non-empty array of category names as a CAT_BIT() mask. */
static int get_categories(struct builder *b, const json_t *o, const char *key,
			  const char *field, bool may_hold_closed, unsigned *mask)
{
	json_t *arr = json_object_get(o, key), *v;
	enum status_category c;
	size_t i;

	*mask = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return v_fail(b->err, "invalid_type", field,
			    "%s must be a non-empty array of categories", key);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || status_category_parse(json_string_value(v), &c))
			return v_fail(b->err, "invalid_value", field, "categories are new, "
				    "open, waiting, resolved or closed");
		if (c == CATEGORY_CLOSED && !may_hold_closed)
			return v_fail(b->err, "invalid_value", field,
				    "nothing may leave a closed status");
		*mask |= CAT_BIT(c);
	}
	return 0;
}

static int read_rule(struct builder *b, const json_t *o, size_t idx)
{
	static const char *const keys[] = {
		"action", "actor", "from_status", "from_categories", "to",
		"to_categories", "needs_comment", "needs_rating", NULL
	};
	struct wf_rule *r = &b->rules[idx];
	char field[40], sub[64]; /* any "transitions[N]" and a key fit */
	const char *s;
	int rc;

	snprintf(field, sizeof(field), "transitions[%zu]", idx);
	if ((rc = v_check_keys(o, field, keys, "the workflow", b->err)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.action", field);
	if ((rc = get_string(o, "action", sub, true, &s, b->err)))
		return rc;
	if (wf_action_parse(s, &r->action))
		return v_fail(b->err, "invalid_value", sub, "unknown action \"%.32s\"", s);
	snprintf(sub, sizeof(sub), "%s.actor", field);
	if ((rc = get_string(o, "actor", sub, true, &s, b->err)))
		return rc;
	if (wf_actor_parse(s, &r->actor))
		return v_fail(b->err, "invalid_value", sub,
			    "actor must be customer, agent or approver");
	snprintf(sub, sizeof(sub), "%s.from_status", field);
	if ((rc = get_status_ref(b, o, "from_status", sub, false, false, &r->from_status)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.from_categories", field);
	if ((rc = get_categories(b, o, "from_categories", sub, false, &r->from_mask)))
		return rc;
	if (r->from_status >= 0 && r->from_mask)
		return v_fail(b->err, "invalid_value", sub,
			    "give from_status or from_categories, not both");
	if (r->from_status < 0 && !r->from_mask)
		return v_fail(b->err, "required", sub,
			    "from_status or from_categories is required");
	snprintf(sub, sizeof(sub), "%s.to_categories", field);
	if ((rc = get_categories(b, o, "to_categories", sub, true, &r->to_mask)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.to", field);
	if ((rc = get_status_ref(b, o, "to", sub, false, true, &r->to)))
		return rc;
	if (r->to >= 0 && r->to_mask &&
	    !(r->to_mask & CAT_BIT(b->statuses[r->to].category)))
		return v_fail(b->err, "invalid_value", sub,
			    "the default target must be in to_categories");
	snprintf(sub, sizeof(sub), "%s.needs_comment", field);
	if ((rc = get_bool(o, "needs_comment", sub, false, &r->needs_comment, b->err)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.needs_rating", field);
	return get_bool(o, "needs_rating", sub, false, &r->needs_rating, b->err);
}

static int read_rules(struct builder *b, const json_t *arr)
{
	size_t i;
	int rc;

	if (!arr)
		return v_fail(b->err, "required", "transitions", "transitions are required");
	if (!json_is_array(arr))
		return v_fail(b->err, "invalid_type", "transitions",
			    "transitions must be an array");
	if (json_array_size(arr) > WF_MAX_RULES)
		return v_fail(b->err, "too_long", "transitions",
			    "a workflow has at most %d transitions", WF_MAX_RULES);
	b->rules = calloc(json_array_size(arr) + 1, sizeof(*b->rules));
	if (!b->rules)
		return DK_ERR_NOMEM;
	b->wf->rules = b->rules;
	for (i = 0; i < json_array_size(arr); i++) {
		if ((rc = read_rule(b, json_array_get(arr, i), i)))
			return rc;
		b->wf->n_rules = i + 1;
	}
	return 0;
}

int workflow_from_json(const json_t *doc, struct workflow **out,
		       struct field_error *err)
{
	static const char *const keys[] = {
		"initial", "initial_approval", "statuses", "transitions", NULL
	};
	struct builder b = { .err = err };
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!out)
		return DK_ERR_INVALID;
	*out = NULL;
	if ((rc = v_check_keys(doc, "", keys, "the workflow", err)))
		return rc;
	b.wf = calloc(1, sizeof(*b.wf));
	if (!b.wf)
		return DK_ERR_NOMEM;
	b.wf->owned = true;
	if ((rc = read_statuses(&b, json_object_get(doc, "statuses"))) ||
	    (rc = get_status_ref(&b, doc, "initial", "initial", true, false,
				 &b.wf->initial)) ||
	    (rc = get_status_ref(&b, doc, "initial_approval", "initial_approval", false,
				 false, &b.wf->initial_approval)) ||
	    (rc = read_rules(&b, json_object_get(doc, "transitions")))) {
		/* everything read so far is counted in n_statuses and n_rules */
		workflow_free(b.wf);
		if (rc == DK_ERR_NOMEM && err)
			memset(err, 0, sizeof(*err));
		return rc;
	}
	*out = b.wf;
	return 0;
}

void workflow_free(struct workflow *wf)
{
	size_t i;

	if (!wf || !wf->owned)
		return;
	/* an owned workflow's statuses are the builder's, so not really const */
	for (i = 0; i < wf->n_statuses; i++)
		status_clear((struct wf_status *)&wf->statuses[i]);
	free((struct wf_status *)wf->statuses);
	free((struct wf_rule *)wf->rules);
	free(wf);
}

/* ---- writing ------------------------------------------------------------------ */

static json_t *categories_json(unsigned mask)
{
	json_t *arr = json_array();
	int c;

	for (c = CATEGORY_NEW; arr && c <= CATEGORY_CLOSED; c++)
		if ((mask & CAT_BIT(c)) &&
		    json_array_append_new(arr, json_string(
				status_category_name((enum status_category)c)))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *rule_json(const struct workflow *wf, const struct wf_rule *r)
{
	json_t *o = json_pack("{s:s, s:s}", "action", wf_action_name(r->action),
			      "actor", wf_actor_name(r->actor));
	int fail_set = 0;

	if (!o)
		return NULL;
	if (r->from_status >= 0)
		fail_set |= json_object_set_new(o, "from_status",
				json_string(wf->statuses[r->from_status].name));
	else
		fail_set |= json_object_set_new(o, "from_categories",
						categories_json(r->from_mask));
	if (r->to >= 0)
		fail_set |= json_object_set_new(o, "to",
						json_string(wf->statuses[r->to].name));
	if (r->to_mask)
		fail_set |= json_object_set_new(o, "to_categories",
						categories_json(r->to_mask));
	fail_set |= json_object_set_new(o, "needs_comment", json_boolean(r->needs_comment));
	fail_set |= json_object_set_new(o, "needs_rating", json_boolean(r->needs_rating));
	if (fail_set) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *workflow_to_json(const struct workflow *wf)
{
	json_t *doc, *statuses, *rules;
	size_t i;

	if (!wf)
		return NULL;
	doc = json_pack("{s:s, s:[], s:[]}", "initial", wf->statuses[wf->initial].name,
			"statuses", "transitions");
	if (!doc)
		return NULL;
	if (wf->initial_approval >= 0 &&
	    json_object_set_new(doc, "initial_approval",
				json_string(wf->statuses[wf->initial_approval].name)))
		goto nomem;
	statuses = json_object_get(doc, "statuses");
	for (i = 0; i < wf->n_statuses; i++) {
		const struct wf_status *s = &wf->statuses[i];

		if (json_array_append_new(statuses, json_pack(
				"{s:s, s:s, s:b, s:{s:s, s:s, s:s}}", "name", s->name,
				"category", status_category_name(s->category),
				"pauses_sla", s->pauses_sla, "labels",
				"en", s->label[WF_LANG_EN], "nl", s->label[WF_LANG_NL],
				"sv", s->label[WF_LANG_SV])))
			goto nomem;
	}
	rules = json_object_get(doc, "transitions");
	for (i = 0; i < wf->n_rules; i++)
		if (json_array_append_new(rules, rule_json(wf, &wf->rules[i])))
			goto nomem;
	return doc;
nomem:
	json_decref(doc);
	return NULL;
}

json_t *workflow_statuses_json(const struct workflow *wf, const char *lang)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && wf && i < wf->n_statuses; i++) {
		const struct wf_status *s = &wf->statuses[i];

		if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}",
				"name", s->name,
				"category", status_category_name(s->category),
				"label", workflow_label(wf, s->name, lang),
				"pauses_sla", s->pauses_sla))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
