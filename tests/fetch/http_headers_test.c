/* Specification of the HTTP header parsing of the host transport (fetch/host/http_headers.c). */
#include <string.h>

#include "harness.h"
#include "http_headers.h"

static void feed(struct tdm_http_headers *h, const char *line)
{
    tdm_http_headers_line(h, line, strlen(line));
}

static void partial_content_response(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 206 Partial Content\r\n");
    feed(&h, "Content-Length: 900\r\n");
    feed(&h, "content-range: bytes 100-999/1000\r\n");
    feed(&h, "ETag: \"65a1-3e8\"\r\n");
    feed(&h, "Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n");
    TDM_CHECK(tdm_http_headers_line(&h, "\r\n", 2) == 1);
    TDM_CHECK(h.status == 206);
    TDM_CHECK(h.content_length == 900);
    TDM_CHECK(h.range_first == 100 && h.range_last == 999 && h.range_total == 1000);
    TDM_CHECK(!strcmp(h.etag, "\"65a1-3e8\""));
    TDM_CHECK(!strcmp(h.last_modified, "Mon, 01 Jan 2024 00:00:00 GMT"));
}

static void unsatisfiable_range_reports_the_total(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/2 416\r\n");
    feed(&h, "content-range: bytes */4096\r\n");
    TDM_CHECK(h.status == 416);
    TDM_CHECK(h.range_first == -1 && h.range_total == 4096);
}

static void malformed_numbers_are_absent(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 200 OK\r\n");
    feed(&h, "Content-Length: 12abc\r\n");
    feed(&h, "Content-Range: bytes 9-3/10\r\n");
    TDM_CHECK(h.content_length == -1);
    TDM_CHECK(h.range_first == -1);
    TDM_CHECK(tdm_http_parse_u63("9999999999999999999", 19) == -1);
    TDM_CHECK(tdm_http_parse_u63("-1", 2) == -1);
    TDM_CHECK(tdm_http_parse_u63("", 0) == -1);
    TDM_CHECK(tdm_http_parse_u63("123456789012345678", 18) == 123456789012345678ll);
}

static void weak_or_oversized_validators_are_dropped(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 200 OK\r\n");
    feed(&h, "ETag: W/\"weak\"\r\n");
    TDM_CHECK(h.etag[0] == 0);
    char line[200];
    memset(line, 'a', sizeof line);
    memcpy(line, "ETag: \"", 7);
    memcpy(line + 150, "\"\r\n", 4);
    feed(&h, line);
    TDM_CHECK(h.etag[0] == 0);
}

static void a_redirect_chain_keeps_only_the_last_response(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 302 Found\r\n");
    feed(&h, "Location: /pkg.bin\r\n");
    feed(&h, "Content-Length: 5\r\n");
    TDM_CHECK(h.has_location);
    feed(&h, "\r\n");
    feed(&h, "HTTP/1.1 200 OK\r\n");
    TDM_CHECK(!h.has_location && h.content_length == -1 && h.status == 200);
}

static void retry_after_in_seconds_or_as_a_date(void)
{
    struct tdm_http_headers h;
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 503 Service Unavailable\r\n");
    TDM_CHECK(tdm_http_retry_after(&h, 0) == -1);
    feed(&h, "Retry-After: 120\r\n");
    TDM_CHECK(tdm_http_retry_after(&h, 0) == 120);
    /* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example) */
    TDM_CHECK(tdm_http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT", 29) == 784111777);
    TDM_CHECK(tdm_http_parse_date("Thu, 29 Feb 2024 23:59:59 GMT", 29) == 1709251199);
    TDM_CHECK(tdm_http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT", 30) == -1);
    TDM_CHECK(tdm_http_parse_date("Sun, 06 Xyz 1994 08:49:37 GMT", 29) == -1);
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 429 Too Many Requests\r\n");
    feed(&h, "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
    feed(&h, "Retry-After: Sun, 06 Nov 1994 08:50:07 GMT\r\n");
    /* measured against the response's own Date, not the local clock */
    TDM_CHECK(tdm_http_retry_after(&h, 999999999) == 30);
    tdm_http_headers_reset(&h);
    feed(&h, "HTTP/1.1 429 Too Many Requests\r\n");
    feed(&h, "Retry-After: Sun, 06 Nov 1994 08:50:07 GMT\r\n");
    TDM_CHECK(tdm_http_retry_after(&h, 784111777 + 10) == 20);
    TDM_CHECK(tdm_http_retry_after(&h, 784111777 + 100) == 0); /* in the past: no wait */
    feed(&h, "Retry-After: soon\r\n");
    TDM_CHECK(tdm_http_retry_after(&h, 0) == -1);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"partial content response", partial_content_response},
        {"unsatisfiable range reports the total", unsatisfiable_range_reports_the_total},
        {"malformed numbers are absent", malformed_numbers_are_absent},
        {"weak or oversized validators are dropped", weak_or_oversized_validators_are_dropped},
        {"a redirect chain keeps only the last response", a_redirect_chain_keeps_only_the_last_response},
        {"Retry-After in seconds or as a date", retry_after_in_seconds_or_as_a_date},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
