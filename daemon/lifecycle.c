#include "lifecycle.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "sensitive.h"

void lifecycle_contract(const struct org *o, struct contract *k)
{
	memset(k, 0, sizeof *k);
	if (!o)
		return;
	k->services = o->services;
	k->n_services = o->n_services;
	k->priority_mode = (enum priority_mode)o->priority_mode;
	k->share_by_default = o->share_by_default;
}

static const char *lang_known(const char *s)
{
	static const char *const langs[] = { "en", "nl", "sv" };
	for (size_t i = 0; i < 3; i++)
		if (s && !strncasecmp(s, langs[i], 2) && (s[2] == '\0' || s[2] == '-' || s[2] == '_' ||
							   s[2] == ';' || s[2] == ','))
			return langs[i];
	return NULL;
}

const char *lifecycle_lang(struct req *r)
{
	const char *l = lang_known(r->user.language);
	if (l)
		return l;
	/* The first listed language we have; weights are rarely out of order. */
	const char *accept = http_header(r, "Accept-Language");
	while (accept && *accept) {
		while (*accept == ' ' || *accept == ',')
			accept++;
		if ((l = lang_known(accept)))
			return l;
		accept = strchr(accept, ',');
	}
	return "en";
}

json_t *lifecycle_sensitive(const char *field, const char *text, ...)
{
	struct sensitive_hit hits[16];
	json_t *all = NULL;
	va_list ap;
	va_start(ap, text);
	while (field) {
		size_t n = text ? sensitive_scan(text, hits, 16) : 0;
		if (n > 16)
			n = 16;
		if (n) {
			if (!all)
				all = json_array();
			json_t *some = sensitive_hits_json(field, hits, n);
			if (all && some)
				json_array_extend(all, some);
			json_decref(some);
		}
		field = va_arg(ap, const char *);
		if (field)
			text = va_arg(ap, const char *);
	}
	va_end(ap);
	return all ? json_pack("{s:o}", "hits", all) : NULL;
}

enum wf_actor lifecycle_actor(const struct req *r)
{
	return role_is_staff(r->who.role) ? WF_ACTOR_AGENT : WF_ACTOR_CUSTOMER;
}
