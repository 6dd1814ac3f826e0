/* The fetch agent's slot and parser steps: a fresh start, a resume from the durable bytes in NAND, the
 * accepting of each received byte (parser first, then the store), the commit and the PENDING request.
 * Owns: the order parse -> write -> commit -> request -> record. Never: writes a byte the parser has not
 * accepted, commits before tdm_pkg_finish passed, touches a slot other than f->slot, trusts a parser
 * state it did not rebuild from NAND after a reboot. */
#include <string.h>

#include "agent_priv.h"
#include "tandem/bootstate.h"

static void copy_str(char *dst, const char *src, uint32_t cap)
{
    uint32_t i = 0;
    for (; i + 1 < cap && src[i]; i++) {
        dst[i] = src[i];
    }
    dst[i] = 0;
}

static int parser_start(struct tdm_fetch *f)
{
    f->checked = 0;
    return tdm_pkg_parser_init(&f->parser, &f->pcfg);
}

int tdm_fetch_x_fresh(struct tdm_fetch *f, const struct tdm_transport_reply *rep, uint8_t flags)
{
    f->opened = 0;
    int err = tdm_store_open(f->store, f->slot);
    struct tdm_store_slot_info si;
    err = err < 0 ? err : tdm_store_slot_info(f->store, f->slot, &si);
    err = err < 0 ? err : parser_start(f);
    if (err < 0) {
        return err;
    }
    f->opened = 1;
    f->off = 0;
    memset(&f->rec, 0, sizeof f->rec);
    f->rec.state = TDM_FETCH_ACTIVE;
    f->rec.slot = f->slot;
    f->rec.gen = si.gen;
    f->rec.flags = flags;
    f->rec.total = rep->total > 0 && rep->total <= (int64_t)UINT32_MAX ? (uint32_t)rep->total : 0;
    copy_str(f->rec.validator, rep->validator, sizeof f->rec.validator);
    copy_str(f->rec.url, f->url, sizeof f->rec.url);
    return tdm_fetch_record_save(f->store, &f->rec);
}

/* The bootloader refuses a component aimed at another slot or linked for another load address than
 * its slot's in this device's layout: refuse it here already. */
static int check_targets(const struct tdm_fetch *f, const struct tdm_pkg_manifest *m)
{
    return tdm_pkg_check_targets(m, f->cfg.app_addr, f->cfg.net_addr);
}

/* The verified manifest's package size must be what the server announced: a server whose length is
 * not the package's is not serving this package (a lie, or a file with something appended). Its
 * components' targets are checked as soon as the manifest verifies, before a component byte is stored. */
static int check_total(struct tdm_fetch *f)
{
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&f->parser);
    if (!m || f->checked) {
        return 0;
    }
    f->checked = 1;
    int err = check_targets(f, m);
    if (err < 0) {
        return err;
    }
    f->res->version = m->set_version;
    f->res->counter = m->sec_counter;
    f->res->total = m->total_size;
    /* (a delta's server size is the delta's; the delta reader holds the rebuilt size to the prefix's) */
    if (f->rec.total && f->rec.total != m->total_size && !tdm_fetch_x_is_delta(f)) {
        return TDM_E_FETCH_LENGTH;
    }
    return 0;
}

static int feed(struct tdm_fetch *f, const uint8_t *data, uint32_t n)
{
    int err = tdm_pkg_feed(&f->parser, data, n);
    err = err < 0 ? err : check_total(f);
    if (err < 0) {
        f->fatal = 1;
    }
    return err;
}

int tdm_fetch_x_resume(struct tdm_fetch *f)
{
    if (tdm_fetch_x_is_delta(f) && !f->cfg.delta) {
        return TDM_E_NOT_FOUND; /* a delta's output, but no workspace to go on with it: start afresh */
    }
    int durable = tdm_store_resume(f->store, f->slot);
    if (durable == TDM_E_STORE_UNREADABLE || durable == TDM_E_STORE_NO_RESERVE) {
        return TDM_E_NOT_FOUND;
    }
    int err = durable < 0 ? durable : parser_start(f);
    if (err < 0) {
        return err;
    }
    f->opened = 1;
    if (f->cfg.delta) {
        f->cfg.delta->acc_crc = 0;
    }
    /* Rebuild the digest and parser state from what NAND holds, not from anything kept in RAM. */
    for (uint32_t o = 0; o < (uint32_t)durable; o += TDM_FETCH_BUF) {
        uint32_t n = (uint32_t)durable - o < TDM_FETCH_BUF ? (uint32_t)durable - o : TDM_FETCH_BUF;
        err = tdm_store_read(f->store, f->slot, o, f->buf, n);
        if (err == TDM_E_STORE_UNREADABLE) {
            return TDM_E_NOT_FOUND;
        }
        err = err < 0 ? err : feed(f, f->buf, n);
        tdm_fetch_x_delta_durable(f, f->buf, n);
        if (err == TDM_E_FETCH_LENGTH) { /* the record's total is not this package's: start afresh */
            f->fatal = 0;
            return TDM_E_NOT_FOUND;
        }
        if (err < 0) {
            return err;
        }
    }
    f->off = (uint32_t)durable;
    return durable;
}

int tdm_fetch_x_accept(struct tdm_fetch *f, const uint8_t *data, uint32_t n)
{
    int err = feed(f, data, n);
    err = err < 0 ? err : tdm_store_write(f->store, data, n);
    if (err == TDM_E_STORE_FULL) {
        f->fatal = 1;
        err = TDM_E_PKG_TOO_BIG;
    }
    if (err < 0) {
        return err;
    }
    f->off += n;
    return 0;
}

/* Committed and verified: ask for the install, then say so in the record. */
static int request(struct tdm_fetch *f)
{
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&f->parser);
    struct tdm_store_slot_info si;
    int err = tdm_store_slot_info(f->store, f->slot, &si);
    if (err < 0) {
        return err;
    }
    memcpy(f->res->sha256, si.sha256, TDM_SHA256_LEN);
    f->res->version = m->set_version;
    f->res->counter = m->sec_counter;
    f->res->total = si.length;
    err = tdm_bootstate_request(f->store, f->slot, m->sec_counter, &m->set_version);
    if (err == TDM_E_BOOT_REJECTED) {
        return tdm_fetch_x_fail(f, err);
    }
    if (err < 0) {
        return err;
    }
    f->rec.state = TDM_FETCH_DONE;
    f->rec.total = si.length;
    err = tdm_fetch_record_save(f->store, &f->rec);
    if (err < 0) {
        return err;
    }
    tdm_fetch_x_report(f, TDM_FETCH_PH_DONE, 1);
    return 0;
}

int tdm_fetch_x_finish(struct tdm_fetch *f)
{
    tdm_fetch_x_report(f, TDM_FETCH_PH_VERIFY, 1);
    int err = tdm_pkg_finish(&f->parser);
    err = err < 0 ? err : check_targets(f, tdm_pkg_manifest(&f->parser));
    if (tdm_err_is_pkg(err)) {
        return tdm_fetch_x_fail(f, err);
    }
    err = err < 0 ? err : tdm_store_commit(f->store, f->off, NULL);
    return err < 0 ? err : request(f);
}

struct slot_reader {
    struct tdm_store *store;
    unsigned slot;
};

static int read_slot(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct slot_reader *r = ctx;
    return tdm_store_read(r->store, r->slot, off, buf, len);
}

int tdm_fetch_x_finish_committed(struct tdm_fetch *f)
{
    tdm_fetch_x_report(f, TDM_FETCH_PH_VERIFY, 1);
    f->opened = 1; /* this run owns the slot's content from here: a refusal clears it */
    struct slot_reader r = {f->store, f->slot};
    int err = tdm_pkg_check(&f->parser, &f->pcfg, read_slot, &r, f->buf, sizeof f->buf);
    err = err < 0 ? err : check_targets(f, tdm_pkg_manifest(&f->parser));
    if (tdm_err_is_pkg(err)) {
        return tdm_fetch_x_fail(f, err);
    }
    if (err < 0) {
        return err;
    }
    f->off = tdm_pkg_offset(&f->parser);
    return request(f);
}

int tdm_fetch_x_fail(struct tdm_fetch *f, int err)
{
    f->fatal = 1;
    if (!f->opened) {
        return err; /* nothing of this download is in NAND */
    }
    int e = tdm_store_clear(f->store, f->slot);
    f->opened = 0;
    f->rec.state = TDM_FETCH_FAILED;
    f->rec.err = err;
    copy_str(f->rec.url, f->url, sizeof f->rec.url);
    e = e < 0 ? e : tdm_fetch_record_save(f->store, &f->rec);
    return e < 0 ? e : err;
}
