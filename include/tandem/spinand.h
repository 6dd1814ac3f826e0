/* The SPI-NAND driver: the NAND port (include/tandem/nand_port.h) over the SPI transfer port
 * (include/tandem/spi_port.h), for the parts in its table (nand/spinand_parts.c): W25N01GV,
 * MT29F1G01ABAFD, GD5F1GQ4UA. Adding a part is one table row (and its rules in sim/spinand_parts.c).
 *
 * Owns: detecting the part by JEDEC ID, reset, unlocking every block, turning on-die ECC on (and checking
 * it is on), the command sequences of page read, program and erase with their status checks, decoding
 * the vendor's ECC status, and the tag area: the part's free spare bytes gathered into one contiguous
 * range of columns [page_size, page_size + tag_size), the first tag_ecc of them ECC-protected.
 * Never: allocation, stdio, OS calls, globals (two chips = two handles); policy (bad blocks, scrubbing,
 * relocation live in nand/ and store/).
 *
 * What the port sees through this driver:
 *  - geometry: the part's, with oob_size = tag_size: the parity bytes and the bad-block marker are not
 *    addressable as columns. The marker is read and written at its datasheet place by
 *    tdm_spinand_is_marked_bad / tdm_spinand_mark_bad.
 *  - read: >= 0 = an upper bound of the bits the on-die ECC corrected in the page: the vendor reports a
 *    range (W25N 1; MT29F 1-3 / 4-6 / 7-8; GD5F 1-7 / 8) and the driver returns the range's upper bound,
 *    so a scrub threshold errs towards refreshing early; TDM_E_NAND_ECC uncorrectable (buf holds the raw
 *    data). One page read (13h, tR) per call, then read-from-cache of the data columns and, if tag
 *    columns are asked, of the spare area.
 *  - program: write enable, program load (02h: the cache register starts all FFh, so columns not given
 *    program nothing) of the data and, in the same transaction (the cache register runs on from the data
 *    into the spare), the raw spare image through the last byte the given tag bytes land on, WEL
 *    checked, program execute (10h), OIP polled; P_FAIL -> TDM_E_NAND_PROGRAM. Every call is one program
 *    of the page (it counts against NOP, and with on-die ECC a second program of a page over-writes its
 *    parity: callers program a page once).
 *  - erase: write enable, block erase (D8h), OIP polled; E_FAIL -> TDM_E_NAND_ERASE.
 *  - a chip that stays busy past the part's maximum time -> TDM_E_IO; a port error is passed up.
 *
 * Timing: with a clock port the driver first waits the part's typical time, then polls the status
 * register; without one it polls at once, within a budget of polls computed from the bus clock.
 * RAM: sizeof(struct tdm_spinand) (<= TDM_SPINAND_RAM) plus up to 140 bytes of stack (a spare image).
 */
#ifndef TANDEM_SPINAND_H
#define TANDEM_SPINAND_H

#include <stdint.h>

#include "tandem/clock_port.h"
#include "tandem/nand_port.h"
#include "tandem/spi_port.h"

#define TDM_SPINAND_MAX_OOB 128 /* largest raw spare area of a table part */
#define TDM_SPINAND_SPANS 8     /* spare byte runs of the tag area */

/* Spare bytes [off, off + len) of the raw spare area. */
struct tdm_spinand_span {
    uint8_t off, len;
};

/* One part: every figure with its source in nand/spinand_parts.c (tdm_spinand_part_source). */
struct tdm_spinand_part {
    const char *name;
    uint8_t id[3], id_len;             /* JEDEC ID after 9Fh and one 00h byte */
    struct tdm_nand_geometry geo;      /* the raw geometry (oob_size = the whole spare) with tag_size/tag_ecc */
    uint8_t ecc_shift, ecc_mask;       /* ECC field of the status register (C0h) */
    uint8_t ecc_bits[8];               /* field value -> upper bound of corrected bits, or: */
#define TDM_SPINAND_ECC_UNCORRECTABLE 0xFF
    uint8_t prot_lock;                 /* A0h bits that lock blocks: all must read 0 after the unlock */
    uint8_t cfg_set, cfg_ecc, cfg_qe;  /* B0h: bits set at init (ECC, BUF), the ECC enable bit, quad enable */
    uint8_t bbm;                       /* spare offset of the bad-block marker in the block's first page */
    uint8_t n_spans;
    struct tdm_spinand_span tag[TDM_SPINAND_SPANS]; /* in tag order: protected runs first */
    uint32_t t_rst_ns, t_read_ns, t_prog_ns, t_erase_ns;             /* typical: the first wait */
    uint32_t t_rst_max_ns, t_read_max_ns, t_prog_max_ns, t_erase_max_ns; /* the poll budget */
};

/* The table, NULL-terminated by index: NULL past the end. */
const struct tdm_spinand_part *tdm_spinand_part_at(unsigned i);
/* Where part i's figures come from (datasheets, Linux drivers, what is assumed), for the host: kept out of
 * struct tdm_spinand_part so that the device image does not carry the text. NULL past the end. */
const char *tdm_spinand_part_source(unsigned i);

struct tdm_spinand_config {
    struct tdm_spi_ops spi;
    const struct tdm_clock_ops *clock; /* optional (NULL: poll without waiting) */
    uint32_t lines;                    /* data lines for cache reads and loads: 1 (default if 0) or 4 */
    uint32_t blocks;                   /* use only the first `blocks` blocks (0 = all the part has) */
};

struct tdm_spinand {
    struct tdm_spi_ops spi;
    const struct tdm_clock_ops *clock;
    const struct tdm_spinand_part *part;
    struct tdm_nand_geometry geo; /* what the port reports: oob_size = tag_size */
    uint32_t lines;
};
#define TDM_SPINAND_RAM 160 /* sizeof bound, 32- or 64-bit */
_Static_assert(sizeof(struct tdm_spinand) <= TDM_SPINAND_RAM, "struct tdm_spinand grew past its RAM bound");

/* Reset the chip, read its JEDEC ID, unlock every block, turn on-die ECC on (and BUF on W25N, QE on GD
 * when lines = 4), and read both back. Returns 0; TDM_E_NAND_ID (not in the table); TDM_E_NAND_FEATURE
 * (a block stays locked or ECC stays off); TDM_E_INVAL (bad config); TDM_E_IO (chip stays busy);
 * a SPI port error. After a power cycle of the chip, call it again: the parts power up locked. */
int tdm_spinand_init(struct tdm_spinand *d, const struct tdm_spinand_config *cfg);

/* The NAND port over this driver: ops.ctx = d; its is_marked_bad / mark_bad are the two calls below. */
struct tdm_nand_ops tdm_spinand_ops(struct tdm_spinand *d);

/* The bad-block marker of `block` (first page, its datasheet spare byte): 1 marked (not FFh, or the page
 * is uncorrectable), 0 not marked, or a negative error. */
int tdm_spinand_is_marked_bad(struct tdm_spinand *d, uint32_t block);
/* Program 00h into the marker byte of `block`'s first page (best effort: the block is failing). Returns
 * 0 or the program's error. */
int tdm_spinand_mark_bad(struct tdm_spinand *d, uint32_t block);

#endif
