/* The store's power-cut campaign on the power-cut runner (sim/cutrun.h), make check's slice: a clean chip
 * and a harsh one (factory bad blocks, grown bad blocks, bit flips, disturb, retention) on every part the
 * simulator knows: every 3rd operation of the small parts cut before and torn, every 29th of the real
 * 1024-block parts (the store keeps its last 64 blocks either way), second cuts for a seeded sample;
 * then the same harsh chip through the SPI-NAND driver over each small part's SPI command model (SPIM4: 32 MHz,
 * one line), every 17th operation; then the distinct torn outcomes the runs exercised. `--full` runs every operation (as bench_store).
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#include <stdio.h>
#include <string.h>

#include "store_campaign.h"
#include "nand_sim.h"

static const char *const small[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL", NULL};
static const char *const real[] = {"W25N01GV", "MT29F1G01ABAFD", "GD5F1GQ4UA", NULL};

#define CLEAN .slot_a_bytes = 150000, .slot_b_bytes = 70000, .slot_capacity = 262144
#define HARSH                                                                                             \
    CLEAN, .factory_bad = 20, .program_fail_ppm = 3000, .erase_fail_ppm = 20000, .bitflip_ppm = 3000,     \
        .disturb_ppm = 300, .retention_ppm = 300

#define NCASES 5
static struct store_case cases[NCASES] = {
    {.cfg = {CLEAN, .stride = 3, .double_sample = 6}},
    {.cfg = {HARSH, .stride = 3, .double_sample = 6}},
    {.cfg = {CLEAN, .stride = 29, .double_sample = 1}},
    {.cfg = {HARSH, .stride = 29, .double_sample = 1}},
    {.cfg = {HARSH, .stride = 17, .double_sample = 4, .spi_hz = 32000000}},
};

int main(int argc, char **argv)
{
    struct tdm_cutrun_case c[NCASES];
    store_case_init(&c[0], "store: a cut anywhere on a clean chip keeps every committed byte", &cases[0], small);
    store_case_init(&c[1], "store: a cut anywhere with bad blocks and bit flips keeps every committed byte",
                    &cases[1], small);
    store_case_init(&c[2], "store: a cut anywhere on a clean chip keeps every committed byte (1024 blocks)",
                    &cases[2], real);
    store_case_init(&c[3], "store: a cut anywhere with bad blocks and bit flips keeps every committed byte "
                    "(1024 blocks)", &cases[3], real);
    store_case_init(&c[4], "store: a cut anywhere through the SPI-NAND driver keeps every committed byte",
                    &cases[4], small);
    int rc = tdm_cutrun_main(argc, argv, c, NCASES);
    int selective = 0;
    for (int i = 1; i < argc; i++) {
        selective |= !strcmp(argv[i], "--case") || !strcmp(argv[i], "--part") || !strcmp(argv[i], "--cut") ||
                     !strcmp(argv[i], "--list");
    }
    if (rc == 0 && !selective) {
        int kinds = 0;
        for (unsigned k = 0; k < TDM_SIM_TORN_KINDS; k++) {
            uint64_t n = 0;
            for (int i = 0; i < NCASES; i++) {
                n += cases[i].torn_kind[k];
            }
            kinds += n != 0;
        }
        printf("%s  distinct torn outcomes exercised: %d (goal >= 5)\n", kinds >= 5 ? "ok  " : "FAIL", kinds);
        rc = kinds >= 5 ? 0 : 1;
        /* the SPI case really ran on the bus: more transactions than NAND operations */
        int bus = cases[4].bus_transactions > cases[4].uncut_ops && cases[4].uncut_ops > 0;
        printf("%s  SPI case: %llu bus transactions for %llu NAND operations (uncut runs)\n", bus ? "ok  " : "FAIL",
               (unsigned long long)cases[4].bus_transactions, (unsigned long long)cases[4].uncut_ops);
        rc |= !bus;
    }
    return rc;
}
