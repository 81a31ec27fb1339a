/* Request handlers, one file per resource (h_*.c). Each answers through the
 * http_reply_* helpers exactly once. */
#ifndef DESKD_HANDLERS_H
#define DESKD_HANDLERS_H

struct req;

void h_health(struct req *r);
void h_metrics(struct req *r);
void h_session_create(struct req *r);
void h_session_delete(struct req *r);
void h_me(struct req *r);
void h_me_patch(struct req *r);
void h_me_password(struct req *r);
void h_tickets_list(struct req *r);
/* the list as a CSV or Excel download (h_export.c) */
void h_tickets_export(struct req *r);
void h_ticket_create(struct req *r);
void h_ticket_get(struct req *r);
void h_ticket_patch(struct req *r);
void h_ticket_comment(struct req *r);
void h_attachment_upload(struct req *r); /* h_attachments.c */
void h_attachment_get(struct req *r);
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
/* GET /api/v1/admin/mail: h_admin_mail.c */
void h_admin_mail(struct req *r);
/* an organisation's monthly report (h_reports.c) */
void h_report_monthly(struct req *r);
void h_agents(struct req *r);
void h_orgs(struct req *r);
/* mail from the mail gateway (h_mail_inbound.c) */
void h_mail_inbound(struct req *r);
/* accounts by e-mail: h_accounts.c, h_access.c */
void h_signup(struct req *r);
void h_signup_activate(struct req *r);
void h_password_forgot(struct req *r);
void h_password_reset(struct req *r);
void h_access_list(struct req *r);
void h_access_create(struct req *r);
void h_access_get(struct req *r);
void h_access_approve(struct req *r);
void h_access_refuse(struct req *r);
/* stop-notification links (daemon/unsubscribe.c) */
void h_unsubscribe(struct req *r);
void h_unsubscribe_one_click(struct req *r);
void h_unsubscribe_page(struct req *r);

#endif
