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

/* Each geometry rule of init refuses its breach (a port that reports what the driver cannot address). */
static void init_refuses_each_geometry_breach(void)
{
    fixture_open(&F, "W25N01GV", 0);
    struct tdm_nand n;
    const struct tdm_nand_geometry good = F.chip.geo;
    for (int rule = 0; rule < 9; rule++) {
        struct tdm_nand_geometry *g = &F.chip.geo;
        *g = good;
        uint32_t *field[9] = {&g->oob_size, &g->oob_size, &g->pages_per_block, &g->pages_per_block, &g->blocks,
                              &g->ecc_sector, &g->tag_size, &g->tag_ecc, &g->page_size};
        const uint32_t bad[9] = {1, TDM_NAND_MAX_OOB + 1, 48, 512, 0, 0, good.oob_size + 1, good.tag_size + 1, 0};
        *field[rule] = bad[rule];
        TDM_CHECK_MSG(tdm_nand_init(&n, &F.ops) == TDM_E_NAND_GEOMETRY, "geometry rule %d", rule);
    }
    F.chip.geo = good;
    TDM_CHECK_ERR(tdm_nand_init(NULL, &F.ops), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_nand_init(&n, NULL), TDM_E_INVAL);
    struct tdm_nand_ops missing = F.ops;
    missing.read = NULL;
    TDM_CHECK_ERR(tdm_nand_init(&n, &missing), TDM_E_INVAL);
    tdm_sim_nand_destroy(&F.chip);
}

/* A port that counts the calls that reach it, then passes them to the chip. */
static uint64_t port_calls;
static int counted_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    port_calls++;
    return F.ops.read(ctx, row, col, buf, len);
}
static int counted_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    port_calls++;
    return F.ops.program(ctx, row, col, buf, len);
}
static int counted_erase(void *ctx, uint32_t block)
{
    port_calls++;
    return F.ops.erase(ctx, block);
}
static int counted_marked(void *ctx, uint32_t block)
{
    port_calls++;
    return F.ops.is_marked_bad(ctx, block);
}

static void addresses_past_the_chip_are_refused_without_a_port_call(void)
{
    fixture_open(&F, "W25N01GV", 0);
    struct tdm_nand_ops counted = F.ops;
    counted.read = counted_read;
    counted.program = counted_program;
    counted.erase = counted_erase;
    counted.is_marked_bad = counted_marked;
    struct tdm_nand n;
    TDM_CHECK_OK(tdm_nand_init(&n, &counted));
    uint32_t span = 2048 + n.geo.oob_size;
    port_calls = 0;
    TDM_CHECK_ERR(tdm_nand_read(&n, 1024 * 64, 0, F.back, 1), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_read(&n, 0, span + 1, F.back, 0), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_program(&n, 0, 2048, F.page, span - 2047), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_erase(&n, 1024), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_is_factory_bad(&n, 1024), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_mark_bad(&n, 1024), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_nand_program_page(&n, 1024 * 64, F.page, NULL, 0, 0), TDM_E_RANGE);
    uint8_t map[1];
    TDM_CHECK_ERR(tdm_nand_scan(&n, 1025, 0, map), TDM_E_RANGE);
    TDM_CHECK(port_calls == 0);
    tdm_sim_nand_destroy(&F.chip);
}

/* A port without a mapped view (tag_size 0, no marker calls): the raw spare, as on a plain parallel NAND
 * port. The driver layer finds the marker at spare column page_size itself. */
static int raw_geometry(void *ctx, struct tdm_nand_geometry *g)
{
    *g = ((struct tdm_sim_nand *)ctx)->geo;
    g->tag_size = g->tag_ecc = 0;
    return 0;
}
static int raw_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    return tdm_sim_nand_raw_read(ctx, row, col, buf, len);
}
static int raw_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    return tdm_sim_nand_raw_program(ctx, row, col, buf, len);
}

static void a_port_without_marker_calls_keeps_the_marker_in_the_first_spare_byte(void)
{
    fixture_open(&F, "W25N01GV", 12);
    struct tdm_nand_ops raw = {.ctx = &F.chip, .geometry = raw_geometry, .read = raw_read, .program = raw_program,
                               .erase = F.ops.erase};
    struct tdm_nand n;
    TDM_CHECK_OK(tdm_nand_init(&n, &raw));
    uint8_t map[128];
    TDM_CHECK(tdm_nand_scan(&n, 0, 1024, map) == 12);
    for (uint32_t b = 0; b < 1024; b++) {
        TDM_CHECK(((map[b / 8] >> (b % 8)) & 1) == tdm_sim_nand_marker_bad(&F.chip, b));
    }
    TDM_CHECK(!tdm_sim_nand_marker_bad(&F.chip, 9));
    TDM_CHECK_OK(tdm_nand_mark_bad(&n, 9)); /* erase, then the marker byte */
    TDM_CHECK(tdm_sim_nand_marker_bad(&F.chip, 9) && tdm_nand_is_factory_bad(&n, 9) == 1);
    F.chip.faults.bitflip_bits = F.chip.geo.ecc_bits + 1; /* a first page that reads uncorrectable: bad */
    F.chip.faults.bitflip_at_read = F.chip.reads_seen + 1;
    TDM_CHECK(tdm_nand_is_factory_bad(&n, 10) == 1);
    TDM_CHECK(tdm_nand_is_factory_bad(&n, 10) == 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program_page(&n, 11 * 64, F.page, NULL, 0, 0)); /* the whole spare is the user's */
    TDM_CHECK_ERR(tdm_nand_program_page(&n, 11 * 64 + 1, F.page, F.page, 60, 8), TDM_E_RANGE);
    TDM_CHECK_OK(tdm_nand_program_page(&n, 11 * 64 + 1, F.page, F.page + 2048, 2, 2)); /* unprotected bytes */
    TDM_CHECK(tdm_nand_read(&n, 11 * 64 + 1, 2048 + 2, F.back, 2) == 0 && !memcmp(F.back, F.page + 2048, 2));
    tdm_sim_nand_destroy(&F.chip);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"init refuses a geometry it cannot drive", init_refuses_a_geometry_it_cannot_drive},
        {"a page and its spare bytes program together", a_page_and_its_spare_bytes_program_together},
        {"a scan of a range reports only that range", a_scan_of_a_range_reports_only_that_range},
        {"init refuses each geometry breach", init_refuses_each_geometry_breach},
        {"addresses past the chip are refused without a port call",
         addresses_past_the_chip_are_refused_without_a_port_call},
        {"a port without marker calls keeps the marker in the first spare byte",
         a_port_without_marker_calls_keeps_the_marker_in_the_first_spare_byte},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
