/* The fetch agent's power-cut case for the power-cut runner (sim/cutrun.h): a download into a fresh device
 * (a formatted store on the runner's part, prepared further by the case: e.g. an installed base set for a
 * delta) is the body; after a cut the device powers on (its RAM holds seeded garbage, the delta workspace
 * too), mounts and runs the agent again, which must end with the package committed bit-exact, verified
 * with the agent's policy and PENDING, having fetched at most one NAND page (a delta: the patch) twice per
 * cut, resuming at a page boundary. Shared by tests/fetch/agent_cut_test.c, agent_delta_cut_test.c,
 * agent_delta_test.c, bench/bench_fetch_agent.c and bench/bench_delta.c.
 * Owns: the case and its verdict. Never: starts the rig or hides a failure (every failure is named). */
#ifndef TANDEM_TESTS_FETCH_AGENT_CUT_H
#define TANDEM_TESTS_FETCH_AGENT_CUT_H

#include <stdio.h>

#include "agent_fixture.h"
#include "cutrun.h"
#include "rng.h"

#define AFX_CUT_RUNS 8 /* agent runs of one case: the body and the checks after each cut */

/* The case's data: what to download and with which config (set up once by the program). */
struct afx_cut_case {
    struct tdm_fetch_config cfg; /* transport, keys, policy; clock and counter are the device's; cfg.delta
                                    not NULL: each device gets its own delta workspace */
    const char *url;
    const struct afx_pkg *pkg;   /* what must end committed */
    size_t fetched_len;          /* bytes of the file at url (0: pkg->len; a delta package's length) */
    uint64_t twice_max;          /* bytes that may be fetched twice per cut (0: one NAND page) */
    int (*prepare)(struct afx_dev *d, void *arg); /* NULL, or more of the device before the body */
    uint32_t spi_hz; /* 0: the page-level NAND port; else the SPI-NAND driver over the SPI model (issue 14) */
    void *prepare_arg;
    /* figures over all runs (bench): bytes fetched twice after the cut, per checked run; the last run's
     * resume offset and how many checked runs resumed from durable bytes */
    uint64_t refetch_sum, refetch_max, checked, resumed_runs;
    uint64_t bus_transactions; /* spi_hz: SPI transactions the checked runs saw (the SPI path really ran) */
    uint64_t nand_faults;      /* corrected bit flips, program and erase failures the checked runs' chips saw */
    uint32_t last_resumed;
};

/* The world of one run: one device, and the results of every agent run (a cut one keeps what it counted). */
struct afx_cut_world {
    struct afx_dev dev;
    struct tdm_fetch_delta work;
    struct tdm_fetch_config cfg;
    struct tdm_fetch_result res[AFX_CUT_RUNS];
    unsigned runs;
};

struct afx_slot_ref {
    struct tdm_store *s;
    unsigned slot;
};

static int afx_read_slot(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct afx_slot_ref *r = ctx;
    return tdm_store_read(r->s, r->slot, off, buf, len);
}

static inline int afx_cut_setup(struct tdm_cutrun *r)
{
    const struct afx_cut_case *k = r->arg;
    struct afx_cut_world *w = calloc(1, sizeof *w);
    if (!w) {
        return TDM_E_BUFFER;
    }
    r->world = w;
    w->dev.spi_hz = k->spi_hz;
    int err = afx_device_new_on(&w->dev, r->part, r->seed);
    err = err < 0 || !k->prepare ? err : k->prepare(&w->dev, k->prepare_arg);
    if (err < 0) {
        return err;
    }
    w->cfg = k->cfg;
    w->cfg.delta = k->cfg.delta ? &w->work : NULL;
    w->cfg.clock = tdm_sim_nand_clock(&w->dev.chip);
    w->cfg.counter.ctx = &w->dev.counter;
    r->dom = w->dev.chip.dom;
    return 0;
}

static inline int afx_cut_run(struct afx_cut_world *w, const struct afx_cut_case *k)
{
    unsigned i = w->runs < AFX_CUT_RUNS - 1 ? w->runs++ : AFX_CUT_RUNS - 1;
    return tdm_fetch_run(&w->dev.agent, &w->cfg, &w->dev.store, k->url, &w->res[i]);
}

static inline int afx_cut_body(struct tdm_cutrun *r)
{
    int err = afx_cut_run(r->world, r->arg);
    return err < 0 ? tdm_cutrun_fail(r, "first run: %s", tdm_errname(err)) : 0;
}

/* The power-on after a cut: the device's RAM (the agent, the store struct, the NAND driver state, the page
 * buffer) holds seeded garbage, as silicon leaves it, so the next run cannot find anything of the last one
 * there; the network stack starts over (no transfer open). Ports and configs are rebuilt from flash. */
static inline void afx_cut_power_on(struct tdm_cutrun *r)
{
    struct afx_cut_world *w = r->world;
    uint64_t st = r->seed * 0x9E3779B97F4A7C15ull ^ r->cut * 0xC2B2AE3D27D4EB4Full ^ (uint64_t)r->torn ^
                  r->second * 0x165667B19E3779F9ull ^ w->runs;
    tdm_rng_fill(&st, &w->dev.agent, sizeof w->dev.agent);
    tdm_rng_fill(&st, &w->dev.store, sizeof w->dev.store);
    tdm_rng_fill(&st, &w->dev.nand, sizeof w->dev.nand);
    tdm_rng_fill(&st, w->dev.page, sizeof w->dev.page);
    tdm_rng_fill(&st, &w->work, sizeof w->work);
    w->cfg.transport.close(w->cfg.transport.ctx);
    tdm_sim_domain_power_on(r->dom);
    if (w->dev.spi_hz) {
        (void)tdm_sim_spinand_port_boot(&w->dev.spi); /* the part powers up locked; a failed init shows at mount */
    }
}

/* Mount, run the agent again, and check what it left: committed, verified, PENDING, little fetched twice. */
static inline int afx_cut_check(struct tdm_cutrun *r)
{
    struct afx_cut_world *w = r->world;
    struct afx_cut_case *k = r->arg;
    struct afx_dev *d = &w->dev;
    int err = afx_mount(d);
    if (err < 0) {
        return tdm_cutrun_fail(r, "mount after the cut: %s", tdm_errname(err));
    }
    err = afx_cut_run(w, k);
    if (err < 0) {
        return tdm_cutrun_fail(r, "run after the cut: %s", tdm_errname(err));
    }
    if (d->spi_hz && tdm_sim_spinand_misuse(&d->spi.sim)) {
        return tdm_cutrun_fail(r, "the SPI-NAND driver misused the bus (%llu protocol errors, %llu without write "
                               "enable, %llu on a locked block)", (unsigned long long)d->spi.sim.stats.proto_errors,
                               (unsigned long long)d->spi.sim.stats.wel_missing,
                               (unsigned long long)d->spi.sim.stats.lock_refused);
    }
    if (d->spi_hz) {
        k->bus_transactions += d->spi.sim.stats.transactions;
    }
    k->nand_faults += d->chip.stats.ecc_corrected + d->chip.stats.program_fails + d->chip.stats.erase_fails;
    struct tdm_bootstate st;
    err = tdm_bootstate_load(&d->store, &st);
    if (err < 0 || st.phase != TDM_BS_PENDING || st.cand_slot >= TDM_STORE_SLOTS) {
        return tdm_cutrun_fail(r, "not PENDING after the run (%s)", tdm_errname(err));
    }
    if (!afx_slot_equals(d, st.cand_slot, k->pkg)) {
        return tdm_cutrun_fail(r, "the PENDING slot is not the package");
    }
    struct tdm_store_slot_info si;
    tdm_store_slot_info(&d->store, st.cand_slot, &si);
    if (memcmp(st.cand_sha, si.sha256, TDM_SHA256_LEN)) {
        return tdm_cutrun_fail(r, "PENDING names another digest than the slot's");
    }
    /* An independent check of the stored package with the agent's policy (as the bootloader does). */
    static struct tdm_pkg_parser parser;
    static uint8_t buf[2048];
    struct afx_slot_ref ref = {&d->store, st.cand_slot};
    err = tdm_pkg_check(&parser, &d->agent.pcfg, afx_read_slot, &ref, buf, sizeof buf);
    if (err < 0) {
        return tdm_cutrun_fail(r, "stored package does not verify: %s", tdm_errname(err));
    }
    /* Bytes fetched twice: at most the one page being filled when the power went (a delta: the patch), per
     * cut; the resume starts at a page boundary. */
    uint64_t got = 0, page = d->chip.geo.page_size, cuts = (r->cut != 0) + (r->second != 0);
    uint64_t len = k->fetched_len ? k->fetched_len : k->pkg->len, per_cut = k->twice_max ? k->twice_max : page;
    for (unsigned i = 0; i < w->runs; i++) {
        got += w->res[i].received;
    }
    const struct tdm_fetch_result *last = &w->res[w->runs - 1];
    uint64_t twice = got > len ? got - len : 0;
    if (r->cut && (twice > cuts * per_cut || last->resumed_at % page != 0)) {
        return tdm_cutrun_fail(r, "%llu bytes fetched twice (at most %llu), resumed at %u",
                               (unsigned long long)twice, (unsigned long long)(cuts * per_cut), last->resumed_at);
    }
    k->last_resumed = last->resumed_at;
    if (r->cut && !r->second) {
        k->resumed_runs += last->resumed_at > 0;
        k->refetch_sum += twice;
        k->refetch_max = twice > k->refetch_max ? twice : k->refetch_max;
        k->checked++;
    }
    return 0;
}

static inline void afx_cut_teardown(struct tdm_cutrun *r)
{
    struct afx_cut_world *w = r->world;
    if (w && w->dev.have_chip) {
        tdm_sim_nand_destroy(&w->dev.chip);
    }
    free(w);
    r->world = NULL;
}

static inline struct tdm_cutrun_case afx_cut_case_of(const char *name, struct afx_cut_case *k,
                                                     const char *const *parts)
{
    struct tdm_cutrun_case c = {
        .name = name, .parts = parts, .arg = k, .setup = afx_cut_setup, .body = afx_cut_body,
        .power_on = afx_cut_power_on, .check = afx_cut_check, .teardown = afx_cut_teardown,
        .slice = {.stride = 1, .seconds = 2, .second_stride = 1},
        .full = {.stride = 1, .seconds = 20, .second_stride = 1},
    };
    return c;
}

#endif
