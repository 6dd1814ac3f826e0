/* The simulated SPI NAND chip: implements the NAND port (include/tandem/nand_port.h) on host memory,
 * with the datasheet rules, a timing model on a simulated clock, seeded faults and power cuts.
 *
 * Owns: the chip's bytes and its physical state (erase counts, wear-out, partial-program counts, torn
 * pages), statistics and the simulated clock. Never: policy of any kind: it only does what a chip does,
 * and refuses what a chip's datasheet forbids.
 *
 * Memory: blocks are allocated when first programmed; an erased block costs nothing. Host-only code.
 */
#ifndef TANDEM_SIM_NAND_SIM_H
#define TANDEM_SIM_NAND_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "tandem/clock_port.h"
#include "tandem/nand_port.h"

/* One row of the part table (sim/nand_parts.c): every figure with its datasheet source. */
struct tdm_sim_part {
    const char *name;
    struct tdm_nand_geometry geo;
    uint32_t t_read_typ_ns, t_read_max_ns;   /* tR, page to cache, on-die ECC on */
    uint32_t t_prog_typ_ns, t_prog_max_ns;   /* tPROG */
    uint32_t t_erase_typ_ns, t_erase_max_ns; /* tBERS */
    uint32_t spi_max_hz;                     /* max SPI clock for fast read / quad read */
    uint32_t endurance;                      /* P/E cycles per block */
    const char *source;                      /* where the figures come from */
};

const struct tdm_sim_part *tdm_sim_part_find(const char *name);
const struct tdm_sim_part *tdm_sim_part_at(unsigned i); /* NULL past the end */

enum tdm_sim_timing { TDM_SIM_TYPICAL = 0, TDM_SIM_WORST = 1 };

/* Seeded faults; all zero = a perfect chip. */
struct tdm_sim_faults {
    uint64_t program_fail_at;  /* the mutating op with this number (1-based, see ops) fails if it is a program */
    uint64_t erase_fail_at;    /* ... if it is an erase */
    uint32_t program_fail_ppm; /* probability per program, parts per million, of a grown bad block */
    uint32_t erase_fail_ppm;   /* same for erase */
    uint32_t bitflip_ppm;      /* probability per page read of a bit-flip event */
    uint32_t bitflip_bits;     /* bits flipped in one event: <= ecc_bits corrected, more uncorrectable */
    uint64_t bitflip_at_read;  /* the read with this number (1-based) gets one bit-flip event */
};

struct tdm_sim_stats {
    uint64_t reads, programs, erases;
    uint64_t read_bytes, program_bytes;
    uint64_t ecc_corrected, ecc_uncorrectable;
    uint64_t program_fails, erase_fails;
    uint64_t rule_violations;
    uint64_t time_ns; /* simulated time spent in chip operations */
};

struct tdm_sim_nand {
    const struct tdm_sim_part *part;
    struct tdm_nand_geometry geo;
    uint32_t spi_hz;
    uint32_t bus_width; /* 1 (single) or 4 (quad) data lines */
    enum tdm_sim_timing timing;
    struct tdm_sim_faults faults;
    struct tdm_sim_stats stats;
    uint64_t rng;
    uint64_t reads_seen;        /* page reads since creation (bitflip_at_read counts these) */
    struct tdm_sim_domain own;  /* the chip's own power/clock domain, used unless shared */
    struct tdm_sim_domain *dom; /* power cuts, op counter and simulated clock: &own, or a device's */
    /* physical state */
    uint8_t **block_data;  /* blocks * (ppb * (page + oob)), NULL = fully erased */
    uint32_t *erase_count; /* per block */
    uint8_t *block_flags;  /* per block, TDM_SIM_BLOCK_* */
    uint8_t *page_nprog;   /* per page: programs since erase */
    uint8_t *page_flags;   /* per page: TDM_SIM_PAGE_* */
    int32_t *block_top;    /* per block: highest programmed page since erase, -1 if none */
};

#define TDM_SIM_BLOCK_WEAK 0x01    /* grown bad / worn out: every program and erase fails */
#define TDM_SIM_BLOCK_FACTORY 0x02 /* factory bad: programs fail at random; the marker is lost by an erase */

#define TDM_SIM_PAGE_UNSTABLE 0x01  /* torn or failed program: data is unreliable */
#define TDM_SIM_PAGE_ECC_FAILS 0x02 /* ...and the on-die ECC reports it uncorrectable */

/* Create an erased chip of `part` (NULL = W25N01GV); `bad_blocks` factory bad blocks chosen from `seed`
 * (never block 0), marked as the datasheet says: a non-0xFF first spare byte of the first page.
 * Returns 0, TDM_E_INVAL (too many bad blocks), TDM_E_BUFFER (out of host memory). */
int tdm_sim_nand_create(struct tdm_sim_nand *chip, const struct tdm_sim_part *part, uint32_t bad_blocks,
                        uint64_t seed);
void tdm_sim_nand_destroy(struct tdm_sim_nand *chip);

/* Persist to / restore from a file (state survives between processes). Load fails with TDM_E_SIM_FILE
 * for a missing, truncated or foreign file, TDM_E_SIM_PART for an unknown part. */
int tdm_sim_nand_save(const struct tdm_sim_nand *chip, const char *path);
int tdm_sim_nand_load(struct tdm_sim_nand *chip, const char *path);

/* The port: ops.ctx = chip. */
struct tdm_nand_ops tdm_sim_nand_ops(struct tdm_sim_nand *chip);
/* A clock port on the chip's simulated clock (sleep advances it). */
struct tdm_clock_ops tdm_sim_nand_clock(struct tdm_sim_nand *chip);

/* Bus: hz <= part's max, width 1 or 4. Returns 0 or TDM_E_INVAL. */
int tdm_sim_nand_set_bus(struct tdm_sim_nand *chip, uint32_t hz, uint32_t width);

/* Power cuts go through chip->dom (sim/domain.h): arm a cut at mutating op number `at` (compare
 * chip->dom->ops; programs and erases count, reads do not change the chip and do not count).
 * BEFORE = the op does not happen; TORN = it happens partly (program: a random subset of the bits it
 * would program, the page left unstable; erase: some pages erased, the others random). From then on every
 * call fails with TDM_E_POWER until tdm_sim_domain_power_on(chip->dom).
 * A device shares one domain among its flashes: point chip->dom at it after create/load. */

/* Make a block go bad during life: its next programs and erases fail with status fail. */
void tdm_sim_nand_make_weak(struct tdm_sim_nand *chip, uint32_t block);

/* Simulated time the datasheet needs at least for programming `bytes` of page data at this bus
 * (whole pages: transfer at the bus rate + typical tPROG each). The reference of the ratio benches. */
uint64_t tdm_sim_nand_program_limit_ns(const struct tdm_sim_nand *chip, uint64_t bytes);

/* Test hook: a silent corruption the on-die ECC does not see (a miscorrection, or disturbed bits that
 * happen to form a valid codeword). Flips one bit, chosen from `seed`, of the stored bytes [col, col + len)
 * of page `row`, leaving the page's ECC status, program count and the clock alone: later reads return
 * the changed byte and report the page clean. Returns the offset of the changed byte, or TDM_E_RANGE. */
int tdm_sim_nand_corrupt(struct tdm_sim_nand *chip, uint32_t row, uint32_t col, uint32_t len, uint64_t seed);

/* Is the factory marker of `block` present (raw look at the first spare byte of page 0, no clock)? */
bool tdm_sim_nand_marker_bad(const struct tdm_sim_nand *chip, uint32_t block);

#endif
