/* The simulated SPI-NAND chip at the command level: a tdm_spi_ops in front of the page-level chip of
 * sim/nand_sim.h. It parses each transaction byte by byte and answers the real opcodes of each part
 * (reset, JEDEC ID, get/set feature, write enable/disable, program load and random load, program execute,
 * page data read, the read-from-cache variants, block erase, the W25N bad-block LUT), with the vendor's
 * registers: protection (A0h, every block locked at power-up), configuration (B0h: ECC enable, BUF, QE)
 * and status (C0h: OIP, WEL, E_FAIL, P_FAIL, ECC bits in the vendor's encoding).
 *
 * Owns: the registers, the cache register, the busy time (OIP stays set for tR / tPROG / tBERS of the
 * part table on the simulated clock), the byte timing of the bus, the LUT, and counting protocol misuse.
 * Never: keeps array contents or array rules of its own: every page read, program and erase is done by
 * the page-level chip through its public port, so both paths are one chip with one set of rules.
 *
 * Timing. The page-level port charges a whole transaction (bus + array time) to the clock; at this level
 * a transaction is bytes, so this layer charges each byte at the configured bus clock and lines, sets the
 * busy time from the part table, and takes the page model's own charge back. chip->stats.time_ns keeps the
 * page model's estimate; the domain clock holds the command-level time.
 *
 * Host-only code. RAM: sizeof(struct tdm_sim_spinand), no allocation.
 */
#ifndef TANDEM_SIM_SPINAND_SIM_H
#define TANDEM_SIM_SPINAND_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "nand_sim.h"
#include "tandem/spi_port.h"
#include "tandem/spinand.h"

/* Status register (C0h) bits common to the three parts (W25N01GV SR-3, MT29F status, GD5F status). */
#define TDM_SPINAND_SR_OIP 0x01
#define TDM_SPINAND_SR_WEL 0x02
#define TDM_SPINAND_SR_EFAIL 0x04
#define TDM_SPINAND_SR_PFAIL 0x08
#define TDM_SPINAND_SR_LUTF 0x40 /* W25N only: the bad-block LUT is full */

#define TDM_SPINAND_LUT_SIZE 20 /* W25N01GV: 20 link entries */

/* One vendor ECC status code: `code` (the field value) reports up to `upto` corrected bits. */
struct tdm_sim_spinand_ecc {
    uint8_t upto;
    uint8_t code;
};

/* The command-level facts of one part (sim/spinand_parts.c); each with its source there. */
struct tdm_sim_spinand_part {
    const char *name;   /* the page-level part of the same name (sim/nand_parts.c) */
    uint8_t id[3];      /* JEDEC manufacturer and device ID bytes */
    uint8_t id_len;
    bool id_addr;       /* 9Fh takes an address byte (00h: manufacturer first) instead of a dummy byte */
    uint8_t prot_powerup, prot_lock; /* A0h at power-up; A0h bits that lock blocks */
    uint8_t cfg_powerup, cfg_writable; /* B0h at power-up; B0h bits the host may change */
    uint8_t cfg_ecc, cfg_buf, cfg_qe;  /* B0h bit masks (0: the part has no such bit) */
    uint8_t ecc_shift, ecc_mask;       /* the ECC field of C0h */
    struct tdm_sim_spinand_ecc ecc[4]; /* corrected-bit ranges, ascending; unused entries upto 0 */
    uint8_t ecc_uncorrectable;         /* field value for an uncorrectable page */
    uint8_t quadio_dummy;              /* dummy bytes of EBh (on four lines) */
    bool has_lut;                      /* A1h / A5h bad-block LUT */
    uint32_t t_rst_ns;                 /* busy time of a reset */
    const char *source;
};

const struct tdm_sim_spinand_part *tdm_sim_spinand_part_find(const char *name);

struct tdm_sim_spinand_stats {
    uint64_t transactions, bytes;
    uint64_t proto_errors;  /* unknown opcode, wrong line count, short header, wrong direction, bad register */
    uint64_t busy_ignored;  /* commands other than get feature / reset sent while OIP was set */
    uint64_t wel_missing;   /* program execute / erase / LUT swap without write enable: ignored */
    uint64_t lock_refused;  /* program / erase of a locked block: P_FAIL / E_FAIL */
    uint64_t array_refused; /* programs the page model refused as a datasheet rule (P_FAIL set) */
};

struct tdm_sim_spinand {
    struct tdm_sim_nand *chip; /* the page-level chip underneath (caller-owned, outlives this) */
    const struct tdm_sim_spinand_part *part;
    uint32_t hz, lines;        /* bus clock and the widest data phase the master drives */
    uint8_t prot, cfg, status; /* registers A0h, B0h, C0h (OIP computed from busy_until) */
    uint8_t cfg_frozen;        /* test hook: B0h bits whose writes the chip ignores */
    bool prot_frozen;          /* test hook: A0h writes are ignored (a lock that will not clear) */
    uint8_t pend_set, pend_clear; /* status bits that change when the busy time ends */
    uint64_t busy_until;       /* simulated ns */
    uint64_t cuts_seen;        /* the domain's cut count at the last power-up */
    uint64_t bus_rem;          /* sub-ns remainder of the bus time */
    uint64_t rng;
    int last_refusal;          /* the page model's error for the last refused program, 0 if none */
    uint16_t lut_lba[TDM_SPINAND_LUT_SIZE], lut_pba[TDM_SPINAND_LUT_SIZE];
    uint8_t lut_n;
    /* the open transaction */
    bool selected, have_op, ignored;
    uint8_t op, kind, hdr_len, addr_len, hdr_lines, data_lines;
    uint8_t hdr[4];
    uint32_t pos, col;
    uint32_t data_in;          /* data bytes written in this transaction */
    struct tdm_sim_spinand_stats stats;
    uint8_t cache[4096 + 256]; /* the cache register: page + spare */
};

/* Put the command layer in front of `chip` (its part must have command-level facts) and power it up:
 * registers at their power-up values (every block locked). Bus: the part's maximum clock, one line.
 * Returns 0 or TDM_E_SIM_PART. */
int tdm_sim_spinand_create(struct tdm_sim_spinand *s, struct tdm_sim_nand *chip, uint64_t seed);

/* Bus clock (<= the part's maximum) and the widest data phase (1, 2 or 4). Returns 0 or TDM_E_INVAL. */
int tdm_sim_spinand_set_bus(struct tdm_sim_spinand *s, uint32_t hz, uint32_t lines);

/* The SPI port: ops.ctx = s. */
struct tdm_spi_ops tdm_sim_spinand_ops(struct tdm_sim_spinand *s);

/* The status register as the chip would report it now (OIP from the clock), without a transaction. */
uint8_t tdm_sim_spinand_status(struct tdm_sim_spinand *s);

/* ---- sim/spinand_port.c: the chip's NAND port as a device has it ---- */

/* The real SPI-NAND driver (nand/spinand.c) over this command-level model of a page-level chip, on a bus
 * of `hz` with `lines` data lines (1, or 4 for quad). Caller-owned and not moved while in use (the port's
 * ctx points into it); the chip outlives it. */
struct tdm_sim_spinand_port {
    struct tdm_sim_spinand sim;
    struct tdm_clock_ops clock; /* the chip's simulated clock: the driver waits tR / tPROG / tBERS on it */
    struct tdm_spinand drv;
    uint32_t lines;
};

/* Build the stack in front of `chip` and init the driver (reset, JEDEC ID, unlock, ECC on); the driver
 * uses the chip's blocks only (a 64-block test part answers with its real part's ID). *ops = the driver's
 * NAND port, marker calls included. Power cuts and torn operations are the chip's (its domain): a cut
 * lands at the chip's program or erase and the driver returns TDM_E_POWER. Returns 0, TDM_E_SIM_PART
 * (no command-level facts for the part), TDM_E_INVAL (bus), or the driver's init error. */
int tdm_sim_spinand_port(struct tdm_sim_spinand_port *p, struct tdm_sim_nand *chip, uint32_t hz, uint32_t lines,
                         uint64_t seed, struct tdm_nand_ops *ops);
/* After power came back the part is locked again: init the driver, as a device's boot does. */
int tdm_sim_spinand_port_boot(struct tdm_sim_spinand_port *p);

/* Misuse of the bus the chip counted (a driver must cause none): protocol errors, commands ignored while
 * busy or without write enable, program / erase of a locked block. */
uint64_t tdm_sim_spinand_misuse(const struct tdm_sim_spinand *s);

/* The physical limit of programming `bytes` (whole pages) at this bus: per page the part's tPROG, the
 * page's transfer on the data lines and the fewest command bytes on one line (06h, 02h + column,
 * 10h + row, one status read). The reference of store.stage_ratio at the SPI level. */
uint64_t tdm_sim_spinand_program_limit_ns(const struct tdm_sim_spinand *s, uint64_t bytes);

#endif
