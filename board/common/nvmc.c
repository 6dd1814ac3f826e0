/* Internal-flash port over the nRF5340 NVMC (include/tandem/flash_port.h), for either core's flash.
 *
 * Owns: the NVMC register sequence (PS v1.3, NVMC: READY 0x400, CONFIG 0x504 with WEN = 0 read-only,
 * 1 write, 2 erase; a page is erased by writing 0xFFFFFFFF to a word of it in erase mode). Never: writes
 * a word whose bits would go 0 -> 1 (refused before anything is written), leaves the NVMC in write or
 * erase mode on return, reads flash through a C pointer that could be NULL (address 0 is the app flash).
 * Untested on silicon: the register sequence follows the PS; a board bring-up checks it first.
 */
#include <stdint.h>

#include "board.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define NVMC_READY 0x400u
#define NVMC_CONFIG 0x504u
#define NVMC_WEN_READ 0u
#define NVMC_WEN_WRITE 1u
#define NVMC_WEN_ERASE 2u

static volatile uint32_t *reg(const struct tdm_board_nvmc *n, uint32_t off)
{
    return tdm_board_reg(n->regs + off);
}

static volatile uint32_t *word_at(uint32_t addr)
{
    return tdm_board_reg(addr);
}

static void wait_ready(const struct tdm_board_nvmc *n)
{
    while ((*reg(n, NVMC_READY) & 1u) == 0) {
    }
}

static void set_mode(const struct tdm_board_nvmc *n, uint32_t wen)
{
    *reg(n, NVMC_CONFIG) = wen;
    __asm__ volatile("dsb" ::: "memory");
}

static int in_flash(const struct tdm_board_nvmc *n, uint32_t addr, uint32_t len)
{
    return addr >= n->geo.base && len <= n->geo.size && addr - n->geo.base <= n->geo.size - len;
}

static int nvmc_geometry(void *ctx, struct tdm_flash_geometry *geo)
{
    const struct tdm_board_nvmc *n = ctx;
    *geo = n->geo;
    return 0;
}

static int nvmc_read(void *ctx, uint32_t addr, void *buf, uint32_t len)
{
    const struct tdm_board_nvmc *n = ctx;
    if (!in_flash(n, addr, len)) {
        return TDM_E_RANGE;
    }
    uint8_t *out = buf;
    for (uint32_t i = 0; i < len; i++) {
        out[i] = *(const volatile uint8_t *)tdm_board_mem(addr + i);
    }
    return 0;
}

static int nvmc_write(void *ctx, uint32_t addr, const void *buf, uint32_t len)
{
    const struct tdm_board_nvmc *n = ctx;
    const uint8_t *src = buf;
    if (addr % 4 || len % 4) {
        return TDM_E_BOOT_FLASH_RULE;
    }
    if (!in_flash(n, addr, len)) {
        return TDM_E_RANGE;
    }
    for (uint32_t i = 0; i < len; i += 4) { /* a write only clears bits: check all before writing any */
        uint32_t want = tdm_get_le32(src + i);
        if ((*word_at(addr + i) & want) != want) {
            return TDM_E_BOOT_FLASH_RULE;
        }
    }
    set_mode(n, NVMC_WEN_WRITE);
    for (uint32_t i = 0; i < len; i += 4) {
        *word_at(addr + i) = tdm_get_le32(src + i);
        wait_ready(n);
    }
    set_mode(n, NVMC_WEN_READ);
    return 0;
}

static int nvmc_erase(void *ctx, uint32_t addr)
{
    const struct tdm_board_nvmc *n = ctx;
    if (!in_flash(n, addr, n->geo.page_size)) {
        return TDM_E_RANGE;
    }
    if ((addr - n->geo.base) % n->geo.page_size) {
        return TDM_E_BOOT_FLASH_RULE;
    }
    set_mode(n, NVMC_WEN_ERASE);
    *word_at(addr) = 0xFFFFFFFFu;
    wait_ready(n);
    set_mode(n, NVMC_WEN_READ);
    return 0;
}

void tdm_board_nvmc_write_word(const struct tdm_board_nvmc *n, uint32_t addr, uint32_t word)
{
    set_mode(n, NVMC_WEN_WRITE);
    *word_at(addr) = word;
    wait_ready(n);
    set_mode(n, NVMC_WEN_READ);
}

struct tdm_flash_ops tdm_board_nvmc_ops(struct tdm_board_nvmc *n)
{
    struct tdm_flash_ops ops = {.ctx = n, .geometry = nvmc_geometry, .read = nvmc_read, .write = nvmc_write,
                                .erase = nvmc_erase};
    return ops;
}
