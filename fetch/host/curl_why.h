/* Why a transfer of the host transport failed, in words (host-only, internal to fetch/host/).
 * Owns: the text behind a TDM_E_FETCH_* code: the HTTP status with its reason phrase, the TLS
 * verification failure (expired, unknown CA, host-name mismatch), the target of a refused redirect, a
 * stall. Never: decides what an error is (transport_curl.c and curl_request.c do), or retries. */
#ifndef TANDEM_FETCH_CURL_WHY_H
#define TANDEM_FETCH_CURL_WHY_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/* Facts about one failed open or read. */
struct tdm_curl_failure {
    int err;              /* the TDM_E_FETCH_* returned */
    int status;           /* HTTP status of the last response (0 none) */
    CURLcode rc;          /* libcurl's result (CURLE_OK when the transport decided alone) */
    long verify;          /* CURLINFO_SSL_VERIFYRESULT (an OpenSSL X509_V_* code, 0 none) */
    const char *location; /* Location of the last response ("" none) */
    const char *errbuf;   /* libcurl's error text ("" none) */
    int stalled;          /* TDM_E_FETCH_TIMEOUT came from the low-speed rule */
    uint32_t stall_ms, connect_ms;
    uint64_t max_size;
};

/* The standard reason phrase of an HTTP status ("Not Found"), "" for a code without one here. */
const char *tdm_http_reason(int status);

/* One line (no trailing newline) into out[n] saying why; `e` resolves a relative redirect target. */
void tdm_fetch_curl_explain(CURL *e, const struct tdm_curl_failure *f, char *out, size_t n);

#endif
