/* Snapshots of a simulated device (sim/snapshot.h). Owns: the deep copies. Never: the directory. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "tandem/err.h"

static void *dup_bytes(const void *src, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) {
        memcpy(d, src, n);
    }
    return d;
}

static size_t nand_block_bytes(const struct tdm_sim_nand *c)
{
    return (size_t)c->geo.pages_per_block * (c->geo.page_size + c->geo.oob_size);
}

int tdm_sim_snapshot_take(struct tdm_sim_snapshot *s, const struct tdm_sim_device *dev)
{
    memset(s, 0, sizeof *s);
    s->dev = *dev;
    const struct tdm_sim_nand *c = &dev->nand;
    uint32_t blocks = c->geo.blocks, pages = blocks * c->geo.pages_per_block;
    s->nand_blocks = calloc(blocks, sizeof *s->nand_blocks);
    s->nand_erase_count = dup_bytes(c->erase_count, blocks * sizeof *c->erase_count);
    s->nand_block_flags = dup_bytes(c->block_flags, blocks);
    s->nand_page_nprog = dup_bytes(c->page_nprog, pages);
    s->nand_page_flags = dup_bytes(c->page_flags, pages);
    s->nand_health = dup_bytes(c->health, pages * sizeof *c->health);
    s->nand_block_top = dup_bytes(c->block_top, blocks * sizeof *c->block_top);
    int ok = s->nand_blocks && s->nand_erase_count && s->nand_block_flags && s->nand_page_nprog &&
             s->nand_page_flags && s->nand_health && s->nand_block_top;
    for (uint32_t b = 0; ok && b < blocks; b++) {
        if (c->block_data[b]) {
            s->nand_blocks[b] = dup_bytes(c->block_data[b], nand_block_bytes(c));
            ok = s->nand_blocks[b] != NULL;
        }
    }
    const struct tdm_sim_flash *f[2] = {&dev->app, &dev->net};
    for (int i = 0; ok && i < 2; i++) {
        uint32_t psz = f[i]->geo.page_size;
        s->flash_mem[i] = dup_bytes(f[i]->mem, f[i]->geo.size);
        s->flash_writes[i] = dup_bytes(f[i]->word_writes, f[i]->geo.size / 4);
        s->flash_erases[i] = dup_bytes(f[i]->erase_count, f[i]->geo.size / psz * sizeof(uint32_t));
        ok = s->flash_mem[i] && s->flash_writes[i] && s->flash_erases[i];
    }
    if (!ok) {
        tdm_sim_snapshot_free(s);
        return TDM_E_BUFFER;
    }
    return 0;
}

int tdm_sim_snapshot_restore(const struct tdm_sim_snapshot *s, struct tdm_sim_device *dev)
{
    struct tdm_sim_nand *c = &dev->nand;
    uint32_t blocks = c->geo.blocks, pages = blocks * c->geo.pages_per_block;
    size_t bb = nand_block_bytes(c);
    for (uint32_t b = 0; b < blocks; b++) {
        if (!s->nand_blocks[b]) {
            free(c->block_data[b]);
            c->block_data[b] = NULL;
            continue;
        }
        if (!c->block_data[b] && !(c->block_data[b] = malloc(bb))) {
            return TDM_E_BUFFER;
        }
        memcpy(c->block_data[b], s->nand_blocks[b], bb);
    }
    memcpy(c->erase_count, s->nand_erase_count, blocks * sizeof *c->erase_count);
    memcpy(c->block_flags, s->nand_block_flags, blocks);
    memcpy(c->page_nprog, s->nand_page_nprog, pages);
    memcpy(c->page_flags, s->nand_page_flags, pages);
    memcpy(c->health, s->nand_health, pages * sizeof *c->health);
    memcpy(c->block_top, s->nand_block_top, blocks * sizeof *c->block_top);
    c->stats = s->dev.nand.stats;
    c->faults = s->dev.nand.faults;
    c->cuts_seen = s->dev.nand.cuts_seen;
    c->rng = s->dev.nand.rng;
    c->reads_seen = s->dev.nand.reads_seen;
    struct tdm_sim_flash *f[2] = {&dev->app, &dev->net};
    const struct tdm_sim_flash *sf[2] = {&s->dev.app, &s->dev.net};
    for (int i = 0; i < 2; i++) {
        memcpy(f[i]->mem, s->flash_mem[i], f[i]->geo.size);
        memcpy(f[i]->word_writes, s->flash_writes[i], f[i]->geo.size / 4);
        memcpy(f[i]->erase_count, s->flash_erases[i], f[i]->geo.size / f[i]->geo.page_size * sizeof(uint32_t));
        f[i]->stats = sf[i]->stats;
        f[i]->rng = sf[i]->rng;
    }
    dev->dom = s->dev.dom;
    memcpy(dev->pending, s->dev.pending, sizeof dev->pending);
    memset(dev->in_wait, 0, sizeof dev->in_wait);
    dev->counter = s->dev.counter;
    dev->counter_updates = s->dev.counter_updates;
    dev->counter_slots = s->dev.counter_slots;
    dev->rng = s->dev.rng;
    dev->power_ons = s->dev.power_ons;
    dev->app_starts = s->dev.app_starts;
    dev->mixed_starts = s->dev.mixed_starts;
    dev->running_valid = s->dev.running_valid;
    memcpy(dev->running, s->dev.running, sizeof dev->running);
    return 0;
}

void tdm_sim_snapshot_free(struct tdm_sim_snapshot *s)
{
    if (s->nand_blocks) {
        for (uint32_t b = 0; b < s->dev.nand.geo.blocks; b++) {
            free(s->nand_blocks[b]);
        }
    }
    free(s->nand_blocks);
    free(s->nand_erase_count);
    free(s->nand_block_flags);
    free(s->nand_page_nprog);
    free(s->nand_page_flags);
    free(s->nand_health);
    free(s->nand_block_top);
    for (int i = 0; i < 2; i++) {
        free(s->flash_mem[i]);
        free(s->flash_writes[i]);
        free(s->flash_erases[i]);
    }
    memset(s, 0, sizeof *s);
}
