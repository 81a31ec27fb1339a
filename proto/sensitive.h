/*
 * Sensitive data guard: finds numbers in free text that should not be in a
 * ticket, so the API can warn before storing them.
 *
 * Kinds found, each only when its check digits hold:
 *   "personal_id_se"  Swedish personnummer or samordningsnummer (day + 60):
 *                     YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDDNNNN or
 *                     YYYYMMDD-NNNN; a real date and Luhn over YYMMDDNNNN
 *   "bsn_nl"          Dutch citizen service number: 9 digits (an 8-digit
 *                     one with its leading zero) or 1234.56.789, 11-test
 *   "iban"            country, 2 check digits, up to 30 letters or digits,
 *                     plain or in groups of 4 separated by one space;
 *                     mod 97 == 1 and the country's length where known
 *                     (15 to 34 for other countries); case-insensitive
 *   "payment_card"    13 to 19 digits starting with 3, 4, 5 or 6, plain or
 *                     in groups (4 first, then 3 to 6) separated by one
 *                     space or one dash; Luhn
 *
 * A match must stand on its own: no letter, digit or '_' right before or
 * after it, and no digit joined to it by one of - + / . (so
 * "2024-811218-9876" or "A811218-9876" is no personnummer). Bytes of
 * non-ASCII characters count as separators.
 */
#ifndef DESKD_SENSITIVE_H
#define DESKD_SENSITIVE_H

#include <stddef.h>

#include <jansson.h>

struct sensitive_hit {
	const char *kind;  /* static: "personal_id_se", "bsn_nl", "iban", "payment_card" */
	size_t offset;     /* in bytes from the start of the text */
	size_t length;     /* in bytes, separators included */
};

/* Scans NUL-terminated text. Returns how many were found in all and writes
 * the first max_hits of them, in text order, to hits (which may be NULL
 * when max_hits is 0). A NULL text finds nothing. */
size_t sensitive_scan(const char *text, struct sensitive_hit *hits, size_t max_hits);

/* [{"field": field, "kind", "offset", "length"}] for the API's warning;
 * "field" is left out when field is NULL. The matched text is never
 * copied. New reference; NULL when out of memory. */
json_t *sensitive_hits_json(const char *field, const struct sensitive_hit *hits, size_t n);

#endif
