/* The host transport: the transport port (include/tandem/transport_port.h) over libcurl, HTTPS only.
 * Owns: a libcurl multi handle, one transfer at a time, a 64 KiB ring between libcurl and read().
 * Never: turns TLS certificate or host name verification off (there is no option for it), follows
 * more than max_redirects redirects, follows a redirect away from https, asks for content encoding
 * (byte offsets are offsets in the file as stored on the server).
 *
 * RAM (host heap): about 70 KiB per transport plus libcurl's connection state. */
#ifndef TANDEM_FETCH_TRANSPORT_CURL_H
#define TANDEM_FETCH_TRANSPORT_CURL_H

#include <stdint.h>

#include "tandem/transport_port.h"

#define TDM_CURL_NO_REDIRECTS UINT32_MAX
#define TDM_CURL_CONNECT_MS_DEFAULT 10000 /* TCP + TLS handshake */
#define TDM_CURL_STALL_MS_DEFAULT 10000   /* no byte for this long is a stall (docs/FETCH.md "Defaults") */

/* Zero means the default given after each field. */
struct tdm_curl_config {
    const char *ca_file;          /* PEM file of trusted CAs; NULL: the system store. Copied. */
    uint32_t connect_timeout_ms;  /* TCP + TLS handshake (TDM_CURL_CONNECT_MS_DEFAULT) */
    uint32_t low_speed_bytes;     /* fewer than this many bytes ... (1) */
    uint32_t low_speed_ms;        /* ... within this much waiting time -> TDM_E_FETCH_TIMEOUT
                                   * (TDM_CURL_STALL_MS_DEFAULT) */
    uint32_t max_redirects;       /* (3); TDM_CURL_NO_REDIRECTS for none */
};

struct tdm_curl_transport;

/* Create a transport and fill *ops (ops->ctx points at it). Returns 0, TDM_E_CONFIG when libcurl
 * cannot be initialised or lacks https, TDM_E_BUFFER when out of memory. */
int tdm_fetch_curl_create(const struct tdm_curl_config *cfg, struct tdm_transport_ops *ops,
                          struct tdm_curl_transport **out);
/* Why the last failed open or read of t failed, in one line: "the server answered 404 Not Found",
 * "TLS: the server's certificate has expired", "the server redirected to http://...: only https:// is
 * followed", "no data for 10000 ms (the transfer stalled)". "" after a success. Valid until the next open. */
const char *tdm_fetch_curl_why(const struct tdm_curl_transport *t);
/* Close any transfer and free everything. NULL is allowed. */
void tdm_fetch_curl_destroy(struct tdm_curl_transport *t);

#endif
