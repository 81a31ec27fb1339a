/*
 * deskd's clock. Real time, unless --clock-file names a file holding
 * milliseconds since the epoch: a test facility, so integration tests can
 * move time (SLA warnings, breaches, automatic closing) without waiting.
 * The file is read at start-up and again on SIGUSR1, after which the timers
 * are armed again against the new time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "deskd.h"
#include "dk_err.h"
#include "log.h"

int64_t deskd_now_ms(const struct deskd *d)
{
	if (d && d->clock_file)
		return d->clock_ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int deskd_clock_reload(struct deskd *d)
{
	char line[64];
	FILE *f = fopen(d->clock_file, "re");
	if (!f) {
		log_error("clock_file_unreadable", "file", d->clock_file, NULL);
		return DK_ERR_INVALID;
	}
	char *got = fgets(line, sizeof line, f);
	fclose(f);
	char *end;
	errno = 0;
	long long v = got ? strtoll(line, &end, 10) : -1;
	if (!got || errno || end == line || v < 0 || (*end && *end != '\n')) {
		log_error("clock_file_invalid", "file", d->clock_file, NULL);
		return DK_ERR_INVALID;
	}
	d->clock_ms = v;
	char n[24];
	snprintf(n, sizeof n, "%lld", v);
	log_info("clock_set", "now_ms", n, NULL);
	return 0;
}
