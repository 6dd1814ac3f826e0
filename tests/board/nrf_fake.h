/* A register-level fake of the nRF5340 peripherals the board drivers touch, for host tests: SPIM4 with
 * EasyDMA in front of a simulated SPI-NAND chip (its SPI port: sim/spinand_sim.h), GPIO P0 (the CSN pin),
 * FICR, SPU, ACL as plain registers with a log of every write; RESET.RESETREAS cleared by writing 1s.
 *
 * Owns: the modelled behaviour, from the PS v1.3 SPIM and EasyDMA chapters: TASKS_START runs one transfer
 * of TXD.MAXCNT bytes out and RXD.MAXCNT bytes in, sets TXD/RXD.AMOUNT and EVENTS_END; TASKS_STOP sets
 * EVENTS_STOPPED; a DMA pointer outside data RAM (0x20000000-0x2007FFFF) is a HardFault on silicon: the
 * fake counts it and transfers nothing; 32 MHz is counted as a violation unless the pins are the dedicated
 * ones with high drive and the core clock is 128 MHz; the chip is selected while P0.11 is low.
 * Never: forgives a rule (each one is counted in `violations`, with its name in `last_violation`).
 * Host-only test code.
 */
#ifndef TANDEM_TESTS_BOARD_NRF_FAKE_H
#define TANDEM_TESTS_BOARD_NRF_FAKE_H

#include <stdint.h>

#include "tandem/spi_port.h"

#define FAKE_LOG 4096
#define FAKE_DELAY_MARK 0xDE1A0000u /* log entry of a tdm_mmio_delay_us call: value = microseconds */

struct fake_write {
    uint32_t addr, value;
};

struct nrf_fake {
    struct tdm_spi_ops chip;     /* the device on the SPIM4 bus (a simulated SPI-NAND chip) */
    int chip_selected;
    int hang;                    /* 1: TASKS_START never produces EVENTS_END (a stuck transfer) */
    uint64_t starts, stops, violations;
    const char *last_violation;
    uint32_t max_maxcnt;         /* largest TXD/RXD.MAXCNT a transfer used */
    uint8_t mosi[80000];         /* every byte clocked out, in order (wraps) */
    uint32_t mosi_n;
    struct fake_write log[FAKE_LOG];
    uint32_t log_n;
};

/* Reset every register to its PS reset value (FICR: an affected nRF5340 part), attach `chip`. */
void nrf_fake_init(struct nrf_fake *f, struct tdm_spi_ops chip);
/* Register value as the fake holds it. */
uint32_t nrf_fake_reg(uint32_t addr);
void nrf_fake_set_reg(uint32_t addr, uint32_t value);
/* Make [p, p + len) look like flash to EasyDMA (its bus address is in the flash range). */
void nrf_fake_in_flash(const void *p, uint32_t len);
/* Index of the first log entry at or after `from` writing `addr` (and `value`, unless value is ~0u), or -1. */
int nrf_fake_find(const struct nrf_fake *f, uint32_t from, uint32_t addr, uint32_t value);

#endif
