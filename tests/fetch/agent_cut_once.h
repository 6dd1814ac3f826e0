/* One power cut in a delta fetch on a device already prepared (an installed base set): cut at the n-th NAND
 * operation, power on with scrubbed RAM, run again, check the committed package. Left from before the
 * power-cut runner (sim/cutrun.h) for the delta campaign (tests/fetch/agent_delta_test.c, bench_delta.c),
 * which still drives its cuts itself: it moves onto the runner next (docs/ARCHITECTURE.md, known debt).
 * Owns: that one case. Never: hides a failure (every failure is named). */
#ifndef TANDEM_TESTS_FETCH_AGENT_CUT_ONCE_H
#define TANDEM_TESTS_FETCH_AGENT_CUT_ONCE_H

#include "agent_cut.h"

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

#endif
