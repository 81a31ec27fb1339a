/*
 * Parsing and validation of request bodies. Each parser takes a decoded JSON
 * value, fills its output and returns 0, or returns DK_ERR_INVALID with a
 * field-level error: a machine code, the field concerned and a message a
 * person can read. Outputs are zeroed on failure; strings they hold are owned
 * (free them with the matching *_free).
 *
 * Error codes used: "invalid_json" (not an object), "required" (missing or
 * empty), "invalid_type" (wrong JSON type), "unknown_field", "too_long",
 * "invalid_value" (outside the allowed set or range), "invalid_text" (control
 * characters where none are allowed).
 */
#ifndef DESKD_VALIDATE_H
#define DESKD_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#define TITLE_MAX_BYTES 200
#define TEXT_MAX_BYTES (64 * 1024)   /* description, comment body */
#define EMAIL_MAX_BYTES 254
#define PASSWORD_MAX_BYTES 1024
#define PASSWORD_MIN_BYTES 8

struct field_error {
	const char *code;   /* static string */
	char field[64];     /* "" when the whole body is concerned */
	char message[192];
};

/* Parse a request body into an object; depth and size are limited by the
 * caller's body limit. "invalid_json" on failure. Returns a new reference. */
json_t *json_body_parse(const char *data, size_t len, struct field_error *err);

struct login_input {
	char *email;
	char *password;
	bool remember;
};
int login_parse(const json_t *body, struct login_input *out, struct field_error *err);
void login_input_free(struct login_input *in);

/* Ticket request bodies: see ticket_input.h. */

/* "P1".."P4" (also 1..4 as a number in JSON): 1..4, or 0 when invalid. */
uint8_t priority_parse(const char *s);
/* "P1".."P4" */
const char *priority_name(uint8_t p);

/* E-mail address syntax check (local@domain, no spaces or controls). */
bool email_valid(const char *email);
/* Lower-cases ASCII letters of an e-mail into out (size at least len+1). */
void email_fold(const char *email, char *out, size_t out_size);

/* Ticket reference "PREFIX-N" (prefix compared case-insensitively): 0 and
 * *id, or DK_ERR_INVALID. */
int ticket_ref_parse(const char *ref, const char *prefix, uint64_t *id);
/* Writes "PREFIX-N" into buf (size >= 48). */
void ticket_ref_format(char *buf, size_t size, const char *prefix, uint64_t id);

#endif
