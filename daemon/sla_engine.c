/*
 * The SLA engine (sla_engine.h): the clocks of each ticket follow its
 * changes, and one timer per kind of deadline handles what has come due.
 *
 * Why one timer per kind rather than one for all: each kind has its own
 * stretch of the deadline index (the kind is the key's first byte), so
 * "earliest of kind" is one cursor step and a run of one kind never reads
 * entries of another; the six timers cost nothing while idle. The index
 * also holds the queue's due order (STORE_DEADLINE_DUE), written with
 * the others but never timed: nothing happens when it passes.
 */
#include "sla_engine.h"

#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "deskd.h"
#include "dk_err.h"
#include "docs.h"
#include "json_map.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "record.h"
#include "sla_record.h"
#include "store.h"
#include "workflow.h"

#define SLA_BATCH 256                   /* deadlines handled per transaction */
#define ARM_MAX_MS (24 * 3600 * 1000LL) /* re-checked at least daily */
#define DAY_MS (24 * 3600 * 1000LL)
#define N_TIMERS (STORE_DEADLINE_TIMER_LAST + 1)
#define CLOSED_BODY "Your request status has changed to Closed"

struct sla_timer {
	struct event ev;        /* armed for armed_ms */
	struct sla_engine *e;
	uint8_t kind;
	int64_t armed_ms;
};

struct sla_engine {
	struct deskd *d;
	struct sla_timer timer[N_TIMERS]; /* [0] unused */
	struct event sig_usr1;           /* only with a clock file */
	bool sig_added;
};

/* ---- writing a state with its index ---- */

static void timer_arm(struct sla_timer *tm, int64_t at)
{
	int64_t delay = at - deskd_now_ms(tm->e->d);
	if (delay < 0)
		delay = 0;
	if (delay > ARM_MAX_MS)
		delay = ARM_MAX_MS;
	struct timeval tv = { (time_t)(delay / 1000), (suseconds_t)(delay % 1000) * 1000 };
	evtimer_add(&tm->ev, &tv);
	tm->armed_ms = at;
}

/* A deadline was written: arm its timer when it is earlier than what the
 * timer waits for. Harmless when the transaction is then abandoned: the
 * timer fires, finds nothing due and arms for the true earliest. */
static void deadline_noted(struct sla_engine *e, uint8_t kind, int64_t at)
{
	if (!e || !at || kind > STORE_DEADLINE_TIMER_LAST)
		return;
	struct sla_timer *tm = &e->timer[kind];
	if (evtimer_pending(&tm->ev, NULL) && tm->armed_ms <= at)
		return;
	timer_arm(tm, at);
}

static int state_write(struct deskd *d, struct store_txn *txn, uint64_t id,
		       const struct sla_state *old, const struct sla_state *s)
{
	/* the rule lives in proto, so verify and the upgrade apply it too */
	int64_t was[SLA_DEADLINE_KINDS] = { 0 }, now[SLA_DEADLINE_KINDS];
	int rc = 0;
	if (old)
		sla_state_deadlines(old, was);
	sla_state_deadlines(s, now);
	for (int k = STORE_DEADLINE_FIRST; !rc && k <= STORE_DEADLINE_LAST; k++) {
		if (was[k] == now[k])
			continue;
		if (was[k])
			rc = store_deadline_del(txn, (uint8_t)k, was[k], id);
		if (!rc && now[k]) {
			rc = store_deadline_put(txn, (uint8_t)k, now[k], id);
			deadline_noted(d->sla, (uint8_t)k, now[k]);
		}
	}
	return rc ? rc : store_sla_put(txn, id, s);
}

/* ---- clocks following the ticket ---- */

static enum status_category category_of(const struct workflow *wf, const struct ticket *t)
{
	return t->category ? (enum status_category)t->category : workflow_category(wf, t->status);
}

/* The clock operations refuse a clock that never started (no target):
 * nothing to do for it then, so their answer is not needed. */
static void clock_start(struct sla_state *s, const struct sla_contract *k, enum sla_kind kind,
			int64_t now)
{
	int64_t target = sla_policy_target_ms(&k->policy, kind, s->priority);
	if (target > 0)
		sla_clock_start(&s->clock[kind], &k->policy.calendar, target,
				k->policy.warning_percent, now);
}

static void pause_work(struct sla_state *s, const struct sla_calendar *c, int64_t now)
{
	sla_clock_pause(&s->clock[SLA_FIRST_RESPONSE], c, now);
	sla_clock_pause(&s->clock[SLA_RESOLUTION], c, now);
}

static void resume_work(struct sla_state *s, const struct sla_calendar *c, int64_t now)
{
	sla_clock_resume(&s->clock[SLA_FIRST_RESPONSE], c, now);
	sla_clock_resume(&s->clock[SLA_RESOLUTION], c, now);
}

static void stop_all(struct sla_state *s, const struct sla_calendar *c, int64_t now)
{
	for (int i = 0; i < SLA_CLOCKS; i++)
		if (s->clock[i].run != SLA_CLOCK_OFF)
			sla_clock_stop(&s->clock[i], c, now);
	s->auto_close_ms = 0;
}

static int load_contract(struct store_txn *txn, uint64_t org_id, struct sla_contract *k)
{
	int rc = contract_load(txn, org_id, k);
	return rc == DK_ERR_CORRUPT ? 0 : rc; /* the default serves meanwhile */
}

int sla_ticket_created(struct deskd *d, struct store_txn *txn, const struct ticket *t)
{
	const struct workflow *wf = docs_workflow(&d->docs);
	struct sla_contract k;
	struct sla_state s;
	int rc = load_contract(txn, t->org_id, &k);
	if (rc)
		return rc;
	int64_t now = t->created_ms;
	const struct sla_calendar *cal = &k.policy.calendar;
	sla_state_init(&s);
	snprintf(s.policy, sizeof s.policy, "%s", k.policy.name);
	s.priority = t->priority;
	clock_start(&s, &k, SLA_FIRST_RESPONSE, now);
	clock_start(&s, &k, SLA_RESOLUTION, now);
	clock_start(&s, &k, SLA_TRIAGE, now);
	/* a request awaiting approval starts and pauses at once */
	if (workflow_pauses_sla(wf, t->status)) {
		pause_work(&s, cal, now);
		sla_clock_pause(&s.clock[SLA_TRIAGE], cal, now);
	}
	if (category_of(wf, t) != CATEGORY_NEW)
		sla_clock_stop(&s.clock[SLA_TRIAGE], cal, now);
	return state_write(d, txn, t->id, NULL, &s);
}

/* A status change: pauses, resumes, stops and reopens (docs/SLA.md). */
static void status_changed(struct sla_state *s, const struct sla_contract *k,
			   const struct workflow *wf, const struct ticket *old,
			   const struct ticket *t, int64_t now)
{
	const struct sla_calendar *cal = &k->policy.calendar;
	enum status_category was = category_of(wf, old), is = category_of(wf, t);
	bool paused = workflow_pauses_sla(wf, old->status), pauses = workflow_pauses_sla(wf, t->status);
	if (is != CATEGORY_NEW)
		sla_clock_stop(&s->clock[SLA_TRIAGE], cal, now);
	if (is == CATEGORY_CLOSED) {
		stop_all(s, cal, now);
		return;
	}
	if (is == CATEGORY_RESOLVED) {
		sla_clock_stop(&s->clock[SLA_RESOLUTION], cal, now);
		/* nobody owes the customer an answer while they check the fix */
		sla_clock_pause(&s->clock[SLA_FIRST_RESPONSE], cal, now);
		if (was != CATEGORY_RESOLVED)
			s->auto_close_ms = now + (int64_t)k->auto_close_days * DAY_MS;
		return;
	}
	s->auto_close_ms = 0;
	if (was == CATEGORY_RESOLVED) {
		sla_clock_reopen(&s->clock[SLA_RESOLUTION], cal, now);
		sla_clock_resume(&s->clock[SLA_FIRST_RESPONSE], cal, now);
		paused = false;
	}
	if (pauses && !paused)
		pause_work(s, cal, now);
	else if (!pauses && paused)
		resume_work(s, cal, now);
}

int sla_ticket_changed(struct deskd *d, struct store_txn *txn, const struct ticket *old,
		       const struct ticket *t, bool by_staff, bool agent_replied)
{
	const struct workflow *wf = docs_workflow(&d->docs);
	struct sla_state was, s;
	struct sla_contract k;
	int rc = store_sla_get(txn, t->id, &was);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	rc = load_contract(txn, t->org_id, &k);
	if (rc)
		return rc;
	const struct sla_calendar *cal = &k.policy.calendar;
	int64_t now = deskd_now_ms(d);
	s = was;
	if (t->priority != old->priority && t->priority >= 1 && t->priority <= 4) {
		s.priority = t->priority;
		for (int i = SLA_FIRST_RESPONSE; i <= SLA_RESOLUTION; i++) {
			int64_t target = sla_policy_target_ms(&k.policy, (enum sla_kind)i, t->priority);
			if (target > 0)
				sla_clock_retarget(&s.clock[i], cal, target, now);
		}
		/* support assessed the priority: that is the triage */
		if (by_staff)
			sla_clock_stop(&s.clock[SLA_TRIAGE], cal, now);
	}
	if (agent_replied)
		sla_clock_stop(&s.clock[SLA_FIRST_RESPONSE], cal, now);
	if (strcmp(old->status, t->status))
		status_changed(&s, &k, wf, old, t, now);
	else if (s.auto_close_ms && !by_staff)
		/* the customer reacted to the resolution: the days start again */
		s.auto_close_ms = now + (int64_t)k.auto_close_days * DAY_MS;
	return state_write(d, txn, t->id, &was, &s);
}

/* ---- what the timers do ---- */

/* Writes e on old's timeline as support's system actor (id 0) and stores
 * the ticket as t (a changed copy of old, or old itself). */
static int system_event(struct deskd *d, struct store_txn *txn, const struct ticket *old,
			struct ticket *t, struct ticket_event *e)
{
	e->version = RECORD_VERSION;
	e->time_ms = deskd_now_ms(d);
	e->actor_id = 0;
	e->from_support = true;
	int rc = store_event_append(txn, t, e);
	return rc ? rc : store_ticket_put(txn, old, t);
}

/* A closed-category status the workflow lets support move s to. */
static const char *closed_status(const struct workflow *wf, const char *s)
{
	struct wf_result r;
	if (workflow_apply(wf, s, WF_SET_STATUS, WF_ACTOR_AGENT, "closed", &r) == 0 &&
	    workflow_category(wf, r.to) == CATEGORY_CLOSED)
		return r.to;
	json_t *all = workflow_statuses_json(wf, "en");
	const char *to = NULL;
	size_t i;
	json_t *st;
	json_array_foreach(all, i, st) {
		const char *name = json_string_value(json_object_get(st, "name"));
		const char *cat = json_string_value(json_object_get(st, "category"));
		if (!to && name && cat && !strcmp(cat, "closed") &&
		    workflow_apply(wf, s, WF_SET_STATUS, WF_ACTOR_AGENT, name, &r) == 0)
			to = r.to;
	}
	json_decref(all);
	return to;
}

static int auto_close(struct deskd *d, struct store_txn *txn, const struct ticket *old,
		      struct sla_state *s)
{
	const struct workflow *wf = docs_workflow(&d->docs);
	s->auto_close_ms = 0;
	if (category_of(wf, old) != CATEGORY_RESOLVED)
		return 0;
	const char *to = closed_status(wf, old->status);
	if (!to) {
		log_warn("auto_close_not_allowed", "status", old->status, NULL);
		return 0;
	}
	struct sla_contract k;
	struct ticket t;
	int rc = load_contract(txn, old->org_id, &k);
	if (rc || (rc = ticket_copy(&t, old)))
		return rc;
	int64_t now = deskd_now_ms(d);
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_STATUS;
	e.old_value = old->status;
	e.new_value = (char *)to;
	char *copy = strdup(to);
	if (!copy) {
		rc = DK_ERR_NOMEM;
		goto out;
	}
	free(t.status);
	t.status = copy;
	t.category = CATEGORY_CLOSED;
	t.closed_ms = t.updated_ms = now;
	stop_all(s, &k.policy.calendar, now);
	rc = system_event(d, txn, old, &t, &e);
	if (rc)
		goto out;
	/* and in words, on the customer's timeline */
	struct ticket_event say;
	memset(&say, 0, sizeof say);
	say.kind = EVENT_COMMENT;
	say.body = CLOSED_BODY;
	/* t is what is stored now: it is both old and new here */
	rc = system_event(d, txn, &t, &t, &say);
	/* followers hear of the status change (the words above are its text) */
	if (rc == 0)
		rc = notify_ticket_event(d, txn, &t, &e, 0);
	if (rc == 0)
		metrics_count(d->metrics, METRIC_AUTO_CLOSED);
out:
	ticket_free(&t);
	return rc;
}

/* Announces a warning or breach once: the timeline event (for support
 * only), the flag, and for a breach the escalation note. */
static int announce(struct deskd *d, struct store_txn *txn, const struct ticket *old,
		    struct sla_state *s, uint8_t kind, int64_t now)
{
	uint8_t clock, flag;
	if (!sla_deadline_watch(kind, &clock, &flag))
		return 0;
	const struct sla_clock *c = &s->clock[clock];
	int64_t at = flag == SLA_FLAG_WARNED ? c->warning_ms : c->due_ms;
	if ((s->flags[clock] & flag) || c->run != SLA_CLOCK_RUNNING || at > now)
		return 0;
	s->flags[clock] |= flag;
	struct ticket t;
	int rc = ticket_copy(&t, old);
	if (rc)
		return rc;
	struct ticket_event e;
	memset(&e, 0, sizeof e);
	e.kind = EVENT_FIELD;
	e.field = "sla";
	e.new_value = (char *)sla_deadline_name(kind);
	e.internal = true;
	rc = system_event(d, txn, old, &t, &e);
	/* the escalation contacts hear of it by mail, in this transaction;
	 * a breach is also noted in escalations, the record of breaches */
	if (!rc)
		rc = notify_sla(d, txn, &t, kind, c->due_ms);
	if (!rc && flag == SLA_FLAG_BREACHED)
		rc = store_escalation_put(txn, now, old->id, kind);
	if (!rc)
		metrics_count(d->metrics, flag == SLA_FLAG_BREACHED ? METRIC_SLA_BREACHES
								    : METRIC_SLA_WARNINGS);
	ticket_free(&t);
	return rc;
}

static int handle_due(struct deskd *d, struct store_txn *txn, const struct store_deadline *dl,
		      int64_t now)
{
	struct sla_state was, s;
	struct ticket t;
	/* the entry goes whatever happens, so a bad one cannot fire forever */
	int rc = store_deadline_del(txn, dl->kind, dl->due_ms, dl->ticket_id);
	if (rc)
		return rc;
	rc = store_sla_get(txn, dl->ticket_id, &was);
	if (rc)
		return rc == DK_ERR_NOTFOUND || rc == DK_ERR_CORRUPT ? 0 : rc;
	rc = store_ticket_get(txn, dl->ticket_id, &t);
	if (rc)
		return rc == DK_ERR_NOTFOUND ? 0 : rc;
	s = was;
	if (dl->kind == STORE_DEADLINE_AUTO_CLOSE)
		rc = s.auto_close_ms && s.auto_close_ms <= now ? auto_close(d, txn, &t, &s) : 0;
	else
		rc = announce(d, txn, &t, &s, dl->kind, now);
	ticket_free(&t);
	if (rc == 0)
		rc = state_write(d, txn, dl->ticket_id, &was, &s);
	return rc;
}

struct timer_run {
	struct deskd *d;
	uint8_t kind;
	int64_t now;
	size_t handled;
	struct store_deadline next;
	bool has_next;
};

static int timer_fn(struct store_txn *txn, void *arg)
{
	struct timer_run *run = arg;
	struct store_deadline due[SLA_BATCH];
	size_t n;
	run->handled = 0;
	run->has_next = false;
	int rc = store_deadlines_due(txn, run->kind, run->now, due, SLA_BATCH, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = handle_due(run->d, txn, &due[i], run->now);
	if (rc)
		return rc;
	run->handled = n;
	rc = store_deadline_first(txn, run->kind, &run->next);
	run->has_next = rc == 0;
	return rc == DK_ERR_NOTFOUND ? 0 : rc;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct sla_timer *tm = arg;
	struct deskd *d = tm->e->d;
	struct timer_run run = { .d = d, .kind = tm->kind, .now = deskd_now_ms(d) };
	docs_refresh(&d->docs, d->store);
	int rc = store_write(d->store, timer_fn, &run);
	if (rc) {
		log_error("sla_timer_failed", "kind", sla_deadline_name(tm->kind), "err",
			  dk_strerror(rc), NULL);
		timer_arm(tm, run.now + 60000);
		return;
	}
	char n[24];
	snprintf(n, sizeof n, "%zu", run.handled);
	log_info("sla_timer_run", "kind", sla_deadline_name(tm->kind), "handled", n, NULL);
	/* a full batch leaves more due: the next run starts at once */
	if (run.has_next)
		timer_arm(tm, run.next.due_ms);
	else
		evtimer_del(&tm->ev);
}

/* ---- the engine ---- */

static int arm_all(struct sla_engine *e, size_t *n_read)
{
	struct store_txn *txn;
	*n_read = 0;
	int rc = store_txn_begin(e->d->store, false, &txn);
	if (rc)
		return rc;
	for (int k = STORE_DEADLINE_FIRST; k <= STORE_DEADLINE_TIMER_LAST; k++) {
		struct store_deadline first;
		rc = store_deadline_first(txn, (uint8_t)k, &first);
		if (rc == DK_ERR_NOTFOUND) {
			evtimer_del(&e->timer[k].ev);
			rc = 0;
			continue;
		}
		if (rc)
			break;
		(*n_read)++;
		timer_arm(&e->timer[k], first.due_ms);
	}
	store_txn_abort(txn);
	return rc;
}

int sla_engine_start(struct sla_engine *e)
{
	size_t n;
	int rc = arm_all(e, &n);
	char read[24], k[8];
	snprintf(read, sizeof read, "%zu", n);
	snprintf(k, sizeof k, "%d", STORE_DEADLINE_TIMER_LAST);
	if (rc)
		log_error("sla_timers_not_armed", "err", dk_strerror(rc), NULL);
	else
		log_info("sla_timers_armed", "entries_read", read, "kinds", k, NULL);
	return rc;
}

void sla_engine_rearm(struct sla_engine *e)
{
	size_t n;
	int rc = arm_all(e, &n);
	if (rc)
		log_error("sla_timers_not_armed", "err", dk_strerror(rc), NULL);
}

/* SIGUSR1 with --clock-file: read the time again, arm everything anew. */
static void on_usr1(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	struct sla_engine *e = arg;
	struct deskd *d = e->d;
	if (deskd_clock_reload(d))
		return;
	sla_engine_rearm(e);
	int64_t s = d->session_timer_ms;
	if (s) {
		d->session_timer_ms = 0;
		deskd_session_timer_arm(d, s);
	}
}

int sla_engine_new(struct deskd *d, struct sla_engine **out)
{
	struct sla_engine *e = calloc(1, sizeof *e);
	*out = NULL;
	if (!e)
		return DK_ERR_NOMEM;
	e->d = d;
	for (int k = STORE_DEADLINE_FIRST; k <= STORE_DEADLINE_TIMER_LAST; k++) {
		e->timer[k].e = e;
		e->timer[k].kind = (uint8_t)k;
		evtimer_assign(&e->timer[k].ev, d->base, on_timer, &e->timer[k]);
	}
	if (d->clock_file) {
		evsignal_assign(&e->sig_usr1, d->base, SIGUSR1, on_usr1, e);
		if (evsignal_add(&e->sig_usr1, NULL)) {
			free(e);
			return DK_ERR_NOMEM;
		}
		e->sig_added = true;
	}
	*out = e;
	return 0;
}

void sla_engine_free(struct sla_engine *e)
{
	if (!e)
		return;
	for (int k = STORE_DEADLINE_FIRST; k <= STORE_DEADLINE_TIMER_LAST; k++)
		evtimer_del(&e->timer[k].ev);
	if (e->sig_added)
		evsignal_del(&e->sig_usr1);
	free(e);
}

/* ---- views ---- */

static const char *const run_names[] = { "off", "running", "paused", "stopped" };

static json_t *time_or_null(int64_t ms)
{
	char buf[32];
	if (ms == SLA_NEVER || ms < 0)
		return json_null();
	time_format_rfc3339(ms, buf);
	return json_string(buf);
}

static json_t *clock_json(const struct sla_clock *c, uint8_t flags,
			  const struct sla_calendar *cal, int64_t now, bool staff)
{
	struct sla_clock_view v;
	sla_clock_state(c, cal, now, &v);
	bool breached = v.breached || (flags & SLA_FLAG_BREACHED);
	bool warning = breached || v.warning || (flags & SLA_FLAG_WARNED);
	if (!staff)
		return json_pack("{s:o, s:b}", "due", time_or_null(c->due_ms), "breached", breached);
	return json_pack("{s:I, s:o, s:I, s:I, s:b, s:b, s:s}", "target", (json_int_t)c->target_ms,
			 "due", time_or_null(c->due_ms), "remaining_ms",
			 (json_int_t)(v.remaining_ms > 0 ? v.remaining_ms : 0), "overdue_ms",
			 (json_int_t)(v.remaining_ms < 0 ? -v.remaining_ms : 0), "warning", warning,
			 "breached", breached, "state", run_names[c->run & 3]);
}

json_t *sla_ticket_json(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			bool staff)
{
	struct sla_state s;
	struct sla_contract k;
	if (store_sla_get(txn, t->id, &s) || load_contract(txn, t->org_id, &k))
		return NULL;
	int64_t now = deskd_now_ms(d);
	const struct sla_calendar *cal = &k.policy.calendar;
	json_t *j = json_pack("{s:s}", "policy", s.policy);
	static const char *const names[SLA_CLOCKS] = { "response", "resolution", "triage" };
	for (int i = 0; j && i < SLA_CLOCKS; i++)
		if (s.clock[i].run != SLA_CLOCK_OFF || i != SLA_TRIAGE)
			json_object_set_new(j, names[i],
					    clock_json(&s.clock[i], s.flags[i], cal, now, staff));
	return j;
}

int sla_ticket_breached(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			bool *out)
{
	struct sla_state s;
	*out = false;
	int rc = store_sla_get(txn, t->id, &s);
	if (rc)
		return rc;
	int64_t now = deskd_now_ms(d);
	for (int i = 0; i < SLA_CLOCKS; i++) {
		const struct sla_clock *c = &s.clock[i];
		if ((s.flags[i] & SLA_FLAG_BREACHED) ||
		    (c->run != SLA_CLOCK_OFF && c->due_ms != SLA_NEVER && now >= c->due_ms))
			*out = true;
	}
	return 0;
}
