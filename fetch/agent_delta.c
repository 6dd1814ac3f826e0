/* The fetch agent's first bytes and delta path (docs/DELTA.md "Device"): what a body from byte 0 is (a
 * full package or a delta package, by its magic), the delta's base check against the installed package,
 * the decoding on the way in (base read from the installed slot, rebuilt bytes accepted a NAND page at a
 * time through the agent's normal parse -> write path), the restart of a delta from its byte 0 that skips
 * the rebuilt bytes already accepted, and the fallback from a delta URL to the full package's.
 * Owns: the delta workspace (cfg.delta). Never: writes anything (slot, record) before a delta's header has
 * shown it is made for the installed package, writes the installed slot, writes a rebuilt byte the
 * parser has not accepted, or calls tdm_store_write with less than a page while the base may still be
 * read (the store's one page buffer is then busy: tdm_store_read would be refused). */
#include <string.h>

#include "agent_priv.h"
#include "tandem/crc32.h"

int tdm_fetch_x_is_delta(const struct tdm_fetch *f)
{
    return (f->rec.flags & TDM_FETCH_REC_DELTA) != 0;
}

/* The decoder's base reads (256 bytes at a time, mostly in order) come from a copy of one whole base page:
 * each page written in between takes over the store's page buffer, so without it the same base page
 * would be read from NAND again after every rebuilt page (delta.rebuild_ratio 1.44 instead of 1.2). */
static int base_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len)
{
    struct tdm_fetch *f = ctx;
    struct tdm_fetch_delta *d = f->cfg.delta;
    uint32_t page = f->store->page;
    while (len > 0) {
        uint32_t at = off - off % page;
        if (d->base_have == 0 || d->base_at != at) {
            uint32_t n = d->base_len - at < page ? d->base_len - at : page;
            d->base_have = 0;
            int err = tdm_store_read(f->store, d->base_slot, at, d->base_page, n);
            if (err < 0) {
                return err == TDM_E_STORE_UNREADABLE ? TDM_E_DELTA_BASE_READ : err;
            }
            d->base_at = at;
            d->base_have = n;
        }
        uint32_t n = d->base_have - off % page < len ? d->base_have - off % page : len;
        memcpy(buf, d->base_page + off % page, n);
        buf += n;
        off += n;
        len -= n;
    }
    return 0;
}

/* The rebuilt bytes of a full page (or the last bytes) go the way of downloaded ones. */
static int accept_fill(struct tdm_fetch *f)
{
    struct tdm_fetch_delta *d = f->cfg.delta;
    int err = tdm_fetch_x_accept(f, f->buf, d->fill);
    if (err < 0) {
        return err;
    }
    tdm_cpu_spend(&f->cfg.cpu, TDM_CPU_CRC32_BYTES, d->fill);
    d->acc_crc = tdm_crc32(d->acc_crc, f->buf, d->fill);
    d->fill = 0;
    return 0;
}

/* The decoder's output, in order. Bytes below d->skip were accepted before this pass: they are only
 * compared (CRC-32 of the whole run once it is complete); the rest fills the transfer buffer up to a
 * page, which is then parsed and written as one full page (so the store's page buffer is free again
 * before the next base read). The patch decoder's work is reported here, per byte it emitted (its cost
 * was measured with its base reads included: sim/cpu_cost.c); the prefix and whole components cost
 * only the copy. */
static int rebuilt(void *ctx, const uint8_t *data, uint32_t len)
{
    struct tdm_fetch *f = ctx;
    struct tdm_fetch_delta *d = f->cfg.delta;
    if (d->pkg.kind == TDM_DELTA_ENTRY_PATCH) {
        tdm_cpu_spend(&f->cfg.cpu, TDM_CPU_DELTA_OUT_BYTES, len);
    }
    while (len > 0) {
        uint32_t n;
        if (d->out < d->skip) {
            n = d->skip - d->out < len ? d->skip - d->out : len;
            tdm_cpu_spend(&f->cfg.cpu, TDM_CPU_CRC32_BYTES, n);
            d->skip_crc = tdm_crc32(d->skip_crc, data, n);
            if (d->out + n == d->skip && d->skip_crc != d->acc_crc) {
                return TDM_E_FETCH_CHANGED;
            }
        } else {
            n = f->store->page - d->fill < len ? f->store->page - d->fill : len;
            tdm_cpu_spend(&f->cfg.cpu, TDM_CPU_COPY_BYTES, n);
            memcpy(f->buf + d->fill, data, n);
            d->fill += n;
            if (d->fill == f->store->page) {
                int err = accept_fill(f);
                if (err < 0) {
                    return err;
                }
            }
        }
        d->out += n;
        data += n;
        len -= n;
    }
    return 0;
}

/* The installed package is the base: the boot state's installed slot, committed with the generation the
 * boot state names (a capture of a first update is committed too, but no delta names its digest). */
static int decoder_start(struct tdm_fetch *f, uint32_t skip)
{
    struct tdm_fetch_delta *d = f->cfg.delta;
    struct tdm_store_slot_info si;
    if (f->store->page > TDM_FETCH_BUF) {
        return TDM_E_CONFIG; /* the rebuilt output is collected a page at a time in f->buf */
    }
    int err = f->st.inst_slot < TDM_STORE_SLOTS && f->st.inst_slot != f->slot
                  ? tdm_store_slot_info(f->store, f->st.inst_slot, &si)
                  : TDM_E_DELTA_BASE;
    if (err < 0) {
        return err;
    }
    if (si.state != TDM_STORE_COMMITTED || si.gen != f->st.inst_gen) {
        return TDM_E_DELTA_BASE;
    }
    struct tdm_delta_pkg_config pc = {.read = base_read, .read_ctx = f, .write = rebuilt, .write_ctx = f,
                                      .base_len = si.length, .out_max = f->capacity};
    memcpy(pc.base_sha, si.sha256, sizeof pc.base_sha);
    d->base_slot = f->st.inst_slot;
    d->base_len = si.length;
    d->base_have = 0;
    d->in = d->out = d->fill = d->skip_crc = 0;
    d->skip = skip;
    d->acc_crc = skip ? d->acc_crc : 0; /* a fresh start has accepted nothing yet */
    f->res->delta = 1;
    return tdm_delta_pkg_init(&d->pkg, &pc);
}

int tdm_fetch_x_delta_take(struct tdm_fetch *f, const uint8_t *data, uint32_t n)
{
    struct tdm_fetch_delta *d = f->cfg.delta;
    d->in += n;
    int err = tdm_delta_pkg_feed(&d->pkg, data, n);
    if (tdm_err_is_delta(err) || tdm_err_is_pkg(err)) {
        f->fatal = 1;
    }
    return err;
}

int tdm_fetch_x_delta_restart(struct tdm_fetch *f)
{
    if (f->off % f->store->page != 0) {
        return TDM_E_STATE; /* accepted output is always whole pages until the end */
    }
    int err = decoder_start(f, f->off);
    if (tdm_err_is_delta(err)) {
        f->fatal = 1;
    }
    return err;
}

int tdm_fetch_x_delta_end(struct tdm_fetch *f)
{
    struct tdm_fetch_delta *d = f->cfg.delta;
    if (f->rec.total && d->in != f->rec.total) {
        return TDM_E_FETCH_LENGTH; /* the body ended early: refetch */
    }
    int err = tdm_delta_pkg_finish(&d->pkg);
    if (err < 0) {
        f->fatal = tdm_err_is_delta(err) || tdm_err_is_pkg(err) || f->fatal;
        return err;
    }
    return d->fill ? accept_fill(f) : 0;
}

void tdm_fetch_x_delta_durable(struct tdm_fetch *f, const uint8_t *data, uint32_t n)
{
    if (f->cfg.delta && tdm_fetch_x_is_delta(f)) {
        tdm_cpu_spend(&f->cfg.cpu, TDM_CPU_CRC32_BYTES, n);
        f->cfg.delta->acc_crc = tdm_crc32(f->cfg.delta->acc_crc, data, n);
    }
}

/* Read until `want` bytes of the body are in d->in_buf (or its end). Returns the bytes held. */
static int peek(struct tdm_fetch *f, uint32_t have, uint32_t want)
{
    uint8_t *buf = f->cfg.delta->in_buf;
    while (have < want) {
        int n = f->cfg.transport.read(f->cfg.transport.ctx, buf + have, want - have);
        if (n <= 0) {
            return n < 0 ? n : (int)have;
        }
        f->res->received += (uint32_t)n;
        have += (uint32_t)n;
    }
    return (int)have;
}

int tdm_fetch_x_begin(struct tdm_fetch *f, const struct tdm_transport_reply *rep)
{
    struct tdm_fetch_delta *d = f->cfg.delta;
    f->res->delta = 0;
    if (!d) {
        return tdm_fetch_x_fresh(f, rep, 0);
    }
    int have = peek(f, 0, 4);
    if (have >= 0 && tdm_delta_pkg_is(d->in_buf, (uint32_t)have)) {
        have = peek(f, (uint32_t)have, TDM_DELTA_PKG_HDR_LEN);
    }
    if (have < 0) {
        return have;
    }
    if (tdm_delta_pkg_is(d->in_buf, (uint32_t)have) && have < TDM_DELTA_PKG_HDR_LEN) {
        f->fatal = 1;
        return TDM_E_DELTA_TRUNCATED; /* nothing written */
    }
    if (!tdm_delta_pkg_is(d->in_buf, (uint32_t)have)) {
        int err = tdm_fetch_x_fresh(f, rep, 0);
        return err < 0 || have == 0 ? err : tdm_fetch_x_accept(f, d->in_buf, (uint32_t)have);
    }
    /* A delta package: its header (base identity, rebuilt size) is checked before the slot is opened. */
    int err = decoder_start(f, 0);
    err = err < 0 ? err : tdm_fetch_x_delta_take(f, d->in_buf, (uint32_t)have);
    if (err < 0) {
        f->fatal = 1;
        return err;
    }
    return tdm_fetch_x_fresh(f, rep, TDM_FETCH_REC_DELTA);
}

int tdm_fetch_run_delta(struct tdm_fetch *f, const struct tdm_fetch_config *cfg, struct tdm_store *store,
                        const char *delta_url, const char *full_url, struct tdm_fetch_result *res)
{
    struct tdm_fetch_result local = {0};
    struct tdm_fetch_record rec;
    if (!f || !cfg || !store || !delta_url || !full_url) {
        return TDM_E_INVAL;
    }
    res = res ? res : &local;
    int on_full = tdm_fetch_record_load(store, &rec) == 0 && rec.state != TDM_FETCH_FAILED &&
                  !strcmp(rec.url, full_url);
    int err = on_full ? 0 : tdm_fetch_run(f, cfg, store, delta_url, res);
    int why = err;
    if (!on_full && !tdm_err_is_delta(err) && !(err == TDM_E_FETCH_HTTP && res->status >= 400 && res->status < 500)) {
        return err;
    }
    err = tdm_fetch_run(f, cfg, store, full_url, res);
    res->fell_back = !on_full;
    res->delta_err = on_full ? 0 : why;
    return err;
}
