/* The device power-cut campaign: a scripted update story (install -> trial -> confirm, or install -> trial
 * -> rollback) on the simulated nRF5340, cut at every mutating operation of every flash (NAND, app flash,
 * net flash, OTP counter), before the operation and torn inside it; then a second cut at every operation
 * of the recovery that follows a first cut. After each run the device must boot to a consistent set (all
 * old or all new), never mixed, never bricked. Host-only.
 *
 * Owns: the scenarios, the checks and the totals. Never: changes what the bootloader does; every check
 * looks at the simulated hardware (what the invariant checker saw at each application start, the OTP
 * counter, the state record) rather than at what the bootloader claims.
 */
#ifndef TANDEM_SIM_DEVICE_CAMPAIGN_H
#define TANDEM_SIM_DEVICE_CAMPAIGN_H

#include <stdint.h>
#include <stdio.h>

enum tdm_campaign_scenario {
    TDM_CAMPAIGN_UPDATE = 0,   /* v1 running, v2 staged: install, trial, confirm */
    TDM_CAMPAIGN_ROLLBACK = 1, /* v2 confirmed, v3 (crashes) staged: install, trial, rollback to v2 */
    TDM_CAMPAIGN_STORY = 2,    /* the whole story from v1: the application fetches v2 (fetch agent, package
                                  served from memory), install, trial, confirm, fetches v3 (crashes),
                                  install, trial, rollback to v2, v3 refused when fetched again */
};

struct tdm_campaign_opts {
    enum tdm_campaign_scenario scenario;
    uint64_t seed;
    const char *part;         /* NAND part (NULL = W25N-SMALL) */
    uint32_t nand_spi_hz;     /* 0: page-level NAND port; else the SPI-NAND driver over the SPI model, this clock */
    uint32_t bad_blocks;      /* factory bad blocks of the chip */
    uint32_t bitflip_ppm;     /* corrected bit flips on NAND reads */
    uint32_t grown_bad_ppm;   /* program/erase failures (grown bad blocks) */
    uint32_t app_size, net_size; /* firmware body sizes (0 = 60 000 / 20 000 bytes) */
    uint32_t first_stride;    /* cut every first_stride-th operation (1 = all) */
    uint32_t double_firsts;   /* first cuts (seeded sample) that get second cuts; 0 = none */
    uint32_t second_stride;   /* second cut at every second_stride-th recovery operation (1 = all) */
    uint64_t only_cut;        /* replay: only this first cut (0 = all) */
    int only_torn;            /* replay: -1 both modes, 0 before, 1 torn */
    uint64_t only_second;     /* replay: only this second cut (0 = per double_firsts) */
    int only_second_torn;
    const char *replay;       /* command prefix printed before the replay options of a failure */
    FILE *log;                /* failures and progress (NULL = stderr) */
};

struct tdm_campaign_result {
    uint64_t ops;      /* mutating operations of the uncut story */
    uint64_t cuts;     /* first cuts run */
    uint64_t torn;     /* ...of which torn */
    uint64_t doubles;  /* second cuts run */
    uint64_t mixed_boots; /* application starts with a mixed set (must be 0) */
    uint64_t bricked;  /* runs that did not reach a bootable consistent set (must be 0) */
    uint64_t failures; /* runs with any failed check (mixed, bricked, wrong set, counter, state) */
    uint64_t ended_new, ended_old; /* how runs ended: the new set confirmed, or the old set kept */
    uint64_t trial_cuts;  /* first cuts that fell during a trial or its confirmation (from the start of a set
                             on trial to the end of its confirmation) */
    uint64_t healthy_rejected; /* runs whose healthy new set ended rejected (update and story: goal 0) */
    uint64_t nand_faults; /* injected NAND faults that happened in all runs (bit flips, program/erase fails) */
    uint64_t bus_transactions; /* SPI transactions of all runs (opts.nand_spi_hz; 0 on the page-level port) */
    double host_s;
};

/* Run the campaign. Returns 0 when it ran (failures are counted in *r), or a setup error. */
int tdm_campaign_run(const struct tdm_campaign_opts *o, struct tdm_campaign_result *r);

#endif
