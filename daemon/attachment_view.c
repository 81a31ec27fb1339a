#include "attachment_view.h"

#include <stdio.h>

#include "dk_err.h"
#include "json_map.h"
#include "store.h"
#include "validate.h"

json_t *attachment_view_json(const struct attachment *a, const char *prefix)
{
	char ref[48], url[128], created[32];
	ticket_ref_format(ref, sizeof ref, prefix, a->ticket_id);
	snprintf(url, sizeof url, "/api/v1/tickets/%s/attachments/%llu", ref,
		 (unsigned long long)a->id);
	time_format_rfc3339(a->created_ms, created);
	/* the declared type is only a label: serving goes by the sniffed one */
	const char *type = a->declared_type[0] ? a->declared_type : a->sniffed_type;
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:b, s:s, s:I, s:b, s:s}", "id",
			 (json_int_t)a->id, "name", a->name, "size", (json_int_t)a->size, "type",
			 type, "sha256", a->sha256, "image", attachment_type_inline(a->sniffed_type),
			 "url", url, "event", (json_int_t)a->event_seq, "internal", a->internal,
			 "created", created);
}

struct place {
	const struct principal *p;
	const char *prefix;
	json_t *timeline;
	int rc;
};

static int place_one(const struct attachment *a, void *arg)
{
	struct place *pl = arg;
	if (a->internal && !role_is_staff(pl->p->role))
		return 0;
	size_t i;
	json_t *e;
	json_array_foreach(pl->timeline, i, e) {
		if (json_integer_value(json_object_get(e, "seq")) != (json_int_t)a->event_seq)
			continue;
		json_t *list = json_object_get(e, "attachments");
		json_t *j = attachment_view_json(a, pl->prefix);
		if (!j || !list)
			return DK_ERR_NOMEM;
		json_array_append_new(list, j);
		return 0;
	}
	return 0; /* its event is hidden from p */
}

int attachment_view_timeline(struct store_txn *txn, const struct principal *p,
			     uint64_t ticket_id, const char *prefix, json_t *timeline)
{
	size_t i;
	json_t *e;
	json_array_foreach(timeline, i, e) {
		if (json_object_set_new(e, "attachments", json_array()))
			return DK_ERR_NOMEM;
	}
	struct place pl = { p, prefix, timeline, 0 };
	return store_attachments_each(txn, ticket_id, place_one, &pl);
}
