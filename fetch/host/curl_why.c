/* Why a transfer failed, in words: see curl_why.h.
 * Owns: the reason phrases and the wording. Never: changes an error code or touches a transfer. */
#include "curl_why.h"

#include <stdio.h>
#include <string.h>

#include "tandem/err.h"

const char *tdm_http_reason(int status)
{
    static const struct {
        int code;
        const char *text;
    } table[] = {
        {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"}, {307, "Temporary Redirect"},
        {308, "Permanent Redirect"}, {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
        {404, "Not Found"}, {405, "Method Not Allowed"}, {408, "Request Timeout"}, {410, "Gone"},
        {416, "Range Not Satisfiable"}, {429, "Too Many Requests"}, {500, "Internal Server Error"},
        {501, "Not Implemented"}, {502, "Bad Gateway"}, {503, "Service Unavailable"}, {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].code == status) {
            return table[i].text;
        }
    }
    return "";
}

/* The redirect target as an absolute URL (relative ones resolved against the URL that answered). */
static void redirect_target(CURL *e, const char *location, char *out, size_t n)
{
    snprintf(out, n, "%s", location);
    char *base = NULL, *abs = NULL;
    CURLU *u = curl_url();
    if (u && curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &base) == CURLE_OK && base &&
        curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, location, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK) {
        snprintf(out, n, "%s", abs);
    }
    curl_free(abs);
    curl_url_cleanup(u);
}

/* OpenSSL's verification results (X509_V_ERR_*), as libcurl reports them, in words. */
static const char *tls_why(const struct tdm_curl_failure *f)
{
    switch (f->verify) {
    case 9:
        return "the server's certificate is not valid yet";
    case 10:
        return "the server's certificate has expired";
    case 2: case 18: case 19: case 20: case 21:
        return "the server's certificate is not from a trusted CA (unknown CA)";
    case 62:
        return "the server's certificate is for another host name (host-name mismatch)";
    default:
        break;
    }
    if (f->rc == CURLE_SSL_CACERT_BADFILE) {
        return "the CA file cannot be read";
    }
    if (f->rc == CURLE_PEER_FAILED_VERIFICATION && (f->verify == 0 || f->verify == 1)) {
        /* OpenSSL trusted the chain (it reports its own refusals with the codes above); libcurl's name
         * check refused it, which leaves 0 or X509_V_ERR_UNSPECIFIED (1) behind */
        return "the server's certificate is for another host name (host-name mismatch)";
    }
    return NULL;
}

void tdm_fetch_curl_explain(CURL *e, const struct tdm_curl_failure *f, char *out, size_t n)
{
    char where[300];
    const char *tls;
    const char *curl_text = f->errbuf[0] ? f->errbuf : curl_easy_strerror(f->rc);
    switch (f->err) {
    case TDM_E_FETCH_HTTP:
        if (f->rc == CURLE_TOO_MANY_REDIRECTS) {
            snprintf(out, n, "too many redirects (%s)", curl_text);
        } else {
            snprintf(out, n, "the server answered %d %s", f->status, tdm_http_reason(f->status));
        }
        return;
    case TDM_E_FETCH_URL:
        if (f->status >= 300 && f->status < 400 && f->location[0]) {
            redirect_target(e, f->location, where, sizeof where);
            snprintf(out, n, "the server redirected to %s: only https:// is followed", where);
        } else {
            snprintf(out, n, "not an https:// URL (only https:// is fetched, with the certificate verified)");
        }
        return;
    case TDM_E_FETCH_TLS:
        tls = tls_why(f);
        snprintf(out, n, "TLS: %s", tls ? tls : curl_text);
        return;
    case TDM_E_FETCH_TIMEOUT:
        if (f->stalled) {
            snprintf(out, n, "no data for %u ms (the transfer stalled)", f->stall_ms);
        } else {
            snprintf(out, n, "no connection within %u ms (%s)", f->connect_ms, curl_text);
        }
        return;
    case TDM_E_FETCH_TOO_BIG:
        snprintf(out, n, "the file is larger than %llu bytes", (unsigned long long)f->max_size);
        return;
    case TDM_E_FETCH_LENGTH:
        if (f->rc == CURLE_PARTIAL_FILE) {
            snprintf(out, n, "the connection ended before the whole body arrived (%s)", curl_text);
        } else {
            snprintf(out, n, "the length headers contradict each other or the body (%s)", f->rc ? curl_text : "short");
        }
        return;
    default:
        snprintf(out, n, "%s (%s)", tdm_strerror(f->err), curl_text);
        return;
    }
}
