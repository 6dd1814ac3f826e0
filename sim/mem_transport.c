/* The in-memory transport (sim/mem_transport.h). Owns: Range / If-Range answers. */
#include "mem_transport.h"

#include <string.h>

#include "tandem/err.h"

static int mem_open(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep)
{
    struct tdm_mem_transport *t = ctx;
    memset(rep, 0, sizeof *rep);
    t->cur = NULL;
    for (unsigned i = 0; i < t->nfiles; i++) {
        if (!strcmp(t->files[i].url, req->url)) {
            t->cur = &t->files[i];
        }
    }
    if (!t->cur) {
        rep->status = 404;
        return TDM_E_FETCH_HTTP;
    }
    const struct tdm_mem_file *f = t->cur;
    strncpy(rep->validator, f->etag, sizeof rep->validator - 1);
    rep->total = (int64_t)f->len;
    int changed = req->validator && req->validator[0] && strcmp(req->validator, f->etag) != 0;
    uint64_t from = changed ? 0 : req->offset;
    if (from > f->len) {
        rep->status = 416;
        t->cur = NULL;
        return TDM_E_FETCH_HTTP;
    }
    if (req->max_size && f->len > req->max_size) {
        t->cur = NULL;
        return TDM_E_FETCH_TOO_BIG;
    }
    rep->status = from ? 206 : 200;
    rep->changed = (uint8_t)changed;
    rep->range_honoured = (uint8_t)(from == req->offset);
    rep->start = from;
    rep->length = (int64_t)(f->len - from);
    t->pos = from;
    return 0;
}

static int mem_read(void *ctx, void *buf, uint32_t len)
{
    struct tdm_mem_transport *t = ctx;
    if (!t->cur) {
        return TDM_E_STATE;
    }
    uint64_t left = t->cur->len - t->pos;
    uint32_t n = left < len ? (uint32_t)left : len;
    memcpy(buf, t->cur->data + t->pos, n);
    t->pos += n;
    t->served += n;
    return (int)n;
}

static void mem_close(void *ctx)
{
    ((struct tdm_mem_transport *)ctx)->cur = NULL;
}

struct tdm_transport_ops tdm_mem_transport(struct tdm_mem_transport *t)
{
    struct tdm_transport_ops ops = {.ctx = t, .open = mem_open, .read = mem_read, .close = mem_close};
    return ops;
}
