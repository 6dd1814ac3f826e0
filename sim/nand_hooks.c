/* The simulated chip's settings and test hooks (sim/nand_sim.h): bus, weak blocks, the marker look,
 * deep copies. Owns: nothing of its own (the chip's state is sim/nand_sim.c's). Never: a chip operation
 * (no clock, no rules, no cuts). */
#include <stdlib.h>
#include <string.h>

#include "nand_sim.h"
#include "tandem/err.h"

int tdm_sim_nand_set_bus(struct tdm_sim_nand *c, uint32_t hz, uint32_t width)
{
    if (hz == 0 || hz > c->part->spi_max_hz || (width != 1 && width != 4)) {
        return TDM_E_INVAL;
    }
    c->spi_hz = hz;
    c->bus_width = width;
    return 0;
}

void tdm_sim_nand_make_weak(struct tdm_sim_nand *c, uint32_t block)
{
    if (block < c->geo.blocks) {
        c->block_flags[block] |= TDM_SIM_BLOCK_WEAK;
    }
}

bool tdm_sim_nand_marker_bad(const struct tdm_sim_nand *c, uint32_t block)
{
    const uint8_t *d = c->block_data[block];
    return d && d[c->geo.page_size] != 0xFF;
}

static void *dup(const void *src, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) {
        memcpy(d, src, n);
    }
    return d;
}

int tdm_sim_nand_clone(struct tdm_sim_nand *dst, const struct tdm_sim_nand *src)
{
    uint32_t blocks = src->geo.blocks, pages = blocks * src->geo.pages_per_block;
    size_t span = src->geo.page_size + src->geo.oob_size, bb = (size_t)src->geo.pages_per_block * span;
    *dst = *src;
    dst->own = *src->dom;
    dst->dom = &dst->own;
    dst->block_data = calloc(blocks, sizeof *dst->block_data);
    dst->erase_count = dup(src->erase_count, blocks * sizeof *src->erase_count);
    dst->block_flags = dup(src->block_flags, blocks);
    dst->block_top = dup(src->block_top, blocks * sizeof *src->block_top);
    dst->page_nprog = dup(src->page_nprog, pages);
    dst->page_flags = dup(src->page_flags, pages);
    dst->health = dup(src->health, pages * sizeof *src->health);
    dst->stage = malloc(span);
    int ok = dst->block_data && dst->erase_count && dst->block_flags && dst->block_top && dst->page_nprog &&
             dst->page_flags && dst->health && dst->stage;
    for (uint32_t b = 0; ok && b < blocks; b++) {
        if (src->block_data[b]) {
            ok = (dst->block_data[b] = dup(src->block_data[b], bb)) != NULL;
        }
    }
    if (!ok) {
        tdm_sim_nand_destroy(dst);
        return TDM_E_BUFFER;
    }
    return 0;
}

/* The marker is raw spare byte 0 of page 0 on all our parts (datasheets: first spare byte). */
int tdm_sim_x_marked_bad(void *ctx, uint32_t block)
{
    struct tdm_sim_nand *c = ctx;
    uint8_t m = 0;
    int r = tdm_sim_nand_raw_read(c, block * c->geo.pages_per_block, c->geo.page_size, &m, 1);
    if (r < 0 && r != TDM_E_NAND_ECC) {
        return r;
    }
    return m != 0xFF; /* the marker is outside every codeword: its raw value counts */
}

int tdm_sim_x_mark_bad(void *ctx, uint32_t block)
{
    struct tdm_sim_nand *c = ctx;
    const uint8_t zero = 0;
    return tdm_sim_nand_raw_program(c, block * c->geo.pages_per_block, c->geo.page_size, &zero, 1);
}

static uint64_t sim_now(void *ctx)
{
    return ((struct tdm_sim_nand *)ctx)->dom->clock_ns;
}

static void sim_sleep(void *ctx, uint64_t ns)
{
    tdm_sim_domain_advance(((struct tdm_sim_nand *)ctx)->dom, ns);
}

struct tdm_clock_ops tdm_sim_nand_clock(struct tdm_sim_nand *c)
{
    struct tdm_clock_ops ops = {.ctx = c, .now_ns = sim_now, .sleep_ns = sim_sleep};
    return ops;
}
