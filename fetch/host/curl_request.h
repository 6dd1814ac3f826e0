/* libcurl request plumbing of the host transport (host-only, internal to fetch/host/).
 * Owns: URL admission (https only), the option set of every request, libcurl codes -> TDM_E_FETCH_*.
 * Never: sets an option that weakens TLS verification; SSL_VERIFYPEER and SSL_VERIFYHOST are set on
 * every request, after curl_easy_reset(). */
#ifndef TANDEM_FETCH_CURL_REQUEST_H
#define TANDEM_FETCH_CURL_REQUEST_H

#include <curl/curl.h>

#include "transport_curl.h"

/* The TDM_E_FETCH_* (or 0) for a libcurl result code. */
int tdm_fetch_curl_error(CURLcode rc);
/* 0 when url parses and its scheme is https, else TDM_E_FETCH_URL (TDM_E_BUFFER out of memory). */
int tdm_fetch_curl_check_url(const char *url);
/* Reset easy handle e and set every option of one GET: URL, https only (also for redirects),
 * verification on, CA file, redirect limit, connect timeout, callbacks (both get `arg`), and for an
 * offset the Range header plus If-Range with req->validator. *headers receives the header list the
 * caller frees after the transfer (curl_slist_free_all). Returns 0, TDM_E_INVAL (validator too long or
 * with CR/LF), TDM_E_BUFFER, or TDM_E_CONFIG when libcurl refuses an option. */
int tdm_fetch_curl_setup(CURL *e, const struct tdm_curl_config *cfg, const struct tdm_transport_request *req,
                         void *arg, curl_write_callback on_header, curl_write_callback on_body,
                         struct curl_slist **headers);

#endif
