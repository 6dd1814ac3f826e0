/* Shared by the fetch agent's tests against the rig (agent_test.c, agent_server_test.c): the state of a
 * scenario, its seeded random stream, the set-up every scenario starts with, and main.
 * Owns: nothing between scenarios but the rig's address. Never: starts the rig (a CTest fixture does). */
#ifndef TANDEM_TESTS_FETCH_AGENT_RIG_TEST_H
#define TANDEM_TESTS_FETCH_AGENT_RIG_TEST_H

#include "agent_fixture.h"
#include "harness.h"
#include "rig.h"
#include "transport_curl.h"

static struct tdm_rig rig;
static struct afx_dev dev;
static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];
static struct tdm_transport_ops ops;
static struct tdm_curl_transport *tr;
static struct tdm_fetch_config cfg;
static struct tdm_fetch_result res;
static char url[256];
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

/* Every scenario: its own random stream, a fresh device, a fresh transport, a passing proxy. */
static void art_begin(uint64_t salt)
{
    rng = tdm_test_seed() * 0x9E3779B97F4A7C15ull + salt;
    TDM_CHECK_OK(afx_device_new(&dev, tdm_test_seed() + salt));
    TDM_CHECK_OK(tdm_key_from_seed(&key, tdm_test_seed()));
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    tdm_fetch_curl_destroy(tr);
    struct tdm_curl_config cc = {.ca_file = rig.ca, .connect_timeout_ms = 3000, .low_speed_ms = 3000};
    TDM_CHECK_OK(tdm_fetch_curl_create(&cc, &ops, &tr));
    afx_config(&dev, &cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
    tdm_rig_fault(&rig, "pass");
}

static int art_main(int argc, char **argv, const struct tdm_scenario *s, unsigned n)
{
    if (tdm_rig_load(&rig) != 0) {
        return 1;
    }
    int rc = tdm_test_main(argc, argv, s, n);
    tdm_fetch_curl_destroy(tr);
    if (dev.have_chip) {
        tdm_sim_nand_destroy(&dev.chip);
    }
    return rc;
}

#endif
