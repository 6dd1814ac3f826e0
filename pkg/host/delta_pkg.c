/* Host side of delta packages (delta_build.h): building one from a base and a full package, reading its
 * entries back, and rebuilding through the device reader. Owns: the writer of the format in docs/DELTA.md
 * "Delta package". Never: a second reader (apply goes through delta/package.c), signing (the full
 * package's signed prefix is carried as it is). */
#include <mbedtls/sha256.h>
#include <stdlib.h>
#include <string.h>

#include "delta_build.h"
#include "tandem/crc32.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/pkg.h"

/* The full package's prefix length and component sizes, from its header and manifest. */
static int layout_of(const uint8_t *full, size_t len, uint32_t *prefix, struct tdm_pkg_manifest *m)
{
    if (len < 16 || memcmp(full, TDM_PKG_MAGIC, 4) != 0) {
        return TDM_E_PKG_MAGIC;
    }
    uint32_t mlen = tdm_get_le32(full + 8);
    if (mlen > TDM_PKG_MANIFEST_MAX || 16u + mlen + 100u > len) {
        return TDM_E_PKG_TRUNCATED;
    }
    int err = tdm_pkg_manifest_decode(full + 16, mlen, m);
    if (err < 0) {
        return err;
    }
    *prefix = 16 + mlen + 100;
    uint64_t total = *prefix;
    for (unsigned i = 0; i < m->count; i++) {
        total += m->comp[i].size;
    }
    return total == len && m->count <= TDM_DELTA_PKG_MAX_COMPONENTS ? 0 : TDM_E_PKG_MALFORMED;
}

struct buf {
    uint8_t *b;
    size_t n, cap;
};

static int put(struct buf *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) {
        size_t cap = (o->n + n) * 2;
        uint8_t *nb = realloc(o->b, cap);
        if (nb == NULL) {
            return TDM_E_INVAL;
        }
        o->b = nb;
        o->cap = cap;
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
    return 0;
}

static int put_entry(struct buf *o, uint8_t kind, const uint8_t *p, size_t n)
{
    uint8_t e[TDM_DELTA_PKG_ENTRY_LEN] = {kind, 0, 0, 0};
    tdm_put_le32(e + 4, (uint32_t)n);
    int err = put(o, e, sizeof e);
    return err < 0 ? err : put(o, p, n);
}

int tdm_delta_pkg_build(const uint8_t *base, size_t base_len, const uint8_t *full, size_t full_len, uint8_t **out,
                        size_t *out_len, struct tdm_delta_pkg_info *info)
{
    struct tdm_pkg_manifest m;
    uint32_t prefix;
    int err = layout_of(full, full_len, &prefix, &m);
    if (err < 0) {
        return err;
    }
    struct buf o = {0};
    uint8_t h[TDM_DELTA_PKG_HDR_LEN] = {0};
    memcpy(h, TDM_DELTA_PKG_MAGIC, 4);
    h[4] = 1;
    tdm_put_le16(h + 6, TDM_DELTA_PKG_HDR_LEN);
    tdm_put_le32(h + 8, (uint32_t)full_len);
    tdm_put_le32(h + 12, (uint32_t)base_len);
    mbedtls_sha256_ret(base, base_len, h + 16, 0);
    tdm_put_le32(h + 48, prefix);
    h[52] = m.count;
    tdm_put_le32(h + 60, tdm_crc32(0, h, 60));
    memset(info, 0, sizeof *info);
    err = put(&o, h, sizeof h);
    err = err < 0 ? err : put(&o, full, prefix);
    size_t off = prefix;
    for (unsigned i = 0; err == 0 && i < m.count; i++) {
        uint32_t size = m.comp[i].size;
        uint8_t *patch = NULL;
        size_t plen = 0;
        err = tdm_delta_encode(base, base_len, full + off, size, &patch, &plen);
        int whole = err < 0 || plen >= size;
        err = whole ? put_entry(&o, TDM_DELTA_ENTRY_WHOLE, full + off, size)
                    : put_entry(&o, TDM_DELTA_ENTRY_PATCH, patch, plen);
        info->kind[i] = whole ? TDM_DELTA_ENTRY_WHOLE : TDM_DELTA_ENTRY_PATCH;
        info->entry_len[i] = whole ? size : (uint32_t)plen;
        info->comp_len[i] = size;
        free(patch);
        off += size;
    }
    if (err < 0) {
        free(o.b);
        return err;
    }
    info->full_len = (uint32_t)full_len;
    info->base_len = (uint32_t)base_len;
    info->prefix_len = prefix;
    memcpy(info->base_sha, h + 16, 32);
    info->count = m.count;
    *out = o.b;
    *out_len = o.n;
    return 0;
}

int tdm_delta_pkg_info(const uint8_t *d, size_t len, struct tdm_delta_pkg_info *info)
{
    struct tdm_delta_pkg_header h;
    int err = tdm_delta_pkg_header_parse(d, (uint32_t)len, &h);
    if (err < 0) {
        return len < TDM_DELTA_PKG_HDR_LEN && tdm_delta_pkg_is(d, (uint32_t)len) ? TDM_E_DELTA_TRUNCATED : err;
    }
    memset(info, 0, sizeof *info);
    info->full_len = h.full_len;
    info->base_len = h.base_len;
    info->prefix_len = h.prefix_len;
    memcpy(info->base_sha, h.base_sha, 32);
    info->count = h.count;
    size_t off = TDM_DELTA_PKG_HDR_LEN + (size_t)h.prefix_len;
    for (unsigned i = 0; i < h.count; i++) {
        if (off + TDM_DELTA_PKG_ENTRY_LEN > len) {
            return TDM_E_DELTA_TRUNCATED;
        }
        info->kind[i] = d[off];
        info->entry_len[i] = tdm_get_le32(d + off + 4);
        off += TDM_DELTA_PKG_ENTRY_LEN;
        if (info->entry_len[i] > len - off) {
            return TDM_E_DELTA_TRUNCATED;
        }
        struct tdm_delta_header ph;
        info->comp_len[i] = info->kind[i] == TDM_DELTA_ENTRY_WHOLE ? info->entry_len[i]
                            : tdm_delta_header_parse(d + off, info->entry_len[i], &ph) == 0 ? ph.out_len
                                                                                            : 0;
        off += info->entry_len[i];
    }
    return off == len ? 0 : TDM_E_DELTA_TRAILING;
}

int tdm_delta_pkg_apply(const uint8_t *base, size_t base_len, const uint8_t *d, size_t len, size_t chunk,
                        uint8_t **out, size_t *out_len)
{
    struct tdm_delta_pkg_header h;
    int err = tdm_delta_pkg_header_parse(d, (uint32_t)len, &h);
    if (err < 0) {
        return len < TDM_DELTA_PKG_HDR_LEN && tdm_delta_pkg_is(d, (uint32_t)len) ? TDM_E_DELTA_TRUNCATED : err;
    }
    struct tdm_delta_mem io = {base, malloc(h.full_len ? h.full_len : 1), h.full_len, 0};
    struct tdm_delta_pkg *p = malloc(sizeof *p);
    struct tdm_delta_pkg_config cfg = {tdm_delta_mem_read, &io, tdm_delta_mem_write, &io, (uint32_t)base_len, {0}, 0};
    mbedtls_sha256_ret(base, base_len, cfg.base_sha, 0);
    err = (io.out == NULL || p == NULL) ? TDM_E_INVAL : tdm_delta_pkg_init(p, &cfg);
    size_t step = chunk ? chunk : len;
    for (size_t off = 0; err == 0 && off < len; off += step) {
        err = tdm_delta_pkg_feed(p, d + off, (uint32_t)(len - off < step ? len - off : step));
    }
    err = err < 0 ? err : tdm_delta_pkg_finish(p);
    free(p);
    if (err < 0) {
        free(io.out);
        return err;
    }
    *out = io.out;
    *out_len = io.out_len;
    return 0;
}
