/* HTTP response header parsing for the host transport (host-only).
 * Owns: status line, Content-Length, Content-Range, ETag, Last-Modified, Location, Retry-After, Date.
 * Never: accepts a partially parsed number (e.g. "12abc" or an overflow) as a value. */
#include "http_headers.h"

#include <string.h>

void tdm_http_headers_reset(struct tdm_http_headers *h)
{
    memset(h, 0, sizeof *h);
    h->content_length = -1;
    h->range_first = -1;
    h->range_last = -1;
    h->range_total = -1;
    h->retry_after_s = -1;
    h->retry_after_at = -1;
    h->date = -1;
}

int64_t tdm_http_parse_u63(const char *s, size_t len)
{
    if (len == 0 || len > 18) { /* 18 digits always fit in int64 */
        return -1;
    }
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Does the line start with header `name` followed by ':'? Sets *val and *vlen to the trimmed value. */
static int header_is(const char *line, size_t len, const char *name, const char **val, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)line[i]) != name[i]) {
            return 0;
        }
    }
    const char *v = line + n + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    *val = v;
    *vlen = (size_t)(end - v);
    return 1;
}

static void copy_value(char *dst, const char *v, size_t vlen)
{
    if (vlen + 1 > TDM_TRANSPORT_VALIDATOR_MAX) {
        dst[0] = 0; /* does not fit: no validator rather than a truncated one */
        return;
    }
    memcpy(dst, v, vlen);
    dst[vlen] = 0;
}

static void parse_status(struct tdm_http_headers *h, const char *line, size_t len)
{
    /* "HTTP/1.1 206 Partial Content" or "HTTP/2 206" */
    const char *sp = memchr(line, ' ', len);
    if (!sp || (size_t)(sp - line) + 4 > len) {
        return;
    }
    int64_t code = tdm_http_parse_u63(sp + 1, 3);
    if (code >= 100 && code <= 999) {
        h->status = (int)code;
    }
}

static void parse_content_range(struct tdm_http_headers *h, const char *v, size_t vlen)
{
    if (vlen < 6 || memcmp(v, "bytes ", 6) != 0) {
        return;
    }
    v += 6;
    vlen -= 6;
    const char *slash = memchr(v, '/', vlen);
    if (!slash) {
        return;
    }
    size_t rlen = (size_t)(slash - v);
    const char *t = slash + 1;
    size_t tlen = vlen - rlen - 1;
    if (!(tlen == 1 && t[0] == '*')) {
        h->range_total = tdm_http_parse_u63(t, tlen);
    }
    if (rlen == 1 && v[0] == '*') {
        return;
    }
    const char *dash = memchr(v, '-', rlen);
    if (!dash) {
        return;
    }
    int64_t first = tdm_http_parse_u63(v, (size_t)(dash - v));
    int64_t last = tdm_http_parse_u63(dash + 1, rlen - (size_t)(dash - v) - 1);
    if (first >= 0 && last >= first) {
        h->range_first = first;
        h->range_last = last;
    }
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (m 1..12). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t tdm_http_parse_date(const char *s, size_t len)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    /* "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters */
    if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':' || memcmp(s + 25, " GMT", 4) != 0) {
        return -1;
    }
    int64_t day = tdm_http_parse_u63(s + 5, 2), year = tdm_http_parse_u63(s + 12, 4);
    int64_t hh = tdm_http_parse_u63(s + 17, 2), mm = tdm_http_parse_u63(s + 20, 2), ss = tdm_http_parse_u63(s + 23, 2);
    int month = 0;
    for (int i = 0; i < 12; i++) {
        if (!memcmp(s + 8, months + 3 * i, 3)) {
            month = i + 1;
        }
    }
    if (month == 0 || day < 1 || day > 31 || year < 1970 || hh > 23 || mm > 59 || ss > 60) {
        return -1;
    }
    return days_from_civil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
}

int64_t tdm_http_retry_after(const struct tdm_http_headers *h, int64_t now_s)
{
    if (h->retry_after_s >= 0) {
        return h->retry_after_s;
    }
    if (h->retry_after_at < 0) {
        return -1;
    }
    int64_t now = h->date >= 0 ? h->date : now_s;
    return h->retry_after_at > now ? h->retry_after_at - now : 0;
}

int tdm_http_headers_line(struct tdm_http_headers *h, const char *line, size_t len)
{
    const char *v;
    size_t vlen;
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        tdm_http_headers_reset(h);
        parse_status(h, line, len);
        return 0;
    }
    if (len <= 2 && (len == 0 || line[0] == '\r' || line[0] == '\n')) {
        return 1;
    }
    if (header_is(line, len, "content-length", &v, &vlen)) {
        h->content_length = tdm_http_parse_u63(v, vlen);
    } else if (header_is(line, len, "content-range", &v, &vlen)) {
        parse_content_range(h, v, vlen);
    } else if (header_is(line, len, "etag", &v, &vlen)) {
        if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') { /* weak ETags (W/"..") cannot be used with If-Range */
            copy_value(h->etag, v, vlen);
        }
    } else if (header_is(line, len, "last-modified", &v, &vlen)) {
        copy_value(h->last_modified, v, vlen);
    } else if (header_is(line, len, "location", &v, &vlen)) {
        h->has_location = vlen > 0;
        h->location[0] = 0;
        if (vlen < sizeof h->location) {
            memcpy(h->location, v, vlen);
            h->location[vlen] = 0;
        }
    } else if (header_is(line, len, "retry-after", &v, &vlen)) {
        h->retry_after_s = tdm_http_parse_u63(v, vlen);
        h->retry_after_at = h->retry_after_s < 0 ? tdm_http_parse_date(v, vlen) : -1;
    } else if (header_is(line, len, "date", &v, &vlen)) {
        h->date = tdm_http_parse_date(v, vlen);
    }
    return 0;
}
