/* The transport port: how the fetch agent pulls bytes of a package from a server (HTTPS on the host
 * through libcurl, fetch/host/; on a board, the modem's or the IP stack's HTTP client).
 *
 * Owns: the contract of one transfer: open at an offset with a validator, pull the body in pieces,
 * close. Never: buffers a whole body (an implementation holds at most a small fixed window of bytes),
 * decides policy (retries, backoff, when to restart from zero: the agent in fetch/ does that), offers
 * a switch that turns TLS certificate or host name verification off.
 *
 * One transfer at a time per ctx: open -> read ... read -> close. Every call blocks until it has an
 * answer; while it waits it polls req->cancelled (at least every 100 ms) and applies the low-speed
 * rule of the implementation (too few bytes arriving while the caller waits -> TDM_E_FETCH_TIMEOUT).
 * Time the caller spends between calls is not counted against the low-speed rule.
 *
 * Errors (negative TDM_E_* from err.h), and what the agent should make of them:
 *   TDM_E_FETCH_URL       URL malformed or not https://                         -> give up
 *   TDM_E_FETCH_TLS       certificate untrusted, host name mismatch, CA file bad -> give up (never retried)
 *   TDM_E_FETCH_HTTP      status other than 200/206 (or a redirect loop); reply->status says which;
 *                         5xx may be retried, 416 means the offset is at or past the end (reply->total)
 *   TDM_E_FETCH_NET       connection failed, dropped, reset, cut inside a TLS record -> resume
 *   TDM_E_FETCH_LENGTH    body ended before its Content-Length, or headers contradict each other
 *                         (Content-Length vs Content-Range)
 *                         -> resume (a server lying about the length shows up later as a changed total)
 *   TDM_E_FETCH_TIMEOUT   connect timeout or low-speed timeout                  -> resume
 *   TDM_E_FETCH_TOO_BIG   the file is larger than req->max_size                 -> give up
 *   TDM_E_FETCH_CANCELLED req->cancelled returned non-zero                       -> stop
 *   TDM_E_INVAL / TDM_E_STATE  misuse (bad arguments, read without an open transfer)
 */
#ifndef TANDEM_TRANSPORT_PORT_H
#define TANDEM_TRANSPORT_PORT_H

#include <stdint.h>

/* Longest validator kept, including its terminating NUL. An ETag or Last-Modified that does not fit
 * is dropped (the reply carries no validator, and a resume cannot be proven safe). */
#define TDM_TRANSPORT_VALIDATOR_MAX 64

struct tdm_transport_request {
    const char *url;       /* https://host[:port]/path, NUL-terminated; read during open only */
    uint64_t offset;       /* first byte wanted; > 0 sends "Range: bytes=offset-" */
    /* Validator from an earlier reply (NUL-terminated), or NULL / "": sent as If-Range with a Range, so a
     * server whose file changed answers 200 with the whole new file instead of a wrong piece. */
    const char *validator;
    uint64_t max_size;     /* 0 = no limit; a file larger than this fails with TDM_E_FETCH_TOO_BIG,
                            * from open when the size is announced, else from read before it is exceeded */
    /* Optional (may be NULL): polled while a call waits; non-zero ends the call with TDM_E_FETCH_CANCELLED. */
    int (*cancelled)(void *arg);
    void *cancel_arg;
};

struct tdm_transport_reply {
    int status;              /* HTTP status of the final response (0 if none was received) */
    uint8_t range_honoured;  /* 1: the body starts at req->offset (a 206, or a 200 to offset 0);
                              * 0: it does not: a 200 (the whole file) or a 206 starting elsewhere */
    uint8_t changed;         /* 1: a validator was sent and the server's validator differs (file replaced) */
    uint64_t start;          /* file offset of the first body byte as the server states it: the first
                              * byte of a 206's Content-Range, 0 for a 200. Never assume req->offset. */
    int64_t length;          /* body bytes read() will deliver; -1 unknown (no Content-Length) */
    int64_t total;           /* size of the whole file (Content-Range total, or the length of a 200);
                              * -1 unknown. Also filled from "Content-Range: bytes * /N" of a 416. */
    char validator[TDM_TRANSPORT_VALIDATOR_MAX]; /* strong ETag (with quotes), else Last-Modified, else "" */
    uint32_t retry_after_ms; /* Retry-After of the response (delta-seconds or HTTP-date), 0 when absent;
                              * saturates at UINT32_MAX */
};

struct tdm_transport_ops {
    void *ctx; /* passed as the first argument of every call */

    /* Start a GET of req->url from req->offset and wait for the response headers.
     * Fills *rep in every case where a response arrived (also for error statuses).
     * Returns 0 when the status is 200 or 206 and the headers are consistent: read() may follow.
     * Returns a negative TDM_E_FETCH_* (table above) otherwise; nothing is left open then.
     * A 200 to a request with an offset is success with rep->range_honoured = 0: the caller must
     * restart from file offset 0 (or close). So is a self-consistent 206 whose Content-Range does not
     * start at req->offset (rep->start says where it does): the caller places no byte of it but at
     * rep->start, or discards it. Opening while a transfer is open closes it first. */
    int (*open)(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep);

    /* Copy up to len (> 0) next body bytes into buf (caller-owned). Returns the number of bytes (> 0),
     * 0 when the body is complete (rep->length bytes delivered, or the end of a body without length),
     * or a negative TDM_E_FETCH_*. Bytes returned are final: an error never takes them back, so the
     * caller may store them and resume at start + bytes delivered. After 0 or an error, only close. */
    int (*read)(void *ctx, void *buf, uint32_t len);

    /* End the transfer (aborting it if unfinished). Always allowed, also after a failed open. */
    void (*close)(void *ctx);
};

#endif
