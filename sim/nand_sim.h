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

/* The raw spare layout of a part with on-die ECC on: runs of spare bytes and what they are. */
enum tdm_sim_spare_kind {
    TDM_SIM_SPARE_END = 0,    /* ends the list */
    TDM_SIM_SPARE_MARKER,     /* bad-block marker (not ECC-protected, not in the tag area) */
    TDM_SIM_SPARE_PROTECTED,  /* free for the user, covered by codeword `cw`'s ECC */
    TDM_SIM_SPARE_FREE,       /* free for the user, not ECC-protected */
    TDM_SIM_SPARE_PARITY,     /* written by the chip (ECC parity, or reserved): user writes are ignored */
};
struct tdm_sim_spare {
    uint8_t off, len, kind, cw;
};
#define TDM_SIM_SPARE_MAX 20 /* runs per part, END included */
#define TDM_SIM_ECC_RANGES 4

/* One row of the part table (sim/nand_parts.c): every figure with its datasheet source. */
struct tdm_sim_part {
    const char *name;
    struct tdm_nand_geometry geo; /* tag_size / tag_ecc are derived from `spare` at create */
    struct tdm_sim_spare spare[TDM_SIM_SPARE_MAX];
    /* ECC status as the part reports it: corrected bits are reported as the upper bound of the vendor's
     * range that holds them (ascending, 0-terminated); the port returns that bound. */
    uint8_t ecc_ranges[TDM_SIM_ECC_RANGES];
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
    uint64_t fail_from;        /* every program and erase from the mutating op with this number on fails
                                * (a chip that stops taking writes); 0 = never */
    uint32_t program_fail_ppm; /* probability per program, parts per million, of a grown bad block */
    uint32_t erase_fail_ppm;   /* same for erase */
    uint32_t bitflip_ppm;      /* probability per page read of a bit-flip event */
    uint32_t bitflip_bits;     /* bits flipped in one event: <= ecc_bits corrected, more uncorrectable */
    uint64_t bitflip_at_read;  /* the read with this number (1-based) gets one bit-flip event */
    uint32_t disturb_ppm;      /* per page read: a bit of another page of the block flips for good */
    uint32_t retention_ppm;    /* per programmed page and power cut: one of its bits flips for good */
    uint32_t torn_mask;        /* torn outcomes the seeded choice may pick (bits of enum tdm_sim_torn); 0 = all */
    uint32_t weak_life;        /* power cuts until a weak page reads uncorrectable (halfway: correctable);
                                * 0 = seeded 1..4 */
    uint32_t weak_reads;       /* reads of a weak page that age it like one power cut; 0 = 64 */
};

/* How a cut operation ended (the seeded choice among them; each is one named test in tests/nand/). */
enum tdm_sim_torn {
    TDM_SIM_TORN_ERASED = 0,     /* program cut early: the page reads erased */
    TDM_SIM_TORN_CORRECTABLE,    /* program nearly done: data right, ECC corrects bits on every read */
    TDM_SIM_TORN_UNCORRECTABLE,  /* program half done: ECC reports the page uncorrectable */
    TDM_SIM_TORN_MISCORRECTED,   /* program half done, the ECC miscorrects: wrong data reported clean */
    TDM_SIM_TORN_WEAK,           /* program cut late: reads correct, then decays (weak_life) */
    TDM_SIM_TORN_ERASE_PARTIAL,  /* erase cut: the first pages erased, the others random, unprogrammable */
    TDM_SIM_TORN_ERASE_WEAK,     /* erase cut late: reads all 0xFF, accepts programs, then decays */
    TDM_SIM_TORN_KINDS
};
const char *tdm_sim_torn_name(unsigned kind);
/* The torn program outcomes whose data does not read back right (tests that need a cut write to be lost). */
#define TDM_SIM_TORN_GARBLED \
    ((1u << TDM_SIM_TORN_ERASED) | (1u << TDM_SIM_TORN_UNCORRECTABLE) | (1u << TDM_SIM_TORN_MISCORRECTED))

/* Per page state the array bytes do not show. */
struct tdm_sim_page_health {
    uint8_t cw_prog; /* ECC codewords programmed since the erase (bit per codeword) */
    uint8_t cw_bad;  /* codewords programmed twice with ECC on: their parity is wrong (over-program) */
    uint8_t weak;    /* 1: a weak page (late-torn program or weakly erased block), decaying */
    uint8_t life;    /* power cuts until it reads uncorrectable */
    uint8_t age;     /* power cuts (and reads / weak_reads) seen since it became weak */
    uint8_t reads;   /* reads of a weak page since its last age step */
    uint8_t flips;   /* bits flipped for good (disturb, retention), corrected while <= ecc_bits */
    uint8_t pad;
};

struct tdm_sim_stats {
    uint64_t reads, programs, erases;
    uint64_t read_bytes, program_bytes;
    uint64_t ecc_corrected, ecc_uncorrectable;
    uint64_t program_fails, erase_fails;
    uint64_t rule_violations;
    uint64_t time_ns; /* simulated time spent in chip operations */
    uint64_t torn[TDM_SIM_TORN_KINDS]; /* cut operations per outcome */
    uint64_t over_programs;            /* codewords made uncorrectable by a second program */
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
    struct tdm_sim_page_health *health; /* per page */
    uint64_t cuts_seen;    /* dom->cuts when weak pages were last aged */
    uint8_t tag_raw[256];  /* tag byte i lives at raw spare byte tag_raw[i] */
    uint8_t raw_kind[256]; /* per raw spare byte: enum tdm_sim_spare_kind */
    uint8_t raw_cw[256];   /* per raw spare byte: its ECC codeword when protected */
    uint8_t *stage;        /* page_size + oob_size bytes: one page in raw layout, being read or programmed */
};

#define TDM_SIM_BLOCK_WEAK 0x01    /* grown bad / worn out: every program and erase fails */
#define TDM_SIM_BLOCK_FACTORY 0x02 /* factory bad: programs fail at random; the marker is lost by an erase */

#define TDM_SIM_PAGE_UNSTABLE 0x01  /* torn or failed program: data is unreliable */
#define TDM_SIM_PAGE_ECC_FAILS 0x02 /* ...and the on-die ECC reports it uncorrectable */
#define TDM_SIM_PAGE_CORRECTS 0x04  /* the on-die ECC corrects bits of it on every read (data right) */

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
 * call fails with TDM_E_POWER until tdm_sim_domain_power_on(chip->dom), or, under the power-cut runner
 * (sim/cutrun.h), the cut unwinds to the runner once the torn part is applied.
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

/* Raw access to the array in the part's spare layout (columns [page_size, page_size + oob_size) are the
 * raw spare bytes, parity and marker included), for an SPI command-level model in front of this chip
 * and for tests. Same rules, clock, faults and cuts as the port; a program's bytes on parity or
 * reserved positions are ignored (the chip writes its own parity there). */
int tdm_sim_nand_raw_read(struct tdm_sim_nand *chip, uint32_t row, uint32_t col, void *buf, uint32_t len);
int tdm_sim_nand_raw_program(struct tdm_sim_nand *chip, uint32_t row, uint32_t col, const void *buf, uint32_t len);

/* Deep copy of a chip (own domain, a copy of src's): for campaigns that fork a state. 0 or TDM_E_BUFFER. */
int tdm_sim_nand_clone(struct tdm_sim_nand *dst, const struct tdm_sim_nand *src);

/* ---- sim/nand_health.c: the spare map, ECC codewords, torn outcomes and decay (internal) ---- */
void tdm_sim_x_map_spare(struct tdm_sim_nand *chip);
int tdm_sim_x_ecc_report(const struct tdm_sim_nand *chip, uint32_t bits);
/* Age weak pages for the power cuts since the last call (retention flips too). */
void tdm_sim_x_age(struct tdm_sim_nand *chip);
/* Status of a read of `row` whose raw bytes are in `buf` (span bytes, may be changed): >= 0 reported
 * corrected bits, TDM_E_NAND_ECC. */
int tdm_sim_x_read_status(struct tdm_sim_nand *chip, uint32_t row, uint8_t *raw);
/* Effects of a completed program: codewords touched by non-0xFF bytes of `raw` (span bytes, 0xFF = not
 * programmed); a codeword programmed before becomes uncorrectable. */
void tdm_sim_x_program_done(struct tdm_sim_nand *chip, uint32_t row, const uint8_t *raw);
/* A cut program: the seeded outcome applied to page `p` (raw, span bytes) from the write `raw`. */
void tdm_sim_x_tear_program(struct tdm_sim_nand *chip, uint32_t row, uint8_t *p, const uint8_t *raw);
/* A failed program (program-fail status): a random subset of the bits, unstable. */
void tdm_sim_x_fail_program(struct tdm_sim_nand *chip, uint32_t row, uint8_t *p, const uint8_t *raw);
/* A cut erase of `block`. */
void tdm_sim_x_tear_erase(struct tdm_sim_nand *chip, uint32_t block);
/* Read disturb: maybe flip a bit for good in another page of the block of `row`. */
void tdm_sim_x_disturb(struct tdm_sim_nand *chip, uint32_t row);
/* sim/nand_hooks.c: the port's marker calls (raw spare byte 0 of page 0). */
int tdm_sim_x_marked_bad(void *ctx, uint32_t block);
int tdm_sim_x_mark_bad(void *ctx, uint32_t block);

#endif
