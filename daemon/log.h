/*
 * The one logger: key=value lines on stderr, one per event, with a level.
 * Values with spaces or quotes are quoted and escaped, so a line always
 * parses.
 */
#ifndef DESKD_LOG_H
#define DESKD_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(enum log_level level);
/* "debug", "info", "warn", "error": 0, or -1 for anything else. */
int log_level_parse(const char *s, enum log_level *out);

/* msg is a short event name ("listening", "request"); the rest are pairs of
 * key and value strings ending with NULL: log_info("listening", "addr",
 * "127.0.0.1:8080", NULL). A NULL value writes nothing for that key. */
void log_event(enum log_level level, const char *msg, ...);
#define log_debug(...) log_event(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_event(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__)

#endif
