/* One power-cut case of the fetch agent: a download on a fresh device cut at NAND operation n (before it
 * or torn), then power on, mount, and a second run that must end with the package committed bit-exact,
 * verified and PENDING. Shared by tests/fetch/agent_cut_test.c and bench/bench_fetch_agent.c.
 * Owns: the case and its verdict. Never: starts the rig or hides a failure (every failure is named). */
#ifndef TANDEM_TESTS_FETCH_AGENT_CUT_H
#define TANDEM_TESTS_FETCH_AGENT_CUT_H

#include <stdio.h>

#include "agent_fixture.h"
#include "rng.h"

struct afx_cut_out {
    int reached;        /* the cut happened (n was inside the download) */
    uint64_t first;     /* bytes received before the cut */
    uint32_t resumed;   /* durable bytes the second run resumed from */
    uint64_t refetched; /* bytes received twice in all (first + second - package) */
    char why[160];      /* empty, or what went wrong */
};

static inline int afx_cut_fail(struct afx_cut_out *o, const char *what, int err)
{
    snprintf(o->why, sizeof o->why, "%s (%s)", what, tdm_errname(err));
    return -1;
}

struct afx_slot_ref {
    struct tdm_store *s;
    unsigned slot;
};

static int afx_read_slot(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct afx_slot_ref *r = ctx;
    return tdm_store_read(r->s, r->slot, off, buf, len);
}

/* The power-on after the cut: the device's RAM (the agent, the store struct, the NAND driver state, the
 * page buffer) holds seeded garbage, as silicon leaves it, so the second run cannot find anything of the
 * first run there; the ports and the configs are rebuilt from flash on a device and are kept. */
static inline int afx_power_on_scrubbed(struct afx_dev *d, uint64_t seed, uint64_t n, enum tdm_sim_cut mode)
{
    uint64_t st = seed * 0x9E3779B97F4A7C15ull ^ n * 0xC2B2AE3D27D4EB4Full ^ (uint64_t)mode;
    tdm_rng_fill(&st, &d->agent, sizeof d->agent);
    tdm_rng_fill(&st, &d->store, sizeof d->store);
    tdm_rng_fill(&st, &d->nand, sizeof d->nand);
    tdm_rng_fill(&st, d->page, sizeof d->page);
    return afx_mount(d);
}

/* The case on a device already prepared (mounted; e.g. with an installed set): the cut comes at the n-th
 * NAND operation from now; `fetched_len` is the size of the file at url (the package, or a delta
 * package that rebuilds it). A delta workspace (cfg->delta) is scrubbed at power-on like the agent.
 * Returns 0 when the case passed, -1 with o->why otherwise. */
static inline int afx_cut_case_on(struct afx_dev *d, const struct tdm_fetch_config *cfg, const char *url,
                                  const struct afx_pkg *p, size_t fetched_len, uint64_t seed, uint64_t n,
                                  enum tdm_sim_cut mode, struct afx_cut_out *o)
{
    memset(o, 0, sizeof *o);
    int err;
    struct tdm_fetch_config c = *cfg;
    c.clock = tdm_sim_nand_clock(&d->chip);
    c.counter.ctx = &d->counter;
    struct tdm_fetch_result r1, r2;
    tdm_sim_domain_cut_at(d->chip.dom, d->chip.dom->ops + n, mode);
    err = tdm_fetch_run(&d->agent, &c, &d->store, url, &r1);
    o->reached = err == TDM_E_POWER;
    if (err < 0 && err != TDM_E_POWER) {
        return afx_cut_fail(o, "first run", err);
    }
    o->first = r1.received;
    if (c.delta) {
        uint64_t st = seed ^ n * 0x9E3779B97F4A7C15ull;
        tdm_rng_fill(&st, c.delta, sizeof *c.delta);
    }
    err = afx_power_on_scrubbed(d, seed, n, mode);
    if (err < 0) {
        return afx_cut_fail(o, "mount after the cut", err);
    }
    err = tdm_fetch_run(&d->agent, &c, &d->store, url, &r2);
    if (err < 0) {
        return afx_cut_fail(o, "resume", err);
    }
    o->resumed = r2.resumed_at;
    o->refetched = r1.received + r2.received - fetched_len;
    if (!afx_slot_equals(d, r2.slot, p)) {
        return afx_cut_fail(o, "committed slot is not the package", 0);
    }
    struct tdm_bootstate st;
    err = tdm_bootstate_load(&d->store, &st);
    if (err < 0 || st.phase != TDM_BS_PENDING || st.cand_slot != r2.slot ||
        memcmp(st.cand_sha, r2.sha256, TDM_SHA256_LEN)) {
        return afx_cut_fail(o, "not PENDING with the package's digest", err);
    }
    /* An independent check of the stored package with the agent's policy (as the bootloader does). */
    static struct tdm_pkg_parser parser;
    static uint8_t buf[2048];
    struct afx_slot_ref ref = {&d->store, r2.slot};
    err = tdm_pkg_check(&parser, &d->agent.pcfg, afx_read_slot, &ref, buf, sizeof buf);
    if (err < 0) {
        return afx_cut_fail(o, "stored package does not verify", err);
    }
    return 0;
}

/* The case on a fresh device. */
static inline int afx_cut_case(struct afx_dev *d, const struct tdm_fetch_config *cfg, const char *url,
                               const struct afx_pkg *p, uint64_t seed, uint64_t n, enum tdm_sim_cut mode,
                               struct afx_cut_out *o)
{
    int err = afx_device_new(d, seed);
    if (err < 0) {
        memset(o, 0, sizeof *o);
        return afx_cut_fail(o, "device", err);
    }
    return afx_cut_case_on(d, cfg, url, p, p->len, seed, n, mode, o);
}

#endif
