/* Dump lines for sequences, documents, other meta values and day counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_kinds.h"
#include "json_map.h"

#define DAY_MS 86400000LL

static char *hex_of(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = malloc(2 * len + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * len] = '\0';
	return out;
}

/* A new string holding hex; NULL when out of memory. */
static json_t *jhex(const void *data, size_t len)
{
	char *hex = hex_of(data, len);
	json_t *j = hex ? json_string(hex) : NULL;
	free(hex);
	return j;
}

json_t *dump_meta_json(const struct store_meta_entry *e)
{
	json_t *j = json_object();
	int bad = !j;
	if (bad)
		return NULL;
	switch (e->kind) {
	case STORE_META_SEQ:
		bad = json_object_set_new(j, "kind", json_string("seq")) ||
		      json_object_set_new(j, "name", json_string(e->name)) ||
		      json_object_set_new(j, "value", json_integer((json_int_t)e->seq));
		break;
	case STORE_META_DOC: {
		/* documents are JSON text; anything else survives as hex */
		json_t *text = json_stringn(e->data, e->len);
		bool nul = memchr(e->data, '\0', e->len) != NULL;
		bad = json_object_set_new(j, "kind", json_string("doc")) ||
		      json_object_set_new(j, "name", json_string(e->name)) ||
		      (text && !nul ? json_object_set_new(j, "text", text)
				    : (json_decref(text), json_object_set_new(j, "hex",
									      jhex(e->data, e->len))));
		break;
	}
	case STORE_META_OTHER:
		bad = json_object_set_new(j, "kind", json_string("meta")) ||
		      json_object_set_new(j, "key_hex", jhex(e->key, e->klen)) ||
		      json_object_set_new(j, "value_hex", jhex(e->data, e->len));
		break;
	}
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *dump_day_json(uint32_t day, const struct store_day *d)
{
	char date[32];
	time_format_rfc3339((int64_t)day * DAY_MS, date);
	date[10] = '\0';
	return json_pack("{s:s, s:s, s:I, s:I}", "kind", "day", "date", date, "opened",
			 (json_int_t)d->opened, "closed", (json_int_t)d->closed);
}

json_t *dump_raw_json(enum store_db db, const void *key, size_t klen, const void *val,
		      size_t vlen)
{
	json_t *j = json_object();
	if (!j || json_object_set_new(j, "kind", json_string("raw")) ||
	    json_object_set_new(j, "db", json_string(store_db_name(db))) ||
	    json_object_set_new(j, "key_hex", jhex(key, klen)) ||
	    json_object_set_new(j, "value_hex", jhex(val, vlen))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

bool dump_value_kind(const char *kind)
{
	return !strcmp(kind, "seq") || !strcmp(kind, "doc") || !strcmp(kind, "meta") ||
	       !strcmp(kind, "raw") || !strcmp(kind, "day");
}

/* The table a raw line names, if dump writes such lines for it. */
static int raw_db(const char *name, enum store_db *out)
{
	for (int db = 0; name && db < DB_COUNT; db++)
		if (store_db_is_raw((enum store_db)db) && !strcmp(store_db_name(db), name)) {
			*out = (enum store_db)db;
			return 0;
		}
	return -1;
}

static int hex_decode(const char *hex, unsigned char **out, size_t *len)
{
	size_t n = strlen(hex);
	*out = NULL;
	*len = 0;
	if (n % 2)
		return -1;
	*out = malloc(n / 2 + 1);
	if (!*out)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1])) {
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

/* "YYYY-MM-DD" as dump writes it: the date must format back to itself. */
static int date_parse(const char *s, uint32_t *day)
{
	int y, m, d;
	char back[32];
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1970 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return -1;
	/* days from civil (Howard Hinnant), for years from 1970 */
	int yy = m <= 2 ? y - 1 : y;
	int era = yy / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = (long)era * 146097 + (long)doe - 719468;
	if (days < 0 || days > (long)UINT32_MAX)
		return -1;
	time_format_rfc3339((int64_t)days * DAY_MS, back);
	if (strncmp(back, s, 10))
		return -1;
	*day = (uint32_t)days;
	return 0;
}

static const char *str_field(const json_t *j, const char *name)
{
	return json_string_value(json_object_get(j, name));
}

/* Only the names a kind has; a dump from a newer deskctl is refused
 * rather than partly restored. */
static bool only_fields(const json_t *j, const char *const *names, char *why, size_t size)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		bool known = !strcmp(key, "kind");
		for (const char *const *n = names; *n && !known; n++)
			known = !strcmp(key, *n);
		if (!known) {
			snprintf(why, size, "unknown field \"%.64s\"", key);
			return false;
		}
	}
	return true;
}

static int parse(const json_t *j, const char *kind, struct dump_value *v, char *why,
		 size_t size)
{
	if (!strcmp(kind, "seq")) {
		static const char *const names[] = { "name", "value", NULL };
		json_t *value = json_object_get(j, "value");
		v->kind = VALUE_SEQ;
		if (!only_fields(j, names, why, size))
			return -1;
		if (!str_field(j, "name") || !json_is_integer(value)) {
			snprintf(why, size, "a sequence needs a name and a whole-number value");
			return -1;
		}
		v->seq = (uint64_t)json_integer_value(value);
		v->name = strdup(str_field(j, "name"));
		return v->name ? 0 : -1;
	}
	if (!strcmp(kind, "doc")) {
		static const char *const names[] = { "name", "text", "hex", NULL };
		const char *text = str_field(j, "text"), *hex = str_field(j, "hex");
		v->kind = VALUE_DOC;
		if (!only_fields(j, names, why, size))
			return -1;
		if (!str_field(j, "name") || !text == !hex) {
			snprintf(why, size, "a document needs a name and either text or hex");
			return -1;
		}
		v->name = strdup(str_field(j, "name"));
		if (!v->name)
			return -1;
		if (hex) {
			if (hex_decode(hex, &v->data, &v->len) == 0)
				return 0;
			snprintf(why, size, "hex: not hexadecimal");
			return -1;
		}
		v->len = json_string_length(json_object_get(j, "text"));
		v->data = malloc(v->len + 1);
		if (!v->data)
			return -1;
		memcpy(v->data, text, v->len);
		return 0;
	}
	if (!strcmp(kind, "meta") || !strcmp(kind, "raw")) {
		static const char *const meta_names[] = { "key_hex", "value_hex", NULL };
		static const char *const raw_names[] = { "db", "key_hex", "value_hex", NULL };
		bool raw = !strcmp(kind, "raw");
		v->kind = raw ? VALUE_RAW : VALUE_META;
		if (!only_fields(j, raw ? raw_names : meta_names, why, size))
			return -1;
		if (raw && raw_db(str_field(j, "db"), &v->db)) {
			snprintf(why, size, "db must name a table dump writes as stored bytes");
			return -1;
		}
		if (!str_field(j, "key_hex") || !str_field(j, "value_hex") ||
		    hex_decode(str_field(j, "key_hex"), &v->key, &v->klen) ||
		    hex_decode(str_field(j, "value_hex"), &v->data, &v->len) || v->klen == 0) {
			snprintf(why, size, "%s needs key_hex and value_hex in hexadecimal", kind);
			return -1;
		}
		return 0;
	}
	static const char *const names[] = { "date", "opened", "closed", NULL };
	json_t *opened = json_object_get(j, "opened"), *closed = json_object_get(j, "closed");
	v->kind = VALUE_DAY;
	if (!only_fields(j, names, why, size))
		return -1;
	if (!str_field(j, "date") || date_parse(str_field(j, "date"), &v->day)) {
		snprintf(why, size, "date must be YYYY-MM-DD, from 1970 on");
		return -1;
	}
	if (!json_is_integer(opened) || !json_is_integer(closed)) {
		snprintf(why, size, "opened and closed must be whole numbers");
		return -1;
	}
	v->counts.opened = (uint64_t)json_integer_value(opened);
	v->counts.closed = (uint64_t)json_integer_value(closed);
	return 0;
}

int dump_value_parse(const json_t *j, const char *kind, struct dump_value *out, char *why,
		     size_t why_size)
{
	memset(out, 0, sizeof *out);
	snprintf(why, why_size, "out of memory");
	if (parse(j, kind, out, why, why_size) == 0)
		return 0;
	dump_value_free(out);
	return -1;
}

void dump_value_free(struct dump_value *v)
{
	free(v->name);
	free(v->data);
	free(v->key);
	memset(v, 0, sizeof *v);
}
