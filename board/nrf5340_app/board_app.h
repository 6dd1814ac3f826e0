/* The application core's board ports (board/nrf5340_app/): the SPI transfer port on SPIM4 under the
 * SPI-NAND driver, the UICR OTP word port under the security counter and the key table, the network
 * core's release and the bootloader's own write protection. Owns: their declarations and the addresses
 * they use (PS v1.3 memory map and pin assignments). Never: state (each image's main.c owns it). */
#ifndef TANDEM_BOARD_APP_H
#define TANDEM_BOARD_APP_H

#include "board.h"
#include "tandem/otp_port.h"
#include "tandem/reset_port.h"
#include "tandem/spi_port.h"

#define TDM_NRF_APP_RAM 0x20000000u      /* application core data RAM: EasyDMA's reach (PS "EasyDMA") */
#define TDM_NRF_APP_RAM_SIZE 0x80000u    /* 512 KB */
#define TDM_NRF_APP_SPIM4_S 0x5000A000u  /* SPIM4, Secure alias (peripheral ID 10) */
#define TDM_NRF_APP_P0_S 0x50842500u     /* GPIO P0, Secure alias */
#define TDM_NRF_APP_CLOCK_S 0x50005000u  /* CLOCK / POWER / RESET block, Secure alias */
#define TDM_NRF_APP_SPU 0x50003000u      /* SPU (Secure only) */
#define TDM_SPIM4_PIN_SCK 8u             /* SPIM4 high-speed dedicated pins, port 0 (PS "Pin assignments") */
#define TDM_SPIM4_PIN_MOSI 9u
#define TDM_SPIM4_PIN_MISO 10u
#define TDM_SPIM4_PIN_CSN 11u            /* driven as a GPIO: one select spans several DMA phases */
#define TDM_SPIM4_HZ 32000000u

/* SPI transfer port on SPIM4 (spim4.c). RAM: this struct (the bounce buffer copies transmit data that is
 * not in data RAM, e.g. a constant in flash, 32 bytes at a time). */
struct tdm_board_spim4 {
    uint32_t regs, gpio; /* SPIM4 and GPIO P0 bases (a host test passes its fake's) */
    uint32_t selected;
    uint8_t bounce[32];
};
/* Set the core clock to 128 MHz, configure the pins and SPIM4 (32 MHz, mode 0, MSB first), enable it. */
void tdm_board_spim4_init(struct tdm_board_spim4 *s, uint32_t regs, uint32_t gpio, uint32_t clock);
struct tdm_spi_ops tdm_board_spim4_ops(struct tdm_board_spim4 *s);

/* reset_clock.c: the reset-reason port over RESET.RESETREAS (read the fields, clear by writing 1s), and the
 * CPU clock port's set_mhz over CLOCK.HFCLKCTRL (64 or 128 MHz; returns the clock before, 0 for another
 * value, which changes nothing). */
struct tdm_reset_ops tdm_board_reset_ops(void);
uint32_t tdm_board_set_core_mhz(void *ctx, uint32_t mhz);

/* UICR.OTP words through the application core's NVMC (counter_otp.c); ops.ctx = nvmc. */
struct tdm_otp_ops tdm_board_otp_ops(struct tdm_board_nvmc *nvmc);

/* netcore.c: open the shared window's SPU RAM regions to the network core, then release it from
 * FORCEOFF with the errata-161 sequence where the FICR says the part needs it. */
void tdm_board_net_release(uint32_t window_addr, uint32_t window_size);
/* protect.c: make the bootloader's flash regions read + execute only, locked until the next reset (SPU
 * FLASHREGION[n].PERM). `size` is rounded up to whole 16 KB regions. */
void tdm_board_protect_app_flash(uint32_t addr, uint32_t size);

#endif
