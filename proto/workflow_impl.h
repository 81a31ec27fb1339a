/*
 * The inside of struct workflow, shared by workflow.c (rules and the
 * built-in table) and workflow_json.c (reading and writing documents).
 * Nothing outside proto/workflow*.c includes it.
 */
#ifndef DESKD_WORKFLOW_IMPL_H
#define DESKD_WORKFLOW_IMPL_H

#ifndef DESKD_WORKFLOW_INTERNAL
#error "workflow_impl.h is private to proto/workflow*.c"
#endif

#include <stddef.h>
#include <stdint.h>

#include "workflow.h"

enum { WF_LANG_EN, WF_LANG_NL, WF_LANG_SV, WF_N_LANGS };

#define WF_MAX_STATUSES 64
#define WF_MAX_RULES 256
#define WF_NAME_MAX 32
#define WF_LABEL_MAX 64

/* One bit per category, as in from_mask and to_mask. */
#define CAT_BIT(c) (1u << (c))

struct wf_status {
	const char *name;
	enum status_category category;
	const char *label[WF_N_LANGS];
	bool pauses_sla;
};

struct wf_rule {
	enum wf_action action;
	enum wf_actor actor;
	int from_status;       /* index into statuses, or -1: use from_mask */
	unsigned from_mask;    /* CAT_BIT()s */
	int to;                /* fixed or default target index, -1: none */
	unsigned to_mask;      /* categories a requested target may be in */
	bool needs_comment;
	bool needs_rating;
};

struct workflow {
	const struct wf_status *statuses;
	size_t n_statuses;
	const struct wf_rule *rules;
	size_t n_rules;
	int initial;           /* index */
	int initial_approval;  /* index, -1: same as initial */
	bool owned;            /* false for the static default */
};

extern const char *const wf_lang_codes[WF_N_LANGS];

/* Index of a status in wf, or -1. */
int wf_status_find(const struct workflow *wf, const char *name);

#endif
