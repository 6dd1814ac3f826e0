/* The NAND driver layer: a checked, geometry-aware handle over the NAND port.
 *
 * Owns: validating the geometry once at init, address arithmetic (rows, blocks), factory bad-block
 * scanning, marking grown bad blocks in OOB. Never: retries or relocation policy (store/ decides), a
 * global chip (each struct tdm_nand is one chip), allocation.
 *
 * RAM: sizeof(struct tdm_nand) = 72 bytes on a 32-bit core; no buffers (callers own page buffers).
 * Contract of every call is the port's (include/tandem/nand_port.h) plus range checks: a row or block
 * outside the chip is TDM_E_RANGE before the port is called.
 */
#ifndef TANDEM_NAND_H
#define TANDEM_NAND_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/nand_port.h"

#define TDM_NAND_MAX_PAGE 4096 /* largest page data size this layer accepts */
#define TDM_NAND_MAX_OOB 256   /* largest spare area */

struct tdm_nand {
    struct tdm_nand_ops ops;
    struct tdm_nand_geometry geo;
    uint32_t ppb_shift; /* log2(pages_per_block) */
};
#define TDM_NAND_RAM 112 /* sizeof bound, 32- or 64-bit (72 B on the Cortex-M33) */
_Static_assert(sizeof(struct tdm_nand) <= TDM_NAND_RAM, "struct tdm_nand grew past its RAM bound");

/* Read the geometry through the port and check it: power-of-two page and ppb, sizes within the maxima,
 * nop >= 1. Returns 0, TDM_E_NAND_GEOMETRY, or the port's error (TDM_E_IO: no chip). */
int tdm_nand_init(struct tdm_nand *nand, const struct tdm_nand_ops *ops);

static inline uint32_t tdm_nand_row(const struct tdm_nand *nand, uint32_t block, uint32_t page)
{
    return (block << nand->ppb_shift) | page;
}

/* Port calls with range checks. Returns as the port: read >= 0 = corrected bits. */
int tdm_nand_read(const struct tdm_nand *nand, uint32_t row, uint32_t col, void *buf, uint32_t len);
int tdm_nand_program(const struct tdm_nand *nand, uint32_t row, uint32_t col, const void *buf, uint32_t len);
int tdm_nand_erase(const struct tdm_nand *nand, uint32_t block);

/* Program a whole page: data (page_size bytes) and, when oob != NULL, oob_len bytes of the tag area
 * starting at tag byte `oob_off`, in two programs. The second program may only touch tag bytes the ECC
 * does not cover (oob_off >= tag_ecc), else TDM_E_INVAL: it would over-program a codeword. TDM_E_RANGE
 * past the tag area (the spare area when the port has no tag area). */
int tdm_nand_program_page(const struct tdm_nand *nand, uint32_t row, const void *data, const void *oob,
                          uint32_t oob_off, uint32_t oob_len);

/* Factory bad-block mark of `block`: true when the first spare byte of its first page is not 0xFF.
 * Must be asked before the block is ever erased (an erase destroys the mark). Returns 1 bad, 0 good,
 * negative error (an uncorrectable read of the mark counts as bad: returns 1). */
int tdm_nand_is_factory_bad(const struct tdm_nand *nand, uint32_t block);

/* Scan blocks [first, first + count) for factory marks; sets bit (b - first) of `bitmap` (caller-owned,
 * (count + 7) / 8 bytes, cleared here) for each bad block. Returns the number of bad blocks or an error. */
int tdm_nand_scan(const struct tdm_nand *nand, uint32_t first, uint32_t count, uint8_t *bitmap);

/* Best effort to mark a grown bad block in OOB for other readers: erase it (the result is ignored, it
 * is failing anyway), then program 0x00 into the first spare byte of its first page. Returns 0 or an
 * access failure (tdm_err_is_access: the port lost the part); program and erase failures are not errors
 * here. The caller's bad-block table, not this mark, is the record tandem trusts. */
int tdm_nand_mark_bad(const struct tdm_nand *nand, uint32_t block);

#endif
