/*
 * The outbox and its delivery engine (mail.h). One timer, armed for the
 * earliest due message, picks what is due and hands it to SMTP (mail_smtp.c)
 * or, with no smtp_url, writes it into DATA/maildir. A message leaves the
 * outbox only in the transaction that records its delivery, after the
 * server accepted it (or the file is in maildir/new), so a crash in between
 * sends it again with the same bytes: at least once, never lost.
 *
 * Times here are real time, not deskd_now_ms: retries wait for a real
 * server, whatever clock the ticket rules are tested with.
 */
#include "mail.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deskd.h"
#include "dk_err.h"
#include "log.h"
#include "mail_record.h"
#include "mail_smtp.h"
#include "metrics.h"
#include "store.h"

#define RECHECK_MS 5000        /* idle: notice messages put back by deskctl */
#define MAILDIR_BATCH 64       /* files written per wake-up */
#define BACKOFF_MAX_S 86400    /* retries wait at most a day (or retry_seconds) */

struct mail_job {
	struct mailer *m;
	bool busy;
	struct store_mail_pos pos;
	int64_t created_ms;
	char rcpt[MAIL_RCPT_MAX + 1];
	char *data;             /* owned copy: the delivery outlives the read */
	size_t len;
	/* the outcome */
	bool ok, permanent;
	char error[256];
};

struct mailer {
	struct deskd *d;
	struct event timer;     /* armed for armed_ms */
	int64_t armed_ms;
	int64_t hold_until_ms;  /* recording failed: wait before trying again */
	struct smtp_client *smtp; /* NULL: maildir */
	int tmp_fd, new_fd;     /* DATA/maildir/tmp and new */
	struct mail_job *jobs;
	size_t n_jobs, busy;
	/* the open batch holds messages or delivery results: the outbox as
	 * committed is not the outbox yet, so pumping waits for the commit */
	bool after_commit;
};

static int64_t real_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void timer_arm(struct mailer *m, int64_t at)
{
	int64_t delay = at - real_now_ms();
	if (delay < 0)
		delay = 0;
	if (delay > RECHECK_MS)
		delay = RECHECK_MS, at = real_now_ms() + RECHECK_MS;
	struct timeval tv = { (time_t)(delay / 1000), (suseconds_t)(delay % 1000) * 1000 };
	evtimer_add(&m->timer, &tv);
	m->armed_ms = at;
}

static void wake(struct mailer *m, int64_t at)
{
	if (evtimer_pending(&m->timer, NULL) && m->armed_ms <= at)
		return;
	timer_arm(m, at);
}

int mail_enqueue(struct deskd *d, struct store_txn *txn, const char *rcpt, const char *data,
		 size_t len)
{
	struct mail_msg msg;
	int64_t now = real_now_ms();
	if (!mail_rcpt_ok(rcpt) || !data || len == 0 || len > MAIL_DATA_MAX)
		return DK_ERR_INVALID;
	mail_msg_init(&msg);
	int rc = store_seq_next(txn, "mail", 0, &msg.seq);
	if (rc)
		return rc;
	snprintf(msg.rcpt, sizeof msg.rcpt, "%s", rcpt);
	msg.created_ms = now;
	msg.data = data;
	msg.len = len;
	rc = store_outbox_put(txn, now, &msg);
	/* in a batch, the commit wakes the mailer (mailer_committed); else
	 * this fires after the caller's commit, finding nothing if it was
	 * abandoned */
	if (rc == 0 && d && d->mailer) {
		if (store_batch_open(d->store))
			d->mailer->after_commit = true;
		else
			wake(d->mailer, now);
	}
	return rc;
}

/* ---- recording outcomes ---- */

static int64_t backoff_ms(const struct config *cfg, uint32_t attempts)
{
	int64_t s = cfg->mail_retry_s, cap = s > BACKOFF_MAX_S ? s : BACKOFF_MAX_S;
	for (uint32_t i = 1; i < attempts && s < cap; i++)
		s *= 2;
	return (s < cap ? s : cap) * 1000;
}

enum verdict { SENT, RETRY, FAILED, GONE };

struct record {
	struct mailer *m;
	struct mail_job **jobs;
	size_t n;
	int64_t now;
	/* per job, reset on each run of the transaction */
	enum verdict verdict[MAILDIR_BATCH];
	uint32_t attempts[MAILDIR_BATCH];
	int64_t next_ms[MAILDIR_BATCH];
};

static int record_one(struct store_txn *txn, struct record *r, size_t i)
{
	const struct mail_job *j = r->jobs[i];
	const struct config *cfg = &r->m->d->cfg;
	struct store_mail_pos pos = j->pos;
	struct mail_msg msg;
	int rc = store_outbox_get(txn, pos.due_ms, pos.seq, &msg);
	if (rc == DK_ERR_NOTFOUND) {
		/* moved meanwhile (deskctl mail retry): find it by its seq */
		rc = store_outbox_find(txn, pos.seq, &pos);
		if (rc == 0)
			rc = store_outbox_get(txn, pos.due_ms, pos.seq, &msg);
	}
	if (rc == DK_ERR_NOTFOUND || rc == DK_ERR_CORRUPT) {
		r->verdict[i] = GONE;
		return 0;
	}
	if (rc)
		return rc;
	if (j->ok) {
		r->verdict[i] = SENT;
		r->attempts[i] = msg.attempts + 1;
		return store_outbox_del(txn, pos.due_ms, pos.seq);
	}
	msg.attempts++;
	msg.last_ms = r->now;
	snprintf(msg.error, sizeof msg.error, "%s", j->error);
	r->attempts[i] = msg.attempts;
	/* the new entry is written before the old one goes: msg.data points
	 * into the old one's page */
	if (j->permanent || msg.attempts >= (uint32_t)cfg->mail_max_attempts) {
		r->verdict[i] = FAILED;
		msg.failed_ms = r->now;
		rc = store_mail_failed_put(txn, &msg);
	} else {
		r->verdict[i] = RETRY;
		int64_t due = r->now + backoff_ms(cfg, msg.attempts);
		if (due <= pos.due_ms)
			due = pos.due_ms + 1;
		r->next_ms[i] = due;
		rc = store_outbox_put(txn, due, &msg);
	}
	return rc ? rc : store_outbox_del(txn, pos.due_ms, pos.seq);
}

static int record_fn(struct store_txn *txn, void *arg)
{
	struct record *r = arg;
	int rc = 0;
	for (size_t i = 0; !rc && i < r->n; i++)
		rc = record_one(txn, r, i);
	return rc;
}

/* The error for the log: servers often quote the address they refuse,
 * and the log names recipients by their domain only. */
static void error_for_log(const struct mail_job *j, char *out, size_t size)
{
	const char *hit;
	size_t n = strlen(j->rcpt), o = 0;
	const char *e = j->error;
	while (*e && o + 1 < size) {
		hit = n ? strcasestr(e, j->rcpt) : NULL;
		size_t plain = hit ? (size_t)(hit - e) : strlen(e);
		if (plain > size - 1 - o)
			plain = size - 1 - o;
		memcpy(out + o, e, plain);
		o += plain;
		e += plain;
		if (!hit || e != hit)
			break;
		o += (size_t)snprintf(out + o, size - o, "*@%s", mail_rcpt_domain(j->rcpt));
		if (o >= size)
			o = size - 1;
		e += n;
	}
	out[o] = '\0';
}

static void log_outcome(const struct record *r, size_t i)
{
	const struct mail_job *j = r->jobs[i];
	char seq[24], attempts[16], in_s[24], error[sizeof j->error];
	error_for_log(j, error, sizeof error);
	const char *domain = mail_rcpt_domain(j->rcpt);
	const char *via = j->m->smtp ? "smtp" : "maildir";
	snprintf(seq, sizeof seq, "%" PRIu64, j->pos.seq);
	snprintf(attempts, sizeof attempts, "%" PRIu32, r->attempts[i]);
	switch (r->verdict[i]) {
	case SENT:
		metrics_count(j->m->d->metrics, METRIC_MAIL_SENT);
		log_info("mail_sent", "seq", seq, "rcpt_domain", domain, "attempts", attempts,
			 "via", via, NULL);
		break;
	case RETRY:
		metrics_count(j->m->d->metrics, METRIC_MAIL_RETRIED);
		snprintf(in_s, sizeof in_s, "%" PRId64, (r->next_ms[i] - r->now + 999) / 1000);
		log_warn("mail_retry", "seq", seq, "rcpt_domain", domain, "attempts", attempts,
			 "error", error, "retry_in_s", in_s, NULL);
		break;
	case FAILED:
		metrics_count(j->m->d->metrics, METRIC_MAIL_FAILED);
		log_error("mail_failed", "seq", seq, "rcpt_domain", domain, "attempts", attempts,
			  "error", error, "permanent", j->permanent ? "yes" : "no", NULL);
		break;
	case GONE:
		log_info("mail_gone", "seq", seq, "rcpt_domain", domain, NULL);
		break;
	}
}

static void job_release(struct mail_job *j)
{
	free(j->data);
	j->data = NULL;
	j->busy = false;
	j->m->busy--;
}

/* Records the outcomes of n finished jobs in one transaction, logs them
 * and frees the jobs. */
static void record_jobs(struct mailer *m, struct mail_job **jobs, size_t n)
{
	struct record r = { .m = m, .jobs = jobs, .n = n, .now = real_now_ms() };
	int rc = store_write(m->d->store, record_fn, &r);
	if (rc) {
		/* still in the outbox as it was: sent again later, same bytes */
		char seq[24];
		snprintf(seq, sizeof seq, "%" PRIu64, jobs[0]->pos.seq);
		log_error("mail_record_failed", "seq", seq, "err", dk_strerror(rc), NULL);
		m->hold_until_ms = r.now + (int64_t)m->d->cfg.mail_retry_s * 1000;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			log_outcome(&r, i);
		job_release(jobs[i]);
	}
}

/* ---- maildir ---- */

static int mkdir_at(int dfd, const char *name)
{
	return mkdirat(dfd, name, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int maildir_open(struct mailer *m)
{
	char path[PATH_MAX];
	int dir = -1;
	if ((size_t)snprintf(path, sizeof path, "%s/maildir", m->d->data_dir) >= sizeof path)
		return DK_ERR_INVALID;
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || mkdir_at(dir, "tmp") || mkdir_at(dir, "new") || mkdir_at(dir, "cur"))
		goto fail;
	m->tmp_fd = openat(dir, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	m->new_fd = openat(dir, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->tmp_fd < 0 || m->new_fd < 0)
		goto fail;
	close(dir);
	return 0;
fail:
	log_error("maildir_unusable", "dir", path, "err", strerror(errno), NULL);
	if (dir >= 0)
		close(dir);
	return DK_ERR_IO;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The message as a maildir file: the envelope as Return-Path and
 * Delivered-To (as a delivering server writes them), then the message with
 * LF line ends. */
static int maildir_body(const struct mailer *m, const struct mail_job *j, int fd)
{
	char from[MAIL_RCPT_MAX + 1], head[2 * MAIL_RCPT_MAX + 64];
	if (smtp_from_address(m->d->cfg.mail_from, from, sizeof from))
		from[0] = '\0';
	int n = snprintf(head, sizeof head, "Return-Path: <%s>\nDelivered-To: %s\n", from, j->rcpt);
	if (write_all(fd, head, (size_t)n))
		return -1;
	size_t start = 0;
	for (size_t i = 0; i < j->len; i++) {
		if (j->data[i] == '\r' && i + 1 < j->len && j->data[i + 1] == '\n') {
			if (write_all(fd, j->data + start, i - start))
				return -1;
			start = i + 1;
		}
	}
	return write_all(fd, j->data + start, j->len - start);
}

/* Writes tmp/NAME, syncs it and renames it into new/: a reader of new/
 * sees whole messages only. The name comes from the message, so a copy
 * written again after a crash replaces the first one. new/ itself is
 * synced once per batch (maildir_sync). */
static void maildir_deliver(struct mailer *m, struct mail_job *j)
{
	char name[64];
	snprintf(name, sizeof name, "%" PRId64 ".M%" PRIu64 ".deskd", j->created_ms / 1000,
		 j->pos.seq);
	int fd = openat(m->tmp_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ok = fd >= 0 && maildir_body(m, j, fd) == 0 && fsync(fd) == 0;
	int err = errno;
	if (fd >= 0 && close(fd) && ok)
		ok = 0, err = errno;
	if (ok && renameat(m->tmp_fd, name, m->new_fd, name))
		ok = 0, err = errno;
	j->ok = ok;
	j->permanent = false;
	if (!ok) {
		snprintf(j->error, sizeof j->error, "maildir: %s", strerror(err));
		unlinkat(m->tmp_fd, name, 0);
	}
}

/* The renames of a batch are durable before the outbox forgets them. */
static void maildir_sync(struct mailer *m, struct mail_job **jobs, size_t n)
{
	if (fsync(m->new_fd) == 0)
		return;
	int err = errno;
	for (size_t i = 0; i < n; i++)
		if (jobs[i]->ok) {
			jobs[i]->ok = false;
			snprintf(jobs[i]->error, sizeof jobs[i]->error, "maildir: %s", strerror(err));
		}
}

/* ---- picking what is due ---- */

struct pick {
	struct mailer *m;
	int64_t now;
	int64_t next_ms;        /* the earliest message not yet due; 0: none */
	bool full;              /* due messages left over: no free job */
	struct mail_job *got[MAILDIR_BATCH];
	size_t n;
};

static bool in_flight(const struct mailer *m, uint64_t seq)
{
	for (size_t i = 0; i < m->n_jobs; i++)
		if (m->jobs[i].busy && m->jobs[i].pos.seq == seq)
			return true;
	return false;
}

static struct mail_job *job_free_slot(struct mailer *m)
{
	for (size_t i = 0; i < m->n_jobs; i++)
		if (!m->jobs[i].busy)
			return &m->jobs[i];
	return NULL;
}

static int pick_fn(const struct store_mail_pos *pos, const struct mail_msg *msg, void *arg)
{
	struct pick *p = arg;
	if (pos->due_ms > p->now) {
		p->next_ms = pos->due_ms;
		return STORE_WALK_STOP;
	}
	if (in_flight(p->m, pos->seq))
		return 0; /* at most n_jobs of these are passed over */
	struct mail_job *j = p->n < MAILDIR_BATCH ? job_free_slot(p->m) : NULL;
	if (!j) {
		p->full = true;
		return STORE_WALK_STOP;
	}
	j->data = malloc(msg->len ? msg->len : 1);
	if (!j->data)
		return DK_ERR_NOMEM;
	memcpy(j->data, msg->data, msg->len);
	j->len = msg->len;
	j->pos = *pos;
	j->created_ms = msg->created_ms;
	snprintf(j->rcpt, sizeof j->rcpt, "%s", msg->rcpt);
	j->ok = j->permanent = false;
	j->error[0] = '\0';
	j->busy = true;
	p->m->busy++;
	p->got[p->n++] = j;
	return 0;
}

static void on_smtp_done(void *arg, const struct smtp_result *r)
{
	struct mail_job *j = arg;
	struct mailer *m = j->m;
	j->ok = r->ok;
	j->permanent = r->permanent;
	snprintf(j->error, sizeof j->error, "%s", r->error);
	record_jobs(m, &j, 1);
	/* more may be waiting for this job; picked up from the timer, not
	 * from inside curl's callback */
	wake(m, real_now_ms());
}

static void pump(struct mailer *m)
{
	struct pick p = { .m = m, .now = real_now_ms() };
	struct store_txn *txn;
	if (m->d->stopping)
		return;
	if (p.now < m->hold_until_ms) {
		timer_arm(m, m->hold_until_ms);
		return;
	}
	if (store_batch_open(m->d->store)) {
		m->after_commit = true;
		return;
	}
	/* only what is committed goes out: a batch still open may be lost */
	int rc = store_txn_begin_committed(m->d->store, &txn);
	if (rc == 0) {
		rc = store_outbox_walk(txn, NULL, pick_fn, &p);
		store_txn_abort(txn);
	}
	if (rc) {
		log_error("mail_read_failed", "err", dk_strerror(rc), NULL);
		for (size_t i = 0; i < p.n; i++)
			job_release(p.got[i]);
		timer_arm(m, p.now + RECHECK_MS);
		return;
	}
	if (m->smtp) {
		for (size_t i = 0; i < p.n; i++) {
			struct mail_job *j = p.got[i];
			rc = smtp_send(m->smtp, j->rcpt, j->data, j->len, j);
			if (rc) {
				snprintf(j->error, sizeof j->error, "cannot start: %s",
					 dk_strerror(rc));
				record_jobs(m, &j, 1);
			}
		}
	} else if (p.n) {
		for (size_t i = 0; i < p.n; i++)
			maildir_deliver(m, p.got[i]);
		maildir_sync(m, p.got, p.n);
		record_jobs(m, p.got, p.n);
	}
	/* a full maildir batch goes on at once, after other events had a turn;
	 * a full set of SMTP jobs goes on as each one ends */
	if (p.full && !m->smtp)
		timer_arm(m, p.now);
	else if (p.next_ms)
		timer_arm(m, p.next_ms);
	else
		timer_arm(m, p.now + RECHECK_MS);
}

void mailer_committed(struct mailer *m, bool ok)
{
	if (!m || !m->after_commit)
		return;
	m->after_commit = false;
	/* a lost batch took its messages with it; the results of deliveries
	 * it held are not recorded, so those are tried again */
	(void)ok;
	wake(m, real_now_ms());
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pump(arg);
}

/* ---- the engine's life ---- */

int mailer_new(struct deskd *d, struct mailer **out)
{
	struct mailer *m = calloc(1, sizeof *m);
	*out = NULL;
	if (!m)
		return DK_ERR_NOMEM;
	m->d = d;
	m->tmp_fd = m->new_fd = -1;
	m->n_jobs = d->cfg.smtp_url[0] ? (size_t)d->cfg.mail_parallel : MAILDIR_BATCH;
	if (m->n_jobs > MAILDIR_BATCH)
		m->n_jobs = MAILDIR_BATCH;
	m->jobs = calloc(m->n_jobs, sizeof *m->jobs);
	if (!m->jobs) {
		free(m);
		return DK_ERR_NOMEM;
	}
	for (size_t i = 0; i < m->n_jobs; i++)
		m->jobs[i].m = m;
	evtimer_assign(&m->timer, d->base, on_timer, m);
	*out = m;
	return 0;
}

int mailer_start(struct mailer *m)
{
	const struct config *cfg = &m->d->cfg;
	int rc = cfg->smtp_url[0] ? smtp_client_new(m->d->base, cfg, on_smtp_done, &m->smtp)
				  : maildir_open(m);
	if (rc)
		return rc;
	log_info("mailer_started", "via", m->smtp ? "smtp" : "maildir", NULL);
	timer_arm(m, real_now_ms());
	return 0;
}

void mailer_free(struct mailer *m)
{
	if (!m)
		return;
	/* deliveries under way stay in the outbox, for the next start */
	smtp_client_free(m->smtp);
	evtimer_del(&m->timer);
	for (size_t i = 0; i < m->n_jobs; i++)
		free(m->jobs[i].data);
	free(m->jobs);
	if (m->tmp_fd >= 0)
		close(m->tmp_fd);
	if (m->new_fd >= 0)
		close(m->new_fd);
	free(m);
}
