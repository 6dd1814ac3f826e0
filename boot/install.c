/* The install steps of the bootloader: application image into app flash, network image through the
 * net-boot stage, and the verification of both against the source's digests (boot/boot_priv.h).
 *
 * Owns: the page-by-page copy. Never: erases a page that already holds the right bytes (so a step can be
 * re-run after a cut and erases each page once, plus the one the cut interrupted), writes outside the
 * layout's slots, or reports an image as installed before its digests match.
 */
#include "boot_priv.h"
#include "tandem/div64.h"
#include "tandem/err.h"

static int flash_read(struct tdm_boot *b, uint32_t addr, void *buf, uint32_t len)
{
    return b->cfg.app_flash.read(b->cfg.app_flash.ctx, addr, buf, len);
}

static void progress(struct tdm_boot *b, int core, uint32_t done, uint32_t total)
{
    if (b->cfg.progress) {
        b->cfg.progress(b->cfg.progress_arg, core, done, total);
    }
}

static int bytes_equal(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    uint8_t d = 0;
    for (uint32_t i = 0; i < n; i++) {
        d |= (uint8_t)(a[i] ^ b[i]);
    }
    return d == 0;
}

/* Does app flash at addr hold exactly buf[0..len)? 1 yes, 0 no, or an error. */
static int flash_matches(struct tdm_boot *b, uint32_t addr, const uint8_t *buf, uint32_t len)
{
    uint8_t cur[128];
    for (uint32_t off = 0; off < len; off += sizeof cur) {
        uint32_t n = len - off < sizeof cur ? len - off : (uint32_t)sizeof cur;
        int err = flash_read(b, addr + off, cur, n);
        if (err < 0) {
            return err;
        }
        tdm_cpu_spend(&b->cfg.cpu, TDM_CPU_COPY_BYTES, n);
        if (!bytes_equal(cur, buf + off, n)) {
            return 0;
        }
    }
    return 1;
}

static int is_erased_word(const uint8_t *p)
{
    return p[0] == 0xFF && p[1] == 0xFF && p[2] == 0xFF && p[3] == 0xFF;
}

/* Erase the page at addr and write buf (page bytes) into it, skipping runs of erased words. */
static int program_page(struct tdm_boot *b, uint32_t addr, const uint8_t *buf, uint32_t page)
{
    const struct tdm_flash_ops *f = &b->cfg.app_flash;
    int err = f->erase(f->ctx, addr);
    if (err < 0) {
        return err;
    }
    b->rep.app_pages_erased++;
    for (uint32_t off = 0; off < page;) {
        while (off < page && is_erased_word(buf + off)) {
            off += 4;
        }
        uint32_t end = off;
        while (end < page && !is_erased_word(buf + end)) {
            end += 4;
        }
        if (end > off) {
            err = f->write(f->ctx, addr + off, buf + off, end - off);
            if (err < 0) {
                return err;
            }
        }
        off = end;
    }
    b->rep.app_pages_written++;
    int same = flash_matches(b, addr, buf, page);
    return same < 0 ? same : (same ? 0 : TDM_E_BOOT_VERIFY);
}

/* Copy the application page at `off` of the image (skipped when flash already holds it). */
static int copy_app_page(struct tdm_boot *b, const struct tdm_boot_source *src, uint32_t off)
{
    const struct tdm_boot_image *img = &src->img[0];
    const uint32_t page = TDM_BOOT_COPY_BUF;
    uint32_t addr = b->cfg.layout.app_slot.addr + off;
    uint32_t n = img->len - off < page ? img->len - off : page;
    int err = tdm_store_read(&b->store, src->slot, img->off + off, b->buf, n);
    if (err < 0) {
        return err;
    }
    for (uint32_t i = n; i < page; i++) {
        b->buf[i] = 0xFF;
    }
    int same = flash_matches(b, addr, b->buf, page);
    if (same < 0) {
        return same;
    }
    if (same) {
        b->rep.app_pages_skipped++;
    } else if ((err = program_page(b, addr, b->buf, page)) < 0) {
        return err;
    }
    progress(b, 0, off + n, img->len);
    return 0;
}

/* Application pages from *off up to `until` (bytes of the image). */
static int copy_app_until(struct tdm_boot *b, const struct tdm_boot_source *src, uint32_t *off, uint32_t until)
{
    for (; *off < until && *off < src->img[0].len; *off += TDM_BOOT_COPY_BUF) {
        int err = copy_app_page(b, src, *off);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

int tdm_boot_x_copy_app(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    uint32_t off = 0;
    if (src->img[0].len > b->cfg.layout.app_slot.size) {
        return TDM_E_PKG_TOO_BIG;
    }
    return copy_app_until(b, src, &off, src->img[0].len);
}

int tdm_boot_x_xfer(struct tdm_boot *b)
{
    if (b->xfer_open) {
        return 0;
    }
    int err = tdm_xfer_open(&b->xfer, &b->cfg.ipc, b->cfg.xfer_chunk ? b->cfg.xfer_chunk : TDM_XFER_CHUNK_DEFAULT);
    if (err < 0) {
        return err;
    }
    tdm_xfer_set_cpu(&b->xfer, &b->cfg.cpu);
    b->xfer_open = 1;
    return 0;
}

/* Both images at once. The net core programs chunk k from one window buffer while the app core reads
 * chunk k+1 from NAND into the other and, until the net core answers, programs its own share of
 * application pages: after chunk k, the first (k+1)/K of them (K chunks), so both flashes finish together.
 * with_app 0: the network image alone. */
static int copy_net(struct tdm_boot *b, const struct tdm_boot_source *src, int with_app)
{
    const struct tdm_boot_image *img = &src->img[1];
    int err = tdm_boot_x_xfer(b);
    if (err < 0) {
        return err;
    }
    struct tdm_xfer *x = &b->xfer;
    if (img->len > x->slot_size) {
        return TDM_E_PKG_TOO_BIG;
    }
    uint32_t chunk = x->chunk;
    uint32_t chunks = (img->len + chunk - 1) / chunk, k = 0, app_off = 0;
    uint64_t app_len = with_app ? src->img[0].len : 0;
    unsigned cur = 0;
    uint32_t n = img->len < chunk ? img->len : chunk;
    err = tdm_store_read(&b->store, src->slot, img->off, tdm_xfer_buffer(x, cur), n);
    for (uint32_t off = 0; err >= 0 && off < img->len; off += chunk, cur ^= 1u) {
        n = img->len - off < chunk ? img->len - off : chunk;
        err = tdm_xfer_write_start(x, cur, x->slot_addr + off, n);
        uint32_t next = off + chunk;
        if (err >= 0 && next < img->len) {
            uint32_t nn = img->len - next < chunk ? img->len - next : chunk;
            err = tdm_store_read(&b->store, src->slot, img->off + next, tdm_xfer_buffer(x, cur ^ 1u), nn);
        }
        k++;
        err = err < 0 ? err : copy_app_until(b, src, &app_off, (uint32_t)tdm_div64(app_len * k, chunks));
        if (x->in_flight) {
            int ferr = tdm_xfer_finish(x); /* always collect the answer, so the channel stays in step */
            err = err < 0 ? err : ferr;
        }
        b->rep.net_pages_sent += (n + x->page_size - 1) / x->page_size;
        progress(b, 1, off + n, img->len);
    }
    err = err < 0 ? err : copy_app_until(b, src, &app_off, (uint32_t)app_len);
    return err < 0 ? err : 0;
}

int tdm_boot_x_copy_net(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    return copy_net(b, src, 0);
}

int tdm_boot_x_copy_both(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    if (src->img[0].len > b->cfg.layout.app_slot.size) {
        return TDM_E_PKG_TOO_BIG;
    }
    return src->img[1].len ? copy_net(b, src, 1) : tdm_boot_x_copy_app(b, src);
}

int tdm_boot_x_hash_app(struct tdm_boot *b, uint32_t addr, uint32_t len, uint8_t out[TDM_SHA256_LEN])
{
    const struct tdm_crypto_ops *c = &b->cfg.crypto;
    struct tdm_sha256 h;
    int err = c->sha256_start(c->ctx, &h);
    for (uint32_t off = 0; err >= 0 && off < len; off += sizeof b->buf) {
        uint32_t n = len - off < sizeof b->buf ? len - off : sizeof b->buf;
        err = flash_read(b, addr + off, b->buf, n);
        err = err < 0 ? err : c->sha256_update(c->ctx, &h, b->buf, n);
    }
    return err < 0 ? err : c->sha256_finish(c->ctx, &h, out);
}

/* Range k of the network image is hashed by the net core while the application core hashes its range k
 * (the two digests are independent), so the two hashes overlap instead of following each other. */
int tdm_boot_x_verify(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    const struct tdm_boot_image *app = &src->img[0], *net = &src->img[1];
    uint8_t got[2][TDM_SHA256_LEN];
    unsigned ranges = app->nranges > net->nranges ? app->nranges : net->nranges;
    int err = net->nranges ? tdm_boot_x_xfer(b) : 0;
    for (unsigned k = 0; err >= 0 && k < ranges; k++) {
        int on_net = k < net->nranges;
        err = on_net ? tdm_xfer_hash_start(&b->xfer, b->xfer.slot_addr + net->r[k].off, net->r[k].len) : 0;
        if (err >= 0 && k < app->nranges) {
            err = tdm_boot_x_hash_app(b, b->cfg.layout.app_slot.addr + app->r[k].off, app->r[k].len, got[0]);
            err = err < 0 ? err : (bytes_equal(got[0], app->r[k].sha, TDM_SHA256_LEN) ? 0 : TDM_E_BOOT_VERIFY);
        }
        if (on_net) {
            int nerr = tdm_xfer_hash_finish(&b->xfer, got[1]); /* always collect: the channel stays in step */
            nerr = nerr < 0 ? nerr : (bytes_equal(got[1], net->r[k].sha, TDM_SHA256_LEN) ? 0 : TDM_E_BOOT_VERIFY);
            err = err < 0 ? err : nerr;
        }
    }
    return err < 0 ? err : 0;
}
