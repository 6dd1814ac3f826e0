/* The nRF5340 board port's pieces shared by both cores' images: start-up, internal flash over the NVMC,
 * the IPC signals and shared window, a cycle-counter clock, and the crypto port (software SHA-256).
 *
 * Owns: the declarations of the board port and the register addresses it touches (nRF5340 Product
 * Specification v1.3; Armv8-M Architecture Reference Manual for the core's own registers). Never: policy
 * (the bootloader and the net-boot stage decide), heap, stdio, globals outside an image's main.c.
 *
 * Thin by design: each function here is the least a board needs to run the device layers; the peripheral
 * drivers with register sequences worth testing off silicon reach the registers through mmio.h.
 */
#ifndef TANDEM_BOARD_H
#define TANDEM_BOARD_H

#include <stdint.h>

#include "tandem/clock_port.h"
#include "tandem/crypto_port.h"
#include "tandem/flash_port.h"
#include "tandem/ipc_port.h"

/* nRF5340 peripheral bases (PS v1.3, memory map; the bootloader runs Secure, the net core has no TrustZone). */
#define TDM_NRF_APP_NVMC_S 0x50039000u /* application core NVMC, Secure alias */
#define TDM_NRF_APP_IPC_S 0x5002A000u  /* application core IPC, Secure alias */
#define TDM_NRF_NET_NVMC 0x41080000u   /* network core NVMC */
#define TDM_NRF_NET_IPC 0x41012000u    /* network core IPC */

/* The only casts from an address to a pointer in the board port: registers and memory-mapped memory
 * (flash, the shared window) are at addresses the PS gives. clang-tidy's performance-no-int-to-ptr is
 * silenced here, and only here, for that reason. */
static inline volatile uint32_t *tdm_board_reg(uint32_t addr)
{
    return (volatile uint32_t *)(uintptr_t)addr; /* NOLINT(performance-no-int-to-ptr): MMIO address */
}
static inline uint8_t *tdm_board_mem(uint32_t addr)
{
    return (uint8_t *)(uintptr_t)addr; /* NOLINT(performance-no-int-to-ptr): memory-mapped memory */
}

/* WFI / WFE, each followed by the eight NOPs of nRF5340 errata anomaly 168 (the core may execute wrong
 * instructions right after waking from WFI/WFE; the workaround, as Zephyr's nRF53 SoC code applies it, is
 * 8 NOPs for code running from flash, 26 from RAM: the images run from flash). Every sleep of the images
 * goes through these two (tests/board/image_rules.sh checks the disassembly). */
static inline void tdm_board_wfi(void)
{
    __asm__ volatile("wfi\n .rept 8\n nop\n .endr" ::: "memory");
}
static inline void tdm_board_wfe(void)
{
    __asm__ volatile("wfe\n .rept 8\n nop\n .endr" ::: "memory");
}

/* Start-up (board/common/start.c): the reset handler tdm_board_reset (linker-script entry) copies .data,
 * zeroes .bss, sets MSPLIM and calls the image's tdm_board_main, which never returns. */
void tdm_board_reset(void);
void tdm_board_main(void);
/* Request a system reset (SCB AIRCR.SYSRESETREQ). Never returns. */
void tdm_board_system_reset(void) __attribute__((noreturn));
/* Start the image whose vector table is at `vectors` (VTOR, MSP, reset handler). Never returns. */
void tdm_board_start_image(uint32_t vectors) __attribute__((noreturn));

/* Clock port over the DWT cycle counter (Armv8-M DWT.CYCCNT), extended to 64 bits on each read: read it
 * at least once per 2^32 cycles (33 s at 128 MHz; the waits poll it continuously). */
struct tdm_board_clock {
    uint32_t ns_q16; /* nanoseconds per cycle, 16 fraction bits (hz: a whole number of MHz) */
    uint32_t last;   /* CYCCNT at the previous read */
    uint64_t cycles;
};
void tdm_board_clock_init(struct tdm_board_clock *c, uint32_t hz);
uint64_t tdm_board_clock_now(struct tdm_board_clock *c);
struct tdm_clock_ops tdm_board_clock_ops(struct tdm_board_clock *c);

/* Internal flash port over one NVMC (board/common/nvmc.c). Word writes with the READY poll, page erase by
 * writing 0xFFFFFFFF to the page's first word in erase mode (nRF53 NVMC has no ERASEPAGE register). */
struct tdm_board_nvmc {
    uint32_t regs;                 /* NVMC base address */
    struct tdm_flash_geometry geo; /* the flash it programs */
};
struct tdm_flash_ops tdm_board_nvmc_ops(struct tdm_board_nvmc *n);
/* One word write through the NVMC (write mode, the word, READY, read mode), no checks: for UICR, whose
 * rules the caller checks (PS v1.3, NVMC "Writing to UICR": UICR is written the same way as flash). */
void tdm_board_nvmc_write_word(const struct tdm_board_nvmc *n, uint32_t addr, uint32_t word);

/* IPC port (board/common/ipc.c): protocol channel n of this core raises hardware IPC channel
 * `send_base + n` and listens to `recv_base + n` (the app core sends on 0..7 and receives on 8..15, the
 * net core the other way round), so 8 channels per direction; channels >= 8 are TDM_E_RANGE. */
#define TDM_BOARD_IPC_CHANNELS 8
struct tdm_board_ipc {
    uint32_t regs;                /* IPC peripheral base */
    uint32_t send_base, recv_base; /* 0 or 8 */
    struct tdm_board_clock *clock; /* for wait()'s timeout */
};
/* raise and take; wait is left NULL (the net-boot stage only polls): a core that waits sets
 * ops.wait = tdm_board_ipc_wait, which needs p->clock. */
struct tdm_ipc_ops tdm_board_ipc_ops(struct tdm_board_ipc *p, uint8_t *window, uint32_t window_size);
int tdm_board_ipc_wait(void *ctx, uint32_t mask, uint64_t timeout_ns);

/* Crypto port (board/common/sha256.c, library tdm_port_crypto): SHA-256 in software (FIPS 180-4), ECDSA
 * P-256 verification by the device's own verifier (crypto/p256.c, tdm_p256_verify; include/tandem/p256.h
 * gives its stack and cost). The app core's CryptoCell-312 is not used. */
struct tdm_crypto_ops tdm_board_crypto(void);
/* The same SHA-256 without ECDSA (p256_verify NULL): the net-boot stage, which only hashes, links no P-256. */
struct tdm_crypto_ops tdm_board_sha256(void);

#endif
