/*
 * Helpers shared by the body parsers of proto/ (validate.c, ticket_input.c);
 * private to proto/.
 */
#ifndef DESKD_VALIDATE_INT_H
#define DESKD_VALIDATE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "validate.h"

/* How a string field is checked. */
enum {
	T_REQUIRED = 1 << 0,  /* missing or blank is "required" */
	T_TRIM = 1 << 1,      /* spaces at both ends are dropped */
	T_LINE = 1 << 2,      /* no control characters at all */
	T_MULTILINE = 1 << 3  /* only \t \n \r among the controls */
};

/* Empties err (which may be NULL) before a parse. */
void v_clear(struct field_error *err);
/* Overwrites a secret string, then frees it; NULL is fine. */
void v_wipe_free(char *s);
/* A telephone number as people write it: digits with spaces, "+", "-",
 * "(", ")", "." or "/" between them. */
bool v_phone_ok(const char *s);
/* A "language" value that is present and not null: "en", "nl" or "sv",
 * copied into *out (malloc'd). */
int v_get_language(const json_t *v, char **out, struct field_error *err);
/* Fills err and returns DK_ERR_INVALID. */
__attribute__((format(printf, 4, 5)))
int v_fail(struct field_error *err, const char *code, const char *field, const char *fmt, ...);
/* The body must be an object holding only the listed (NULL-ended) keys. */
int v_check_object(const json_t *body, const char *const *known, struct field_error *err);
/* obj (a document or a part named field, "" for the whole of it, called
 * whole in messages) must be an object holding only the listed (NULL-ended)
 * keys. Keys are cut in paths and messages so they fit. */
int v_check_keys(const json_t *obj, const char *field, const char *const *known,
		 const char *whole, struct field_error *err);
/* String field key into *out (malloc'd; NULL when absent and optional). */
int v_get_text(const json_t *body, const char *key, unsigned flags, size_t max, char **out,
	       struct field_error *err);
/* Bool field; *out untouched when absent. */
int v_get_bool(const json_t *body, const char *key, bool *out, struct field_error *err);
/* "type": a known ticket type, or NULL when absent. */
int v_get_type(const json_t *body, char **out, struct field_error *err);
/* "priority": "P1".."P4" or 1..4; *out untouched when absent. */
int v_get_priority(const json_t *body, uint8_t *out, struct field_error *err);

#endif
