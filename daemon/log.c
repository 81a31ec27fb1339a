#include "log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "utf8.h"

static enum log_level min_level = LOG_INFO;
static const char *level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static bool needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f ||
		    (*p >= 0x80 && !utf8_seq_len(p)))
			return true;
	return false;
}

static void put_value(FILE *f, const char *v)
{
	if (!needs_quotes(v)) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	/* Bytes that are not UTF-8 are escaped too: a request path or header
	 * must not make the log undecodable for whatever reads it. */
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		size_t n = *p >= 0x80 ? utf8_seq_len(p) : 1;
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n - 1;
		} else if (n == 0)
			fprintf(f, "\\x%02x", *p);
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < ' ' || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void log_event(enum log_level level, const char *msg, ...)
{
	if (level < min_level)
		return;
	struct timespec ts;
	struct tm tm;
	char when[40];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);

	/* One buffered write per line, so lines from deskd and deskctl never interleave. */
	char line[4096];
	FILE *f = fmemopen(line, sizeof line, "w");
	if (!f)
		return;
	fprintf(f, "time=%s.%03ldZ level=%s msg=", when, ts.tv_nsec / 1000000, level_names[level]);
	put_value(f, msg);
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (!v)
			continue;
		fprintf(f, " %s=", k);
		put_value(f, v);
	}
	va_end(ap);
	fputc('\n', f);
	long n = ftell(f);
	fclose(f);
	if (n <= 0 || (size_t)n >= sizeof line) {
		n = (long)strnlen(line, sizeof line - 2);
		/* cut before a character the limit splits, never inside it */
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
		line[n++] = '\n';
	}
	fwrite(line, 1, (size_t)n, stderr);
}
