/* Catalogue: built-in definitions, the default catalogue, look-ups, labels
 * and the priority matrix. Import and export are in catalogue_json.c, the
 * caller's view in catalogue_view.c, form checking in catalogue_check.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CATALOGUE_INTERNAL
#include "catalogue_int.h"
#include "dk_err.h"

const char *const cat_lang_codes[N_LANGS] = { "en", "nl", "sv" };

/* Rows are impact 1..3, columns urgency 1..4. */
const uint8_t cat_default_matrix[N_IMPACT][N_URGENCY] = {
	{ 1, 1, 2, 3 },
	{ 1, 2, 3, 4 },
	{ 2, 3, 4, 4 },
};

static const struct std_option environments[] = {
	{ "production", { "Production", "Productie", "Produktionsmiljö" } },
	{ "acceptance", { "Acceptance", "Acceptatie", "Acceptansmiljö" } },
	{ "test", { "Test", "Test", "Testmiljö" } },
	{ "development", { "Development", "Ontwikkeling", "Utvecklingsmiljö" } },
};

static const struct std_option impacts[N_IMPACT] = {
	{ "1", { "Organisation-wide / many users",
		 "Hele organisatie / veel gebruikers",
		 "Hela organisationen / många användare" } },
	{ "2", { "A department or group", "Een afdeling of groep",
		 "En avdelning eller grupp" } },
	{ "3", { "One person", "Eén persoon", "En person" } },
};

static const struct std_option urgencies[N_URGENCY] = {
	{ "1", { "Critical", "Kritiek", "Kritisk" } },
	{ "2", { "High", "Hoog", "Hög" } },
	{ "3", { "Medium", "Gemiddeld", "Medel" } },
	{ "4", { "Low", "Laag", "Låg" } },
};

static const struct std_option recurrences[] = {
	{ "once", { "Once", "Eenmalig", "En gång" } },
	{ "recurring", { "Recurring", "Terugkerend", "Återkommande" } },
};

const struct std_field cat_std_fields[N_STD] = {
	[STD_AFFECTED_COMPONENT] = {
		"affected_component", KIND_TEXT, 200,
		{ "Affected component", "Betrokken component", "Berörd komponent" },
		NULL, 0 },
	[STD_ENVIRONMENT] = {
		"environment", KIND_CHOICE, 0,
		{ "System environment", "Systeemomgeving", "Systemmiljö" },
		environments, N_ELEMS(environments) },
	[STD_IMPACT] = {
		"impact", KIND_LEVEL, 0,
		{ "Impact", "Impact", "Påverkan" },
		impacts, N_IMPACT },
	[STD_URGENCY] = {
		"urgency", KIND_LEVEL, 0,
		{ "Urgency", "Urgentie", "Brådskandegrad" },
		urgencies, N_URGENCY },
	[STD_RECURRENCE] = {
		"recurrence", KIND_CHOICE, 0,
		{ "Once or recurring?", "Eenmalig of terugkerend?",
		  "En gång eller återkommande?" },
		recurrences, N_ELEMS(recurrences) },
	[STD_OTHERS_AFFECTED] = {
		"others_affected", KIND_BOOLEAN, 0,
		{ "Are other users affected?", "Hebben andere gebruikers er ook last van?",
		  "Har andra användare samma problem?" },
		NULL, 0 },
};

/* In this order in views; problem and change_request are agents' types. */
static const struct std_option ticket_types[] = {
	{ "incident", { "Incident", "Incident", "Incident" } },
	{ "security_incident", { "Security incident", "Beveiligingsincident",
				 "Säkerhetsincident" } },
	{ "question", { "Question", "Vraag", "Fråga" } },
	{ "service_request", { "Service request", "Serviceverzoek", "Förfrågan" } },
	{ "task", { "Task", "Taak", "Uppgift" } },
	{ "problem", { "Problem", "Probleem", "Problem" } },
	{ "change_request", { "Change request", "Wijzigingsverzoek", "Ändringsbegäran" } },
};

const struct std_option cat_priorities[4] = {
	{ "P1", { "Highest", "Hoogste", "Högsta" } },
	{ "P2", { "High", "Hoog", "Hög" } },
	{ "P3", { "Normal", "Normaal", "Normal" } },
	{ "P4", { "Low", "Laag", "Låg" } },
};

/* ---- the default catalogue, as tables turned into the import format ---- */

struct def_rtype {
	const char *id;
	const char *ticket_type;
	const char *label[N_LANGS];
	const char *description[N_LANGS];
	const char *const *fields;
	const char *const *required;
};

static const char *const incident_fields[] = {
	"affected_component", "environment", "impact", "urgency", "recurrence",
	"others_affected", NULL
};
/* Impact and urgency are asked, not required: a customer cannot always judge
 * them, and support assesses the priority anyway. A catalogue can require
 * them. */
static const char *const incident_required[] = { NULL };
static const char *const task_fields[] = { "environment", "urgency", NULL };
static const char *const no_fields[] = { NULL };

static const struct def_rtype default_rtypes[] = {
	{ "report_incident", "incident",
	  { "Report an incident", "Een incident melden", "Rapportera en incident" },
	  { "Something stops you from doing what you need to do in the system.",
	    "Iets verhindert u om te doen wat u in het systeem moet doen.",
	    "Du är förhindrad att utföra det du ska göra i systemet." },
	  incident_fields, incident_required },
	{ "report_security_incident", "security_incident",
	  { "Report a security incident", "Een beveiligingsincident melden",
	    "Rapportera en säkerhetsincident" },
	  { "Use this form to report an information security incident.",
	    "Gebruik dit formulier om een informatiebeveiligingsincident te melden.",
	    "Använd detta formulär för att rapportera en informationssäkerhetsincident." },
	  incident_fields, incident_required },
	{ "ask_question", "question",
	  { "Ask a question", "Een vraag stellen", "Ställ en fråga" },
	  { "Use this form if you want to ask a question.",
	    "Gebruik dit formulier als u een vraag wilt stellen.",
	    "Använd detta formulär om du vill ställa en fråga." },
	  no_fields, no_fields },
	{ "perform_task", "task",
	  { "Ask us to perform a task", "Vraag ons een taak uit te voeren",
	    "Be oss utföra en uppgift" },
	  { "Use this form if you need something done that is not a fault or an obstacle in the system.",
	    "Gebruik dit formulier als u iets gedaan wilt hebben dat geen fout of belemmering in het systeem is.",
	    "Använd detta formulär om du behöver hjälp att utföra något som inte är ett fel eller hinder i systemet." },
	  task_fields, no_fields },
	{ "request_change", "change_request",
	  { "Request a change", "Een wijziging aanvragen", "Begär en ändring" },
	  { "Use this form to ask for a change to a system, a configuration or a service.",
	    "Gebruik dit formulier om een wijziging aan een systeem, configuratie of dienst aan te vragen.",
	    "Använd detta formulär för att begära en ändring av ett system, en konfiguration eller en tjänst." },
	  task_fields, no_fields },
	{ "portal_help", "question",
	  { "Help with the portal", "Hulp bij het portaal", "Hjälp med supportportalen" },
	  { "Use this form if you need help with, or have a question about, the support portal.",
	    "Gebruik dit formulier als u hulp nodig hebt bij het supportportaal of er een vraag over hebt.",
	    "Använd detta formulär om du behöver hjälp med eller har en fråga om supportportalen." },
	  no_fields, no_fields },
};

struct def_service {
	const char *id;
	const char *label[N_LANGS];
	struct std_option subs[3];
	size_t n_subs;
};

static const struct def_service default_services[] = {
	{ "workplace", { "Workplace", "Werkplek", "Arbetsplats" }, {
		{ "laptop", { "Laptop", "Laptop", "Bärbar dator" } },
		{ "printer", { "Printer", "Printer", "Skrivare" } },
		{ "phone", { "Phone", "Telefoon", "Telefon" } } }, 3 },
	{ "applications", { "Applications", "Applicaties", "Applikationer" }, {
		{ "email", { "E-mail", "E-mail", "E-post" } },
		{ "erp", { "ERP system", "ERP-systeem", "Affärssystem (ERP)" } } }, 2 },
	{ "network", { "Network", "Netwerk", "Nätverk" }, {
		{ "vpn", { "VPN", "VPN", "VPN" } },
		{ "wifi", { "Wi-Fi", "Wifi", "Trådlöst nätverk (wifi)" } } }, 2 },
};

static json_t *labels_pack(const char *const l[N_LANGS])
{
	return json_pack("{s:s, s:s, s:s}", "en", l[LANG_EN], "nl", l[LANG_NL],
			 "sv", l[LANG_SV]);
}

static json_t *ids_pack(const char *const *ids)
{
	json_t *a = json_array();

	for (; a && *ids; ids++)
		if (json_array_append_new(a, json_string(*ids))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *default_doc(void)
{
	json_t *doc, *rts, *svs, *subs, *matrix;
	size_t i, j;

	/* json_pack steals "o" values even when it fails, so nothing leaks. */
	matrix = cat_matrix_json(cat_default_matrix);
	doc = json_pack("{s:i, s:o, s:[], s:[], s:[]}", "version",
			CATALOGUE_FORMAT_VERSION, "priority_matrix", matrix,
			"request_types", "services", "fields");
	if (!doc)
		return NULL;
	rts = json_object_get(doc, "request_types");
	for (i = 0; i < N_ELEMS(default_rtypes); i++) {
		const struct def_rtype *d = &default_rtypes[i];

		if (json_array_append_new(rts, json_pack(
				"{s:s, s:s, s:o, s:o, s:o, s:o, s:[], s:b}",
				"id", d->id, "ticket_type", d->ticket_type,
				"labels", labels_pack(d->label),
				"descriptions", labels_pack(d->description),
				"fields", ids_pack(d->fields),
				"required", ids_pack(d->required),
				"custom_fields", "needs_approval", 0)))
			goto fail;
	}
	svs = json_object_get(doc, "services");
	for (i = 0; i < N_ELEMS(default_services); i++) {
		const struct def_service *d = &default_services[i];
		json_t *s = json_pack("{s:s, s:o, s:[]}", "id", d->id,
				      "labels", labels_pack(d->label),
				      "subcategories");

		if (json_array_append_new(svs, s))
			goto fail;
		subs = json_object_get(s, "subcategories");
		for (j = 0; j < d->n_subs; j++)
			if (json_array_append_new(subs, json_pack("{s:s, s:o}",
					"id", d->subs[j].id,
					"labels", labels_pack(d->subs[j].label))))
				goto fail;
	}
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

struct catalogue *catalogue_default(void)
{
	struct catalogue *c = NULL;
	json_t *doc = default_doc();

	/* One way in: the defaults pass the same checks as an import. */
	if (doc && catalogue_from_json(doc, &c, NULL) != 0)
		c = NULL;
	json_decref(doc);
	return c;
}

/* ---- freeing ---- */

static void text3_free(struct text3 *t)
{
	int i;

	for (i = 0; i < N_LANGS; i++)
		free(t->t[i]);
}

static void options_free(struct cat_option *o, size_t n)
{
	size_t i;

	for (i = 0; o && i < n; i++) {
		free(o[i].id);
		text3_free(&o[i].label);
	}
	free(o);
}

void catalogue_free(struct catalogue *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->rtypes && i < c->n_rtypes; i++) {
		struct cat_rtype *r = &c->rtypes[i];

		free(r->id);
		free(r->ticket_type);
		text3_free(&r->label);
		text3_free(&r->description);
		free(r->std);
		free(r->required);
		free(r->custom);
	}
	free(c->rtypes);
	for (i = 0; c->services && i < c->n_services; i++) {
		free(c->services[i].id);
		text3_free(&c->services[i].label);
		options_free(c->services[i].subs, c->services[i].n_subs);
	}
	free(c->services);
	for (i = 0; c->fields && i < c->n_fields; i++) {
		struct cat_field *f = &c->fields[i];

		free(f->id);
		text3_free(&f->label);
		options_free(f->choices, f->n_choices);
		json_decref(f->min);
		json_decref(f->max);
	}
	free(c->fields);
	free(c);
}

void catalogue_choice_free(struct catalogue_choice *ch)
{
	if (!ch)
		return;
	free(ch->request_type);
	free(ch->ticket_type);
	free(ch->service);
	free(ch->subcategory);
	json_decref(ch->fields);
	memset(ch, 0, sizeof(*ch));
}

/* ---- look-ups ---- */

enum lang cat_lang(const char *code)
{
	int i;

	if (!code)
		return LANG_EN;
	for (i = 0; i < N_LANGS; i++)
		if (strncasecmp(code, cat_lang_codes[i], 2) == 0 &&
		    (code[2] == '\0' || code[2] == '-' || code[2] == '_'))
			return (enum lang)i;
	return LANG_EN;
}

const char *cat_kind_name(enum field_kind k)
{
	switch (k) {
	case KIND_TEXT:
		return "text";
	case KIND_CHOICE:
	case KIND_LEVEL:
		return "choice";
	case KIND_NUMBER:
		return "number";
	case KIND_DATE:
		return "date";
	case KIND_BOOLEAN:
		return "boolean";
	}
	return NULL;
}

int cat_std_find(const char *id)
{
	int i;

	for (i = 0; id && i < N_STD; i++)
		if (strcmp(id, cat_std_fields[i].id) == 0)
			return i;
	return -1;
}

const struct cat_rtype *cat_rtype_find(const struct catalogue *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->n_rtypes; i++)
		if (strcmp(c->rtypes[i].id, id) == 0)
			return &c->rtypes[i];
	return NULL;
}

const struct cat_service *cat_service_find(const struct catalogue *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->n_services; i++)
		if (strcmp(c->services[i].id, id) == 0)
			return &c->services[i];
	return NULL;
}

const struct cat_option *cat_sub_find(const struct cat_service *s, const char *id)
{
	size_t i;

	for (i = 0; id && i < s->n_subs; i++)
		if (strcmp(s->subs[i].id, id) == 0)
			return &s->subs[i];
	return NULL;
}

long cat_field_find(const struct catalogue *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->n_fields; i++)
		if (strcmp(c->fields[i].id, id) == 0)
			return (long)i;
	return -1;
}

bool cat_contract_has(const struct contract *k, const char *id)
{
	size_t i;

	for (i = 0; k && k->services && i < k->n_services; i++)
		if (k->services[i] && strcmp(k->services[i], id) == 0)
			return true;
	return false;
}

const struct std_option *cat_ticket_types(size_t *n)
{
	*n = N_ELEMS(ticket_types);
	return ticket_types;
}

const struct std_option *cat_ticket_type_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < N_ELEMS(ticket_types); i++)
		if (strcmp(id, ticket_types[i].id) == 0)
			return &ticket_types[i];
	return NULL;
}

bool catalogue_ticket_type_valid(const char *type)
{
	return cat_ticket_type_find(type) != NULL;
}

const char *priority_mode_name(enum priority_mode m)
{
	switch (m) {
	case PRIORITY_NONE:
		return "none";
	case PRIORITY_MATRIX:
		return "matrix";
	case PRIORITY_DIRECT:
		return "direct";
	}
	return NULL;
}

int priority_mode_parse(const char *s, enum priority_mode *out)
{
	static const enum priority_mode modes[] = {
		PRIORITY_NONE, PRIORITY_MATRIX, PRIORITY_DIRECT
	};
	size_t i;

	for (i = 0; s && i < N_ELEMS(modes); i++)
		if (strcmp(s, priority_mode_name(modes[i])) == 0) {
			*out = modes[i];
			return 0;
		}
	return DK_ERR_INVALID;
}

uint8_t catalogue_priority(const struct catalogue *c, uint8_t impact,
			   uint8_t urgency)
{
	if (impact == 0)
		impact = LEVEL_DEFAULT;
	if (urgency == 0)
		urgency = LEVEL_DEFAULT;
	if (impact > N_IMPACT || urgency > N_URGENCY)
		return 0;
	return c ? c->matrix[impact - 1][urgency - 1] :
		   cat_default_matrix[impact - 1][urgency - 1];
}

/* A level "1".."n" as an index 0..n-1, or -1. */
static int level_index(const char *id, int n)
{
	if (id[0] < '1' || id[0] > '0' + n || id[1] != '\0')
		return -1;
	return id[0] - '1';
}

static const char *sub_label(const struct catalogue *c, const char *id,
			     enum lang l)
{
	const struct cat_option *o = NULL;
	const char *slash = strchr(id, '/');
	size_t i;

	if (slash) {
		for (i = 0; i < c->n_services; i++)
			if (strlen(c->services[i].id) == (size_t)(slash - id) &&
			    strncmp(c->services[i].id, id, (size_t)(slash - id)) == 0)
				o = cat_sub_find(&c->services[i], slash + 1);
	} else {
		for (i = 0; !o && i < c->n_services; i++)
			o = cat_sub_find(&c->services[i], id);
	}
	return o ? o->label.t[l] : NULL;
}

const char *catalogue_label(const struct catalogue *c, const char *kind,
			    const char *id, const char *lang)
{
	enum lang l = cat_lang(lang);
	const struct std_option *o;
	int i;

	if (!kind || !id)
		return NULL;
	if (strcmp(kind, "ticket_type") == 0) {
		o = cat_ticket_type_find(id);
		return o ? o->label[l] : NULL;
	}
	if (strcmp(kind, "impact") == 0) {
		i = level_index(id, N_IMPACT);
		return i < 0 ? NULL : impacts[i].label[l];
	}
	if (strcmp(kind, "urgency") == 0) {
		i = level_index(id, N_URGENCY);
		return i < 0 ? NULL : urgencies[i].label[l];
	}
	if (strcmp(kind, "priority") == 0) {
		i = (id[0] == 'P') ? level_index(id + 1, 4) : -1;
		return i < 0 ? NULL : cat_priorities[i].label[l];
	}
	if (strcmp(kind, "field") == 0 && (i = cat_std_find(id)) >= 0)
		return cat_std_fields[i].label[l];
	if (!c)
		return NULL;
	if (strcmp(kind, "request_type") == 0) {
		const struct cat_rtype *r = cat_rtype_find(c, id);

		return r ? r->label.t[l] : NULL;
	}
	if (strcmp(kind, "service") == 0) {
		const struct cat_service *s = cat_service_find(c, id);

		return s ? s->label.t[l] : NULL;
	}
	if (strcmp(kind, "subcategory") == 0)
		return sub_label(c, id, l);
	if (strcmp(kind, "field") == 0) {
		long f = cat_field_find(c, id);

		return f < 0 ? NULL : c->fields[f].label.t[l];
	}
	return NULL;
}
