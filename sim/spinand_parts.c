/* Command-level facts of the simulated SPI-NAND parts: IDs, register layouts and power-up values, the
 * vendor ECC status encoding, and the commands each part has. The array geometry and timings stay in
 * sim/nand_parts.c (one chip, one table per level).
 * Owns: these facts, each with its source. Never: a figure without a source or an "assumed".
 *
 * Sources: Winbond W25N01GVxxIG/IT datasheet (rev L, 2018): 8.1 instruction set, 7.1-7.3 status
 * registers, 8.2.8 bad-block management; Micron MT29F1G01ABAFD (M78A) datasheet: command set, feature
 * registers, ECC status; GigaDevice GD5F1GQ4UAYIG datasheet: command set, feature registers. Cross-checked
 * with the Linux spinand drivers (drivers/mtd/nand/spi/winbond.c, micron.c, gigadevice.c, core.c): ID
 * bytes and read-ID method, ECC status encodings, the QE bit on GigaDevice, EBh dummy bytes.
 */
#include <string.h>

#include "spinand_sim.h"

/* The W25N01GV die: the real part and the 64-block test part answer alike. */
#define W25N01GV_FACTS \
        .id = {0xEF, 0xAA, 0x21}, .id_len = 3, .id_addr = false, \
        .prot_powerup = 0x7C, .prot_lock = 0x7C, \
        .cfg_powerup = 0x18, .cfg_writable = 0x58, \
        .cfg_ecc = 0x10, .cfg_buf = 0x08, .cfg_qe = 0, \
        .ecc_shift = 4, .ecc_mask = 0x3, \
        .ecc = {{0, 0}, {1, 1}}, \
        .ecc_uncorrectable = 2, \
        .quadio_dummy = 2, .has_lut = true, .t_rst_ns = 5000, \
        .source = "W25N01GV: ID EFh AAh 21h after 9Fh + 8 dummy clocks (Linux winbond.c: OPCODE_DUMMY); " \
                  "SR-1 A0h BP3-0 (bits 6-3) + TB (bit 2), all set at power-up = all blocks protected " \
                  "(exact byte 7Ch assumed); SR-2 B0h ECC-E bit 4, BUF bit 3, both 1 at power-up on the " \
                  "xxIG part; OTP-E bit 6 writable, OTP-L/SR1-L one-time bits not modelled; SR-3 C0h: " \
                  "ECC-1/0 bits 5-4 = 00 clean, 01 corrected (1 bit per sector: the ECC strength), 10 " \
                  "uncorrectable (11: several pages in continuous read, not modelled), LUT-F bit 6, " \
                  "P-FAIL 3, E-FAIL 2, WEL 1, BUSY 0; program/erase of a protected block sets " \
                  "P-FAIL/E-FAIL; bad-block LUT A1h/A5h of 20 entries; EBh 2 dummy bytes (Linux); " \
                  "tRST 5 us from idle (assumed)",

#define MT29F1G01ABAFD_FACTS \
        .id = {0x2C, 0x14}, .id_len = 2, .id_addr = false, \
        .prot_powerup = 0x38, .prot_lock = 0x7C, \
        .cfg_powerup = 0x10, .cfg_writable = 0x10, \
        .cfg_ecc = 0x10, .cfg_buf = 0, .cfg_qe = 0, \
        .ecc_shift = 4, .ecc_mask = 0x7, \
        .ecc = {{0, 0}, {3, 1}, {6, 3}, {8, 5}}, \
        .ecc_uncorrectable = 2, \
        .quadio_dummy = 2, .has_lut = false, .t_rst_ns = 5000, \
        .source = "MT29F1G01ABAFD: ID 2Ch 14h after 9Fh + 1 dummy byte (Linux micron.c: OPCODE_DUMMY); " \
                  "block lock A0h BRWD 7, BP3-0 bits 6-3, TB 2, WP#/HOLD# disable 1; power-up locked " \
                  "(value 38h assumed); configuration B0h ECC_EN bit 4 (power-up on: assumed), " \
                  "CFG2-0 / LOT_EN modes not modelled (writes refused as protocol errors); status C0h " \
                  "ECCS2-0 bits 6-4: 000 clean, 001 1-3 bits, 011 4-6 bits, 101 7-8 bits, 010 " \
                  "uncorrectable (Linux micron.c); OIP 0, WEL 1, E_FAIL 2, P_FAIL 3; EBh 2 dummy bytes " \
                  "(Linux); tRST 5 us from idle (assumed)"

#define GD5F1GQ4UA_FACTS \
        .id = {0xC8, 0xF1}, .id_len = 2, .id_addr = true, \
        .prot_powerup = 0x38, .prot_lock = 0x3E, \
        .cfg_powerup = 0x10, .cfg_writable = 0x51, \
        .cfg_ecc = 0x10, .cfg_buf = 0, .cfg_qe = 0x01, \
        .ecc_shift = 4, .ecc_mask = 0x3, \
        .ecc = {{0, 0}, {7, 1}, {8, 3}}, \
        .ecc_uncorrectable = 2, \
        .quadio_dummy = 1, .has_lut = false, .t_rst_ns = 5000, \
        .source = "GD5F1GQ4UA: ID C8h F1h after 9Fh + address byte 00h (Linux gigadevice.c: OPCODE_ADDR); " \
                  "protection A0h BRWD 7, BP2-0 bits 5-3, INV 2, CMP 1, power-up all locked (38h " \
                  "assumed); feature B0h OTP_PRT 7 (not modelled), OTP_EN 6, ECC_EN 4 (power-up on: " \
                  "assumed), QE 0 (x4 commands need it: Linux SPINAND_HAS_QE_BIT); status C0h ECCS1-0 " \
                  "bits 5-4: 00 clean, 01 1-7 bits, 11 8 bits, 10 uncorrectable (Linux gigadevice.c); " \
                  "EBh 1 dummy byte (Linux); tRST 5 us from idle (assumed)"

static const struct tdm_sim_spinand_part tdm_spinand_parts[] = {
    {
        .name = "W25N01GV", W25N01GV_FACTS
    },
    {
        .name = "MT29F1G01ABAFD", MT29F1G01ABAFD_FACTS
    },
    {
        .name = "GD5F1GQ4UA", GD5F1GQ4UA_FACTS
    },
    {
        /* The 64-block test parts answer as their real part (same die facts, fewer blocks). */
        .name = "W25N-SMALL", W25N01GV_FACTS
    },
    {
        .name = "MT29F-SMALL", MT29F1G01ABAFD_FACTS
    },
    {
        .name = "GD5F-SMALL", GD5F1GQ4UA_FACTS
    },
};

const struct tdm_sim_spinand_part *tdm_sim_spinand_part_find(const char *name)
{
    for (unsigned i = 0; i < sizeof tdm_spinand_parts / sizeof tdm_spinand_parts[0]; i++) {
        if (!strcmp(tdm_spinand_parts[i].name, name)) {
            return &tdm_spinand_parts[i];
        }
    }
    return 0;
}
