/*
 * Request bodies of accounts by e-mail: sign-up, activation, forgotten
 * password, reset, and access requests. Same conventions as validate.h: 0,
 * or DK_ERR_INVALID with a field error; outputs zeroed on failure and
 * released with their *_free (which wipes passwords and tokens).
 */
#ifndef DESKD_ACCOUNT_INPUT_H
#define DESKD_ACCOUNT_INPUT_H

#include <stdbool.h>

#include <jansson.h>

#include "validate.h"

#define FUNCTION_MAX_BYTES 200
#define REASON_MAX_BYTES 2000
#define LINK_TOKEN_MAX_BYTES 64

/* POST /api/v1/signup {email, name?, language?} and POST
 * /api/v1/password/forgot {email} (with_profile false). email is checked
 * and kept as entered; fold it to look it up. */
struct signup_input {
	char *email;
	char *name;      /* NULL: not given */
	char *language;  /* "en", "nl", "sv" or NULL */
};
int signup_parse(const json_t *body, bool with_profile, struct signup_input *out,
		 struct field_error *err);
void signup_input_free(struct signup_input *in);

/* POST /api/v1/signup/activate {token, name, password} (with_name) and
 * POST /api/v1/password/reset {token, password}. The token is only checked
 * for shape (a string of at most LINK_TOKEN_MAX_BYTES); the password must
 * hold PASSWORD_MIN_BYTES to PASSWORD_MAX_BYTES bytes. */
struct token_input {
	char *token;
	char *name;
	char *password;
};
int token_parse(const json_t *body, bool with_name, struct token_input *out,
	       struct field_error *err);
void token_input_free(struct token_input *in);

/* POST /api/v1/access-requests {email, name, phone?, function?, language?} */
struct access_input {
	char *email;
	char *name;
	char *phone;
	char *function;
	char *language;
};
int access_input_parse(const json_t *body, struct access_input *out, struct field_error *err);
void access_input_free(struct access_input *in);

/* POST /api/v1/access-requests/{id}/refuse {reason?}: *reason is NULL
 * when none is given (absent, null or ""). */
int refuse_parse(const json_t *body, char **reason, struct field_error *err);

#endif
