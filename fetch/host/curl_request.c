/* libcurl request plumbing of the host transport: see curl_request.h.
 * Owns: the option set of a request and the code mapping. Never: turns TLS verification off. */
#include "curl_request.h"

#include <stdio.h>
#include <string.h>

#include "tandem/err.h"

int tdm_fetch_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK:
        return 0;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return TDM_E_FETCH_URL;
    case CURLE_OPERATION_TIMEDOUT:
        return TDM_E_FETCH_TIMEOUT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return TDM_E_FETCH_TLS;
    case CURLE_TOO_MANY_REDIRECTS:
        return TDM_E_FETCH_HTTP;
    case CURLE_PARTIAL_FILE:
        return TDM_E_FETCH_LENGTH;
    case CURLE_FILESIZE_EXCEEDED:
        return TDM_E_FETCH_TOO_BIG;
    case CURLE_ABORTED_BY_CALLBACK:
        return TDM_E_FETCH_CANCELLED;
    case CURLE_OUT_OF_MEMORY:
        return TDM_E_BUFFER;
    default:
        return TDM_E_FETCH_NET;
    }
}

int tdm_fetch_curl_check_url(const char *url)
{
    CURLU *u = curl_url();
    if (!u) {
        return TDM_E_BUFFER;
    }
    char *scheme = NULL;
    int err = 0;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || strcmp(scheme, "https") != 0) {
        err = TDM_E_FETCH_URL;
    }
    curl_free(scheme);
    curl_url_cleanup(u);
    return err;
}

int tdm_fetch_curl_setup(CURL *e, const struct tdm_curl_config *cfg, const struct tdm_transport_request *req,
                         void *arg, curl_write_callback on_header, curl_write_callback on_body,
                         struct curl_slist **headers)
{
    char text[TDM_TRANSPORT_VALIDATOR_MAX + 32];
    curl_easy_reset(e); /* keeps live connections and TLS sessions */
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
    if (cfg->ca_file) {
        bad |= curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file) != CURLE_OK;
    }
    if (cfg->max_redirects != TDM_CURL_NO_REDIRECTS) {
        bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
        bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)cfg->max_redirects) != CURLE_OK;
    }
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, "tandem-fetch/0.1") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, arg) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, arg) != CURLE_OK;
    if (req->offset > 0) {
        snprintf(text, sizeof text, "%llu-", (unsigned long long)req->offset);
        bad |= curl_easy_setopt(e, CURLOPT_RANGE, text) != CURLE_OK;
        if (req->validator && req->validator[0]) {
            if (strlen(req->validator) >= TDM_TRANSPORT_VALIDATOR_MAX || strpbrk(req->validator, "\r\n")) {
                return TDM_E_INVAL;
            }
            snprintf(text, sizeof text, "If-Range: %s", req->validator);
            *headers = curl_slist_append(NULL, text);
            if (!*headers) {
                return TDM_E_BUFFER;
            }
            bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, *headers) != CURLE_OK;
        }
    }
    return bad ? TDM_E_CONFIG : 0;
}
