/* The host transport over libcurl (host-only): implements include/tandem/transport_port.h.
 * Owns: one libcurl multi handle with one easy handle, driven in a pull model: libcurl's write
 * callback fills a 64 KiB ring and pauses the transfer when the ring is full; read() drains the ring and
 * drives libcurl only while the caller waits. Header lines are parsed by http_headers.c.
 * Never: disables TLS certificate or host name verification, buffers more than the ring, lets
 * libcurl decode content, counts the caller's own time against the low-speed rule. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, strdup */
#include "transport_curl.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curl_request.h"
#include "curl_why.h"
#include "http_headers.h"
#include "tandem/err.h"

#define TDM_CURL_RING (64u * 1024u)
#define TDM_CURL_POLL_MS 50

struct tdm_curl_transport {
    struct tdm_curl_config cfg; /* defaults applied; ca_file points at ca_copy */
    char *ca_copy;
    CURLM *multi;
    CURL *easy;
    struct curl_slist *extra_headers;
    int active;        /* easy handle is in the multi handle (a transfer is open) */
    int open_ok;       /* open() succeeded: read() allowed */
    int done;          /* libcurl finished the transfer; result holds its code */
    CURLcode result;
    int headers_done;  /* the final response's header block ended */
    int paused;        /* the write callback paused the transfer (ring full) */
    int cb_error;      /* error decided inside a callback (TDM_E_FETCH_TOO_BIG) */
    struct tdm_http_headers h;
    uint64_t max_size;
    uint64_t start;     /* file offset of body byte 0 */
    int64_t length;     /* body length, -1 unknown */
    uint64_t received;  /* body bytes accepted from libcurl */
    uint64_t delivered; /* body bytes handed to the caller */
    int (*cancelled)(void *arg);
    void *cancel_arg;
    uint64_t win_start_ns; /* low-speed window: start (shifted by time spent outside our calls) */
    uint64_t win_bytes;    /* bytes received in the window */
    uint64_t left_ns;      /* when the last call returned to the caller */
    int stalled;           /* the last TDM_E_FETCH_TIMEOUT came from the low-speed rule */
    char errbuf[CURL_ERROR_SIZE]; /* libcurl's text about the last failure */
    char why[512];         /* the last failure in words (tdm_fetch_curl_why) */
    uint32_t rd, fill;     /* ring read index and number of buffered bytes */
    uint8_t ring[TDM_CURL_RING];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The error that ended the transfer (a callback's own decision wins over libcurl's code). */
static int transfer_error(const struct tdm_curl_transport *t)
{
    return t->cb_error ? t->cb_error : tdm_fetch_curl_error(t->result);
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct tdm_curl_transport *t = arg;
    size_t len = size * n;
    t->win_bytes += len;
    if (!tdm_http_headers_line(&t->h, p, len)) {
        return len;
    }
    int st = t->h.status;
    int follows = t->cfg.max_redirects != TDM_CURL_NO_REDIRECTS && t->h.has_location;
    if ((st >= 100 && st < 200) || (st >= 300 && st < 400 && follows)) {
        return len; /* interim response, or a redirect libcurl is about to follow */
    }
    t->headers_done = 1;
    t->start = (st == 206 && t->h.range_first >= 0) ? (uint64_t)t->h.range_first : 0;
    return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct tdm_curl_transport *t = arg;
    size_t len = size * n;
    if (t->h.status != 200 && t->h.status != 206) {
        return len; /* the body of an error or redirect response: not ours to deliver */
    }
    if (t->max_size && t->start + t->received + len > t->max_size) {
        t->cb_error = TDM_E_FETCH_TOO_BIG;
        return 0; /* libcurl ends the transfer with a write error */
    }
    if (TDM_CURL_RING - t->fill < len) {
        t->paused = 1;
        return CURL_WRITEFUNC_PAUSE; /* libcurl keeps the chunk and offers it again after unpause */
    }
    uint32_t wr = (t->rd + t->fill) % TDM_CURL_RING;
    size_t first = TDM_CURL_RING - wr < len ? TDM_CURL_RING - wr : len;
    memcpy(t->ring + wr, p, first);
    memcpy(t->ring, p + first, len - first);
    t->fill += (uint32_t)len;
    t->received += len;
    t->win_bytes += len;
    return len;
}

static void collect(struct tdm_curl_transport *t)
{
    int queued;
    CURLMsg *m;
    while ((m = curl_multi_info_read(t->multi, &queued)) != NULL) {
        if (m->msg == CURLMSG_DONE && m->easy_handle == t->easy) {
            t->done = 1;
            t->result = m->data.result;
        }
    }
}

static int goal_reached(const struct tdm_curl_transport *t, int need_body)
{
    return t->done || (need_body ? t->fill > 0 : t->headers_done);
}

/* Run libcurl until the goal (headers, or body bytes in the ring) or the end of the transfer.
 * Low-speed rule: a window starts whenever the previous one saw low_speed_bytes; a window that reaches
 * low_speed_ms of waiting without them is a stall. With 1 byte, a stall is "no byte for low_speed_ms". */
static int drive(struct tdm_curl_transport *t, int need_body)
{
    int err = 0;
    t->win_start_ns += now_ns() - t->left_ns; /* the caller's time is not network time */
    uint64_t window = (uint64_t)t->cfg.low_speed_ms * 1000000u;
    while (!goal_reached(t, need_body)) {
        if (t->cancelled && t->cancelled(t->cancel_arg)) {
            err = TDM_E_FETCH_CANCELLED;
            break;
        }
        int running;
        if (curl_multi_perform(t->multi, &running) != CURLM_OK) {
            err = TDM_E_FETCH_NET;
            break;
        }
        collect(t);
        if (goal_reached(t, need_body)) {
            break;
        }
        uint64_t now = now_ns();
        if (t->win_bytes >= t->cfg.low_speed_bytes) {
            t->win_start_ns = now;
            t->win_bytes = 0;
        } else if (now - t->win_start_ns >= window) {
            t->stalled = 1;
            err = TDM_E_FETCH_TIMEOUT;
            break;
        }
        curl_multi_poll(t->multi, NULL, 0, TDM_CURL_POLL_MS, NULL);
    }
    t->left_ns = now_ns();
    return err;
}

/* Remember in words why the transfer failed (tdm_fetch_curl_why), then return err. */
static int failed(struct tdm_curl_transport *t, int err)
{
    long verify = 0;
    curl_easy_getinfo(t->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    struct tdm_curl_failure f = {
        .err = err, .status = t->h.status, .rc = t->done ? t->result : CURLE_OK, .verify = verify,
        .location = t->h.location, .errbuf = t->errbuf, .stalled = t->stalled,
        .stall_ms = t->cfg.low_speed_ms, .connect_ms = t->cfg.connect_timeout_ms, .max_size = t->max_size,
    };
    tdm_fetch_curl_explain(t->easy, &f, t->why, sizeof t->why);
    return err;
}

const char *tdm_fetch_curl_why(const struct tdm_curl_transport *t) { return t ? t->why : ""; }

static void t_close(void *ctx)
{
    struct tdm_curl_transport *t = ctx;
    if (t->active) {
        curl_multi_remove_handle(t->multi, t->easy);
        t->active = 0;
    }
    curl_slist_free_all(t->extra_headers);
    t->extra_headers = NULL;
    t->open_ok = 0;
    t->fill = 0;
    t->rd = 0;
}

/* Check a 200/206 response against the request and fill the lengths of *rep. */
static int check_response(struct tdm_curl_transport *t, const struct tdm_transport_request *req,
                          struct tdm_transport_reply *rep)
{
    const struct tdm_http_headers *h = &t->h;
    if (h->status == 206) {
        int64_t span = h->range_last - h->range_first + 1;
        if (h->range_first < 0 || (h->content_length >= 0 && h->content_length != span) ||
            (h->range_total >= 0 && h->range_last >= h->range_total)) {
            return TDM_E_FETCH_LENGTH;
        }
        rep->length = span;
        rep->total = h->range_total;
    } else {
        rep->length = h->content_length;
        rep->total = h->content_length;
    }
    rep->start = t->start;
    rep->range_honoured = t->start == req->offset;
    if (req->max_size && rep->total >= 0 && (uint64_t)rep->total > req->max_size) {
        return TDM_E_FETCH_TOO_BIG;
    }
    t->length = rep->length;
    return 0;
}

static int t_open(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep)
{
    struct tdm_curl_transport *t = ctx;
    t_close(t);
    if (!req || !rep || !req->url) {
        return TDM_E_INVAL;
    }
    memset(rep, 0, sizeof *rep);
    rep->length = -1;
    rep->total = -1;
    tdm_http_headers_reset(&t->h);
    t->stalled = 0;
    t->errbuf[0] = t->why[0] = 0;
    t->done = t->headers_done = t->paused = t->cb_error = 0;
    t->result = CURLE_OK;
    int err = tdm_fetch_curl_check_url(req->url);
    if (err < 0) {
        return failed(t, err);
    }
    t->max_size = req->max_size;
    t->start = 0;
    t->length = -1;
    t->received = t->delivered = 0;
    t->cancelled = req->cancelled;
    t->cancel_arg = req->cancel_arg;
    t->win_start_ns = t->left_ns = now_ns();
    t->win_bytes = 0;
    err = tdm_fetch_curl_setup(t->easy, &t->cfg, req, t, on_header, on_body, &t->extra_headers);
    if (err == 0 && curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK) {
        err = TDM_E_CONFIG;
    }
    if (err < 0) {
        t_close(t);
        return err;
    }
    if (curl_multi_add_handle(t->multi, t->easy) != CURLM_OK) {
        t_close(t);
        return TDM_E_FETCH_NET;
    }
    t->active = 1;
    err = drive(t, 0);
    rep->status = t->h.status;
    const char *v = t->h.etag[0] ? t->h.etag : t->h.last_modified;
    memcpy(rep->validator, v, strlen(v) + 1);
    rep->changed = req->validator && req->validator[0] && strcmp(req->validator, rep->validator) != 0;
    if (t->h.range_total >= 0) {
        rep->total = t->h.range_total; /* e.g. "bytes * /N" of a 416 */
    }
    int64_t wait_s = tdm_http_retry_after(&t->h, (int64_t)time(NULL));
    if (wait_s > 0) {
        rep->retry_after_ms = wait_s >= UINT32_MAX / 1000 ? UINT32_MAX : (uint32_t)wait_s * 1000u;
    }
    if (err == 0 && !t->headers_done) {
        err = transfer_error(t);
        if (err == 0) {
            err = TDM_E_FETCH_HTTP; /* finished without a final response (e.g. redirect not followed) */
        }
    }
    if (err == 0 && t->h.status != 200 && t->h.status != 206) {
        err = TDM_E_FETCH_HTTP;
    }
    if (err == 0) {
        err = check_response(t, req, rep);
    }
    if (err < 0) {
        t_close(t);
        return failed(t, err);
    }
    t->open_ok = 1;
    return 0;
}

static int t_read(void *ctx, void *buf, uint32_t len)
{
    struct tdm_curl_transport *t = ctx;
    if (!t->open_ok) {
        return TDM_E_STATE;
    }
    if (!buf || len == 0) {
        return TDM_E_INVAL;
    }
    if (t->fill == 0) {
        if (t->length >= 0 && t->delivered == (uint64_t)t->length) {
            return 0;
        }
        if (t->paused) {
            t->paused = 0;
            curl_easy_pause(t->easy, CURLPAUSE_CONT);
        }
        int err = drive(t, 1);
        if (err < 0) {
            return failed(t, err);
        }
        if (t->fill == 0) { /* the transfer ended */
            err = transfer_error(t);
            if (err == 0 && t->length >= 0 && t->delivered != (uint64_t)t->length) {
                err = TDM_E_FETCH_LENGTH;
            }
            return err < 0 ? failed(t, err) : 0;
        }
    }
    uint32_t n = len < t->fill ? len : t->fill;
    if (n > INT_MAX) {
        n = INT_MAX;
    }
    uint32_t first = TDM_CURL_RING - t->rd < n ? TDM_CURL_RING - t->rd : n;
    memcpy(buf, t->ring + t->rd, first);
    memcpy((uint8_t *)buf + first, t->ring, n - first);
    t->rd = (t->rd + n) % TDM_CURL_RING;
    t->fill -= n;
    t->delivered += n;
    if (t->paused && TDM_CURL_RING - t->fill >= CURL_MAX_WRITE_SIZE) {
        t->paused = 0;
        curl_easy_pause(t->easy, CURLPAUSE_CONT); /* may call on_body at once */
    }
    return (int)n;
}

int tdm_fetch_curl_create(const struct tdm_curl_config *cfg, struct tdm_transport_ops *ops,
                          struct tdm_curl_transport **out)
{
    if (!ops || !out) {
        return TDM_E_INVAL;
    }
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return TDM_E_CONFIG;
    }
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (!info->ssl_version) {
        return TDM_E_CONFIG;
    }
    struct tdm_curl_transport *t = calloc(1, sizeof *t);
    if (!t) {
        return TDM_E_BUFFER;
    }
    if (cfg) {
        t->cfg = *cfg;
    }
    t->cfg.connect_timeout_ms = t->cfg.connect_timeout_ms ? t->cfg.connect_timeout_ms : TDM_CURL_CONNECT_MS_DEFAULT;
    t->cfg.low_speed_bytes = t->cfg.low_speed_bytes ? t->cfg.low_speed_bytes : 1;
    t->cfg.low_speed_ms = t->cfg.low_speed_ms ? t->cfg.low_speed_ms : TDM_CURL_STALL_MS_DEFAULT;
    t->cfg.max_redirects = t->cfg.max_redirects ? t->cfg.max_redirects : 3;
    t->cfg.ca_file = NULL;
    if (cfg && cfg->ca_file) {
        t->ca_copy = strdup(cfg->ca_file);
        t->cfg.ca_file = t->ca_copy;
    }
    t->multi = curl_multi_init();
    t->easy = curl_easy_init();
    if (!t->multi || !t->easy || (cfg && cfg->ca_file && !t->ca_copy)) {
        tdm_fetch_curl_destroy(t);
        return TDM_E_BUFFER;
    }
    ops->ctx = t;
    ops->open = t_open;
    ops->read = t_read;
    ops->close = t_close;
    *out = t;
    return 0;
}

void tdm_fetch_curl_destroy(struct tdm_curl_transport *t)
{
    if (!t) {
        return;
    }
    t_close(t);
    if (t->easy) {
        curl_easy_cleanup(t->easy);
    }
    if (t->multi) {
        curl_multi_cleanup(t->multi);
    }
    free(t->ca_copy);
    free(t);
}
