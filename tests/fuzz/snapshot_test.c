/* Scenario "a restored store is a rebuilt store": the store targets restore their fixture from a snapshot
 * (sfx_fresh, fuzz/store_fx.h) instead of rebuilding it per input. For every seed of fuzz/corpus/store
 * and every prefix of it (fuzz/replay.c), in that order, the same damage and use are applied once to the
 * restored fixture and once to a freshly built one; the chips must end identical (bytes, page and block
 * state, statistics, clock, op counter). Anything the restore forgets from one input to the next (a page
 * flag, a block left allocated, a counter) shows up as a difference at the next input.
 * Owns: that comparison. Never: part of a device build. */
#include <stdio.h>

#include "store_fx.h"
#include "tandem/crc32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* CRC-32 of everything a chip is: the store's block bytes (an unallocated block as the 0xFF it reads as;
 * other blocks only whether they are allocated), physical state arrays, statistics, rng, and its
 * domain's op counter and clock. */
static uint32_t fingerprint(const struct sfx *f)
{
    const struct tdm_sim_nand *c = &f->chip;
    const uint32_t blocks = c->geo.blocks, ppb = c->geo.pages_per_block, pb = sfx_page_bytes(f);
    static uint8_t erased_page[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    memset(erased_page, 0xFF, sizeof erased_page);
    uint32_t crc = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        if (b < SFX_FIRST || b >= SFX_FIRST + SFX_BLOCKS) {
            crc = tdm_crc32(crc, c->block_data[b] ? "held" : "none", 4); /* outside the store: never used */
            continue;
        }
        for (uint32_t p = 0; p < ppb; p++) {
            const uint8_t *d = c->block_data[b] ? c->block_data[b] + (size_t)p * pb : erased_page;
            crc = tdm_crc32(crc, d, pb);
        }
    }
    crc = tdm_crc32(crc, c->erase_count, blocks * sizeof *c->erase_count);
    crc = tdm_crc32(crc, c->block_flags, blocks);
    crc = tdm_crc32(crc, c->block_top, blocks * sizeof *c->block_top);
    crc = tdm_crc32(crc, c->page_nprog, (size_t)blocks * ppb);
    crc = tdm_crc32(crc, c->page_flags, (size_t)blocks * ppb);
    crc = tdm_crc32(crc, &c->stats, sizeof c->stats);
    crc = tdm_crc32(crc, &c->rng, sizeof c->rng);
    crc = tdm_crc32(crc, &c->reads_seen, sizeof c->reads_seen);
    crc = tdm_crc32(crc, &c->dom->ops, sizeof c->dom->ops);
    return tdm_crc32(crc, &c->dom->clock_ns, sizeof c->dom->clock_ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sfx restored, built;
    static unsigned inputs;
    inputs++;
    sfx_fresh(&restored);
    sfx_damage(&restored, data, size);
    sfx_exercise(&restored);
    sfx_build(&built);
    sfx_damage(&built, data, size);
    sfx_exercise(&built);
    uint32_t a = fingerprint(&restored), b = fingerprint(&built);
    sfx_free(&built);
    if (a != b) {
        fprintf(stderr, "fuzz_store_snapshot: input %u (%zu bytes): restored chip %08x != rebuilt chip %08x\n",
                inputs, size, (unsigned)a, (unsigned)b);
        abort();
    }
    return 0;
}
