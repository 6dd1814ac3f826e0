/* The device power-cut campaign as cases of the power-cut runner (sim/cutrun.h): a scripted update story
 * (install -> trial -> confirm, or install -> trial -> rollback, or the whole story from a fetch) on the
 * simulated nRF5340 is the body, cut at every mutating operation of every flash (NAND, app flash, net flash,
 * OTP counter), before the operation and torn inside it; the check powers on, boots until the device is
 * stable (the recovery, where second cuts fall) and judges: the device must boot a consistent set (all
 * old or all new), never mixed, never bricked. Host-only.
 *
 * Owns: the scenarios, the checks and the totals, and the named cases that make check, bench/run,
 * make campaign and `tandem campaign` share. Never: changes what the bootloader does; every check looks at
 * the simulated hardware (what the invariant checker saw at each application start, the OTP counter, the
 * state record) rather than at what the bootloader claims.
 */
#ifndef TANDEM_SIM_DEVICE_CAMPAIGN_H
#define TANDEM_SIM_DEVICE_CAMPAIGN_H

#include <stdint.h>

#include "cutrun.h"

enum tdm_campaign_scenario {
    TDM_CAMPAIGN_UPDATE = 0,   /* v1 running, v2 staged: install, trial, confirm */
    TDM_CAMPAIGN_ROLLBACK = 1, /* v2 confirmed, v3 (crashes) staged: install, trial, rollback to v2 */
    TDM_CAMPAIGN_STORY = 2,    /* the whole story from v1: the application fetches v2 (fetch agent, package
                                  served from memory), install, trial, confirm, fetches v3 (crashes),
                                  install, trial, rollback to v2, v3 refused when fetched again */
};

/* What the runs of a device case saw, beyond the runner's counts (the checks of tests/boot/test_campaign.c
 * and the campaign.boot.* figures). */
struct tdm_campaign_result {
    uint64_t mixed_boots; /* application starts with a mixed set (must be 0) */
    uint64_t bricked;  /* runs that did not reach a bootable consistent set (must be 0) */
    uint64_t ended_new, ended_old; /* how runs ended: the new set confirmed, or the old set kept */
    uint64_t trial_cuts;  /* first cuts that fell during a trial or its confirmation (from the start of a set
                             on trial to the end of its confirmation) */
    uint64_t healthy_rejected; /* runs whose healthy new set ended rejected (update and story: goal 0) */
    uint64_t nand_faults; /* injected NAND faults that happened in all runs (bit flips, program/erase fails) */
    uint64_t bus_transactions; /* SPI transactions of all runs (nand_spi_hz; 0 on the page-level port) */
};

struct tdm_device_case {
    enum tdm_campaign_scenario scenario;
    uint32_t bad_blocks;      /* factory bad blocks of the chip */
    uint32_t bitflip_ppm;     /* corrected bit flips on NAND reads */
    uint32_t grown_bad_ppm;   /* program/erase failures (grown bad blocks) */
    uint32_t app_size, net_size; /* firmware body sizes (0 = 60 000 / 20 000 bytes) */
    uint32_t nand_spi_hz;     /* 0: the page-level NAND port; else the SPI-NAND driver over the SPI model */
    uint32_t disturb_ppm, retention_ppm; /* bits that flip for good: per read of another page, per power cut */
    struct tdm_campaign_result tot; /* totals over the runs */
    struct tdm_camp *camp;    /* the prepared device (built at the first setup of a part and seed) */
};

/* The named device cases (the same in every program that runs them): fills c[i] and dc[i] for
 * i < min(n, max) and returns n. c[i].arg = &dc[i]. */
unsigned tdm_device_cases(struct tdm_cutrun_case *c, struct tdm_device_case *dc, unsigned max);
#define TDM_DEVICE_CASES 10

/* Free what the cases' runs prepared (the simulated devices and their directories). */
void tdm_device_cases_free(struct tdm_device_case *dc, unsigned n);

#endif
