/* The SPI-NAND driver's part table (include/tandem/spinand.h): what the driver must know of each part.
 * Owns: IDs, register bits, ECC status decoding, the tag area's spare byte runs, the timings the driver
 * waits for, each with its source (tdm_spinand_sources, in the rows' order). Never: a figure without a
 * source or an "assumed".
 *
 * Sources: Winbond W25N01GVxxIG/IT datasheet (rev L): status registers 7.1-7.3, spare area (per 512-byte
 * sector, 16 spare bytes: 0-1 bad-block marker / reserved, 2-3 user data II not ECC-protected, 4-7 user
 * data I ECC-protected, 8-15 ECC parity written by the chip), AC timings (tRD2 60 us max with ECC on, tPP
 * 700 us max, tBE 10 ms max, tRST 500 us max during an erase); Micron MT29F1G01ABAFD datasheet; GigaDevice
 * GD5F1GQ4UAYIG datasheet; Linux drivers/mtd/nand/spi/{winbond,micron,gigadevice,core}.c for the IDs,
 * read-ID dummy/address byte, ECC status encodings and free spare bytes (ooblayout).
 * The corrected-bit figure returned for a vendor range is its upper bound (Linux does the same).
 */
#include "tandem/spinand.h"

#define UNC TDM_SPINAND_ECC_UNCORRECTABLE
#define GEO_1G(oob, bits, tag, prot)                                                                \
    {.page_size = 2048, .oob_size = (oob), .pages_per_block = 64, .blocks = 1024, .nop = 4,           \
     .ecc_bits = (bits), .ecc_sector = 512, .max_bad_blocks = 20, .tag_size = (tag), .tag_ecc = (prot)}

static const struct tdm_spinand_part tdm_spinand_parts[] = {
    {
        .name = "W25N01GV",
        .id = {0xEF, 0xAA, 0x21}, .id_len = 3,
        .geo = GEO_1G(64, 1, 24, 16),
        .ecc_shift = 4, .ecc_mask = 0x3, .ecc_bits = {0, 1, UNC, UNC},
        .prot_lock = 0x7C, .cfg_set = 0x18, .cfg_ecc = 0x10, .cfg_qe = 0,
        .bbm = 0,
        .n_spans = 8,
        .tag = {{4, 4}, {20, 4}, {36, 4}, {52, 4}, {2, 2}, {18, 2}, {34, 2}, {50, 2}},
        .t_rst_ns = 5000, .t_read_ns = 25000, .t_prog_ns = 250000, .t_erase_ns = 2000000,
        .t_rst_max_ns = 500000, .t_read_max_ns = 60000, .t_prog_max_ns = 700000, .t_erase_max_ns = 10000000,
    },
    {
        .name = "MT29F1G01ABAFD",
        .id = {0x2C, 0x14}, .id_len = 2,
        .geo = GEO_1G(128, 8, 62, 60),
        .ecc_shift = 4, .ecc_mask = 0x7, .ecc_bits = {0, 3, UNC, 6, UNC, 8, UNC, UNC},
        .prot_lock = 0x7C, .cfg_set = 0x10, .cfg_ecc = 0x10, .cfg_qe = 0,
        .bbm = 0,
        .n_spans = 2,
        .tag = {{4, 60}, {2, 2}},
        .t_rst_ns = 5000, .t_read_ns = 25000, .t_prog_ns = 220000, .t_erase_ns = 2000000,
        .t_rst_max_ns = 500000, .t_read_max_ns = 70000, .t_prog_max_ns = 600000, .t_erase_max_ns = 10000000,
    },
    {
        .name = "GD5F1GQ4UA",
        .id = {0xC8, 0xF1}, .id_len = 2,
        .geo = GEO_1G(64, 8, 31, 16),
        .ecc_shift = 4, .ecc_mask = 0x3, .ecc_bits = {0, 7, UNC, 8},
        .prot_lock = 0x3E, .cfg_set = 0x10, .cfg_ecc = 0x10, .cfg_qe = 0x01,
        .bbm = 0,
        .n_spans = 8,
        .tag = {{4, 4}, {20, 4}, {36, 4}, {52, 4}, {1, 3}, {16, 4}, {32, 4}, {48, 4}},
        .t_rst_ns = 5000, .t_read_ns = 60000, .t_prog_ns = 400000, .t_erase_ns = 3000000,
        .t_rst_max_ns = 500000, .t_read_max_ns = 120000, .t_prog_max_ns = 700000, .t_erase_max_ns = 10000000,
    },
};

/* Each row's sources, for the host (in the table's order; tdm_spinand_part_source). Apart from the rows so
 * that the device image, which reads only the figures, does not carry them: nothing links this array
 * unless it asks for a source. */
static const char *const tdm_spinand_sources[] = {
    "W25N01GV: ID EF AA 21; SR-2 ECC-E bit 4 + BUF bit 3 set (buffer read mode); status "
    "ECC-1/0: 00 clean, 01 corrected (1 bit per sector), 10 and 11 uncorrectable; tag = "
    "user data I (4-7 of each 16-byte section, protected) then user data II (2-3, not "
    "protected): 24 bytes, 16 protected; marker: spare byte 0 of page 0; tPP typ 250 us "
    "assumed from the family",
    "MT29F1G01ABAFD: ID 2C 14; B0h ECC_EN bit 4; status ECCS2-0: 000 clean, 001 1-3, 011 "
    "4-6, 101 7-8 bits corrected, 010 uncorrectable, 100/110/111 reserved (treated as "
    "uncorrectable); free spare 2-63, parity 64-127 (Linux micron.c ooblayout); which free "
    "bytes the ECC covers is assumed: 4-63 protected, 2-3 not; marker spare byte 0 of page "
    "0; tPROG max 600 us and tRST max assumed",
    "GD5F1GQ4UA: ID C8 F1 (9Fh + address 00h); B0h ECC_EN bit 4, QE bit 0 for x4; status "
    "ECCS1-0: 00 clean, 01 1-7 bits, 11 8 bits corrected, 10 uncorrectable; free spare: 1-7 "
    "of section 0 and 0-7 of sections 1-3, parity 8-15 of each (Linux gigadevice.c); "
    "protected free bytes assumed as on the W25N (4-7 of each section), the rest not; "
    "marker spare byte 0 of page 0; typical tR and all tPROG/tBERS/tRST figures assumed",
};
_Static_assert(sizeof tdm_spinand_sources / sizeof tdm_spinand_sources[0] ==
                   sizeof tdm_spinand_parts / sizeof tdm_spinand_parts[0],
               "one source per part");

const struct tdm_spinand_part *tdm_spinand_part_at(unsigned i)
{
    return i < sizeof tdm_spinand_parts / sizeof tdm_spinand_parts[0] ? &tdm_spinand_parts[i] : 0;
}

const char *tdm_spinand_part_source(unsigned i)
{
    return tdm_spinand_part_at(i) ? tdm_spinand_sources[i] : 0;
}
