/* Host stand-in for board/common/mmio.h: the board drivers compiled for a host test reach their registers
 * through these functions, which the register-level fake (tests/board/nrf_fake.c) implements.
 * Owns: the declarations only. */
#ifndef TANDEM_BOARD_MMIO_H
#define TANDEM_BOARD_MMIO_H

#include <stdint.h>

#include "board.h"

uint32_t tdm_mmio_read(uint32_t addr);
void tdm_mmio_write(uint32_t addr, uint32_t value);
uint32_t tdm_mmio_dma_addr(const void *p, uint32_t len);
void tdm_mmio_delay_us(uint32_t us);

#endif
