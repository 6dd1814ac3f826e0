/* Power loss during a download: a cut at every NAND operation of the agent's run (before the operation
 * and torn in the middle of it), followed by power-on, mount and a resume that must end with the package
 * committed bit-exact, verified and PENDING, having fetched at most one NAND page twice.
 * Replay one case: --case NAME --seed S --cut N [--torn]. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_cut.h"
#include "harness.h"
#include "rig.h"
#include "transport_curl.h"

#define PAGE 2048u

static struct tdm_rig rig;
static struct afx_dev dev;
static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];
static struct tdm_transport_ops ops;
static struct tdm_curl_transport *tr;
static struct tdm_fetch_config cfg;
static struct afx_pkg pkg;
static char url[256];

static void setup(void)
{
    TDM_CHECK_OK(tdm_key_from_seed(&key, tdm_test_seed()));
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    if (!tr) {
        struct tdm_curl_config cc = {.ca_file = rig.ca, .connect_timeout_ms = 3000, .low_speed_ms = 3000};
        TDM_CHECK_OK(tdm_fetch_curl_create(&cc, &ops, &tr));
    }
    free(pkg.buf);
    TDM_CHECK_OK(afx_build(&pkg, &key, 150000, 50000, 5, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + 21));
    TDM_CHECK(tdm_rig_put(&rig, "cut.bin", pkg.buf, pkg.len, 1700002100) == 0);
    tdm_rig_url(rig.main_port, "cut.bin", url, sizeof url);
    TDM_CHECK_OK(afx_device_new(&dev, tdm_test_seed()));
    afx_config(&dev, &cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
}

static void one(uint64_t n, enum tdm_sim_cut mode, uint64_t *refetch_max, unsigned *reached)
{
    tdm_test_replay_extra("--cut %llu%s", (unsigned long long)n, mode == TDM_SIM_CUT_TORN ? " --torn" : "");
    struct afx_cut_out o;
    if (afx_cut_case(&dev, &cfg, url, &pkg, tdm_test_seed(), n, mode, &o) < 0) {
        tdm_test_fail(__FILE__, __LINE__, "cut case", o.why);
    }
    /* Bytes fetched twice: at most the one page that was being filled when the power went. */
    TDM_CHECK(o.refetched <= PAGE);
    TDM_CHECK(o.resumed % PAGE == 0 && o.resumed <= o.first);
    if (o.refetched > *refetch_max) {
        *refetch_max = o.refetched;
    }
    *reached += (unsigned)o.reached;
}

static void a_cut_at_every_nand_operation_resumes_to_a_verified_package(void)
{
    setup();
    uint64_t ops0 = dev.chip.dom->ops;
    struct tdm_fetch_result r;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &r));
    uint64_t total = dev.chip.dom->ops - ops0;
    TDM_CHECK(total > pkg.len / PAGE);
    const char *only = tdm_test_option("cut");
    uint64_t max = 0;
    unsigned reached = 0, cases = 0;
    for (uint64_t n = 1; n <= total + 1; n++) {
        for (int torn = 0; torn < 2; torn++) {
            if (only && (strtoull(only, NULL, 10) != n || !!tdm_test_option("torn") != torn)) {
                continue;
            }
            one(n, torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE, &max, &reached);
            cases++;
        }
    }
    printf("    %u cases over %llu NAND operations (%u cuts hit the download), at most %llu bytes fetched twice\n",
           cases, (unsigned long long)total, reached, (unsigned long long)max);
    TDM_CHECK(only || reached == 2 * total); /* every operation of the download was cut, both ways */
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a cut at every NAND operation resumes to a verified package",
         a_cut_at_every_nand_operation_resumes_to_a_verified_package},
    };
    if (tdm_rig_load(&rig) != 0) {
        return 1;
    }
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    tdm_fetch_curl_destroy(tr);
    free(pkg.buf);
    if (dev.have_chip) {
        tdm_sim_nand_destroy(&dev.chip);
    }
    return rc;
}
