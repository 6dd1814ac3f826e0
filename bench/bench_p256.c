/* bench_p256: the device's ECDSA P-256 verifier (crypto/p256.c) against mbedTLS on the host.
 * Prints p256.differential_cases and p256.differential_mismatches (the differential cases of
 * tests/crypto/p256_diff.h: seeded keys, hashes, valid signatures and every mutation of each;
 * TDM_P256_DIFF_CASES, default 1 000 000; seed TDM_SEED, default 1) and p256.wycheproof_failures (every
 * vector of tests/data/wycheproof/, strict DER). The Cortex-M33 figures (p256.text, p256.stack,
 * p256.verify_instr) come from tests/target/p256_figures.sh. Owns: these figures. Never: a verdict of
 * its own. */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "p256_diff.h"
#include "tandem/err.h"
#include "tandem/p256.h"
#include "wycheproof.h"

int main(void)
{
    const char *env = getenv("TDM_P256_DIFF_CASES");
    unsigned long cases = env ? strtoul(env, NULL, 10) : 1000000ul;
    env = getenv("TDM_SEED");
    unsigned long long seed = env ? strtoull(env, NULL, 10) : 1;

    unsigned long wyc_accepted = 0;
    unsigned accepted = 0;
    unsigned wyc_failures = wyc_run_all(tdm_p256_verify, &accepted);
    wyc_accepted = accepted;

    struct p256_diff d;
    if (p256_diff_init(&d, seed) != 0) {
        fprintf(stderr, "bench_p256: mbedTLS setup failed\n");
        return 1;
    }
    unsigned long done = 0, mismatches = 0, valid = 0;
    double t0 = tdm_bench_now_s();
    for (; done < cases; done++) {
        struct p256_case c;
        int ours, theirs;
        if (p256_diff_next(&d, &c) != 0) {
            fprintf(stderr, "bench_p256: mbedTLS failed to make case %lu\n", done);
            break;
        }
        if (p256_diff_compare(&c, &ours, &theirs)) {
            if (mismatches++ < 10) {
                printf("bench_p256: mismatch at case %lu (TDM_SEED=%llu): ours %s, mbedTLS %s\n", done, seed,
                       tdm_errname(ours), tdm_errname(theirs));
                p256_diff_print(&c);
            }
        }
        valid += ours == 0;
        if ((done + 1) % 100000 == 0) { /* progress on stderr: a long run can be watched (or cut short) */
            fprintf(stderr, "bench_p256: %lu cases, %lu mismatches, %.0f s\n", done + 1, mismatches,
                    tdm_bench_now_s() - t0);
        }
    }
    double secs = tdm_bench_now_s() - t0;
    p256_diff_free(&d);
    printf("bench_p256: %lu differential cases in %.0f s (%lu accepted by both), %lu mismatches; "
           "Wycheproof: %u vectors, %lu accepted, %u failures\n",
           done, secs, valid, mismatches, wyc_nvectors, wyc_accepted, wyc_failures);
    printf("metric p256.differential_cases %lu cases\n", done);
    printf("about p256.differential_cases >= 1000000 | seeded keys/hashes/signatures and 23 mutations each, "
           "tdm_p256_verify vs mbedTLS (TDM_P256_DIFF_CASES)\n");
    printf("metric p256.differential_mismatches %lu cases\n", mismatches);
    printf("about p256.differential_mismatches goal 0 | cases where tdm_p256_verify and mbedTLS return different codes\n");
    printf("metric p256.differential_s %.0f s\n", secs);
    printf("about p256.differential_s - | host wall time of the differential run (both verifiers, -O2)\n");
    printf("metric p256.wycheproof_failures %u vectors\n", wyc_failures);
    printf("about p256.wycheproof_failures goal 0 | ecdsa_secp256r1_sha256_test.json (%u vectors), strict DER, "
           "host\n", wyc_nvectors);
    return mismatches || wyc_failures || done != cases ? 1 : 0;
}
