/* The NAND driver layer (nand/) as a specification: geometry checks, page programs with OOB, scans. */
#include "chip_fixture.h"

static struct chip_fixture F;

static void init_refuses_a_geometry_it_cannot_drive(void)
{
    fixture_open(&F, "W25N01GV", 0);
    struct tdm_nand n;
    F.chip.geo.page_size = 3000; /* not a power of two */
    TDM_CHECK_ERR(tdm_nand_init(&n, &F.ops), TDM_E_NAND_GEOMETRY);
    F.chip.geo.page_size = 8192; /* larger than TDM_NAND_MAX_PAGE */
    TDM_CHECK_ERR(tdm_nand_init(&n, &F.ops), TDM_E_NAND_GEOMETRY);
    F.chip.geo.page_size = 2048;
    F.chip.geo.nop = 0;
    TDM_CHECK_ERR(tdm_nand_init(&n, &F.ops), TDM_E_NAND_GEOMETRY);
    F.chip.geo.nop = 4;
    TDM_CHECK_OK(tdm_nand_init(&n, &F.ops));
    TDM_CHECK(n.ppb_shift == 6 && tdm_nand_row(&n, 3, 5) == 3 * 64 + 5);
    struct tdm_nand_ops missing = F.ops;
    missing.erase = NULL;
    TDM_CHECK_ERR(tdm_nand_init(&n, &missing), TDM_E_INVAL);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_page_and_its_spare_bytes_program_together(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    uint8_t oob[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    /* the tag bytes the ECC covers cannot take a second program (over-program): refused up front */
    TDM_CHECK_ERR(tdm_nand_program_page(&F.nand, 70, F.page, oob, 0, sizeof oob), TDM_E_INVAL);
    uint32_t at = F.nand.geo.tag_ecc; /* the unprotected tag bytes can */
    TDM_CHECK_OK(tdm_nand_program_page(&F.nand, 70, F.page, oob, at, sizeof oob));
    TDM_CHECK(tdm_nand_read(&F.nand, 70, 0, F.back, 2048 + 24) == 0);
    TDM_CHECK(memcmp(F.back, F.page, 2048) == 0 && memcmp(F.back + 2048 + at, oob, 8) == 0);
    TDM_CHECK(F.chip.page_nprog[70] == 2); /* data and spare: two partial programs of the NOP budget */
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, 70 / 64) == 0);
    TDM_CHECK_ERR(tdm_nand_program_page(&F.nand, 71, F.page, oob, 20, 8), TDM_E_RANGE);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_scan_of_a_range_reports_only_that_range(void)
{
    fixture_open(&F, "W25N01GV", 20);
    uint8_t all[128], part[8];
    int total = tdm_nand_scan(&F.nand, 0, 1024, all);
    int some = tdm_nand_scan(&F.nand, 512, 64, part);
    TDM_CHECK(total == 20 && some >= 0);
    int expect = 0;
    for (uint32_t b = 512; b < 576; b++) {
        int in_all = (all[b / 8] >> (b % 8)) & 1;
        expect += in_all;
        TDM_CHECK(in_all == ((part[(b - 512) / 8] >> ((b - 512) % 8)) & 1));
    }
    TDM_CHECK(some == expect);
    TDM_CHECK_ERR(tdm_nand_scan(&F.nand, 1000, 100, part), TDM_E_RANGE);
    TDM_CHECK(F.chip.stats.erases == 0 && F.chip.stats.programs == 0); /* a scan only reads */
    tdm_sim_nand_destroy(&F.chip);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"init refuses a geometry it cannot drive", init_refuses_a_geometry_it_cannot_drive},
        {"a page and its spare bytes program together", a_page_and_its_spare_bytes_program_together},
        {"a scan of a range reports only that range", a_scan_of_a_range_reports_only_that_range},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
