/* In-memory snapshot of one simulated NAND chip (its bytes and physical state, not its power domain):
 * the NAND part of a device snapshot (sim/snapshot.h) and, alone, the fixture of the store fuzz targets
 * (fuzz/store_fx.h). Host-only. Owns: the deep copy. Never: the chip's domain or files. */
#ifndef TANDEM_SIM_NAND_SNAPSHOT_H
#define TANDEM_SIM_NAND_SNAPSHOT_H

#include "nand_sim.h"

/* A NAND chip's bytes and physical state. */
struct tdm_sim_nand_snapshot {
    uint32_t blocks, pages;
    uint8_t **data; /* per block, NULL = erased */
    uint32_t *erase_count;
    uint8_t *block_flags, *page_nprog, *page_flags;
    int32_t *block_top;
    struct tdm_sim_page_health *health; /* per page: weak cells and their decay */
    struct tdm_sim_stats stats;
    struct tdm_sim_faults faults;
    uint64_t rng, reads_seen, cuts_seen;
};

/* Copy a chip (not its domain). Returns 0 or TDM_E_BUFFER (nothing is kept). */
int tdm_sim_nand_snapshot_take(struct tdm_sim_nand_snapshot *s, const struct tdm_sim_nand *c);
/* Put a chip of the same geometry back into the snapshot's state. A block the snapshot has erased but the
 * chip holds in memory keeps that memory, filled with 0xFF (read exactly as an unallocated block), so a
 * restore loop does not allocate and free a block per round. Returns 0 or TDM_E_BUFFER. */
int tdm_sim_nand_snapshot_restore(const struct tdm_sim_nand_snapshot *s, struct tdm_sim_nand *c);
void tdm_sim_nand_snapshot_free(struct tdm_sim_nand_snapshot *s);

#endif
