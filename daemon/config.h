/*
 * deskd configuration: defaults, then the INI file (--config), then the
 * command line. Every option is documented in docs/CONFIGURATION.md and
 * deskd.conf.example.
 */
#ifndef DESKD_CONFIG_H
#define DESKD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config {
	char listen[128];        /* ADDR:PORT; port 0 picks a free one */
	char ticket_prefix[16];  /* references are PREFIX-N */
	char log_level[16];
	size_t max_body_bytes;   /* JSON request bodies */
	size_t max_attachment_bytes; /* one uploaded file */
	size_t max_header_bytes;
	int idle_timeout_s;      /* idle keep-alive and slow requests */
	int backlog;
	int max_connections;     /* open at once, in all (conn_limit.c) */
	int max_connections_per_address; /* open at once from one client address */
	int header_timeout_s;    /* a request head must arrive within this */
	int body_timeout_s;      /* a body within this, plus 1 s per body_min_rate bytes */
	int body_min_rate;       /* bytes per second that earn a slow body more time */
	char www_dir[1024];      /* the portal's static files; "": API only */
	/* passwords: scrypt cost, stored in every hash */
	uint32_t scrypt_n;
	uint8_t scrypt_r;
	uint8_t scrypt_p;
	int hash_threads;        /* workers that hash passwords off the loop */
	int hash_queue;          /* waiting hash jobs before 503 */
	int session_hours;       /* browser session lifetime */
	int remember_days;       /* "remember me" lifetime */
	int cookie_secure;       /* COOKIE_SECURE_*: when the session cookie says Secure */
	bool trust_proxy;        /* a loopback peer's X-Forwarded-For names the client */
	/* [mail]: the outbox and its delivery (docs/CONFIGURATION.md) */
	char base_url[256];      /* the portal as users reach it, for links in mail */
	char mail_from[256];     /* From: of every message, "Name <addr>" or addr */
	char smtp_url[256];      /* smtp://host:port or smtps://host:port; "": maildir */
	bool smtp_starttls;      /* smtp://: refuse to send unless STARTTLS works */
	char smtp_user[128];
	char smtp_password[256];
	char smtp_ca_file[1024]; /* trust these CAs for the server; "": the system's */
	int mail_max_attempts;   /* then a message is given up and kept as failed */
	int mail_retry_s;        /* first retry; each next one waits twice as long */
	int mail_timeout_s;      /* one delivery, connect to end of data */
	int mail_parallel;       /* deliveries under way at once */
	/* [accounts]: sign-up, activation, reset and invitation links */
	bool signup;             /* self sign-up for organisations' e-mail domains */
	int link_hours;          /* lifetime of activation, reset and invitation links */
	int mail_per_hour;       /* account mails to one address per hour */
	/* [data] */
	int retention_years;     /* closed tickets are purged after this; 0: kept */
	long map_size_max_mib;   /* the database grows no further; 0: the store's ceiling */
};

/* [security] cookie_secure: always, never, or when the request came over
 * HTTPS through a trusted proxy (X-Forwarded-Proto: https). */
enum { COOKIE_SECURE_NO = 0, COOKIE_SECURE_YES = 1, COOKIE_SECURE_AUTO = 2 };

void config_defaults(struct config *c);
/* Reads an INI file over the current values. 0, or -1 with a sentence in err
 * (unknown key, bad value, unreadable file). */
int config_load(struct config *c, const char *path, char *err, size_t err_size);
/* Checks the values together: 0 or -1 with a sentence in err. */
int config_check(const struct config *c, char *err, size_t err_size);

#endif
