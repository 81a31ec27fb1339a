/* Parsing of the account request bodies (account_input.h). */
#include <stdlib.h>
#include <string.h>

#include "account_input.h"
#include "dk_err.h"
#include "profile_input.h"
#include "ticket_input.h"
#include "validate_int.h"

static int get_email(const json_t *body, char **out, struct field_error *err)
{
	int rc = v_get_text(body, "email", T_REQUIRED | T_TRIM | T_LINE, EMAIL_MAX_BYTES, out, err);

	if (rc)
		return rc;
	if (!email_valid(*out)) {
		free(*out);
		*out = NULL;
		return v_fail(err, "invalid_value", "email", "email is not an e-mail address");
	}
	return 0;
}

static int get_language(const json_t *body, char **out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "language");

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	return v_get_language(v, out, err);
}

/* An optional one-line text: absent, null and "" all read as NULL. */
static int get_optional(const json_t *body, const char *key, size_t max, char **out,
			struct field_error *err)
{
	const json_t *v = json_object_get(body, key);
	int rc;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	rc = v_get_text(body, key, T_TRIM | T_LINE, max, out, err);
	if (rc == 0 && !(*out)[0]) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int signup_parse(const json_t *body, bool with_profile, struct signup_input *out,
		 struct field_error *err)
{
	static const char *const profile_keys[] = { "email", "name", "language", NULL };
	static const char *const email_keys[] = { "email", NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, with_profile ? profile_keys : email_keys, err)) ||
	    (rc = get_email(body, &out->email, err)))
		goto fail;
	if (with_profile && ((rc = get_optional(body, "name", NAME_MAX_BYTES, &out->name, err)) ||
			     (rc = get_language(body, &out->language, err))))
		goto fail;
	return 0;
fail:
	signup_input_free(out);
	return rc;
}

void signup_input_free(struct signup_input *in)
{
	if (!in)
		return;
	free(in->email);
	free(in->name);
	free(in->language);
	memset(in, 0, sizeof(*in));
}

int token_parse(const json_t *body, bool with_name, struct token_input *out,
	       struct field_error *err)
{
	static const char *const named[] = { "token", "name", "password", NULL };
	static const char *const plain[] = { "token", "password", NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, with_name ? named : plain, err)) ||
	    (rc = v_get_text(body, "token", T_REQUIRED | T_LINE, LINK_TOKEN_MAX_BYTES, &out->token,
			     err)) ||
	    (with_name && (rc = v_get_text(body, "name", T_REQUIRED | T_TRIM | T_LINE,
					   NAME_MAX_BYTES, &out->name, err))) ||
	    (rc = v_get_text(body, "password", T_REQUIRED, PASSWORD_MAX_BYTES, &out->password,
			     err)))
		goto fail;
	if (strlen(out->password) < PASSWORD_MIN_BYTES) {
		rc = v_fail(err, "too_short", "password", "password needs at least %d bytes",
			    PASSWORD_MIN_BYTES);
		goto fail;
	}
	return 0;
fail:
	token_input_free(out);
	return rc;
}

void token_input_free(struct token_input *in)
{
	if (!in)
		return;
	v_wipe_free(in->token);
	free(in->name);
	v_wipe_free(in->password);
	memset(in, 0, sizeof(*in));
}

int access_input_parse(const json_t *body, struct access_input *out, struct field_error *err)
{
	static const char *const known[] = { "email", "name", "phone", "function", "language",
					     NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	if ((rc = v_check_object(body, known, err)) || (rc = get_email(body, &out->email, err)) ||
	    (rc = v_get_text(body, "name", T_REQUIRED | T_TRIM | T_LINE, NAME_MAX_BYTES,
			     &out->name, err)) ||
	    (rc = get_optional(body, "phone", PHONE_MAX_BYTES, &out->phone, err)) ||
	    (rc = get_optional(body, "function", FUNCTION_MAX_BYTES, &out->function, err)) ||
	    (rc = get_language(body, &out->language, err)))
		goto fail;
	if (out->phone && !v_phone_ok(out->phone)) {
		rc = v_fail(err, "invalid_value", "phone",
			    "phone may hold digits, spaces and + - ( ) . / only");
		goto fail;
	}
	return 0;
fail:
	access_input_free(out);
	return rc;
}

void access_input_free(struct access_input *in)
{
	if (!in)
		return;
	free(in->email);
	free(in->name);
	free(in->phone);
	free(in->function);
	free(in->language);
	memset(in, 0, sizeof(*in));
}

int refuse_parse(const json_t *body, char **reason, struct field_error *err)
{
	static const char *const known[] = { "reason", NULL };
	int rc;

	*reason = NULL;
	v_clear(err);
	if ((rc = v_check_object(body, known, err)))
		return rc;
	return get_optional(body, "reason", REASON_MAX_BYTES, reason, err);
}
