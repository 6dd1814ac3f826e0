/* The SPI-NAND chip at the command level as a specification: one scenario per datasheet rule.
 * Sources of each rule: sim/spinand_parts.c and docs/NAND.md. */
#include "spinand_fixture.h"

static struct spinand_fixture F;

#define SR_OIP TDM_SPINAND_SR_OIP
#define SR_WEL TDM_SPINAND_SR_WEL

/* Raw look at a page through the page-level chip (the same array). */
static uint8_t raw_byte(uint32_t row, uint32_t col)
{
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&F.chip);
    uint8_t b = 0;
    TDM_CHECK(ops.read(ops.ctx, row, col, &b, 1) >= 0);
    return b;
}

static void unlock(void)
{
    sf_set(&F, 0xA0, 0x00);
}

/* WREN, load `n` bytes at col 0, execute on `row`, wait. */
static void program_page(uint32_t row, const void *p, uint32_t n)
{
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    sf_load(&F, 0x02, 0, p, n);
    TDM_CHECK_OK(sf_row(&F, 0x10, row));
    sf_wait(&F);
}

static void jedec_id_per_part(void)
{
    static const uint8_t want[SPINAND_NPARTS][3] = {{0xEF, 0xAA, 0x21}, {0x2C, 0x14, 0xFF}, {0xC8, 0xF1, 0xFF}};
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        uint8_t cmd[2] = {0x9F, 0x00}, id[3];
        TDM_CHECK_OK(sf_tx(&F, cmd, 2, 0, 0, id, 3, 1));
        TDM_CHECK_MSG(memcmp(id, want[i], 3) == 0, "%s: %02X %02X %02X", spinand_parts[i], id[0], id[1], id[2]);
        /* The dummy byte is part of the command: clocked as a read, the ID comes one byte late. */
        uint8_t op = 0x9F;
        TDM_CHECK_OK(sf_tx(&F, &op, 1, 0, 0, id, 3, 1));
        TDM_CHECK_MSG(F.sim.part->id_addr || (id[0] == 0xFF && id[1] == want[i][0]), "%s", spinand_parts[i]);
        sf_close(&F);
    }
    /* GigaDevice takes an address, not a dummy: clocking it as a read is refused. */
    sf_open(&F, "GD5F1GQ4UA", 0);
    uint64_t before = F.sim.stats.proto_errors;
    uint8_t op = 0x9F, id[3];
    TDM_CHECK_OK(sf_tx(&F, &op, 1, 0, 0, id, 3, 1));
    TDM_CHECK(F.sim.stats.proto_errors > before);
    sf_close(&F);
}

static void every_block_is_locked_after_power_up(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        TDM_CHECK_MSG(sf_get(&F, 0xA0) & F.sim.part->prot_lock, "%s powers up unlocked", spinand_parts[i]);
        uint32_t row = 5 * 64;
        program_page(row, F.page, 16);
        TDM_CHECK_MSG(sf_get(&F, 0xC0) & TDM_SPINAND_SR_PFAIL, "%s: no P_FAIL", spinand_parts[i]);
        TDM_CHECK(raw_byte(row, 0) == 0xFF && F.sim.stats.lock_refused == 1);
        unlock();
        program_page(row, F.page, 16);
        TDM_CHECK(!(sf_get(&F, 0xC0) & TDM_SPINAND_SR_PFAIL) && raw_byte(row, 0) == F.page[0]);
        /* a power cycle locks the chip again */
        tdm_sim_domain_cut_now(F.chip.dom);
        tdm_sim_domain_power_on(F.chip.dom);
        TDM_CHECK(sf_get(&F, 0xA0) == F.sim.part->prot_powerup);
        sf_close(&F);
    }
}

static void a_locked_block_refuses_program_and_erase(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    program_page(7 * 64, F.page, 64);
    sf_set(&F, 0xA0, 0x7C); /* lock again */
    program_page(7 * 64 + 1, F.page, 64);
    TDM_CHECK(sf_get(&F, 0xC0) & TDM_SPINAND_SR_PFAIL);
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    TDM_CHECK_OK(sf_row(&F, 0xD8, 7 * 64));
    sf_wait(&F);
    TDM_CHECK(sf_get(&F, 0xC0) & TDM_SPINAND_SR_EFAIL);
    TDM_CHECK(raw_byte(7 * 64, 0) == F.page[0] && raw_byte(7 * 64 + 1, 0) == 0xFF);
    TDM_CHECK(F.sim.stats.lock_refused == 2);
    sf_close(&F);
}

static void write_enable_is_required_and_cleared_after_program_and_erase(void)
{
    sf_open(&F, "MT29F1G01ABAFD", 0);
    unlock();
    sf_load(&F, 0x02, 0, F.page, 32);
    TDM_CHECK_OK(sf_row(&F, 0x10, 64)); /* no WREN: ignored */
    TDM_CHECK(!(sf_get(&F, 0xC0) & SR_OIP) && raw_byte(64, 0) == 0xFF && F.sim.stats.wel_missing == 1);
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    TDM_CHECK(sf_get(&F, 0xC0) & SR_WEL);
    TDM_CHECK_OK(sf_cmd(&F, 0x04)); /* write disable */
    TDM_CHECK(!(sf_get(&F, 0xC0) & SR_WEL));
    program_page(64, F.page, 32);
    TDM_CHECK(!(sf_get(&F, 0xC0) & SR_WEL) && raw_byte(64, 0) == F.page[0]);
    TDM_CHECK_OK(sf_row(&F, 0xD8, 64)); /* WEL was cleared by the program: ignored */
    sf_wait(&F);
    TDM_CHECK(raw_byte(64, 0) == F.page[0] && F.sim.stats.wel_missing == 2);
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    TDM_CHECK_OK(sf_row(&F, 0xD8, 64));
    sf_wait(&F);
    TDM_CHECK(!(sf_get(&F, 0xC0) & SR_WEL) && raw_byte(64, 0) == 0xFF);
    sf_close(&F);
}

static void status_bits_while_busy(void)
{
    sf_open(&F, "GD5F1GQ4UA", 0);
    unlock();
    uint64_t t0 = F.chip.dom->clock_ns;
    TDM_CHECK_OK(sf_row(&F, 0x13, 3));
    TDM_CHECK(sf_get(&F, 0xC0) & SR_OIP);
    uint32_t polls = 0;
    while (sf_get(&F, 0xC0) & SR_OIP) {
        polls++;
    }
    uint64_t took = F.chip.dom->clock_ns - t0;
    TDM_CHECK_MSG(took >= F.chip.part->t_read_typ_ns && took < F.chip.part->t_read_typ_ns + 5000,
                  "page read busy %llu ns, %u polls", (unsigned long long)took, polls);
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    sf_load(&F, 0x02, 0, F.page, 8);
    TDM_CHECK_OK(sf_row(&F, 0x10, 3));
    uint8_t st = sf_get(&F, 0xC0);
    TDM_CHECK_MSG((st & (SR_OIP | SR_WEL)) == (SR_OIP | SR_WEL), "status %02X while programming", st);
    tdm_sim_domain_advance(F.chip.dom, F.chip.part->t_prog_typ_ns);
    st = sf_get(&F, 0xC0);
    TDM_CHECK_MSG((st & (SR_OIP | SR_WEL)) == 0, "status %02X after tPROG", st);
    sf_close(&F);
}

static void reading_while_busy_is_ignored(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    program_page(9, F.page, 64);
    TDM_CHECK_OK(sf_row(&F, 0x13, 9));
    sf_read_cache(&F, 0, F.back, 64); /* OIP still set: the chip does not answer */
    TDM_CHECK(F.back[0] == 0xFF && memcmp(F.back, F.page, 64) != 0 && F.sim.stats.busy_ignored == 1);
    sf_wait(&F);
    sf_read_cache(&F, 0, F.back, 64);
    TDM_CHECK(memcmp(F.back, F.page, 64) == 0);
    sf_close(&F);
}

static void program_load_then_execute(void)
{
    sf_open(&F, "MT29F1G01ABAFD", 0);
    unlock();
    program_page(64 * 3, F.page, 2048);
    TDM_CHECK_OK(sf_row(&F, 0x13, 64 * 3));
    sf_wait(&F);
    sf_read_cache(&F, 0, F.back, 2048 + 128);
    TDM_CHECK(memcmp(F.back, F.page, 2048) == 0);
    TDM_CHECK(F.back[2048] == 0xFF && F.back[2048 + 127] == 0xFF); /* not loaded: FFh, programs nothing */
    sf_close(&F);
}

static void random_program_load_keeps_the_cache(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    sf_load(&F, 0x02, 0, F.page, 16);
    sf_load(&F, 0x84, 100, F.page + 100, 16); /* random load: the first 16 bytes stay */
    TDM_CHECK_OK(sf_row(&F, 0x10, 11));
    sf_wait(&F);
    TDM_CHECK(raw_byte(11, 0) == F.page[0] && raw_byte(11, 100) == F.page[100]);
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    sf_load(&F, 0x02, 0, F.page, 16);
    sf_load(&F, 0x02, 100, F.page + 100, 16); /* a second program load resets the cache to FFh */
    TDM_CHECK_OK(sf_row(&F, 0x10, 12));
    sf_wait(&F);
    TDM_CHECK(raw_byte(12, 0) == 0xFF && raw_byte(12, 100) == F.page[100]);
    sf_close(&F);
}

/* The vendor's field for `bits` corrected bits (ecc_bits + 1 = uncorrectable), from the datasheets. */
static uint8_t expected_code(int part, uint32_t bits)
{
    static const uint8_t w25n[] = {0, 1, 2};
    static const uint8_t mt29f[] = {0, 1, 1, 1, 3, 3, 3, 5, 5, 2};
    static const uint8_t gd5f[] = {0, 1, 1, 1, 1, 1, 1, 1, 3, 2};
    return part == 0 ? w25n[bits] : part == 1 ? mt29f[bits] : gd5f[bits];
}

static void ecc_status_encodings_per_part(void)
{
    for (int i = 0; i < SPINAND_NPARTS; i++) {
        sf_open(&F, spinand_parts[i], 0);
        unlock();
        program_page(20, F.page, 2048);
        for (uint32_t bits = 0; bits <= F.chip.geo.ecc_bits + 1; bits++) {
            F.chip.faults.bitflip_bits = bits;
            F.chip.faults.bitflip_at_read = bits ? F.chip.reads_seen + 1 : 0;
            TDM_CHECK_OK(sf_row(&F, 0x13, 20));
            sf_wait(&F);
            uint8_t field = (uint8_t)((sf_get(&F, 0xC0) >> F.sim.part->ecc_shift) & F.sim.part->ecc_mask);
            TDM_CHECK_MSG(field == expected_code(i, bits), "%s: %u bits -> code %u, datasheet %u",
                          spinand_parts[i], bits, field, expected_code(i, bits));
        }
        sf_close(&F);
    }
}

static void w25n_bad_block_lut_links_a_block(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    uint8_t swap[5] = {0xA1, 0x00, 5, 0x00, 9}; /* logical block 5 -> physical block 9 */
    TDM_CHECK_OK(sf_tx(&F, swap, 5, 0, 0, 0, 0, 1));
    TDM_CHECK(F.sim.lut_n == 0); /* without write enable: ignored (assumed rule) */
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    TDM_CHECK_OK(sf_tx(&F, swap, 5, 0, 0, 0, 0, 1));
    program_page(5 * 64, F.page, 8);
    TDM_CHECK(raw_byte(9 * 64, 0) == F.page[0] && raw_byte(5 * 64, 0) == 0xFF);
    uint8_t rd[2] = {0xA5, 0x00}, lut[8];
    TDM_CHECK_OK(sf_tx(&F, rd, 2, 0, 0, lut, 8, 1));
    TDM_CHECK(lut[0] == 0x80 && lut[1] == 5 && lut[2] == 0 && lut[3] == 9 && lut[4] == 0);
    sf_close(&F);
    sf_open(&F, "MT29F1G01ABAFD", 0); /* no LUT on the Micron part */
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    TDM_CHECK_OK(sf_tx(&F, swap, 5, 0, 0, 0, 0, 1));
    TDM_CHECK(F.sim.lut_n == 0 && F.sim.stats.proto_errors == 1);
    sf_close(&F);
}

static void w25n_continuous_read_mode_ignores_the_column(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    program_page(30, F.page, 2048);
    sf_set(&F, 0xB0, (uint8_t)(sf_get(&F, 0xB0) & ~0x08)); /* BUF = 0 */
    TDM_CHECK_OK(sf_row(&F, 0x13, 30));
    sf_wait(&F);
    sf_read_cache(&F, 100, F.back, 4);
    TDM_CHECK(memcmp(F.back, F.page, 4) == 0); /* column 0, not 100 */
    sf_close(&F);
}

static void gd5f_quad_commands_need_qe(void)
{
    sf_open(&F, "GD5F1GQ4UA", 0);
    TDM_CHECK_OK(tdm_sim_spinand_set_bus(&F.sim, 96000000, 4));
    F.spi = tdm_sim_spinand_ops(&F.sim);
    unlock();
    program_page(40, F.page, 64);
    TDM_CHECK_OK(sf_row(&F, 0x13, 40));
    sf_wait(&F);
    uint8_t c[4] = {0x6B, 0, 0, 0};
    TDM_CHECK_OK(sf_tx(&F, c, 4, 0, 0, F.back, 64, 4));
    TDM_CHECK(F.back[0] == 0xFF && F.sim.stats.proto_errors == 1);
    sf_set(&F, 0xB0, (uint8_t)(sf_get(&F, 0xB0) | 0x01));
    TDM_CHECK_OK(sf_tx(&F, c, 4, 0, 0, F.back, 64, 4));
    TDM_CHECK(memcmp(F.back, F.page, 64) == 0);
    sf_close(&F);
}

static void power_cut_during_program_execute(void)
{
    sf_open(&F, "W25N01GV", 0);
    unlock();
    TDM_CHECK_OK(sf_cmd(&F, 0x06));
    sf_load(&F, 0x02, 0, F.page, 2048);
    tdm_sim_domain_cut_at(F.chip.dom, F.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(sf_row(&F, 0x10, 50), TDM_E_POWER);
    TDM_CHECK_ERR(F.spi.select(F.spi.ctx), TDM_E_POWER);
    tdm_sim_domain_power_on(F.chip.dom);
    TDM_CHECK(sf_get(&F, 0xA0) == F.sim.part->prot_powerup); /* back up locked */
    sf_close(&F);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"jedec id per part", jedec_id_per_part},
        {"every block is locked after power-up", every_block_is_locked_after_power_up},
        {"a locked block refuses program and erase", a_locked_block_refuses_program_and_erase},
        {"write enable is required and cleared after program and erase",
         write_enable_is_required_and_cleared_after_program_and_erase},
        {"status bits while busy", status_bits_while_busy},
        {"reading while busy is ignored", reading_while_busy_is_ignored},
        {"program load then execute", program_load_then_execute},
        {"random program load keeps the cache", random_program_load_keeps_the_cache},
        {"ecc status encodings per part", ecc_status_encodings_per_part},
        {"w25n bad-block lut links a block", w25n_bad_block_lut_links_a_block},
        {"w25n continuous read mode ignores the column", w25n_continuous_read_mode_ignores_the_column},
        {"gd5f quad commands need qe", gd5f_quad_commands_need_qe},
        {"power cut during program execute", power_cut_during_program_execute},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
