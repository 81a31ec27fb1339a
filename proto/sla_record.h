/*
 * The SLA state of one ticket, as the engine stores it (database "sla",
 * ticket id -> this record): the three clocks, what the engine has already
 * announced about each, and when a resolved ticket closes by itself.
 *
 * Encoding: one MessagePack map from small integer tags to values, tag 0
 * the version, like the records of record.h but kept apart from them so
 * that dump formats of tickets do not change:
 *   0 version   1 policy name str   2 priority 1..4
 *   3 first response clock   4 resolution clock   5 triage clock
 *   6 flags [u8, u8, u8] (by enum sla_kind)   7 auto_close_ms i64
 * A clock is an array [target_ms, consumed_ms, started_ms, stopped_ms,
 * warning_ms, due_ms, run, warning_percent]. Unknown tags and extra array
 * elements are skipped, missing ones keep their defaults (a missing clock
 * is one that never started), so an older record opens in a newer deskd.
 * The struct holds no pointers: copy it freely, free nothing.
 */
#ifndef DESKD_SLA_RECORD_H
#define DESKD_SLA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sla.h"

#define SLA_STATE_VERSION 1
#define SLA_CLOCKS 3             /* indexed by enum sla_kind */

/* flags per clock: what the engine has announced, once each */
#define SLA_FLAG_WARNED 1u
#define SLA_FLAG_BREACHED 2u

struct sla_state {
	uint32_t version;
	char policy[SLA_NAME_MAX + 1];
	uint8_t priority;                 /* the targets are for; 1..4 */
	struct sla_clock clock[SLA_CLOCKS];
	uint8_t flags[SLA_CLOCKS];
	int64_t auto_close_ms;            /* resolved: when it closes; 0: never */
};

/*
 * Deadlines: the entries a state implies in the deadline index (storage's
 * "deadlines": kind, due_ms, ticket id). The kinds are stored numbers:
 * never renumber them. The warning and breach kinds and AUTO_CLOSE are
 * what the engine's timers act on; DUE has no timer and orders the
 * agents' queue by "due soonest".
 */
enum sla_deadline_kind {
	SLA_DEADLINE_RESPONSE_WARNING = 1,
	SLA_DEADLINE_RESPONSE_BREACH = 2,
	SLA_DEADLINE_RESOLUTION_WARNING = 3,
	SLA_DEADLINE_RESOLUTION_BREACH = 4,
	SLA_DEADLINE_TRIAGE_BREACH = 5,
	SLA_DEADLINE_AUTO_CLOSE = 6,
	SLA_DEADLINE_DUE = 7
};
#define SLA_DEADLINE_KINDS 8 /* size of an array indexed by kind; [0] unused */

/*
 * The instant each kind falls due for s, 0 for none:
 *  - a warning or breach kind: its clock is running and the engine has not
 *    announced it yet (so a clock that jumps back announces nothing twice);
 *  - AUTO_CLOSE: auto_close_ms when set;
 *  - DUE: the earliest due instant of the running first response and
 *    resolution clocks, also once passed (an overdue ticket keeps its
 *    breach instant, so it sorts before those still to come). As a first
 *    response target is never longer than the resolution target, that is
 *    the first response while it is unmet, then the resolution. None while
 *    the clocks are paused or stopped.
 */
void sla_state_deadlines(const struct sla_state *s, int64_t out[SLA_DEADLINE_KINDS]);
/* The clock (enum sla_kind) and flag (SLA_FLAG_*) a warning or breach kind
 * watches: true, or false for the other kinds. */
bool sla_deadline_watch(unsigned kind, uint8_t *clock, uint8_t *flag);
/* "response_warning", ..., "auto_close", "due"; NULL for another number. */
const char *sla_deadline_name(unsigned kind);

/* A state with every clock off (instants SLA_NEVER) and the version set. */
void sla_state_init(struct sla_state *s);
/* Appends the encoded state to out: 0 or DK_ERR_NOMEM. */
int sla_state_encode(const struct sla_state *s, struct dk_buf *out);
/* 0, or DK_ERR_CORRUPT for bytes that are not such a map or hold a value
 * of the wrong type or range (*out is then sla_state_init's). */
int sla_state_decode(const void *data, size_t len, struct sla_state *out);

#endif
