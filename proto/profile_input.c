/* Parsing of the profile and password-change request bodies. */
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "profile_input.h"
#include "record.h"
#include "ticket_input.h"
#include "validate_int.h"

uint8_t contact_bit(const char *name)
{
	/* the order of the CONTACT_* bits, as json_map.c names them */
	static const char *const names[] = { "email", "phone", "fax", "mail" };
	size_t i;

	for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (uint8_t)(1u << i);
	return 0;
}

static int get_phone(const json_t *body, struct profile_input *out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "phone");
	int rc;

	if (!v)
		return 0;
	out->set_phone = true;
	if (json_is_null(v))
		return 0;
	rc = v_get_text(body, "phone", T_TRIM | T_LINE, PHONE_MAX_BYTES, &out->phone, err);
	if (rc)
		return rc;
	if (!out->phone[0]) { /* "" removes it, as null does */
		free(out->phone);
		out->phone = NULL;
		return 0;
	}
	if (!v_phone_ok(out->phone))
		return v_fail(err, "invalid_value", "phone",
			      "phone may hold digits, spaces and + - ( ) . / only");
	return 0;
}

static int get_language(const json_t *body, struct profile_input *out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "language");

	if (!v)
		return 0;
	out->set_language = true;
	if (json_is_null(v))
		return 0;
	return v_get_language(v, &out->language, err);
}

static int get_contact(const json_t *body, struct profile_input *out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "contact");
	const json_t *x;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return v_fail(err, "invalid_type", "contact",
			      "contact must be a list of email, phone, fax and mail");
	if (json_array_size(v) > CONTACT_NAMES_MAX)
		return v_fail(err, "too_long", "contact", "contact has at most %d entries",
			      CONTACT_NAMES_MAX);
	out->set_contact = true;
	json_array_foreach(v, i, x) {
		uint8_t bit;

		if (!json_is_string(x))
			return v_fail(err, "invalid_type", "contact",
				      "contact[%zu] must be a string", i);
		bit = json_string_length(x) == strlen(json_string_value(x))
			      ? contact_bit(json_string_value(x)) : 0;
		if (!bit)
			return v_fail(err, "invalid_value", "contact",
				      "contact[%zu] must be email, phone, fax or mail", i);
		if (out->contact & bit)
			return v_fail(err, "invalid_value", "contact",
				      "contact[%zu] is listed twice", i);
		out->contact |= bit;
	}
	return 0;
}

int profile_parse(const json_t *body, struct profile_input *out, struct field_error *err)
{
	/* "email" is known so that it gets its own answer, not unknown_field */
	static const char *const known[] = { "name", "phone", "language", "contact", "email",
					     NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)))
		goto fail;
	if (json_object_get(body, "email")) {
		rc = v_fail(err, "read_only", "email",
			    "the e-mail address cannot be changed here; ask support");
		goto fail;
	}
	/* name is optional; when given it must not be blank */
	if ((json_object_get(body, "name") &&
	     (rc = v_get_text(body, "name", T_REQUIRED | T_TRIM | T_LINE, NAME_MAX_BYTES,
			      &out->name, err))) ||
	    (rc = get_phone(body, out, err)) || (rc = get_language(body, out, err)) ||
	    (rc = get_contact(body, out, err)))
		goto fail;
	if (!out->name && !out->set_phone && !out->set_language && !out->set_contact) {
		rc = v_fail(err, "required", "", "nothing to change");
		goto fail;
	}
	return 0;
fail:
	profile_input_free(out);
	return rc;
}

void profile_input_free(struct profile_input *in)
{
	if (!in)
		return;
	free(in->name);
	free(in->phone);
	free(in->language);
	memset(in, 0, sizeof(*in));
}

int password_change_parse(const json_t *body, struct password_input *out,
			  struct field_error *err)
{
	static const char *const known[] = { "old_password", "new_password", NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "old_password", T_REQUIRED, PASSWORD_MAX_BYTES,
			     &out->old_password, err)) ||
	    (rc = v_get_text(body, "new_password", T_REQUIRED, PASSWORD_MAX_BYTES,
			     &out->new_password, err)))
		goto fail;
	if (strlen(out->new_password) < PASSWORD_MIN_BYTES) {
		rc = v_fail(err, "too_short", "new_password",
			    "new_password needs at least %d bytes", PASSWORD_MIN_BYTES);
		goto fail;
	}
	return 0;
fail:
	password_input_free(out);
	return rc;
}

void password_input_free(struct password_input *in)
{
	if (!in)
		return;
	v_wipe_free(in->old_password);
	v_wipe_free(in->new_password);
	memset(in, 0, sizeof(*in));
}
