/* The NAND driver layer's checked port calls and geometry validation (include/tandem/nand.h).
 * Owns: range checks and address arithmetic. Never: retries, relocation or any policy. */
#include "tandem/err.h"
#include "tandem/nand.h"

static int is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

int tdm_nand_init(struct tdm_nand *nand, const struct tdm_nand_ops *ops)
{
    if (!nand || !ops || !ops->geometry || !ops->read || !ops->program || !ops->erase) {
        return TDM_E_INVAL;
    }
    nand->ops = *ops;
    int err = ops->geometry(ops->ctx, &nand->geo);
    if (err < 0) {
        return err;
    }
    const struct tdm_nand_geometry *g = &nand->geo;
    if (!is_pow2(g->page_size) || g->page_size > TDM_NAND_MAX_PAGE || g->oob_size < 2 ||
        g->oob_size > TDM_NAND_MAX_OOB || !is_pow2(g->pages_per_block) || g->pages_per_block > 256 ||
        g->blocks == 0 || g->nop == 0 || g->ecc_sector == 0 || g->tag_size > g->oob_size || g->tag_ecc > g->tag_size) {
        return TDM_E_NAND_GEOMETRY;
    }
    nand->ppb_shift = 0;
    while ((1u << nand->ppb_shift) < g->pages_per_block) {
        nand->ppb_shift++;
    }
    return 0;
}

static int check_row(const struct tdm_nand *nand, uint32_t row, uint32_t col, uint32_t len)
{
    uint32_t pages = nand->geo.blocks << nand->ppb_shift;
    uint32_t span = nand->geo.page_size + nand->geo.oob_size;
    if (row >= pages || col > span || len > span - col) {
        return TDM_E_RANGE;
    }
    return 0;
}

int tdm_nand_read(const struct tdm_nand *nand, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    int err = check_row(nand, row, col, len);
    if (err < 0) {
        return err;
    }
    return nand->ops.read(nand->ops.ctx, row, col, buf, len);
}

int tdm_nand_program(const struct tdm_nand *nand, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    int err = check_row(nand, row, col, len);
    if (err < 0) {
        return err;
    }
    return nand->ops.program(nand->ops.ctx, row, col, buf, len);
}

int tdm_nand_erase(const struct tdm_nand *nand, uint32_t block)
{
    if (block >= nand->geo.blocks) {
        return TDM_E_RANGE;
    }
    return nand->ops.erase(nand->ops.ctx, block);
}

int tdm_nand_program_page(const struct tdm_nand *nand, uint32_t row, const void *data, const void *oob,
                          uint32_t oob_off, uint32_t oob_len)
{
    uint32_t tag = nand->geo.tag_size ? nand->geo.tag_size : nand->geo.oob_size;
    if (oob && (oob_off > tag || oob_len > tag - oob_off)) {
        return TDM_E_RANGE;
    }
    if (oob && oob_len && oob_off < nand->geo.tag_ecc) {
        return TDM_E_INVAL; /* a second program of ECC-protected bytes would over-program their codeword */
    }
    int err = tdm_nand_program(nand, row, 0, data, nand->geo.page_size);
    if (err < 0 || !oob || oob_len == 0) {
        return err;
    }
    return tdm_nand_program(nand, row, nand->geo.page_size + oob_off, oob, oob_len);
}
