/* Fixture of the store fuzz targets (fuzz_store.c, fuzz_journal.c, make_target_seeds.c): a small store on a
 * simulated W25N-SMALL chip, built the same way every time (or restored from a snapshot: sfx_fresh), and
 * raw access to the chip's bytes.
 * The store: 8 blocks (56..63), 64 KB slots; slot A committed (5000 bytes), a user journal record, a
 * PENDING boot state for slot A, slot B open with two durable pages and a tail in the page buffer.
 * Owns: that content and the checks every store target makes. Never: part of a device build. */
#ifndef TANDEM_FUZZ_STORE_FX_H
#define TANDEM_FUZZ_STORE_FX_H

#include <stdlib.h>
#include <string.h>

#include "nand_sim.h"
#include "nand_snapshot.h"
#include "tandem/bootstate.h"
#include "tandem/host_crypto.h"
#include "tandem/store.h"

#define SFX_FIRST 56u
#define SFX_BLOCKS 8u
#define SFX_SLOT_BYTES (64u * 1024u)
#define SFX_A_LEN 5000u
#define SFX_B_LEN (2u * 2048u + 100u)
#define SFX_USER_TYPE 7u

struct sfx {
    struct tdm_sim_nand chip;
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
    struct tdm_store st;
    struct tdm_store_config cfg;
    uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
};

static inline uint8_t sfx_byte(uint32_t id, uint32_t off)
{
    return (uint8_t)(id * 131u + off * 7u + (off >> 8));
}

static inline int sfx_write(struct sfx *f, uint32_t id, uint32_t len)
{
    uint8_t buf[700];
    for (uint32_t off = 0; off < len;) {
        uint32_t n = len - off < sizeof buf ? len - off : (uint32_t)sizeof buf;
        for (uint32_t i = 0; i < n; i++) {
            buf[i] = sfx_byte(id, off + i);
        }
        int err = tdm_store_write(&f->st, buf, n);
        if (err < 0) {
            return err;
        }
        off += n;
    }
    return 0;
}

/* Build the store described above; aborts if the store cannot even do that (a bug, not a finding). */
static inline void sfx_build(struct sfx *f)
{
    memset(f, 0, sizeof *f);
    if (tdm_sim_nand_create(&f->chip, tdm_sim_part_find("W25N-SMALL"), 0, 1) < 0) {
        abort();
    }
    f->ops = tdm_sim_nand_ops(&f->chip);
    f->cfg.nand = &f->nand;
    f->cfg.crypto = tdm_host_crypto();
    f->cfg.page_buf = f->page_buf;
    f->cfg.first_block = SFX_FIRST;
    f->cfg.block_count = SFX_BLOCKS;
    f->cfg.slot_bytes = SFX_SLOT_BYTES;
    struct tdm_version v = {2, 1, 0, 7};
    const uint8_t note[5] = {'n', 'o', 't', 'e', 1};
    if (tdm_nand_init(&f->nand, &f->ops) < 0 || tdm_store_format(&f->st, &f->cfg, false) < 0 ||
        tdm_store_open(&f->st, TDM_STORE_SLOT_A) < 0 || sfx_write(f, 1, SFX_A_LEN) < 0 ||
        tdm_store_commit(&f->st, SFX_A_LEN, NULL) < 0 ||
        tdm_store_journal_append(&f->st, SFX_USER_TYPE, note, sizeof note) < 0 ||
        tdm_bootstate_request(&f->st, TDM_STORE_SLOT_A, 5, &v) < 0 || tdm_store_open(&f->st, TDM_STORE_SLOT_B) < 0 ||
        sfx_write(f, 2, SFX_B_LEN) < 0) {
        abort();
    }
}

static inline void sfx_free(struct sfx *f)
{
    tdm_sim_nand_destroy(&f->chip);
}

static inline uint32_t sfx_page_bytes(const struct sfx *f)
{
    return f->chip.geo.page_size + f->chip.geo.oob_size;
}

/* The raw bytes of page `page` of `block` (data then spare), allocated erased if the chip never wrote it. */
static inline uint8_t *sfx_raw_page(struct sfx *f, uint32_t block, uint32_t page)
{
    uint32_t per_block = f->chip.geo.pages_per_block * sfx_page_bytes(f);
    if (!f->chip.block_data[block]) {
        f->chip.block_data[block] = malloc(per_block);
        if (!f->chip.block_data[block]) {
            abort();
        }
        memset(f->chip.block_data[block], 0xFF, per_block);
    }
    return f->chip.block_data[block] + page * sfx_page_bytes(f);
}

/* *f as sfx_build leaves it, for the price of a copy: the first call builds the store and keeps a
 * snapshot (the struct and the chip: sim/nand_snapshot.h); later calls restore it in place. Restoring instead
 * of rebuilding through format/write/commit is half of what lets the store targets run > 1 000 inputs/s
 * (the other half: fuzz/run.sh leaves the simulator and the CRC loop out of the coverage instrumentation).
 * `f` must be the same object on every call (a static of the target): the struct's own pointers
 * (cfg.nand, nand.ops, chip.dom) point into it. Aborts if called with another. */
static inline void sfx_fresh(struct sfx *f)
{
    static struct sfx *at;
    static struct sfx built;
    static struct tdm_sim_nand_snapshot chip;
    if (!at) {
        sfx_build(f);
        if (tdm_sim_nand_snapshot_take(&chip, &f->chip) < 0) {
            abort();
        }
        at = f;
        built = *f;
        return;
    }
    if (at != f) {
        abort();
    }
    *f = built; /* the chip's array pointers are the same: the simulator never reallocates them */
    if (tdm_sim_nand_snapshot_restore(&chip, &f->chip) < 0) {
        abort();
    }
}

/* Damage the store's blocks as the input says: records [op][block][page][col lo][col hi][len][len bytes];
 * op % 4: 0 overwrite bytes, 1 XOR bytes, 2 page reads as uncorrectable ECC, 3 block fully erased.
 * Blocks are taken modulo the store range. */
static inline void sfx_damage(struct sfx *f, const uint8_t *d, size_t n)
{
    const uint32_t pb = sfx_page_bytes(f), ppb = f->chip.geo.pages_per_block;
    size_t i = 0;
    while (i + 6 <= n) {
        uint32_t op = d[i] % 4, block = SFX_FIRST + d[i + 1] % SFX_BLOCKS, page = d[i + 2] % ppb;
        uint32_t col = (d[i + 3] | (uint32_t)d[i + 4] << 8) % pb, len = d[i + 5];
        i += 6;
        if (op <= 1) {
            len = len < n - i ? len : (uint32_t)(n - i);
            len = len < pb - col ? len : pb - col;
            uint8_t *p = sfx_raw_page(f, block, page) + col;
            for (uint32_t k = 0; k < len; k++) {
                p[k] = op == 0 ? d[i + k] : (uint8_t)(p[k] ^ d[i + k]);
            }
            i += len;
        } else if (op == 2) {
            f->chip.page_flags[block * ppb + page] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        } else {
            memset(sfx_raw_page(f, block, 0), 0xFF, ppb * pb);
            for (uint32_t k = 0; k < ppb; k++) {
                f->chip.page_flags[block * ppb + k] = 0;
                f->chip.page_nprog[block * ppb + k] = 0;
            }
            f->chip.block_top[block] = -1;
        }
    }
}

/* Every COMMITTED slot of the mounted store either fails to read or reads as bytes whose SHA-256 is the
 * digest the store reports: corrupt data is never reported as valid. Aborts on a violation. */
static inline void sfx_check_committed(struct sfx *f)
{
    for (unsigned slot = 0; slot < TDM_STORE_SLOTS; slot++) {
        struct tdm_store_slot_info si;
        if (tdm_store_slot_info(&f->st, slot, &si) < 0 || si.state != TDM_STORE_COMMITTED) {
            continue;
        }
        struct tdm_crypto_ops c = tdm_host_crypto();
        struct tdm_sha256 h;
        uint8_t buf[4096], got[TDM_SHA256_LEN]; /* whole pages: every read call checks its pages' CRCs */
        int ok = c.sha256_start(c.ctx, &h) == 0;
        for (uint32_t off = 0; ok && off < si.length; off += sizeof buf) {
            uint32_t n = si.length - off < sizeof buf ? si.length - off : (uint32_t)sizeof buf;
            ok = tdm_store_read(&f->st, slot, off, buf, n) == 0 && c.sha256_update(c.ctx, &h, buf, n) == 0;
        }
        if (ok && c.sha256_finish(c.ctx, &h, got) == 0 && memcmp(got, si.sha256, sizeof got) != 0) {
            abort(); /* the store handed out content that does not match its committed digest */
        }
    }
}

/* What a booting device does with the store: mount, look at everything, and when a slot is open, resume
 * it, finish it and commit; each mount is followed by the committed-content check. */
static inline void sfx_exercise(struct sfx *f)
{
    if (tdm_store_mount(&f->st, &f->cfg) < 0) {
        return;
    }
    sfx_check_committed(f);
    struct tdm_store_info info;
    (void)tdm_store_info(&f->st, &info);
    uint8_t rec[TDM_STORE_JOURNAL_MAX_PAYLOAD];
    uint32_t seq;
    for (uint32_t type = 1; type < 12; type++) {
        int n = tdm_store_journal_latest(&f->st, type, rec, sizeof rec, &seq);
        if (n > (int)sizeof rec) {
            abort();
        }
    }
    struct tdm_bootstate bs;
    if (tdm_bootstate_load(&f->st, &bs) == 0 && bs.nrejected > TDM_BOOTSTATE_REJECTED_MAX) {
        abort(); /* a decoded state must be a valid state */
    }
    for (unsigned slot = 0; slot < TDM_STORE_SLOTS; slot++) {
        struct tdm_store_slot_info si;
        if (tdm_store_slot_info(&f->st, slot, &si) < 0 || si.state != TDM_STORE_OPEN) {
            continue;
        }
        int durable = tdm_store_resume(&f->st, slot);
        if (durable < 0) {
            break;
        }
        const uint8_t tail[3] = {1, 2, 3};
        if (tdm_store_write(&f->st, tail, sizeof tail) == 0) {
            (void)tdm_store_commit(&f->st, (uint32_t)durable + sizeof tail, NULL);
        }
        if (tdm_store_mount(&f->st, &f->cfg) == 0) {
            sfx_check_committed(f);
        }
        break;
    }
}

#endif
