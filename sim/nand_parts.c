/* The NAND part table: the one place where datasheet figures live, each with its source.
 * Owns: geometry, timings, clock, endurance per part. Never: a figure without a source column.
 *
 * Where a datasheet gives only a maximum (or only a typical) value, the other is marked in the source
 * string as "assumed". tR is with on-die ECC enabled, as tandem always runs the parts.
 */
#include <string.h>

#include "nand_sim.h"

#define MK TDM_SIM_SPARE_MARKER
#define PR TDM_SIM_SPARE_PROTECTED
#define FR TDM_SIM_SPARE_FREE
#define PA TDM_SIM_SPARE_PARITY

/* W25N01GV, ECC-E = 1: four 16-byte spare sections, one per 512-byte sector. Bytes 0-1 of section 0 are
 * the bad-block marker (datasheet 8.2.7: "first byte of the 64-Byte spare area"); bytes 0-1 of sections
 * 1-3 are not offered to the user (Linux winbond.c: free = 16k+2, 6 bytes); bytes 2-3 user data II, not
 * protected, bytes 4-7 user data I, ECC-protected (datasheet spare-area table; "2 unprotected and 4
 * ECC-protected bytes ... in each of 4 16-byte lines"); bytes 8-15 ECC parity written by the chip
 * (Linux winbond.c: ecc = 16k+8, 8 bytes). A user write to parity is ignored (assumed). */
#define W25N_SPARE(k) {16 * (k), 2, (k) ? PA : MK, 0}, {16 * (k) + 2, 2, FR, 0}, {16 * (k) + 4, 4, PR, k}, \
                      {16 * (k) + 8, 8, PA, 0}
#define W25N_LAYOUT {W25N_SPARE(0), W25N_SPARE(1), W25N_SPARE(2), W25N_SPARE(3)}

/* MT29F1G01ABAFD: 128 spare bytes, bytes 0-1 the marker, 2-63 free (Linux micron.c micron_8_ooblayout:
 * free offset 2, length 62; ecc = the upper 64 bytes). Which free bytes the ECC covers is assumed (the
 * M78A datasheet's spare map was not available): 4-63 protected, 16 per sector codeword (4-15 for the
 * first, after the marker and 2-3), bytes 2-3 NOT protected, as in Micron's on-die-ECC parallel NAND
 * (M60A datasheet "spare area mapping": bytes 2-3 of each section are user metadata II, not protected).
 * Of the two readings this is the stricter one (two bytes fewer under ECC); the driver's table
 * (nand/spinand_parts.c) agrees, and tests/nand/test_spinand_views.c holds both to it. */
#define MT29_LAYOUT {{0, 2, MK, 0}, {2, 2, FR, 0}, {4, 12, PR, 0}, {16, 16, PR, 1}, {32, 16, PR, 2}, {48, 16, PR, 3}, \
                     {64, 64, PA, 0}}

/* GD5F1GQ4UA: four 16-byte sections; byte 0 of section 0 the marker, bytes 0-7 otherwise free, 8-15
 * parity (Linux gigadevice.c gd5fxgq4xa layout; linux-mtd 2019-06 thread: "user meta data 1" = the
 * first 4 bytes). Bytes 0-3 not protected, 4-7 protected (assumed: the split is not confirmed). */
#define GD5F_SPARE(k) {16 * (k) + ((k) ? 0 : 1), (k) ? 4 : 3, FR, 0}, {16 * (k) + 4, 4, PR, k}, {16 * (k) + 8, 8, PA, 0}
#define GD5F_LAYOUT {{0, 1, MK, 0}, GD5F_SPARE(0), GD5F_SPARE(1), GD5F_SPARE(2), GD5F_SPARE(3)}

static const struct tdm_sim_part tdm_parts[] = {
    {
        .name = "W25N01GV",
        .geo = {.page_size = 2048, .oob_size = 64, .pages_per_block = 64, .blocks = 1024, .nop = 4,
                .ecc_bits = 1, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = W25N_LAYOUT,
        .ecc_ranges = {1}, /* ECC-1,0 = 01: 1 bit corrected; 10: uncorrectable (datasheet 7.3) */
        .t_read_typ_ns = 25000, .t_read_max_ns = 60000,
        .t_prog_typ_ns = 250000, .t_prog_max_ns = 700000,
        .t_erase_typ_ns = 2000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 104000000, .endurance = 100000,
        .source = "Winbond W25N01GV datasheet: 1024 x 64 x (2048+64); tR 25 us (ECC off) / 60 us max; "
                  "tPP 250 us typ (assumed from family) / 700 us max; tBE 2 ms typ / 10 ms max; 104 MHz; "
                  "ECC 1 bit per 512 B; <= 20 bad blocks (2%); marker: non-FFh first spare byte of page 0; "
                  "NOP 4; 100k P/E",
    },
    {
        .name = "MT29F1G01ABAFD",
        .geo = {.page_size = 2048, .oob_size = 128, .pages_per_block = 64, .blocks = 1024, .nop = 4,
                .ecc_bits = 8, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = MT29_LAYOUT,
        .ecc_ranges = {3, 6, 8}, /* status 001: 1-3, 011: 4-6, 101: 7-8 bits (Linux micron.c) */
        .t_read_typ_ns = 25000, .t_read_max_ns = 70000,
        .t_prog_typ_ns = 220000, .t_prog_max_ns = 600000,
        .t_erase_typ_ns = 2000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 133000000, .endurance = 100000,
        .source = "Micron M78A MT29F1G01ABAFD datasheet: 1024 x 64 x (2048+128); tR 25 us (ECC off) / 70 us "
                  "max; tPROG 220 us typ (ECC on) / 600 us max (assumed); tBERS 2 ms typ / 10 ms max "
                  "(assumed); 133 MHz; ECC 8 bits per 512 B; <= 20 bad blocks, blocks 0-7 good; 100k P/E",
    },
    {
        .name = "GD5F1GQ4UA",
        .geo = {.page_size = 2048, .oob_size = 64, .pages_per_block = 64, .blocks = 1024, .nop = 4,
                .ecc_bits = 8, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = GD5F_LAYOUT,
        .ecc_ranges = {7, 8}, /* ECCS 01: 1-7 bits, 11: 8 bits, 10: uncorrectable (Linux gigadevice.c) */
        .t_read_typ_ns = 60000, .t_read_max_ns = 120000,
        .t_prog_typ_ns = 400000, .t_prog_max_ns = 700000,
        .t_erase_typ_ns = 3000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 108000000, .endurance = 100000,
        .source = "GigaDevice GD5F1GQ4UAYIG datasheet: 1024 x 64 x (2048+64); tR 120 us max (typ assumed "
                  "60 us); tPROG 400 us typ / 700 us max (assumed); tBERS 3 ms typ / 10 ms max (assumed); "
                  "108 MHz; ECC 8 bits per 512 B; <= 20 bad blocks, block 0 good; 100k P/E (assumed)",
    },
    {
        /* Not a real part: the W25N01GV with 64 blocks, so that exhaustive power-cut campaigns run fast. */
        .name = "W25N-SMALL",
        .geo = {.page_size = 2048, .oob_size = 64, .pages_per_block = 64, .blocks = 64, .nop = 4,
                .ecc_bits = 1, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = W25N_LAYOUT,
        .ecc_ranges = {1},
        .t_read_typ_ns = 25000, .t_read_max_ns = 60000,
        .t_prog_typ_ns = 250000, .t_prog_max_ns = 700000,
        .t_erase_typ_ns = 2000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 104000000, .endurance = 100000,
        .source = "W25N01GV figures, 64 blocks (test part)",
    },
    {
        /* Not a real part: the MT29F1G01ABAFD with 64 blocks (fast campaigns). */
        .name = "MT29F-SMALL",
        .geo = {.page_size = 2048, .oob_size = 128, .pages_per_block = 64, .blocks = 64, .nop = 4,
                .ecc_bits = 8, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = MT29_LAYOUT,
        .ecc_ranges = {3, 6, 8},
        .t_read_typ_ns = 25000, .t_read_max_ns = 70000,
        .t_prog_typ_ns = 220000, .t_prog_max_ns = 600000,
        .t_erase_typ_ns = 2000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 133000000, .endurance = 100000,
        .source = "MT29F1G01ABAFD figures, 64 blocks (test part)",
    },
    {
        /* Not a real part: the GD5F1GQ4UA with 64 blocks (fast campaigns). */
        .name = "GD5F-SMALL",
        .geo = {.page_size = 2048, .oob_size = 64, .pages_per_block = 64, .blocks = 64, .nop = 4,
                .ecc_bits = 8, .ecc_sector = 512, .max_bad_blocks = 20},
        .spare = GD5F_LAYOUT,
        .ecc_ranges = {7, 8},
        .t_read_typ_ns = 60000, .t_read_max_ns = 120000,
        .t_prog_typ_ns = 400000, .t_prog_max_ns = 700000,
        .t_erase_typ_ns = 3000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 108000000, .endurance = 100000,
        .source = "GD5F1GQ4UA figures, 64 blocks (test part)",
    },
};

const struct tdm_sim_part *tdm_sim_part_at(unsigned i)
{
    return i < sizeof tdm_parts / sizeof tdm_parts[0] ? &tdm_parts[i] : 0;
}

const struct tdm_sim_part *tdm_sim_part_find(const char *name)
{
    for (unsigned i = 0; tdm_sim_part_at(i); i++) {
        if (!strcmp(tdm_parts[i].name, name)) {
            return &tdm_parts[i];
        }
    }
    return 0;
}
