/* Persistence of a simulated internal flash (sim/flash_sim.h): one file per flash (appflash.bin,
 * netflash.bin in a device directory), so its state survives between processes.
 *
 * Owns: the file format. Never: partial loads (a file of the wrong size, magic or kind is refused whole),
 * a half-written file in place of a good one (save writes PATH.tmp, then renames).
 *
 * Format (little-endian), version 1:
 *   0   8  magic "TDMIFLS1"      8  4  format version (1)     12  4  kind (0 app, 1 net)
 *   16  4  base address         20  4  size (bytes)           24  4  page size
 *   28  4  reserved (0)         32  8  rng state              40 24  reserved (0)   -> header 64 bytes
 *   then the contents (size bytes), then per word its write count since erase (size / 4 bytes),
 *   then per page its erase count (u32 each).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash_sim.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define HDR_SIZE 64
#define FILE_VERSION 1

int tdm_sim_flash_save(const struct tdm_sim_flash *f, const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        return TDM_E_SIM_FILE;
    }
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        return TDM_E_SIM_FILE;
    }
    uint8_t hdr[HDR_SIZE] = {0};
    memcpy(hdr, "TDMIFLS1", 8);
    tdm_put_le32(hdr + 8, FILE_VERSION);
    tdm_put_le32(hdr + 12, (uint32_t)f->kind);
    tdm_put_le32(hdr + 16, f->geo.base);
    tdm_put_le32(hdr + 20, f->geo.size);
    tdm_put_le32(hdr + 24, f->geo.page_size);
    tdm_put_le64(hdr + 32, f->rng);
    uint32_t pages = f->geo.size / f->geo.page_size;
    int ok = fwrite(hdr, HDR_SIZE, 1, out) == 1 && fwrite(f->mem, f->geo.size, 1, out) == 1 &&
             fwrite(f->word_writes, f->geo.size / 4, 1, out) == 1;
    for (uint32_t p = 0; ok && p < pages; p++) {
        uint8_t rec[4];
        tdm_put_le32(rec, f->erase_count[p]);
        ok = fwrite(rec, 4, 1, out) == 1;
    }
    if (fclose(out) != 0) {
        ok = 0;
    }
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return TDM_E_SIM_FILE;
    }
    return 0;
}

static int load_body(struct tdm_sim_flash *f, FILE *in)
{
    uint8_t hdr[HDR_SIZE];
    if (fread(hdr, HDR_SIZE, 1, in) != 1 || memcmp(hdr, "TDMIFLS1", 8) != 0 ||
        tdm_get_le32(hdr + 8) != FILE_VERSION || tdm_get_le32(hdr + 12) != (uint32_t)f->kind ||
        tdm_get_le32(hdr + 16) != f->geo.base || tdm_get_le32(hdr + 20) != f->geo.size ||
        tdm_get_le32(hdr + 24) != f->geo.page_size) {
        return TDM_E_SIM_FILE;
    }
    f->rng = tdm_get_le64(hdr + 32);
    uint32_t pages = f->geo.size / f->geo.page_size;
    if (fread(f->mem, f->geo.size, 1, in) != 1 || fread(f->word_writes, f->geo.size / 4, 1, in) != 1) {
        return TDM_E_SIM_FILE;
    }
    for (uint32_t p = 0; p < pages; p++) {
        uint8_t rec[4];
        if (fread(rec, 4, 1, in) != 1) {
            return TDM_E_SIM_FILE;
        }
        f->erase_count[p] = tdm_get_le32(rec);
    }
    if (fgetc(in) != EOF) {
        return TDM_E_SIM_FILE; /* trailing bytes: not a file we wrote */
    }
    return 0;
}

int tdm_sim_flash_load(struct tdm_sim_flash *f, enum tdm_sim_flash_kind kind, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        return TDM_E_SIM_FILE;
    }
    int err = tdm_sim_flash_create(f, kind, 0);
    if (err < 0) {
        fclose(in);
        return err;
    }
    err = load_body(f, in);
    fclose(in);
    if (err < 0) {
        tdm_sim_flash_destroy(f);
    }
    return err;
}
