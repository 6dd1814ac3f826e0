/* In-memory snapshots of a simulated device, so a power-cut campaign can restart the same scenario
 * thousands of times without re-creating files. Host-only.
 * Owns: deep copies of every flash's bytes and physical state, the domain, the counter and the device's
 * bookkeeping. Never: touches the device directory. */
#ifndef TANDEM_SIM_SNAPSHOT_H
#define TANDEM_SIM_SNAPSHOT_H

#include "device.h"

struct tdm_sim_snapshot {
    struct tdm_sim_device dev; /* shallow copy; the pointers below own the copied arrays */
    uint8_t **nand_blocks;
    uint32_t *nand_erase_count;
    uint8_t *nand_block_flags, *nand_page_nprog, *nand_page_flags;
    struct tdm_sim_page_health *nand_health;
    int32_t *nand_block_top;
    uint8_t *flash_mem[2], *flash_writes[2];
    uint32_t *flash_erases[2];
};

/* Take a snapshot of an open device. Returns 0 or TDM_E_BUFFER. */
int tdm_sim_snapshot_take(struct tdm_sim_snapshot *s, const struct tdm_sim_device *dev);
/* Put an open device (the same one, or one of the same geometry) back into the snapshot's state, RAM and
 * window included; step callbacks and the identify callback of `dev` are kept. Returns 0 or TDM_E_BUFFER. */
int tdm_sim_snapshot_restore(const struct tdm_sim_snapshot *s, struct tdm_sim_device *dev);
void tdm_sim_snapshot_free(struct tdm_sim_snapshot *s);

#endif
