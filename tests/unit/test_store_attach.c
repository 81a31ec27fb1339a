/* Attachments in storage: the record, chunks, the walk by ticket, purge
 * and what verify finds in damaged ones. */
#include "test_store.h"

#include <openssl/evp.h>

#include "attachment_record.h"
#include "store_internal.h"

/* A closed ticket with one comment (seq 2 after the creation event). */
static uint64_t add_ticket(struct store *s)
{
	struct store_txn *t = begin(s, true);
	struct ticket tk;
	struct ticket_event e;
	memset(&tk, 0, sizeof tk);
	tk.org_id = 1;
	tk.requester_id = 1;
	tk.creator_id = 1;
	tk.priority = 3;
	tk.title = "printer";
	tk.description = "smoke";
	tk.status = "closed";
	tk.created_ms = tk.updated_ms = 1000;
	tk.closed_ms = 2000;
	assert_int_equal(store_ticket_put(t, NULL, &tk), 0);
	for (int i = 0; i < 2; i++) {
		memset(&e, 0, sizeof e);
		e.kind = i ? EVENT_COMMENT : EVENT_CREATED;
		e.actor_id = 1;
		e.body = i ? "see file" : NULL;
		assert_int_equal(store_event_append(t, &tk, &e), 0);
	}
	struct ticket old = tk;
	assert_int_equal(store_ticket_put(t, &old, &tk), 0);
	assert_int_equal(store_txn_commit(t), 0);
	return tk.id;
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	uint8_t md[32];
	unsigned len = 0;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Stores size bytes of a pattern as a file on event 2; returns its id. */
static uint64_t add_file(struct store *s, uint64_t ticket, size_t size)
{
	uint8_t *data = malloc(size + 1);
	for (size_t i = 0; i < size; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	struct attachment a;
	attachment_init(&a);
	a.ticket_id = ticket;
	a.event_seq = 2;
	strcpy(a.name, "log \"1\".txt");
	strcpy(a.sniffed_type, attachment_sniff(data, size));
	a.size = size;
	sha_hex(data, size, a.sha256);
	struct store_txn *t = begin(s, true);
	assert_int_equal(store_seq_next(t, "attachment", 0, &a.id), 0);
	for (uint32_t i = 0; i < attachment_chunks(size); i++) {
		size_t off = (size_t)i * ATTACHMENT_CHUNK;
		size_t n = size - off < ATTACHMENT_CHUNK ? size - off : ATTACHMENT_CHUNK;
		assert_int_equal(store_blob_put(t, a.id, i, data + off, n), 0);
	}
	assert_int_equal(store_attachment_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);
	free(data);
	return a.id;
}

struct problems {
	int n;
	char last[256];
};

static int note(const struct store_problem *p, void *arg)
{
	struct problems *pr = arg;
	pr->n++;
	snprintf(pr->last, sizeof pr->last, "%s: %s: %s", store_db_name(p->db), p->key,
		 p->message);
	return 0;
}

static struct problems verify(struct store *s)
{
	struct problems pr = { 0 };
	struct store_txn *t = begin(s, false);
	assert_int_equal(store_verify(t, note, &pr), 0);
	store_txn_abort(t);
	return pr;
}

static void test_record(void **state)
{
	(void)state;
	struct attachment a, b;
	struct dk_buf buf = { 0 };
	attachment_init(&a);
	assert_int_equal(attachment_encode(&a, &buf), DK_ERR_INVALID);
	a.id = 5;
	a.ticket_id = 10001;
	a.event_seq = 3;
	strcpy(a.name, "överföring.png");
	strcpy(a.declared_type, "image/png");
	strcpy(a.sniffed_type, "image/png");
	a.size = 123;
	a.internal = true;
	a.created_ms = -1;
	assert_int_equal(attachment_encode(&a, &buf), 0);
	assert_int_equal(attachment_decode(buf.data, buf.len, &b), 0);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(attachment_decode(buf.data, buf.len - 1, &b), DK_ERR_CORRUPT);
	assert_int_equal(b.id, 0);
	dk_buf_free(&buf);
	/* only the safe image types, by their bytes */
	assert_string_equal(attachment_sniff("\x89PNG\r\n\x1a\nxx", 10), "image/png");
	assert_string_equal(attachment_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(attachment_sniff("GIF89a", 6), "image/gif");
	assert_string_equal(attachment_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_string_equal(attachment_sniff("<svg xmlns=", 11), "application/octet-stream");
	assert_string_equal(attachment_sniff("", 0), "application/octet-stream");
	assert_true(attachment_type_inline("image/gif"));
	assert_false(attachment_type_inline("image/svg+xml"));
	assert_int_equal(attachment_chunks(0), 0);
	assert_int_equal(attachment_chunks(ATTACHMENT_CHUNK), 1);
	assert_int_equal(attachment_chunks(ATTACHMENT_CHUNK + 1), 2);
}

static int count_files(const struct attachment *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 0;
}

static void test_store_and_verify(void **state)
{
	struct fx *f = *state;
	uint64_t tk = add_ticket(f->s);
	uint64_t a = add_file(f->s, tk, 3 * ATTACHMENT_CHUNK + 17);
	add_file(f->s, tk, 0);
	add_file(f->s, tk, ATTACHMENT_CHUNK);
	assert_int_equal(entries(f->s, DB_ATTACHMENTS), 3);
	assert_int_equal(entries(f->s, DB_BLOBS), 5);
	struct problems pr = verify(f->s);
	assert_int_equal(pr.n, 0);

	struct store_txn *t = begin(f->s, false);
	struct attachment got;
	assert_int_equal(store_attachment_get(t, tk, a, &got), 0);
	assert_string_equal(got.name, "log \"1\".txt");
	assert_int_equal(store_attachment_get(t, tk + 1, a, &got), DK_ERR_NOTFOUND);
	int n = 0;
	assert_int_equal(store_attachments_each(t, tk, count_files, &n), 0);
	assert_int_equal(n, 3);
	const void *data;
	size_t len;
	assert_int_equal(store_blob_get(t, a, 3, &data, &len), 0);
	assert_int_equal(len, 17);
	store_txn_abort(t);
}

/* Rewrites chunk no of attachment id with len bytes of value c (len 0:
 * deletes it). */
static void damage(struct store *s, uint64_t id, uint32_t no, size_t len, uint8_t c)
{
	uint8_t k[12], *buf = malloc(len + 1);
	memset(buf, c, len);
	for (int i = 0; i < 8; i++)
		k[i] = (uint8_t)(id >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		k[8 + i] = (uint8_t)(no >> (24 - 8 * i));
	struct store_txn *t = begin(s, true);
	if (len)
		assert_int_equal(store_put(t, DB_BLOBS, k, sizeof k, buf, len, 0), 0);
	else
		assert_int_equal(store_del(t, DB_BLOBS, k, sizeof k), 0);
	assert_int_equal(store_txn_commit(t), 0);
	free(buf);
}

static void test_verify_finds_damage(void **state)
{
	struct fx *f = *state;
	uint64_t tk = add_ticket(f->s);
	uint64_t a = add_file(f->s, tk, 2 * ATTACHMENT_CHUNK + 5);

	/* same length, other bytes: only the SHA-256 can tell */
	damage(f->s, a, 1, ATTACHMENT_CHUNK, 0xee);
	struct problems pr = verify(f->s);
	assert_int_equal(pr.n, 1);
	assert_non_null(strstr(pr.last, "SHA-256"));

	damage(f->s, a, 2, 4, 0xee);
	pr = verify(f->s);
	assert_int_equal(pr.n, 1);
	assert_non_null(strstr(pr.last, "chunk 2 holds 4 bytes"));

	damage(f->s, a, 2, 0, 0);
	pr = verify(f->s);
	assert_int_equal(pr.n, 1);
	assert_non_null(strstr(pr.last, "chunk 2 is missing"));

	/* chunks nobody owns */
	damage(f->s, a + 100, 0, 3, 1);
	pr = verify(f->s);
	assert_int_equal(pr.n, 2);
	assert_non_null(strstr(pr.last, "attachment that does not exist"));
}

static void test_purge_takes_the_files(void **state)
{
	struct fx *f = *state;
	uint64_t gone = add_ticket(f->s), kept = add_ticket(f->s);
	add_file(f->s, gone, ATTACHMENT_CHUNK + 1);
	add_file(f->s, gone, 10);
	add_file(f->s, kept, 10);
	struct store_txn *t = begin(f->s, true);
	assert_int_equal(store_ticket_purge(t, gone), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(entries(f->s, DB_ATTACHMENTS), 1);
	assert_int_equal(entries(f->s, DB_BLOBS), 1);
	assert_int_equal(verify(f->s).n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test_setup_teardown(test_store_and_verify, setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_damage, setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_purge_takes_the_files, setup_people, teardown),
	};
	return cmocka_run_group_tests_name("store_attach", tests, NULL, NULL);
}
