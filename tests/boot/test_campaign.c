/* The power-cut campaign of the bootloader on the power-cut runner (sim/cutrun.h), make check's slice (the
 * full plans run in bench/run and make campaign): an update (install -> trial -> confirm) and a rollback
 * (install -> trial -> crash -> restore) cut at every operation of every flash, before and torn; second cuts
 * during the recovery of a seeded sample of first cuts; the same with factory bad blocks, grown bad blocks
 * and bit flips; the whole story from fetch to rollback every 7th operation; an update and a rollback on
 * every NAND part (the three small parts here, all six with --full), and the same through the SPI-NAND driver
 * over each small part's SPI command model (the device's bus, issue 14).
 * After the runs, what they add up to: cuts on both sides of the confirmation, cuts inside a trial, the
 * injected faults really happened, no healthy set rejected.
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#include <stdio.h>
#include <string.h>

#include "device_campaign.h"

static int check(int ok, const char *name, const char *what)
{
    if (!ok) {
        printf("FAIL  %s: %s\n", name, what);
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    static struct tdm_cutrun_case c[TDM_DEVICE_CASES];
    static struct tdm_device_case dc[TDM_DEVICE_CASES];
    unsigned n = tdm_device_cases(c, dc, TDM_DEVICE_CASES);
    int rc = tdm_cutrun_main(argc, argv, c, n);
    int selective = 0;
    for (int i = 1; i < argc; i++) {
        selective |= !strcmp(argv[i], "--case") || !strcmp(argv[i], "--part") || !strcmp(argv[i], "--cut") ||
                     !strcmp(argv[i], "--list");
    }
    for (unsigned i = 0; i < n && !selective; i++) {
        const struct tdm_campaign_result *t = &dc[i].tot;
        printf("      %s: mixed_boots %llu bricked %llu ended new %llu old %llu; trial cuts %llu; healthy rejected "
               "%llu; NAND faults %llu\n", c[i].name, (unsigned long long)t->mixed_boots,
               (unsigned long long)t->bricked, (unsigned long long)t->ended_new, (unsigned long long)t->ended_old,
               (unsigned long long)t->trial_cuts, (unsigned long long)t->healthy_rejected,
               (unsigned long long)t->nand_faults);
        int faults = dc[i].bitflip_ppm || dc[i].grown_bad_ppm;
        rc |= check(t->mixed_boots == 0 && t->bricked == 0, c[i].name, "a mixed or bricked device");
        rc |= check(!faults || t->nand_faults > 0, c[i].name, "the injected NAND faults never happened");
        /* cuts landed on both sides of the confirmation: some runs keep the old set, some end on the new */
        rc |= check(dc[i].scenario == TDM_CAMPAIGN_ROLLBACK ? t->ended_old > 0 : t->ended_new > 0, c[i].name,
                    "no run ended on the expected set");
        /* a healthy set is never rejected for a power cut, even one during its trial or confirmation */
        rc |= check(t->healthy_rejected == 0, c[i].name, "a healthy set was rejected");
        rc |= check(i != 0 || t->trial_cuts >= 4, c[i].name, "fewer than 4 cuts fell inside a trial");
        /* the SPI case really ran on the bus (issue 14): the driver over the SPI model, no misuse (judged per run) */
        rc |= check(!dc[i].nand_spi_hz || t->bus_transactions > 0, c[i].name, "no SPI transaction");
    }
    tdm_device_cases_free(dc, n);
    return rc;
}
