/* The fetch agent's delta path (fetch/agent_delta.c) when something is wrong, on the firmware corpus
 * (agent_delta_fixture.h) with a scripted server (script_transport.h): no base to rebuild from, a delta
 * header cut by the network, the installed set changed between a stopped delta fetch and its resume, a
 * delta record on a device without the delta workspace, a delta that rebuilds a package the parser
 * refuses, and the fallback rules of tdm_fetch_run_delta (which errors fall back to the full package,
 * and a run that goes on with the full package it fell back to).
 * Replay: fetch_agent_delta_errors --case NAME --seed S --fw DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_delta_fixture.h"
#include "harness.h"
#include "script_transport.h"

static struct adx_rig rig;
static struct sx_server srv;
static struct adx_pair pr;

/* Corpus releases 0 -> 1 (the installed one and the delta), served by `script`. */
static void setup_with(const struct afx_pkg *delta, const struct sx_answer *script, unsigned n)
{
    TDM_CHECK_OK(adx_setup(&rig, &pr, delta, tdm_test_seed()));
    rig.cfg.transport = sx_serve(&srv, rig.files, 2, script, n);
}

static void setup(const struct sx_answer *script, unsigned n)
{
    adx_pair_free(&pr);
    TDM_CHECK_OK(adx_pair_make(&pr, adx_fw(), 0, 1));
    setup_with(&pr.delta, script, n);
}

static int run(const char *url, struct tdm_fetch_result *r)
{
    return tdm_fetch_run(&rig.dev.agent, &rig.cfg, &rig.dev.store, url, r);
}

static int run_delta(struct tdm_fetch_result *r)
{
    return tdm_fetch_run_delta(&rig.dev.agent, &rig.cfg, &rig.dev.store, ADX_DELTA_URL, ADX_FULL_URL, r);
}

/* Committed in slot B bit-exact and PENDING. */
static void check_pending(const struct tdm_fetch_result *r)
{
    TDM_CHECK(r->slot == TDM_STORE_SLOT_B && afx_slot_equals(&rig.dev, TDM_STORE_SLOT_B, &pr.full));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&rig.dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == TDM_STORE_SLOT_B);
}

/* Given up for good with err: nothing of the new set committed or pending, the record FAILED with err. */
static void check_failed(int err)
{
    TDM_CHECK(adx_nothing_committed(&rig.dev));
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&rig.dev.store, &rec));
    TDM_CHECK_MSG(rec.state == TDM_FETCH_FAILED && rec.err == err, "record state %u err %s", rec.state,
                  tdm_errname(rec.err));
}

static void edit_bootstate(int nothing_installed, uint32_t gen_add)
{
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&rig.dev.store, &st));
    st.inst_slot = nothing_installed ? TDM_STORE_NONE : st.inst_slot;
    st.inst_gen += gen_add;
    TDM_CHECK_OK(tdm_bootstate_save(&rig.dev.store, &st));
}

/* Nothing a delta can be rebuilt from: the boot state names no installed set, or names a generation the
 * slot no longer holds. The delta is refused at its header, before any NAND program or erase. */
static void a_delta_without_its_base_is_refused_before_any_write(void)
{
    for (unsigned i = 0; i < 2; i++) {
        setup(NULL, 0);
        edit_bootstate(i == 0, i == 1);
        uint64_t ops0 = rig.dev.chip.dom->ops;
        struct tdm_fetch_result r;
        TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE);
        TDM_CHECK_MSG(rig.dev.chip.dom->ops == ops0 && r.attempts == 1, "case %u", i);
        struct tdm_fetch_record rec;
        TDM_CHECK_ERR(tdm_fetch_record_load(&rig.dev.store, &rec), TDM_E_NOT_FOUND);
    }
}

/* The store's roles do not name the installed slot yet (a confirmation whose roles record failed): the boot
 * state still does, so the delta is rebuilt into the other slot from the installed one, which stays as it
 * was (before, the store's free slot was the base itself and the delta was refused). */
static void a_delta_is_rebuilt_beside_its_base_when_the_roles_lag(void)
{
    setup(NULL, 0);
    TDM_CHECK_OK(tdm_store_set_roles(&rig.dev.store, TDM_STORE_NONE, TDM_STORE_NONE));
    struct tdm_store_slot_info before, after;
    TDM_CHECK_OK(tdm_store_slot_info(&rig.dev.store, TDM_STORE_SLOT_A, &before));
    struct tdm_fetch_result r;
    TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
    TDM_CHECK_MSG(r.slot == TDM_STORE_SLOT_B && r.delta, "slot %u delta %u", r.slot, r.delta);
    TDM_CHECK_OK(tdm_store_slot_info(&rig.dev.store, TDM_STORE_SLOT_A, &after));
    TDM_CHECK(after.state == TDM_STORE_COMMITTED && after.gen == before.gen &&
              !memcmp(after.sha256, before.sha256, sizeof after.sha256));
}

/* The network fails inside the delta's first bytes (its magic, then its header): nothing is written and
 * the next attempt takes the delta from byte 0 again. */
static void a_network_error_inside_the_delta_header_is_retried(void)
{
    for (unsigned i = 0; i < 2; i++) {
        struct sx_answer a = {.edit = SX_CUT, .cut_at = i == 0 ? 2 : 20, .read_err = TDM_E_FETCH_NET};
        setup(&a, 1);
        struct tdm_fetch_result r;
        TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
        check_pending(&r);
        TDM_CHECK_MSG(r.attempts == 2 && r.retries == 1 && r.restarts == 0 && srv.offsets[1] == 0 && r.delta == 1,
                      "case %u: attempts %u retries %u restarts %u", i, r.attempts, r.retries, r.restarts);
    }
}

static uint64_t wait_end;

static void on_progress(void *arg, const struct tdm_fetch_progress *p)
{
    (void)arg;
    if (p->phase == TDM_FETCH_PH_WAIT) {
        wait_end = 1;
    }
}

static int cancel_at_wait(void *arg)
{
    (void)arg;
    return wait_end != 0;
}

/* A fetch of url dropped after some (rebuilt) pages are durable, then stopped (cancelled in the wait). */
static void stop_a_delta_midway(const char *url)
{
    static struct sx_answer a;
    int delta = !strcmp(url, ADX_DELTA_URL);
    uint32_t at = (uint32_t)(delta ? pr.delta.len * 3 / 4 : pr.full.len / 2);
    a = (struct sx_answer){.edit = SX_CUT, .cut_at = at, .read_err = TDM_E_FETCH_NET};
    srv.script = &a;
    srv.nscript = 1;
    wait_end = 0;
    rig.cfg.progress = on_progress;
    rig.cfg.cancelled = cancel_at_wait;
    struct tdm_fetch_result r;
    TDM_CHECK_ERR(run(url, &r), TDM_E_FETCH_CANCELLED);
    rig.cfg.cancelled = NULL;
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&rig.dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_ACTIVE && !(rec.flags & TDM_FETCH_REC_DELTA) == !delta &&
              rec.slot == TDM_STORE_SLOT_B);
}

/* Stopped midway, then the boot state names another generation of the installed set (the base the
 * durable output was rebuilt from is gone): the resume's restart of the delta is refused
 * (TDM_E_DELTA_BASE), the slot cleared and the record FAILED; run_delta then takes the full package. */
static void a_resume_after_the_base_changed_is_refused_then_the_full_package(void)
{
    setup(NULL, 0);
    stop_a_delta_midway(ADX_DELTA_URL);
    edit_bootstate(0, 1);
    struct tdm_fetch_result r;
    TDM_CHECK_ERR(run(ADX_DELTA_URL, &r), TDM_E_DELTA_BASE);
    TDM_CHECK(r.resumed_at > 0 && r.resumed_at % rig.dev.store.page == 0);
    check_failed(TDM_E_DELTA_BASE);
    TDM_CHECK_OK(run_delta(&r));
    TDM_CHECK(r.fell_back == 1 && r.delta_err == TDM_E_DELTA_BASE);
    check_pending(&r);
}

/* Stopped midway, then the agent runs without a delta workspace: the durable rebuilt output is not
 * resumed (resumed_at 0), the delta file is taken from byte 0 as a full package and refused by the
 * parser; nothing is committed. */
static void a_delta_record_without_the_workspace_is_not_resumed(void)
{
    setup(NULL, 0);
    stop_a_delta_midway(ADX_DELTA_URL);
    rig.cfg.delta = NULL;
    struct tdm_fetch_result r;
    int err = run(ADX_DELTA_URL, &r);
    TDM_CHECK_MSG(tdm_err_is_pkg(err), "%s", tdm_errname(err));
    TDM_CHECK(r.resumed_at == 0 && r.delta == 0 && adx_nothing_committed(&rig.dev));
}

/* A delta made for the installed base, whose rebuilt package has one flipped byte in the application
 * image: every delta check passes, the package parser refuses the rebuilt bytes; nothing is committed,
 * the record is FAILED with the parser's error. */
static void a_delta_rebuilding_a_refused_package_never_commits(void)
{
    adx_pair_free(&pr);
    TDM_CHECK_OK(adx_pair_make(&pr, adx_fw(), 0, 1));
    struct afx_pkg bad = {malloc(pr.full.len), pr.full.len}, delta = {0};
    TDM_CHECK(bad.buf != NULL);
    memcpy(bad.buf, pr.full.buf, pr.full.len);
    bad.buf[pr.full.len / 3] ^= 0x10;
    struct tdm_delta_pkg_info info;
    TDM_CHECK_OK(tdm_delta_pkg_build(pr.base.buf, pr.base.len, bad.buf, bad.len, &delta.buf, &delta.len, &info));
    setup_with(&delta, NULL, 0);
    struct tdm_fetch_result r;
    int err = run(ADX_DELTA_URL, &r);
    TDM_CHECK_MSG(tdm_err_is_pkg(err), "%s", tdm_errname(err));
    TDM_CHECK(r.delta == 1);
    check_failed(err);
    free(bad.buf);
    free(delta.buf);
}

/* A server answering the delta's request from byte 0 with a 206 that says it starts at exactly the
 * rebuilt bytes already accepted (the agent's offset): a piece of a delta file is never the rest of the
 * rebuilt package, so it is discarded and the delta taken again from byte 0 (a restart); after a drop in
 * the same run, and after a reboot (the workspace's RAM holds garbage: the decoder was never started). */
static int lie_armed;

static int lie_open(void *ctx, const struct tdm_transport_request *req, struct tdm_transport_reply *rep)
{
    int err = sx_open(ctx, req, rep);
    if (err == 0 && lie_armed && srv.conn == 2) {
        rep->status = 206;
        rep->start = rig.dev.agent.off;
    }
    return err;
}

static void a_206_to_a_delta_request_from_byte_0_is_discarded(void)
{
    for (unsigned reboot = 0; reboot < 2; reboot++) {
        struct sx_answer a = {.edit = SX_CUT, .cut_at = 0, .read_err = TDM_E_FETCH_NET};
        setup(&a, 1);
        a.cut_at = (uint32_t)pr.delta.len * 3 / 4;
        lie_armed = 0;
        if (reboot) {
            stop_a_delta_midway(ADX_DELTA_URL);
            memset(&rig.work, 0xA5, sizeof rig.work);
            srv.conn = 1;
        }
        lie_armed = 1;
        rig.cfg.transport.open = lie_open;
        struct tdm_fetch_result r;
        TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
        check_pending(&r);
        TDM_CHECK_MSG(r.restarts == 1 && r.delta == 1, "reboot %u: restarts %u attempts %u", reboot, r.restarts,
                      r.attempts);
    }
}

/* tdm_fetch_run_delta: a delta URL answering 4xx falls back to the full package; one answering 5xx until
 * the attempts run out does not (the server is down, the full URL would not do better), nor one answering
 * a status that is neither (304, 600); a run stopped
 * in the full package it fell back to goes on with it, the delta URL is not asked again. */
static void the_fallback_follows_the_delta_urls_answer(void)
{
    struct sx_answer down[TDM_FETCH_ATTEMPTS_DEFAULT];
    for (unsigned k = 0; k < TDM_FETCH_ATTEMPTS_DEFAULT; k++) {
        down[k] = (struct sx_answer){.open_err = TDM_E_FETCH_HTTP, .status = 500};
    }
    setup(down, TDM_FETCH_ATTEMPTS_DEFAULT);
    struct tdm_fetch_result r;
    TDM_CHECK_ERR(run_delta(&r), TDM_E_FETCH_RETRIES);
    TDM_CHECK(srv.conn == TDM_FETCH_ATTEMPTS_DEFAULT && r.fell_back == 0 && adx_nothing_committed(&rig.dev));

    static const int odd[] = {304, 600}; /* neither a client error nor retried: no fallback either */
    for (unsigned i = 0; i < 2; i++) {
        struct sx_answer a = {.open_err = TDM_E_FETCH_HTTP, .status = odd[i]};
        setup(&a, 1);
        TDM_CHECK_ERR(run_delta(&r), TDM_E_FETCH_HTTP);
        TDM_CHECK(srv.conn == 1 && r.fell_back == 0 && r.status == odd[i]);
    }

    struct sx_answer gone = {.open_err = TDM_E_FETCH_HTTP, .status = 410};
    setup(&gone, 1);
    TDM_CHECK_OK(run_delta(&r));
    TDM_CHECK(r.fell_back == 1 && r.delta_err == TDM_E_FETCH_HTTP && r.delta == 0 && srv.conn == 2);
    check_pending(&r);

    setup(NULL, 0);
    stop_a_delta_midway(ADX_FULL_URL);
    unsigned conn = srv.conn;
    TDM_CHECK_OK(run_delta(&r));
    TDM_CHECK_MSG(r.fell_back == 0 && r.delta_err == 0 && r.resumed_at > 0 && srv.conn == conn + 1,
                  "fell back %u, resumed at %u, %u connections", r.fell_back, r.resumed_at, srv.conn - conn);
    check_pending(&r);
    TDM_CHECK_OK(run_delta(NULL)); /* pending already: nothing fetched, no result asked for */
    TDM_CHECK(srv.conn == conn + 1);
}

/* Between two attempts the delta file changed (another validator, or another size under the same one):
 * it is taken afresh from byte 0 (a restart; with a size the body then does not have, once more when it
 * ends short); the same validator with no size announced goes on with the rebuilt bytes accepted. */
static void a_delta_changed_between_attempts_is_taken_afresh(void)
{
    for (unsigned i = 0; i < 3; i++) {
        struct sx_answer a[2] = {{.edit = SX_CUT, .read_err = TDM_E_FETCH_NET},
                                 {.edit = i == 0 ? SX_ETAG : SX_TOTAL, .etag = "\"delta-2\""}};
        setup(a, 2);
        a[0].cut_at = (uint32_t)pr.delta.len * 3 / 4;
        a[1].total = i == 1 ? (int64_t)pr.delta.len + 1 : -1;
        struct tdm_fetch_result r;
        TDM_CHECK_OK(run(ADX_DELTA_URL, &r));
        check_pending(&r);
        unsigned restarts = i == 0 ? 1 : i == 1 ? 2 : 0; /* the body is not the size announced: once more */
        TDM_CHECK_MSG(r.restarts == restarts && r.attempts == 2 + (i == 1) && r.delta == 1,
                      "case %u: restarts %u attempts %u", i, r.restarts, r.attempts);
    }
}

/* A delta served without a size: complete, it rebuilds the package; ending cleanly short of its end, it is
 * refused as truncated (the transport says the body is complete); an empty body is no package at all. */
static void a_delta_without_a_size_is_taken_to_its_end(void)
{
    for (unsigned i = 0; i < 3; i++) {
        struct sx_answer a = {.edit = SX_TOTAL | (i == 1 ? SX_CUT : 0), .total = -1};
        setup(&a, 1);
        a.cut_at = (uint32_t)pr.delta.len / 2;
        struct afx_pkg empty = {pr.delta.buf, 0};
        if (i == 2) {
            setup_with(&empty, NULL, 0);
        }
        struct tdm_fetch_result r;
        int err = run(ADX_DELTA_URL, &r);
        if (i == 0) {
            TDM_CHECK_OK(err);
            check_pending(&r);
            continue;
        }
        TDM_CHECK_MSG(i == 1 ? err == TDM_E_DELTA_TRUNCATED : tdm_err_is_pkg(err), "case %u: %s", i, tdm_errname(err));
        TDM_CHECK(r.attempts == 1);
        check_failed(err);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a delta without its base is refused before any write", a_delta_without_its_base_is_refused_before_any_write},
        {"a delta is rebuilt beside its base when the roles lag", a_delta_is_rebuilt_beside_its_base_when_the_roles_lag},
        {"a network error inside the delta header is retried", a_network_error_inside_the_delta_header_is_retried},
        {"a resume after the base changed is refused, then the full package",
         a_resume_after_the_base_changed_is_refused_then_the_full_package},
        {"a delta record without the workspace is not resumed", a_delta_record_without_the_workspace_is_not_resumed},
        {"a delta rebuilding a refused package never commits", a_delta_rebuilding_a_refused_package_never_commits},
        {"a 206 to a delta request from byte 0 is discarded", a_206_to_a_delta_request_from_byte_0_is_discarded},
        {"the fallback follows the delta URL's answer", the_fallback_follows_the_delta_urls_answer},
        {"a delta changed between attempts is taken afresh", a_delta_changed_between_attempts_is_taken_afresh},
        {"a delta without a size is taken to its end", a_delta_without_a_size_is_taken_to_its_end},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    adx_pair_free(&pr);
    if (rig.dev.have_chip) {
        tdm_sim_nand_destroy(&rig.dev.chip);
    }
    return rc;
}
