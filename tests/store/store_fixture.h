/* Fixture for the store tests: a simulated chip, the driver, a store config on it, seeded content.
 * Owns: nothing beyond one test's chip and store. */
#ifndef TANDEM_TESTS_STORE_FIXTURE_H
#define TANDEM_TESTS_STORE_FIXTURE_H

#include <string.h>

#include "harness.h"
#include "nand_sim.h"
#include "rng.h"
#include "tandem/host_crypto.h"
#include "tandem/store.h"

struct store_fixture {
    struct tdm_sim_nand chip;
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
    struct tdm_store st;
    struct tdm_store_config cfg;
    uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    uint64_t rng;
};

static inline void fx_open(struct store_fixture *f, uint32_t bad, uint32_t slot_bytes)
{
    memset(f, 0, sizeof *f);
    TDM_CHECK_OK(tdm_sim_nand_create(&f->chip, tdm_sim_part_find("W25N-SMALL"), bad, tdm_test_seed()));
    f->ops = tdm_sim_nand_ops(&f->chip);
    TDM_CHECK_OK(tdm_nand_init(&f->nand, &f->ops));
    f->cfg.nand = &f->nand;
    f->cfg.crypto = tdm_host_crypto();
    f->cfg.page_buf = f->page_buf;
    f->cfg.slot_bytes = slot_bytes;
    f->rng = tdm_test_seed() * 977 + 3;
}

static inline void fx_close(struct store_fixture *f)
{
    tdm_sim_nand_destroy(&f->chip);
}

/* Content byte at `off` of content `id` (deterministic). */
static inline uint8_t fx_byte(uint32_t id, uint32_t off)
{
    uint64_t st = ((uint64_t)id << 32) ^ (off / 8);
    return (uint8_t)(tdm_rng_next(&st) >> (8 * (off % 8)));
}

static inline void fx_fill(uint32_t id, uint32_t off, uint8_t *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        buf[i] = fx_byte(id, off + i);
    }
}

/* Stage `len` bytes of content `id` from `from` in seeded chunk sizes; returns the first error. */
static inline int fx_write(struct store_fixture *f, uint32_t id, uint32_t from, uint32_t len)
{
    uint8_t buf[3000];
    for (uint32_t off = from; off < len;) {
        uint32_t n = 1 + tdm_rng_below(&f->rng, sizeof buf);
        n = n < len - off ? n : len - off;
        fx_fill(id, off, buf, n);
        int err = tdm_store_write(&f->st, buf, n);
        if (err < 0) {
            return err;
        }
        off += n;
    }
    return 0;
}

/* A formatted store on a clean chip with `len` bytes of content `id` committed in slot A. */
static inline void fx_open_committed(struct store_fixture *f, uint32_t slot_bytes, uint32_t id, uint32_t len)
{
    fx_open(f, 0, slot_bytes);
    TDM_CHECK_OK(tdm_store_format(&f->st, &f->cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f->st, 0));
    TDM_CHECK_OK(fx_write(f, id, 0, len));
    TDM_CHECK_OK(tdm_store_commit(&f->st, len, NULL));
}

/* Does slot `slot` read back as content `id` over [0, len)? */
static inline int fx_matches(struct store_fixture *f, unsigned slot, uint32_t id, uint32_t len)
{
    uint8_t got[2048], want[2048];
    for (uint32_t off = 0; off < len; off += sizeof got) {
        uint32_t n = len - off < sizeof got ? len - off : (uint32_t)sizeof got;
        if (tdm_store_read(&f->st, slot, off, got, n) < 0) {
            return 0;
        }
        fx_fill(id, off, want, n);
        if (memcmp(got, want, n)) {
            return 0;
        }
    }
    return 1;
}

static inline void fx_sha(uint32_t id, uint32_t len, uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_crypto_ops c = tdm_host_crypto();
    struct tdm_sha256 h;
    uint8_t buf[1024];
    c.sha256_start(c.ctx, &h);
    for (uint32_t off = 0; off < len; off += sizeof buf) {
        uint32_t n = len - off < sizeof buf ? len - off : (uint32_t)sizeof buf;
        fx_fill(id, off, buf, n);
        c.sha256_update(c.ctx, &h, buf, n);
    }
    c.sha256_finish(c.ctx, &h, out);
}

#endif
