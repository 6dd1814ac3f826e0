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

#include "cutrun.h"

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

/* The campaign as a case of the power-cut runner (sim/cutrun.h): the runner gives the part and the seed,
 * cuts the workload at every operation (or cfg.stride apart) and a sample of cfg.double_sample first cuts
 * again inside the recovery; the case's check recovers and checks the invariants (and, after a torn cut,
 * the late boot). The totals of all its runs add up in the struct. */
struct store_case {
    struct campaign_cfg cfg; /* part and seed are the runner's; stride, double_sample: make check's slice */
    uint64_t torn_kind[8];   /* cut operations per outcome (enum tdm_sim_torn), all runs */
    uint64_t scrubs, grown_bad; /* seen in the uncut runs */
    uint64_t uncut_ops, bus_transactions; /* NAND operations and SPI transactions of the uncut runs (0 on the
                                           * page-level port) */
    uint8_t sha[3][32];      /* SHA-256 of content 1 and 2 (computed once) */
    int have_sha;
};

/* Fill *c: the case `name` over `parts` (NULL-terminated; NULL = every part), arg = sc. */
void store_case_init(struct tdm_cutrun_case *c, const char *name, struct store_case *sc, const char *const *parts);

#endif
