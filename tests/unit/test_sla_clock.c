/*
 * The clock of one target, on Monday to Friday 08:30-17:00 in Amsterdam
 * in March 2024 (UTC+1; Mon 4, Tue 5, Wed 6, Thu 7, Fri 8, Mon 11).
 */
#include "test_sla.h"

#include "dk_err.h"
#include "workflow.h"

#define AT(d, h, m) wall(2024, 3, (d), (h), (m), 1)

static struct sla_clock_view view(const struct sla_clock *k, const struct sla_calendar *c,
				  int64_t now)
{
	struct sla_clock_view v;

	assert_int_equal(sla_clock_state(k, c, now, &v), 0);
	return v;
}

void test_clock_runs_out(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_clock k;
	struct sla_clock_view v;

	(void)state;
	/* P1, 4 h from Tue 09:00: due 13:00; 80 % is 3 h 12 min: 12:12 */
	assert_int_equal(sla_clock_start(&k, &c, 4 * HOUR_MS, 80, AT(5, 9, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_RUNNING);
	assert_int_equal(k.due_ms, AT(5, 13, 0));
	assert_int_equal(k.warning_ms, AT(5, 12, 12));
	v = view(&k, &c, AT(5, 11, 0));
	assert_int_equal(v.consumed_ms, 2 * HOUR_MS);
	assert_int_equal(v.remaining_ms, 2 * HOUR_MS);
	assert_false(v.warning);
	assert_false(v.breached);
	assert_int_equal(v.due_ms, AT(5, 13, 0));
	v = view(&k, &c, AT(5, 12, 12) - 1);
	assert_false(v.warning);
	v = view(&k, &c, AT(5, 12, 12));
	assert_true(v.warning);
	assert_false(v.breached);
	assert_int_equal(v.remaining_ms, 48 * MIN_MS);
	v = view(&k, &c, AT(5, 13, 0));
	assert_true(v.breached);
	assert_int_equal(v.remaining_ms, 0);
	/* Wed 09:00: 8 h on Tuesday and 30 min on Wednesday, 4.5 h overdue */
	v = view(&k, &c, AT(6, 9, 0));
	assert_int_equal(v.remaining_ms, -(4 * HOUR_MS + 30 * MIN_MS));
	/* from Tue 15:00: 2 h on Tuesday, Wed 08:30 + 2 h; warning Wed 09:42 */
	assert_int_equal(sla_clock_start(&k, &c, 4 * HOUR_MS, 80, AT(5, 15, 0)), 0);
	assert_int_equal(k.due_ms, AT(6, 10, 30));
	assert_int_equal(k.warning_ms, AT(6, 9, 42));
}

void test_clock_pause_resume(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_clock k;
	struct sla_clock_view v;

	(void)state;
	assert_int_equal(sla_clock_start(&k, &c, 4 * HOUR_MS, 80, AT(5, 9, 0)), 0);
	/* waiting for the customer from 10:00: 1 h used, no deadline */
	assert_int_equal(sla_clock_pause(&k, &c, AT(5, 10, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_PAUSED);
	assert_int_equal(k.consumed_ms, HOUR_MS);
	assert_int_equal(k.due_ms, SLA_NEVER);
	assert_int_equal(k.warning_ms, SLA_NEVER);
	v = view(&k, &c, AT(5, 16, 0));
	assert_int_equal(v.consumed_ms, HOUR_MS);
	assert_int_equal(v.remaining_ms, 3 * HOUR_MS);
	assert_false(v.warning);
	assert_false(v.breached);
	/* a second pause changes nothing */
	assert_int_equal(sla_clock_pause(&k, &c, AT(5, 11, 0)), 0);
	assert_int_equal(k.consumed_ms, HOUR_MS);
	/* the customer answers Wed 09:00: 3 h left, due 12:00, warning at
	 * 3 h 12 min used, 2 h 12 min from now: 11:12 */
	assert_int_equal(sla_clock_resume(&k, &c, AT(6, 9, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_RUNNING);
	assert_int_equal(k.due_ms, AT(6, 12, 0));
	assert_int_equal(k.warning_ms, AT(6, 11, 12));
	/* a second resume does not restart the stretch */
	assert_int_equal(sla_clock_resume(&k, &c, AT(6, 10, 0)), 0);
	assert_int_equal(k.started_ms, AT(6, 9, 0));
	/* waiting again at 11:30: 3.5 h used, the warning has happened */
	assert_int_equal(sla_clock_pause(&k, &c, AT(6, 11, 30)), 0);
	assert_int_equal(k.consumed_ms, 3 * HOUR_MS + 30 * MIN_MS);
	assert_int_equal(k.warning_ms, AT(6, 11, 12));
	assert_int_equal(k.due_ms, SLA_NEVER);
	v = view(&k, &c, AT(7, 12, 0));
	assert_true(v.warning);
	assert_false(v.breached);
	assert_int_equal(v.remaining_ms, 30 * MIN_MS);
	/* back Fri 16:45: 15 min Friday, 15 Monday: due Mon 11th 08:45 */
	assert_int_equal(sla_clock_resume(&k, &c, AT(8, 16, 45)), 0);
	assert_int_equal(k.due_ms, AT(11, 8, 45));
	assert_int_equal(k.warning_ms, AT(6, 11, 12));
	v = view(&k, &c, AT(11, 8, 45));
	assert_true(v.breached);
	assert_int_equal(v.remaining_ms, 0);
	/* paused after the breach, the breach instant stays */
	assert_int_equal(sla_clock_pause(&k, &c, AT(11, 9, 0)), 0);
	assert_int_equal(k.due_ms, AT(11, 8, 45));
	v = view(&k, &c, AT(12, 9, 0));
	assert_true(v.breached);
	assert_int_equal(v.remaining_ms, -15 * MIN_MS);
}

void test_clock_stop_reopen(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_clock k;
	struct sla_clock_view v;
	int64_t day = 8 * HOUR_MS + 30 * MIN_MS;

	(void)state;
	/* resolution P2, one business day from Mon 10:00: Tue 10:00; the
	 * warning at 6 h 48 min: Mon 16:48 */
	assert_int_equal(sla_clock_start(&k, &c, day, 80, AT(4, 10, 0)), 0);
	assert_int_equal(k.due_ms, AT(5, 10, 0));
	assert_int_equal(k.warning_ms, AT(4, 16, 48));
	/* resolved Mon 15:00 */
	assert_int_equal(sla_clock_stop(&k, &c, AT(4, 15, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_STOPPED);
	assert_int_equal(k.stopped_ms, AT(4, 15, 0));
	assert_int_equal(k.consumed_ms, 5 * HOUR_MS);
	assert_int_equal(k.due_ms, SLA_NEVER);
	assert_int_equal(k.warning_ms, SLA_NEVER);
	v = view(&k, &c, AT(8, 12, 0));
	assert_int_equal(v.remaining_ms, 3 * HOUR_MS + 30 * MIN_MS);
	assert_false(v.breached);
	/* a stopped clock ignores stop, pause and resume */
	assert_int_equal(sla_clock_stop(&k, &c, AT(4, 16, 0)), 0);
	assert_int_equal(sla_clock_pause(&k, &c, AT(4, 16, 0)), 0);
	assert_int_equal(sla_clock_resume(&k, &c, AT(4, 16, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_STOPPED);
	assert_int_equal(k.stopped_ms, AT(4, 15, 0));
	/* reopened Thu 16:00 with 3.5 h left: 1 h Thursday, Fri 08:30 + 2.5 h;
	 * the warning 1 h 48 min on: Fri 09:18 */
	assert_int_equal(sla_clock_reopen(&k, &c, AT(7, 16, 0)), 0);
	assert_int_equal(k.run, SLA_CLOCK_RUNNING);
	assert_int_equal(k.stopped_ms, 0);
	assert_int_equal(k.due_ms, AT(8, 11, 0));
	assert_int_equal(k.warning_ms, AT(8, 9, 18));
	assert_int_equal(sla_clock_reopen(&k, &c, AT(7, 16, 30)), 0);
	assert_int_equal(k.started_ms, AT(7, 16, 0));

	/* first response P1 (1 h) answered after 20 min: never breaches */
	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 80, AT(4, 10, 0)), 0);
	assert_int_equal(sla_clock_stop(&k, &c, AT(4, 10, 20)), 0);
	v = view(&k, &c, AT(8, 10, 0));
	assert_int_equal(v.remaining_ms, 40 * MIN_MS);
	assert_false(v.warning);
	assert_false(v.breached);
	/* answered at 12:00, an hour late: the breach at 11:00 is kept */
	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 80, AT(4, 10, 0)), 0);
	assert_int_equal(sla_clock_stop(&k, &c, AT(4, 12, 0)), 0);
	assert_int_equal(k.due_ms, AT(4, 11, 0));
	assert_int_equal(k.warning_ms, AT(4, 10, 48));
	v = view(&k, &c, AT(8, 10, 0));
	assert_true(v.breached);
	assert_true(v.warning);
	assert_int_equal(v.remaining_ms, -HOUR_MS);
}

void test_clock_retarget(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_clock k;
	struct sla_clock_view v;
	int64_t day = 8 * HOUR_MS + 30 * MIN_MS;

	(void)state;
	/* P2 from Mon 10:00, due Tue 10:00 */
	assert_int_equal(sla_clock_start(&k, &c, day, 80, AT(4, 10, 0)), 0);
	/* raised to P1 (4 h) at 12:00: due 14:00, warning 13:12 */
	assert_int_equal(sla_clock_retarget(&k, &c, 4 * HOUR_MS, AT(4, 12, 0)), 0);
	assert_int_equal(k.due_ms, AT(4, 14, 0));
	assert_int_equal(k.warning_ms, AT(4, 13, 12));
	/* lowered to P3 (3 days, 25.5 h) at 13:00: Mon 7 h, Tue 8.5, Wed 8.5,
	 * Thu 08:30 + 1.5 = 10:00; warning at 20 h 24 min: Wed 13:24 */
	assert_int_equal(sla_clock_retarget(&k, &c, 3 * day, AT(4, 13, 0)), 0);
	assert_int_equal(k.due_ms, AT(7, 10, 0));
	assert_int_equal(k.warning_ms, AT(6, 13, 24));
	/* Wed 14:00, 21 h used, back to P1: it ran out Monday at 14:00 */
	assert_int_equal(sla_clock_retarget(&k, &c, 4 * HOUR_MS, AT(6, 14, 0)), 0);
	assert_int_equal(k.due_ms, AT(4, 14, 0));
	assert_int_equal(k.warning_ms, AT(4, 13, 12));
	v = view(&k, &c, AT(6, 14, 0));
	assert_true(v.breached);
	assert_int_equal(v.remaining_ms, 4 * HOUR_MS - 21 * HOUR_MS);
	/* and to P4 (5 days, 42.5 h): due Mon 11th 10:00, warning at 34 h:
	 * Fri 8th 10:00; neither has happened yet */
	assert_int_equal(sla_clock_retarget(&k, &c, 5 * day, AT(6, 14, 0)), 0);
	assert_int_equal(k.due_ms, AT(11, 10, 0));
	assert_int_equal(k.warning_ms, AT(8, 10, 0));
	v = view(&k, &c, AT(6, 14, 0));
	assert_false(v.breached);
	assert_false(v.warning);
	assert_int_equal(v.remaining_ms, 21 * HOUR_MS + 30 * MIN_MS);
}

void test_clock_retarget_paused(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	struct sla_clock k;
	struct sla_clock_view v;

	(void)state;
	assert_int_equal(sla_clock_start(&k, &c, 8 * HOUR_MS + 30 * MIN_MS, 80, AT(4, 10, 0)), 0);
	assert_int_equal(sla_clock_pause(&k, &c, AT(4, 12, 0)), 0);
	/* 2 h used; to 4 h while waiting: still no deadline */
	assert_int_equal(sla_clock_retarget(&k, &c, 4 * HOUR_MS, AT(4, 14, 0)), 0);
	assert_int_equal(k.due_ms, SLA_NEVER);
	assert_int_equal(k.warning_ms, SLA_NEVER);
	assert_int_equal(view(&k, &c, AT(4, 15, 0)).remaining_ms, 2 * HOUR_MS);
	/* to 1 h: already overrun, as of the change */
	assert_int_equal(sla_clock_retarget(&k, &c, HOUR_MS, AT(4, 15, 0)), 0);
	assert_int_equal(k.due_ms, AT(4, 15, 0));
	assert_int_equal(k.warning_ms, AT(4, 15, 0));
	v = view(&k, &c, AT(4, 15, 0));
	assert_true(v.breached);
	assert_int_equal(v.remaining_ms, -HOUR_MS);
	/* resumed, the breach stays where it was */
	assert_int_equal(sla_clock_resume(&k, &c, AT(5, 9, 0)), 0);
	assert_int_equal(k.due_ms, AT(4, 15, 0));
	/* back to 4 h at Tue 09:30: 2 h from Tue 09:00 is 11:00, the warning
	 * 1 h 12 min from then, 10:12 */
	assert_int_equal(sla_clock_retarget(&k, &c, 4 * HOUR_MS, AT(5, 9, 30)), 0);
	assert_int_equal(k.due_ms, AT(5, 11, 0));
	assert_int_equal(k.warning_ms, AT(5, 10, 12));
	v = view(&k, &c, AT(5, 9, 30));
	assert_false(v.breached);
	assert_int_equal(v.remaining_ms, HOUR_MS + 30 * MIN_MS);
}

void test_clock_waiting_from_start(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL);
	const struct workflow *wf = workflow_default();
	struct sla_clock k;

	(void)state;
	/* a request that needs approval starts waiting: started and paused
	 * at the same moment, nothing used */
	assert_true(workflow_pauses_sla(wf, workflow_initial(wf, true)));
	assert_int_equal(sla_clock_start(&k, &c, 4 * HOUR_MS, 80, AT(4, 10, 0)), 0);
	assert_int_equal(sla_clock_pause(&k, &c, AT(4, 10, 0)), 0);
	assert_int_equal(k.consumed_ms, 0);
	assert_int_equal(k.due_ms, SLA_NEVER);
	/* approved Tue 09:00: 4 h from then */
	assert_false(workflow_pauses_sla(wf, workflow_initial(wf, false)));
	assert_int_equal(sla_clock_resume(&k, &c, AT(5, 9, 0)), 0);
	assert_int_equal(k.due_ms, AT(5, 13, 0));
	/* a clock that sees time run backwards counts nothing for it */
	assert_int_equal(sla_clock_pause(&k, &c, AT(5, 8, 0)), 0);
	assert_int_equal(k.consumed_ms, 0);
}

void test_clock_refusals(void **state)
{
	struct sla_calendar c = cal_from(OFFICE_NL), bad = c;
	struct sla_clock k, off;
	struct sla_clock_view v;
	int64_t t = AT(4, 10, 0);

	(void)state;
	memset(&off, 0, sizeof(off));
	k = off;
	assert_int_equal(sla_clock_pause(&k, &c, t), DK_ERR_CONFLICT);
	assert_int_equal(sla_clock_resume(&k, &c, t), DK_ERR_CONFLICT);
	assert_int_equal(sla_clock_stop(&k, &c, t), DK_ERR_CONFLICT);
	assert_int_equal(sla_clock_reopen(&k, &c, t), DK_ERR_CONFLICT);
	assert_int_equal(sla_clock_retarget(&k, &c, HOUR_MS, t), DK_ERR_CONFLICT);
	assert_memory_equal(&k, &off, sizeof(k));
	assert_int_equal(sla_clock_state(&k, &c, t, &v), 0);
	assert_int_equal(v.due_ms, SLA_NEVER);
	assert_int_equal(v.warning_ms, SLA_NEVER);
	assert_false(v.breached);
	assert_int_equal(v.remaining_ms, 0);

	assert_int_equal(sla_clock_start(&k, &c, 0, 80, t), DK_ERR_INVALID);
	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 0, t), DK_ERR_INVALID);
	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 100, t), DK_ERR_INVALID);
	assert_int_equal(sla_clock_start(&k, NULL, HOUR_MS, 80, t), DK_ERR_INVALID);
	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 80, -1), DK_ERR_INVALID);
	bad.hours[2][0].end = 0;
	assert_int_equal(sla_clock_start(&k, &bad, HOUR_MS, 80, t), DK_ERR_INVALID);
	assert_memory_equal(&k, &off, sizeof(k));

	assert_int_equal(sla_clock_start(&k, &c, HOUR_MS, 80, t), 0);
	assert_int_equal(sla_clock_retarget(&k, &c, 0, t), DK_ERR_INVALID);
	assert_int_equal(sla_clock_pause(&k, &bad, t), DK_ERR_INVALID);
	assert_int_equal(k.run, SLA_CLOCK_RUNNING);
	assert_int_equal(sla_clock_state(&k, &bad, t, &v), DK_ERR_INVALID);
	assert_int_equal(v.due_ms, SLA_NEVER);
	assert_false(v.breached);
}
