/* Wycheproof's ECDSA P-256 / SHA-256 vectors against the device verifier tdm_p256_verify, on the host
 * (ctest p256_wycheproof) and unchanged on the emulated Cortex-M33 (target_qemu_p256_wycheproof).
 * Owns: this scenario. Never: an expected verdict of its own (they come from the JSON). */
#include <stdio.h>
#include <string.h>

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

/* tcId 1 (r has 33 bytes: 00 b2 ..; s has 32: 01 77 ..) decodes; with s given a needless leading zero
 * (02 21 00 01 77 ..: the same value, not minimal) it does not, though the value would verify. */
static void a_needless_leading_zero_is_refused(void)
{
    static uint8_t der[80], longer[81];
    uint8_t raw[TDM_P256_SIG_LEN], again[TDM_P256_SIG_LEN];
    const struct wyc_vector *v = &wyc_vectors[0];
    long n = wyc_unhex(v->der, der, sizeof der);
    TDM_CHECK(v->tc_id == 1 && v->valid && n == 71 && der[2] == 0x02 && der[3] == 0x21 && der[37] == 0x02 &&
              der[38] == 0x20 && der[39] < 0x80);
    TDM_CHECK(wyc_der_sig(der, (size_t)n, raw) == 0);
    memcpy(longer, der, 39);
    longer[1] = 0x46;  /* SEQUENCE one byte longer */
    longer[38] = 0x21; /* s: 33 bytes */
    longer[39] = 0x00;
    memcpy(longer + 40, der + 39, 32);
    TDM_CHECK(wyc_der_sig(longer, (size_t)n + 1, again) < 0);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every Wycheproof vector gets its expected verdict", every_vector_gets_its_expected_verdict},
        {"a needless leading zero is refused", a_needless_leading_zero_is_refused},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
