/* The simulated chip's faults as a specification: factory bad blocks, grown bad blocks, wear-out,
 * bit flips, and power cuts before or torn inside a program or an erase. All seeded. */
#include "chip_fixture.h"

static struct chip_fixture F;

static void factory_bad_blocks_are_marked_as_the_datasheet_says(void)
{
    fixture_open(&F, "W25N01GV", 20);
    uint8_t bitmap[128];
    int bad = tdm_nand_scan(&F.nand, 0, 1024, bitmap);
    TDM_CHECK(bad == 20);
    TDM_CHECK(!(bitmap[0] & 1)); /* block 0 is guaranteed good */
    for (uint32_t b = 0; b < 1024; b++) {
        int marked = (bitmap[b / 8] >> (b % 8)) & 1;
        TDM_CHECK(marked == ((F.chip.block_flags[b] & TDM_SIM_BLOCK_FACTORY) != 0));
        if (marked) {
            uint8_t spare0 = 0xFF;
            TDM_CHECK(tdm_sim_nand_raw_read(&F.chip, tdm_nand_row(&F.nand, b, 0), 2048, &spare0, 1) >= 0);
            TDM_CHECK(spare0 != 0xFF);
        }
    }
    /* the same seed gives the same chip */
    struct tdm_sim_nand twin;
    TDM_CHECK_OK(tdm_sim_nand_create(&twin, NULL, 20, tdm_test_seed()));
    TDM_CHECK(memcmp(twin.block_flags, F.chip.block_flags, 1024) == 0);
    tdm_sim_nand_destroy(&twin);
    tdm_sim_nand_destroy(&F.chip);
}

static void an_erase_destroys_the_factory_mark(void)
{
    fixture_open(&F, "W25N01GV", 20);
    uint32_t victim = 0;
    for (uint32_t b = 1; b < 1024 && !victim; b++) {
        victim = (F.chip.block_flags[b] & TDM_SIM_BLOCK_FACTORY) ? b : 0;
    }
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, victim) == 1);
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, victim));
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, victim) == 0); /* which is why scanning comes first */
    tdm_sim_nand_destroy(&F.chip);
}

static void a_grown_bad_block_fails_program_at_the_chosen_operation(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    F.chip.faults.program_fail_at = F.chip.dom->ops + 3;
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 6, 0), 0, F.page, 2048));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 6, 1), 0, F.page, 2048));
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 6, 2), 0, F.page, 2048), TDM_E_NAND_PROGRAM);
    TDM_CHECK(F.chip.stats.program_fails == 1);
    /* once bad, the block keeps failing, erase included */
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 6, 3), 0, F.page, 2048), TDM_E_NAND_PROGRAM);
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 6), TDM_E_NAND_ERASE);
    /* the failed page does not read back as the data that was asked for */
    int r = tdm_nand_read(&F.nand, tdm_nand_row(&F.nand, 6, 2), 0, F.back, 2048);
    TDM_CHECK(r == TDM_E_NAND_ECC || memcmp(F.back, F.page, 2048) != 0);
    /* mark_bad writes the mark in OOB even though the block is failing (best effort) */
    TDM_CHECK_OK(tdm_nand_mark_bad(&F.nand, 7));
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, 7) == 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void an_erase_can_fail_at_the_chosen_operation(void)
{
    fixture_open(&F, "W25N01GV", 0);
    F.chip.faults.erase_fail_at = F.chip.dom->ops + 2;
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 11));
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 12), TDM_E_NAND_ERASE);
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 13));
    TDM_CHECK(F.chip.stats.erase_fails == 1 && (F.chip.block_flags[12] & TDM_SIM_BLOCK_WEAK));
    tdm_sim_nand_destroy(&F.chip);
}

static unsigned fails_with_probability(uint64_t seed)
{
    struct tdm_sim_nand c;
    TDM_CHECK_OK(tdm_sim_nand_create(&c, tdm_sim_part_find("W25N-SMALL"), 0, seed));
    c.faults.program_fail_ppm = 50000; /* 5 % */
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&c);
    uint8_t z[16] = {0};
    unsigned fails = 0;
    for (uint32_t row = 0; row < 64 * 64; row++) {
        fails += ops.program(ops.ctx, row, 0, z, sizeof z) == TDM_E_NAND_PROGRAM;
    }
    tdm_sim_nand_destroy(&c);
    return fails;
}

static void grown_bad_blocks_with_a_probability_are_reproducible(void)
{
    unsigned a = fails_with_probability(tdm_test_seed());
    unsigned b = fails_with_probability(tdm_test_seed());
    TDM_CHECK(a == b);
    TDM_CHECK(a > 0); /* 4096 programs at 5 %: a block that failed keeps failing, so there are many */
}

static void a_block_past_its_endurance_fails(void)
{
    fixture_open(&F, "W25N-SMALL", 0);
    F.chip.erase_count[20] = F.chip.part->endurance - 1;
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 20)); /* the 100 000th erase */
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 20), TDM_E_NAND_ERASE);
    TDM_CHECK(F.chip.erase_count[20] == F.chip.part->endurance + 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_few_bit_flips_are_corrected_and_reported(void)
{
    fixture_open(&F, "MT29F1G01ABAFD", 0); /* 8-bit ECC */
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, 64, 0, F.page, 2048));
    F.chip.faults.bitflip_at_read = F.chip.reads_seen + 1;
    F.chip.faults.bitflip_bits = 5;
    TDM_CHECK(tdm_nand_read(&F.nand, 64, 0, F.back, 2048) == 6); /* Micron reports 4-6 bits: its upper bound */
    TDM_CHECK(memcmp(F.back, F.page, 2048) == 0); /* corrected data is good data */
    TDM_CHECK(tdm_nand_read(&F.nand, 64, 0, F.back, 2048) == 0);
    TDM_CHECK(F.chip.stats.ecc_corrected == 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void too_many_bit_flips_are_uncorrectable(void)
{
    fixture_open(&F, "W25N01GV", 0); /* 1-bit ECC */
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, 64, 0, F.page, 2048));
    F.chip.faults.bitflip_at_read = F.chip.reads_seen + 1;
    F.chip.faults.bitflip_bits = 3;
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, 64, 0, F.back, 2048), TDM_E_NAND_ECC);
    TDM_CHECK(memcmp(F.back, F.page, 2048) != 0); /* the raw data really is wrong */
    TDM_CHECK(F.chip.stats.ecc_uncorrectable == 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_cut_before_a_program_leaves_the_page_erased(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_BEFORE);
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, 128, 0, F.page, 2048), TDM_E_POWER);
    /* everything fails until power returns */
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, 128, 0, F.back, 2048), TDM_E_POWER);
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 3), TDM_E_POWER);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK(tdm_nand_read(&F.nand, 128, 0, F.back, 2048) == 0);
    TDM_CHECK(all_bytes(F.back, 2048, 0xFF));
    TDM_CHECK(F.chip.dom->cuts == 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_torn_program_leaves_some_bits_programmed(void)
{
    fixture_open(&F, "W25N01GV", 0);
    memset(F.page, 0x00, 2048);
    F.chip.faults.torn_mask = (1u << TDM_SIM_TORN_UNCORRECTABLE) | (1u << TDM_SIM_TORN_MISCORRECTED); /* half done */
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, 192, 0, F.page, 2048), TDM_E_POWER);
    tdm_sim_domain_power_on(F.chip.dom);
    int r = tdm_nand_read(&F.nand, 192, 0, F.back, 2048);
    TDM_CHECK(r == 0 || r == TDM_E_NAND_ECC);
    unsigned zeros = 0;
    for (int i = 0; i < 2048 * 8; i++) {
        zeros += !((F.back[i / 8] >> (i % 8)) & 1);
    }
    TDM_CHECK(zeros > 0 && zeros < 2048 * 8); /* neither erased nor fully programmed */
    TDM_CHECK(F.chip.page_flags[192] & TDM_SIM_PAGE_UNSTABLE);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_torn_erase_leaves_the_block_partly_random(void)
{
    fixture_open(&F, "W25N01GV", 0);
    memset(F.page, 0x00, 2048);
    for (uint32_t p = 0; p < 64; p++) {
        TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 30, p), 0, F.page, 2048));
    }
    F.chip.faults.torn_mask = 1u << TDM_SIM_TORN_ERASE_PARTIAL;
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 30), TDM_E_POWER);
    tdm_sim_domain_power_on(F.chip.dom);
    /* the last page is never erased by a torn erase; it holds random bits and cannot be programmed */
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, tdm_nand_row(&F.nand, 30, 63), 0, F.back, 2048), TDM_E_NAND_ECC);
    TDM_CHECK(!all_bytes(F.back, 2048, 0xFF) && !all_bytes(F.back, 2048, 0x00));
    TDM_CHECK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 30, 63), 0, F.page, 2048) < 0);
    /* a full erase makes it usable again */
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 30));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 30, 0), 0, F.page, 2048));
    TDM_CHECK(F.chip.erase_count[30] == 2);
    tdm_sim_nand_destroy(&F.chip);
}

/* Run a small workload; returns its number of mutating ops or the first error. */
static int workload(struct chip_fixture *f)
{
    for (uint32_t b = 1; b <= 3; b++) {
        int err = tdm_nand_erase(&f->nand, b);
        if (err < 0) {
            return err;
        }
        for (uint32_t p = 0; p < 4; p++) {
            err = tdm_nand_program(&f->nand, tdm_nand_row(&f->nand, b, p), 0, f->page, 2048);
            if (err < 0) {
                return err;
            }
        }
    }
    return 0;
}

static void the_operation_counter_lets_a_test_cut_at_every_operation(void)
{
    fixture_open(&F, "W25N-SMALL", 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(workload(&F));
    uint64_t total = F.chip.dom->ops;
    TDM_CHECK(total == 15);
    tdm_sim_nand_destroy(&F.chip);
    for (uint64_t n = 1; n <= total; n++) {
        tdm_test_replay_extra("(cut at op %llu)", (unsigned long long)n);
        fixture_open(&F, "W25N-SMALL", 0);
        fixture_random_page(&F);
        tdm_sim_domain_cut_at(F.chip.dom, n, TDM_SIM_CUT_BEFORE);
        TDM_CHECK_ERR(workload(&F), TDM_E_POWER);
        TDM_CHECK(F.chip.dom->ops == n && F.chip.stats.programs + F.chip.stats.erases == n - 1);
        tdm_sim_nand_destroy(&F.chip);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"factory bad blocks are marked as the datasheet says", factory_bad_blocks_are_marked_as_the_datasheet_says},
        {"an erase destroys the factory mark", an_erase_destroys_the_factory_mark},
        {"a grown bad block fails program at the chosen operation", a_grown_bad_block_fails_program_at_the_chosen_operation},
        {"an erase can fail at the chosen operation", an_erase_can_fail_at_the_chosen_operation},
        {"grown bad blocks with a probability are reproducible", grown_bad_blocks_with_a_probability_are_reproducible},
        {"a block past its endurance fails", a_block_past_its_endurance_fails},
        {"a few bit flips are corrected and reported", a_few_bit_flips_are_corrected_and_reported},
        {"too many bit flips are uncorrectable", too_many_bit_flips_are_uncorrectable},
        {"a cut before a program leaves the page erased", a_cut_before_a_program_leaves_the_page_erased},
        {"a torn program leaves some bits programmed", a_torn_program_leaves_some_bits_programmed},
        {"a torn erase leaves the block partly random", a_torn_erase_leaves_the_block_partly_random},
        {"the operation counter lets a test cut at every operation", the_operation_counter_lets_a_test_cut_at_every_operation},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
