/* The internal-flash port: the one interface to an MCU's own flash (NVMC-style, memory-mapped, word
 * writes, page erase). The bootloader uses it for both internal flashes of the nRF5340: the application
 * core writes application flash directly; the network core's net-boot stage writes network flash.
 *
 * Owns: the contract of each flash operation. Never: policy (what goes where is the layout's and the
 * bootloader's business), globals (all state is behind `ctx`, so several flashes and devices can live in
 * one process).
 *
 * Addresses are absolute, as the owning core sees them: geo.base <= addr < geo.base + geo.size
 * (0x00000000 for the app core's flash, 0x01000000 for the net core's flash).
 *
 * The rules of the hardware (nRF5340 PS, NVMC), which every implementation enforces or relies on:
 *  - writes are whole 32-bit words at word-aligned addresses (a hard fault on silicon);
 *  - a write can only turn bits from 1 to 0 (erased = 0xFFFFFFFF); a bit goes back to 1 only by erasing
 *    its whole page;
 *  - one word may be written at most nWRITE (`max_writes`, 2) times between two erases of its page;
 *    every word in a write's range counts, including words written with 0xFFFFFFFF;
 *  - erase works on whole pages; each page survives a limited number of erases (`endurance`).
 * The simulator refuses a violation with TDM_E_BOOT_FLASH_RULE and leaves the flash unchanged.
 * Tandem's bootloader writes each word once after an erase; the nWRITE allowance is not used.
 *
 * Power loss. A write or an erase is durable only when its call has returned 0. A call interrupted by a
 * power cut may leave its range in any intermediate state: a write has written some words in full, one
 * word partly (a subset of its 1->0 bits) and the rest not at all; an erase leaves its page partly erased,
 * partly holding random bits. The code that called stops there (a simulated port outside any unwind
 * point returns TDM_E_POWER); after power-on the range is unknown and is erased again before it is
 * trusted. Reads never change the flash.
 *
 * Cost (worst case, datasheet): a write costs tWRITE per word (43 us), an erase tERASEPAGE (87.5 ms); the
 * CPU of the writing core is stalled meanwhile. Reads are memory-mapped (about one word per CPU cycle).
 */
#ifndef TANDEM_FLASH_PORT_H
#define TANDEM_FLASH_PORT_H

#include <stdint.h>

struct tdm_flash_geometry {
    uint32_t base;       /* address of the first byte as the owning core sees it */
    uint32_t size;       /* bytes, a multiple of page_size */
    uint32_t page_size;  /* erase unit in bytes, a power of two (4096 app core, 2048 net core) */
    uint32_t write_unit; /* bytes per write: 4 (one 32-bit word, word-aligned) */
    uint32_t max_writes; /* nWRITE: writes of one word between two erases of its page (2) */
    uint32_t endurance;  /* erase cycles per page the datasheet guarantees (10 000) */
};

struct tdm_flash_ops {
    void *ctx; /* passed as the first argument of every call */

    /* Fill *geo. Cannot fail on a working flash. Returns 0. */
    int (*geometry)(void *ctx, struct tdm_flash_geometry *geo);

    /* Copy `len` bytes at `addr` into `buf` (caller-owned, >= len bytes). Any alignment.
     * Returns 0; TDM_E_RANGE when [addr, addr + len) is not inside the flash; TDM_E_POWER after a cut. */
    int (*read)(void *ctx, uint32_t addr, void *buf, uint32_t len);

    /* Write `len` bytes from `buf` at `addr`, word by word, in ascending order.
     * Preconditions: addr and len multiples of write_unit; every word only clears bits (no 0 -> 1);
     * every word written fewer than max_writes times since its page was erased.
     * Durable when 0 is returned. Costs tWRITE per word.
     * Returns 0; TDM_E_BOOT_FLASH_RULE (nothing written) for a broken precondition; TDM_E_RANGE;
     * TDM_E_POWER when power was cut before or during the write (see Power loss above). */
    int (*write)(void *ctx, uint32_t addr, const void *buf, uint32_t len);

    /* Erase the page that starts at `addr` (every byte to 0xFF, write counts of its words to 0).
     * Durable when 0 is returned. Costs tERASEPAGE.
     * Returns 0; TDM_E_BOOT_FLASH_RULE when addr is not the start of a page; TDM_E_RANGE; TDM_E_POWER. */
    int (*erase)(void *ctx, uint32_t addr);
};

#endif
