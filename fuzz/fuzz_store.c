/* libFuzzer target: store recovery from arbitrary NAND contents. A store with a committed slot, an open
 * slot and journal records (store_fx.h) is damaged by the input, then mounted, read, resumed and
 * committed as a booting device would. Never a crash; never a committed slot that reads back without
 * error as bytes that do not match its digest (sfx_check_committed aborts).
 * Input: records [op][block][page][col lo][col hi][len][len bytes]; op % 4: 0 overwrite bytes, 1 XOR
 * bytes, 2 page reads as uncorrectable ECC, 3 block fully erased. Blocks are taken modulo the store range.
 * Owns: the target. */
#include "store_fx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void damage(struct sfx *f, const uint8_t *d, size_t n)
{
    const uint32_t pb = sfx_page_bytes(f), ppb = f->chip.geo.pages_per_block;
    size_t i = 0;
    while (i + 6 <= n) {
        uint32_t op = d[i] % 4, block = SFX_FIRST + d[i + 1] % SFX_BLOCKS, page = d[i + 2] % ppb;
        uint32_t col = (d[i + 3] | (uint32_t)d[i + 4] << 8) % pb, len = d[i + 5];
        i += 6;
        if (op <= 1) {
            len = len < n - i ? len : (uint32_t)(n - i);
            len = len < pb - col ? len : pb - col;
            uint8_t *p = sfx_raw_page(f, block, page) + col;
            for (uint32_t k = 0; k < len; k++) {
                p[k] = op == 0 ? d[i + k] : (uint8_t)(p[k] ^ d[i + k]);
            }
            i += len;
        } else if (op == 2) {
            f->chip.page_flags[block * ppb + page] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        } else {
            memset(sfx_raw_page(f, block, 0), 0xFF, ppb * pb);
            for (uint32_t k = 0; k < ppb; k++) {
                f->chip.page_flags[block * ppb + k] = 0;
                f->chip.page_nprog[block * ppb + k] = 0;
            }
            f->chip.block_top[block] = -1;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sfx f;
    sfx_build(&f);
    damage(&f, data, size);
    sfx_exercise(&f);
    sfx_free(&f);
    return 0;
}
