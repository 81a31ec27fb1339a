#include "raw_reply.h"

#include <stdio.h>

static const char *reason_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return status >= 500 ? "Server Error" : "Client Error";
	}
}

void raw_reply_for_status(int status, const char **code, const char **message)
{
	switch (status) {
	case 400:
		*code = "bad_request";
		*message = "the request could not be read as HTTP";
		return;
	case 405:
	case 501:
		*code = "method_not_allowed";
		*message = "deskd does not answer that method";
		return;
	case 413:
		*code = "too_large";
		*message = "the request head or body is larger than deskd accepts";
		return;
	case 417:
		*code = "expectation_failed";
		*message = "deskd does not meet that Expect header";
		return;
	default:
		*code = "refused";
		*message = "the request was refused";
		return;
	}
}

size_t raw_reply_format(char *out, size_t size, int status, const char *code,
			const char *message, int retry_after_s)
{
	char body[256], retry[48] = "";
	int blen = snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
			    code, message);
	if (blen < 0 || (size_t)blen >= sizeof body)
		return 0;
	if (retry_after_s > 0)
		snprintf(retry, sizeof retry, "Retry-After: %d\r\n", retry_after_s);
	/* the headers add_security_headers (http.c) puts on every API answer */
	int n = snprintf(out, size,
			 "HTTP/1.1 %d %s\r\n"
			 "Content-Type: application/json; charset=utf-8\r\n"
			 "Content-Length: %d\r\n"
			 "Connection: close\r\n"
			 "%s"
			 "X-Content-Type-Options: nosniff\r\n"
			 "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
			 "X-Frame-Options: DENY\r\n"
			 "Referrer-Policy: no-referrer\r\n"
			 "Cache-Control: no-store\r\n"
			 "\r\n%s",
			 status, reason_of(status), blen, retry, body);
	if (n < 0 || (size_t)n >= size)
		return 0;
	return (size_t)n;
}
