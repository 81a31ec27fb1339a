/*
 * The SLA engine: keeps each ticket's SLA clocks (proto/sla.h) and the
 * deadline index in step with the ticket's changes, in the transaction of
 * the change, and runs one timer per kind of deadline, armed for the
 * earliest entry of that kind, which raises warnings and breaches and
 * closes resolved tickets nobody reacted to. docs/SLA.md tells the rules.
 *
 * Everything here runs on the loop thread (the SLA arithmetic sets TZ).
 */
#ifndef DESKD_SLA_ENGINE_H
#define DESKD_SLA_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct deskd;
struct store_txn;
struct ticket;

struct sla_engine; /* owned by struct deskd */

/* The engine and its timers (not armed yet); with d->clock_file also the
 * SIGUSR1 handler that re-reads the clock. 0, or DK_ERR_NOMEM. */
int sla_engine_new(struct deskd *d, struct sla_engine **out);
/* Arms each timer for the earliest deadline of its kind: one index read
 * per kind, however many tickets there are. Logs sla_timers_armed with
 * the number of entries read. */
int sla_engine_start(struct sla_engine *e);
/* Arms every timer again against the current time (the clock moved). */
void sla_engine_rearm(struct sla_engine *e);
void sla_engine_free(struct sla_engine *e);

/* A new ticket, already stored in txn: starts its clocks under its
 * organisation's contract and indexes their deadlines. */
int sla_ticket_created(struct deskd *d, struct store_txn *txn, const struct ticket *t);
/* old became t in txn: by_staff tells who made the change, agent_replied
 * whether it holds a public reply by support (the first response). A
 * ticket without SLA state (made before the engine) is left alone. */
int sla_ticket_changed(struct deskd *d, struct store_txn *txn, const struct ticket *old,
		       const struct ticket *t, bool by_staff, bool agent_replied);

/* The "sla" member of a ticket view: everything for staff, only due times
 * and breach states for customers. New reference; NULL when the ticket has
 * no SLA state or memory ran out. */
json_t *sla_ticket_json(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			bool staff);
/* Whether any of t's clocks is breached now: 0 and *out, or a dk_err
 * (DK_ERR_NOTFOUND: no SLA state). */
int sla_ticket_breached(struct deskd *d, struct store_txn *txn, const struct ticket *t,
			bool *out);

#endif
