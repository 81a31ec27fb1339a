/* Request body parsing and validation, with field-level errors. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dk_err.h"
#include "validate.h"
#include "validate_int.h"
#include "workflow.h"

/* Length of s cut to at most max bytes at a character boundary, so that
 * a shortened field name is still valid UTF-8. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void v_clear(struct field_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

void v_wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

bool v_phone_ok(const char *s)
{
	return strspn(s, "0123456789 +-()./") == strlen(s) && strpbrk(s, "0123456789");
}

int v_get_language(const json_t *v, char **out, struct field_error *err)
{
	const char *s;

	if (!json_is_string(v))
		return v_fail(err, "invalid_type", "language", "language must be a string or null");
	s = json_string_value(v);
	if (json_string_length(v) != 2 ||
	    (strcmp(s, "en") && strcmp(s, "nl") && strcmp(s, "sv")))
		return v_fail(err, "invalid_value", "language", "language must be en, nl or sv");
	*out = strdup(s);
	return *out ? 0 : DK_ERR_NOMEM;
}

__attribute__((format(printf, 4, 5)))
int v_fail(struct field_error *err, const char *code, const char *field,
		const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return DK_ERR_INVALID;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%.*s",
		 (int)utf8_cut(field, sizeof(err->field) - 1), field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return DK_ERR_INVALID;
}

/* The body must be an object holding only the listed (NULL-ended) keys. */
int v_check_object(const json_t *body, const char *const *known,
			struct field_error *err)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(body))
		return v_fail(err, "invalid_json", "",
			    "request body must be a JSON object");
	/* json_object_foreach needs a non-const object; it does not modify. */
	json_object_foreach((json_t *)body, key, v) {
		for (i = 0; known[i]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (!known[i])
			return v_fail(err, "unknown_field", key,
				    "unknown field \"%.*s\"",
				    (int)utf8_cut(key, 63), key);
	}
	return 0;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* No NUL bytes (a json_t built in code may hold them and C strings would be
 * cut short), and only the controls the field allows. */
static bool text_ok(const char *s, size_t len, unsigned flags)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return false;
		if (!is_control(c))
			continue;
		if (flags & T_LINE)
			return false;
		if ((flags & T_MULTILINE) && c != '\t' && c != '\n' && c != '\r')
			return false;
	}
	return true;
}

static bool all_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int v_check_keys(const json_t *obj, const char *field, const char *const *known,
		 const char *whole, struct field_error *err)
{
	char path[96];
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return v_fail(err, *field ? "invalid_type" : "invalid_json", field,
			      "%s must be a JSON object", *field ? field : whole);
	/* json_object_foreach needs a non-const object; it does not modify. */
	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; known[i]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i])
			continue;
		snprintf(path, sizeof(path), "%s%s%.24s", field, *field ? "." : "", key);
		return v_fail(err, "unknown_field", path, "unknown field \"%.24s\"", key);
	}
	return 0;
}

/* Reads the string field key into *out (NULL when absent and optional).
 * Length limits count bytes after trimming. */
int v_get_text(const json_t *body, const char *key, unsigned flags,
		    size_t max, char **out, struct field_error *err)
{
	const json_t *v = json_object_get(body, key);
	const char *s;
	size_t len;

	*out = NULL;
	if (!v) {
		if (flags & T_REQUIRED)
			return v_fail(err, "required", key, "%s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", key, "%s must be a string", key);
	s = json_string_value(v);
	len = json_string_length(v);
	if (flags & T_TRIM) {
		while (len > 0 && s[0] == ' ') {
			s++;
			len--;
		}
		while (len > 0 && s[len - 1] == ' ')
			len--;
	}
	if ((flags & T_REQUIRED) &&
	    (len == 0 || ((flags & T_MULTILINE) && all_space(s, len))))
		return v_fail(err, "required", key, "%s is required", key);
	if (len > max)
		return v_fail(err, "too_long", key, "%s is longer than %zu bytes",
			    key, max);
	if (!text_ok(s, len, flags))
		return v_fail(err, "invalid_text", key,
			    "%s contains control characters", key);
	*out = strndup(s, len);
	return *out ? 0 : DK_ERR_NOMEM;
}

int v_get_bool(const json_t *body, const char *key, bool *out,
		    struct field_error *err)
{
	const json_t *v = json_object_get(body, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return v_fail(err, "invalid_type", key, "%s must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

int v_get_type(const json_t *body, char **out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "type");

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return v_fail(err, "invalid_type", "type", "type must be a string");
	if (json_string_length(v) != strlen(json_string_value(v)) ||
	    !ticket_type_valid(json_string_value(v)))
		return v_fail(err, "invalid_value", "type",
			    "type must be incident, question or change_request");
	*out = strdup(json_string_value(v));
	return *out ? 0 : DK_ERR_NOMEM;
}

/* "P1".."P4" or a JSON integer 1..4; *out untouched when absent. */
int v_get_priority(const json_t *body, uint8_t *out, struct field_error *err)
{
	const json_t *v = json_object_get(body, "priority");
	uint8_t p = 0;

	if (!v)
		return 0;
	if (json_is_string(v)) {
		if (json_string_length(v) == strlen(json_string_value(v)))
			p = priority_parse(json_string_value(v));
	} else if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n >= 1 && n <= 4)
			p = (uint8_t)n;
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

json_t *json_body_parse(const char *data, size_t len, struct field_error *err)
{
	json_error_t jerr;
	json_t *v;

	v_clear(err);
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		v_fail(err, "invalid_json", "", "%s (line %d, column %d)",
		     jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		v_fail(err, "invalid_json", "", "request body must be a JSON object");
		return NULL;
	}
	return v;
}

int login_parse(const json_t *body, struct login_input *out, struct field_error *err)
{
	static const char *const known[] = { "email", "password", "remember", NULL };
	int rc;

	memset(out, 0, sizeof(*out));
	v_clear(err);
	/* Passwords are taken byte for byte: no trimming, any characters. */
	if ((rc = v_check_object(body, known, err)) ||
	    (rc = v_get_text(body, "email", T_REQUIRED | T_TRIM, EMAIL_MAX_BYTES,
			   &out->email, err)) ||
	    (rc = v_get_text(body, "password", T_REQUIRED, PASSWORD_MAX_BYTES,
			   &out->password, err)) ||
	    (rc = v_get_bool(body, "remember", &out->remember, err)))
		login_input_free(out);
	return rc;
}

void login_input_free(struct login_input *in)
{
	if (!in)
		return;
	free(in->email);
	v_wipe_free(in->password); /* do not leave it in freed heap memory */
	memset(in, 0, sizeof(*in));
}

uint8_t priority_parse(const char *s)
{
	if (!s || (s[0] != 'P' && s[0] != 'p') || s[1] < '1' || s[1] > '4' ||
	    s[2] != '\0')
		return 0;
	return (uint8_t)(s[1] - '0');
}

const char *priority_name(uint8_t p)
{
	static const char *const names[] = { NULL, "P1", "P2", "P3", "P4" };

	return p <= 4 ? names[p] : NULL;
}

bool email_valid(const char *email)
{
	const char *at, *domain, *p;
	size_t len;

	if (!email)
		return false;
	len = strlen(email);
	if (len == 0 || len > EMAIL_MAX_BYTES)
		return false;
	/* RFC 5322 specials are valid only inside quotes, which no one needs
	 * here; refusing them keeps addresses safe to put in mail headers */
	for (p = email; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("<>()[],;:\\\"", *p))
			return false;
	at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@'))
		return false;
	domain = at + 1;
	len = strlen(domain);
	/* A dot inside the domain, and no empty label ("a@b..c", "a@.b"). */
	if (len == 0 || !strchr(domain, '.') || domain[0] == '.' ||
	    domain[len - 1] == '.' || strstr(domain, ".."))
		return false;
	return true;
}

void email_fold(const char *email, char *out, size_t out_size)
{
	size_t i;

	if (out_size == 0)
		return;
	for (i = 0; email[i] && i < out_size - 1; i++) {
		unsigned char c = (unsigned char)email[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
	}
	out[i] = '\0';
}

int ticket_ref_parse(const char *ref, const char *prefix, uint64_t *id)
{
	const char *p;
	uint64_t v = 0;
	size_t plen;

	if (id)
		*id = 0;
	if (!ref || !prefix || !id)
		return DK_ERR_INVALID;
	plen = strlen(prefix);
	if (plen == 0 || strncasecmp(ref, prefix, plen) != 0 || ref[plen] != '-')
		return DK_ERR_INVALID;
	p = ref + plen + 1;
	if (*p == '\0')
		return DK_ERR_INVALID;
	for (; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return DK_ERR_INVALID;
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return DK_ERR_INVALID;
		v = v * 10 + d;
	}
	if (v == 0)
		return DK_ERR_INVALID;
	*id = v;
	return 0;
}

void ticket_ref_format(char *buf, size_t size, const char *prefix, uint64_t id)
{
	if (size == 0)
		return;
	snprintf(buf, size, "%s-%" PRIu64, prefix ? prefix : "", id);
}
