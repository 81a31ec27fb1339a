/*
 * The deadlines a ticket's SLA state implies (sla_record.h). One pure rule
 * shared by the engine, which writes the index with each state, and by
 * storage's verify and upgrade, which check and build it from the states.
 */
#include <string.h>

#include "sla_record.h"

static const struct {
	const char *name;
	uint8_t clock;
	uint8_t flag; /* 0: not a warning or breach kind */
} kinds[SLA_DEADLINE_KINDS] = {
	[SLA_DEADLINE_RESPONSE_WARNING] = { "response_warning", SLA_FIRST_RESPONSE,
					    SLA_FLAG_WARNED },
	[SLA_DEADLINE_RESPONSE_BREACH] = { "response_breach", SLA_FIRST_RESPONSE,
					   SLA_FLAG_BREACHED },
	[SLA_DEADLINE_RESOLUTION_WARNING] = { "resolution_warning", SLA_RESOLUTION,
					      SLA_FLAG_WARNED },
	[SLA_DEADLINE_RESOLUTION_BREACH] = { "resolution_breach", SLA_RESOLUTION,
					     SLA_FLAG_BREACHED },
	[SLA_DEADLINE_TRIAGE_BREACH] = { "triage_breach", SLA_TRIAGE, SLA_FLAG_BREACHED },
	[SLA_DEADLINE_AUTO_CLOSE] = { "auto_close", 0, 0 },
	[SLA_DEADLINE_DUE] = { "due", 0, 0 },
};

/* An instant the index can hold (its keys are unsigned). */
static bool indexable(int64_t at)
{
	return at != SLA_NEVER && at > 0;
}

void sla_state_deadlines(const struct sla_state *s, int64_t out[SLA_DEADLINE_KINDS])
{
	memset(out, 0, sizeof(int64_t) * SLA_DEADLINE_KINDS);
	for (unsigned k = 0; k < SLA_DEADLINE_KINDS; k++) {
		if (!kinds[k].flag)
			continue;
		const struct sla_clock *c = &s->clock[kinds[k].clock];
		if (c->run != SLA_CLOCK_RUNNING || (s->flags[kinds[k].clock] & kinds[k].flag))
			continue;
		int64_t at = kinds[k].flag == SLA_FLAG_WARNED ? c->warning_ms : c->due_ms;
		if (indexable(at))
			out[k] = at;
	}
	if (s->auto_close_ms > 0)
		out[SLA_DEADLINE_AUTO_CLOSE] = s->auto_close_ms;
	for (int i = SLA_FIRST_RESPONSE; i <= SLA_RESOLUTION; i++) {
		const struct sla_clock *c = &s->clock[i];
		if (c->run == SLA_CLOCK_RUNNING && indexable(c->due_ms) &&
		    (!out[SLA_DEADLINE_DUE] || c->due_ms < out[SLA_DEADLINE_DUE]))
			out[SLA_DEADLINE_DUE] = c->due_ms;
	}
}

bool sla_deadline_watch(unsigned kind, uint8_t *clock, uint8_t *flag)
{
	if (kind >= SLA_DEADLINE_KINDS || !kinds[kind].flag)
		return false;
	*clock = kinds[kind].clock;
	*flag = kinds[kind].flag;
	return true;
}

const char *sla_deadline_name(unsigned kind)
{
	return kind < SLA_DEADLINE_KINDS ? kinds[kind].name : NULL;
}
