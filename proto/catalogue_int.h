/*
 * Inside of the catalogue, shared by catalogue*.c only: the structures behind
 * the opaque handle, the built-in standard fields and small helpers.
 */
#ifndef CATALOGUE_INTERNAL
#error "catalogue_int.h is private to catalogue*.c; include catalogue.h"
#endif
#ifndef DESKD_CATALOGUE_INT_H
#define DESKD_CATALOGUE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "catalogue.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum lang { LANG_EN, LANG_NL, LANG_SV, N_LANGS };

#define N_IMPACT 3
#define N_URGENCY 4
#define LEVEL_DEFAULT 3       /* impact or urgency not given */
#define ID_MAX 48            /* bytes; "fields.<id>" fits a field_error */
#define LABEL_MAX 200         /* bytes */
#define DESCRIPTION_MAX 400
#define TEXT_LENGTH_DEFAULT 1000
#define TEXT_LENGTH_LIMIT 65536

/* One text per language, all three always set. */
struct text3 {
	char *t[N_LANGS];
};

struct cat_option {
	char *id;
	struct text3 label;
};

enum field_kind {
	KIND_TEXT,
	KIND_CHOICE,
	KIND_NUMBER,
	KIND_DATE,
	KIND_LEVEL,   /* standard only: impact or urgency, integer ids */
	KIND_BOOLEAN  /* standard only */
};

struct cat_field {
	char *id;
	enum field_kind kind;
	struct text3 label;
	bool required;
	struct cat_option *choices;
	size_t n_choices;
	size_t max_length;    /* text: characters */
	json_t *min, *max;    /* number bounds as imported; NULL: open */
};

struct cat_service {
	char *id;
	struct text3 label;
	struct cat_option *subs;
	size_t n_subs;
};

struct cat_rtype {
	char *id;
	char *ticket_type;
	struct text3 label;
	struct text3 description;
	uint8_t *std;         /* standard field indexes, in form order */
	size_t n_std;
	uint8_t *required;    /* standard fields that must be given */
	size_t n_required;
	size_t *custom;       /* indexes into catalogue fields, in form order */
	size_t n_custom;
	bool needs_approval;
};

struct catalogue {
	struct cat_rtype *rtypes;
	size_t n_rtypes;
	struct cat_service *services;
	size_t n_services;
	struct cat_field *fields;
	size_t n_fields;
	uint8_t matrix[N_IMPACT][N_URGENCY];
};

/* Built-in definitions with static labels. */
struct std_option {
	const char *id;
	const char *label[N_LANGS];
};

struct std_field {
	const char *id;
	enum field_kind kind;
	size_t max_length;
	const char *label[N_LANGS];
	const struct std_option *choices;  /* KIND_CHOICE and KIND_LEVEL */
	size_t n_choices;
};

enum {
	STD_AFFECTED_COMPONENT,
	STD_ENVIRONMENT,
	STD_IMPACT,
	STD_URGENCY,
	STD_RECURRENCE,
	STD_OTHERS_AFFECTED,
	N_STD
};

extern const struct std_field cat_std_fields[N_STD];
extern const char *const cat_lang_codes[N_LANGS];
extern const uint8_t cat_default_matrix[N_IMPACT][N_URGENCY];

/* Index of a standard field id, or -1. */
int cat_std_find(const char *id);
/* Language index for a code such as "sv" or "nl-BE"; LANG_EN otherwise. */
enum lang cat_lang(const char *code);
/* "text", "choice", "number", "date", "choice" (levels), "boolean". */
const char *cat_kind_name(enum field_kind k);

const struct cat_rtype *cat_rtype_find(const struct catalogue *c, const char *id);
const struct cat_service *cat_service_find(const struct catalogue *c, const char *id);
const struct cat_option *cat_sub_find(const struct cat_service *s, const char *id);
/* Index into c->fields, or -1. */
long cat_field_find(const struct catalogue *c, const char *id);
/* Whether contract k (may be NULL) lists service id. */
bool cat_contract_has(const struct contract *k, const char *id);
/* Static labelled list of the ticket types; n set to its length. */
const struct std_option *cat_ticket_types(size_t *n);
const struct std_option *cat_ticket_type_find(const char *id);
/* P1..P4 with labels, indexed by priority - 1. */
extern const struct std_option cat_priorities[4];

/* The matrix as rows of integers; new reference or NULL. */
json_t *cat_matrix_json(const uint8_t m[N_IMPACT][N_URGENCY]);

/* Field errors: v_fail of validate_int.h, shared by proto's parsers. */
#include "validate_int.h"

#endif
