/* Record helpers: enum names, freeing, deep copies and id lists. */
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
	memset(s, 0, sizeof(*s));
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
	t.followers = t.participants = NULL;
	if (dup_str(&t.title, src->title) ||
	    dup_str(&t.description, src->description) ||
	    dup_str(&t.type, src->type) ||
	    dup_str(&t.status, src->status) ||
	    dup_str(&t.channel, src->channel) ||
	    dup_ids(&t.followers, src->followers, src->n_followers) ||
	    dup_ids(&t.participants, src->participants, src->n_participants))
		goto fail;
	if (!t.followers)
		t.n_followers = 0;
	if (!t.participants)
		t.n_participants = 0;
	*dst = t;
	return 0;
fail:
	ticket_free(&t);
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
