/*
 * Retention: with [data] retention_years set, tickets closed longer ago
 * than that are purged (store_tickets_purge) once at start and then once a
 * day, in small batches with the loop free in between.
 */
#ifndef DESKD_RETENTION_H
#define DESKD_RETENTION_H

struct deskd;
struct retention;

/* 0, or DK_ERR_NOMEM. *out is owned by the caller: retention_free. */
int retention_new(struct deskd *d, struct retention **out);
/* Runs the first purge as soon as the loop runs (nothing when retention
 * is off). */
void retention_start(struct retention *r);
void retention_free(struct retention *r);

#endif
