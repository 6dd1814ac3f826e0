/* The simulated chip as a specification: the datasheet rules it enforces, its timing and its file.
 * Each scenario is one rule. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chip_fixture.h"

static struct chip_fixture F;

static void erased_chip_reads_all_ones(void)
{
    fixture_open(&F, "W25N01GV", 0);
    TDM_CHECK(tdm_nand_read(&F.nand, tdm_nand_row(&F.nand, 5, 3), 0, F.back, 2112) == 0);
    TDM_CHECK(all_bytes(F.back, 2112, 0xFF));
    tdm_sim_nand_destroy(&F.chip);
}

static void programmed_page_reads_back(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    uint32_t row = tdm_nand_row(&F.nand, 7, 0);
    uint32_t n = 2048 + F.nand.geo.tag_size; /* data and the whole tag area, one program */
    memset(F.page + n, 0xFF, sizeof F.page - n);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, row, 0, F.page, n));
    TDM_CHECK(tdm_nand_read(&F.nand, row, 0, F.back, 2112) == 0);
    TDM_CHECK(memcmp(F.page, F.back, 2112) == 0); /* past the tag area the port shows 0xFF */
    /* a column read returns the same bytes from the cache register */
    TDM_CHECK(tdm_nand_read(&F.nand, row, 100, F.back, 17) == 0);
    TDM_CHECK(memcmp(F.page + 100, F.back, 17) == 0);
    tdm_sim_nand_destroy(&F.chip);
}

static void programming_bits_that_are_not_erased_is_refused(void)
{
    fixture_open(&F, "W25N01GV", 0);
    uint8_t a[4] = {0x12, 0x34, 0x56, 0x78};
    uint32_t row = tdm_nand_row(&F.nand, 2, 0);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, row, 0, a, 4));
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, row, 2, a, 4), TDM_E_NAND_NOT_ERASED);
    /* bytes of 0xFF program nothing, so they may overlap programmed bytes */
    uint8_t ff_then_data[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xAA, 0xBB};
    TDM_CHECK_OK(tdm_nand_program(&F.nand, row, 0, ff_then_data, 6));
    TDM_CHECK(F.chip.stats.rule_violations == 1);
    tdm_sim_nand_destroy(&F.chip);
}

static void more_than_nop_partial_programs_are_refused(void)
{
    fixture_open(&F, "W25N01GV", 0);
    uint32_t row = tdm_nand_row(&F.nand, 3, 0);
    uint8_t b = 0x00;
    for (uint32_t i = 0; i < F.nand.geo.nop; i++) {
        TDM_CHECK_OK(tdm_nand_program(&F.nand, row, i * 512, &b, 1));
    }
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, row, 4 * 512 - 1, &b, 1), TDM_E_NAND_NOP);
    /* an erase resets the count */
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 3));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, row, 0, &b, 1));
    tdm_sim_nand_destroy(&F.chip);
}

static void pages_of_a_block_are_programmed_in_order(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 4, 10), 0, F.page, 2048));
    /* skipping pages forward is allowed, going back is not */
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 4, 9), 0, F.page, 2048), TDM_E_NAND_ORDER);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 4, 11), 0, F.page, 2048));
    /* other blocks are independent */
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 5, 0), 0, F.page, 2048));
    tdm_sim_nand_destroy(&F.chip);
}

static void addresses_beyond_the_chip_are_refused(void)
{
    fixture_open(&F, "W25N01GV", 0);
    uint32_t pages = F.nand.geo.blocks * F.nand.geo.pages_per_block;
    /* through the port directly, so the chip itself is checked, not only the driver layer */
    TDM_CHECK_ERR(F.ops.read(F.ops.ctx, pages, 0, F.back, 1), TDM_E_RANGE);
    TDM_CHECK_ERR(F.ops.read(F.ops.ctx, 0, 2100, F.back, 13), TDM_E_RANGE);
    TDM_CHECK_ERR(F.ops.program(F.ops.ctx, pages + 5, 0, F.page, 1), TDM_E_RANGE);
    TDM_CHECK_ERR(F.ops.erase(F.ops.ctx, 1024), TDM_E_RANGE);
    TDM_CHECK(F.chip.stats.rule_violations == 4);
    /* and the driver layer stops them before the port */
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 5000), TDM_E_RANGE);
    TDM_CHECK(F.chip.stats.rule_violations == 4);
    tdm_sim_nand_destroy(&F.chip);
}

static void timing_follows_the_datasheet(void)
{
    fixture_open(&F, "W25N01GV", 0);
    const struct tdm_sim_part *p = F.chip.part;
    fixture_random_page(&F);
    uint64_t t0 = F.chip.dom->clock_ns;
    TDM_CHECK_OK(tdm_nand_program(&F.nand, 0, 0, F.page, 2048));
    uint64_t quad_prog = F.chip.dom->clock_ns - t0;
    /* quad: 2048 B in 4096 clocks at 104 MHz = 39.4 us, plus tPROG 250 us, plus a few command bytes */
    TDM_CHECK(quad_prog >= p->t_prog_typ_ns + 39000 && quad_prog <= p->t_prog_typ_ns + 45000);
    TDM_CHECK_OK(tdm_sim_nand_set_bus(&F.chip, 104000000, 1));
    t0 = F.chip.dom->clock_ns;
    TDM_CHECK_OK(tdm_nand_program(&F.nand, 1, 0, F.page, 2048));
    uint64_t single_prog = F.chip.dom->clock_ns - t0;
    TDM_CHECK(single_prog > quad_prog + 100000); /* 16384 clocks = 157.5 us of transfer */
    F.chip.timing = TDM_SIM_WORST;
    t0 = F.chip.dom->clock_ns;
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 9));
    TDM_CHECK(F.chip.dom->clock_ns - t0 >= p->t_erase_max_ns);
    TDM_CHECK_ERR(tdm_sim_nand_set_bus(&F.chip, 200000000, 4), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_sim_nand_set_bus(&F.chip, 50000000, 2), TDM_E_INVAL);
    TDM_CHECK(F.chip.stats.time_ns == F.chip.dom->clock_ns);
    tdm_sim_nand_destroy(&F.chip);
}

static void every_part_in_the_table_has_sane_figures(void)
{
    for (unsigned i = 0; tdm_sim_part_at(i); i++) {
        const struct tdm_sim_part *p = tdm_sim_part_at(i);
        TDM_CHECK(p->t_read_typ_ns <= p->t_read_max_ns);
        TDM_CHECK(p->t_prog_typ_ns <= p->t_prog_max_ns);
        TDM_CHECK(p->t_erase_typ_ns <= p->t_erase_max_ns);
        TDM_CHECK(p->geo.page_size == 2048 && p->geo.pages_per_block == 64);
        TDM_CHECK(p->source && strlen(p->source) > 20);
    }
    TDM_CHECK(tdm_sim_part_find("MT29F1G01ABAFD")->geo.oob_size == 128);
    TDM_CHECK(tdm_sim_part_find("NO-SUCH-PART") == NULL);
}

static void chip_state_survives_between_processes(void)
{
    char path[] = "/tmp/tdm_chip_XXXXXX";
    int fd = mkstemp(path);
    TDM_CHECK(fd >= 0);
    close(fd);
    fixture_open(&F, "W25N-SMALL", 3);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, tdm_nand_row(&F.nand, 9, 0), 0, F.page, 2048 + 24));
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 10));
    F.chip.faults.disturb_ppm = 7;
    F.chip.faults.torn_mask = 1u << TDM_SIM_TORN_WEAK;
    F.chip.faults.weak_life = 3;
    F.chip.health[5].weak = 1;
    F.chip.health[5].life = 3;
    TDM_CHECK_OK(tdm_sim_nand_save(&F.chip, path));
    struct tdm_sim_nand again;
    TDM_CHECK_OK(tdm_sim_nand_load(&again, path));
    /* the seeded faults and each page's hidden state (weak, ECC codewords) are in the file too */
    TDM_CHECK(again.faults.disturb_ppm == 7 && again.faults.torn_mask == F.chip.faults.torn_mask &&
              again.faults.weak_life == 3);
    TDM_CHECK(memcmp(again.health, F.chip.health, again.geo.blocks * 64 * sizeof *again.health) == 0);
    TDM_CHECK(again.erase_count[10] == 1 && again.stats.programs == 1 && again.stats.erases == 1);
    TDM_CHECK(again.dom->ops == F.chip.dom->ops && again.dom->clock_ns == F.chip.dom->clock_ns);
    for (uint32_t b = 0; b < again.geo.blocks; b++) {
        TDM_CHECK(tdm_sim_nand_marker_bad(&again, b) == tdm_sim_nand_marker_bad(&F.chip, b));
    }
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&again);
    TDM_CHECK(ops.read(ops.ctx, tdm_nand_row(&F.nand, 9, 0), 0, F.back, 2112) == 0);
    TDM_CHECK(memcmp(F.back, F.page, 2048 + 24) == 0);
    /* the in-order rule survives too: page 0 of block 9 is programmed, so it cannot be programmed again */
    TDM_CHECK_ERR(ops.program(ops.ctx, tdm_nand_row(&F.nand, 9, 0), 0, F.page, 4), TDM_E_NAND_NOT_ERASED);
    tdm_sim_nand_destroy(&again);
    tdm_sim_nand_destroy(&F.chip);
    /* a truncated file and a foreign file are refused whole */
    TDM_CHECK(truncate(path, 5000) == 0);
    TDM_CHECK_ERR(tdm_sim_nand_load(&again, path), TDM_E_SIM_FILE);
    FILE *f = fopen(path, "wb");
    TDM_CHECK(f != NULL);
    fputs("not a chip at all, just some text that is long enough to be read", f);
    fclose(f);
    TDM_CHECK_ERR(tdm_sim_nand_load(&again, path), TDM_E_SIM_FILE);
    TDM_CHECK_ERR(tdm_sim_nand_load(&again, "/nonexistent/dir/chip.bin"), TDM_E_SIM_FILE);
    unlink(path);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"erased chip reads all ones", erased_chip_reads_all_ones},
        {"programmed page reads back", programmed_page_reads_back},
        {"programming bits that are not erased is refused", programming_bits_that_are_not_erased_is_refused},
        {"more than NOP partial programs are refused", more_than_nop_partial_programs_are_refused},
        {"pages of a block are programmed in order", pages_of_a_block_are_programmed_in_order},
        {"addresses beyond the chip are refused", addresses_beyond_the_chip_are_refused},
        {"timing follows the datasheet", timing_follows_the_datasheet},
        {"every part in the table has sane figures", every_part_in_the_table_has_sane_figures},
        {"chip state survives between processes", chip_state_survives_between_processes},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
