/* The fetch agent's run: where to start (afresh, resume, finish a commit, already done), the attempts
 * through the transport port, what each failure means (resume, restart from byte 0, retry after a
 * backoff, give up) and when the package is complete.
 * Owns: the download policy of docs/FETCH.md "Agent". Never: retries a TLS, URL or package refusal,
 * resumes without a validator (a resume that cannot be proven to be the same file restarts from 0),
 * writes the slot before the first successful response, or touches the installed slot. */
#include <string.h>

#include "agent_priv.h"

enum start { START_FRESH, START_RESUME, START_COMMITTED, START_ALREADY };

static int config(struct tdm_fetch *f, const struct tdm_fetch_config *cfg, struct tdm_store *store,
                  const char *url)
{
    const struct tdm_transport_ops *t = &cfg->transport;
    if (!t->open || !t->read || !t->close || !cfg->clock.now_ns || !cfg->crypto.sha256_start ||
        !cfg->counter.get || !cfg->keys || cfg->nkeys == 0 || cfg->nkeys > TDM_PKG_MAX_KEYS || !cfg->app_max ||
        !cfg->net_max) {
        return TDM_E_CONFIG;
    }
    uint32_t n = 0;
    while (n < TDM_FETCH_URL_MAX && url[n]) {
        n++;
    }
    if (n == 0 || n >= TDM_FETCH_URL_MAX) {
        return TDM_E_FETCH_URL;
    }
    f->cfg = *cfg;
    struct tdm_fetch_config *c = &f->cfg;
    c->max_attempts = c->max_attempts ? c->max_attempts : TDM_FETCH_ATTEMPTS_DEFAULT;
    c->backoff_min_ms = c->backoff_min_ms ? c->backoff_min_ms : TDM_FETCH_BACKOFF_MIN_DEFAULT;
    c->backoff_max_ms = c->backoff_max_ms ? c->backoff_max_ms : TDM_FETCH_BACKOFF_MAX_DEFAULT;
    c->progress_ms = c->progress_ms ? c->progress_ms : TDM_FETCH_PROGRESS_DEFAULT;
    f->store = store;
    f->url = url;
    f->opened = f->fatal = f->checked = 0;
    f->off = f->best = 0;
    memset(&f->prog, 0, sizeof f->prog);
    memset(&f->rec, 0, sizeof f->rec);
    f->t0_ns = f->last_progress_ns = c->clock.now_ns(c->clock.ctx);
    return 0;
}

/* The parser's policy: this device's keys, hardware id, counter floor, installed version, slot sizes. */
static int policy(struct tdm_fetch *f)
{
    uint32_t floor = 0;
    struct tdm_store_info info;
    int err = f->cfg.counter.get(f->cfg.counter.ctx, &floor);
    err = err < 0 ? err : tdm_store_info(f->store, &info);
    if (err < 0) {
        return err;
    }
    struct tdm_pkg_config *p = &f->pcfg;
    memset(p, 0, sizeof *p);
    p->ops = &f->cfg.crypto;
    p->keys = f->cfg.keys;
    p->nkeys = f->cfg.nkeys;
    p->hw_id = f->cfg.hw_id;
    p->min_counter = floor;
    p->current_version = f->st.inst_version;
    p->bootloader_version = f->cfg.bootloader_version;
    struct tdm_version zero = {0};
    if (!memcmp(&p->bootloader_version, &zero, sizeof zero)) {
        /* the device's bootloader, as it recorded itself in the boot state (0.0 if it never ran) */
        p->bootloader_version.major = f->st.boot_major;
        p->bootloader_version.minor = f->st.boot_minor;
    }
    p->comp_max[TDM_PKG_COMP_APP] = f->cfg.app_max;
    p->comp_max[TDM_PKG_COMP_NET] = f->cfg.net_max;
    p->required = (1u << TDM_PKG_COMP_APP) | (1u << TDM_PKG_COMP_NET);
    p->max_package = info.slot_capacity;
    p->image_sig = TDM_PKG_IMAGE_SIG_IF_KNOWN;
    f->capacity = info.slot_capacity;
    return tdm_pkg_parser_init(&f->parser, p); /* checks the config once, before anything is fetched */
}

static int choose(struct tdm_fetch *f, enum start *how)
{
    int err = tdm_bootstate_load(f->store, &f->st);
    if (err < 0) {
        return err;
    }
    if (f->st.phase != TDM_BS_IDLE && f->st.phase != TDM_BS_PENDING) {
        return TDM_E_STATE; /* an install, trial or rollback is under way */
    }
    err = policy(f);
    if (err < 0) {
        return err;
    }
    /* The slot to write: the one the installed set's package is not in, as the boot state (the
     * bootloader's rollback source) names it, else the store's free one; while a package is pending, the
     * candidate's (only to see that it is this very download, already done). */
    int pending = f->st.phase == TDM_BS_PENDING;
    if (pending) {
        f->slot = f->st.cand_slot;
    } else if (f->st.inst_slot < TDM_STORE_SLOTS) {
        f->slot = (uint8_t)(1u - f->st.inst_slot);
    } else {
        f->slot = (uint8_t)tdm_store_free_slot(f->store);
    }
    f->res->slot = f->slot;
    struct tdm_store_slot_info si;
    err = tdm_store_slot_info(f->store, f->slot, &si);
    if (err < 0) {
        return err;
    }
    struct tdm_fetch_record rec;
    int same = tdm_fetch_record_load(f->store, &rec) == 0 && !strcmp(rec.url, f->url) && rec.slot == f->slot &&
               rec.gen == si.gen && si.state != TDM_STORE_EMPTY && rec.state != TDM_FETCH_FAILED;
    *how = START_FRESH;
    if (pending) {
        if (!same || si.state != TDM_STORE_COMMITTED || f->st.cand_gen != si.gen) {
            return TDM_E_STATE; /* another package waits for the reboot */
        }
        *how = START_ALREADY;
    } else if (same && si.state != TDM_STORE_OPEN) {
        *how = START_COMMITTED;
    } else if (same && rec.validator[0]) {
        *how = START_RESUME; /* without a validator a resume could splice two files: start afresh */
    }
    if (same) {
        f->rec = rec;
    }
    if (*how == START_ALREADY) {
        f->res->already = 1;
        f->res->total = si.length;
        memcpy(f->res->sha256, si.sha256, TDM_SHA256_LEN);
        f->res->version = f->st.cand_version;
        f->res->counter = f->st.cand_counter;
    }
    return 0;
}

/* Where the body of a successful open goes. A body is only ever placed at the offset the server says
 * it starts at (rep->start): at byte 0 (a restart, on this response) or at f->off (a resume of the same
 * file). Anything else is discarded unread and the next attempt asks for the whole file:
 * returns TDM_E_FETCH_CHANGED with *fresh set. */
static int place_body(struct tdm_fetch *f, const struct tdm_transport_reply *rep, int *fresh)
{
    int delta = !*fresh && tdm_fetch_x_is_delta(f); /* its body is never the rest of the rebuilt bytes */
    if (delta && rep->start == 0) {
        /* A delta is always asked for from byte 0: the same file (validator and size) goes on with the
         * output already accepted (2); another file starts afresh (1). */
        int same = !strcmp(rep->validator, f->rec.validator) && (rep->total <= 0 || rep->total == f->rec.total);
        return same ? 2 : 1;
    }
    if (rep->start == 0 && (*fresh || !rep->range_honoured || rep->changed)) {
        return 1; /* the whole (possibly new) file from byte 0 */
    }
    if (!delta && !*fresh && rep->start == f->off && !rep->changed) {
        f->res->range_resumes++;
        f->res->range_from = f->off;
        return 0; /* the rest of the same file */
    }
    /* A piece of a changed file (a server that ignores If-Range), or a piece that does not start where
     * we asked: none of it can be placed. */
    *fresh = 1;
    f->res->restarts++;
    return TDM_E_FETCH_CHANGED;
}

/* The response to an open that succeeded: decide where its body goes, then take it to its end. */
static int take_body(struct tdm_fetch *f, const struct tdm_transport_reply *rep, int *fresh)
{
    int err = place_body(f, rep, fresh);
    if (err < 0) {
        return err;
    }
    if (err == 1) {
        if (!*fresh) {
            f->res->restarts++; /* the server ignored the range or the file changed: the body is all of it */
        }
        err = tdm_fetch_x_begin(f, rep);
        if (err < 0) {
            return err;
        }
        *fresh = 0;
    } else if (err == 2) {
        err = tdm_fetch_x_delta_restart(f);
        if (err < 0) {
            return err;
        }
    } else if (rep->total > 0 && f->rec.total && (uint64_t)rep->total != f->rec.total) {
        *fresh = 1; /* same validator, another size: the server contradicts itself; start over */
        f->res->restarts++;
        return TDM_E_FETCH_CHANGED;
    }
    for (;;) {
        if (tdm_fetch_x_cancelled(f)) {
            return TDM_E_FETCH_CANCELLED;
        }
        /* A read never crosses a NAND page boundary: a cut loses at most the one page being filled. */
        uint32_t page = f->store->page, want = page - f->off % page;
        int delta = tdm_fetch_x_is_delta(f);
        uint8_t *buf = delta ? f->cfg.delta->in_buf : f->buf;
        want = delta ? TDM_FETCH_DELTA_IN : want < TDM_FETCH_BUF ? want : TDM_FETCH_BUF;
        int n = f->cfg.transport.read(f->cfg.transport.ctx, buf, want);
        if (n <= 0) {
            err = n;
            break;
        }
        f->res->received += (uint32_t)n;
        err = delta ? tdm_fetch_x_delta_take(f, buf, (uint32_t)n) : tdm_fetch_x_accept(f, buf, (uint32_t)n);
        if (err == TDM_E_FETCH_CHANGED) {
            *fresh = 1; /* the delta rebuilds other bytes than those accepted: start afresh */
            f->res->restarts++;
        }
        if (err < 0) {
            return err;
        }
        tdm_fetch_x_report(f, TDM_FETCH_PH_DATA, 0);
    }
    if (err < 0) {
        return err;
    }
    if (tdm_fetch_x_is_delta(f)) {
        return tdm_fetch_x_delta_end(f);
    }
    if (f->rec.total && f->off != f->rec.total) {
        return TDM_E_FETCH_LENGTH; /* the body ended early: resume */
    }
    return 0;
}

/* One transfer. Returns 0 when every byte of the package is in. *server_ms: the reply's Retry-After. */
static int attempt(struct tdm_fetch *f, int *fresh, int *status, uint32_t *server_ms)
{
    if (!*fresh && f->off > 0 && !f->rec.validator[0]) {
        *fresh = 1; /* no validator: a resume could splice two different files */
        f->res->restarts++;
    }
    int whole = *fresh || tdm_fetch_x_is_delta(f); /* a delta is refetched from byte 0 (docs/DELTA.md) */
    struct tdm_transport_request req = {
        .url = f->url,
        .offset = whole ? 0 : f->off,
        .validator = whole ? NULL : f->rec.validator,
        .max_size = f->capacity,
        .cancelled = f->cfg.cancelled,
        .cancel_arg = f->cfg.cancel_arg,
    };
    struct tdm_transport_reply rep;
    memset(&rep, 0, sizeof rep);
    f->res->attempts++;
    f->prog.from = (uint32_t)req.offset;
    tdm_fetch_x_report(f, TDM_FETCH_PH_CONNECT, 1);
    int err = f->cfg.transport.open(f->cfg.transport.ctx, &req, &rep);
    *status = f->res->status = rep.status;
    *server_ms = rep.retry_after_ms;
    if (err == 0) {
        err = take_body(f, &rep, fresh);
    } else if (err == TDM_E_FETCH_HTTP && rep.status == 416 && req.offset > 0) {
        /* Nothing left to send at our offset: complete if the server's size is the one we stored. */
        if (rep.total >= 0 && (uint64_t)rep.total == req.offset && f->rec.total == req.offset) {
            err = 0;
        } else {
            *fresh = 1;
            f->res->restarts++;
            err = TDM_E_FETCH_CHANGED;
        }
    }
    f->cfg.transport.close(f->cfg.transport.ctx);
    return err;
}

/* Worth another attempt: the network, a timeout, a short body, a restart, a server error (5xx), a
 * server asking to slow down (429). */
static int retryable(int err, int status, const struct tdm_fetch *f)
{
    if (f->fatal) {
        return 0;
    }
    switch (err) {
    case TDM_E_FETCH_NET:
    case TDM_E_FETCH_TIMEOUT:
    case TDM_E_FETCH_LENGTH:
    case TDM_E_FETCH_CHANGED:
        return 1;
    case TDM_E_FETCH_HTTP:
        return (status >= 500 && status <= 599) || status == 429;
    default:
        return 0;
    }
}

static int download(struct tdm_fetch *f, int fresh)
{
    uint32_t fails = 0;
    for (;;) {
        if (tdm_fetch_x_cancelled(f)) {
            return TDM_E_FETCH_CANCELLED;
        }
        int status = 0;
        uint32_t server_ms = 0;
        int err = attempt(f, &fresh, &status, &server_ms);
        if (err == 0) {
            return 0;
        }
        f->prog.last_err = err;
        if (tdm_err_is_pkg(err) || tdm_err_is_delta(err) || err == TDM_E_FETCH_TOO_BIG || (f->fatal && err == TDM_E_FETCH_LENGTH)) {
            return tdm_fetch_x_fail(f, err);
        }
        if (!retryable(err, status, f)) {
            return err;
        }
        if (f->off > f->best) {
            f->best = f->off;
            fails = 0;
        } else if (++fails >= f->cfg.max_attempts) {
            return TDM_E_FETCH_RETRIES;
        }
        f->res->retries++;
        err = tdm_fetch_x_backoff(f, fails, status == 429 || status == 503 ? server_ms : 0);
        if (err < 0) {
            return err;
        }
    }
}

int tdm_fetch_run(struct tdm_fetch *f, const struct tdm_fetch_config *cfg, struct tdm_store *store,
                  const char *url, struct tdm_fetch_result *res)
{
    struct tdm_fetch_result local = {0};
    if (!f || !cfg || !store || !url) {
        return TDM_E_INVAL;
    }
    f->res = res ? res : &local;
    memset(f->res, 0, sizeof *f->res);
    f->res->slot = TDM_STORE_NONE;
    int err = config(f, cfg, store, url);
    enum start how = START_FRESH;
    err = err < 0 ? err : choose(f, &how);
    if (err < 0 || how == START_ALREADY) {
        f->res = NULL;
        return err;
    }
    if (how == START_COMMITTED) {
        err = tdm_fetch_x_finish_committed(f);
    } else {
        int fresh = 1;
        if (how == START_RESUME) {
            err = tdm_fetch_x_resume(f);
            if (err >= 0) {
                f->res->resumed_at = (uint32_t)err;
                f->best = f->off;
                fresh = 0;
            } else if (err == TDM_E_NOT_FOUND) {
                err = 0; /* the durable data is unusable: start afresh */
            } else if (tdm_err_is_pkg(err) || tdm_err_is_delta(err)) {
                err = tdm_fetch_x_fail(f, err);
            }
        }
        err = err < 0 ? err : download(f, fresh);
        err = err < 0 ? err : tdm_fetch_x_finish(f);
    }
    f->res = NULL;
    return err;
}
