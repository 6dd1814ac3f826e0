/* The NAND port of the application core: the W25N01GV on SPIM/QSPI, as a stub for the board to fill in.
 *
 * Owns: the contract a board's SPI NAND driver implements (include/tandem/nand_port.h; budgets in
 * cmake/stack_budgets.txt). Never: pretends a chip is there: every call answers TDM_E_IO ("the chip does
 * not answer"), which the bootloader treats as a missing NAND: it boots the installed set unchanged
 * (architecture invariant 6), so the image is safe to flash before the driver exists.
 */
#include "board_app.h"
#include "tandem/err.h"

static int nand_geometry(void *ctx, struct tdm_nand_geometry *geo)
{
    (void)ctx;
    (void)geo;
    return TDM_E_IO;
}

static int nand_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    (void)ctx;
    (void)row;
    (void)col;
    (void)buf;
    (void)len;
    return TDM_E_IO;
}

static int nand_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    (void)ctx;
    (void)row;
    (void)col;
    (void)buf;
    (void)len;
    return TDM_E_IO;
}

static int nand_erase(void *ctx, uint32_t block)
{
    (void)ctx;
    (void)block;
    return TDM_E_IO;
}

struct tdm_nand_ops tdm_board_nand_ops(void)
{
    struct tdm_nand_ops ops = {.ctx = 0, .geometry = nand_geometry, .read = nand_read, .program = nand_program,
                               .erase = nand_erase};
    return ops;
}
