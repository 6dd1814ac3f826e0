/* The SPI-NAND driver (nand/spinand.c) over the command-level chip, on each part: init, unlock, pages with
 * tags, ECC statuses, program and erase failures, and what happens to a driver that forgets the lock. */
#include "spinand_fixture.h"

static struct spinand_fixture F;

#define SPIM4_HZ 32000000u

static void init_detects_each_part_unlocks_it_and_turns_ecc_on(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
        TDM_CHECK_MSG(!strcmp(F.drv.part->name, spinand_parts[i]), "detected %s", F.drv.part->name);
        TDM_CHECK((F.sim.prot & F.sim.part->prot_lock) == 0 && (F.sim.cfg & F.sim.part->cfg_ecc));
        struct tdm_nand_geometry g;
        TDM_CHECK_OK(F.port.geometry(F.port.ctx, &g));
        TDM_CHECK(g.oob_size == g.tag_size && g.tag_ecc <= g.tag_size && g.blocks == 1024);
        TDM_CHECK(F.sim.stats.proto_errors == 0);
        sf_close(&F);
    }
}

static void an_unknown_id_is_refused(void)
{
    sf_open(&F, "W25N01GV", 0);
    struct tdm_sim_spinand_part other = *F.sim.part;
    other.id[1] = 0xBA; /* a W25N01GW: not in the table */
    F.sim.part = &other;
    TDM_CHECK_ERR(sf_driver(&F, SPIM4_HZ, 1), TDM_E_NAND_ID);
    sf_close(&F);
}

static void ecc_that_stays_off_is_refused(void)
{
    sf_open(&F, "GD5F1GQ4UA", 0);
    F.sim.cfg &= (uint8_t)~F.sim.part->cfg_ecc;
    F.sim.cfg_frozen = F.sim.part->cfg_ecc;
    TDM_CHECK_ERR(sf_driver(&F, SPIM4_HZ, 1), TDM_E_NAND_FEATURE);
    sf_close(&F);
}

static void a_lock_that_stays_set_is_refused(void)
{
    sf_open(&F, "MT29F1G01ABAFD", 0);
    F.sim.prot_frozen = true;
    TDM_CHECK_ERR(sf_driver(&F, SPIM4_HZ, 1), TDM_E_NAND_FEATURE);
    sf_close(&F);
}

/* Tag bytes must land on the part's free bytes only: every other raw spare byte stays FFh. */
static void check_raw_spare(uint32_t row, const uint8_t *tag)
{
    uint8_t spare[128], used[128] = {0};
    uint32_t oob = F.chip.geo.oob_size, t = 0;
    TDM_CHECK(tdm_sim_nand_raw_read(&F.chip, row, 2048, spare, oob) >= 0); /* the raw spare, parity included */
    for (const struct tdm_sim_spare *r = F.chip.part->spare; r->kind != TDM_SIM_SPARE_END; r++) {
        for (uint32_t k = 0; r->kind == TDM_SIM_SPARE_PARITY && k < r->len; k++) {
            used[r->off + k] = 1; /* the chip's own parity: not the driver's to leave erased */
        }
    }
    for (unsigned i = 0; i < F.drv.part->n_spans; i++) {
        for (uint32_t k = 0; k < F.drv.part->tag[i].len; k++, t++) {
            uint32_t at = F.drv.part->tag[i].off + k;
            TDM_CHECK_MSG(spare[at] == tag[t], "tag byte %u at spare %u", t, at);
            used[at] = 1;
        }
    }
    for (uint32_t at = 0; at < oob; at++) {
        TDM_CHECK_MSG(used[at] || spare[at] == 0xFF, "spare byte %u written outside the tag area", at);
    }
}

static void pages_with_tags_read_back_on_each_part(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        for (uint32_t lines = 1; lines <= 4; lines += 3) {
            sf_open(&F, spinand_parts[i], 0);
            TDM_CHECK_OK(sf_driver(&F, lines == 1 ? SPIM4_HZ : 96000000u, lines));
            uint32_t tag = F.drv.geo.tag_size;
            for (uint32_t pg = 0; pg < 4; pg++) {
                uint32_t row = 2 * 64 + pg;
                tdm_rng_fill(&F.rng, F.page, 2048 + tag);
                if (pg == 3) { /* tag only, in its own program */
                    TDM_CHECK_OK(F.port.program(F.port.ctx, row, 2048, F.page + 2048, tag));
                    memset(F.page, 0xFF, 2048);
                } else {
                    TDM_CHECK_OK(F.port.program(F.port.ctx, row, 0, F.page, 2048 + tag));
                }
                memset(F.back, 0, sizeof F.back);
                TDM_CHECK(F.port.read(F.port.ctx, row, 0, F.back, 2048 + tag) == 0);
                TDM_CHECK_MSG(memcmp(F.back, F.page, 2048 + tag) == 0, "%s page %u lines %u", spinand_parts[i],
                              pg, lines);
                TDM_CHECK(F.port.read(F.port.ctx, row, 2048 + 3, F.back, tag - 3) == 0);
                TDM_CHECK(memcmp(F.back, F.page + 2048 + 3, tag - 3) == 0);
                check_raw_spare(row, F.page + 2048);
            }
            TDM_CHECK_ERR(F.port.read(F.port.ctx, 0, 2048, F.back, tag + 1), TDM_E_RANGE);
            TDM_CHECK(F.sim.stats.proto_errors == 0 && F.chip.stats.rule_violations == 0);
            sf_close(&F);
        }
    }
}

/* Independent of the driver's table: the parity bytes each vendor's ECC writes (Linux ooblayout .ecc). */
static int is_parity(int part, uint32_t at)
{
    return part == 1 ? at >= 64 : (at % 16) >= 8;
}

static void the_tag_area_avoids_the_marker_and_the_parity_bytes(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
        const struct tdm_spinand_part *p = F.drv.part;
        uint32_t sum = 0;
        for (unsigned k = 0; k < p->n_spans; k++) {
            for (uint32_t at = p->tag[k].off; at < p->tag[k].off + p->tag[k].len; at++) {
                TDM_CHECK_MSG(at != p->bbm && !is_parity(i, at), "%s: spare byte %u in the tag", p->name, at);
            }
            sum += p->tag[k].len;
        }
        TDM_CHECK(sum == p->geo.tag_size && p->geo.tag_ecc <= sum);
        /* a tag of all zeros in a block's first page does not make the block look bad */
        memset(F.page, 0x00, sizeof F.page);
        TDM_CHECK_OK(F.port.program(F.port.ctx, 4 * 64, 2048, F.page, p->geo.tag_size));
        TDM_CHECK(tdm_spinand_is_marked_bad(&F.drv, 4) == 0);
        sf_close(&F);
    }
}

/* The chip ignores write enable while busy: the driver must not report the program done. */
static void a_program_the_chip_did_not_take_is_not_reported_done(void)
{
    sf_open(&F, "GD5F1GQ4UA", 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    TDM_CHECK_OK(sf_row(&F, 0x13, 0)); /* someone else's page read: busy for tR */
    TDM_CHECK_ERR(F.port.program(F.port.ctx, 64, 2048, F.page, 4), TDM_E_IO);
    sf_close(&F);
}

static void ecc_statuses_surface_as_the_upper_bound_of_the_vendor_range(void)
{
    static const int bound[SPINAND_NPARTS][10] = {
        {0, 1, -1}, {0, 3, 3, 3, 6, 6, 6, 8, 8, -1}, {0, 7, 7, 7, 7, 7, 7, 7, 8, -1}};
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
        TDM_CHECK_OK(F.port.program(F.port.ctx, 64, 0, F.page, 2048));
        for (uint32_t bits = 0; bits <= F.chip.geo.ecc_bits + 1; bits++) {
            F.chip.faults.bitflip_bits = bits;
            F.chip.faults.bitflip_at_read = bits ? F.chip.reads_seen + 1 : 0;
            int r = F.port.read(F.port.ctx, 64, 0, F.back, 2048);
            int want = bound[i][bits] < 0 ? TDM_E_NAND_ECC : bound[i][bits];
            TDM_CHECK_MSG(r == want, "%s: %u bits read %d, want %d", spinand_parts[i], bits, r, want);
        }
        sf_close(&F);
    }
}

static void program_fail_and_erase_fail_surface(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
        tdm_sim_nand_make_weak(&F.chip, 6);
        TDM_CHECK_ERR(F.port.program(F.port.ctx, 6 * 64, 0, F.page, 2048), TDM_E_NAND_PROGRAM);
        TDM_CHECK_ERR(F.port.erase(F.port.ctx, 6), TDM_E_NAND_ERASE);
        TDM_CHECK_OK(F.port.erase(F.port.ctx, 7));
        sf_close(&F);
    }
}

static void a_driver_that_forgets_to_unlock_fails(void)
{
    sf_open(&F, "W25N01GV", 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    TDM_CHECK_OK(F.port.program(F.port.ctx, 64, 0, F.page, 2048));
    /* the chip is power-cycled, the driver is not initialized again: every block is locked */
    tdm_sim_domain_cut_now(F.chip.dom);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK_ERR(F.port.program(F.port.ctx, 65, 0, F.page, 2048), TDM_E_NAND_PROGRAM);
    TDM_CHECK_ERR(F.port.erase(F.port.ctx, 1), TDM_E_NAND_ERASE);
    TDM_CHECK(F.port.read(F.port.ctx, 64, 0, F.back, 2048) == 0 && memcmp(F.back, F.page, 2048) == 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    TDM_CHECK_OK(F.port.program(F.port.ctx, 65, 0, F.page, 2048));
    sf_close(&F);
}

static void factory_marks_are_read_at_their_datasheet_place(void)
{
    sf_open(&F, "MT29F1G01ABAFD", 8);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    uint32_t marked = 0;
    for (uint32_t b = 0; b < F.chip.geo.blocks; b++) {
        int r = tdm_spinand_is_marked_bad(&F.drv, b);
        TDM_CHECK(r >= 0 && r == (int)tdm_sim_nand_marker_bad(&F.chip, b));
        marked += (uint32_t)r;
    }
    TDM_CHECK(marked == 8);
    TDM_CHECK_OK(tdm_spinand_mark_bad(&F.drv, 3));
    TDM_CHECK(tdm_spinand_is_marked_bad(&F.drv, 3) == 1 && tdm_sim_nand_marker_bad(&F.chip, 3));
    sf_close(&F);
}

/* The physical limit of a page program at SPIM4's 32 MHz single line: the transfer plus tPROG. */
static void a_page_program_costs_the_transfer_plus_tprog(void)
{
    sf_open(&F, "W25N01GV", 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    uint64_t t0 = F.chip.dom->clock_ns;
    TDM_CHECK_OK(F.port.program(F.port.ctx, 64, 0, F.page, 2048));
    uint64_t took = F.chip.dom->clock_ns - t0;
    uint64_t limit = 2048ull * 8 * 1000000000ull / SPIM4_HZ + F.chip.part->t_prog_typ_ns;
    TDM_CHECK_MSG(took >= limit && took * 100 <= limit * 102, "program took %llu ns, limit %llu ns",
                  (unsigned long long)took, (unsigned long long)limit);
    sf_close(&F);
}

/* With its tag a page costs no more than the limit (tdm_sim_spinand_program_limit_ns), the write-enable
 * check and the spare bytes up to the last one the tag reaches: the spare goes in the data's load, not in
 * a second one of the whole spare area. Store-sized tags (16 protected bytes), each part. */
static void a_page_with_its_tag_costs_the_spare_bytes_the_tag_reaches(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
        uint32_t reach = F.chip.tag_raw[15] + 1u; /* protected bytes come first: tag byte 15 is the last */
        uint64_t t0 = F.chip.dom->clock_ns;
        TDM_CHECK_OK(F.port.program(F.port.ctx, 64, 0, F.page, 2048 + 16));
        uint64_t took = F.chip.dom->clock_ns - t0;
        uint64_t limit = tdm_sim_spinand_program_limit_ns(&F.sim, 2048);
        uint64_t allowed = limit + (reach + 3ull) * 8 * 1000000000ull / SPIM4_HZ + 1; /* + spare, + WEL read */
        TDM_CHECK_MSG(took >= limit && took <= allowed, "%s: took %llu ns, limit %llu, allowed %llu",
                      spinand_parts[i], (unsigned long long)took, (unsigned long long)limit,
                      (unsigned long long)allowed);
        sf_close(&F);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"init detects each part, unlocks it and turns ecc on", init_detects_each_part_unlocks_it_and_turns_ecc_on},
        {"an unknown id is refused", an_unknown_id_is_refused},
        {"ecc that stays off is refused", ecc_that_stays_off_is_refused},
        {"a lock that stays set is refused", a_lock_that_stays_set_is_refused},
        {"pages with tags read back on each part", pages_with_tags_read_back_on_each_part},
        {"the tag area avoids the marker and the parity bytes", the_tag_area_avoids_the_marker_and_the_parity_bytes},
        {"a program the chip did not take is not reported done",
         a_program_the_chip_did_not_take_is_not_reported_done},
        {"ecc statuses surface as the upper bound of the vendor range",
         ecc_statuses_surface_as_the_upper_bound_of_the_vendor_range},
        {"program fail and erase fail surface", program_fail_and_erase_fail_surface},
        {"a driver that forgets to unlock fails", a_driver_that_forgets_to_unlock_fails},
        {"factory marks are read at their datasheet place", factory_marks_are_read_at_their_datasheet_place},
        {"a page program costs the transfer plus tprog", a_page_program_costs_the_transfer_plus_tprog},
        {"a page with its tag costs the spare bytes the tag reaches",
         a_page_with_its_tag_costs_the_spare_bytes_the_tag_reaches},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
