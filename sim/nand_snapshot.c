/* Snapshots of a simulated NAND chip (sim/nand_snapshot.h). Owns: the deep copy. Never: the domain. */
#include "nand_snapshot.h"

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

int tdm_sim_nand_snapshot_take(struct tdm_sim_nand_snapshot *s, const struct tdm_sim_nand *c)
{
    memset(s, 0, sizeof *s);
    s->blocks = c->geo.blocks;
    s->pages = c->geo.blocks * c->geo.pages_per_block;
    s->data = calloc(s->blocks, sizeof *s->data);
    s->erase_count = dup_bytes(c->erase_count, s->blocks * sizeof *c->erase_count);
    s->block_flags = dup_bytes(c->block_flags, s->blocks);
    s->page_nprog = dup_bytes(c->page_nprog, s->pages);
    s->page_flags = dup_bytes(c->page_flags, s->pages);
    s->block_top = dup_bytes(c->block_top, s->blocks * sizeof *c->block_top);
    s->health = dup_bytes(c->health, s->pages * sizeof *c->health);
    s->stats = c->stats;
    s->faults = c->faults;
    s->rng = c->rng;
    s->reads_seen = c->reads_seen;
    s->cuts_seen = c->cuts_seen;
    int ok = s->data && s->erase_count && s->block_flags && s->page_nprog && s->page_flags && s->block_top &&
             s->health;
    for (uint32_t b = 0; ok && b < s->blocks; b++) {
        if (c->block_data[b]) {
            s->data[b] = dup_bytes(c->block_data[b], nand_block_bytes(c));
            ok = s->data[b] != NULL;
        }
    }
    if (!ok) {
        tdm_sim_nand_snapshot_free(s);
        return TDM_E_BUFFER;
    }
    return 0;
}

int tdm_sim_nand_snapshot_restore(const struct tdm_sim_nand_snapshot *s, struct tdm_sim_nand *c)
{
    size_t bb = nand_block_bytes(c);
    for (uint32_t b = 0; b < s->blocks; b++) {
        if (!s->data[b]) {
            if (c->block_data[b]) {
                memset(c->block_data[b], 0xFF, bb);
            }
            continue;
        }
        if (!c->block_data[b] && !(c->block_data[b] = malloc(bb))) {
            return TDM_E_BUFFER;
        }
        memcpy(c->block_data[b], s->data[b], bb);
    }
    memcpy(c->erase_count, s->erase_count, s->blocks * sizeof *c->erase_count);
    memcpy(c->block_flags, s->block_flags, s->blocks);
    memcpy(c->page_nprog, s->page_nprog, s->pages);
    memcpy(c->page_flags, s->page_flags, s->pages);
    memcpy(c->block_top, s->block_top, s->blocks * sizeof *c->block_top);
    memcpy(c->health, s->health, s->pages * sizeof *c->health);
    c->stats = s->stats;
    c->faults = s->faults;
    c->rng = s->rng;
    c->reads_seen = s->reads_seen;
    c->cuts_seen = s->cuts_seen;
    return 0;
}

void tdm_sim_nand_snapshot_free(struct tdm_sim_nand_snapshot *s)
{
    if (s->data) {
        for (uint32_t b = 0; b < s->blocks; b++) {
            free(s->data[b]);
        }
    }
    free(s->data);
    free(s->erase_count);
    free(s->block_flags);
    free(s->page_nprog);
    free(s->page_flags);
    free(s->block_top);
    free(s->health);
    memset(s, 0, sizeof *s);
}
