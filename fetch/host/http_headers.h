/* HTTP response header parsing for the host transport (host-only).
 * Owns: turning the header lines of one response into status, lengths, range and validators.
 * Never: touches the network, allocates, or trusts a number it cannot parse completely (a malformed
 * value is treated as absent, which the transport then refuses as inconsistent where it matters). */
#ifndef TANDEM_FETCH_HTTP_HEADERS_H
#define TANDEM_FETCH_HTTP_HEADERS_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/transport_port.h"

struct tdm_http_headers {
    int status;               /* from the status line; 0 before one is seen */
    int64_t content_length;   /* -1 when absent or malformed */
    int64_t range_first;      /* Content-Range "bytes FIRST-LAST/TOTAL"; -1 when absent ("bytes * /N") */
    int64_t range_last;
    int64_t range_total;      /* -1 when absent or "*" */
    uint8_t has_location;     /* a Location header was present (a redirect curl may follow) */
    int64_t retry_after_s;    /* Retry-After as delta-seconds; -1 when absent or malformed */
    int64_t retry_after_at;   /* Retry-After as an HTTP-date (seconds since 1970); -1 when absent */
    int64_t date;             /* Date (seconds since 1970); -1 when absent or malformed */
    char location[256];       /* value of Location ("" none, or too long to keep) */
    char etag[TDM_TRANSPORT_VALIDATOR_MAX];          /* strong ETag with its quotes, or "" */
    char last_modified[TDM_TRANSPORT_VALIDATOR_MAX]; /* HTTP date, or "" */
};

/* Forget everything (a new response of a redirect chain begins). */
void tdm_http_headers_reset(struct tdm_http_headers *h);

/* Feed one header line as libcurl delivers it (complete, with its CR LF; not NUL-terminated).
 * A status line ("HTTP/...") resets *h first. Returns 1 for the blank line that ends the header
 * block of a response, else 0. */
int tdm_http_headers_line(struct tdm_http_headers *h, const char *line, size_t len);

/* Parse an HTTP-date in the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7) into
 * seconds since 1970-01-01 UTC. Returns the value or -1 (another form, or out of range). */
int64_t tdm_http_parse_date(const char *s, size_t len);

/* Seconds to wait that a response's Retry-After asks for (delta-seconds, or an HTTP-date measured
 * against the response's own Date, else against `now_s`); -1 when it has none. Never negative otherwise. */
int64_t tdm_http_retry_after(const struct tdm_http_headers *h, int64_t now_s);

/* Parse "NNN" (decimal digits only, no sign, no overflow past INT64_MAX) from [s, s+len).
 * Returns the value or -1. */
int64_t tdm_http_parse_u63(const char *s, size_t len);

#endif
