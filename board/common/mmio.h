/* Register and EasyDMA access of the board port's peripheral drivers (SPIM4, RESET, SPU, ACL): the one seam
 * between their register sequences and the silicon.
 *
 * Owns: three accessors. On the target they are plain volatile accesses at the PS addresses. A host test
 * puts its own mmio.h first on the include path (tests/board/fake/mmio.h) and links a register-level fake
 * that models the peripherals' documented behaviour, so the same driver source runs against it.
 * Never: logic (a driver's decisions live in the driver), an #ifdef.
 */
#ifndef TANDEM_BOARD_MMIO_H
#define TANDEM_BOARD_MMIO_H

#include <stdint.h>

#include "board.h"

static inline uint32_t tdm_mmio_read(uint32_t addr)
{
    return *tdm_board_reg(addr);
}

static inline void tdm_mmio_write(uint32_t addr, uint32_t value)
{
    *tdm_board_reg(addr) = value;
}

/* The bus address EasyDMA is given for `p` (on the target: the pointer itself, 32-bit address space). */
static inline uint32_t tdm_mmio_dma_addr(const void *p, uint32_t len)
{
    (void)len;
    return (uint32_t)(uintptr_t)p;
}

/* Busy-wait at least `us` microseconds (a few cycles per iteration at up to 128 MHz: never shorter). */
static inline void tdm_mmio_delay_us(uint32_t us)
{
    for (volatile uint32_t n = us * 128u; n > 0; n--) {
    }
}

#endif
