/* The simulated internal flash of the nRF5340 (app core or net core): implements the flash port
 * (include/tandem/flash_port.h) on host memory, with the NVMC rules, datasheet timings on the simulated
 * clock of a power domain, power cuts before or inside any write or erase, statistics and wear.
 *
 * Owns: the flash's bytes, the per-word write counts, the per-page erase counts. Never: policy; it does
 * what the NVMC does and refuses (TDM_E_BOOT_FLASH_RULE, nothing changed) what the PS forbids.
 *
 * Cut points: every write call and every erase call is ONE mutating operation of the domain
 * (tdm_sim_domain_tick); reads are not. Torn write: the words before a random one are written in full,
 * that word gets a random subset of its 1->0 bits, the rest nothing. Torn erase: each word of the page is
 * either erased or left holding random bits (so later writes to it may break the 1->0 rule).
 *
 * Memory: size + size/4 + 4 * pages bytes of host memory. Host-only code.
 */
#ifndef TANDEM_SIM_FLASH_SIM_H
#define TANDEM_SIM_FLASH_SIM_H

#include <stdint.h>

#include "domain.h"
#include "tandem/flash_port.h"

enum tdm_sim_flash_kind { TDM_SIM_FLASH_APP = 0, TDM_SIM_FLASH_NET = 1 };

/* One row of the flash table (sim/flash_sim.c): geometry and timings with their source. */
struct tdm_sim_flash_part {
    const char *name;
    struct tdm_flash_geometry geo;
    uint32_t t_write_ns;   /* tWRITE per 32-bit word */
    uint32_t t_erase_ns;   /* tERASEPAGE */
    uint32_t t_read_ns;    /* memory-mapped read per word (assumed: one word per 64 MHz cycle) */
    const char *source;
};

const struct tdm_sim_flash_part *tdm_sim_flash_part(enum tdm_sim_flash_kind kind);

struct tdm_sim_flash_stats {
    uint64_t reads, read_bytes;
    uint64_t writes, words_written; /* write calls, words they wrote (torn ones included) */
    uint64_t erases;
    uint64_t torn_writes, torn_erases;
    uint64_t rule_violations;
    uint64_t over_endurance; /* erases of a page already erased `endurance` times */
    uint64_t time_ns;        /* simulated time spent in this flash's operations */
};

struct tdm_sim_flash {
    const struct tdm_sim_flash_part *part;
    enum tdm_sim_flash_kind kind;
    struct tdm_flash_geometry geo;
    struct tdm_sim_flash_stats stats;
    uint64_t rng;
    struct tdm_sim_domain own;  /* used unless shared */
    struct tdm_sim_domain *dom; /* &own, or the device's domain */
    uint8_t *mem;               /* geo.size bytes, as read */
    uint8_t *word_writes;       /* per word: writes since its page was erased */
    uint32_t *erase_count;      /* per page */
};

/* An erased flash (every byte 0xFF, counts 0). Returns 0 or TDM_E_BUFFER (out of host memory). */
int tdm_sim_flash_create(struct tdm_sim_flash *f, enum tdm_sim_flash_kind kind, uint64_t seed);
void tdm_sim_flash_destroy(struct tdm_sim_flash *f);

/* Persist to / restore from a file (docs/DEVICE.md: contents, write counts, erase counts, rng). Save
 * replaces the file atomically (temporary file + rename). Load: TDM_E_SIM_FILE for a missing, truncated
 * or foreign file or one of another kind; TDM_E_BUFFER out of memory. Stats start at 0 after a load. */
int tdm_sim_flash_save(const struct tdm_sim_flash *f, const char *path);
int tdm_sim_flash_load(struct tdm_sim_flash *f, enum tdm_sim_flash_kind kind, const char *path);

/* The port: ops.ctx = f. */
struct tdm_flash_ops tdm_sim_flash_ops(struct tdm_sim_flash *f);

/* Raw view of the bytes at absolute `addr` (no clock, no power check; tests and the simulator's
 * invariant checks only). NULL when [addr, addr + len) is outside the flash. */
const uint8_t *tdm_sim_flash_peek(const struct tdm_sim_flash *f, uint32_t addr, uint32_t len);

/* Highest erase count of any page. */
uint32_t tdm_sim_flash_max_erases(const struct tdm_sim_flash *f);

#endif
