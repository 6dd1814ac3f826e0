/* The NAND part table: the one place where datasheet figures live, each with its source.
 * Owns: geometry, timings, clock, endurance per part. Never: a figure without a source column.
 *
 * Where a datasheet gives only a maximum (or only a typical) value, the other is marked in the source
 * string as "assumed". tR is with on-die ECC enabled, as tandem always runs the parts.
 */
#include <string.h>

#include "nand_sim.h"

static const struct tdm_sim_part tdm_parts[] = {
    {
        .name = "W25N01GV",
        .geo = {.page_size = 2048, .oob_size = 64, .pages_per_block = 64, .blocks = 1024, .nop = 4,
                .ecc_bits = 1, .ecc_sector = 512, .max_bad_blocks = 20},
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
        .t_read_typ_ns = 25000, .t_read_max_ns = 60000,
        .t_prog_typ_ns = 250000, .t_prog_max_ns = 700000,
        .t_erase_typ_ns = 2000000, .t_erase_max_ns = 10000000,
        .spi_max_hz = 104000000, .endurance = 100000,
        .source = "W25N01GV figures, 64 blocks (test part)",
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
