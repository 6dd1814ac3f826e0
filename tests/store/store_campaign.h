/* The store's power-cut campaign: a scripted workload (format, stage slot A, journal records, stage
 * slot B with a reboot in the middle and a resume, roles, a scrub) cut at every NAND operation, once
 * before it and once torn inside it (the chip picks the torn outcome: reads erased, correctable,
 * uncorrectable, miscorrected, weak; erase partial or weak); after each cut the chip powers on, the
 * store recovers (mount, resume of an open slot, maintain) and the invariants are checked; then the
 * device acts on that state (a journal record) and, four power cuts later (weak pages have decayed),
 * boots again: what it acted on must still be there. Then double cuts: a second cut at
 * every operation of that recovery, for a seeded sample of first cuts (or all).
 * Owns: the workload, its model of what must survive, the checks. Host-only (tests and bench). */
#ifndef TANDEM_TESTS_STORE_STORE_CAMPAIGN_H
#define TANDEM_TESTS_STORE_STORE_CAMPAIGN_H

#include <stdint.h>

struct campaign_cfg {
    const char *part;         /* simulated part, e.g. "W25N-SMALL" */
    uint32_t spi_hz;          /* bus: 0 = the page-level port; else the device's, the SPI-NAND driver over the
                               * chip's SPI command-level model at this clock, one data line (SPIM4: 32 MHz) */
    uint32_t factory_bad;     /* factory bad blocks on the chip */
    uint64_t seed;
    uint32_t slot_a_bytes;    /* content staged in slot A (then installed) */
    uint32_t slot_b_bytes;    /* content staged in slot B (the candidate) */
    uint32_t slot_capacity;   /* store config slot_bytes */
    uint32_t program_fail_ppm, erase_fail_ppm; /* grown bad blocks during life */
    uint32_t bitflip_ppm;     /* corrected bit flips on reads (scrub triggers) */
    uint32_t disturb_ppm, retention_ppm; /* bits that flip for good: per read (another page), per cut */
    uint32_t stride;          /* first cuts at ops 1, 1 + stride, ... (1 = every op) */
    uint32_t double_sample;   /* first cuts that get double cuts (0 = none, UINT32_MAX = all) */
    uint64_t only_cut;        /* replay: run only this first cut (0 = all) */
    int only_torn;            /* replay: mode of only_cut */
    uint64_t only_second;     /* replay: run only this second cut (0 = all) */
};

struct campaign_result {
    uint64_t ops;      /* NAND mutating operations of the uncut workload */
    uint64_t cuts;     /* first cuts run (before + torn) */
    uint64_t torn;     /* of which torn */
    uint64_t doubles;  /* second cuts run */
    uint64_t failures;
    uint64_t scrubs, grown_bad; /* seen in the uncut run */
    uint64_t bus_transactions;  /* SPI transactions of the uncut run (0 on the page-level port) */
    char first_failure[512];    /* what failed first, with its replay words */
    uint64_t first_cut, first_second; /* ...its cut and second cut (0 = none or the uncut run) */
    int first_torn;
    uint64_t torn_kind[8]; /* cut operations per outcome (enum tdm_sim_torn), single-cut runs */
};

/* Run the campaign. Returns 0 when it ran (failures are counted in *res), negative on setup error. */
int campaign_run(const struct campaign_cfg *cfg, struct campaign_result *res);

#endif
