/* Persistence of the simulated chip (sim/nand_sim.h): one file per chip, so its state survives
 * between processes (`tandem nand create` then `tandem nand info`).
 *
 * Owns: the file format. Never: partial loads (a file of the wrong size or magic is refused whole).
 *
 * Format (little-endian), version 2:
 *   0    8  magic "TDMNAND1"
 *   8    4  format version (1)
 *   12  32  part name, NUL padded
 *   44   4  SPI clock (Hz)      48  4  bus width      52  4  timing (0 typical, 1 worst)
 *   56   8  rng state           64  8  domain ops     72  8  domain clock (ns)
 *   80   8  reads seen          88 88  stats (11 x u64, in the order of struct tdm_sim_stats)
 *   512 40  faults: program_fail_ppm, erase_fail_ppm, bitflip_ppm, bitflip_bits, disturb_ppm,
 *           retention_ppm, torn_mask, weak_life, weak_reads (u32 each), 4 reserved
 *   552  8  power cuts the chip has aged its weak pages for
 *   ...  header padded to 4096 bytes
 *   then per block: erase count u32, flags u8 (blocks x 5 bytes)
 *   then per page: partial-program count u8, page flags u8, then struct tdm_sim_page_health's 8 bytes in
 *   field order (pages x 10 bytes)
 *   then the array: blocks x pages_per_block x (page_size + oob_size) bytes, row order.
 * The per-block highest programmed page is derived on load (pages with programs, in order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nand_sim.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define HDR_SIZE 4096
#define FILE_VERSION 2
#define PAGE_REC 10
#define STATS_N 11

static void stats_put(uint8_t *p, const struct tdm_sim_stats *s)
{
    const uint64_t v[STATS_N] = {s->reads, s->programs, s->erases, s->read_bytes, s->program_bytes,
                                 s->ecc_corrected, s->ecc_uncorrectable, s->program_fails, s->erase_fails,
                                 s->rule_violations, s->time_ns};
    for (int i = 0; i < STATS_N; i++) {
        tdm_put_le64(p + 8 * i, v[i]);
    }
}

static void stats_get(const uint8_t *p, struct tdm_sim_stats *s)
{
    uint64_t *v[STATS_N] = {&s->reads, &s->programs, &s->erases, &s->read_bytes, &s->program_bytes,
                            &s->ecc_corrected, &s->ecc_uncorrectable, &s->program_fails, &s->erase_fails,
                            &s->rule_violations, &s->time_ns};
    for (int i = 0; i < STATS_N; i++) {
        *v[i] = tdm_get_le64(p + 8 * i);
    }
}

#define FAULTS_AT 512
#define FAULTS_N 9

static void faults_io(uint8_t *p, struct tdm_sim_faults *f, int put)
{
    uint32_t *v[FAULTS_N] = {&f->program_fail_ppm, &f->erase_fail_ppm, &f->bitflip_ppm, &f->bitflip_bits,
                             &f->disturb_ppm, &f->retention_ppm, &f->torn_mask, &f->weak_life, &f->weak_reads};
    for (int i = 0; i < FAULTS_N; i++) {
        if (put) {
            tdm_put_le32(p + 4 * i, *v[i]);
        } else {
            *v[i] = tdm_get_le32(p + 4 * i);
        }
    }
}

static uint64_t file_size(const struct tdm_nand_geometry *g)
{
    uint64_t pages = (uint64_t)g->blocks * g->pages_per_block;
    return HDR_SIZE + (uint64_t)g->blocks * 5 + pages * PAGE_REC + pages * (g->page_size + g->oob_size);
}

int tdm_sim_nand_save(const struct tdm_sim_nand *c, const char *path)
{
    uint8_t *hdr = calloc(1, HDR_SIZE);
    FILE *f = fopen(path, "wb");
    if (!hdr || !f) {
        free(hdr);
        if (f) {
            fclose(f);
        }
        return TDM_E_SIM_FILE;
    }
    memcpy(hdr, "TDMNAND1", 8);
    tdm_put_le32(hdr + 8, FILE_VERSION);
    strncpy((char *)hdr + 12, c->part->name, 31);
    tdm_put_le32(hdr + 44, c->spi_hz);
    tdm_put_le32(hdr + 48, c->bus_width);
    tdm_put_le32(hdr + 52, (uint32_t)c->timing);
    tdm_put_le64(hdr + 56, c->rng);
    tdm_put_le64(hdr + 64, c->dom->ops);
    tdm_put_le64(hdr + 72, c->dom->clock_ns);
    tdm_put_le64(hdr + 80, c->reads_seen);
    stats_put(hdr + 88, &c->stats);
    struct tdm_sim_faults faults = c->faults;
    faults_io(hdr + FAULTS_AT, &faults, 1);
    tdm_put_le64(hdr + FAULTS_AT + 40, c->cuts_seen);
    int ok = fwrite(hdr, HDR_SIZE, 1, f) == 1;
    for (uint32_t b = 0; ok && b < c->geo.blocks; b++) {
        uint8_t rec[5];
        tdm_put_le32(rec, c->erase_count[b]);
        rec[4] = c->block_flags[b];
        ok = fwrite(rec, 5, 1, f) == 1;
    }
    uint32_t pages = c->geo.blocks * c->geo.pages_per_block;
    for (uint32_t r = 0; ok && r < pages; r++) {
        const struct tdm_sim_page_health *h = &c->health[r];
        uint8_t rec[PAGE_REC] = {c->page_nprog[r], c->page_flags[r], h->cw_prog, h->cw_bad, h->weak, h->life,
                                 h->age, h->reads, h->flips, 0};
        ok = fwrite(rec, PAGE_REC, 1, f) == 1;
    }
    size_t bb = (size_t)c->geo.pages_per_block * (c->geo.page_size + c->geo.oob_size);
    uint8_t *erased = malloc(bb);
    if (erased) {
        memset(erased, 0xFF, bb);
    }
    ok = ok && erased;
    for (uint32_t b = 0; ok && b < c->geo.blocks; b++) {
        ok = fwrite(c->block_data[b] ? c->block_data[b] : erased, bb, 1, f) == 1;
    }
    free(erased);
    free(hdr);
    if (fclose(f) != 0) {
        ok = 0;
    }
    return ok ? 0 : TDM_E_SIM_FILE;
}

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

static int load_body(struct tdm_sim_nand *c, FILE *f)
{
    uint32_t pages = c->geo.blocks * c->geo.pages_per_block;
    for (uint32_t b = 0; b < c->geo.blocks; b++) {
        uint8_t rec[5];
        if (fread(rec, 5, 1, f) != 1) {
            return TDM_E_SIM_FILE;
        }
        c->erase_count[b] = tdm_get_le32(rec);
        c->block_flags[b] = rec[4];
    }
    for (uint32_t r = 0; r < pages; r++) {
        uint8_t rec[PAGE_REC];
        if (fread(rec, PAGE_REC, 1, f) != 1) {
            return TDM_E_SIM_FILE;
        }
        c->page_nprog[r] = rec[0];
        c->page_flags[r] = rec[1];
        struct tdm_sim_page_health h = {rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], rec[8], 0};
        c->health[r] = h;
        if (rec[0]) {
            c->block_top[r / c->geo.pages_per_block] = (int32_t)(r % c->geo.pages_per_block);
        }
    }
    size_t bb = (size_t)c->geo.pages_per_block * (c->geo.page_size + c->geo.oob_size);
    for (uint32_t b = 0; b < c->geo.blocks; b++) {
        uint8_t *d = malloc(bb);
        if (!d) {
            return TDM_E_BUFFER;
        }
        if (fread(d, bb, 1, f) != 1) {
            free(d);
            return TDM_E_SIM_FILE;
        }
        if (all_ff(d, bb)) {
            free(d);
        } else {
            c->block_data[b] = d;
        }
    }
    return 0;
}

int tdm_sim_nand_load(struct tdm_sim_nand *c, const char *path)
{
    uint8_t hdr[HDR_SIZE];
    FILE *f = fopen(path, "rb");
    if (!f) {
        return TDM_E_SIM_FILE;
    }
    if (fread(hdr, HDR_SIZE, 1, f) != 1 || memcmp(hdr, "TDMNAND1", 8) || tdm_get_le32(hdr + 8) != FILE_VERSION) {
        fclose(f);
        return TDM_E_SIM_FILE;
    }
    char name[33] = {0};
    memcpy(name, hdr + 12, 32);
    const struct tdm_sim_part *part = tdm_sim_part_find(name);
    if (!part) {
        fclose(f);
        return TDM_E_SIM_PART;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (uint64_t)ftell(f) != file_size(&part->geo) || fseek(f, HDR_SIZE, SEEK_SET)) {
        fclose(f);
        return TDM_E_SIM_FILE;
    }
    int err = tdm_sim_nand_create(c, part, 0, 0);
    if (err < 0) {
        fclose(f);
        return err;
    }
    c->spi_hz = tdm_get_le32(hdr + 44);
    c->bus_width = tdm_get_le32(hdr + 48);
    c->timing = tdm_get_le32(hdr + 52) ? TDM_SIM_WORST : TDM_SIM_TYPICAL;
    c->rng = tdm_get_le64(hdr + 56);
    c->own.ops = tdm_get_le64(hdr + 64);
    c->own.clock_ns = tdm_get_le64(hdr + 72);
    c->reads_seen = tdm_get_le64(hdr + 80);
    faults_io(hdr + FAULTS_AT, &c->faults, 0);
    c->cuts_seen = tdm_get_le64(hdr + FAULTS_AT + 40);
    stats_get(hdr + 88, &c->stats);
    err = load_body(c, f);
    fclose(f);
    if (err < 0) {
        tdm_sim_nand_destroy(c);
        return err;
    }
    if (c->bus_width != 1 && c->bus_width != 4) {
        c->bus_width = 4;
    }
    if (c->spi_hz == 0 || c->spi_hz > part->spi_max_hz) {
        c->spi_hz = part->spi_max_hz;
    }
    return 0;
}
