/* The fetch agent's delta path (docs/DELTA.md "Device") on the simulated device, with the in-memory
 * transport: the firmware corpus's consecutive releases packed as tandem sets, the older one installed.
 * Scenarios: every pair rebuilt end to end (bit-exact, PENDING, only the delta downloaded); a delta for
 * another base refused before any NAND operation, then the fallback to the full package; corrupt and
 * truncated deltas never commit; drops mid-patch resume; a delta changed under the same validator is not
 * spliced; a power cut mid-rebuild resumes from the durable output (one cut on the power-cut runner; the
 * campaign of a cut at every NAND operation is tests/fetch/agent_delta_cut_test.c); an uncorrectable base
 * page stops the delta (nothing committed, then the fallback).
 * Replay: --case NAME --seed S --fw DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_delta_fixture.h"
#include "harness.h"

static struct adx_rig rig;

static void pair(struct adx_pair *p, unsigned from, unsigned to)
{
    TDM_CHECK_OK(adx_pair_make(p, adx_fw(), from, to));
}

static void setup(const struct adx_pair *p, const struct afx_pkg *delta)
{
    TDM_CHECK_OK(adx_setup(&rig, p, delta, tdm_test_seed()));
}

static int run(const char *url, struct tdm_fetch_result *r)
{
    return tdm_fetch_run(&rig.dev.agent, &rig.cfg, &rig.dev.store, url, r);
}

/* Committed in slot B bit-exact and PENDING with the new set's version. */
static void check_pending(const struct adx_pair *p, const struct tdm_fetch_result *r)
{
    TDM_CHECK(r->slot == TDM_STORE_SLOT_B);
    TDM_CHECK(afx_slot_equals(&rig.dev, TDM_STORE_SLOT_B, &p->full));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&rig.dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == TDM_STORE_SLOT_B);
    TDM_CHECK(!memcmp(st.cand_sha, r->sha256, TDM_SHA256_LEN));
    TDM_CHECK(st.cand_version.major == 4 && st.cand_version.minor == p->to);
}

static void every_pair_rebuilds_the_full_package_from_the_installed_one(void)
{
    size_t sum_delta = 0, sum_full = 0;
    for (unsigned i = 0; i + 1 < TDM_CORPUS_COUNT; i++) {
        struct adx_pair p;
        pair(&p, i, i + 1);
        setup(&p, &p.delta);
        struct tdm_fetch_result r;
        int err = run(ADX_DELTA_URL, &r);
        TDM_CHECK_MSG(err == 0, "%s -> %s: %s", tdm_corpus_versions[i], tdm_corpus_versions[i + 1], tdm_errname(err));
        check_pending(&p, &r);
        TDM_CHECK(r.delta == 1 && r.received == p.delta.len && r.total == p.full.len);
        TDM_CHECK(r.attempts == 1 && r.restarts == 0);
        /* The installed set is untouched. */
        TDM_CHECK(afx_slot_equals(&rig.dev, TDM_STORE_SLOT_A, &p.base));
        printf("    %s -> %s: downloaded %zu of %zu bytes\n", tdm_corpus_versions[i], tdm_corpus_versions[i + 1],
               p.delta.len, p.full.len);
        sum_delta += p.delta.len;
        sum_full += p.full.len;
        adx_pair_free(&p);
    }
    printf("    download ratio %.4f\n", (double)sum_delta / (double)sum_full);
}

static void a_delta_for_another_base_is_refused_before_any_write_then_the_full_package(void)
{
    struct adx_pair p, other;
    pair(&p, 1, 2);
    pair(&other, 0, 2); /* a delta 4.0.0 -> 4.1.1 served to a device that runs 4.1.0 */
    setup(&p, &other.delta);
    uint64_t ops0 = rig.dev.chip.dom->ops;
    struct tdm_fetch_result r;
    TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE);
    TDM_CHECK(rig.dev.chip.dom->ops == ops0); /* no program, no erase: not even the progress record */
    TDM_CHECK(r.received <= TDM_DELTA_PKG_HDR_LEN && r.attempts == 1);
    struct tdm_fetch_record rec;
    TDM_CHECK_ERR(tdm_fetch_record_load(&rig.dev.store, &rec), TDM_E_NOT_FOUND);
    TDM_CHECK(adx_nothing_committed(&rig.dev));
    /* The fallback: the same call with both URLs fetches the full package. */
    TDM_CHECK_OK(tdm_fetch_run_delta(&rig.dev.agent, &rig.cfg, &rig.dev.store, ADX_DELTA_URL, ADX_FULL_URL, &r));
    TDM_CHECK(r.fell_back == 1 && r.delta_err == TDM_E_DELTA_BASE && r.delta == 0);
    TDM_CHECK(r.received == p.full.len);
    check_pending(&p, &r);
    adx_pair_free(&p);
    adx_pair_free(&other);
}

static void corrupt_and_truncated_deltas_never_commit(void)
{
    struct adx_pair p;
    pair(&p, 2, 3);
    struct afx_pkg bad = {malloc(p.delta.len), 0};
    TDM_CHECK(bad.buf != NULL);
    uint64_t s = tdm_test_seed() * 0x9E3779B97F4A7C15ull + 3;
    for (int k = 0; k < 12; k++) {
        memcpy(bad.buf, p.delta.buf, p.delta.len);
        bad.len = p.delta.len;
        uint32_t at = tdm_rng_below(&s, (uint32_t)p.delta.len);
        if (k < 8) {
            bad.buf[at] ^= (uint8_t)(1u << tdm_rng_below(&s, 8)); /* one flipped bit anywhere */
        } else {
            bad.len = at; /* cut short (the server says so: a complete, shorter file) */
        }
        setup(&p, &bad);
        struct tdm_fetch_result r;
        int err = run(ADX_DELTA_URL, &r);
        TDM_CHECK_MSG(err < 0, "case %d (byte %u) was accepted", k, at);
        TDM_CHECK_MSG(tdm_err_is_delta(err) || tdm_err_is_pkg(err), "case %d: %s", k, tdm_errname(err));
        TDM_CHECK_MSG(adx_nothing_committed(&rig.dev), "case %d (byte %u, %s)", k, at, tdm_errname(err));
        printf("    %s at byte %u: %s\n", k < 8 ? "bit flipped" : "cut", at, tdm_errname(err));
    }
    free(bad.buf);
    adx_pair_free(&p);
}

/* A transport around the in-memory one that drops each of the first `ndrops` connections after
 * at[k] bytes of its body. */
struct dropper {
    struct tdm_transport_ops inner;
    uint32_t at[4];
    unsigned ndrops, conn;
    uint32_t served;
    const uint8_t *swap; /* not NULL: from the second connection on, the delta file has these bytes */
    int clean;           /* the first drop is a body that ends early (read returns 0), not a network error */
};

static int drop_open(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep)
{
    struct dropper *d = ctx;
    d->conn++;
    d->served = 0;
    if (d->swap && d->conn == 2) {
        rig.files[0].data = d->swap; /* same length, same validator: a server that changed the file silently */
    }
    return d->inner.open(d->inner.ctx, req, rep);
}

static int drop_read(void *ctx, void *buf, uint32_t len)
{
    struct dropper *d = ctx;
    unsigned k = d->conn - 1;
    if (k < d->ndrops) {
        if (d->served >= d->at[k]) {
            return d->clean && k == 0 ? 0 : TDM_E_FETCH_NET;
        }
        len = d->at[k] - d->served < len ? d->at[k] - d->served : len;
    }
    int n = d->inner.read(d->inner.ctx, buf, len);
    d->served += n > 0 ? (uint32_t)n : 0;
    return n;
}

static void drop_close(void *ctx)
{
    struct dropper *d = ctx;
    d->inner.close(d->inner.ctx);
}

static void drops_mid_patch_resume(void)
{
    struct adx_pair p;
    pair(&p, 1, 2); /* the largest delta of the corpus */
    setup(&p, &p.delta);
    static struct dropper dr;
    memset(&dr, 0, sizeof dr);
    dr.inner = rig.cfg.transport;
    dr.ndrops = 3;
    dr.clean = 1; /* the first body just ends early (a server that sends less than it announced) */
    uint64_t s = tdm_test_seed() + 11;
    for (unsigned k = 0; k < dr.ndrops; k++) { /* increasing offsets: each attempt gets further */
        uint32_t span = (uint32_t)p.delta.len / (dr.ndrops + 1);
        dr.at[k] = span * k + 1 + tdm_rng_below(&s, span);
    }
    rig.cfg.transport = (struct tdm_transport_ops){.ctx = &dr, .open = drop_open, .read = drop_read, .close = drop_close};
    struct tdm_fetch_result r;
    TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
    check_pending(&p, &r);
    TDM_CHECK_MSG(r.attempts == dr.ndrops + 1 && r.retries == dr.ndrops && r.restarts == 0, "attempts %u retries %u restarts %u", r.attempts, r.retries, r.restarts);
    /* Each drop costs the patch bytes before it once more, never the full package. */
    uint64_t want = p.delta.len;
    for (unsigned k = 0; k < dr.ndrops; k++) {
        want += dr.at[k];
    }
    TDM_CHECK_MSG(r.received == want, "received %llu, expected %llu", (unsigned long long)r.received,
                  (unsigned long long)want);
    printf("    drops at %u, %u, %u of %zu delta bytes: %llu received\n", dr.at[0], dr.at[1], dr.at[2], p.delta.len,
           (unsigned long long)r.received);
    adx_pair_free(&p);
}

/* The delta file changes under the same validator and length between two connections (one bit of the
 * verbatim prefix): the rebuilt bytes already accepted no longer match what the file rebuilds, so the
 * agent restarts afresh instead of splicing; the changed file is then refused as a whole. */
static void a_delta_changed_under_the_same_validator_is_not_spliced(void)
{
    struct adx_pair p;
    pair(&p, 1, 2);
    setup(&p, &p.delta);
    struct afx_pkg changed = {malloc(p.delta.len), p.delta.len};
    TDM_CHECK(changed.buf != NULL);
    memcpy(changed.buf, p.delta.buf, p.delta.len);
    changed.buf[TDM_DELTA_PKG_HDR_LEN + 100] ^= 0x04; /* inside the full package's manifest */
    static struct dropper dr;
    memset(&dr, 0, sizeof dr);
    dr.inner = rig.cfg.transport;
    dr.ndrops = 1;
    dr.at[0] = (uint32_t)p.delta.len * 3 / 4; /* well past the prefix: pages of output accepted */
    dr.swap = changed.buf;
    rig.cfg.transport = (struct tdm_transport_ops){.ctx = &dr, .open = drop_open, .read = drop_read, .close = drop_close};
    struct tdm_fetch_result r;
    int err = run(ADX_DELTA_URL, &r);
    TDM_CHECK_MSG(tdm_err_is_pkg(err), "%s", tdm_errname(err));
    TDM_CHECK_MSG(r.restarts == 1, "restarts %u", r.restarts);
    TDM_CHECK(adx_nothing_committed(&rig.dev));
    free(changed.buf);
    adx_pair_free(&p);
}

/* The delta campaign's pair and the NAND operations (programs, erases) of its delta fetch. */
static uint64_t fetch_ops(struct adx_pair *p)
{
    pair(p, ADX_CUT_FROM, ADX_CUT_TO);
    setup(p, &p->delta);
    uint64_t ops0 = rig.dev.chip.dom->ops;
    struct tdm_fetch_result r;
    TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
    return rig.dev.chip.dom->ops - ops0;
}

/* One cut, torn, at the middle NAND operation of the campaign's delta fetch, on the power-cut runner
 * (the case of tests/fetch/agent_delta_cut_test.c, which prints its replay line on a failure): the resume
 * starts from rebuilt bytes already durable, at a page boundary, and fetches at most the patch again. */
static void a_power_cut_mid_rebuild_resumes_from_the_durable_output(void)
{
    struct adx_pair p;
    uint64_t total = fetch_ops(&p);
    static struct afx_cut_case k;
    adx_cut_case(&k, &rig, &p);
    struct tdm_cutrun_case c = afx_cut_case_of(ADX_CUT_CASE, &k, NULL);
    uint64_t n = total / 2;
    struct tdm_cutrun_opts o = {.only = 1, .only_cut = n, .only_torn = 1, .argv0 = "fetch_agent_delta_cuts"};
    struct tdm_cutrun_result res;
    TDM_CHECK_OK(tdm_cutrun_run(&c, "W25N-SMALL", tdm_test_seed(), &o, &res));
    TDM_CHECK_MSG(res.failures == 0 && res.cuts == 1 && k.checked == 1, "failures %llu cuts %llu checked %llu",
                  (unsigned long long)res.failures, (unsigned long long)res.cuts, (unsigned long long)k.checked);
    TDM_CHECK(k.last_resumed > 0 && k.last_resumed % rig.dev.store.page == 0);
    TDM_CHECK(k.refetch_max <= p.delta.len); /* at most the patch again, never the full package */
    printf("    cut at operation %llu of %llu: resumed at rebuilt byte %u of %zu, %llu delta bytes fetched twice\n",
           (unsigned long long)n, (unsigned long long)total, k.last_resumed, p.full.len,
           (unsigned long long)k.refetch_max);
    adx_pair_free(&p);
}

static void an_uncorrectable_base_page_stops_the_delta_then_the_full_package(void)
{
    struct adx_pair p;
    pair(&p, 0, 1);
    setup(&p, &p.delta);
    /* A page in the middle of the installed application image reads uncorrectable from now on. */
    struct tdm_store *st = &rig.dev.store;
    uint32_t pg = (uint32_t)(p.base.len / 2) / st->page;
    uint32_t row = st->slot[TDM_STORE_SLOT_A].map[pg / st->ppb] * st->ppb + pg % st->ppb;
    rig.dev.chip.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
    struct tdm_fetch_result r;
    TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE_READ);
    TDM_CHECK(adx_nothing_committed(&rig.dev));
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(st, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_FAILED && rec.err == TDM_E_DELTA_BASE_READ);
    TDM_CHECK_OK(tdm_fetch_run_delta(&rig.dev.agent, &rig.cfg, st, ADX_DELTA_URL, ADX_FULL_URL, &r));
    TDM_CHECK(r.fell_back == 1 && r.delta_err == TDM_E_DELTA_BASE_READ);
    check_pending(&p, &r);
    adx_pair_free(&p);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every pair rebuilds the full package from the installed one",
         every_pair_rebuilds_the_full_package_from_the_installed_one},
        {"a delta for another base is refused before any write, then the full package",
         a_delta_for_another_base_is_refused_before_any_write_then_the_full_package},
        {"corrupt and truncated deltas never commit", corrupt_and_truncated_deltas_never_commit},
        {"drops mid-patch resume", drops_mid_patch_resume},
        {"a delta changed under the same validator is not spliced",
         a_delta_changed_under_the_same_validator_is_not_spliced},
        {"a power cut mid-rebuild resumes from the durable output",
         a_power_cut_mid_rebuild_resumes_from_the_durable_output},
        {"an uncorrectable base page stops the delta, then the full package",
         an_uncorrectable_base_page_stops_the_delta_then_the_full_package},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    if (rig.dev.have_chip) {
        tdm_sim_nand_destroy(&rig.dev.chip);
    }
    return rc;
}
