/*
 * Stored records as the database could hold them after damage: the first
 * byte picks the decoder, the rest is the value. A decoder must answer
 * DK_ERR_CORRUPT, never crash or leak; and a record it accepts must encode
 * and decode again to the same bytes, so whatever deskd reads it can also
 * write back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachment_record.h"
#include "buf.h"
#include "dk_err.h"
#include "mail_record.h"
#include "record.h"
#include "sla_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encodes a record once more after decoding its first encoding: the
 * bytes must not change. */
static void same_bytes(const struct dk_buf *a, const struct dk_buf *b)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len)) {
		fprintf(stderr, "record changed across decode and encode\n");
		abort();
	}
}

/* decode(input); if encode accepts it: decode(encode) must succeed and
 * encode to the same bytes. Works on the record types that allocate and
 * have a *_free. */
#define ROUND_TRIP(type, dec, enc, release)                                   \
	do {                                                                  \
		struct type r1, r2;                                           \
		struct dk_buf b1 = { 0 }, b2 = { 0 };                         \
		if (dec(p, n, &r1)) {                                         \
			release(&r1);                                         \
			break;                                                \
		}                                                             \
		if (enc(&r1, &b1) == 0) {                                     \
			if (dec(b1.data, b1.len, &r2)) {                      \
				fprintf(stderr, #type ": own encoding refused\n"); \
				abort();                                      \
			}                                                     \
			if (enc(&r2, &b2)) {                                  \
				fprintf(stderr, #type ": decoded copy refused\n"); \
				abort();                                      \
			}                                                     \
			same_bytes(&b1, &b2);                                 \
			release(&r2);                                         \
		}                                                             \
		release(&r1);                                                 \
		dk_buf_free(&b1);                                             \
		dk_buf_free(&b2);                                             \
	} while (0)

/* Records without pointers: nothing to free. */
static void no_free(void *r)
{
	(void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 9) {
	case 0: ROUND_TRIP(user, user_decode, user_encode, user_free); break;
	case 1: ROUND_TRIP(org, org_decode, org_encode, org_free); break;
	case 2: ROUND_TRIP(ticket, ticket_decode, ticket_encode, ticket_free); break;
	case 3:
		ROUND_TRIP(ticket_event, ticket_event_decode, ticket_event_encode,
			   ticket_event_free);
		break;
	case 4: ROUND_TRIP(session, session_decode, session_encode, session_free); break;
	case 5:
		ROUND_TRIP(access_request, access_request_decode, access_request_encode,
			   access_request_free);
		break;
	case 6: ROUND_TRIP(attachment, attachment_decode, attachment_encode, no_free); break;
	case 7: ROUND_TRIP(mail_msg, mail_msg_decode, mail_msg_encode, no_free); break;
	case 8: ROUND_TRIP(sla_state, sla_state_decode, sla_state_encode, no_free); break;
	}
	return 0;
}
