/* bench_fetch_agent: the fetch agent's figures against a private nginx rig on loopback:
 *   fetch.loopback_ratio            download-and-stage (agent -> simulated NAND store, verified, committed,
 *                                   PENDING) wall time / `curl -o /dev/null` of the same file, same nginx
 *   fetch.refetch_bytes_per_drop    bytes received twice per connection drop injected by tdm_proxy
 *   fetch.resume_after_reboot_bytes bytes received twice after a power cut, averaged over a cut at every
 *                                   NAND operation of a download (before and torn); also the maximum
 *   fetch.stage_nand_ratio          simulated NAND time of staging / the datasheet limit for its pages
 * Owns: starting and stopping its own rig (tests/fetch/nginx_rig.sh) in a temporary directory.
 * Never: leaves nginx running (stopped on every path after it started). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "fetch/host/transport_curl.h"
#include "tests/fetch/agent_cut.h" /* the fetch case of the power-cut runner */
#include "tests/fetch/rig.h" /* the one rig.env reader and file helpers of the tests (tdm_fetch_rig) */

#define RUNS 5
#define DROPS 24

static struct afx_dev dev;
static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];




static int fail(const char *what, int err)
{
    fprintf(stderr, "bench_fetch_agent: %s: %s\n", what, tdm_errname(err));
    return 1;
}

/* One download into a fresh store; returns seconds (store formatting excluded) or -1. */
static double stage_once(struct tdm_fetch_config *cfg, const char *url, const struct afx_pkg *p, uint64_t *nand_ns,
                         uint64_t *ops)
{
    if (afx_device_new(&dev, 1) < 0) {
        return -1;
    }
    struct tdm_fetch_config c = *cfg;
    c.clock = tdm_sim_nand_clock(&dev.chip);
    c.counter.ctx = &dev.counter;
    struct tdm_fetch_result r;
    uint64_t t0 = dev.chip.stats.time_ns, ops0 = dev.chip.dom->ops;
    double s = tdm_bench_now_s();
    int err = tdm_fetch_run(&dev.agent, &c, &dev.store, url, &r);
    s = tdm_bench_now_s() - s;
    *ops = dev.chip.dom->ops - ops0;
    *nand_ns = dev.chip.stats.time_ns - t0;
    if (err < 0 || !afx_slot_equals(&dev, r.slot, p)) {
        fail("stage", err);
        return -1;
    }
    return s;
}

static int loopback(const struct tdm_rig *rig, struct tdm_fetch_config *cfg)
{
    struct afx_pkg p;
    int err = afx_build(&p, &key, 900000, 200000, 5, TDM_PKG_HW_ID_DEFAULT, 3);
    if (err < 0 || tdm_rig_put(rig, "big.bin", p.buf, p.len, 1700003000) != 0) {
        return fail("package", err);
    }
    char url[256];
    tdm_rig_url(rig->main_port, "big.bin", url, sizeof url);
    double ta[RUNS], tc[RUNS];
    uint64_t nand_ns = 0;
    for (int i = 0; i < RUNS; i++) { /* interleaved; a new transport (connection + handshake) each, as curl */
        struct tdm_curl_transport *t;
        struct tdm_curl_config cc = {.ca_file = rig->ca};
        if (tdm_fetch_curl_create(&cc, &cfg->transport, &t) < 0) {
            return fail("transport", TDM_E_CONFIG);
        }
        uint64_t ops;
        ta[i] = stage_once(cfg, url, &p, &nand_ns, &ops);
        tdm_fetch_curl_destroy(t);
        tc[i] = tdm_bench_curl_s(rig->ca, url);
        if (ta[i] < 0 || tc[i] < 0) {
            return fail("a download failed", TDM_E_FETCH_NET);
        }
    }
    double ma = tdm_bench_median(ta, RUNS), mc = tdm_bench_median(tc, RUNS);
    printf("metric fetch.agent_mib_s %.1f MiB/s\n", p.len / (1024.0 * 1024.0) / ma);
    printf("about fetch.agent_mib_s measured | host wall time: agent download + verify + stage, median of %d\n", RUNS);
    printf("metric fetch.loopback_ratio %.2f x\n", ma / mc);
    printf("about fetch.loopback_ratio 1.0 | agent download + verify + stage into the simulated NAND store + "
           "commit, / curl -o /dev/null, %zu B package over HTTPS from the same nginx, median of %d\n", p.len, RUNS);
    double limit = (double)tdm_sim_nand_program_limit_ns(&dev.chip, p.len);
    printf("metric fetch.stage_nand_ratio %.2f x\n", (double)nand_ns / limit);
    printf("about fetch.stage_nand_ratio 1.0 | simulated NAND time of the staging (programs, erases, journal, "
           "re-reads) / tPROG + SPI transfer of the package's pages (W25N01GV timings); both from the simulator's "
           "timing formula, so it counts extra chip operations only (true by construction otherwise)\n");
    free(p.buf);
    return 0;
}

static int drops(const struct tdm_rig *rig, struct tdm_fetch_config *cfg)
{
    struct afx_pkg p;
    int err = afx_build(&p, &key, 700000, 200000, 5, TDM_PKG_HW_ID_DEFAULT, 4);
    if (err < 0 || tdm_rig_put(rig, "drops.bin", p.buf, p.len, 1700003100) != 0) {
        return fail("package", err);
    }
    char url[256], sched[1024] = "";
    tdm_rig_url(rig->proxy_port, "drops.bin", url, sizeof url);
    uint64_t s = 99;
    for (int i = 0; i < DROPS; i++) {
        size_t l = strlen(sched);
        snprintf(sched + l, sizeof sched - l, "close@%u ", (unsigned)(3000 + afx_rand(&s) % (p.len / 8)));
    }
    strcat(sched, "pass");
    tdm_rig_fault(rig, sched);
    struct tdm_curl_transport *t;
    struct tdm_curl_config cc = {.ca_file = rig->ca};
    if (tdm_fetch_curl_create(&cc, &cfg->transport, &t) < 0 || afx_device_new(&dev, 2) < 0) {
        return fail("setup", TDM_E_CONFIG);
    }
    struct tdm_fetch_config c = *cfg;
    c.clock = tdm_sim_nand_clock(&dev.chip);
    c.counter.ctx = &dev.counter;
    c.max_attempts = 30;
    struct tdm_fetch_result r;
    err = tdm_fetch_run(&dev.agent, &c, &dev.store, url, &r);
    tdm_fetch_curl_destroy(t);
    tdm_rig_fault(rig, "pass");
    unsigned cuts = 0, mid = 0;
    tdm_rig_proxy_cuts(rig, &cuts, &mid);
    if (err < 0 || !afx_slot_equals(&dev, r.slot, &p) || r.retries == 0) {
        return fail("download with drops", err);
    }
    printf("metric fetch.refetch_bytes_per_drop %.1f B\n", (double)(r.received - p.len) / r.retries);
    printf("about fetch.refetch_bytes_per_drop 2048 | goal <= one NAND page; %u drops (%u inside a TLS record) "
           "in one power-on: accepted bytes stay in the store's page buffer, the resume asks for the next byte\n",
           r.retries, mid);
    free(p.buf);
    return 0;
}

static int reboots(const struct tdm_rig *rig, struct tdm_fetch_config *cfg)
{
    struct afx_pkg p;
    int err = afx_build(&p, &key, 150000, 50000, 5, TDM_PKG_HW_ID_DEFAULT, 5);
    if (err < 0 || tdm_rig_put(rig, "cut.bin", p.buf, p.len, 1700003200) != 0) {
        return fail("package", err);
    }
    char url[256];
    tdm_rig_url(rig->main_port, "cut.bin", url, sizeof url);
    struct tdm_curl_transport *t;
    struct tdm_curl_config cc = {.ca_file = rig->ca};
    if (tdm_fetch_curl_create(&cc, &cfg->transport, &t) < 0) {
        return fail("transport", TDM_E_CONFIG);
    }
    uint64_t ops = 0, nand_ns = 0;
    if (stage_once(cfg, url, &p, &nand_ns, &ops) < 0) {
        tdm_fetch_curl_destroy(t);
        return 1;
    }
    /* The fetch case of the power-cut runner (tests/fetch/agent_cut.h), every operation, before and torn. */
    static struct afx_cut_case k;
    k.cfg = *cfg;
    k.url = url;
    k.pkg = &p;
    struct tdm_cutrun_case c =
        afx_cut_case_of("fetch: a cut at any NAND operation of a download resumes to a verified package", &k, NULL);
    struct tdm_cutrun_opts o = {.plan = {.stride = 1}, .argv0 = "build/tests/fetch/fetch_agent_cuts --full",
                                .log = stderr};
    struct tdm_cutrun_result res;
    err = tdm_cutrun_run(&c, "W25N-SMALL", 1, &o, &res);
    tdm_fetch_curl_destroy(t);
    if (err < 0 || res.failures || res.cuts != 2 * ops || k.checked == 0) {
        fprintf(stderr, "bench_fetch_agent: power-cut sweep: %llu of %llu cuts failed\n",
                (unsigned long long)res.failures, (unsigned long long)res.cuts);
        return 1;
    }
    uint64_t sum = k.refetch_sum, max = k.refetch_max, n = k.checked;
    printf("metric fetch.resume_after_reboot_bytes %.1f B\n", (double)sum / (double)n);
    printf("metric fetch.resume_after_reboot_max_bytes %llu B\n", (unsigned long long)max);
    printf("about fetch.resume_after_reboot_bytes 2048 | goal <= one NAND page; mean over a power cut at each of "
           "the %llu NAND operations of a %zu B download, before and torn (%llu cases, all resumed bit-exact)\n",
           (unsigned long long)ops, p.len, (unsigned long long)n);
    printf("about fetch.resume_after_reboot_max_bytes 2048 | worst case of the same sweep\n");
    free(p.buf);
    return 0;
}

static int run(const struct tdm_rig *rig)
{
    if (tdm_key_from_seed(&key, 7) < 0) {
        return fail("key", TDM_E_HOST_KEY);
    }
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    struct tdm_fetch_config cfg;
    struct tdm_transport_ops none = {0};
    if (afx_device_new(&dev, 1) < 0) {
        return fail("device", TDM_E_CONFIG);
    }
    afx_config(&dev, &cfg, &none, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
    int rc = loopback(rig, &cfg);
    rc = rc ? rc : drops(rig, &cfg);
    rc = rc ? rc : reboots(rig, &cfg);
    tdm_sim_nand_destroy(&dev.chip);
    return rc;
}

int main(int argc, char **argv)
{
    (void)argc;
    return tdm_rig_serve("bench_fetch_agent", __FILE__, argv[0], run);
}
