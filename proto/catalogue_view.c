/* The caller's view of the catalogue: what a create form may offer, labelled
 * in one language. */
#include <stdlib.h>
#include <string.h>

#define CATALOGUE_INTERNAL
#include "catalogue_int.h"

/* json_object_set_new and json_array_append_new fail on a NULL value, so
 * failures from nested builders surface in these results. */
static json_t *std_options_json(const struct std_option *o, size_t n,
				enum lang l, bool levels)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		json_t *id = levels ? json_integer((json_int_t)i + 1) :
				      json_string(o[i].id);

		if (json_array_append_new(a, json_pack("{s:o, s:s}", "id", id,
						       "label", o[i].label[l]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *options_json(const struct cat_option *o, size_t n, enum lang l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "id", o[i].id,
						       "label", o[i].label.t[l]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *std_field_view(const struct cat_rtype *r, size_t n, enum lang l)
{
	const struct std_field *f = &cat_std_fields[r->std[n]];
	bool required = false;
	json_t *o;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->n_required; i++)
		if (r->required[i] == r->std[n])
			required = true;
	o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "id", f->id,
		      "kind", cat_kind_name(f->kind), "label", f->label[l],
		      "required", required, "custom", 0);
	if (!o)
		return NULL;
	if (f->kind == KIND_TEXT)
		rc = json_object_set_new(o, "max_length",
					 json_integer((json_int_t)f->max_length));
	else if (f->kind == KIND_CHOICE || f->kind == KIND_LEVEL)
		rc = json_object_set_new(o, "choices", std_options_json(
				f->choices, f->n_choices, l, f->kind == KIND_LEVEL));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *custom_field_view(const struct cat_field *f, enum lang l)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "id", f->id,
			      "kind", cat_kind_name(f->kind), "label", f->label.t[l],
			      "required", f->required, "custom", 1);
	int rc = 0;

	if (!o)
		return NULL;
	if (f->kind == KIND_TEXT)
		rc = json_object_set_new(o, "max_length",
					 json_integer((json_int_t)f->max_length));
	else if (f->kind == KIND_CHOICE)
		rc = json_object_set_new(o, "choices",
					 options_json(f->choices, f->n_choices, l));
	if (f->min)
		rc |= json_object_set_new(o, "min", json_copy(f->min));
	if (f->max)
		rc |= json_object_set_new(o, "max", json_copy(f->max));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *rtype_view(const struct catalogue *c, const struct cat_rtype *r,
			  enum lang l)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:[]}", "id", r->id,
			      "label", r->label.t[l],
			      "description", r->description.t[l],
			      "ticket_type", r->ticket_type,
			      "needs_approval", r->needs_approval, "fields");
	json_t *fields;
	size_t i;
	int rc = 0;

	if (!o)
		return NULL;
	fields = json_object_get(o, "fields");
	for (i = 0; i < r->n_std; i++)
		rc |= json_array_append_new(fields, std_field_view(r, i, l));
	for (i = 0; i < r->n_custom; i++)
		rc |= json_array_append_new(fields,
					    custom_field_view(&c->fields[r->custom[i]], l));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Services in catalogue order; *offered tells whether any was listed. */
static json_t *services_view(const struct catalogue *c, const struct contract *k,
			     bool staff, enum lang l, bool *offered)
{
	json_t *a = json_array();
	size_t i;

	*offered = false;
	for (i = 0; a && i < c->n_services; i++) {
		const struct cat_service *s = &c->services[i];

		if (!staff && !cat_contract_has(k, s->id))
			continue;
		*offered = true;
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:o}",
				"id", s->id, "label", s->label.t[l],
				"subcategories", options_json(s->subs, s->n_subs, l)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Staff get every type; customers those their request types lead to. */
static json_t *ticket_types_view(const struct catalogue *c, bool staff,
				 enum lang l)
{
	const struct std_option *types;
	json_t *a = json_array();
	size_t n, i, j;

	types = cat_ticket_types(&n);
	for (i = 0; a && i < n; i++) {
		for (j = 0; !staff && j < c->n_rtypes; j++)
			if (strcmp(c->rtypes[j].ticket_type, types[i].id) == 0)
				break;
		if (!staff && j == c->n_rtypes)
			continue;
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "id", types[i].id,
						       "label", types[i].label[l]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *priority_view(const struct catalogue *c, enum priority_mode mode,
			     enum lang l)
{
	const struct std_field *impact = &cat_std_fields[STD_IMPACT];
	const struct std_field *urgency = &cat_std_fields[STD_URGENCY];
	json_t *o;

	o = json_pack("{s:s, s:o, s:o, s:o}", "mode", priority_mode_name(mode),
		      "matrix", cat_matrix_json(c->matrix),
		      "impact", std_options_json(impact->choices,
						 impact->n_choices, l, true),
		      "urgency", std_options_json(urgency->choices,
						  urgency->n_choices, l, true));
	if (o && mode == PRIORITY_DIRECT &&
	    json_object_set_new(o, "priorities",
				std_options_json(cat_priorities, 4, l, false))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *catalogue_view_json(const struct catalogue *c, const struct contract *k,
			    bool staff, const char *lang)
{
	enum lang l = cat_lang(lang);
	enum priority_mode mode;
	bool offered;
	json_t *view, *rts, *services;
	size_t i;
	int rc = 0;

	if (staff)
		mode = PRIORITY_DIRECT;
	else
		mode = k ? k->priority_mode : PRIORITY_NONE;
	/* An unknown stored mode grants nothing. */
	if (!priority_mode_name(mode))
		mode = PRIORITY_NONE;
	services = services_view(c, k, staff, l, &offered);
	view = json_pack("{s:s, s:[], s:o, s:b, s:o, s:o, s:b}",
			 "lang", cat_lang_codes[l], "request_types",
			 "services", services,
			 "service_required", !staff && offered,
			 "ticket_types", ticket_types_view(c, staff, l),
			 "priority", priority_view(c, mode, l),
			 "share_by_default", k && k->share_by_default);
	if (!view)
		return NULL;
	rts = json_object_get(view, "request_types");
	for (i = 0; i < c->n_rtypes; i++)
		rc |= json_array_append_new(rts, rtype_view(c, &c->rtypes[i], l));
	if (rc) {
		json_decref(view);
		return NULL;
	}
	return view;
}
