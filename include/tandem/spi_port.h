/* The SPI transfer port: the few bus primitives an SPI-NAND driver needs (nand/spinand.c), implemented by
 * a board's SPI master (nRF5340 SPIM4, or QSPI in custom-instruction mode) or by the command-level chip
 * model of the simulator (sim/spinand_sim.h).
 *
 * Owns: the contract of one transaction on the bus. Never: knows any chip command (opcodes, registers
 * and timing rules live in the driver's part table and in the chip), holds globals (state is behind ctx).
 *
 * A transaction is select, then any sequence of write and read phases, then deselect. Phases are
 * half-duplex: during a read the master's output is don't-care. `lines` is the number of data lines of a
 * phase (1 single, 2 dual, 4 quad); the opcode is always sent on one line. The chip acts on commands that
 * take effect at chip-select high (page read, program execute, erase, set feature) at deselect.
 */
#ifndef TANDEM_SPI_PORT_H
#define TANDEM_SPI_PORT_H

#include <stdint.h>

struct tdm_spi_ops {
    void *ctx; /* passed as the first argument of every call */

    /* Chip select low: a transaction starts. Returns 0; TDM_E_STATE if already selected; TDM_E_POWER
     * when the chip has no power; TDM_E_IO on a bus fault. */
    int (*select)(void *ctx);
    /* Clock `len` bytes of `buf` out on `lines` lines (1 <= lines <= max_lines). Returns 0 or
     * TDM_E_INVAL (lines not supported), TDM_E_STATE (not selected), TDM_E_POWER, TDM_E_IO. */
    int (*write)(void *ctx, const void *buf, uint32_t len, uint32_t lines);
    /* Clock `len` bytes in on `lines` lines into `buf` (caller-owned). Returns as write. */
    int (*read)(void *ctx, void *buf, uint32_t len, uint32_t lines);
    /* Chip select high: the transaction ends. Returns 0, TDM_E_STATE (not selected), or TDM_E_POWER when
     * power failed during the transaction or the operation it started (the chip state is then unknown). */
    int (*deselect)(void *ctx);

    uint32_t hz;        /* the bus clock, for the driver's timing (poll budget without a clock port) */
    uint32_t max_lines; /* widest data phase the master can drive: 1, 2 or 4 (quad is optional) */
};

#endif
