/*
 * Group commit: the writes of one loop turn share one LMDB transaction
 * and one fsync, and every reply waits for that commit (the store holds
 * the batch, http.c holds the replies, this file commits at the end of the
 * turn and releases them).
 */
#ifndef DESKD_GROUP_COMMIT_H
#define DESKD_GROUP_COMMIT_H

struct deskd;

/* Turns group commit on for d->store. 0 or -1. */
int group_commit_start(struct deskd *d);
/* Commits what is open and turns it off (before the store closes). */
void group_commit_stop(struct deskd *d);

#endif
