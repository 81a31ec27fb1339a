/* The progress bar of long commands (dump, restore, backup, verify,
 * purge): on stderr, and only when that is a terminal, so scripts and logs
 * see nothing of it. */
#include <stdio.h>
#include <unistd.h>

#include "deskctl.h"

#define BAR_WIDTH 30
#define REDRAW_MS 100

static void draw(struct ctl_progress *p)
{
	char bar[BAR_WIDTH + 1];
	uint64_t done = p->total && p->done > p->total ? p->total : p->done;

	if (!p->total) {
		fprintf(stderr, "\r%s %llu", p->label, (unsigned long long)p->done);
		return;
	}
	size_t fill = (size_t)(done * BAR_WIDTH / p->total);
	for (size_t i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3u%% %llu/%llu", p->label, bar,
		(unsigned)(done * 100 / p->total), (unsigned long long)done,
		(unsigned long long)p->total);
}

void ctl_progress_start(struct ctl_progress *p, const char *label, uint64_t total)
{
	p->on = isatty(STDERR_FILENO);
	p->label = label;
	p->total = total;
	p->done = 0;
	p->last_ms = 0;
	if (p->on) {
		draw(p);
		p->last_ms = ctl_now_ms();
	}
}

void ctl_progress_add(struct ctl_progress *p, uint64_t n)
{
	p->done += n;
	/* a clock read per call is cheap next to encoding a record */
	if (!p->on || ctl_now_ms() - p->last_ms < REDRAW_MS)
		return;
	draw(p);
	p->last_ms = ctl_now_ms();
}

void ctl_progress_end(struct ctl_progress *p)
{
	if (!p->on)
		return;
	draw(p);
	fputc('\n', stderr);
	p->on = false;
}
