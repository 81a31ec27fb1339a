/* deskctl mail-in: one message from an MTA's pipe, handed to the running
 * deskd. The exit status tells the MTA what happened (sysexits): accepted,
 * refused for good (the MTA bounces with the reason printed on stderr), or
 * to be tried again later. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "deskctl.h"
#include "dk_err.h"
#include "mail_inbound.h"
#include "mail_parse.h"
#include "secret.h"

#define MAIL_MAX_BYTES (25u * 1024 * 1024)
#define HEADER_MAX_BYTES (256u * 1024)
#define KEY_FILE "mail-gateway.key"

/* One line on stderr, for the MTA's bounce or log. */
__attribute__((format(printf, 1, 2))) static void reason(const char *fmt, ...)
{
	va_list ap;
	fputs("deskctl mail-in: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Reads stdin up to max bytes; *too_big when there was more (the rest is
 * read and dropped, so the MTA's write does not fail). -1 on a read error. */
static int read_all(struct dk_buf *b, size_t max, bool *too_big)
{
	char chunk[65536];
	*too_big = false;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (*too_big || b->len + (size_t)n > max) {
			*too_big = true;
			continue;
		}
		if (dk_buf_append(b, chunk, (size_t)n))
			return -1;
	}
}

/* Where the header block ends (its blank line), or len. */
static size_t header_size(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\n')
			continue;
		if (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n'))
			return i + 1;
	}
	return len;
}

/* ---- the gateway's key: DATA/mail-gateway.key, its hash in the database ---- */

static int key_path(struct ctl *c, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", c->data, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int key_read(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, size - 1, f);
	fclose(f);
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	return strlen(out) >= 16 ? 0 : -1;
}

static int key_register(struct ctl *c, const char *key)
{
	uint8_t hash[32];
	struct store_txn *txn;
	secret_sha256(key, strlen(key), hash);
	if (!c->store) {
		struct store_opts o = { 0 };
		char err[512];
		if (store_open(c->data, &o, &c->store, err, sizeof err)) {
			reason("cannot register the gateway key: %s", err);
			return -1;
		}
	}
	int rc = store_txn_begin(c->store, true, &txn);
	if (rc == 0) {
		rc = store_mail_in_key_put(txn, hash);
		if (rc == 0)
			rc = store_txn_commit(txn);
		else
			store_txn_abort(txn);
	}
	if (rc)
		reason("cannot register the gateway key: %s", dk_strerror(rc));
	return rc ? -1 : 0;
}

/* The key, made on first use: written to a private file and linked into
 * place, so two first deliveries at once agree on one key. *made tells
 * that it is new (and still to be registered). */
static int key_get(struct ctl *c, char *key, size_t size, bool *made)
{
	char path[4096], tmp[4096];
	*made = false;
	if (key_path(c, KEY_FILE, path, sizeof path) ||
	    key_path(c, "." KEY_FILE ".XXXXXX", tmp, sizeof tmp))
		return -1;
	if (key_read(path, key, size) == 0)
		return 0;
	if (access(path, F_OK) == 0) {
		reason("cannot read the gateway key %s", path);
		return -1;
	}
	char fresh[SECRET_TEXT_LEN + 1];
	if (secret_new(fresh))
		return -1;
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		reason("cannot write the gateway key in %s: %s", c->data, strerror(errno));
		return -1;
	}
	bool ok = fchmod(fd, 0600) == 0 && write(fd, fresh, strlen(fresh)) == (ssize_t)strlen(fresh) &&
		  write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	close(fd);
	if (ok && link(tmp, path) == 0)
		*made = true;
	else if (ok && errno != EEXIST)
		ok = false;
	unlink(tmp);
	if (!ok || key_read(path, key, size)) {
		reason("cannot write the gateway key %s", path);
		return -1;
	}
	return 0;
}

/* ---- deskd's address ---- */

static void deskd_url(struct ctl *c, const char *given, char *out, size_t size)
{
	const char *env = getenv("DESKD_URL");
	const char *url = given ? given : env && *env ? env : NULL;
	if (url) {
		snprintf(out, size, "%s", url);
	} else {
		/* [server] listen; a wildcard address is reached on loopback */
		const char *l = c->cfg.listen;
		const char *port = strrchr(l, ':');
		size_t hlen = port ? (size_t)(port - l) : strlen(l);
		if (!strncmp(l, "0.0.0.0", hlen) && hlen == 7)
			snprintf(out, size, "http://127.0.0.1%s", port ? port : "");
		else if (hlen == 4 && !strncmp(l, "[::]", 4))
			snprintf(out, size, "http://[::1]%s", port ? port : "");
		else
			snprintf(out, size, "http://%s", l);
	}
	size_t n = strlen(out);
	while (n && out[n - 1] == '/')
		out[--n] = '\0';
	snprintf(out + n, size - n, "/api/v1/mail/inbound");
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct dk_buf *b = arg;
	size_t len = size * n;
	if (b->len + len > 1024 * 1024 || dk_buf_append(b, data, len))
		return 0;
	return len;
}

/* POSTs body: 0 and *status and the answer, or -1 (not reachable; the
 * reason printed). */
static int post(const char *url, const char *key, const char *body, long *status,
		struct dk_buf *answer)
{
	char auth[512];
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	snprintf(auth, sizeof auth, "X-Deskd-Mail-Key: %s", key);
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, auth);
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		reason("deskd is not reachable at %s: %s; try again later", url,
		       curl_easy_strerror(rc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

/* The exit status and reason for deskd's answer. */
static int verdict(long status, struct dk_buf *answer)
{
	const char *text = dk_buf_cstr(answer);
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	json_t *err = json_object_get(j, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *msg = json_string_value(json_object_get(err, "message"));
	const char *ref = json_string_value(json_object_get(json_object_get(j, "ticket"), "ref"));
	int ex;
	code = code ? code : "";
	msg = msg ? msg : "no reason given";
	if (status == 200 || status == 201) {
		printf("recorded on %s\n", ref ? ref : "?");
		ex = EX_OK;
	} else if (status == 409 && !strcmp(code, "duplicate")) {
		printf("%s\n", msg); /* "... recorded before, on HD-..." */
		ex = EX_OK;
	} else if (status == 401) {
		reason("deskd does not accept this gateway's key; try again later");
		ex = EX_TEMPFAIL;
	} else if (!strcmp(code, "unknown_sender")) {
		reason("refused: %s", msg);
		ex = EX_NOUSER;
	} else if (status == 404) {
		reason("refused: the ticket does not exist or the sender may not see it");
		ex = EX_NOPERM;
	} else if (status == 403 || status == 409) {
		reason("refused: %s", msg);
		ex = EX_NOPERM;
	} else if (status == 400 || status == 413 || status == 415 || status == 422) {
		reason("refused: %s", msg);
		ex = EX_DATAERR;
	} else {
		reason("deskd answered %ld (%s); try again later", status, msg);
		ex = EX_TEMPFAIL;
	}
	json_decref(j);
	return ex;
}

int cmd_mail_in(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url_opt = NULL;
	bool dry_run = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "u:nh", opts, NULL)) != -1) {
		if (opt == 'u')
			url_opt = optarg;
		else if (opt == 'n')
			dry_run = true;
		else
			return ctl_getopt_done(ctl_find(NULL, "mail-in"), opt) == CTL_OK ? EX_OK
											: EX_USAGE;
	}
	if (optind < argc) {
		ctl_usage(ctl_find(NULL, "mail-in"), stderr);
		return EX_USAGE;
	}

	struct dk_buf msg = { 0 };
	bool too_big;
	int ex = EX_TEMPFAIL;
	char *body = NULL;
	json_t *j = NULL;
	if (read_all(&msg, MAIL_MAX_BYTES, &too_big)) {
		reason("cannot read the message: %s", strerror(errno));
		goto out;
	}
	if (too_big) {
		reason("refused: the message is larger than %u MB", MAIL_MAX_BYTES / (1024 * 1024));
		ex = EX_DATAERR;
		goto out;
	}
	if (msg.len == 0 || header_size(msg.data, msg.len) > HEADER_MAX_BYTES) {
		reason("refused: %s", msg.len ? "the message's header is larger than 256 KB"
					      : "the message is empty");
		ex = EX_DATAERR;
		goto out;
	}
	char why[200];
	size_t text_max = MAIL_TEXT_MAX_BYTES;
	/* the JSON body must fit deskd's limit, escapes included */
	if (c->cfg.max_body_bytes / 3 < text_max)
		text_max = c->cfg.max_body_bytes / 3;
	j = mail_parse(msg.data, msg.len, text_max, why, sizeof why);
	if (!j) {
		reason("refused: %s", why);
		ex = EX_DATAERR;
		goto out;
	}
	body = json_dumps(j, JSON_COMPACT);
	if (dry_run && body) {
		/* what deskd would get, for checking a message by hand */
		printf("%s\n", body);
		ex = EX_OK;
		goto out;
	}
	char key[256], url[1024];
	bool made;
	if (!body || key_get(c, key, sizeof key, &made) || (made && key_register(c, key)))
		goto out;
	deskd_url(c, url_opt, url, sizeof url);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (int attempt = 0; attempt < 2; attempt++) {
		struct dk_buf answer = { 0 };
		long status = 0;
		if (post(url, key, body, &status, &answer)) {
			dk_buf_free(&answer);
			break;
		}
		/* a database restored or copied lacks this key's hash: give it
		 * and try once more */
		if (status == 401 && attempt == 0 && key_register(c, key) == 0) {
			dk_buf_free(&answer);
			continue;
		}
		ex = verdict(status, &answer);
		dk_buf_free(&answer);
		break;
	}
	curl_global_cleanup();
out:
	free(body);
	json_decref(j);
	dk_buf_free(&msg);
	mail_parse_done();
	return ex;
}
