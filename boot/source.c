/* Install sources of the bootloader: a signed package or a capture in a store slot, verified and
 * described as byte ranges with digests (boot/boot_priv.h).
 * Owns: reading the capture format (docs/BOOT.md) and the policy handed to the package check.
 * Never: trusts a slot it has not verified in this boot, or a capture whose header CRC fails. */
#include "boot_priv.h"
#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/le.h"

struct slot_reader {
    struct tdm_boot *b;
    unsigned slot;
};

static int read_pkg(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct slot_reader *r = ctx;
    return tdm_store_read(&r->b->store, r->slot, off, buf, len);
}

static void copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

static int from_package(struct tdm_boot *b, unsigned slot, uint32_t min_counter, const struct tdm_version *min_version,
                        struct tdm_boot_source *src)
{
    struct tdm_pkg_config pc = {
        .ops = &b->cfg.crypto,
        .keys = b->cfg.keys,
        .nkeys = b->cfg.nkeys,
        .hw_id = b->cfg.hw_id,
        .min_counter = min_counter,
        .current_version = *min_version,
        .bootloader_version = {.major = TDM_BOOT_VERSION_MAJOR, .minor = TDM_BOOT_VERSION_MINOR},
        .required = (1u << TDM_PKG_COMP_APP) | (1u << TDM_PKG_COMP_NET),
        .image_sig = TDM_PKG_IMAGE_SIG_IGNORE,
    };
    pc.comp_max[TDM_PKG_COMP_APP] = b->cfg.layout.app_slot.size;
    pc.comp_max[TDM_PKG_COMP_NET] = b->cfg.layout.net_slot.size;
    struct slot_reader r = {b, slot};
    int err = tdm_pkg_check(&b->parser, &pc, read_pkg, &r, b->buf, sizeof b->buf);
    if (err < 0) {
        return err;
    }
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&b->parser);
    err = tdm_pkg_check_targets(m, b->cfg.layout.app_slot.addr, b->cfg.layout.net_slot.addr);
    if (err < 0) {
        return err;
    }
    src->is_capture = 0;
    src->version = m->set_version;
    src->counter = m->sec_counter;
    for (unsigned i = 0; i < m->count; i++) {
        const struct tdm_pkg_component *c = &m->comp[i];
        struct tdm_boot_image *img = &src->img[c->slot]; /* 0 app, 1 net: tdm_pkg_check_targets */
        img->off = c->offset;
        img->len = c->size;
        img->nranges = 1;
        img->r[0].off = 0;
        img->r[0].len = c->hashed_len;
        copy(img->r[0].sha, c->hash, TDM_SHA256_LEN);
        if (c->size > c->hashed_len) {
            img->nranges = 2;
            img->r[1].off = c->hashed_len;
            img->r[1].len = c->size - c->hashed_len;
            copy(img->r[1].sha, c->tlv_hash, TDM_SHA256_LEN);
        }
    }
    return 0;
}

static int from_capture(struct tdm_boot *b, unsigned slot, struct tdm_boot_source *src)
{
    uint8_t h[TDM_CAPTURE_HDR_LEN];
    struct tdm_capture_hdr c;
    struct tdm_store_slot_info si;
    int err = tdm_store_read(&b->store, slot, 0, h, sizeof h);
    err = err < 0 ? err : tdm_store_slot_info(&b->store, slot, &si);
    err = err < 0 ? err : tdm_boot_x_capture_decode(h, &c);
    if (err < 0) {
        return err;
    }
    if (c.app_len > b->cfg.layout.app_slot.size || c.net_len > b->cfg.layout.net_slot.size ||
        (uint64_t)TDM_CAPTURE_HDR_LEN + c.app_len + c.net_len != si.length) {
        return TDM_E_CORRUPT;
    }
    src->is_capture = 1;
    src->counter = 0;
    src->version = c.version;
    for (unsigned core = 0; core < 2; core++) {
        struct tdm_boot_image *img = &src->img[core];
        img->off = core == 0 ? TDM_CAPTURE_HDR_LEN : TDM_CAPTURE_HDR_LEN + c.app_len;
        img->len = core == 0 ? c.app_len : c.net_len;
        img->nranges = 1;
        img->r[0].off = 0;
        img->r[0].len = img->len;
        copy(img->r[0].sha, c.sha[core], TDM_SHA256_LEN);
    }
    return 0;
}

int tdm_boot_x_source(struct tdm_boot *b, unsigned slot, uint32_t min_counter, const struct tdm_version *min_version,
                    struct tdm_boot_source *src)
{
    uint8_t magic[4];
    int err = tdm_store_read(&b->store, slot, 0, magic, sizeof magic);
    if (err < 0) {
        return err;
    }
    src->slot = (uint8_t)slot;
    if (tdm_boot_x_is_capture_magic(magic)) {
        return from_capture(b, slot, src);
    }
    return from_package(b, slot, min_counter, min_version, src);
}
