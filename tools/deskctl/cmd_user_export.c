/* deskctl user export: everything stored about one person, as one JSON
 * document (a data subject's copy of their data). Secrets stay out: a
 * password is reported as set or not, sessions without their hashes.
 * Tickets and timelines have no index by person other than the lists, so
 * every ticket and event is read: an administrator's rare question. */
#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "deskctl.h"
#include "dk_err.h"
#include "json_map.h"
#include "mail_record.h"
#include "person.h"
#include "validate.h"

struct export {
	struct ctl *c;
	struct store_txn *txn;
	const struct user *u;
	const char *email;     /* folded */
	struct principal who;  /* what a person in their role may see */
	json_t *tickets, *written, *following, *sessions, *requests, *mail;
	int err;               /* NOMEM while building */
};

static void push(struct export *x, json_t *arr, json_t *item)
{
	if (!item || json_array_append_new(arr, item))
		x->err = DK_ERR_NOMEM;
}

static json_t *time_json(int64_t ms)
{
	char t[32];
	if (ms <= 0)
		return json_null();
	time_format_rfc3339(ms, t);
	return json_string(t);
}

const char *person_session_kind(enum session_kind k)
{
	switch (k) {
	case SESSION_BROWSER: return "browser";
	case SESSION_API_TOKEN: return "api_token";
	case SESSION_ACTIVATION: return "activation";
	case SESSION_RESET: return "reset";
	case SESSION_INVITATION: return "invitation";
	}
	return "unknown";
}

bool person_address_is(const char *s, const char *folded)
{
	return s && folded && *folded && !strcasecmp(s, folded);
}

static int on_session(const uint8_t key[32], const struct session *s, void *arg)
{
	struct export *x = arg;
	(void)key;
	push(x, x->sessions,
	     json_pack("{s:s, s:s?, s:o, s:o}", "kind", person_session_kind(s->kind), "label",
		       s->label, "created", time_json(s->created_ms), "expires",
		       time_json(s->expires_ms)));
	return x->err;
}

struct timeline {
	struct export *x;
	json_t *events;
};

static int on_event(const struct ticket_event *e, void *arg)
{
	struct timeline *tl = arg;
	if (access_event_visible(&tl->x->who, e))
		push(tl->x, tl->events, ticket_event_to_json(e));
	return tl->x->err;
}

/* How the person is involved in t, as a list of words (empty: not). */
static json_t *involvement(const struct export *x, const struct ticket *t)
{
	uint64_t id = x->u->id;
	json_t *a = json_array();
	if (!a)
		return NULL;
	if (t->requester_id == id)
		json_array_append_new(a, json_string("requester"));
	if (t->creator_id == id)
		json_array_append_new(a, json_string("creator"));
	if (id_list_has(t->participants, t->n_participants, id))
		json_array_append_new(a, json_string("participant"));
	if (id_list_has(t->followers, t->n_followers, id))
		json_array_append_new(a, json_string("follower"));
	if (t->assignee_id == id)
		json_array_append_new(a, json_string("assignee"));
	if (t->approver_id == id)
		json_array_append_new(a, json_string("approver"));
	for (size_t i = 0; i < t->n_external_emails; i++)
		if (person_address_is(t->external_emails[i], x->email)) {
			json_array_append_new(a, json_string("outside_address"));
			break;
		}
	return a;
}

static int on_ticket(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct export *x = arg;
	struct ticket t;
	if (klen != 8 || ticket_decode(val, vlen, &t))
		return 0; /* verify reports it */
	t.id = person_be64(key);
	json_t *inv = involvement(x, &t);
	if (!inv) {
		ticket_free(&t);
		return DK_ERR_NOMEM;
	}
	if (json_array_size(inv) == 0) {
		json_decref(inv);
		ticket_free(&t);
		return 0;
	}
	char ref[48];
	ticket_ref_format(ref, sizeof ref, x->c->cfg.ticket_prefix, t.id);
	if (id_list_has(t.followers, t.n_followers, x->u->id))
		push(x, x->following, json_string(ref));
	json_t *j = ticket_to_json(&t, x->c->cfg.ticket_prefix);
	struct timeline tl = { x, json_array() };
	int rc = j && tl.events ? store_events_each(x->txn, t.id, on_event, &tl) : DK_ERR_NOMEM;
	if (rc == 0 && !x->err) {
		json_object_set_new(j, "involvement", inv);
		json_object_set_new(j, "timeline", tl.events);
		push(x, x->tickets, j);
	} else {
		json_decref(inv);
		json_decref(tl.events);
		json_decref(j);
	}
	ticket_free(&t);
	return rc ? rc : x->err;
}

static int on_any_event(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct export *x = arg;
	struct ticket_event e;
	if (klen != 12 || ticket_event_decode(val, vlen, &e))
		return 0;
	if (e.actor_id == x->u->id) {
		char ref[48];
		e.ticket_id = person_be64(key);
		e.seq = person_be32((const uint8_t *)key + 8);
		ticket_ref_format(ref, sizeof ref, x->c->cfg.ticket_prefix, e.ticket_id);
		json_t *j = ticket_event_to_json(&e);
		if (j)
			json_object_set_new(j, "ticket", json_string(ref));
		push(x, x->written, j);
	}
	ticket_event_free(&e);
	return x->err;
}

static int on_request(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	struct export *x = arg;
	struct access_request a;
	if (klen != 8 || access_request_decode(val, vlen, &a))
		return 0;
	a.id = person_be64(key);
	uint64_t id = x->u->id;
	if (a.requester_id == id || a.user_id == id || a.decided_by == id ||
	    person_address_is(a.email, x->email))
		push(x, x->requests, access_request_to_json(&a));
	access_request_free(&a);
	return x->err;
}

static int mail_one(struct export *x, const struct mail_msg *m, const char *state)
{
	char subject[256];
	if (!person_address_is(m->rcpt, x->email))
		return 0;
	mail_header_get(m->data, m->len, "Subject", subject, sizeof subject);
	push(x, x->mail, json_pack("{s:I, s:s, s:s, s:o, s:s}", "seq", (json_int_t)m->seq, "state",
				   state, "to", m->rcpt, "created", time_json(m->created_ms),
				   "subject", subject));
	return x->err;
}

static int on_outbox(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	(void)pos;
	return mail_one(arg, m, "waiting");
}

static int on_failed(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	(void)pos;
	return mail_one(arg, m, "failed");
}

static int collect(struct export *x)
{
	int rc = store_sessions_of(x->txn, x->u->id, x->email, on_session, x);
	if (rc == 0)
		rc = store_each(x->txn, DB_TICKETS, on_ticket, x);
	if (rc == 0)
		rc = store_each(x->txn, DB_EVENTS, on_any_event, x);
	if (rc == 0)
		rc = store_each(x->txn, DB_ACCESS_REQUESTS, on_request, x);
	if (rc == 0)
		rc = store_outbox_walk(x->txn, NULL, on_outbox, x);
	if (rc == 0)
		rc = store_mail_failed_walk(x->txn, 0, on_failed, x);
	return rc ? rc : x->err;
}

int cmd_user_export(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 } };
	const struct ctl_command *cmd = ctl_find("user", "export");
	const char *email = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "e:h", opts, NULL)) != -1) {
		if (opt != 'e')
			return ctl_getopt_done(cmd, opt);
		email = optarg;
	}
	if (optind != argc || !email)
		return ctl_getopt_done(cmd, '?');
	if (!*email || strlen(email) > EMAIL_MAX_BYTES) {
		ctl_error("--email: \"%s\" is not an e-mail address", email);
		return CTL_USAGE;
	}
	/* a copy of the data changes nothing, not even an older schema */
	struct store_opts so = { .read_only = true };
	int rc = ctl_open_opts(c, &so);
	if (rc)
		return rc;
	char folded[EMAIL_MAX_BYTES + 1];
	struct user u;
	struct org o;
	struct store_txn *txn;
	email_fold(email, folded, sizeof folded);
	rc = store_txn_begin(c->store, false, &txn);
	if (rc) {
		ctl_error("cannot read %s: %s", c->data, dk_strerror(rc));
		return CTL_FAIL;
	}
	rc = store_user_by_email(txn, folded, &u);
	if (rc) {
		store_txn_abort(txn);
		if (rc == DK_ERR_NOTFOUND)
			ctl_error("no user with e-mail %s", email);
		else
			ctl_error("cannot read user %s: %s", email, dk_strerror(rc));
		return CTL_FAIL;
	}
	struct export x = {
		.c = c, .txn = txn, .u = &u, .email = folded,
		.who = { .user_id = u.id, .org_id = u.org_id, .role = u.role,
			 .approver = u.approver },
		.tickets = json_array(), .written = json_array(), .following = json_array(),
		.sessions = json_array(), .requests = json_array(), .mail = json_array(),
	};
	json_t *user = user_to_json(&u);
	if (user) {
		json_object_set_new(user, "password_set", json_boolean(u.password_hash != NULL));
		json_object_set_new(user, "updated", time_json(u.updated_ms));
		if (u.org_id && store_org_get(txn, u.org_id, &o) == 0) {
			json_object_set_new(user, "organisation", json_string(o.name));
			org_free(&o);
		}
	}
	rc = user ? collect(&x) : DK_ERR_NOMEM;
	store_txn_abort(txn);
	json_t *doc = NULL;
	if (rc == 0)
		doc = json_pack("{s:o, s:o, s:O, s:O, s:O, s:O, s:O, s:O}", "exported",
				time_json(ctl_now_ms()), "user", user, "sessions", x.sessions,
				"tickets", x.tickets, "events_written", x.written, "following",
				x.following, "access_requests", x.requests, "mail", x.mail);
	else
		json_decref(user);
	json_t *parts[] = { x.tickets, x.written, x.following, x.sessions, x.requests, x.mail };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		json_decref(parts[i]);
	user_free(&u);
	if (!doc) {
		ctl_error("cannot export %s: %s", email, dk_strerror(rc ? rc : DK_ERR_NOMEM));
		return CTL_FAIL;
	}
	json_dumpf(doc, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(doc);
	return CTL_OK;
}
