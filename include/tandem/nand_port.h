/* The NAND port: the one interface every SPI NAND driver implements (the simulated chip in sim/,
 * a real W25N01GV driver on a board). Device code reaches NAND through nothing else.
 *
 * Owns: the contract of each chip operation. Never: policy (bad-block handling, ECC thresholds and
 * relocation live in nand/ and store/), globals (all state is behind `ctx`, so two chips can live in
 * one process).
 *
 * Addressing. A page is addressed by its row: row = block * pages_per_block + page_in_block. Inside a
 * page, columns [0, page_size) are the data area. The spare area the port shows is the part's USER
 * bytes only, mapped: columns [page_size, page_size + tag_size) are one contiguous tag area, of which
 * the first tag_ecc bytes are covered by the on-die ECC and the rest are not. The chip's own spare
 * bytes (ECC parity it writes itself, the bad-block marker) are not in that view: the driver scatters
 * and gathers the tag area to the part's free spare bytes, and reaches the marker only through
 * is_marked_bad / mark_bad. Columns [page_size + tag_size, page_size + oob_size) hold nothing: they
 * read 0xFF and a program of a non-0xFF byte there is refused with TDM_E_RANGE.
 *
 * Partial programs with on-die ECC on. Each ECC codeword (a data sector of ecc_sector bytes plus the
 * ECC-protected tag bytes the part assigns to it) must be written in ONE program: a second program of
 * a codeword re-writes its parity and the page reads back uncorrectable (the vendors' "over-program").
 *
 * Power loss. A program or erase is durable only when its call has returned 0. A call interrupted by a
 * power cut may leave the page (program) or the block (erase) in any intermediate state: some bits
 * programmed, some not; the code that called never learns of it (on silicon it stops; the simulator
 * unwinds, sim/domain.h), so after power-on the target is treated as unstable. A simulated port outside
 * any unwind point (port and error-path tests) returns TDM_E_POWER instead.
 * Reads never change the chip.
 */
#ifndef TANDEM_NAND_PORT_H
#define TANDEM_NAND_PORT_H

#include <stdint.h>

struct tdm_nand_geometry {
    uint32_t page_size;         /* data bytes per page, a power of two (2048 on our parts) */
    uint32_t oob_size;          /* spare bytes per page (64 or 128) */
    uint32_t pages_per_block;   /* ppb, a power of two (64) */
    uint32_t blocks;            /* blocks on the chip (1024) */
    uint32_t nop;               /* max partial programs of one page between erases (4) */
    uint32_t ecc_bits;          /* on-die ECC strength: correctable bits per ECC sector */
    uint32_t ecc_sector;        /* ECC sector size in data bytes (512) */
    uint32_t max_bad_blocks;    /* datasheet bound on factory bad blocks (20) */
    /* The user tag area of the spare (see Addressing): tag_size contiguous bytes at column page_size, the
     * first tag_ecc of them ECC-protected. Added by issue 14; 0 on a port without a mapped view. */
    uint32_t tag_size;
    uint32_t tag_ecc;
};

struct tdm_nand_ops {
    void *ctx; /* passed as the first argument of every call */

    /* Fill *geo. Never fails on a working chip; TDM_E_IO if the chip does not answer (no NAND fitted). */
    int (*geometry)(void *ctx, struct tdm_nand_geometry *geo);

    /* Read `len` bytes at column `col` of page `row` into `buf` (caller-owned, >= len bytes).
     * col + len <= page_size + oob_size. Costs one array read (tR) plus the bus transfer of len bytes.
     * Returns: >= 0 ECC clean (0) or the number of bits the on-die ECC corrected in the worst sector
     *          touched (data in buf is corrected);
     *          TDM_E_NAND_ECC uncorrectable: buf holds the raw, wrong data and must not be trusted;
     *          TDM_E_RANGE bad row/col/len; TDM_E_POWER after a power cut; TDM_E_IO chip gone. */
    int (*read)(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len);

    /* Program `len` bytes at column `col` of page `row` (a partial program when len < page size).
     * Preconditions (datasheet rules; the simulator refuses violations with the named error):
     *  - every bit to be programmed is erased (bytes of buf equal to 0xFF program nothing) -> TDM_E_NAND_NOT_ERASED
     *  - at most `nop` programs of the page since its block was erased -> TDM_E_NAND_NOP
     *  - no higher page of the same block has been programmed since the erase -> TDM_E_NAND_ORDER
     * Costs the bus transfer of len bytes plus tPROG. Durable when 0 is returned.
     * Returns 0; TDM_E_NAND_PROGRAM when the chip reports program fail (the block should be retired);
     * TDM_E_RANGE, TDM_E_POWER, TDM_E_IO as for read. */
    int (*program)(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len);

    /* Erase block `block` (all bytes of all its pages, data and OOB, to 0xFF). Costs tBERS.
     * Returns 0; TDM_E_NAND_ERASE on erase fail status; TDM_E_RANGE, TDM_E_POWER, TDM_E_IO. */
    int (*erase)(void *ctx, uint32_t block);

    /* The factory / grown bad-block marker at the part's datasheet place (outside the tag area).
     * is_marked_bad: 1 marked, 0 not, or TDM_E_POWER / TDM_E_RANGE / TDM_E_IO; a read, costs tR.
     * mark_bad: program the marker of a block (the caller erased it first); a program, may be cut.
     * Optional: NULL on a port without a mapped view (then the marker is spare column page_size). */
    int (*is_marked_bad)(void *ctx, uint32_t block);
    int (*mark_bad)(void *ctx, uint32_t block);
};

#endif
