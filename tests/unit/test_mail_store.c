/* The outbox record (proto/mail_record.c) and its storage
 * (storage/store_outbox.c): encoding round trips, hostile bytes, the
 * outbox's due order, moving messages between outbox and mail_failed,
 * verify's checks, and what dump carries. */
#include "test_store.h"

#include "mail_record.h"

#define MSG "From: a@b.example\r\nSubject: Hello\r\n there\r\nTo: c@d.example\r\n\r\nBody\r\n"

static struct mail_msg msg_of(uint64_t seq, const char *rcpt)
{
	struct mail_msg m;
	mail_msg_init(&m);
	m.seq = seq;
	snprintf(m.rcpt, sizeof m.rcpt, "%s", rcpt);
	m.created_ms = 1700000000000;
	m.data = MSG;
	m.len = strlen(MSG);
	return m;
}

/* ---- the record ---- */

static void test_roundtrip(void **state)
{
	(void)state;
	struct dk_buf b = { 0 };
	struct mail_msg m = msg_of(7, "alice@acme.example"), d;
	m.attempts = 3;
	m.last_ms = -5;
	m.failed_ms = 1700000009999;
	snprintf(m.error, sizeof m.error, "RCPT: 550 no such user");
	assert_int_equal(mail_msg_encode(&m, &b), 0);
	assert_int_equal(mail_msg_decode(b.data, b.len, &d), 0);
	assert_int_equal(d.seq, 7);
	assert_string_equal(d.rcpt, "alice@acme.example");
	assert_int_equal(d.created_ms, 1700000000000);
	assert_int_equal(d.attempts, 3);
	assert_int_equal(d.last_ms, -5);
	assert_int_equal(d.failed_ms, 1700000009999);
	assert_string_equal(d.error, "RCPT: 550 no such user");
	assert_int_equal(d.len, strlen(MSG));
	assert_memory_equal(d.data, MSG, d.len);
	/* the data points into the encoded bytes: nothing allocated */
	assert_true(d.data >= b.data && d.data < b.data + b.len);
	dk_buf_free(&b);
}

static void test_refuses(void **state)
{
	(void)state;
	struct dk_buf b = { 0 };
	static const char *const bad[] = {
		"", "a@", "@b", "ab", "a b@c", "a@b\r\nRCPT TO:<x@y>", "<a@b>", "a@b@c",
		"a@b>", "a\tb@c", "a\x7f@b", "a@b\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_false(mail_rcpt_ok(bad[i]));
		struct mail_msg m = msg_of(1, bad[i]);
		assert_int_equal(mail_msg_encode(&m, &b), DK_ERR_INVALID);
		assert_int_equal(b.len, 0);
	}
	char long_rcpt[300];
	memset(long_rcpt, 'a', sizeof long_rcpt);
	memcpy(long_rcpt + 250, "@b.ex", 6);
	assert_false(mail_rcpt_ok(long_rcpt));
	assert_false(mail_rcpt_ok(NULL));
	assert_true(mail_rcpt_ok("o'brien+tag@sub.acme.example"));
	/* what deskd's own address check lets through, the server judges */
	assert_true(mail_rcpt_ok("a,b;c@x.example"));
	struct mail_msg m = msg_of(1, "a@b");
	m.data = NULL;
	assert_int_equal(mail_msg_encode(&m, &b), DK_ERR_INVALID);
}

static void test_corrupt(void **state)
{
	(void)state;
	struct dk_buf b = { 0 };
	struct mail_msg m = msg_of(9, "a@b.example"), d;
	assert_int_equal(mail_msg_encode(&m, &b), 0);
	/* every truncation and every single-byte change either decodes into
	 * something valid or is refused; never a read past the end */
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(mail_msg_decode(b.data, n, &d), DK_ERR_CORRUPT);
	for (size_t i = 0; i < b.len; i++) {
		char saved = b.data[i];
		for (int v = 0; v < 256; v += 17) {
			b.data[i] = (char)v;
			if (mail_msg_decode(b.data, b.len, &d) == 0) {
				assert_true(mail_rcpt_ok(d.rcpt));
				assert_true(d.data >= b.data && d.data + d.len <= b.data + b.len);
			}
		}
		b.data[i] = saved;
	}
	/* huge declared lengths */
	static const unsigned char huge[] = { 0x81, 0x07, 0xc6, 0xff, 0xff, 0xff, 0xff };
	assert_int_equal(mail_msg_decode(huge, sizeof huge, &d), DK_ERR_CORRUPT);
	static const unsigned char map[] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
	assert_int_equal(mail_msg_decode(map, sizeof map, &d), DK_ERR_CORRUPT);
	assert_int_equal(mail_msg_decode(NULL, 0, &d), DK_ERR_CORRUPT);
	/* unknown tags are skipped */
	struct dk_buf c = { 0 };
	unsigned char head = (unsigned char)(b.data[0] + 1);
	dk_buf_append(&c, &head, 1);
	dk_buf_append(&c, "\x63\x92\x01\xa1x", 5); /* tag 99: [1, "x"] */
	dk_buf_append(&c, b.data + 1, b.len - 1);
	assert_int_equal(mail_msg_decode(c.data, c.len, &d), 0);
	assert_int_equal(d.seq, 9);
	dk_buf_free(&c);
	dk_buf_free(&b);
}

static void test_header(void **state)
{
	(void)state;
	char out[64];
	mail_header_get(MSG, strlen(MSG), "subject", out, sizeof out);
	assert_string_equal(out, "Hello there");
	mail_header_get(MSG, strlen(MSG), "To", out, sizeof out);
	assert_string_equal(out, "c@d.example");
	mail_header_get(MSG, strlen(MSG), "Message-ID", out, sizeof out);
	assert_string_equal(out, "");
	/* the body is not the head */
	const char *b = "A: 1\r\n\r\nSubject: no\r\n";
	mail_header_get(b, strlen(b), "Subject", out, sizeof out);
	assert_string_equal(out, "");
	mail_header_get(MSG, strlen(MSG), "Subject", out, 4);
	assert_string_equal(out, "Hel");
	assert_string_equal(mail_rcpt_domain("a@b.example"), "b.example");
	assert_string_equal(mail_rcpt_domain("nothing"), "");
}

/* ---- storage ---- */

struct seen {
	size_t n;
	struct store_mail_pos pos[16];
	uint64_t seq[16];
	size_t stop_after;
};

static int see(const struct store_mail_pos *pos, const struct mail_msg *m, void *arg)
{
	struct seen *s = arg;
	assert_int_equal(pos->seq, m->seq);
	s->pos[s->n] = *pos;
	s->seq[s->n++] = m->seq;
	return s->stop_after && s->n == s->stop_after ? STORE_WALK_STOP : 0;
}

static void test_outbox_order(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct mail_msg a = msg_of(1, "a@x.example"), b = msg_of(2, "b@x.example"),
			c = msg_of(3, "c@x.example"), got;
	assert_int_equal(store_outbox_put(txn, 300, &a), 0);
	assert_int_equal(store_outbox_put(txn, 100, &b), 0);
	assert_int_equal(store_outbox_put(txn, 100, &c), 0);
	assert_int_equal(store_outbox_put(txn, 100, &c), DK_ERR_EXISTS);
	assert_int_equal(store_outbox_put(txn, -1, &c), DK_ERR_INVALID);
	struct mail_msg zero = msg_of(0, "z@x.example");
	assert_int_equal(store_outbox_put(txn, 5, &zero), DK_ERR_INVALID);
	assert_int_equal(store_txn_commit(txn), 0);

	txn = begin(f->s, false);
	struct seen s = { 0 };
	assert_int_equal(store_outbox_walk(txn, NULL, see, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[0], 2);
	assert_int_equal(s.seq[1], 3);
	assert_int_equal(s.seq[2], 1);
	assert_int_equal(s.pos[2].due_ms, 300);
	/* after a position; stopping */
	struct seen t = { 0 };
	assert_int_equal(store_outbox_walk(txn, &s.pos[0], see, &t), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.seq[0], 3);
	struct seen u = { .stop_after = 1 };
	assert_int_equal(store_outbox_walk(txn, NULL, see, &u), 0);
	assert_int_equal(u.n, 1);
	struct store_mail_pos where;
	assert_int_equal(store_outbox_find(txn, 1, &where), 0);
	assert_int_equal(where.due_ms, 300);
	assert_int_equal(store_outbox_find(txn, 99, &where), DK_ERR_NOTFOUND);
	assert_int_equal(store_outbox_get(txn, 300, 1, &got), 0);
	assert_string_equal(got.rcpt, "a@x.example");
	assert_int_equal(store_outbox_get(txn, 301, 1, &got), DK_ERR_NOTFOUND);
	store_txn_abort(txn);
}

static void test_failed(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	struct mail_msg a = msg_of(4, "a@x.example"), got;
	assert_int_equal(store_outbox_put(txn, 50, &a), 0);
	/* give up: a copy in mail_failed, then out of the outbox */
	assert_int_equal(store_outbox_get(txn, 50, 4, &got), 0);
	got.failed_ms = 60;
	got.attempts = 1;
	snprintf(got.error, sizeof got.error, "RCPT: 550 no");
	assert_int_equal(store_mail_failed_put(txn, &got), 0);
	assert_int_equal(store_outbox_del(txn, 50, 4), 0);
	assert_int_equal(store_outbox_del(txn, 50, 4), DK_ERR_NOTFOUND);
	assert_int_equal(store_mail_failed_put(txn, &got), DK_ERR_EXISTS);
	assert_int_equal(store_txn_commit(txn), 0);

	txn = begin(f->s, true);
	struct seen s = { 0 };
	assert_int_equal(store_outbox_walk(txn, NULL, see, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(store_mail_failed_walk(txn, 0, see, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(store_mail_failed_get(txn, 4, &got), 0);
	assert_string_equal(got.error, "RCPT: 550 no");
	assert_int_equal(got.failed_ms, 60);
	assert_memory_equal(got.data, MSG, strlen(MSG));
	assert_int_equal(store_mail_failed_walk(txn, 4, see, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(store_mail_failed_del(txn, 4), 0);
	assert_int_equal(store_mail_failed_get(txn, 4, &got), DK_ERR_NOTFOUND);
	store_txn_abort(txn);
}

/* A damaged message is passed over by walks and named by verify. */
struct problems {
	size_t n;
	char text[8][256];
};

static int collect(const struct store_problem *p, void *arg)
{
	struct problems *ps = arg;
	if (ps->n < 8)
		snprintf(ps->text[ps->n], sizeof ps->text[0], "%s|%s|%s", store_db_name(p->db),
			 p->key, p->message);
	ps->n++;
	return 0;
}

static void test_damage_and_verify(void **state)
{
	struct fx *f = *state;
	struct store_txn *txn = begin(f->s, true);
	uint64_t seq;
	assert_int_equal(store_seq_next(txn, "mail", 0, &seq), 0);
	struct mail_msg a = msg_of(seq, "a@x.example");
	assert_int_equal(store_outbox_put(txn, 10, &a), 0);
	assert_int_equal(store_txn_commit(txn), 0);

	struct problems ps = { 0 };
	txn = begin(f->s, false);
	assert_int_equal(store_verify(txn, collect, &ps), 0);
	assert_int_equal(ps.n, 0);
	store_txn_abort(txn);

	txn = begin(f->s, true);
	/* garbage under a key; the same message also failed; a message the
	 * sequence has not reached */
	static const unsigned char k[16] = { 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2 };
	assert_int_equal(store_raw_put(txn, DB_OUTBOX, k, sizeof k, "\xc1", 1), 0);
	assert_int_equal(store_mail_failed_put(txn, &a), 0);
	struct mail_msg c = msg_of(77, "c@x.example");
	assert_int_equal(store_outbox_put(txn, 20, &c), 0);
	struct seen s = { 0 };
	assert_int_equal(store_outbox_walk(txn, NULL, see, &s), 0);
	assert_int_equal(s.n, 2); /* the garbage is passed over */
	assert_int_equal(s.seq[0], seq);
	assert_int_equal(store_txn_commit(txn), 0);

	txn = begin(f->s, false);
	assert_int_equal(store_verify(txn, collect, &ps), 0);
	store_txn_abort(txn);
	bool decode = false, both = false, sequence = false;
	for (size_t i = 0; i < ps.n && i < 8; i++) {
		decode |= strstr(ps.text[i], "outbox|message 2|message does not decode") != NULL;
		both |= strstr(ps.text[i], "also in mail_failed") != NULL;
		sequence |= strstr(ps.text[i], "seq:mail") != NULL;
	}
	assert_true(decode);
	assert_true(both);
	assert_true(sequence);
	assert_int_equal(ps.n, 3);
}

static void test_raw_tables(void **state)
{
	(void)state;
	/* dump carries both tables as stored, restore writes them back */
	assert_true(store_db_is_raw(DB_OUTBOX));
	assert_true(store_db_is_raw(DB_MAIL_FAILED));
	assert_string_equal(store_db_name(DB_OUTBOX), "outbox");
	assert_string_equal(store_db_name(DB_MAIL_FAILED), "mail_failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_header),
		cmocka_unit_test_setup_teardown(test_outbox_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_and_verify, setup, teardown),
		cmocka_unit_test(test_raw_tables),
	};
	return cmocka_run_group_tests_name("mail_store", tests, NULL, NULL);
}
