/* The net-boot stage: the small immutable program on the network core that serves the transfer
 * protocol (include/tandem/xfer.h). It programs, reads and hashes the network image slot and starts the
 * network image.
 *
 * Owns: the network core's flash writes. Never: writes, reads or hashes outside the network image slot
 * (so it can never overwrite itself), executes a command whose block or data fails its CRC, executes a
 * repeated command twice, or erases a page whose contents already match.
 */
#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/xfer.h"

int tdm_netboot_init(struct tdm_netboot *nb, const struct tdm_netboot_config *cfg)
{
    struct tdm_flash_geometry geo;
    if (!cfg || !cfg->flash.read || !cfg->flash.write || !cfg->flash.erase || !cfg->ipc.window ||
        !cfg->ipc.take || !cfg->ipc.raise || !cfg->crypto.sha256_start) {
        return TDM_E_CONFIG;
    }
    int err = cfg->flash.geometry(cfg->flash.ctx, &geo);
    if (err < 0) {
        return err;
    }
    if (geo.page_size == 0 || cfg->slot_addr % geo.page_size || cfg->slot_size % geo.page_size ||
        cfg->slot_size == 0 || cfg->slot_addr < geo.base || cfg->slot_addr - geo.base > geo.size ||
        cfg->slot_size > geo.size - (cfg->slot_addr - geo.base) || cfg->chunk % geo.page_size ||
        cfg->chunk == 0 || cfg->ipc.window_size < tdm_xfer_window_need(cfg->chunk)) {
        return TDM_E_CONFIG;
    }
    struct tdm_netboot fresh = {.cfg = *cfg, .page_size = geo.page_size};
    *nb = fresh;
    return 0;
}

static int in_slot(const struct tdm_netboot *nb, uint32_t addr, uint32_t len)
{
    const struct tdm_netboot_config *c = &nb->cfg;
    return addr >= c->slot_addr && len <= c->slot_size && addr - c->slot_addr <= c->slot_size - len;
}

static uint8_t *buffer(const struct tdm_netboot *nb, unsigned i)
{
    return nb->cfg.ipc.window + TDM_XFER_BUF_OFF + (i & 1u) * nb->cfg.chunk;
}

/* CRC-32 of the bytes, reported to the clock. */
static uint32_t crc_of(const struct tdm_netboot *nb, const uint8_t *p, uint32_t n)
{
    tdm_cpu_spend(&nb->cfg.cpu, TDM_CPU_CRC32_BYTES, n);
    return tdm_crc32(0, p, n);
}

static int same(const struct tdm_netboot *nb, const uint8_t *a, const uint8_t *b, uint32_t n)
{
    tdm_cpu_spend(&nb->cfg.cpu, TDM_CPU_COPY_BYTES, n);
    for (uint32_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

static int erased_word(const uint8_t *p)
{
    return p[0] == 0xFF && p[1] == 0xFF && p[2] == 0xFF && p[3] == 0xFF;
}

/* Program one page from src unless it already holds exactly that: erase, then write the words that are
 * not 0xFFFFFFFF (an erased word needs no write), then read back. */
static int program_page(struct tdm_netboot *nb, uint32_t addr, const uint8_t *src)
{
    const struct tdm_flash_ops *f = &nb->cfg.flash;
    uint8_t cur[256];
    int differs = 0;
    for (uint32_t off = 0; off < nb->page_size && !differs; off += sizeof cur) {
        int err = f->read(f->ctx, addr + off, cur, sizeof cur);
        if (err < 0) {
            return err;
        }
        differs = !same(nb, cur, src + off, sizeof cur);
    }
    if (!differs) {
        nb->pages_skipped++;
        return 0;
    }
    int err = f->erase(f->ctx, addr);
    if (err < 0) {
        return err;
    }
    nb->pages_erased++;
    for (uint32_t off = 0; off < nb->page_size;) {
        while (off < nb->page_size && erased_word(src + off)) {
            off += 4;
        }
        uint32_t end = off;
        while (end < nb->page_size && !erased_word(src + end)) {
            end += 4;
        }
        if (end > off) {
            err = f->write(f->ctx, addr + off, src + off, end - off);
            if (err < 0) {
                return err;
            }
        }
        off = end;
    }
    nb->pages_written++;
    for (uint32_t off = 0; off < nb->page_size; off += sizeof cur) {
        err = f->read(f->ctx, addr + off, cur, sizeof cur);
        if (err < 0) {
            return err;
        }
        if (!same(nb, cur, src + off, sizeof cur)) {
            return TDM_E_BOOT_VERIFY;
        }
    }
    return 0;
}

static int do_write(struct tdm_netboot *nb, const struct tdm_xfer_msg *m)
{
    if (m->len == 0 || m->len > nb->cfg.chunk || m->addr % nb->page_size || m->len % nb->page_size ||
        !in_slot(nb, m->addr, m->len)) {
        return TDM_E_BOOT_PROTO;
    }
    const uint8_t *src = buffer(nb, m->buf);
    if (crc_of(nb, src, m->len) != m->value) {
        return TDM_E_CORRUPT;
    }
    for (uint32_t off = 0; off < m->len; off += nb->page_size) {
        int err = program_page(nb, m->addr + off, src + off);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

static int do_read(struct tdm_netboot *nb, const struct tdm_xfer_msg *m, uint32_t *crc)
{
    if (m->len == 0 || m->len > nb->cfg.chunk || !in_slot(nb, m->addr, m->len)) {
        return TDM_E_BOOT_PROTO;
    }
    uint8_t *dst = buffer(nb, m->buf);
    int err = nb->cfg.flash.read(nb->cfg.flash.ctx, m->addr, dst, m->len);
    if (err < 0) {
        return err;
    }
    *crc = crc_of(nb, dst, m->len);
    return 0;
}

static int do_hash(struct tdm_netboot *nb, const struct tdm_xfer_msg *m, uint32_t *crc)
{
    if (!in_slot(nb, m->addr, m->len)) {
        return TDM_E_BOOT_PROTO;
    }
    const struct tdm_crypto_ops *c = &nb->cfg.crypto;
    struct tdm_sha256 h;
    uint8_t tmp[256];
    uint8_t *out = buffer(nb, m->buf);
    int err = c->sha256_start(c->ctx, &h);
    for (uint32_t off = 0; err >= 0 && off < m->len; off += sizeof tmp) {
        uint32_t n = m->len - off < sizeof tmp ? m->len - off : sizeof tmp;
        err = nb->cfg.flash.read(nb->cfg.flash.ctx, m->addr + off, tmp, n);
        err = err < 0 ? err : c->sha256_update(c->ctx, &h, tmp, n);
    }
    err = err < 0 ? err : c->sha256_finish(c->ctx, &h, out);
    if (err < 0) {
        return err;
    }
    *crc = tdm_crc32(0, out, TDM_SHA256_LEN);
    return 0;
}

static int execute(struct tdm_netboot *nb, const struct tdm_xfer_msg *m, struct tdm_xfer_msg *r)
{
    switch (m->cmd) {
    case TDM_XFER_HELLO:
        r->value = TDM_XFER_VERSION;
        r->addr = nb->cfg.slot_addr;
        r->len = nb->cfg.slot_size;
        r->aux = nb->page_size;
        r->aux2 = nb->cfg.chunk;
        return 0;
    case TDM_XFER_WRITE:
        return do_write(nb, m);
    case TDM_XFER_READ:
        return do_read(nb, m, &r->value);
    case TDM_XFER_HASH:
        return do_hash(nb, m, &r->value);
    case TDM_XFER_BOOT:
        nb->booted = 1;
        return 0;
    default:
        return TDM_E_BOOT_PROTO;
    }
}

int tdm_netboot_poll(struct tdm_netboot *nb)
{
    const struct tdm_ipc_ops *ipc = &nb->cfg.ipc;
    int got = ipc->take(ipc->ctx, TDM_XFER_CH_CMD);
    if (got <= 0) {
        return got;
    }
    struct tdm_xfer_msg m, r = {0};
    int err = tdm_xfer_decode(ipc->window + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    if (err < 0) {
        /* Unreadable block: answer nothing (the client's timeout resends it); never guess a command. */
        return 1;
    }
    uint8_t *rsp = ipc->window + TDM_XFER_RSP_OFF;
    if (nb->have_last && m.seq == nb->last_seq) {
        for (unsigned i = 0; i < TDM_XFER_BLOCK_LEN; i++) { /* a repeat: the same answer, nothing redone */
            rsp[i] = nb->last_rsp[i];
        }
        err = ipc->raise(ipc->ctx, TDM_XFER_CH_RSP);
        return err < 0 ? err : 1;
    }
    r.seq = m.seq;
    r.cmd = m.cmd;
    r.buf = m.buf;
    r.status = execute(nb, &m, &r); /* a power cut stops the stage inside it (no answer is written) */
    tdm_xfer_encode(rsp, TDM_XFER_RSP_MAGIC, &r);
    if (r.status != TDM_E_CORRUPT) { /* damaged data is not "done": a resend must be executed */
        nb->last_seq = m.seq;
        nb->have_last = 1;
        for (unsigned i = 0; i < TDM_XFER_BLOCK_LEN; i++) {
            nb->last_rsp[i] = rsp[i];
        }
    }
    err = ipc->raise(ipc->ctx, TDM_XFER_CH_RSP);
    return err < 0 ? err : 1;
}
