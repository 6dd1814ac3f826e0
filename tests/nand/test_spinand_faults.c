/* The SPI-NAND driver (nand/spinand.c) when the bus or the chip misbehaves: an SPI master that reports a
 * bus fault at any one call, a chip that never leaves busy, a board without a clock port, configurations
 * the driver must refuse, and calls before init or past the end of the chip. The contract under test:
 * every port error is returned to the caller, never hidden, and never turned into a result. */
#include "spinand_fixture.h"

static struct spinand_fixture F;

#define SPIM4_HZ 32000000u

/* An SPI master in front of the simulated one that fails call number `fail_at` (counting select, write,
 * read and deselect; 0 = never) with a bus fault, then goes on working. */
struct flaky {
    struct tdm_spi_ops inner;
    uint64_t calls, fail_at;
};
static struct flaky B;

static int flaky_call(void)
{
    return ++B.calls == B.fail_at ? TDM_E_IO : 0;
}
static int flaky_select(void *ctx)
{
    (void)ctx;
    int err = flaky_call();
    return err < 0 ? err : B.inner.select(B.inner.ctx);
}
static int flaky_write(void *ctx, const void *buf, uint32_t len, uint32_t lines)
{
    (void)ctx;
    int err = flaky_call();
    return err < 0 ? err : B.inner.write(B.inner.ctx, buf, len, lines);
}
static int flaky_read(void *ctx, void *buf, uint32_t len, uint32_t lines)
{
    (void)ctx;
    int err = flaky_call();
    return err < 0 ? err : B.inner.read(B.inner.ctx, buf, len, lines);
}
static int flaky_deselect(void *ctx)
{
    (void)ctx;
    int end = B.inner.deselect(B.inner.ctx); /* the master releases the line even when it reports a fault */
    int err = flaky_call();
    return err < 0 ? err : end;
}

/* Driver over the flaky master: init with no fault armed (or at `fail_at` when `in_init`). */
static int open_flaky(const char *part, uint64_t fail_at, int in_init)
{
    sf_open(&F, part, 0);
    TDM_CHECK_OK(tdm_sim_spinand_set_bus(&F.sim, SPIM4_HZ, 1));
    B.inner = tdm_sim_spinand_ops(&F.sim);
    B.calls = 0;
    B.fail_at = in_init ? fail_at : 0;
    struct tdm_spi_ops spi = B.inner;
    spi.ctx = &B;
    spi.select = flaky_select;
    spi.write = flaky_write;
    spi.read = flaky_read;
    spi.deselect = flaky_deselect;
    struct tdm_spinand_config cfg = {.spi = spi, .clock = &F.clock, .lines = 1};
    int err = tdm_spinand_init(&F.drv, &cfg);
    F.port = tdm_spinand_ops(&F.drv);
    if (!in_init) {
        B.calls = 0;
        B.fail_at = fail_at;
    }
    return err;
}

enum { OP_INIT, OP_READ, OP_PROGRAM, OP_ERASE, OP_MARKED, OP_MARK, OP_N };
static const char *const op_names[OP_N] = {"init", "read", "program", "erase", "is_marked_bad", "mark_bad"};

static int run_op(int op, uint64_t fail_at)
{
    int err = open_flaky("W25N01GV", fail_at, op == OP_INIT);
    if (op == OP_INIT) {
        return err;
    }
    TDM_CHECK_OK(err);
    switch (op) {
    case OP_READ: /* data and tag: two cache reads */
        return F.port.read(F.port.ctx, 64, 0, F.back, 2048 + 16);
    case OP_PROGRAM:
        return F.port.program(F.port.ctx, 64, 0, F.page, 2048 + 16);
    case OP_ERASE:
        return F.port.erase(F.port.ctx, 1);
    case OP_MARKED:
        return tdm_spinand_is_marked_bad(&F.drv, 1);
    default:
        return tdm_spinand_mark_bad(&F.drv, 1);
    }
}

/* Each operation with a bus fault at its call k, for every k it makes: the fault is what it returns. */
static void a_bus_fault_at_any_call_is_returned(void)
{
    for (int op = 0; op < OP_N; op++) {
        TDM_CHECK(run_op(op, 0) >= 0);
        uint64_t total = B.calls;
        sf_close(&F);
        TDM_CHECK(total >= 4);
        for (uint64_t k = 1; k <= total; k++) {
            tdm_test_replay_extra("(%s, bus fault at call %llu of %llu)", op_names[op], (unsigned long long)k,
                                  (unsigned long long)total);
            int r = run_op(op, k);
            TDM_CHECK_MSG(r == TDM_E_IO, "%s with a fault at call %llu returned %d", op_names[op],
                          (unsigned long long)k, r);
            sf_close(&F);
        }
    }
}

/* A chip that stays busy (OIP never clears): every wait ends as a bus fault after its budget, with a
 * clock port (twice the part's maximum time), with a clock that cannot sleep, and without a clock port
 * (the status reads that fit in that time at the bus clock). */
static void a_chip_that_stays_busy_times_out(void)
{
    for (int kind = 0; kind < 3; kind++) {
        sf_open(&F, "MT29F1G01ABAFD", 0);
        TDM_CHECK_OK(tdm_sim_spinand_set_bus(&F.sim, SPIM4_HZ, 1));
        struct tdm_clock_ops clock = F.clock;
        clock.sleep_ns = kind == 1 ? NULL : clock.sleep_ns;
        struct tdm_spinand_config cfg = {.spi = tdm_sim_spinand_ops(&F.sim), .clock = kind == 2 ? NULL : &clock};
        TDM_CHECK_OK(tdm_spinand_init(&F.drv, &cfg));
        F.port = tdm_spinand_ops(&F.drv);
        TDM_CHECK_OK(F.port.program(F.port.ctx, 64, 0, F.page, 2048)); /* the waits that end in time */
        TDM_CHECK(F.port.read(F.port.ctx, 64, 0, F.back, 2048) == 0 && !memcmp(F.back, F.page, 2048));
        uint64_t t0 = F.chip.dom->clock_ns;
        F.sim.busy_until = t0 + 1000000000000ull; /* busy for 1000 s */
        TDM_CHECK_ERR(F.port.read(F.port.ctx, 64, 0, F.back, 2048), TDM_E_IO);
        uint64_t waited = F.chip.dom->clock_ns - t0, max = 2ull * F.drv.part->t_read_max_ns;
        TDM_CHECK_MSG(waited >= max && waited < 2 * max + 20000, "clock kind %d: waited %llu ns for %llu", kind,
                      (unsigned long long)waited, (unsigned long long)max);
        sf_close(&F);
    }
}

/* Configurations the driver refuses at init, and a bus whose clock it is not told (no clock port, hz 0):
 * no poll budget, so a reset that takes any time is a timeout, never a hang. */
static void configurations_it_cannot_drive_are_refused(void)
{
    sf_open(&F, "GD5F1GQ4UA", 0);
    TDM_CHECK_OK(tdm_sim_spinand_set_bus(&F.sim, SPIM4_HZ, 4));
    struct tdm_spinand_config cfg = {.spi = tdm_sim_spinand_ops(&F.sim), .clock = &F.clock, .lines = 2};
    TDM_CHECK(cfg.spi.max_lines == 4);
    TDM_CHECK_ERR(tdm_spinand_init(&F.drv, &cfg), TDM_E_INVAL); /* dual: not a mode the driver drives */
    cfg.lines = 4;
    cfg.spi.max_lines = 1;
    TDM_CHECK_ERR(tdm_spinand_init(&F.drv, &cfg), TDM_E_INVAL); /* quad on a single-line master */
    cfg.spi.max_lines = 4;
    cfg.lines = 1;
    cfg.spi.read = NULL;
    TDM_CHECK_ERR(tdm_spinand_init(&F.drv, &cfg), TDM_E_INVAL);
    cfg.spi = tdm_sim_spinand_ops(&F.sim);
    cfg.blocks = 2048; /* more blocks than the part has */
    TDM_CHECK_ERR(tdm_spinand_init(&F.drv, &cfg), TDM_E_INVAL);
    cfg.blocks = 64;
    TDM_CHECK_OK(tdm_spinand_init(&F.drv, &cfg));
    TDM_CHECK(F.drv.geo.blocks == 64);
    cfg.blocks = 0;
    cfg.clock = NULL;
    cfg.spi.hz = 0;
    TDM_CHECK_ERR(tdm_spinand_init(&F.drv, &cfg), TDM_E_IO);
    sf_close(&F);
}

/* Before init and past the end of the chip every call is refused without a transaction. */
static void calls_before_init_or_past_the_end_are_refused(void)
{
    sf_open(&F, "W25N01GV", 0);
    memset(&F.drv, 0, sizeof F.drv); /* never initialised */
    F.port = tdm_spinand_ops(&F.drv);
    struct tdm_nand_geometry g;
    TDM_CHECK_ERR(F.port.geometry(F.port.ctx, &g), TDM_E_IO);
    TDM_CHECK_ERR(F.port.read(F.port.ctx, 0, 0, F.back, 16), TDM_E_RANGE);
    TDM_CHECK_ERR(F.port.erase(F.port.ctx, 0), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_spinand_is_marked_bad(&F.drv, 0), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_spinand_mark_bad(&F.drv, 0), TDM_E_RANGE);
    TDM_CHECK(F.sim.stats.transactions == 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    uint64_t before = F.sim.stats.transactions;
    TDM_CHECK_ERR(F.port.read(F.port.ctx, 1024 * 64, 0, F.back, 16), TDM_E_RANGE);
    TDM_CHECK_ERR(F.port.program(F.port.ctx, 0, 2048 + 25, F.page, 1), TDM_E_RANGE);
    TDM_CHECK_ERR(F.port.program(F.port.ctx, 0, 2000, F.page, 100), TDM_E_RANGE);
    TDM_CHECK_ERR(F.port.erase(F.port.ctx, 1024), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_spinand_is_marked_bad(&F.drv, 1024), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_spinand_mark_bad(&F.drv, 1024), TDM_E_RANGE);
    TDM_CHECK(F.sim.stats.transactions == before);
    sf_close(&F);
}

/* A block whose first page reads uncorrectable cannot show its marker: it counts as bad. */
static void a_first_page_that_reads_uncorrectable_counts_as_marked_bad(void)
{
    sf_open(&F, "W25N01GV", 0);
    TDM_CHECK_OK(sf_driver(&F, SPIM4_HZ, 1));
    TDM_CHECK(tdm_spinand_is_marked_bad(&F.drv, 5) == 0);
    F.chip.faults.bitflip_bits = F.chip.geo.ecc_bits + 1;
    F.chip.faults.bitflip_at_read = F.chip.reads_seen + 1;
    TDM_CHECK(tdm_spinand_is_marked_bad(&F.drv, 5) == 1);
    TDM_CHECK(tdm_spinand_is_marked_bad(&F.drv, 5) == 0); /* the flip was in that read only */
    sf_close(&F);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a bus fault at any call is returned", a_bus_fault_at_any_call_is_returned},
        {"a chip that stays busy times out", a_chip_that_stays_busy_times_out},
        {"configurations it cannot drive are refused", configurations_it_cannot_drive_are_refused},
        {"calls before init or past the end are refused", calls_before_init_or_past_the_end_are_refused},
        {"a first page that reads uncorrectable counts as marked bad",
         a_first_page_that_reads_uncorrectable_counts_as_marked_bad},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
