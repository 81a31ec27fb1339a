/* Record helpers: enum names, freeing, deep copies, id and string lists. */
#include <stdlib.h>
#include <string.h>

#include "dk_err.h"
#include "record.h"

static const char *const role_names[] = {
	[ROLE_CUSTOMER] = "customer",
	[ROLE_ORG_CUSTOMER] = "org-customer",
	[ROLE_AGENT] = "agent",
	[ROLE_ADMIN] = "admin",
};

static const char *const event_kind_names[] = {
	[EVENT_CREATED] = "created",
	[EVENT_COMMENT] = "comment",
	[EVENT_FIELD] = "field",
	[EVENT_STATUS] = "status",
	[EVENT_FOLLOW] = "follow",
	[EVENT_UNFOLLOW] = "unfollow",
	[EVENT_TIME] = "time",
	[EVENT_PARTICIPANT] = "participant",
	[EVENT_REDACTION] = "redaction",
	[EVENT_LINK] = "link",
	[EVENT_APPROVAL] = "approval",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *role_name(enum role r)
{
	if ((unsigned)r >= N_ELEMS(role_names))
		return NULL;
	return role_names[r];
}

int role_parse(const char *s, enum role *out)
{
	size_t i;

	if (!s)
		return DK_ERR_INVALID;
	for (i = 0; i < N_ELEMS(role_names); i++) {
		if (role_names[i] && strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return DK_ERR_INVALID;
}

bool role_is_staff(enum role r)
{
	return r == ROLE_AGENT || r == ROLE_ADMIN;
}

const char *event_kind_name(enum event_kind k)
{
	if ((unsigned)k >= N_ELEMS(event_kind_names))
		return NULL;
	return event_kind_names[k];
}

void user_free(struct user *u)
{
	if (!u)
		return;
	free(u->email);
	free(u->name);
	free(u->password_hash);
	free(u->language);
	free(u->phone);
	memset(u, 0, sizeof(*u));
}

void org_free(struct org *o)
{
	if (!o)
		return;
	free(o->name);
	str_list_free(o->services, o->n_services);
	str_list_free(o->domains, o->n_domains);
	memset(o, 0, sizeof(*o));
}

void ticket_free(struct ticket *t)
{
	if (!t)
		return;
	free(t->title);
	free(t->description);
	free(t->type);
	free(t->status);
	free(t->channel);
	free(t->followers);
	free(t->participants);
	free(t->request_type);
	free(t->service);
	free(t->subcategory);
	free(t->fields);
	str_list_free(t->external_emails, t->n_external_emails);
	free(t->assignee_group);
	free(t->resolution_code);
	free(t->cause);
	free(t->related);
	free(t->rating_comment);
	memset(t, 0, sizeof(*t));
}

void ticket_event_free(struct ticket_event *e)
{
	if (!e)
		return;
	free(e->body);
	free(e->field);
	free(e->old_value);
	free(e->new_value);
	memset(e, 0, sizeof(*e));
}

void session_free(struct session *s)
{
	if (!s)
		return;
	free(s->csrf);
	free(s->label);
	free(s->email);
	free(s->name);
	free(s->language);
	memset(s, 0, sizeof(*s));
}

void access_request_free(struct access_request *a)
{
	if (!a)
		return;
	free(a->email);
	free(a->name);
	free(a->phone);
	free(a->function);
	free(a->language);
	free(a->reason);
	memset(a, 0, sizeof(*a));
}

const char *access_state_name(enum access_state s)
{
	switch (s) {
	case ACCESS_PENDING: return "pending";
	case ACCESS_APPROVED: return "approved";
	case ACCESS_REFUSED: return "refused";
	}
	return NULL;
}

int access_state_parse(const char *s, enum access_state *out)
{
	for (int i = ACCESS_PENDING; i <= ACCESS_STATE_LAST; i++)
		if (s && strcmp(s, access_state_name((enum access_state)i)) == 0) {
			*out = (enum access_state)i;
			return 0;
		}
	return DK_ERR_INVALID;
}

/* Copies *s into *d; NULL stays NULL. 0 or DK_ERR_NOMEM. */
static int dup_str(char **d, const char *s)
{
	*d = NULL;
	if (!s)
		return 0;
	*d = strdup(s);
	return *d ? 0 : DK_ERR_NOMEM;
}

static int dup_ids(uint64_t **d, const uint64_t *s, size_t n)
{
	*d = NULL;
	if (!s || n == 0)
		return 0;
	*d = malloc(n * sizeof(**d));
	if (!*d)
		return DK_ERR_NOMEM;
	memcpy(*d, s, n * sizeof(**d));
	return 0;
}

/* Copies n strings; *d is NULL for an empty list. On failure *d is NULL
 * and nothing is left allocated. */
static int dup_strs(char ***d, char *const *s, size_t n)
{
	char **p;
	size_t i;

	*d = NULL;
	if (!s || n == 0)
		return 0;
	p = calloc(n, sizeof(*p));
	if (!p)
		return DK_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (dup_str(&p[i], s[i])) {
			str_list_free(p, i);
			return DK_ERR_NOMEM;
		}
	}
	*d = p;
	return 0;
}

/* Both copies build in a local so that a failure leaves dst zeroed and never
 * frees anything src still owns. */
int user_copy(struct user *dst, const struct user *src)
{
	struct user u = *src;

	u.email = u.name = u.password_hash = u.language = u.phone = NULL;
	if (dup_str(&u.email, src->email) ||
	    dup_str(&u.name, src->name) ||
	    dup_str(&u.password_hash, src->password_hash) ||
	    dup_str(&u.language, src->language) ||
	    dup_str(&u.phone, src->phone))
		goto fail;
	*dst = u;
	return 0;
fail:
	user_free(&u);
	memset(dst, 0, sizeof(*dst));
	return DK_ERR_NOMEM;
}

int ticket_copy(struct ticket *dst, const struct ticket *src)
{
	struct ticket t = *src;

	t.title = t.description = t.type = t.status = t.channel = NULL;
	t.request_type = t.service = t.subcategory = t.fields = NULL;
	t.assignee_group = t.resolution_code = t.cause = t.rating_comment = NULL;
	t.followers = t.participants = t.related = NULL;
	t.external_emails = NULL;
	if (dup_str(&t.title, src->title) ||
	    dup_str(&t.description, src->description) ||
	    dup_str(&t.type, src->type) ||
	    dup_str(&t.status, src->status) ||
	    dup_str(&t.channel, src->channel) ||
	    dup_ids(&t.followers, src->followers, src->n_followers) ||
	    dup_ids(&t.participants, src->participants, src->n_participants) ||
	    dup_str(&t.request_type, src->request_type) ||
	    dup_str(&t.service, src->service) ||
	    dup_str(&t.subcategory, src->subcategory) ||
	    dup_str(&t.fields, src->fields) ||
	    dup_strs(&t.external_emails, src->external_emails, src->n_external_emails) ||
	    dup_str(&t.assignee_group, src->assignee_group) ||
	    dup_str(&t.resolution_code, src->resolution_code) ||
	    dup_str(&t.cause, src->cause) ||
	    dup_ids(&t.related, src->related, src->n_related) ||
	    dup_str(&t.rating_comment, src->rating_comment))
		goto fail;
	if (!t.followers)
		t.n_followers = 0;
	if (!t.participants)
		t.n_participants = 0;
	if (!t.external_emails)
		t.n_external_emails = 0;
	if (!t.related)
		t.n_related = 0;
	*dst = t;
	return 0;
fail:
	ticket_free(&t);
	memset(dst, 0, sizeof(*dst));
	return DK_ERR_NOMEM;
}

int org_copy(struct org *dst, const struct org *src)
{
	struct org o = *src;

	o.name = NULL;
	o.services = NULL;
	o.domains = NULL;
	if (dup_str(&o.name, src->name) ||
	    dup_strs(&o.services, src->services, src->n_services) ||
	    dup_strs(&o.domains, src->domains, src->n_domains))
		goto fail;
	if (!o.services)
		o.n_services = 0;
	if (!o.domains)
		o.n_domains = 0;
	*dst = o;
	return 0;
fail:
	org_free(&o);
	memset(dst, 0, sizeof(*dst));
	return DK_ERR_NOMEM;
}

bool id_list_has(const uint64_t *ids, size_t n, uint64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

int id_list_add(uint64_t **ids, size_t *n, uint64_t id)
{
	uint64_t *p;

	if (id_list_has(*ids, *n, id))
		return 0;
	if (*n >= SIZE_MAX / sizeof(**ids) - 1)
		return DK_ERR_NOMEM;
	/* Lists are a handful of users; growing by one keeps it simple. */
	p = realloc(*ids, (*n + 1) * sizeof(**ids));
	if (!p)
		return DK_ERR_NOMEM;
	p[*n] = id;
	*ids = p;
	(*n)++;
	return 0;
}

/* Keeps the order of the remaining ids; the allocation is not shrunk. */
void id_list_remove(uint64_t *ids, size_t *n, uint64_t id)
{
	size_t i, j = 0;

	for (i = 0; i < *n; i++)
		if (ids[i] != id)
			ids[j++] = ids[i];
	*n = j;
}

int str_set(char **slot, const char *value)
{
	char *copy = value ? strdup(value) : NULL;
	if (value && !copy)
		return DK_ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

bool str_list_has(char *const *list, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; list && i < n; i++)
		if (list[i] && strcmp(list[i], s) == 0)
			return true;
	return false;
}

int str_list_add(char ***list, size_t *n, const char *s)
{
	char **p, *copy;

	if (!s)
		return DK_ERR_INVALID;
	if (str_list_has(*list, *n, s))
		return 0;
	if (*n >= SIZE_MAX / sizeof(**list) - 1)
		return DK_ERR_NOMEM;
	copy = strdup(s);
	if (!copy)
		return DK_ERR_NOMEM;
	p = realloc(*list, (*n + 1) * sizeof(**list));
	if (!p) {
		free(copy);
		return DK_ERR_NOMEM;
	}
	p[*n] = copy;
	*list = p;
	(*n)++;
	return 0;
}

void str_list_remove(char **list, size_t *n, const char *s)
{
	size_t i, j = 0;

	if (!list || !s)
		return;
	for (i = 0; i < *n; i++) {
		if (list[i] && strcmp(list[i], s) == 0)
			free(list[i]);
		else
			list[j++] = list[i];
	}
	*n = j;
}

void str_list_free(char **list, size_t n)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
