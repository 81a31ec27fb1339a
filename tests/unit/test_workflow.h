/* The cases of test_workflow_doc.c, run from test_workflow.c's group. */
#ifndef DESKD_TEST_WORKFLOW_H
#define DESKD_TEST_WORKFLOW_H

void test_custom_workflow(void **state);
void test_custom_unknown_status(void **state);
void test_bad_documents(void **state);
void test_too_many(void **state);

#endif
