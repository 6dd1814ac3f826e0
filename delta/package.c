/* The delta package reader of include/tandem/delta.h (format: docs/DELTA.md "Delta package").
 * Owns: the package's header and entry framing, the base identity check, and routing each entry to the
 * output (whole) or through the patch decoder (delta/decode.c). Never: allocates, reads or writes before
 * the header's base identity and output length are checked, emits more than full_len bytes. */
#include <string.h>

#include "tandem/crc32.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"

enum { PS_HDR = 0, PS_PREFIX, PS_ENTRY, PS_WHOLE, PS_PATCH, PS_DONE };

int tdm_delta_pkg_is(const uint8_t *buf, uint32_t len)
{
    return buf != NULL && len >= 4 && memcmp(buf, TDM_DELTA_PKG_MAGIC, 4) == 0;
}

int tdm_delta_pkg_header_parse(const uint8_t *b, uint32_t len, struct tdm_delta_pkg_header *h)
{
    if (b == NULL || h == NULL || len < TDM_DELTA_PKG_HDR_LEN) {
        return TDM_E_INVAL;
    }
    if (!tdm_delta_pkg_is(b, len)) {
        return TDM_E_DELTA_MAGIC;
    }
    if (b[4] != 1) {
        return TDM_E_DELTA_VERSION;
    }
    if (tdm_get_le16(b + 6) != TDM_DELTA_PKG_HDR_LEN || tdm_get_le32(b + 60) != tdm_crc32(0, b, 60)) {
        return TDM_E_DELTA_CORRUPT;
    }
    h->full_len = tdm_get_le32(b + 8);
    h->base_len = tdm_get_le32(b + 12);
    memcpy(h->base_sha, b + 16, 32);
    h->prefix_len = tdm_get_le32(b + 48);
    h->count = b[52];
    for (int i = 53; i < 60; i++) {
        if (b[i] != 0) {
            return TDM_E_DELTA_CORRUPT;
        }
    }
    if (h->count == 0 || h->count > TDM_DELTA_PKG_MAX_COMPONENTS || h->prefix_len > h->full_len) {
        return TDM_E_DELTA_CORRUPT;
    }
    return 0;
}

int tdm_delta_pkg_init(struct tdm_delta_pkg *p, const struct tdm_delta_pkg_config *cfg)
{
    if (p == NULL || cfg == NULL || cfg->read == NULL || cfg->write == NULL) {
        return TDM_E_INVAL;
    }
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->state = PS_HDR;
    return 0;
}

static int emit(struct tdm_delta_pkg *p, const uint8_t *data, uint32_t len)
{
    if (len > p->hdr.full_len - p->out) {
        return TDM_E_DELTA_CORRUPT;
    }
    p->out += len;
    return p->cfg.write(p->cfg.write_ctx, data, len);
}

/* The patch decoder's output goes through the same length check as whole entries. */
static int patch_out(void *ctx, const uint8_t *data, uint32_t len)
{
    return emit(ctx, data, len);
}

static int collect(struct tdm_delta_pkg *p, const uint8_t **data, uint32_t *len, uint32_t want)
{
    uint32_t n = want - p->have;
    n = n < *len ? n : *len;
    memcpy(p->raw + p->have, *data, n);
    p->have = (uint8_t)(p->have + n);
    *data += n;
    *len -= n;
    return p->have == want;
}

static int on_header(struct tdm_delta_pkg *p)
{
    int err = tdm_delta_pkg_header_parse(p->raw, TDM_DELTA_PKG_HDR_LEN, &p->hdr);
    if (err < 0) {
        return err;
    }
    if (p->hdr.base_len != p->cfg.base_len || memcmp(p->hdr.base_sha, p->cfg.base_sha, 32) != 0) {
        return TDM_E_DELTA_BASE;
    }
    if (p->cfg.out_max != 0 && p->hdr.full_len > p->cfg.out_max) {
        return TDM_E_DELTA_TOO_BIG;
    }
    p->left = p->hdr.prefix_len;
    p->state = PS_PREFIX;
    return 0;
}

static int on_entry(struct tdm_delta_pkg *p)
{
    p->kind = p->raw[0];
    p->left = tdm_get_le32(p->raw + 4);
    if ((p->kind != TDM_DELTA_ENTRY_WHOLE && p->kind != TDM_DELTA_ENTRY_PATCH) || p->raw[1] != 0 ||
        tdm_get_le16(p->raw + 2) != 0) {
        return TDM_E_DELTA_CORRUPT;
    }
    if (p->kind == TDM_DELTA_ENTRY_WHOLE) {
        p->state = PS_WHOLE;
        return 0;
    }
    struct tdm_delta_config dc = {p->cfg.read, p->cfg.read_ctx, patch_out, p, p->cfg.base_len,
                                  p->hdr.full_len - p->out};
    p->state = PS_PATCH;
    return tdm_delta_init(&p->dec, &dc);
}

/* After the prefix or an entry: the next entry, or the end. */
static int next(struct tdm_delta_pkg *p)
{
    if (p->state != PS_PREFIX) {
        p->comp++;
    }
    p->have = 0;
    p->state = p->comp == p->hdr.count ? PS_DONE : PS_ENTRY;
    if (p->state == PS_DONE && p->out != p->hdr.full_len) {
        return TDM_E_DELTA_CORRUPT;
    }
    return 0;
}

static int step(struct tdm_delta_pkg *p, const uint8_t **data, uint32_t *len)
{
    uint32_t n;
    int err = 0;
    switch (p->state) {
    case PS_HDR:
        return collect(p, data, len, TDM_DELTA_PKG_HDR_LEN) ? on_header(p) : 0;
    case PS_ENTRY:
        return collect(p, data, len, TDM_DELTA_PKG_ENTRY_LEN) ? on_entry(p) : 0;
    case PS_PREFIX:
    case PS_WHOLE:
    case PS_PATCH:
        n = p->left < *len ? p->left : *len;
        err = p->state == PS_PATCH ? tdm_delta_feed(&p->dec, *data, n) : emit(p, *data, n);
        *data += n;
        *len -= n;
        p->left -= n;
        if (err == 0 && p->left == 0 && p->state == PS_PATCH) {
            err = tdm_delta_finish(&p->dec);
        }
        return err == 0 && p->left == 0 ? next(p) : err;
    default:
        return TDM_E_DELTA_TRAILING;
    }
}

int tdm_delta_pkg_feed(struct tdm_delta_pkg *p, const uint8_t *data, uint32_t len)
{
    if (p == NULL || (data == NULL && len != 0)) {
        return TDM_E_INVAL;
    }
    int err = p->err;
    p->in += len;
    while (err == 0 && (len > 0 || (p->state != PS_HDR && p->state != PS_ENTRY && p->state != PS_DONE &&
                                    p->left == 0))) {
        err = step(p, &data, &len);
    }
    p->err = err;
    return err;
}

int tdm_delta_pkg_finish(struct tdm_delta_pkg *p)
{
    if (p == NULL) {
        return TDM_E_INVAL;
    }
    if (p->err == 0 && p->state != PS_DONE) {
        p->err = TDM_E_DELTA_TRUNCATED;
    }
    return p->err;
}

const struct tdm_delta_pkg_header *tdm_delta_pkg_header(const struct tdm_delta_pkg *p)
{
    return p->state == PS_HDR ? NULL : &p->hdr;
}
