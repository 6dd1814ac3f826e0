/* Shared by the fetch agent's tests against the scripted server (agent_answers_test.c, agent_state_test.c):
 * a fresh W25N-SMALL device, a seeded package served as URL by script_transport.h, the agent's config,
 * what a committed or an untouched device looks like, and a download stopped midway (cancelled in its
 * first wait before a retry). Host-only.
 * Owns: the scenario's state (one scenario at a time). Never: talks to a network. */
#ifndef TANDEM_TESTS_FETCH_AGENT_SCRIPT_FIXTURE_H
#define TANDEM_TESTS_FETCH_AGENT_SCRIPT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "agent_fixture.h"
#include "harness.h"
#include "rng.h"
#include "script_transport.h"
#include "tandem/bootstate.h"

#define URL "mem://pkg"

static struct afx_dev dev;
static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];
static struct afx_pkg pkg;
static struct tdm_mem_file file;
static struct sx_server srv;
static struct tdm_fetch_config cfg;
static struct tdm_fetch_result res;

/* A fresh device and a seeded package served as URL (validator "v1"), answered by `script`. */
static void begin(uint64_t salt, const struct sx_answer *script, unsigned n)
{
    free(pkg.buf);
    pkg.buf = NULL;
    uint64_t s = tdm_test_seed() * 0x9E3779B97F4A7C15ull + salt;
    TDM_CHECK_OK(afx_device_new(&dev, tdm_test_seed() + salt));
    TDM_CHECK_OK(tdm_key_from_seed(&key, tdm_test_seed()));
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    TDM_CHECK_OK(afx_build(&pkg, &key, 20000 + tdm_rng_below(&s, 20000), 8000 + tdm_rng_below(&s, 8000), 5,
                           TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + salt));
    file = (struct tdm_mem_file){URL, pkg.buf, pkg.len, "\"v1\""};
    struct tdm_transport_ops ops = sx_serve(&srv, &file, 1, script, n);
    afx_config(&dev, &cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
}

static int run(void)
{
    return tdm_fetch_run(&dev.agent, &cfg, &dev.store, URL, &res);
}

/* The package is committed bit-exact and PENDING, the record DONE. */
static void check_pending(void)
{
    TDM_CHECK(afx_slot_equals(&dev, res.slot, &pkg));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == res.slot);
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_DONE && rec.total == pkg.len);
}

/* No slot holds anything and nothing is pending. */
static void check_untouched(void)
{
    for (unsigned k = 0; k < TDM_STORE_SLOTS; k++) {
        struct tdm_store_slot_info si;
        TDM_CHECK_OK(tdm_store_slot_info(&dev.store, k, &si));
        TDM_CHECK_MSG(si.state == TDM_STORE_EMPTY, "slot %u state %u", k, si.state);
    }
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_IDLE);
}

/* Given up for good with err: nothing committed or pending, the record FAILED with err. */
static inline void check_failed(int err)
{
    check_untouched();
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK_MSG(rec.state == TDM_FETCH_FAILED && rec.err == err, "record state %u err %s", rec.state,
                  tdm_errname(rec.err));
}

/* Cancel: cancel_when 1 once the first wait before a retry is over (the look between two attempts),
 * 0 inside that wait (within one 50 ms slice of its end); never before the first wait. */
static uint64_t wait_end;
static int cancel_when;

static void on_progress(void *arg, const struct tdm_fetch_progress *p)
{
    (void)arg;
    if (p->phase == TDM_FETCH_PH_WAIT) {
        wait_end = cfg.clock.now_ns(cfg.clock.ctx) + (uint64_t)p->wait_ms * 1000000u;
    }
}

static int cancelled(void *arg)
{
    (void)arg;
    uint64_t now = cfg.clock.now_ns(cfg.clock.ctx);
    return wait_end && (cancel_when ? now >= wait_end : now + 60000000u >= wait_end);
}


/* Serve the package with a drop (network error) after `at` body bytes and cancel in the wait after it:
 * the download stops with its record ACTIVE and the whole pages below `at` durable. */
static inline void stop_midway(uint32_t at)
{
    static struct sx_answer a;
    a = (struct sx_answer){.edit = SX_CUT, .cut_at = at, .read_err = TDM_E_FETCH_NET};
    srv.script = &a;
    srv.nscript = 1;
    srv.conn = 0;
    cfg.progress = on_progress;
    cfg.cancelled = cancelled;
    cancel_when = 0;
    wait_end = 0;
    TDM_CHECK_ERR(run(), TDM_E_FETCH_CANCELLED);
    cfg.cancelled = NULL;
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_ACTIVE);
}

static int asx_main(int argc, char **argv, const struct tdm_scenario *s, unsigned n)
{
    int rc = tdm_test_main(argc, argv, s, n);
    free(pkg.buf);
    if (dev.have_chip) {
        tdm_sim_nand_destroy(&dev.chip);
    }
    return rc;
}

#endif
