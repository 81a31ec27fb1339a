/* Catalogue import and export: the JSON format of docs/CATALOGUE.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOGUE_INTERNAL
#include "catalogue_int.h"
#include "dk_err.h"

/* Long enough for "request_types[1234].descriptions.sv"; longer paths are
 * cut when they reach the 64-byte field of a field_error anyway. */
#define PATH_LEN 96

static const char *const lang_keys[] = { "en", "nl", "sv", NULL };

static const char *path_key(char *out, const char *at, const char *key)
{
	if (snprintf(out, PATH_LEN, "%s%s%s", at, *at ? "." : "", key) < 0)
		out[0] = '\0';
	return out;
}

static const char *path_index(char *out, const char *at, size_t i)
{
	if (snprintf(out, PATH_LEN, "%s[%zu]", at, i) < 0)
		out[0] = '\0';
	return out;
}

/* Refuses any key of o that is not in known (NULL-ended). */
static int keys_check(const json_t *o, const char *at, const char *const *known,
		      struct field_error *err)
{
	char p[PATH_LEN];
	const char *key;
	json_t *v;
	size_t i;

	/* json_object_foreach needs a non-const object; it does not modify. */
	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; known[i] && strcmp(key, known[i]) != 0; i++)
			;
		if (!known[i])
			return v_fail(err, "unknown_field", path_key(p, at, key),
					"unknown key \"%.40s\"", key);
	}
	return 0;
}

/* Member key of object o, checked for type: 'o' object, 'a' array,
 * 's' string, 'b' boolean, 'i' integer, 'n' number. *out NULL when absent
 * and not required. */
static int member(const json_t *o, const char *at, const char *key, char type,
		  bool required, const json_t **out, struct field_error *err)
{
	const json_t *v = json_object_get(o, key);
	char p[PATH_LEN];
	const char *what;
	bool ok;

	*out = NULL;
	path_key(p, at, key);
	if (!v) {
		if (required)
			return v_fail(err, "required", p, "%s is required", p);
		return 0;
	}
	switch (type) {
	case 'o':
		ok = json_is_object(v);
		what = "an object";
		break;
	case 'a':
		ok = json_is_array(v);
		what = "an array";
		break;
	case 's':
		ok = json_is_string(v);
		what = "a string";
		break;
	case 'b':
		ok = json_is_boolean(v);
		what = "true or false";
		break;
	case 'i':
		ok = json_is_integer(v);
		what = "an integer";
		break;
	default:
		ok = json_is_number(v);
		what = "a number";
		break;
	}
	if (!ok)
		return v_fail(err, "invalid_type", p, "%s must be %s", p, what);
	/* NUL inside a string would cut the C string short. */
	if (type == 's' && strlen(json_string_value(v)) != json_string_length(v))
		return v_fail(err, "invalid_text", p, "%s contains a NUL byte", p);
	*out = v;
	return 0;
}

static int object_check(const json_t *v, const char *at, struct field_error *err)
{
	if (!json_is_object(v))
		return v_fail(err, "invalid_type", at, "%s must be an object", at);
	return 0;
}

/* Labels and descriptions: not blank, no control characters or NUL. */
static int text_check(const json_t *s, const char *at, size_t max,
		      struct field_error *err)
{
	const char *t = json_string_value(s);
	size_t len = json_string_length(s), i;
	bool blank = true;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)t[i];

		if (ch < 0x20 || ch == 0x7f)
			return v_fail(err, "invalid_text", at,
					"%s contains control characters", at);
		if (ch != ' ')
			blank = false;
	}
	if (blank)
		return v_fail(err, "required", at, "%s is required", at);
	if (len > max)
		return v_fail(err, "too_long", at, "%s is longer than %zu bytes",
				at, max);
	return 0;
}

static int text3_parse(const json_t *o, const char *at, const char *key,
		       size_t max, struct text3 *out, struct field_error *err)
{
	char p[PATH_LEN], q[PATH_LEN];
	const json_t *v, *s;
	int rc, i;

	if ((rc = member(o, at, key, 'o', true, &v, err)))
		return rc;
	path_key(p, at, key);
	if ((rc = keys_check(v, p, lang_keys, err)))
		return rc;
	for (i = 0; i < N_LANGS; i++) {
		if ((rc = member(v, p, cat_lang_codes[i], 's', true, &s, err)) ||
		    (rc = text_check(s, path_key(q, p, cat_lang_codes[i]), max, err)))
			return rc;
		out->t[i] = strdup(json_string_value(s));
		if (!out->t[i])
			return DK_ERR_NOMEM;
	}
	return 0;
}

static bool id_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > ID_MAX || s[0] == '-' || s[0] == '_')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static int id_parse(const json_t *o, const char *at, char **out,
		    struct field_error *err)
{
	char p[PATH_LEN];
	const json_t *v;
	int rc;

	if ((rc = member(o, at, "id", 's', true, &v, err)))
		return rc;
	path_key(p, at, "id");
	if (json_string_length(v) == 0)
		return v_fail(err, "required", p, "%s is required", p);
	if (!id_valid(json_string_value(v), json_string_length(v)))
		return v_fail(err, "invalid_value", p,
				"%s must be 1 to %d of a-z, 0-9, _ and -, not starting with _ or -",
				p, ID_MAX);
	*out = strdup(json_string_value(v));
	return *out ? 0 : DK_ERR_NOMEM;
}

/* Whether one of the first n structs of arr, each starting with its char *id,
 * already has id. */
static bool id_seen(const void *arr, size_t stride, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(*(char *const *)(const void *)((const char *)arr + i * stride),
			   id) == 0)
			return true;
	return false;
}

static int duplicate(const char *at, const char *id, struct field_error *err)
{
	char p[PATH_LEN];

	return v_fail(err, "duplicate", path_key(p, at, "id"),
			"the id \"%s\" is used twice", id);
}

/* A sub-category or a choice: {"id", "labels"}. */
static int option_parse(const json_t *o, const char *at, struct cat_option *all,
			size_t i, struct field_error *err)
{
	static const char *const keys[] = { "id", "labels", NULL };
	struct cat_option *opt = &all[i];
	int rc;

	if ((rc = object_check(o, at, err)) || (rc = keys_check(o, at, keys, err)) ||
	    (rc = id_parse(o, at, &opt->id, err)))
		return rc;
	if (id_seen(all, sizeof(*all), i, opt->id))
		return duplicate(at, opt->id, err);
	return text3_parse(o, at, "labels", LABEL_MAX, &opt->label, err);
}

static int options_parse(const json_t *o, const char *at, const char *key,
			 struct cat_option **out, size_t *n_out,
			 struct field_error *err)
{
	char p[PATH_LEN], q[PATH_LEN];
	const json_t *a;
	size_t i, n;
	int rc;

	if ((rc = member(o, at, key, 'a', false, &a, err)) || !a)
		return rc;
	n = json_array_size(a);
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return DK_ERR_NOMEM;
	path_key(p, at, key);
	for (i = 0; i < n; i++) {
		*n_out = i + 1;
		if ((rc = option_parse(json_array_get(a, i), path_index(q, p, i),
				       *out, i, err)))
			return rc;
	}
	return 0;
}

static int kind_parse(const json_t *o, const char *at, enum field_kind *out,
		      struct field_error *err)
{
	static const struct {
		const char *name;
		enum field_kind kind;
	} kinds[] = {
		{ "text", KIND_TEXT }, { "choice", KIND_CHOICE },
		{ "number", KIND_NUMBER }, { "date", KIND_DATE },
	};
	char p[PATH_LEN];
	const json_t *v;
	size_t i;
	int rc;

	if ((rc = member(o, at, "kind", 's', true, &v, err)))
		return rc;
	for (i = 0; i < N_ELEMS(kinds); i++)
		if (strcmp(json_string_value(v), kinds[i].name) == 0) {
			*out = kinds[i].kind;
			return 0;
		}
	return v_fail(err, "invalid_value", path_key(p, at, "kind"),
			"kind must be text, choice, number or date");
}

static int field_bounds_parse(const json_t *o, const char *at,
			      struct cat_field *f, struct field_error *err)
{
	char p[PATH_LEN];
	const json_t *v;
	int rc;

	switch (f->kind) {
	case KIND_TEXT:
		f->max_length = TEXT_LENGTH_DEFAULT;
		if ((rc = member(o, at, "max_length", 'i', false, &v, err)) || !v)
			return rc;
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > TEXT_LENGTH_LIMIT)
			return v_fail(err, "invalid_value",
					path_key(p, at, "max_length"),
					"max_length must be 1 to %d", TEXT_LENGTH_LIMIT);
		f->max_length = (size_t)json_integer_value(v);
		return 0;
	case KIND_CHOICE:
		if ((rc = options_parse(o, at, "choices", &f->choices,
					&f->n_choices, err)))
			return rc;
		if (f->n_choices == 0)
			return v_fail(err, "required", path_key(p, at, "choices"),
					"a choice field needs at least one choice");
		return 0;
	case KIND_NUMBER:
		if ((rc = member(o, at, "min", 'n', false, &v, err)))
			return rc;
		if (v && !(f->min = json_copy((json_t *)v)))
			return DK_ERR_NOMEM;
		if ((rc = member(o, at, "max", 'n', false, &v, err)))
			return rc;
		if (v && !(f->max = json_copy((json_t *)v)))
			return DK_ERR_NOMEM;
		if (f->min && f->max &&
		    json_number_value(f->min) > json_number_value(f->max))
			return v_fail(err, "invalid_value", path_key(p, at, "max"),
					"max must not be less than min");
		return 0;
	default:
		return 0;
	}
}

static int field_parse(struct catalogue *c, const json_t *o, const char *at,
		       size_t i, struct field_error *err)
{
	static const char *const text_keys[] = {
		"id", "kind", "labels", "required", "max_length", NULL
	};
	static const char *const choice_keys[] = {
		"id", "kind", "labels", "required", "choices", NULL
	};
	static const char *const number_keys[] = {
		"id", "kind", "labels", "required", "min", "max", NULL
	};
	static const char *const date_keys[] = {
		"id", "kind", "labels", "required", NULL
	};
	struct cat_field *f = &c->fields[i];
	const char *const *keys;
	char p[PATH_LEN];
	const json_t *v;
	int rc;

	if ((rc = object_check(o, at, err)) || (rc = kind_parse(o, at, &f->kind, err)))
		return rc;
	keys = f->kind == KIND_TEXT ? text_keys : f->kind == KIND_CHOICE ?
	       choice_keys : f->kind == KIND_NUMBER ? number_keys : date_keys;
	if ((rc = keys_check(o, at, keys, err)) ||
	    (rc = id_parse(o, at, &f->id, err)))
		return rc;
	/* Custom values sit next to the standard ones in a ticket's fields. */
	if (cat_std_find(f->id) >= 0)
		return v_fail(err, "invalid_value", path_key(p, at, "id"),
				"\"%s\" is the id of a standard field", f->id);
	if (id_seen(c->fields, sizeof(*c->fields), i, f->id))
		return duplicate(at, f->id, err);
	if ((rc = text3_parse(o, at, "labels", LABEL_MAX, &f->label, err)) ||
	    (rc = member(o, at, "required", 'b', false, &v, err)))
		return rc;
	f->required = json_is_true(v);
	return field_bounds_parse(o, at, f, err);
}

/* One of a request type's id lists as indexes: standard fields for "fields"
 * and "required" (which must also be among the form's fields), custom fields
 * for "custom_fields". An entry listed twice is refused. */
static int id_list_parse(const json_t *o, const char *at, const char *key,
			 const struct catalogue *c, const struct cat_rtype *r,
			 size_t **out, size_t *n_out, struct field_error *err)
{
	char p[PATH_LEN], q[PATH_LEN];
	const json_t *a, *v;
	size_t i, j, n;
	long idx;
	int rc;

	if ((rc = member(o, at, key, 'a', false, &a, err)) || !a)
		return rc;
	n = json_array_size(a);
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return DK_ERR_NOMEM;
	path_key(p, at, key);
	for (i = 0; i < n; i++) {
		const char *id;

		v = json_array_get(a, i);
		path_index(q, p, i);
		if (!json_is_string(v))
			return v_fail(err, "invalid_type", q, "%s must be a string", q);
		id = json_string_value(v);
		if (strcmp(key, "custom_fields") == 0) {
			idx = cat_field_find(c, id);
			if (idx < 0)
				return v_fail(err, "invalid_value", q,
						"no custom field \"%.40s\" is defined", id);
		} else {
			idx = cat_std_find(id);
			if (idx < 0)
				return v_fail(err, "invalid_value", q,
						"\"%.40s\" is not a standard field", id);
		}
		if (strcmp(key, "required") == 0) {
			for (j = 0; j < r->n_std && r->std[j] != idx; j++)
				;
			if (j == r->n_std)
				return v_fail(err, "invalid_value", q,
						"\"%s\" is not among the fields of this form", id);
		}
		for (j = 0; j < *n_out; j++)
			if ((*out)[j] == (size_t)idx)
				return v_fail(err, "duplicate", q,
						"\"%s\" is listed twice", id);
		(*out)[(*n_out)++] = (size_t)idx;
	}
	return 0;
}

/* Standard field indexes are kept as bytes; the list parser works on
 * size_t, so convert. */
static int std_list_parse(const json_t *o, const char *at, const char *key,
			  struct cat_rtype *r, uint8_t **out, size_t *n_out,
			  struct field_error *err)
{
	size_t *tmp = NULL, n = 0, i;
	int rc;

	rc = id_list_parse(o, at, key, NULL, r, &tmp, &n, err);
	if (rc == 0 && n > 0) {
		*out = malloc(n);
		if (!*out)
			rc = DK_ERR_NOMEM;
		for (i = 0; *out && i < n; i++)
			(*out)[i] = (uint8_t)tmp[i];
		if (*out)
			*n_out = n;
	}
	free(tmp);
	return rc;
}

static int rtype_parse(struct catalogue *c, const json_t *o, const char *at,
		       size_t i, struct field_error *err)
{
	static const char *const keys[] = {
		"id", "ticket_type", "labels", "descriptions", "fields", "required",
		"custom_fields", "needs_approval", NULL
	};
	struct cat_rtype *r = &c->rtypes[i];
	char p[PATH_LEN];
	const json_t *v;
	int rc;

	if ((rc = object_check(o, at, err)) || (rc = keys_check(o, at, keys, err)) ||
	    (rc = id_parse(o, at, &r->id, err)))
		return rc;
	if (id_seen(c->rtypes, sizeof(*c->rtypes), i, r->id))
		return duplicate(at, r->id, err);
	if ((rc = member(o, at, "ticket_type", 's', true, &v, err)))
		return rc;
	if (!catalogue_ticket_type_valid(json_string_value(v)))
		return v_fail(err, "invalid_value", path_key(p, at, "ticket_type"),
				"\"%.40s\" is not a ticket type", json_string_value(v));
	r->ticket_type = strdup(json_string_value(v));
	if (!r->ticket_type)
		return DK_ERR_NOMEM;
	if ((rc = text3_parse(o, at, "labels", LABEL_MAX, &r->label, err)) ||
	    (rc = text3_parse(o, at, "descriptions", DESCRIPTION_MAX,
			      &r->description, err)) ||
	    (rc = std_list_parse(o, at, "fields", r, &r->std, &r->n_std, err)) ||
	    (rc = std_list_parse(o, at, "required", r, &r->required,
				 &r->n_required, err)) ||
	    (rc = id_list_parse(o, at, "custom_fields", c, r, &r->custom,
				&r->n_custom, err)) ||
	    (rc = member(o, at, "needs_approval", 'b', false, &v, err)))
		return rc;
	r->needs_approval = json_is_true(v);
	return 0;
}

static int service_parse(struct catalogue *c, const json_t *o, const char *at,
			 size_t i, struct field_error *err)
{
	static const char *const keys[] = { "id", "labels", "subcategories", NULL };
	struct cat_service *s = &c->services[i];
	int rc;

	if ((rc = object_check(o, at, err)) || (rc = keys_check(o, at, keys, err)) ||
	    (rc = id_parse(o, at, &s->id, err)))
		return rc;
	if (id_seen(c->services, sizeof(*c->services), i, s->id))
		return duplicate(at, s->id, err);
	if ((rc = text3_parse(o, at, "labels", LABEL_MAX, &s->label, err)))
		return rc;
	return options_parse(o, at, "subcategories", &s->subs, &s->n_subs, err);
}

typedef int (*element_parse_fn)(struct catalogue *c, const json_t *o,
				const char *at, size_t i, struct field_error *err);

/* A top-level array of objects into *arr (elements of size stride); the count
 * grows as elements are read so that catalogue_free sees partial work. */
static int array_parse(struct catalogue *c, const json_t *doc, const char *key,
		       bool required, void **arr, size_t *n_out, size_t stride,
		       element_parse_fn parse, struct field_error *err)
{
	char p[PATH_LEN];
	const json_t *a;
	size_t i, n;
	int rc;

	if ((rc = member(doc, "", key, 'a', required, &a, err)) || !a)
		return rc;
	n = json_array_size(a);
	if (n == 0) {
		if (required)
			return v_fail(err, "required", key, "%s must not be empty", key);
		return 0;
	}
	*arr = calloc(n, stride);
	if (!*arr)
		return DK_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		*n_out = i + 1;
		if ((rc = parse(c, json_array_get(a, i), path_index(p, key, i), i, err)))
			return rc;
	}
	return 0;
}

static int matrix_parse(struct catalogue *c, const json_t *doc,
			struct field_error *err)
{
	const char *key = "priority_matrix";
	char p[PATH_LEN], q[PATH_LEN];
	const json_t *m, *row, *v;
	size_t i, j;
	int rc;

	memcpy(c->matrix, cat_default_matrix, sizeof(c->matrix));
	if ((rc = member(doc, "", key, 'a', false, &m, err)) || !m)
		return rc;
	if (json_array_size(m) != N_IMPACT)
		return v_fail(err, "invalid_value", key,
				"%s needs %d rows, one per impact level", key, N_IMPACT);
	for (i = 0; i < N_IMPACT; i++) {
		row = json_array_get(m, i);
		path_index(p, key, i);
		if (!json_is_array(row))
			return v_fail(err, "invalid_type", p, "%s must be an array", p);
		if (json_array_size(row) != N_URGENCY)
			return v_fail(err, "invalid_value", p,
					"%s needs %d priorities, one per urgency level",
					p, N_URGENCY);
		for (j = 0; j < N_URGENCY; j++) {
			v = json_array_get(row, j);
			path_index(q, p, j);
			if (!json_is_integer(v))
				return v_fail(err, "invalid_type", q,
						"%s must be an integer", q);
			if (json_integer_value(v) < 1 || json_integer_value(v) > 4)
				return v_fail(err, "invalid_value", q,
						"%s must be 1 to 4 (P1 to P4)", q);
			c->matrix[i][j] = (uint8_t)json_integer_value(v);
		}
	}
	return 0;
}

int catalogue_from_json(const json_t *doc, struct catalogue **out,
			struct field_error *err)
{
	static const char *const keys[] = {
		"version", "priority_matrix", "request_types", "services", "fields",
		NULL
	};
	struct catalogue *c = NULL;
	const json_t *v;
	int rc;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	if (!json_is_object(doc))
		return v_fail(err, "invalid_type", "",
				"a catalogue must be a JSON object");
	if ((rc = keys_check(doc, "", keys, err)) ||
	    (rc = member(doc, "", "version", 'i', true, &v, err)))
		return rc;
	if (json_integer_value(v) != CATALOGUE_FORMAT_VERSION)
		return v_fail(err, "invalid_value", "version",
				"version must be %d", CATALOGUE_FORMAT_VERSION);
	c = calloc(1, sizeof(*c));
	if (!c)
		return DK_ERR_NOMEM;
	/* Fields first: request types refer to them. */
	if ((rc = matrix_parse(c, doc, err)) ||
	    (rc = array_parse(c, doc, "fields", false, (void **)&c->fields,
			      &c->n_fields, sizeof(*c->fields), field_parse, err)) ||
	    (rc = array_parse(c, doc, "services", false, (void **)&c->services,
			      &c->n_services, sizeof(*c->services), service_parse,
			      err)) ||
	    (rc = array_parse(c, doc, "request_types", true, (void **)&c->rtypes,
			      &c->n_rtypes, sizeof(*c->rtypes), rtype_parse, err))) {
		catalogue_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* ---- export ---- */

static json_t *text3_json(const struct text3 *t)
{
	return json_pack("{s:s, s:s, s:s}", "en", t->t[LANG_EN],
			 "nl", t->t[LANG_NL], "sv", t->t[LANG_SV]);
}

static json_t *options_json(const struct cat_option *o, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:o}", "id", o[i].id,
						       "labels", text3_json(&o[i].label)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cat_matrix_json(const uint8_t m[N_IMPACT][N_URGENCY])
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < N_IMPACT; i++)
		if (json_array_append_new(a, json_pack("[i, i, i, i]", m[i][0],
						       m[i][1], m[i][2], m[i][3]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *field_json(const struct cat_field *f)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:b}", "id", f->id,
			      "kind", cat_kind_name(f->kind),
			      "labels", text3_json(&f->label),
			      "required", f->required);
	int rc = 0;

	if (!o)
		return NULL;
	if (f->kind == KIND_TEXT)
		rc = json_object_set_new(o, "max_length",
					 json_integer((json_int_t)f->max_length));
	else if (f->kind == KIND_CHOICE)
		rc = json_object_set_new(o, "choices",
					 options_json(f->choices, f->n_choices));
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

static json_t *rtype_json(const struct catalogue *c, const struct cat_rtype *r)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:[], s:[], s:[], s:b}",
			      "id", r->id, "ticket_type", r->ticket_type,
			      "labels", text3_json(&r->label),
			      "descriptions", text3_json(&r->description),
			      "fields", "required", "custom_fields",
			      "needs_approval", r->needs_approval);
	json_t *fields, *required, *custom;
	int rc = 0;
	size_t i;

	if (!o)
		return NULL;
	fields = json_object_get(o, "fields");
	required = json_object_get(o, "required");
	custom = json_object_get(o, "custom_fields");
	for (i = 0; i < r->n_std; i++)
		rc |= json_array_append_new(fields,
					    json_string(cat_std_fields[r->std[i]].id));
	for (i = 0; i < r->n_required; i++)
		rc |= json_array_append_new(required,
					    json_string(cat_std_fields[r->required[i]].id));
	for (i = 0; i < r->n_custom; i++)
		rc |= json_array_append_new(custom,
					    json_string(c->fields[r->custom[i]].id));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *catalogue_to_json(const struct catalogue *c)
{
	json_t *doc = json_pack("{s:i, s:o, s:[], s:[], s:[]}",
				"version", CATALOGUE_FORMAT_VERSION,
				"priority_matrix", cat_matrix_json(c->matrix),
				"request_types", "services", "fields");
	json_t *a;
	size_t i;
	int rc = 0;

	if (!doc)
		return NULL;
	a = json_object_get(doc, "request_types");
	for (i = 0; i < c->n_rtypes; i++)
		rc |= json_array_append_new(a, rtype_json(c, &c->rtypes[i]));
	a = json_object_get(doc, "services");
	for (i = 0; i < c->n_services; i++) {
		const struct cat_service *s = &c->services[i];

		rc |= json_array_append_new(a, json_pack("{s:s, s:o, s:o}",
				"id", s->id, "labels", text3_json(&s->label),
				"subcategories", options_json(s->subs, s->n_subs)));
	}
	a = json_object_get(doc, "fields");
	for (i = 0; i < c->n_fields; i++)
		rc |= json_array_append_new(a, field_json(&c->fields[i]));
	if (rc) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
