/* The SLA state record: round trip, tolerance of older and newer records,
 * refusal of corrupt bytes. */
#include "test.h"

#include "dk_err.h"
#include "sla_record.h"

static void sample(struct sla_state *s)
{
	sla_state_init(s);
	snprintf(s->policy, sizeof s->policy, "standard");
	s->priority = 2;
	s->clock[SLA_FIRST_RESPONSE] = (struct sla_clock){ 3600000, 60000, 1000, 0, 2880000 + 1000,
							   3600000 + 1000, SLA_CLOCK_RUNNING, 80 };
	s->clock[SLA_RESOLUTION] = (struct sla_clock){ 14400000, 5, 7, 99, SLA_NEVER, SLA_NEVER,
						       SLA_CLOCK_STOPPED, 80 };
	s->flags[SLA_FIRST_RESPONSE] = SLA_FLAG_WARNED | SLA_FLAG_BREACHED;
	s->auto_close_ms = INT64_C(1893456000000);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct sla_state a, b;
	struct dk_buf buf = { 0 };
	sample(&a);
	assert_int_equal(sla_state_encode(&a, &buf), 0);
	assert_int_equal(sla_state_decode(buf.data, buf.len, &b), 0);
	assert_string_equal(b.policy, "standard");
	assert_int_equal(b.priority, 2);
	assert_memory_equal(&a.clock, &b.clock, sizeof a.clock);
	assert_memory_equal(a.flags, b.flags, sizeof a.flags);
	assert_int_equal(b.auto_close_ms, a.auto_close_ms);
	assert_int_equal(b.clock[SLA_TRIAGE].due_ms, SLA_NEVER);
	assert_int_equal(b.version, SLA_STATE_VERSION);
	dk_buf_free(&buf);
}

/* {0: 1, 2: 3, 99: [1, {"x": "y"}], 7: 5} by hand: an older record lacking
 * the clocks, with a tag from a newer deskd. */
static void test_tolerant(void **state)
{
	(void)state;
	static const uint8_t rec[] = { 0x84, 0x00, 0x01, 0x02, 0x03, 0x63, 0x92, 0x01, 0x81,
				       0xa1, 'x', 0xa1, 'y', 0x07, 0x05 };
	struct sla_state s;
	assert_int_equal(sla_state_decode(rec, sizeof rec, &s), 0);
	assert_int_equal(s.priority, 3);
	assert_int_equal(s.auto_close_ms, 5);
	assert_int_equal(s.clock[SLA_FIRST_RESPONSE].run, SLA_CLOCK_OFF);
	assert_int_equal(s.clock[SLA_FIRST_RESPONSE].due_ms, SLA_NEVER);
	/* a clock with a ninth field from the future, and flags with four */
	static const uint8_t more[] = { 0x82, 0x03, 0x99, 1, 2, 3, 4, 5, 6, 1, 80, 0xc0,
					0x06, 0x94, 1, 2, 3, 4 };
	assert_int_equal(sla_state_decode(more, sizeof more, &s), 0);
	assert_int_equal(s.clock[SLA_FIRST_RESPONSE].due_ms, 6);
	assert_int_equal(s.clock[SLA_FIRST_RESPONSE].warning_percent, 80);
	assert_int_equal(s.flags[2], 3);
}

static void test_corrupt(void **state)
{
	(void)state;
	struct sla_state a, s;
	struct dk_buf buf = { 0 };
	sample(&a);
	assert_int_equal(sla_state_encode(&a, &buf), 0);
	/* every truncation is refused and leaves a clean state */
	for (size_t n = 0; n < buf.len; n++) {
		assert_int_equal(sla_state_decode(buf.data, n, &s), DK_ERR_CORRUPT);
		assert_int_equal(s.priority, 0);
		assert_int_equal(s.clock[0].due_ms, SLA_NEVER);
	}
	/* trailing bytes, a wrong type, a run state out of range, a huge count */
	assert_int_equal(dk_buf_append(&buf, "", 1), 0);
	assert_int_equal(sla_state_decode(buf.data, buf.len, &s), DK_ERR_CORRUPT);
	static const uint8_t str_prio[] = { 0x81, 0x02, 0xa1, '2' };
	assert_int_equal(sla_state_decode(str_prio, sizeof str_prio, &s), DK_ERR_CORRUPT);
	static const uint8_t bad_run[] = { 0x81, 0x03, 0x97, 0, 0, 0, 0, 0, 0, 9 };
	assert_int_equal(sla_state_decode(bad_run, sizeof bad_run, &s), DK_ERR_CORRUPT);
	static const uint8_t huge[] = { 0x81, 0x63, 0xdd, 0xff, 0xff, 0xff, 0xff };
	assert_int_equal(sla_state_decode(huge, sizeof huge, &s), DK_ERR_CORRUPT);
	static const uint8_t deep[] = { 0x81, 0x63, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91,
					0x91, 0x91, 0x90 };
	assert_int_equal(sla_state_decode(deep, sizeof deep, &s), DK_ERR_CORRUPT);
	assert_int_equal(sla_state_decode("", 0, &s), DK_ERR_CORRUPT);
	dk_buf_free(&buf);
}

/* The deadlines of a state: what the engine indexes and verify expects. */
static void test_deadlines(void **state)
{
	(void)state;
	struct sla_calendar cal;
	struct sla_state s;
	int64_t at[SLA_DEADLINE_KINDS];
	const int64_t t0 = 1893456000000, h = 3600000;

	sla_calendar_around_the_clock(&cal, "UTC");
	sla_state_init(&s);
	sla_state_deadlines(&s, at);
	for (int k = 0; k < SLA_DEADLINE_KINDS; k++)
		assert_int_equal(at[k], 0);
	assert_int_equal(sla_clock_start(&s.clock[SLA_FIRST_RESPONSE], &cal, h, 80, t0), 0);
	assert_int_equal(sla_clock_start(&s.clock[SLA_RESOLUTION], &cal, 4 * h, 80, t0), 0);
	assert_int_equal(sla_clock_start(&s.clock[SLA_TRIAGE], &cal, h / 4, 80, t0), 0);
	sla_state_deadlines(&s, at);
	assert_int_equal(at[SLA_DEADLINE_RESPONSE_WARNING], t0 + h * 8 / 10);
	assert_int_equal(at[SLA_DEADLINE_RESPONSE_BREACH], t0 + h);
	assert_int_equal(at[SLA_DEADLINE_RESOLUTION_BREACH], t0 + 4 * h);
	assert_int_equal(at[SLA_DEADLINE_TRIAGE_BREACH], t0 + h / 4);
	assert_int_equal(at[SLA_DEADLINE_AUTO_CLOSE], 0);
	/* due: the first response while unmet (never the triage) */
	assert_int_equal(at[SLA_DEADLINE_DUE], t0 + h);
	/* breached and announced: the breach kind goes, due stays */
	s.flags[SLA_FIRST_RESPONSE] = SLA_FLAG_WARNED | SLA_FLAG_BREACHED;
	sla_state_deadlines(&s, at);
	assert_int_equal(at[SLA_DEADLINE_RESPONSE_BREACH], 0);
	assert_int_equal(at[SLA_DEADLINE_DUE], t0 + h);
	/* waiting: nothing is due */
	struct sla_state w = s;
	assert_int_equal(sla_clock_pause(&w.clock[SLA_FIRST_RESPONSE], &cal, t0 + 2 * h), 0);
	assert_int_equal(sla_clock_pause(&w.clock[SLA_RESOLUTION], &cal, t0 + 2 * h), 0);
	sla_state_deadlines(&w, at);
	assert_int_equal(at[SLA_DEADLINE_DUE], 0);
	assert_int_equal(at[SLA_DEADLINE_RESOLUTION_BREACH], 0);
	/* answered: the resolution is next */
	assert_int_equal(sla_clock_stop(&s.clock[SLA_FIRST_RESPONSE], &cal, t0 + 2 * h), 0);
	sla_state_deadlines(&s, at);
	assert_int_equal(at[SLA_DEADLINE_DUE], t0 + 4 * h);
	/* resolved: stopped, and the closing countdown runs */
	assert_int_equal(sla_clock_stop(&s.clock[SLA_RESOLUTION], &cal, t0 + 3 * h), 0);
	s.auto_close_ms = t0 + 100 * h;
	sla_state_deadlines(&s, at);
	assert_int_equal(at[SLA_DEADLINE_DUE], 0);
	assert_int_equal(at[SLA_DEADLINE_AUTO_CLOSE], t0 + 100 * h);

	uint8_t clock, flag;
	assert_true(sla_deadline_watch(SLA_DEADLINE_RESOLUTION_WARNING, &clock, &flag));
	assert_int_equal(clock, SLA_RESOLUTION);
	assert_int_equal(flag, SLA_FLAG_WARNED);
	assert_false(sla_deadline_watch(SLA_DEADLINE_AUTO_CLOSE, &clock, &flag));
	assert_false(sla_deadline_watch(SLA_DEADLINE_DUE, &clock, &flag));
	assert_false(sla_deadline_watch(SLA_DEADLINE_KINDS, &clock, &flag));
	assert_string_equal(sla_deadline_name(SLA_DEADLINE_DUE), "due");
	assert_string_equal(sla_deadline_name(SLA_DEADLINE_TRIAGE_BREACH), "triage_breach");
	assert_null(sla_deadline_name(0));
	assert_null(sla_deadline_name(SLA_DEADLINE_KINDS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_deadlines),
	};
	return cmocka_run_group_tests_name("sla_record", tests, NULL, NULL);
}
