/* Device layout rules and the nRF5340 default (include/tandem/layout.h).
 * Owns: validation of a partition table against the hardware. Never: touches flash, allocates. */
#include "tandem/layout.h"

#include <stddef.h>

#include "tandem/err.h"

/* nRF5340 Product Specification: memory map (app flash 1 MB at 0x0 in 4 KB pages; net flash 256 KB at
 * 0x01000000 in 2 KB pages; app RAM 512 KB at 0x20000000) and SPU (RAM regions of 8 KB). */
void tdm_layout_hw_nrf5340(struct tdm_layout_hw *hw, uint32_t nand_blocks, uint32_t nand_block_bytes)
{
    hw->app_flash_base = 0x00000000u;
    hw->app_flash_size = 1024u * 1024u;
    hw->app_page = 4096u;
    hw->net_flash_base = 0x01000000u;
    hw->net_flash_size = 256u * 1024u;
    hw->net_page = 2048u;
    hw->ram_base = 0x20000000u;
    hw->ram_size = 512u * 1024u;
    hw->window_align = 8192u;
    hw->nand_blocks = nand_blocks;
    hw->nand_block_bytes = nand_block_bytes;
}

void tdm_layout_default(struct tdm_layout *l, const struct tdm_layout_hw *hw)
{
    l->bootloader.addr = hw->app_flash_base;
    l->bootloader.size = 0x10000u;
    l->app_slot.addr = hw->app_flash_base + 0x10000u;
    l->app_slot.size = hw->app_flash_size - 0x10000u - 0x8000u;
    l->netboot.addr = hw->net_flash_base;
    l->netboot.size = 0x8000u;
    l->net_slot.addr = hw->net_flash_base + 0x8000u;
    l->net_slot.size = hw->net_flash_size - 0x8000u;
    /* The last 64 blocks (8 MiB on a W25N01GV), as the store's own default: the rest of the chip stays
     * free for the product's data. */
    l->store_blocks = hw->nand_blocks < 64 ? hw->nand_blocks : 64;
    l->store_first_block = hw->nand_blocks - l->store_blocks;
    l->shared.size = 0x10000u;
    l->shared.addr = hw->ram_base + hw->ram_size - 0x10000u;
}

const char *tdm_layout_problem_str(enum tdm_layout_problem p)
{
    switch (p) {
    case TDM_LAYOUT_OK: return "is valid";
    case TDM_LAYOUT_EMPTY: return "is empty (size 0)";
    case TDM_LAYOUT_UNALIGNED: return "is not aligned to the page (window: to the 8 KB SPU region)";
    case TDM_LAYOUT_OUTSIDE: return "does not fit in its memory";
    case TDM_LAYOUT_NOT_AT_RESET: return "does not start at its core's reset address";
    case TDM_LAYOUT_OVERLAP: return "overlaps";
    case TDM_LAYOUT_STORE_RANGE: return "is empty or runs past the end of the NAND chip";
    case TDM_LAYOUT_STORE_SMALL: return "cannot hold two packages (2 x (app_slot + net_slot))";
    case TDM_LAYOUT_SYNTAX: return "is not a `key = value` line";
    case TDM_LAYOUT_NUMBER: return "needs two numbers (decimal or 0x-hex, 32 bits)";
    case TDM_LAYOUT_UNKNOWN_KEY: return "names a key that is not in the layout format";
    case TDM_LAYOUT_DUPLICATE_KEY: return "is given twice";
    case TDM_LAYOUT_MISSING_KEY: return "is missing";
    case TDM_LAYOUT_FORMAT_VERSION: return "is not a supported layout format version";
    }
    return "unknown layout problem";
}

static int fail(struct tdm_layout_diag *diag, enum tdm_layout_problem p, const char *key, const char *other)
{
    if (diag) {
        diag->problem = p;
        diag->key = key;
        diag->other = other;
        diag->line = 0;
    }
    return TDM_E_BOOT_LAYOUT;
}

/* Region inside [base, base + size) of a memory with `unit` alignment. */
static enum tdm_layout_problem check_region(const struct tdm_layout_region *r, uint32_t base, uint32_t size,
                                            uint32_t unit)
{
    if (r->size == 0) {
        return TDM_LAYOUT_EMPTY;
    }
    if (r->addr % unit != 0 || r->size % unit != 0) {
        return TDM_LAYOUT_UNALIGNED;
    }
    uint64_t end = (uint64_t)r->addr + r->size;
    if (r->addr < base || end > (uint64_t)base + size) {
        return TDM_LAYOUT_OUTSIDE;
    }
    return TDM_LAYOUT_OK;
}

static int overlap(const struct tdm_layout_region *a, const struct tdm_layout_region *b)
{
    return (uint64_t)a->addr < (uint64_t)b->addr + b->size && (uint64_t)b->addr < (uint64_t)a->addr + a->size;
}

int tdm_layout_check(const struct tdm_layout *l, const struct tdm_layout_hw *hw, struct tdm_layout_diag *diag)
{
    const struct {
        const char *key;
        const struct tdm_layout_region *r;
        uint32_t base, size, unit;
    } regions[] = {
        {"bootloader", &l->bootloader, hw->app_flash_base, hw->app_flash_size, hw->app_page},
        {"app_slot", &l->app_slot, hw->app_flash_base, hw->app_flash_size, hw->app_page},
        {"netboot", &l->netboot, hw->net_flash_base, hw->net_flash_size, hw->net_page},
        {"net_slot", &l->net_slot, hw->net_flash_base, hw->net_flash_size, hw->net_page},
        {"shared", &l->shared, hw->ram_base, hw->ram_size, hw->window_align},
    };
    for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        enum tdm_layout_problem p = check_region(regions[i].r, regions[i].base, regions[i].size, regions[i].unit);
        if (p != TDM_LAYOUT_OK) {
            return fail(diag, p, regions[i].key, NULL);
        }
    }
    if (l->bootloader.addr != hw->app_flash_base) {
        return fail(diag, TDM_LAYOUT_NOT_AT_RESET, "bootloader", NULL);
    }
    if (l->netboot.addr != hw->net_flash_base) {
        return fail(diag, TDM_LAYOUT_NOT_AT_RESET, "netboot", NULL);
    }
    if (overlap(&l->bootloader, &l->app_slot)) {
        return fail(diag, TDM_LAYOUT_OVERLAP, "app_slot", "bootloader");
    }
    if (overlap(&l->netboot, &l->net_slot)) {
        return fail(diag, TDM_LAYOUT_OVERLAP, "net_slot", "netboot");
    }
    if (l->store_blocks == 0 || (uint64_t)l->store_first_block + l->store_blocks > hw->nand_blocks) {
        return fail(diag, TDM_LAYOUT_STORE_RANGE, "store", NULL);
    }
    uint64_t need = 2ull * ((uint64_t)l->app_slot.size + l->net_slot.size);
    if ((uint64_t)l->store_blocks * hw->nand_block_bytes < need) {
        return fail(diag, TDM_LAYOUT_STORE_SMALL, "store", NULL);
    }
    if (diag) {
        diag->problem = TDM_LAYOUT_OK;
        diag->key = diag->other = NULL;
        diag->line = 0;
    }
    return 0;
}
