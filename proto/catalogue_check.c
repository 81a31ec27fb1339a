/* Checking the catalogue part of a create request against the catalogue and
 * the organisation's contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOGUE_INTERNAL
#include "catalogue_int.h"
#include "dk_err.h"

/* Long enough for "fields." and an id of ID_MAX bytes. */
#define PATH_LEN 64

/* What one field accepts; built from a standard or a custom definition. */
struct spec {
	const char *id;
	enum field_kind kind;
	size_t max_length;
	bool multiline;
	const struct std_option *std_choices;  /* standard choices and levels */
	const struct cat_option *choices;      /* custom choices */
	size_t n_choices;
	const json_t *min, *max;
};

/* null and "" count as not given. */
static const json_t *given(const json_t *o, const char *key)
{
	const json_t *v = o ? json_object_get(o, key) : NULL;

	if (!v || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0))
		return NULL;
	return v;
}

/* A string without NUL bytes, or an "invalid_type" error. */
static int string_get(const json_t *v, const char *path, const char **out,
		      struct field_error *err)
{
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", path, "%s must be a string", path);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return v_fail(err, "invalid_text", path, "%s contains a NUL byte",
				path);
	*out = json_string_value(v);
	return 0;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Trimmed; blank counts as not given (*norm stays NULL). */
static int text_check(const struct spec *f, const char *path, const json_t *v,
		      json_t **norm, struct field_error *err)
{
	const char *s;
	size_t len, i;
	int rc;

	if ((rc = string_get(v, path, &s, err)))
		return rc;
	len = strlen(s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (len > 0 && is_space(s[0])) {
		s++;
		len--;
	}
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 || ch == 0x7f) &&
		    !(f->multiline && (ch == '\t' || ch == '\n' || ch == '\r')))
			return v_fail(err, "invalid_text", path,
					"%s contains control characters", path);
	}
	if (utf8_chars(s, len) > f->max_length)
		return v_fail(err, "too_long", path,
				"%s is longer than %zu characters", path, f->max_length);
	*norm = json_stringn(s, len);
	return *norm ? 0 : DK_ERR_NOMEM;
}

static int choice_check(const struct spec *f, const char *path, const json_t *v,
			json_t **norm, struct field_error *err)
{
	const char *s;
	size_t i;
	int rc;

	if ((rc = string_get(v, path, &s, err)))
		return rc;
	for (i = 0; i < f->n_choices; i++)
		if (strcmp(s, f->choices ? f->choices[i].id : f->std_choices[i].id) == 0) {
			*norm = json_string(s);
			return *norm ? 0 : DK_ERR_NOMEM;
		}
	return v_fail(err, "invalid_value", path, "%s has no choice \"%.40s\"",
			path, s);
}

static bool date_valid(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i, max;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	if (s[10] != '\0')
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	max = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

/* Checks one given value by kind; *norm receives the value to keep, or
 * stays NULL when a blank text counts as not given. */
static int value_check(const struct spec *f, const char *path, const json_t *v,
		       json_t **norm, struct field_error *err)
{
	const char *s;
	double x;
	int rc;

	*norm = NULL;
	switch (f->kind) {
	case KIND_TEXT:
		return text_check(f, path, v, norm, err);
	case KIND_CHOICE:
		return choice_check(f, path, v, norm, err);
	case KIND_LEVEL:
		if (!json_is_integer(v))
			return v_fail(err, "invalid_type", path,
					"%s must be a number 1 to %zu", path, f->n_choices);
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > (json_int_t)f->n_choices)
			return v_fail(err, "invalid_value", path,
					"%s must be 1 to %zu", path, f->n_choices);
		break;
	case KIND_BOOLEAN:
		if (!json_is_boolean(v))
			return v_fail(err, "invalid_type", path,
					"%s must be true or false", path);
		break;
	case KIND_NUMBER:
		if (!json_is_number(v))
			return v_fail(err, "invalid_type", path,
					"%s must be a number", path);
		x = json_number_value(v);
		if ((f->min && x < json_number_value(f->min)) ||
		    (f->max && x > json_number_value(f->max)))
			return v_fail(err, "invalid_value", path,
					"%s is out of range", path);
		break;
	case KIND_DATE:
		if ((rc = string_get(v, path, &s, err)))
			return rc;
		if (!date_valid(s))
			return v_fail(err, "invalid_value", path,
					"%s must be a date YYYY-MM-DD", path);
		break;
	}
	*norm = json_copy((json_t *)v);
	return *norm ? 0 : DK_ERR_NOMEM;
}

static void std_spec(int i, struct spec *f)
{
	const struct std_field *d = &cat_std_fields[i];

	memset(f, 0, sizeof(*f));
	f->id = d->id;
	f->kind = d->kind;
	f->max_length = d->max_length;
	f->std_choices = d->choices;
	f->n_choices = d->n_choices;
}

static void custom_spec(const struct cat_field *d, struct spec *f)
{
	memset(f, 0, sizeof(*f));
	f->id = d->id;
	f->kind = d->kind;
	f->max_length = d->max_length;
	f->multiline = true;
	f->choices = d->choices;
	f->n_choices = d->n_choices;
	f->min = d->min;
	f->max = d->max;
}

static bool bytes_has(const uint8_t *a, size_t n, int v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

/* The standard fields of the form; without a request type (staff) all are
 * accepted and none is required. */
static int std_fields_check(const json_t *form, const struct cat_rtype *r,
			    struct catalogue_choice *out, struct field_error *err)
{
	struct spec f;
	json_t *norm;
	int i, rc;

	for (i = 0; i < N_STD; i++) {
		const json_t *v = given(form, cat_std_fields[i].id);

		std_spec(i, &f);
		norm = NULL;
		if (v && r && !bytes_has(r->std, r->n_std, i))
			return v_fail(err, "unknown_field", f.id,
					"%s is not part of this form", f.id);
		if (v && (rc = value_check(&f, f.id, v, &norm, err)))
			return rc;
		if (!norm) {
			if (r && bytes_has(r->required, r->n_required, i))
				return v_fail(err, "required", f.id,
						"%s is required", f.id);
			continue;
		}
		if (i == STD_IMPACT)
			out->impact = (uint8_t)json_integer_value(norm);
		else if (i == STD_URGENCY)
			out->urgency = (uint8_t)json_integer_value(norm);
		if (json_object_set_new(out->fields, f.id, norm))
			return DK_ERR_NOMEM;
	}
	return 0;
}

static bool custom_on_form(const struct cat_rtype *r, long idx)
{
	size_t i;

	if (!r)
		return idx >= 0;
	for (i = 0; i < r->n_custom; i++)
		if ((long)r->custom[i] == idx)
			return true;
	return false;
}

static int custom_fields_check(const struct catalogue *c, const json_t *form,
			       const struct cat_rtype *r,
			       struct catalogue_choice *out,
			       struct field_error *err)
{
	const json_t *values = given(form, "fields"), *v;
	char path[PATH_LEN];
	const char *key;
	struct spec f;
	json_t *norm, *jv;
	size_t i, n;
	int rc;

	if (values && !json_is_object(values))
		return v_fail(err, "invalid_type", "fields",
				"fields must be an object");
	json_object_foreach((json_t *)values, key, jv) {
		if (custom_on_form(r, cat_field_find(c, key)))
			continue;
		snprintf(path, sizeof(path), "fields.%s", key);
		return v_fail(err, "unknown_field", path,
				"%s is not part of this form", path);
	}
	n = r ? r->n_custom : c->n_fields;
	for (i = 0; i < n; i++) {
		const struct cat_field *d = &c->fields[r ? r->custom[i] : i];

		custom_spec(d, &f);
		snprintf(path, sizeof(path), "fields.%s", d->id);
		v = given(values, d->id);
		norm = NULL;
		if (v && (rc = value_check(&f, path, v, &norm, err)))
			return rc;
		if (!norm) {
			if (r && d->required)
				return v_fail(err, "required", path,
						"%s is required", path);
			continue;
		}
		if (json_object_set_new(out->fields, d->id, norm))
			return DK_ERR_NOMEM;
	}
	return 0;
}

/* Service and sub-category: customers only the contract's services, and a
 * service is required when the contract offers any. */
static int service_check(const struct catalogue *c, const struct contract *k,
			 bool staff, const json_t *form,
			 struct catalogue_choice *out, struct field_error *err)
{
	const json_t *sv = given(form, "service"), *sb = given(form, "subcategory");
	const struct cat_service *s = NULL;
	const struct cat_option *sub;
	bool offered = false;
	const char *id;
	size_t i;
	int rc;

	for (i = 0; !staff && i < c->n_services; i++)
		if (cat_contract_has(k, c->services[i].id))
			offered = true;
	if (sv) {
		if ((rc = string_get(sv, "service", &id, err)))
			return rc;
		s = cat_service_find(c, id);
		if (!s || (!staff && !cat_contract_has(k, s->id)))
			return v_fail(err, "invalid_value", "service",
					"service \"%.40s\" is not offered", id);
		if (!(out->service = strdup(s->id)))
			return DK_ERR_NOMEM;
	} else if (offered) {
		return v_fail(err, "required", "service", "service is required");
	}
	if (sb) {
		if ((rc = string_get(sb, "subcategory", &id, err)))
			return rc;
		if (!s)
			return v_fail(err, "invalid_value", "subcategory",
					"a sub-category needs a service");
		if (!(sub = cat_sub_find(s, id)))
			return v_fail(err, "invalid_value", "subcategory",
					"\"%.40s\" is not a sub-category of %s", id, s->id);
		if (!(out->subcategory = strdup(sub->id)))
			return DK_ERR_NOMEM;
	} else if (s && s->n_subs > 0) {
		return v_fail(err, "required", "subcategory",
				"subcategory is required");
	}
	return 0;
}

/* A priority the caller chose: 1..4, 0 when none, or an error. */
static int priority_given(const json_t *form, bool allowed, uint8_t *out,
			  struct field_error *err)
{
	const json_t *v = given(form, "priority");
	uint8_t p = 0;

	*out = 0;
	if (!v)
		return 0;
	if (!allowed)
		return v_fail(err, "not_allowed", "priority",
				"the contract does not let you choose the priority");
	if (json_is_string(v)) {
		if (json_string_length(v) == 2)
			p = priority_parse(json_string_value(v));
	} else if (json_is_integer(v)) {
		if (json_integer_value(v) >= 1 && json_integer_value(v) <= 4)
			p = (uint8_t)json_integer_value(v);
	} else {
		return v_fail(err, "invalid_type", "priority",
				"priority must be a string such as \"P2\" or a number 1 to 4");
	}
	if (!p)
		return v_fail(err, "invalid_value", "priority",
				"priority must be P1, P2, P3 or P4");
	*out = p;
	return 0;
}

/* Request type and ticket type; staff may name a type instead. */
static int type_check(const struct catalogue *c, bool staff, const json_t *form,
		      const struct cat_rtype **rt, struct catalogue_choice *out,
		      struct field_error *err)
{
	const json_t *tv = given(form, "type"), *rv = given(form, "request_type");
	const char *type = NULL, *id;
	int rc;

	*rt = NULL;
	if (tv) {
		if (!staff)
			return v_fail(err, "not_allowed", "type",
					"the ticket type follows from the request type");
		if ((rc = string_get(tv, "type", &type, err)))
			return rc;
		if (!catalogue_ticket_type_valid(type))
			return v_fail(err, "invalid_value", "type",
					"\"%.40s\" is not a ticket type", type);
	}
	if (rv) {
		if ((rc = string_get(rv, "request_type", &id, err)))
			return rc;
		if (!(*rt = cat_rtype_find(c, id)))
			return v_fail(err, "invalid_value", "request_type",
					"\"%.40s\" is not a request type", id);
		if (!(out->request_type = strdup((*rt)->id)))
			return DK_ERR_NOMEM;
		out->needs_approval = (*rt)->needs_approval;
	} else if (!type) {
		return v_fail(err, "required", "request_type",
				"request_type is required");
	}
	out->ticket_type = strdup(type ? type : (*rt)->ticket_type);
	return out->ticket_type ? 0 : DK_ERR_NOMEM;
}

static int form_keys_check(const json_t *form, struct field_error *err)
{
	static const char *const keys[] = {
		"request_type", "type", "service", "subcategory", "impact",
		"urgency", "priority", "affected_component", "environment",
		"recurrence", "others_affected", "fields", NULL
	};
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)form, key, v) {
		for (i = 0; keys[i] && strcmp(key, keys[i]) != 0; i++)
			;
		if (!keys[i])
			return v_fail(err, "unknown_field", key,
					"unknown field \"%.40s\"", key);
	}
	return 0;
}

int catalogue_check(const struct catalogue *c, const struct contract *k,
		    bool staff, const json_t *form, struct catalogue_choice *out,
		    struct field_error *err)
{
	enum priority_mode mode = k ? k->priority_mode : PRIORITY_NONE;
	const struct cat_rtype *rt;
	uint8_t chosen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	if (!form)
		return v_fail(err, "required", "form", "form is required");
	if (!json_is_object(form))
		return v_fail(err, "invalid_type", "form", "form must be an object");
	if (!(out->fields = json_object()))
		return DK_ERR_NOMEM;
	if ((rc = form_keys_check(form, err)) ||
	    (rc = type_check(c, staff, form, &rt, out, err)) ||
	    (rc = service_check(c, k, staff, form, out, err)) ||
	    (rc = std_fields_check(form, rt, out, err)) ||
	    (rc = custom_fields_check(c, form, rt, out, err)) ||
	    (rc = priority_given(form, staff || mode == PRIORITY_DIRECT, &chosen,
				 err)))
		goto fail;
	if (chosen)
		out->priority = chosen;
	else if (mode == PRIORITY_MATRIX || mode == PRIORITY_DIRECT)
		out->priority = catalogue_priority(c, out->impact, out->urgency);
	else
		out->priority = 4;  /* no priority rights, or an unknown mode */
	return 0;
fail:
	catalogue_choice_free(out);
	return rc;
}
