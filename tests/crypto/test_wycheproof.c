/* Wycheproof's ECDSA P-256 / SHA-256 vectors against the device verifier tdm_p256_verify, on the host
 * (ctest p256_wycheproof) and unchanged on the emulated Cortex-M33 (target_qemu_p256_wycheproof).
 * Owns: this scenario. Never: an expected verdict of its own (they come from the JSON). */
#include <stdio.h>

#include "harness.h"
#include "tandem/p256.h"
#include "wycheproof.h"

static void every_vector_gets_its_expected_verdict(void)
{
    unsigned accepted = 0, valid = 0;
    for (unsigned i = 0; i < wyc_nvectors; i++) {
        valid += wyc_vectors[i].valid;
    }
    unsigned failures = wyc_run_all(tdm_p256_verify, &accepted);
    printf("wycheproof: %u vectors, %u valid, %u accepted, %u failures\n", wyc_nvectors, valid, accepted, failures);
    TDM_CHECK(wyc_nvectors == 484 && valid > 0);
    TDM_CHECK(failures == 0);
    TDM_CHECK(accepted == valid);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every Wycheproof vector gets its expected verdict", every_vector_gets_its_expected_verdict},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
