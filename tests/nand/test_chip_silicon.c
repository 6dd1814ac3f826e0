/* The simulated chip against the vendors' documents: spare layout, ECC over-programming, ECC status
 * ranges, torn programs and erases, weak pages, read disturb and retention. One scenario per rule; the
 * source of each rule is in sim/nand_parts.c and docs/NAND.md. */
#include "chip_fixture.h"
#include "tandem/err.h"

static struct chip_fixture F;

static uint32_t rowof(uint32_t block, uint32_t page)
{
    return tdm_nand_row(&F.nand, block, page);
}

/* W25N01GV: 4 x (2 unprotected + 4 protected) free bytes, parity at bytes 8..15 of each section. */
static void each_part_offers_its_free_spare_bytes(void)
{
    static const struct {
        const char *part;
        uint32_t tag, ecc;
    } want[] = {{"W25N01GV", 24, 16}, {"MT29F1G01ABAFD", 62, 60}, {"GD5F1GQ4UA", 31, 16}};
    for (int i = 0; i < 3; i++) {
        fixture_open(&F, want[i].part, 0);
        TDM_CHECK(F.nand.geo.tag_size == want[i].tag && F.nand.geo.tag_ecc == want[i].ecc);
        tdm_sim_nand_destroy(&F.chip);
    }
}

static void parity_bytes_are_written_by_the_chip_not_the_user(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    uint8_t raw[2048 + 64];
    memcpy(raw, F.page, 2048);
    memset(raw + 2048, 0x00, 64); /* the user asks for 0x00 in every spare byte, parity included */
    TDM_CHECK_OK(tdm_sim_nand_raw_program(&F.chip, rowof(3, 0), 0, raw, sizeof raw));
    uint8_t back[64];
    TDM_CHECK(tdm_sim_nand_raw_read(&F.chip, rowof(3, 0), 2048, back, 64) == 0);
    int user = 1, chip_written = 0;
    for (uint32_t j = 0; j < 64; j++) {
        int parity = F.chip.raw_kind[j] == TDM_SIM_SPARE_PARITY;
        user &= parity || back[j] == 0x00;
        chip_written |= parity && back[j] != 0x00; /* ignored: the chip's own value is there */
    }
    TDM_CHECK(user && chip_written);
    /* the port's view holds only the free bytes: a program past the tag area is refused */
    uint8_t x = 0;
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, rowof(4, 0), 2048 + 24, &x, 1), TDM_E_RANGE);
    tdm_sim_nand_destroy(&F.chip);
}

static void the_marker_is_outside_the_tag_area(void)
{
    fixture_open(&F, "W25N01GV", 0);
    uint8_t tag[24];
    memset(tag, 0x00, sizeof tag); /* every tag byte programmed: the block must still read good */
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(6, 0), 2048, tag, sizeof tag));
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, 6) == 0);
    TDM_CHECK_OK(tdm_nand_mark_bad(&F.nand, 7));
    TDM_CHECK(tdm_nand_is_factory_bad(&F.nand, 7) == 1 && tdm_sim_nand_marker_bad(&F.chip, 7));
    tdm_sim_nand_destroy(&F.chip);
}

static void a_second_program_of_a_codeword_makes_it_uncorrectable(void)
{
    fixture_open(&F, "W25N01GV", 0);
    fixture_random_page(&F);
    /* sector 0 then sector 1: two programs, each codeword once: allowed (NOP 4) */
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(8, 0), 0, F.page, 512));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(8, 0), 512, F.page + 512, 512));
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(8, 0), 0, F.back, 1024) == 0);
    /* the tag's protected bytes belong to codeword 0: programming them later over-programs it */
    uint8_t tag[4] = {1, 2, 3, 4};
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(8, 0), 2048, tag, sizeof tag));
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, rowof(8, 0), 0, F.back, 1024), TDM_E_NAND_ECC);
    TDM_CHECK(F.chip.stats.over_programs == 1);
    /* unprotected tag bytes take a second program without harm */
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(9, 0), 0, F.page, 2048 + 16));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(9, 0), 2048 + 16, tag, sizeof tag));
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(9, 0), 0, F.back, 2048 + 24) == 0);
    tdm_sim_nand_destroy(&F.chip);
}

static int corrected_as_reported(const char *part, uint32_t bits)
{
    fixture_open(&F, part, 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(2, 0), 0, F.page, 2048));
    F.chip.faults.bitflip_at_read = F.chip.reads_seen + 1;
    F.chip.faults.bitflip_bits = bits;
    int r = tdm_nand_read(&F.nand, rowof(2, 0), 0, F.back, 2048);
    tdm_sim_nand_destroy(&F.chip);
    return r;
}

static void ecc_status_is_the_vendors_range(void)
{
    TDM_CHECK(corrected_as_reported("W25N01GV", 1) == 1);
    TDM_CHECK(corrected_as_reported("W25N01GV", 2) == TDM_E_NAND_ECC);
    TDM_CHECK(corrected_as_reported("MT29F1G01ABAFD", 1) == 3); /* 1-3 */
    TDM_CHECK(corrected_as_reported("MT29F1G01ABAFD", 4) == 6); /* 4-6 */
    TDM_CHECK(corrected_as_reported("MT29F1G01ABAFD", 7) == 8); /* 7-8 */
    TDM_CHECK(corrected_as_reported("GD5F1GQ4UA", 1) == 7);     /* 1-7 */
    TDM_CHECK(corrected_as_reported("GD5F1GQ4UA", 8) == 8);
    TDM_CHECK(corrected_as_reported("GD5F1GQ4UA", 9) == TDM_E_NAND_ECC);
}

/* Cut the next program of row (3, 0) with the torn outcome forced to `kind`; returns the read status. */
static int torn_program(unsigned kind, int *data_right)
{
    fixture_open(&F, "W25N-SMALL", 0);
    fixture_random_page(&F);
    F.chip.faults.torn_mask = 1u << kind;
    F.chip.faults.weak_life = 2;
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(tdm_nand_program(&F.nand, rowof(3, 0), 0, F.page, 2048 + 16), TDM_E_POWER);
    TDM_CHECK(F.chip.stats.torn[kind] == 1);
    tdm_sim_domain_power_on(F.chip.dom);
    int r = tdm_nand_read(&F.nand, rowof(3, 0), 0, F.back, 2048 + 16);
    *data_right = memcmp(F.back, F.page, 2048 + 16) == 0;
    return r;
}

static void a_torn_program_ends_as_one_of_five_outcomes(void)
{
    int right;
    TDM_CHECK(torn_program(TDM_SIM_TORN_ERASED, &right) == 0 && all_bytes(F.back, 2048 + 16, 0xFF));
    tdm_sim_nand_destroy(&F.chip);
    TDM_CHECK(torn_program(TDM_SIM_TORN_CORRECTABLE, &right) == 1 && right);
    tdm_sim_nand_destroy(&F.chip);
    TDM_CHECK(torn_program(TDM_SIM_TORN_UNCORRECTABLE, &right) == TDM_E_NAND_ECC && !right);
    tdm_sim_nand_destroy(&F.chip);
    TDM_CHECK(torn_program(TDM_SIM_TORN_MISCORRECTED, &right) == 0 && !right); /* only a CRC can tell */
    tdm_sim_nand_destroy(&F.chip);
    TDM_CHECK(torn_program(TDM_SIM_TORN_WEAK, &right) == 0 && right);
    tdm_sim_nand_destroy(&F.chip);
}

static void a_weak_page_decays_to_correctable_then_uncorrectable(void)
{
    int right;
    TDM_CHECK(torn_program(TDM_SIM_TORN_WEAK, &right) == 0 && right); /* life 2 power cuts */
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(3, 0), 0, F.back, 2048) == 1);
    TDM_CHECK(memcmp(F.back, F.page, 2048) == 0);
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, rowof(3, 0), 0, F.back, 2048), TDM_E_NAND_ECC);
    tdm_sim_nand_destroy(&F.chip);
    /* reads age it too: 64 reads count as one power cut */
    TDM_CHECK(torn_program(TDM_SIM_TORN_WEAK, &right) == 0);
    int r = 0;
    for (int i = 0; i < 200 && r >= 0; i++) {
        r = tdm_nand_read(&F.nand, rowof(3, 0), 0, F.back, 16);
    }
    TDM_CHECK(r == TDM_E_NAND_ECC);
    tdm_sim_nand_destroy(&F.chip);
}

static int torn_erase(unsigned kind)
{
    fixture_open(&F, "W25N-SMALL", 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(5, 0), 0, F.page, 2048));
    F.chip.faults.torn_mask = 1u << kind;
    F.chip.faults.weak_life = 1;
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(tdm_nand_erase(&F.nand, 5), TDM_E_POWER);
    tdm_sim_domain_power_on(F.chip.dom);
    return (int)F.chip.stats.torn[kind];
}

static void a_torn_erase_is_partial_or_reads_erased_but_weak(void)
{
    TDM_CHECK(torn_erase(TDM_SIM_TORN_ERASE_PARTIAL) == 1);
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, rowof(5, 63), 0, F.back, 2048), TDM_E_NAND_ECC); /* the last page */
    tdm_sim_nand_destroy(&F.chip);
    TDM_CHECK(torn_erase(TDM_SIM_TORN_ERASE_WEAK) == 1);
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(5, 0), 0, F.back, 2048) == 0 && all_bytes(F.back, 2048, 0xFF));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(5, 0), 0, F.page, 2048)); /* accepts programs */
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(5, 0), 0, F.back, 2048) == 0);
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, rowof(5, 0), 0, F.back, 2048), TDM_E_NAND_ECC); /* then decays */
    tdm_sim_nand_destroy(&F.chip);
}

static void read_disturb_and_retention_flip_bits_for_good(void)
{
    fixture_open(&F, "W25N-SMALL", 0);
    fixture_random_page(&F);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(4, 0), 0, F.page, 2048));
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(4, 1), 0, F.page, 2048));
    F.chip.faults.disturb_ppm = 1000000;
    for (int i = 0; i < 2000 && F.chip.health[rowof(4, 0)].flips == 0; i++) { /* reads of page 1 disturb page 0 */
        TDM_CHECK(tdm_nand_read(&F.nand, rowof(4, 1), 0, F.back, 16) >= 0);
    }
    F.chip.faults.disturb_ppm = 0;
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(4, 0), 0, F.back, 2048) == 1); /* one bit, corrected (W25N: 1) */
    TDM_CHECK(memcmp(F.back, F.page, 2048) == 0);
    TDM_CHECK_OK(tdm_nand_program(&F.nand, rowof(6, 0), 0, F.page, 2048));
    F.chip.faults.retention_ppm = 1000000;
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK(tdm_nand_read(&F.nand, rowof(6, 0), 0, F.back, 2048) == 1);
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK_ERR(tdm_nand_read(&F.nand, rowof(6, 0), 0, F.back, 2048), TDM_E_NAND_ECC);
    TDM_CHECK_OK(tdm_nand_erase(&F.nand, 6)); /* an erase clears them */
    TDM_CHECK(F.chip.health[rowof(6, 0)].flips == 0);
    tdm_sim_nand_destroy(&F.chip);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"each part offers its free spare bytes, protected first", each_part_offers_its_free_spare_bytes},
        {"parity bytes are written by the chip, not the user", parity_bytes_are_written_by_the_chip_not_the_user},
        {"the bad-block marker is outside the tag area", the_marker_is_outside_the_tag_area},
        {"a second program of an ECC codeword makes it uncorrectable",
         a_second_program_of_a_codeword_makes_it_uncorrectable},
        {"ECC status is the vendor's range, reported as its upper bound", ecc_status_is_the_vendors_range},
        {"a torn program ends as one of five outcomes", a_torn_program_ends_as_one_of_five_outcomes},
        {"a weak page decays to correctable, then uncorrectable", a_weak_page_decays_to_correctable_then_uncorrectable},
        {"a torn erase is partial, or reads erased but weak", a_torn_erase_is_partial_or_reads_erased_but_weak},
        {"read disturb and retention flip bits for good", read_disturb_and_retention_flip_bits_for_good},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
