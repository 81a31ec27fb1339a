/* deskctl user erase: a person's right to be forgotten. The user record
 * stays, so every ticket and event that names the user id stays whole,
 * but it is made anonymous ("Erased user 17", erased-17@invalid), and the
 * address is taken out of every place that carries it as text: outside
 * addresses of tickets, participant events, access requests, mail not yet
 * delivered. One write transaction: all of it or nothing. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "mail_record.h"
#include "person.h"
#include "record.h"
#include "validate.h"

/* Keys gathered by a walk and changed after it (a cursor's table is not
 * changed under it). */
struct keys {
	uint64_t *a, *b;
	size_t n, cap;
};

static int keys_add(struct keys *k, uint64_t a, uint64_t b)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		uint64_t *na = realloc(k->a, cap * sizeof *na);
		if (!na)
			return DK_ERR_NOMEM;
		k->a = na;
		uint64_t *nb = realloc(k->b, cap * sizeof *nb);
		if (!nb)
			return DK_ERR_NOMEM;
		k->b = nb;
		k->cap = cap;
	}
	k->a[k->n] = a;
	k->b[k->n++] = b;
	return 0;
}

static void keys_free(struct keys *k)
{
	free(k->a);
	free(k->b);
	memset(k, 0, sizeof *k);
}

struct erase {
	const char *email;          /* as given */
	char folded[EMAIL_MAX_BYTES + 1];
	/* results */
	uint64_t id;
	char name[64], address[64];
	size_t sessions, tickets, events, requests, mail;
	size_t other_admins;        /* enabled admins besides this user */
	char why[160];              /* DK_ERR_CONFLICT */
	/* during the run */
	struct store_txn *txn;
	uint8_t (*skeys)[32];
	size_t n_skeys;
	struct keys found;
};

static int count_admin(const struct user *u, void *arg)
{
	struct erase *e = arg;
	if (u->id != e->id && !u->disabled)
		e->other_admins++;
	return 0;
}

static int on_session(const uint8_t key[32], const struct session *s, void *arg)
{
	struct erase *e = arg;
	(void)s;
	uint8_t(*n)[32] = realloc(e->skeys, (e->n_skeys + 1) * sizeof *n);
	if (!n)
		return DK_ERR_NOMEM;
	e->skeys = n;
	memcpy(e->skeys[e->n_skeys++], key, 32);
	return 0;
}

static int on_ticket(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct erase *e = arg;
	struct ticket t;
	if (klen != 8 || ticket_decode(val, vlen, &t))
		return 0;
	bool hit = id_list_has(t.followers, t.n_followers, e->id);
	for (size_t i = 0; !hit && i < t.n_external_emails; i++)
		hit = person_address_is(t.external_emails[i], e->folded);
	ticket_free(&t);
	return hit ? keys_add(&e->found, person_be64(key), 0) : 0;
}

static bool event_names(const struct ticket_event *ev, const char *folded)
{
	return person_address_is(ev->old_value, folded) || person_address_is(ev->new_value, folded);
}

static int on_event(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct erase *e = arg;
	struct ticket_event ev;
	if (klen != 12 || ticket_event_decode(val, vlen, &ev))
		return 0;
	bool hit = event_names(&ev, e->folded);
	ticket_event_free(&ev);
	return hit ? keys_add(&e->found, person_be64(key), person_be32((const uint8_t *)key + 8))
		   : 0;
}

static int on_request(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct erase *e = arg;
	struct access_request a;
	if (klen != 8 || access_request_decode(val, vlen, &a))
		return 0;
	bool hit = person_address_is(a.email, e->folded) || a.user_id == e->id;
	access_request_free(&a);
	return hit ? keys_add(&e->found, person_be64(key), 0) : 0;
}

static int on_mail(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	struct erase *e = arg;
	if (!person_address_is(m->rcpt, e->folded))
		return 0;
	/* mail_failed positions have no due time: told apart by the walk */
	return keys_add(&e->found, (uint64_t)pos->due_ms, m->seq);
}

static int erase_user(struct erase *e, const struct user *old)
{
	struct user u;
	int rc = user_copy(&u, old);
	if (rc)
		return rc;
	snprintf(e->name, sizeof e->name, "Erased user %llu", (unsigned long long)old->id);
	snprintf(e->address, sizeof e->address, "erased-%llu@invalid",
		 (unsigned long long)old->id);
	rc = str_set(&u.name, e->name);
	if (rc == 0)
		rc = str_set(&u.email, e->address);
	if (rc == 0)
		rc = str_set(&u.phone, NULL);
	if (rc == 0)
		rc = str_set(&u.password_hash, NULL);
	if (rc == 0)
		rc = str_set(&u.language, NULL);
	u.disabled = true;
	u.approver = false;
	u.contact = 0;
	u.updated_ms = ctl_now_ms();
	if (rc == 0)
		rc = store_user_put(e->txn, old, &u);
	user_free(&u);
	return rc;
}

static int erase_tickets(struct erase *e)
{
	int rc = store_each(e->txn, DB_TICKETS, on_ticket, e);
	for (size_t i = 0; rc == 0 && i < e->found.n; i++) {
		struct ticket old, t;
		rc = store_ticket_get(e->txn, e->found.a[i], &old);
		if (rc == 0)
			rc = ticket_copy(&t, &old);
		if (rc) {
			ticket_free(&old);
			break;
		}
		/* they will hear nothing more; outside addresses are folded */
		id_list_remove(t.followers, &t.n_followers, e->id);
		str_list_remove(t.external_emails, &t.n_external_emails, e->folded);
		rc = store_ticket_put(e->txn, &old, &t);
		ticket_free(&old);
		ticket_free(&t);
		e->tickets++;
	}
	keys_free(&e->found);
	return rc;
}

static int erase_events(struct erase *e)
{
	int rc = store_each(e->txn, DB_EVENTS, on_event, e);
	for (size_t i = 0; rc == 0 && i < e->found.n; i++) {
		struct ticket_event ev;
		rc = store_event_get(e->txn, e->found.a[i], (uint32_t)e->found.b[i], &ev);
		if (rc)
			break;
		if (person_address_is(ev.old_value, e->folded))
			rc = str_set(&ev.old_value, e->address);
		if (rc == 0 && person_address_is(ev.new_value, e->folded))
			rc = str_set(&ev.new_value, e->address);
		if (rc == 0)
			rc = store_event_replace(e->txn, &ev);
		ticket_event_free(&ev);
		e->events++;
	}
	keys_free(&e->found);
	return rc;
}

static int erase_requests(struct erase *e)
{
	int rc = store_each(e->txn, DB_ACCESS_REQUESTS, on_request, e);
	for (size_t i = 0; rc == 0 && i < e->found.n; i++) {
		struct access_request old, a;
		rc = store_access_get(e->txn, e->found.a[i], &old);
		if (rc)
			break;
		a = old;
		a.email = e->address;
		a.name = e->name;
		a.phone = NULL;
		a.function = NULL;
		rc = store_access_put(e->txn, &old, &a);
		access_request_free(&old);
		e->requests++;
	}
	keys_free(&e->found);
	return rc;
}

/* Undelivered mail to the address goes: it would only tell the address
 * again, to a server, after the person asked to be forgotten. */
static int erase_mail(struct erase *e)
{
	int rc = store_outbox_walk(e->txn, NULL, on_mail, e);
	for (size_t i = 0; rc == 0 && i < e->found.n; i++)
		rc = store_outbox_del(e->txn, (int64_t)e->found.a[i], e->found.b[i]);
	e->mail += rc == 0 ? e->found.n : 0;
	keys_free(&e->found);
	if (rc == 0)
		rc = store_mail_failed_walk(e->txn, 0, on_mail, e);
	for (size_t i = 0; rc == 0 && i < e->found.n; i++)
		rc = store_mail_failed_del(e->txn, e->found.b[i]);
	e->mail += rc == 0 ? e->found.n : 0;
	keys_free(&e->found);
	return rc;
}

static int erase_fn(struct store_txn *txn, void *arg)
{
	struct erase *e = arg;
	struct user old;

	/* store_write may run this again: start from nothing each time */
	e->txn = txn;
	e->sessions = e->tickets = e->events = e->requests = e->mail = e->other_admins = 0;
	e->why[0] = '\0';
	free(e->skeys);
	e->skeys = NULL;
	e->n_skeys = 0;
	keys_free(&e->found);
	int rc = store_user_by_email(txn, e->folded, &old);
	if (rc)
		return rc;
	e->id = old.id;
	if (old.role == ROLE_ADMIN) {
		rc = store_users_by_role(txn, ROLE_ADMIN, count_admin, e);
		if (rc == 0 && e->other_admins == 0) {
			snprintf(e->why, sizeof e->why,
				 "%s is the last admin: add another admin first", e->email);
			rc = DK_ERR_CONFLICT;
		}
	}
	if (rc == 0)
		rc = erase_user(e, &old);
	user_free(&old);
	if (rc == 0)
		rc = store_sessions_of(txn, e->id, e->folded, on_session, e);
	for (size_t i = 0; rc == 0 && i < e->n_skeys; i++)
		rc = store_session_del(txn, e->skeys[i]);
	e->sessions = e->n_skeys;
	if (rc == 0)
		rc = erase_tickets(e);
	if (rc == 0)
		rc = erase_events(e);
	if (rc == 0)
		rc = erase_requests(e);
	if (rc == 0)
		rc = erase_mail(e);
	return rc;
}

/* Without --yes a person at a terminal confirms; a script must say so. */
static int confirm(const char *email)
{
	char line[16];
	if (!isatty(STDIN_FILENO)) {
		ctl_error("erasing %s cannot be undone: give --yes; nothing changed", email);
		return CTL_USAGE;
	}
	fprintf(stderr, "Erase %s everywhere? This cannot be undone. Type yes: ", email);
	if (!fgets(line, sizeof line, stdin) || strcmp(line, "yes\n")) {
		ctl_error("not confirmed; nothing changed");
		return CTL_USAGE;
	}
	return -1;
}

int cmd_user_erase(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "erase");
	struct erase e;
	bool yes = false;
	int opt;
	memset(&e, 0, sizeof e);
	while ((opt = getopt_long(argc, argv, "e:yjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': e.email = optarg; break;
		case 'y': yes = true; break;
		case 'j': c->json = true; break;
		default: return ctl_getopt_done(cmd, opt);
		}
	}
	if (optind != argc || !e.email)
		return ctl_getopt_done(cmd, '?');
	if (!*e.email || strlen(e.email) > EMAIL_MAX_BYTES) {
		ctl_error("--email: \"%s\" is not an e-mail address", e.email);
		return CTL_USAGE;
	}
	int rc = yes ? -1 : confirm(e.email);
	if (rc >= 0)
		return rc;
	rc = ctl_open(c, false);
	if (rc)
		return rc;
	email_fold(e.email, e.folded, sizeof e.folded);
	rc = store_write(c->store, erase_fn, &e);
	free(e.skeys);
	keys_free(&e.found);
	if (rc == DK_ERR_NOTFOUND)
		ctl_error("no user with e-mail %s; nothing changed", e.email);
	else if (rc == DK_ERR_CONFLICT)
		ctl_error("%s; nothing changed", e.why);
	else if (rc)
		ctl_error("cannot erase %s: %s; nothing changed", e.email, dk_strerror(rc));
	if (rc)
		return CTL_FAIL;
	if (c->json)
		ctl_print_json(json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "id",
					 (json_int_t)e.id, "name", e.name, "email", e.address,
					 "sessions_ended", (json_int_t)e.sessions, "tickets",
					 (json_int_t)e.tickets, "events", (json_int_t)e.events,
					 "access_requests", (json_int_t)e.requests, "mail_removed",
					 (json_int_t)e.mail));
	else
		printf("user %llu erased: now \"%s\" <%s>; %zu session%s ended, %zu ticket%s, "
		       "%zu event%s and %zu access request%s changed, %zu message%s removed\n",
		       (unsigned long long)e.id, e.name, e.address, e.sessions,
		       e.sessions == 1 ? "" : "s", e.tickets, e.tickets == 1 ? "" : "s", e.events,
		       e.events == 1 ? "" : "s", e.requests, e.requests == 1 ? "" : "s", e.mail,
		       e.mail == 1 ? "" : "s");
	return CTL_OK;
}
