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

static uint32_t count_owned(struct store_fixture *f, int owner)
{
    uint32_t n = 0;
    for (uint32_t b = 0; b < 64; b++) {
        n += tdm_store_block_owner(&f->st, b) == owner;
    }
    return n;
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

static uint32_t accounted_blocks(struct store_fixture *f)
{
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_info(&f->st, &info));
    return info.free + info.bad + info.system + info.slot[0].blocks + info.slot[1].blocks;
}

/* Write content `id` of slot `slot` on from `from` to `len`, commit, remount: every block is accounted for
 * and the content reads back. */
static void commit_and_check(struct store_fixture *f, unsigned slot, uint32_t id, uint32_t from, uint32_t len)
{
    TDM_CHECK_OK(fx_write(f, id, from, len));
    TDM_CHECK_OK(tdm_store_commit(&f->st, len, NULL));
    TDM_CHECK_OK(tdm_store_mount(&f->st, &f->cfg));
    TDM_CHECK(accounted_blocks(f) == 64 && fx_matches(f, slot, id, len));
}

/* Page 20 of a block fails its program; while its pages move, read k of the move turns uncorrectable
 * (k <= 20: a page of the failing block being copied; k = 21: the parked pending page coming back). The
 * write names the page unreadable; resume recovers the durable pages, no block is lost, and the write
 * goes on to a commit that reads back after a remount. */
static void a_program_failure_whose_move_meets_an_unreadable_page(void)
{
    uint32_t k = 1 + (uint32_t)(tdm_test_seed() % 21);
    tdm_test_replay_extra("(read %u of the move unreadable)", k);
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 14, 0, 20 * 2048));
    f.chip.faults.program_fail_at = f.chip.dom->ops + 1;
    f.chip.faults.bitflip_bits = 3;
    f.chip.faults.bitflip_at_read = f.chip.reads_seen + k;
    uint8_t buf[2048];
    fx_fill(14, 20 * 2048, buf, sizeof buf);
    TDM_CHECK_ERR(tdm_store_write(&f.st, buf, sizeof buf), TDM_E_STORE_UNREADABLE);
    TDM_CHECK(f.chip.stats.program_fails == 1 && f.chip.stats.ecc_uncorrectable == 1);
    TDM_CHECK(accounted_blocks(&f) == 64);
    TDM_CHECK(count_owned(&f, TDM_STORE_OWN_A) == 1); /* neither the copy nor the parking block is kept */
    TDM_CHECK(tdm_store_resume(&f.st, 0) == 20 * 2048);
    TDM_CHECK(fx_matches(&f, 0, 14, 20 * 2048));
    commit_and_check(&f, 0, 14, 20 * 2048, 150000);
    fx_close(&f);
}

/* A slot was being written when power failed; a page in the middle of its full first block has since
 * turned uncorrectable (the survey reads a block's first and last page only). Resume hashes every page
 * again: it names the page unreadable instead of resuming over it, and the slot can be cleared and
 * written anew. */
static void resume_names_a_page_that_turned_unreadable(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 1));
    TDM_CHECK_OK(fx_write(&f, 15, 0, 80 * 2048));
    tdm_sim_domain_cut_now(f.chip.dom);
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    uint32_t blk = first_owned(&f, TDM_STORE_OWN_B);
    uint32_t pg = 1 + (uint32_t)(tdm_test_seed() % 62);
    tdm_test_replay_extra("(page %u of block %u decayed)", pg, blk);
    TDM_CHECK(blk != UINT32_MAX && tdm_sim_nand_corrupt(&f.chip, blk * 64 + pg, 0, 2048, tdm_test_seed()) >= 0);
    TDM_CHECK_ERR(tdm_store_resume(&f.st, 1), TDM_E_STORE_UNREADABLE);
    TDM_CHECK_ERR(tdm_store_write(&f.st, "x", 1), TDM_E_STATE); /* nothing resumed: no write goes on */
    TDM_CHECK_OK(tdm_store_clear(&f.st, 1));
    TDM_CHECK_OK(tdm_store_open(&f.st, 1));
    commit_and_check(&f, 1, 16, 0, 100000);
    fx_close(&f);
}

/* A table copy whose block fails to program: the copy moves to a fresh block and the record is written
 * again (both copies), so a remount finds the table with both bad blocks in it. */
static void a_table_copy_that_fails_to_program_moves(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    struct tdm_store_info before, after;
    TDM_CHECK_OK(tdm_store_info(&f.st, &before));
    int copy = (int)(tdm_test_seed() % 2);
    tdm_test_replay_extra("(table copy %d fails)", copy);
    tdm_sim_nand_make_weak(&f.chip, before.bbt_blocks[copy]);
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 17, 0, 10 * 2048));
    f.chip.faults.program_fail_at = f.chip.dom->ops + 1; /* a slot page fails: a block retired, a table write */
    commit_and_check(&f, 0, 17, 10 * 2048, 30 * 2048);
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    TDM_CHECK(after.bad == 2 && tdm_store_block_owner(&f.st, before.bbt_blocks[copy]) == TDM_STORE_BAD);
    TDM_CHECK(after.bbt_blocks[copy] != before.bbt_blocks[copy]);
    TDM_CHECK(after.bbt_blocks[1 - copy] == before.bbt_blocks[1 - copy]);
    TDM_CHECK(after.bbt_seq > before.bbt_seq + 1); /* the record was written again after the failure */
    fx_close(&f);
}

/* More bad blocks than the configured slots leave room for: format names it and writes nothing. */
static void format_refuses_a_chip_without_room_for_the_slots(void)
{
    struct store_fixture f;
    fx_open(&f, 20, 24u * 64 * 2048); /* two slots of 24 blocks + 5 need 53 good blocks of 64; 44 are */
    TDM_CHECK_ERR(tdm_store_format(&f.st, &f.cfg, false), TDM_E_STORE_NO_RESERVE);
    TDM_CHECK(f.chip.stats.programs == 0 && f.chip.stats.erases == 0);
    TDM_CHECK_ERR(tdm_store_mount(&f.st, &f.cfg), TDM_E_STORE_UNFORMATTED);
    f.cfg.slot_bytes = 19u * 64 * 2048; /* 43 needed: fits */
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    fx_close(&f);
}

/* One corrected read of slot `slot` at `offset` (the block holding it is noted for scrubbing). */
static void corrected_read(struct store_fixture *f, unsigned slot, uint32_t offset)
{
    uint8_t buf[16];
    f->chip.faults.bitflip_bits = 1;
    f->chip.faults.bitflip_at_read = f->chip.reads_seen + 1;
    TDM_CHECK_OK(tdm_store_read(&f->st, slot, offset, buf, sizeof buf));
}

/* Corrected reads in five blocks before a maintenance: the list keeps four, the fifth waits for its next
 * corrected read; a noted block whose slot was cleared meanwhile is not moved; a corrected read of the
 * journal refreshes the journal (a compaction), and every record stays. */
static void scrub_notes_beyond_the_list_wait_and_cleared_blocks_are_skipped(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 3 * 64 * 2048);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    for (unsigned k = 0; k < 2; k++) {
        TDM_CHECK_OK(tdm_store_open(&f.st, k));
        TDM_CHECK_OK(fx_write(&f, 18 + k, 0, 3 * 64 * 2048));
        TDM_CHECK_OK(tdm_store_commit(&f.st, 3 * 64 * 2048, NULL));
    }
    TDM_CHECK_OK(tdm_store_set_roles(&f.st, 0, TDM_STORE_NONE));
    for (uint32_t lb = 0; lb < 3; lb++) {
        corrected_read(&f, 0, lb * 64 * 2048 + 4096);
    }
    corrected_read(&f, 1, 0);
    corrected_read(&f, 1, 64 * 2048); /* a fifth block: the list is full */
    TDM_CHECK(tdm_store_maintain(&f.st) == 4);
    corrected_read(&f, 1, 64 * 2048 + 2048);
    TDM_CHECK(tdm_store_maintain(&f.st) == 1);
    corrected_read(&f, 1, 2 * 64 * 2048);
    TDM_CHECK_OK(tdm_store_clear(&f.st, 1));
    uint64_t programs = f.chip.stats.programs;
    TDM_CHECK(tdm_store_maintain(&f.st) == 0 && f.chip.stats.programs == programs);
    struct tdm_store_info before, after;
    TDM_CHECK_OK(tdm_store_info(&f.st, &before));
    uint8_t rec[8] = {7, 0, 0, 0, 1, 2, 3, 4}, back[8];
    TDM_CHECK_OK(tdm_store_journal_append(&f.st, 5, rec, sizeof rec));
    f.chip.faults.bitflip_bits = 1;
    f.chip.faults.bitflip_at_read = f.chip.reads_seen + 1;
    TDM_CHECK(tdm_store_journal_latest(&f.st, 5, back, sizeof back, NULL) == 8 && !memcmp(back, rec, 8));
    TDM_CHECK(tdm_store_maintain(&f.st) == 0);
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    TDM_CHECK(after.journal_active != before.journal_active); /* compacted into the other block */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(tdm_store_journal_latest(&f.st, 5, back, sizeof back, NULL) == 8 && !memcmp(back, rec, 8));
    unsigned inst, cand;
    tdm_store_roles(&f.st, &inst, &cand);
    TDM_CHECK(inst == 0 && fx_matches(&f, 0, 18, 3 * 64 * 2048) && accounted_blocks(&f) == 64);
    fx_close(&f);
}

/* A program fails in the middle of a block when every spare block has gone bad too: there is no block to
 * park the pending page in. The write names it (NO_RESERVE) and every block that failed stays bad, in RAM
 * and in the table after a remount; no system block is handed to the free list. */
static void a_program_failure_with_no_block_to_park_in(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    uint32_t pages = 1 + (uint32_t)(tdm_test_seed() % 62);
    tdm_test_replay_extra("(%u pages written before)", pages);
    TDM_CHECK_OK(fx_write(&f, 21, 0, pages * 2048));
    struct tdm_store_info before, after;
    TDM_CHECK_OK(tdm_store_info(&f.st, &before));
    uint32_t weak = 0;
    for (uint32_t b = 0; b < 64; b++) {
        int o = tdm_store_block_owner(&f.st, b);
        if (o == TDM_STORE_FREE || o == TDM_STORE_OWN_A) {
            tdm_sim_nand_make_weak(&f.chip, b);
            weak++;
        }
    }
    TDM_CHECK_ERR(fx_write(&f, 21, pages * 2048, (pages + 1) * 2048), TDM_E_STORE_NO_RESERVE);
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    TDM_CHECK_MSG(after.system == before.system && after.free == 0, "system %u free %u", after.system, after.free);
    for (uint32_t b = 0; b < 64; b++) {
        int bad = (f.chip.block_flags[b] & TDM_SIM_BLOCK_WEAK) != 0;
        TDM_CHECK_MSG(bad == (tdm_store_block_owner(&f.st, b) == TDM_STORE_BAD) ||
                          (bad && tdm_store_block_owner(&f.st, b) == TDM_STORE_OWN_A),
                      "block %u: owner %d", b, tdm_store_block_owner(&f.st, b));
    }
    TDM_CHECK_OK(tdm_store_clear(&f.st, 0));
    TDM_CHECK(tdm_store_maintain(&f.st) == 0); /* brings the table up to date */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK_OK(tdm_store_info(&f.st, &after));
    /* every spare block is bad; the slot's failing block was not retired (its pages could not move): freed
     * by the clear, it is retired when it fails again */
    TDM_CHECK_MSG(after.system == before.system && after.bad + 1 == weak && accounted_blocks(&f) == 64,
                  "system %u bad %u of %u", after.system, after.bad, weak);
    fx_close(&f);
}

/* The chip stops taking writes: a journal append fails, its move to the other journal block fails too.
 * Every later append and confirmation fails with a name, and none programs the failed page again (a
 * second program of a page is a chip rule the simulator counts; it was TDM_E_NAND_NOT_ERASED). */
static void a_chip_that_stops_taking_writes_never_gets_a_page_programmed_twice(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    uint8_t p[8] = {1};
    TDM_CHECK_OK(tdm_store_journal_append(&f.st, 1, p, sizeof p));
    f.chip.faults.fail_from = f.chip.dom->ops + 1;
    for (int i = 0; i < 3; i++) {
        int err = tdm_store_journal_append(&f.st, 1 + (uint32_t)i % 2, p, sizeof p);
        TDM_CHECK_MSG(err == TDM_E_STORE_NO_RESERVE, "append %d: %s", i, tdm_errname(err));
        err = tdm_store_set_roles(&f.st, TDM_STORE_NONE, TDM_STORE_NONE);
        TDM_CHECK_MSG(err == TDM_E_STORE_NO_RESERVE, "roles %d: %s", i, tdm_errname(err));
    }
    f.chip.faults.fail_from = 0;
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg)); /* what was durable before is still there */
    uint8_t got[8];
    TDM_CHECK(tdm_store_journal_latest(&f.st, 1, got, sizeof got, NULL) == 8 && got[0] == 1);
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a chip that stops taking writes never gets a page programmed twice",
         a_chip_that_stops_taking_writes_never_gets_a_page_programmed_twice},
        {"relocation frees its destination when the source turns unreadable",
         relocation_frees_its_destination_when_the_source_turns_unreadable},
        {"a program failure whose move meets an unreadable page",
         a_program_failure_whose_move_meets_an_unreadable_page},
        {"resume names a page that turned unreadable", resume_names_a_page_that_turned_unreadable},
        {"a table copy that fails to program moves", a_table_copy_that_fails_to_program_moves},
        {"format refuses a chip without room for the slots", format_refuses_a_chip_without_room_for_the_slots},
        {"a program failure with no block to park in", a_program_failure_with_no_block_to_park_in},
        {"scrub notes beyond the list wait, and cleared blocks are skipped",
         scrub_notes_beyond_the_list_wait_and_cleared_blocks_are_skipped},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
