/*
 * Request bodies of the profile: the user changing their own details and
 * their password. Same conventions as validate.h: 0, or DK_ERR_INVALID
 * with a field error; outputs zeroed on failure and released with their
 * *_free. The e-mail address is the sign-in name and an identity support
 * relies on, so it is not changeable here.
 */
#ifndef DESKD_PROFILE_INPUT_H
#define DESKD_PROFILE_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "validate.h"

#define PHONE_MAX_BYTES 40
#define CONTACT_NAMES_MAX 4

/* PATCH /api/v1/me: {name?, phone?, language?, contact?}, at least one. */
struct profile_input {
	char *name;          /* NULL: unchanged */
	bool set_phone;
	char *phone;         /* NULL with set_phone (null or ""): removed */
	bool set_language;
	char *language;      /* "en", "nl", "sv"; NULL with set_language
			      * (null): none chosen, the browser decides */
	bool set_contact;
	uint8_t contact;     /* CONTACT_* bits of record.h */
};
int profile_parse(const json_t *body, struct profile_input *out, struct field_error *err);
void profile_input_free(struct profile_input *in);

/* POST /api/v1/me/password: {old_password, new_password}. The old one is
 * only checked for shape here (a string of at most PASSWORD_MAX_BYTES);
 * the new one must hold PASSWORD_MIN_BYTES to PASSWORD_MAX_BYTES bytes.
 * Passwords are taken byte for byte, as at sign-in. */
struct password_input {
	char *old_password;
	char *new_password;
};
int password_change_parse(const json_t *body, struct password_input *out,
			  struct field_error *err);
/* Wipes the passwords before freeing them. */
void password_input_free(struct password_input *in);

/* "email", "phone", "fax", "mail" -> CONTACT_* bit; 0 for anything else. */
uint8_t contact_bit(const char *name);

#endif
