/* Cases of the inbound mail rules, one cmocka group over three files. */
#ifndef DESKD_TEST_MAIL_IN_H
#define DESKD_TEST_MAIL_IN_H

#include "test.h"

void test_html_tags_and_breaks(void **state);
void test_html_entities(void **state);
void test_html_blockquote_and_lists(void **state);
void test_html_dropped_and_broken(void **state);
void test_inbound_parse(void **state);
void test_inbound_parse_refusals(void **state);
void test_inbound_ticket_ref(void **state);
void test_inbound_loop(void **state);
void test_inbound_title(void **state);

#endif
