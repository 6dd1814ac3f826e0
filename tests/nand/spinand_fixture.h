/* Fixture for the SPI-NAND tests: a page-level chip, the command-level chip in front of it, its SPI port,
 * raw transactions for the chip rules, and the driver for the driver scenarios.
 * Owns: nothing beyond one test's chip. */
#ifndef TANDEM_TESTS_SPINAND_FIXTURE_H
#define TANDEM_TESTS_SPINAND_FIXTURE_H

#include <string.h>

#include "harness.h"
#include "nand_sim.h"
#include "rng.h"
#include "spinand_sim.h"
#include "tandem/spinand.h"

static const char *const spinand_parts[] = {"W25N01GV", "MT29F1G01ABAFD", "GD5F1GQ4UA"};
#define SPINAND_NPARTS 3

struct spinand_fixture {
    struct tdm_sim_nand chip;
    struct tdm_sim_spinand sim;
    struct tdm_spi_ops spi;
    struct tdm_clock_ops clock;
    struct tdm_spinand drv;
    struct tdm_nand_ops port;
    uint64_t rng;
    uint8_t page[2048 + 128];
    uint8_t back[2048 + 128];
};

static inline void sf_open(struct spinand_fixture *f, const char *part, uint32_t bad)
{
    TDM_CHECK_OK(tdm_sim_nand_create(&f->chip, tdm_sim_part_find(part), bad, tdm_test_seed()));
    TDM_CHECK_OK(tdm_sim_spinand_create(&f->sim, &f->chip, tdm_test_seed()));
    f->spi = tdm_sim_spinand_ops(&f->sim);
    f->clock = tdm_sim_nand_clock(&f->chip);
    f->rng = tdm_test_seed() * 7919u + 3;
    tdm_rng_fill(&f->rng, f->page, sizeof f->page);
}

/* Driver over the chip: bus at `hz` with `lines` (the master's and the driver's). */
static inline int sf_driver(struct spinand_fixture *f, uint32_t hz, uint32_t lines)
{
    TDM_CHECK_OK(tdm_sim_spinand_set_bus(&f->sim, hz, lines));
    f->spi = tdm_sim_spinand_ops(&f->sim);
    struct tdm_spinand_config cfg = {.spi = f->spi, .clock = &f->clock, .lines = lines};
    int err = tdm_spinand_init(&f->drv, &cfg);
    f->port = tdm_spinand_ops(&f->drv);
    return err;
}

/* One raw transaction: `cmd` written on one line, then `out` written / `in` read on `lines`. */
static inline int sf_tx(struct spinand_fixture *f, const uint8_t *cmd, uint32_t n, const void *out, uint32_t on,
                        void *in, uint32_t in_n, uint32_t lines)
{
    int err = f->spi.select(f->spi.ctx);
    if (err < 0) {
        return err;
    }
    err = f->spi.write(f->spi.ctx, cmd, n, 1);
    if (err == 0 && on) {
        err = f->spi.write(f->spi.ctx, out, on, lines);
    }
    if (err == 0 && in_n) {
        err = f->spi.read(f->spi.ctx, in, in_n, lines);
    }
    int end = f->spi.deselect(f->spi.ctx);
    return err < 0 ? err : end;
}

static inline int sf_cmd(struct spinand_fixture *f, uint8_t op)
{
    return sf_tx(f, &op, 1, 0, 0, 0, 0, 1);
}

static inline int sf_row(struct spinand_fixture *f, uint8_t op, uint32_t row)
{
    uint8_t c[4] = {op, (uint8_t)(row >> 16), (uint8_t)(row >> 8), (uint8_t)row};
    return sf_tx(f, c, 4, 0, 0, 0, 0, 1);
}

static inline uint8_t sf_get(struct spinand_fixture *f, uint8_t reg)
{
    uint8_t c[2] = {0x0F, reg}, v = 0;
    TDM_CHECK_OK(sf_tx(f, c, 2, 0, 0, &v, 1, 1));
    return v;
}

static inline void sf_set(struct spinand_fixture *f, uint8_t reg, uint8_t v)
{
    uint8_t c[3] = {0x1F, reg, v};
    TDM_CHECK_OK(sf_tx(f, c, 3, 0, 0, 0, 0, 1));
}

/* Program load (02h) or random load (84h) of `n` bytes at `col`. */
static inline void sf_load(struct spinand_fixture *f, uint8_t op, uint32_t col, const void *p, uint32_t n)
{
    uint8_t c[3] = {op, (uint8_t)(col >> 8), (uint8_t)col};
    TDM_CHECK_OK(sf_tx(f, c, 3, p, n, 0, 0, 1));
}

/* Fast read from cache (0Bh) of `n` bytes at `col`. */
static inline void sf_read_cache(struct spinand_fixture *f, uint32_t col, void *p, uint32_t n)
{
    uint8_t c[4] = {0x0B, (uint8_t)(col >> 8), (uint8_t)col, 0};
    TDM_CHECK_OK(sf_tx(f, c, 4, 0, 0, p, n, 1));
}

/* Let simulated time pass until the chip is idle. */
static inline void sf_wait(struct spinand_fixture *f)
{
    while (f->chip.dom->clock_ns < f->sim.busy_until) {
        tdm_sim_domain_advance(f->chip.dom, f->sim.busy_until - f->chip.dom->clock_ns);
    }
}

static inline void sf_close(struct spinand_fixture *f)
{
    tdm_sim_nand_destroy(&f->chip);
}

#endif
