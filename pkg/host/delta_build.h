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

/* Apply a patch in memory through the device decoder, fed in chunks of `chunk` bytes (0 = all at once).
 * *out (malloc'd, the header's output length) on success. Returns 0 or the decoder's error. */
int tdm_delta_apply_buf(const uint8_t *base, size_t base_len, const uint8_t *patch, size_t patch_len,
                        size_t chunk, uint8_t **out, size_t *out_len);

#endif
