/* Factory bad-block marks: scanning them and writing one for a grown bad block (include/tandem/nand.h).
 * Owns: asking the port for the mark (its is_marked_bad / mark_bad; on a port without them, the first
 * spare column of the first page of a block). Never: erases a block
 * while scanning (an erase destroys the factory mark). */
#include "tandem/err.h"
#include "tandem/nand.h"

int tdm_nand_is_factory_bad(const struct tdm_nand *nand, uint32_t block)
{
    if (block >= nand->geo.blocks) {
        return TDM_E_RANGE;
    }
    if (nand->ops.is_marked_bad) {
        int r = nand->ops.is_marked_bad(nand->ops.ctx, block);
        return r == TDM_E_NAND_ECC ? 1 : r;
    }
    uint8_t mark = 0;
    int err = tdm_nand_read(nand, tdm_nand_row(nand, block, 0), nand->geo.page_size, &mark, 1);
    if (err == TDM_E_NAND_ECC) {
        return 1;
    }
    if (err < 0) {
        return err;
    }
    return mark != 0xFF;
}

int tdm_nand_scan(const struct tdm_nand *nand, uint32_t first, uint32_t count, uint8_t *bitmap)
{
    if (first > nand->geo.blocks || count > nand->geo.blocks - first) {
        return TDM_E_RANGE;
    }
    for (uint32_t i = 0; i < (count + 7) / 8; i++) {
        bitmap[i] = 0;
    }
    int bad = 0;
    for (uint32_t i = 0; i < count; i++) {
        int r = tdm_nand_is_factory_bad(nand, first + i);
        if (r < 0) {
            return r;
        }
        if (r) {
            bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
            bad++;
        }
    }
    return bad;
}

int tdm_nand_mark_bad(const struct tdm_nand *nand, uint32_t block)
{
    int err = tdm_nand_erase(nand, block);
    if (tdm_err_is_access(err)) {
        return err;
    }
    const uint8_t zero = 0x00;
    if (nand->ops.mark_bad) {
        err = nand->ops.mark_bad(nand->ops.ctx, block);
    } else {
        err = tdm_nand_program(nand, tdm_nand_row(nand, block, 0), nand->geo.page_size, &zero, 1);
    }
    return tdm_err_is_access(err) ? err : 0;
}
