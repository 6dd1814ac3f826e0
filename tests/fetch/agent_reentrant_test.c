/* Named scenarios of the fetch agent written power-cut-safe (littlefs's reentrant tests; the store's are
 * tests/store/test_reentrant.c), on the delta path of the firmware corpus (4.1.0 installed, 4.1.1 served as
 * a delta and as the full package by the in-memory transport). Each starts from what the device holds
 * (mount; the progress record and the boot state say what is done), does what is not durable yet, and ends
 * with its own assertions. The power-cut runner (sim/cutrun.h) runs each as a case on the three small parts
 * (all six with --full): the body is the scenario, the check after power-on (the device's RAM and the delta
 * workspace scrubbed: tests/fetch/agent_cut.h) is the same scenario again, cut again for a sample.
 * Owns: these scenarios and their case glue. Never: a check that only holds without cuts.
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#include <stdio.h>
#include <stdlib.h>

#include "agent_delta_fixture.h"
#include "harness.h"

/* A scenario as a case: the agent's case (its world: a device with the base installed on the runner's
 * part) and the scenario's own data. */
struct scenario {
    struct afx_cut_case k; /* first: r->arg is also the afx_cut_case of agent_cut.h */
    void (*run)(void);
    const struct adx_pair *p;
};

static struct tdm_cutrun *cur; /* the run in progress */
static struct afx_dev *dev;
static const struct scenario *sc;

static int run(const char *url, struct tdm_fetch_result *res)
{
    struct afx_cut_world *w = cur->world;
    return tdm_fetch_run(&dev->agent, &w->cfg, &dev->store, url, res);
}

static int run_delta(struct tdm_fetch_result *res)
{
    struct afx_cut_world *w = cur->world;
    return tdm_fetch_run_delta(&dev->agent, &w->cfg, &dev->store, ADX_DELTA_URL, ADX_FULL_URL, res);
}

/* Mount; 1 when the new set is already PENDING (a previous run finished before the cut). */
static int mount_pending(void)
{
    TDM_CHECK_OK(afx_mount(dev));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev->store, &st));
    return st.phase == TDM_BS_PENDING;
}

/* Nothing under way: no progress record (a cut during an earlier run may have left one). */
static int nothing_under_way(void)
{
    struct tdm_fetch_record rec;
    int err = tdm_fetch_record_load(&dev->store, &rec);
    TDM_CHECK(err == 0 || err == TDM_E_NOT_FOUND);
    return err == TDM_E_NOT_FOUND;
}

/* The fallback's result: the full package fetched once from where its durable bytes ended. A fallback
 * under way when the run started (`resumed`: the power went during it) is resumed directly. */
static void check_fallback(const struct tdm_fetch_result *r, int why, int resumed)
{
    TDM_CHECK_MSG(r->delta == 0 && (resumed || (r->fell_back == 1 && r->delta_err == why)),
                  "fell back %u (%s), delta %u", r->fell_back, tdm_errname(r->delta_err), r->delta);
    TDM_CHECK_MSG(r->received + r->resumed_at == sc->p->full.len, "received %llu from %u of %zu",
                  (unsigned long long)r->received, r->resumed_at, sc->p->full.len);
}

/* Committed in slot B bit-exact and PENDING with the new set's digest and version; the installed set
 * untouched (unless its pages read uncorrectable: base_readable = 0). */
static void check_pending(int base_readable)
{
    TDM_CHECK(afx_slot_equals(dev, TDM_STORE_SLOT_B, &sc->p->full));
    struct tdm_bootstate st;
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_bootstate_load(&dev->store, &st));
    TDM_CHECK_OK(tdm_store_slot_info(&dev->store, TDM_STORE_SLOT_B, &si));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == TDM_STORE_SLOT_B);
    TDM_CHECK(!memcmp(st.cand_sha, si.sha256, TDM_SHA256_LEN));
    TDM_CHECK(st.cand_version.major == 4 && st.cand_version.minor == sc->p->to);
    TDM_CHECK(!base_readable || afx_slot_equals(dev, TDM_STORE_SLOT_A, &sc->p->base));
}

/* The server offers a delta for another base (4.0.0 -> 4.1.1 to a device on 4.1.0). */
static void a_delta_for_another_base_is_refused_before_any_write_then_the_full_package(void)
{
    if (!mount_pending()) {
        int fresh = nothing_under_way();
        if (fresh) {
            uint64_t ops0 = dev->chip.dom->ops;
            struct tdm_fetch_result r;
            TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE);
            TDM_CHECK(dev->chip.dom->ops == ops0); /* no program, no erase: not even the progress record */
            TDM_CHECK(r.received <= TDM_DELTA_PKG_HDR_LEN && r.attempts == 1);
            TDM_CHECK(nothing_under_way() && adx_nothing_committed(dev));
        }
        struct tdm_fetch_result r;
        TDM_CHECK_OK(run_delta(&r));
        check_fallback(&r, TDM_E_DELTA_BASE, !fresh);
    }
    check_pending(1);
}

/* A page in the middle of the installed application image reads uncorrectable (the chip's own state). */
static void an_uncorrectable_base_page_stops_the_delta_then_the_full_package(void)
{
    int pending = mount_pending();
    struct tdm_store *st = &dev->store;
    uint32_t pg = (uint32_t)(sc->p->base.len / 2) / st->page;
    uint32_t row = st->slot[TDM_STORE_SLOT_A].map[pg / st->ppb] * st->ppb + pg % st->ppb;
    dev->chip.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
    if (!pending) {
        int fresh = nothing_under_way();
        if (fresh) {
            struct tdm_fetch_result r;
            TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE_READ);
            TDM_CHECK(adx_nothing_committed(dev));
        }
        struct tdm_fetch_record rec;
        if (tdm_fetch_record_load(st, &rec) == 0 && rec.state == TDM_FETCH_FAILED) {
            TDM_CHECK(rec.err == TDM_E_DELTA_BASE_READ); /* a failure is recorded with its cause */
        }
        struct tdm_fetch_result r;
        TDM_CHECK_OK(run_delta(&r));
        check_fallback(&r, TDM_E_DELTA_BASE_READ, !fresh);
    }
    check_pending(0);
}

/* ---- the case glue ---- */

static int run_scenario(struct tdm_cutrun *r)
{
    cur = r;
    sc = r->arg;
    dev = &((struct afx_cut_world *)r->world)->dev;
    return tdm_test_try(sc->run, r->why, sizeof r->why);
}

int main(int argc, char **argv)
{
    static const char *const small[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL", NULL};
    static struct adx_pair p, other;
    static struct adx_rig rig[2];
    const char *fw = getenv("TDM_FIRMWARE_DIR");
    fw = fw ? fw : TDM_FIRMWARE_DIR;
    if (adx_pair_make(&p, fw, ADX_CUT_FROM, ADX_CUT_TO) < 0 || adx_pair_make(&other, fw, 0, ADX_CUT_TO) < 0 ||
        adx_setup(&rig[0], &p, &other.delta, 1) < 0 || adx_setup(&rig[1], &p, &p.delta, 1) < 0) {
        fprintf(stderr, "agent_reentrant: cannot build the pairs from %s\n", fw);
        return 2;
    }
    static struct scenario s[2];
    static const char *const names[2] = {
        "fetch: a delta for another base is refused before any write, then the full package",
        "fetch: an uncorrectable base page stops the delta, then the full package",
    };
    s[0].run = a_delta_for_another_base_is_refused_before_any_write_then_the_full_package;
    s[1].run = an_uncorrectable_base_page_stops_the_delta_then_the_full_package;
    struct tdm_cutrun_case c[2];
    for (int i = 0; i < 2; i++) {
        adx_cut_case(&s[i].k, &rig[i], &p);
        s[i].p = &p;
        c[i] = afx_cut_case_of(names[i], &s[i].k, NULL);
        c[i].slice_parts = small;
        c[i].body = c[i].check = run_scenario;
        c[i].slice = (struct tdm_cutrun_plan){.stride = 11, .seconds = 1, .second_stride = 9};
        c[i].full = (struct tdm_cutrun_plan){.stride = 1, .seconds = 10, .second_stride = 1};
    }
    int rc = tdm_cutrun_main(argc, argv, c, 2);
    for (int i = 0; i < 2; i++) {
        if (rig[i].dev.have_chip) {
            tdm_sim_nand_destroy(&rig[i].dev.chip);
        }
    }
    adx_pair_free(&p);
    adx_pair_free(&other);
    return rc;
}
