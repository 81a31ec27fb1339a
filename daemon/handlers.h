/* Request handlers, one file per resource (h_*.c). Each answers through the
 * http_reply_* helpers exactly once. */
#ifndef DESKD_HANDLERS_H
#define DESKD_HANDLERS_H

struct req;

void h_health(struct req *r);
void h_session_create(struct req *r);
void h_session_delete(struct req *r);
void h_me(struct req *r);
void h_me_patch(struct req *r);
void h_me_password(struct req *r);
void h_tickets_list(struct req *r);
void h_ticket_create(struct req *r);
void h_ticket_get(struct req *r);
void h_ticket_patch(struct req *r);
void h_ticket_comment(struct req *r);
void h_ticket_follow(struct req *r);
void h_ticket_unfollow(struct req *r);
void h_ticket_action(struct req *r);
void h_ticket_participant_add(struct req *r);
void h_ticket_participant_remove(struct req *r);
void h_ticket_time(struct req *r);
void h_ticket_link(struct req *r);
void h_ticket_redact(struct req *r);
void h_catalogue(struct req *r);
void h_workflow(struct req *r);
void h_stats(struct req *r);
void h_agents(struct req *r);
void h_orgs(struct req *r);

#endif
