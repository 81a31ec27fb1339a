/* Helpers shared by test_catalogue.c and test_catalogue_check.c. */
#ifndef DESKD_TEST_CATALOGUE_H
#define DESKD_TEST_CATALOGUE_H

#include "test.h"

#include "catalogue.h"
#include "dk_err.h"

/* Contracts: services workplace and network under each priority mode, none
 * at all, and the rich catalogue's archive and hosting. */
extern const struct contract k_matrix, k_none, k_direct, k_empty, k_archive;

/* Parses JSON text (fails the test when it is not JSON); caller decrefs. */
json_t *test_parse(const char *text);
/* Imports text, failing the test on refusal; caller frees. */
struct catalogue *test_load(const char *text);
/* The rich custom catalogue of catalogue_fixtures.h. */
struct catalogue *test_rich(void);
bool json_eq_text(const json_t *v, const char *text);

static inline const char *sget(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static inline size_t count(const json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);

	assert_true(json_is_array(a));
	return json_array_size(a);
}

/* Element i of array key of o. */
static inline json_t *nth(const json_t *o, const char *key, size_t i)
{
	assert_true(i < count(o, key));
	return json_array_get(json_object_get(o, key), i);
}

/* The element of array key of o whose "id" is id. */
static inline json_t *by_id(const json_t *o, const char *key, const char *id)
{
	size_t i;

	for (i = 0; i < count(o, key); i++)
		if (strcmp(sget(nth(o, key, i), "id"), id) == 0)
			return nth(o, key, i);
	fail_msg("no %s with id %s", key, id);
	return NULL;
}

/* unit repeated n times; caller frees. */
static inline char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(len * n + 1);

	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

void test_check_incident(void **state);
void test_check_required(void **state);
void test_check_invalid_type(void **state);
void test_check_invalid_value(void **state);
void test_check_unknown_field(void **state);
void test_check_text(void **state);
void test_check_services(void **state);
void test_check_priority_none(void **state);
void test_check_priority_matrix(void **state);
void test_check_priority_direct(void **state);
void test_check_staff_types(void **state);
void test_check_custom_fields(void **state);
void test_check_dates(void **state);
void test_check_needs_approval(void **state);

#endif
