/* A scripted server for the fetch agent's tests, without a network: the in-memory transport
 * (sim/mem_transport.h) serving files from memory, with the answer to each connection edited by a script: an open
 * that fails (a status, or a transport error), reply fields that lie (total, start, validator, changed,
 * Retry-After), a body that ends early or fails after so many bytes. Host-only.
 * Owns: the count of connections and of body bytes served. Never: changes the bytes of the file. */
#ifndef TANDEM_TESTS_FETCH_SCRIPT_TRANSPORT_H
#define TANDEM_TESTS_FETCH_SCRIPT_TRANSPORT_H

#include <string.h>

#include "mem_transport.h"
#include "tandem/err.h"

enum { SX_TOTAL = 1, SX_START = 2, SX_ETAG = 4, SX_CHANGED = 8, SX_CUT = 16 };

/* The answer to one connection. A zero answer is the honest server. */
struct sx_answer {
    int open_err;      /* != 0: open fails with this error, the reply carries status, total, retry_ms */
    int status;        /* != 0: the reply's HTTP status */
    unsigned edit;     /* SX_* bits: which fields below replace the honest reply (or cut its body) */
    int64_t total;     /* SX_TOTAL */
    uint64_t start;    /* SX_START */
    const char *etag;  /* SX_ETAG */
    uint8_t changed;   /* SX_CHANGED: rep->changed, and rep->range_honoured = !changed */
    uint32_t retry_ms; /* the reply's Retry-After */
    uint32_t cut_at;   /* SX_CUT: after this many body bytes read returns read_err (0: the body ends) */
    int read_err;
};

struct sx_server {
    struct tdm_mem_transport mem;
    struct tdm_transport_ops inner;
    const struct sx_answer *script; /* connection k (from 0) gets script[k]; later ones the honest file */
    unsigned nscript;
    unsigned conn;
    uint64_t offsets[16]; /* the offset each of the first 16 connections asked for */
    const struct sx_answer *cur;
    uint32_t served; /* body bytes of the current connection */
};

static int sx_open(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep)
{
    static const struct sx_answer honest;
    struct sx_server *s = ctx;
    unsigned k = s->conn++;
    s->offsets[k < 16 ? k : 15] = req->offset;
    s->cur = k < s->nscript ? &s->script[k] : &honest;
    s->served = 0;
    int err = s->inner.open(s->inner.ctx, req, rep);
    const struct sx_answer *a = s->cur;
    rep->retry_after_ms = a->retry_ms;
    rep->status = a->status ? a->status : rep->status;
    rep->total = a->edit & SX_TOTAL ? a->total : rep->total;
    rep->start = a->edit & SX_START ? a->start : rep->start;
    if (a->edit & SX_ETAG) {
        strncpy(rep->validator, a->etag, sizeof rep->validator - 1);
    }
    if (a->edit & SX_CHANGED) {
        rep->changed = a->changed;
        rep->range_honoured = !a->changed;
    }
    return a->open_err ? a->open_err : err;
}

static int sx_read(void *ctx, void *buf, uint32_t len)
{
    struct sx_server *s = ctx;
    if (s->cur->edit & SX_CUT) {
        if (s->served >= s->cur->cut_at) {
            return s->cur->read_err;
        }
        len = s->cur->cut_at - s->served < len ? s->cur->cut_at - s->served : len;
    }
    int n = s->inner.read(s->inner.ctx, buf, len);
    s->served += n > 0 ? (uint32_t)n : 0;
    return n;
}

static void sx_close(void *ctx)
{
    struct sx_server *s = ctx;
    s->inner.close(s->inner.ctx);
}

/* Serve the nfiles files (caller-owned), answering by `script`. */
static inline struct tdm_transport_ops sx_serve(struct sx_server *s, const struct tdm_mem_file *files, unsigned nfiles,
                                                const struct sx_answer *script, unsigned n)
{
    memset(s, 0, sizeof *s);
    s->mem.files = files;
    s->mem.nfiles = nfiles;
    s->inner = tdm_mem_transport(&s->mem);
    s->script = script;
    s->nscript = n;
    struct tdm_transport_ops ops = {.ctx = s, .open = sx_open, .read = sx_read, .close = sx_close};
    return ops;
}

#endif
