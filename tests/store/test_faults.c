/* The store's fault paths as specifications: a NAND program, erase or read failing at one chosen point of
 * a relocation, a scrub, a resume, a journal or table write; what the store keeps and what it gives back.
 * Each scenario picks its fault from the seed-independent operation or read count, so the replay line
 * (--case NAME --seed S) repeats it exactly. */
#include "store_fixture.h"

#define SLOT 200000u /* 2 blocks per slot */

static uint32_t first_owned(struct store_fixture *f, int owner)
{
    for (uint32_t b = 0; b < 64; b++) {
        if (tdm_store_block_owner(&f->st, b) == owner) {
            return b;
        }
    }
    return UINT32_MAX;
}

/* A committed slot, installed, whose first block was noted for scrubbing (one corrected read). */
static uint32_t noted_for_scrub(struct store_fixture *f, uint32_t id, uint32_t len)
{
    fx_open_committed(f, SLOT, id, len);
    TDM_CHECK_OK(tdm_store_mount(&f->st, &f->cfg));
    TDM_CHECK_OK(tdm_store_set_roles(&f->st, 0, TDM_STORE_NONE)); /* a write: mount's confirmation is done */
    uint32_t src = first_owned(f, TDM_STORE_OWN_A);
    uint8_t buf[16];
    f->chip.faults.bitflip_bits = 1;
    f->chip.faults.bitflip_at_read = f->chip.reads_seen + 1;
    TDM_CHECK_OK(tdm_store_read(&f->st, 0, 100, buf, sizeof buf));
    return src;
}

/* Scrub relocates a block; page `k` of the source turns uncorrectable during the copy (a read error, not a
 * program failure): the destination block goes back to the free list, neither kept nor marked bad, the
 * slot keeps its block, and a remount finds the store as it was. */
static void relocation_frees_its_destination_when_the_source_turns_unreadable(void)
{
    struct store_fixture f;
    uint32_t src = noted_for_scrub(&f, 12, 160000);
    uint32_t k = 2 + (uint32_t)(tdm_test_seed() % 40);
    tdm_test_replay_extra("(source page %u unreadable)", k - 1);
    struct tdm_store_info before, after;
    TDM_CHECK_OK(tdm_store_info(&f.st, &before));
    uint64_t programs = f.chip.stats.programs;
    f.chip.faults.bitflip_bits = 3; /* more than the part corrects */
    f.chip.faults.bitflip_at_read = f.chip.reads_seen + k;
    TDM_CHECK_ERR(tdm_store_maintain(&f.st), TDM_E_STORE_UNREADABLE);
    TDM_CHECK(f.chip.stats.programs - programs == k - 1); /* pages 0..k-2 were copied */
    uint32_t dst = UINT32_MAX;
    for (uint32_t b = 0; b < 64; b++) {
        if (b != src && f.chip.block_top[b] >= 0 && tdm_store_block_owner(&f.st, b) == TDM_STORE_FREE) {
            dst = b; /* the only free block with programmed pages: the abandoned copy */
        }
    }
    TDM_CHECK(dst != UINT32_MAX && !tdm_sim_nand_marker_bad(&f.chip, dst) && f.chip.stats.program_fails == 0);
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    TDM_CHECK(after.free == before.free && after.bad == 0);
    TDM_CHECK(tdm_store_block_owner(&f.st, src) == TDM_STORE_OWN_A && after.slot[0].blocks == before.slot[0].blocks);
    TDM_CHECK(fx_matches(&f, 0, 12, 160000)); /* the flip was in that read only */
    /* the abandoned copy is allocatable: with every other free block gone bad, the next write takes it */
    uint32_t weak = 0;
    for (uint32_t b = 0; b < 64; b++) {
        if (b != dst && tdm_store_block_owner(&f.st, b) == TDM_STORE_FREE) {
            tdm_sim_nand_make_weak(&f.chip, b);
            weak++;
        }
    }
    TDM_CHECK_OK(tdm_store_open(&f.st, 1));
    TDM_CHECK_OK(fx_write(&f, 13, 0, 64 * 2048));
    TDM_CHECK_OK(tdm_store_commit(&f.st, 64 * 2048, NULL));
    TDM_CHECK(tdm_store_block_owner(&f.st, dst) == TDM_STORE_OWN_B);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg)); /* and the store is consistent after a remount */
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    TDM_CHECK(after.bad == weak && after.free == 0 && tdm_store_block_owner(&f.st, dst) == TDM_STORE_OWN_B);
    TDM_CHECK(fx_matches(&f, 0, 12, 160000) && fx_matches(&f, 1, 13, 64 * 2048));
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"relocation frees its destination when the source turns unreadable",
         relocation_frees_its_destination_when_the_source_turns_unreadable},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
