/* Host-only delta patches (format: docs/DELTA.md): the encoder that turns (base, new) into a patch, and
 * in-memory helpers around the device decoder (include/tandem/delta.h). Library `tdm_pkg_build`.
 *
 * Owns: finding the instructions (delta_match.c) and coding them (delta_encode.c). Never: device code,
 * a second decoder (applying goes through delta/decode.c).
 * Memory: returned buffers are malloc'd; the caller frees them. The matcher uses about 6 bytes per base
 * byte plus a 1 MiB hash table.
 */
#ifndef TANDEM_PKG_HOST_DELTA_BUILD_H
#define TANDEM_PKG_HOST_DELTA_BUILD_H

#include <stddef.h>
#include <stdint.h>

/* One instruction: seek the base cursor, add `add` diff bytes over the base, then `extra` new bytes. */
struct tdm_delta_op {
    uint32_t add;
    int64_t seek;   /* applied before the add: base cursor += seek */
    uint32_t extra;
};

/* The instruction list for new against base (malloc'd *ops, *nops entries). 0 or TDM_E_INVAL. */
int tdm_delta_match(const uint8_t *base, size_t base_len, const uint8_t *nw, size_t new_len,
                    struct tdm_delta_op **ops, size_t *nops);

/* A whole patch: header + range-coded body. Returns 0, TDM_E_INVAL (inputs over 4 GiB). */
int tdm_delta_encode(const uint8_t *base, size_t base_len, const uint8_t *nw, size_t new_len, uint8_t **patch,
                     size_t *patch_len);

/* In-memory base and output for the decoder's callbacks (tdm_delta_mem_read / tdm_delta_mem_write take
 * a struct tdm_delta_mem * as ctx; a write past out_len is TDM_E_RANGE). */
struct tdm_delta_mem {
    const uint8_t *base;
    uint8_t *out;
    size_t out_len, out_pos;
};
int tdm_delta_mem_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len);
int tdm_delta_mem_write(void *ctx, const uint8_t *buf, uint32_t len);

/* Apply a patch in memory through the device decoder, fed in chunks of `chunk` bytes (0 = all at once).
 * *out (malloc'd, the header's output length) on success. Returns 0 or the decoder's error. */
int tdm_delta_apply_buf(const uint8_t *base, size_t base_len, const uint8_t *patch, size_t patch_len,
                        size_t chunk, uint8_t **out, size_t *out_len);

/* ---- delta packages (docs/DELTA.md "Delta package") ---- */

/* What a delta package holds (tdm_delta_pkg_build fills it, tdm_delta_pkg_info reads it back). */
struct tdm_delta_pkg_info {
    uint32_t full_len, base_len, prefix_len;
    uint8_t base_sha[32];
    unsigned count;
    uint8_t kind[4];       /* TDM_DELTA_ENTRY_WHOLE / PATCH */
    uint32_t entry_len[4]; /* bytes carried for the component */
    uint32_t comp_len[4];  /* bytes of the component in the full package */
};

/* A delta package that rebuilds `full` (a tandem package) from `base` (the installed package): the prefix
 * verbatim, per component the smaller of a patch and the bytes whole. Returns 0, TDM_E_PKG_* (full is not
 * a well-formed package), TDM_E_INVAL. *out is malloc'd. The caller keeps the full package when the
 * delta is not smaller (info->... tells; tdm_delta_pkg_build never checks signatures). */
int tdm_delta_pkg_build(const uint8_t *base, size_t base_len, const uint8_t *full, size_t full_len, uint8_t **out,
                        size_t *out_len, struct tdm_delta_pkg_info *info);
/* Read a delta package's header and entries (no base needed). 0 or TDM_E_DELTA_*. */
int tdm_delta_pkg_info(const uint8_t *d, size_t len, struct tdm_delta_pkg_info *info);
/* Rebuild the full package through the device reader (delta/package.c), fed in `chunk`-byte pieces
 * (0 = at once). *out malloc'd. Returns 0 or the reader's error (TDM_E_DELTA_BASE for another base). */
int tdm_delta_pkg_apply(const uint8_t *base, size_t base_len, const uint8_t *d, size_t len, size_t chunk,
                        uint8_t **out, size_t *out_len);

#endif
