#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->ticket_prefix, sizeof c->ticket_prefix, "HD");
	snprintf(c->log_level, sizeof c->log_level, "info");
	c->max_body_bytes = 1024 * 1024;
	c->max_attachment_bytes = 10 * 1000 * 1000;
	c->max_header_bytes = 16 * 1024;
	c->idle_timeout_s = 60;
	c->backlog = 1024;
	c->max_connections = 4096;
	c->max_connections_per_address = 256;
	c->header_timeout_s = 10;
	c->body_timeout_s = 30;
	c->body_min_rate = 8192;
	/* About 110 ms a hash on our 2-core machines (p=16 would be ~700 ms). */
	c->scrypt_n = 32768;
	c->scrypt_r = 8;
	c->scrypt_p = 1;
	c->hash_threads = 2;
	c->hash_queue = 64;
	c->session_hours = 12;
	c->remember_days = 30;
	c->cookie_secure = COOKIE_SECURE_AUTO;
	snprintf(c->base_url, sizeof c->base_url, "http://127.0.0.1:8080");
	snprintf(c->mail_from, sizeof c->mail_from, "Service desk <support@deskd.example>");
	c->mail_max_attempts = 10;
	c->mail_retry_s = 60;
	c->mail_timeout_s = 60;
	c->mail_parallel = 4;
	c->signup = false;
	c->link_hours = 24;
	c->mail_per_hour = 5;
}

struct load_state {
	struct config *c;
	char *err;
	size_t err_size;
	int failed;
};

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return -1;
}

static int copy_str(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -1;
	snprintf(dst, size, "%s", v);
	return 0;
}

/* One row per option keeps names, ranges and targets in one place. */
enum opt_kind { OPT_STR, OPT_LONG, OPT_BOOL, OPT_AUTO };
struct opt {
	const char *section, *name;
	enum opt_kind kind;
	size_t offset, size;
	long min, max;
};
#define STR(sec, n, f) { sec, n, OPT_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0 }
#define NUM(sec, n, f, lo, hi) { sec, n, OPT_LONG, offsetof(struct config, f), sizeof(((struct config *)0)->f), lo, hi }
#define BOOL(sec, n, f) { sec, n, OPT_BOOL, offsetof(struct config, f), sizeof(bool), 0, 0 }
/* true, false or auto, into an int */
#define AUTO(sec, n, f) { sec, n, OPT_AUTO, offsetof(struct config, f), sizeof(int), 0, 0 }
static const struct opt options[] = {
	STR("server", "listen", listen),
	STR("server", "ticket_prefix", ticket_prefix),
	STR("server", "log_level", log_level),
	NUM("server", "max_body_bytes", max_body_bytes, 1024, 64L * 1024 * 1024),
	NUM("server", "max_attachment_bytes", max_attachment_bytes, 1, 256L * 1024 * 1024),
	NUM("server", "max_header_bytes", max_header_bytes, 1024, 1024 * 1024),
	NUM("server", "idle_timeout", idle_timeout_s, 1, 3600),
	NUM("server", "backlog", backlog, 16, 65535),
	NUM("server", "max_connections", max_connections, 1, 1000000),
	NUM("server", "max_connections_per_address", max_connections_per_address, 1, 1000000),
	NUM("server", "header_timeout", header_timeout_s, 1, 3600),
	NUM("server", "body_timeout", body_timeout_s, 1, 86400),
	NUM("server", "body_min_rate", body_min_rate, 1, 1L << 30),
	STR("server", "www_dir", www_dir),
	BOOL("server", "trust_proxy", trust_proxy),
	NUM("security", "scrypt_n", scrypt_n, 1024, 1L << 22),
	NUM("security", "scrypt_r", scrypt_r, 1, 32),
	NUM("security", "scrypt_p", scrypt_p, 1, 32),
	NUM("security", "hash_threads", hash_threads, 1, 64),
	NUM("security", "hash_queue", hash_queue, 1, 100000),
	NUM("security", "session_hours", session_hours, 1, 24 * 365),
	NUM("security", "remember_days", remember_days, 1, 3650),
	AUTO("security", "cookie_secure", cookie_secure),
	STR("mail", "base_url", base_url),
	STR("mail", "from", mail_from),
	STR("mail", "smtp_url", smtp_url),
	BOOL("mail", "smtp_starttls", smtp_starttls),
	STR("mail", "smtp_user", smtp_user),
	STR("mail", "smtp_password", smtp_password),
	STR("mail", "smtp_ca_file", smtp_ca_file),
	NUM("mail", "max_attempts", mail_max_attempts, 1, 100),
	NUM("mail", "retry_seconds", mail_retry_s, 1, 86400),
	NUM("mail", "timeout_seconds", mail_timeout_s, 1, 3600),
	NUM("mail", "parallel", mail_parallel, 1, 64),
	BOOL("accounts", "signup", signup),
	NUM("accounts", "link_hours", link_hours, 1, 24 * 30),
	NUM("accounts", "mail_per_hour", mail_per_hour, 1, 1000),
	NUM("data", "retention_years", retention_years, 0, 100),
	NUM("data", "map_size_max_mib", map_size_max_mib, 1, 1L << 20),
};

static void store_long(void *p, size_t size, long n)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)n; break;
	case 4: *(int32_t *)p = (int32_t)n; break;
	default: *(int64_t *)p = n; break;
	}
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		const struct opt *o = &options[i];
		if (strcmp(o->section, section) || strcmp(o->name, name))
			continue;
		char *field = (char *)st->c + o->offset;
		long n;
		int rc = 0;
		switch (o->kind) {
		case OPT_STR:
			rc = copy_str(field, o->size, value);
			break;
		case OPT_LONG:
			rc = parse_long(value, o->min, o->max, &n);
			if (!rc)
				store_long(field, o->size, n);
			break;
		case OPT_BOOL:
			rc = parse_bool(value, (bool *)field);
			break;
		case OPT_AUTO: {
			bool b;
			if (!strcmp(value, "auto")) {
				*(int *)field = COOKIE_SECURE_AUTO;
			} else if ((rc = parse_bool(value, &b)) == 0) {
				*(int *)field = b ? COOKIE_SECURE_YES : COOKIE_SECURE_NO;
			}
			break;
		}
		}
		if (rc && !st->failed) {
			snprintf(st->err, st->err_size, "[%s] %s: invalid value \"%s\"", section, name, value);
			st->failed = 1;
		}
		return rc ? 0 : 1;
	}
	if (!st->failed) {
		snprintf(st->err, st->err_size, "[%s] %s: unknown option", section, name);
		st->failed = 1;
	}
	return 0;
}

int config_load(struct config *c, const char *path, char *err, size_t err_size)
{
	struct load_state st = { c, err, err_size, 0 };
	int rc = ini_parse(path, on_value, &st);
	if (rc == -1) {
		snprintf(err, err_size, "cannot read config file %s: %s", path, strerror(errno));
		return -1;
	}
	if (st.failed)
		return -1;
	if (rc > 0) {
		snprintf(err, err_size, "config file %s: syntax error on line %d", path, rc);
		return -1;
	}
	return config_check(c, err, err_size);
}

int config_check(const struct config *c, char *err, size_t err_size)
{
	if (c->scrypt_n & (c->scrypt_n - 1)) {
		snprintf(err, err_size, "[security] scrypt_n must be a power of two");
		return -1;
	}
	if (!c->ticket_prefix[0]) {
		snprintf(err, err_size, "[server] ticket_prefix must not be empty");
		return -1;
	}
	for (const char *p = c->ticket_prefix; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
			snprintf(err, err_size, "[server] ticket_prefix may hold only A-Z and 0-9");
			return -1;
		}
	}
	if (strncmp(c->base_url, "http://", 7) && strncmp(c->base_url, "https://", 8)) {
		snprintf(err, err_size, "[mail] base_url must start with http:// or https://");
		return -1;
	}
	if (c->smtp_url[0] && strncmp(c->smtp_url, "smtp://", 7) &&
	    strncmp(c->smtp_url, "smtps://", 8)) {
		snprintf(err, err_size, "[mail] smtp_url must start with smtp:// or smtps://");
		return -1;
	}
	if (!strchr(c->mail_from, '@')) {
		snprintf(err, err_size, "[mail] from must hold an e-mail address");
		return -1;
	}
	if (!strchr(c->listen, ':')) {
		snprintf(err, err_size, "listen address must be ADDR:PORT, not \"%s\"", c->listen);
		return -1;
	}
	return 0;
}
