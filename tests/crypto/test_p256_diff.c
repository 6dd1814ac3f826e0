/* tdm_p256_verify against mbedTLS on the host: a seeded slice of the differential cases
 * (tests/crypto/p256_diff.h; bench/bench_p256.c runs a million), mbedTLS on the Wycheproof table (so the
 * table and the reference agree before they judge the verifier), and named edge cases.
 * Options: --seed S, --cases N (default 2000). Owns: these scenarios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdsa.h>

#include "harness.h"
#include "p256_diff.h"
#include "tandem/host_crypto.h"
#include "tandem/p256.h"
#include "wycheproof.h"

static void same_verdicts_as_mbedtls_on_a_seeded_slice(void)
{
    const char *opt = tdm_test_option("cases");
    unsigned long cases = opt ? strtoul(opt, NULL, 10) : 2000;
    struct p256_diff d;
    TDM_CHECK(p256_diff_init(&d, tdm_test_seed()) == 0);
    unsigned long accepted[P256_DIFF_KINDS] = {0}, seen[P256_DIFF_KINDS] = {0};
    for (unsigned long i = 0; i < cases; i++) {
        struct p256_case c;
        int ours, theirs;
        TDM_CHECK(p256_diff_next(&d, &c) == 0);
        if (p256_diff_compare(&c, &ours, &theirs)) {
            printf("p256_diff: case %lu: tdm_p256_verify %s, mbedTLS %s\n", i, tdm_errname(ours), tdm_errname(theirs));
            p256_diff_print(&c);
            tdm_test_replay_extra("--cases %lu", i + 1);
            p256_diff_free(&d);
            TDM_CHECK(ours == theirs);
        }
        seen[c.kind]++;
        accepted[c.kind] += ours == 0;
    }
    p256_diff_free(&d);
    /* the generator makes what it says: every valid signature and its n - s twin verify */
    TDM_CHECK(seen[0] > 0 && accepted[0] == seen[0] && accepted[5] == seen[5]);
    printf("p256_diff: %lu cases, same verdicts; %lu valid signatures accepted\n", cases, accepted[0] + accepted[5]);
}

static int mbedtls_verify(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig)
{
    return tdm_host_p256_verify_mbedtls(pub, hash, sig);
}

static void mbedtls_agrees_with_the_wycheproof_table(void)
{
    TDM_CHECK(wyc_run_all(mbedtls_verify, NULL) == 0);
}

/* The smallest valid keys: Q = G makes G + Q a doubling, Q = -G makes it the point at infinity. */
static void keys_plus_and_minus_g(void)
{
    struct p256_diff d;
    TDM_CHECK(p256_diff_init(&d, tdm_test_seed()) == 0);
    static const long ks[4] = {1, -1, 2, -2};
    for (unsigned i = 0; i < 4; i++) {
        int rc = ks[i] > 0 ? mbedtls_mpi_lset(&d.d, ks[i]) : mbedtls_mpi_sub_int(&d.d, &d.grp.N, -ks[i]);
        struct p256_case c = {.kind = 0};
        size_t len;
        rc = rc ? rc : mbedtls_ecp_mul(&d.grp, &d.q, &d.d, &d.grp.G, NULL, NULL);
        rc = rc ? rc : mbedtls_ecp_point_write_binary(&d.grp, &d.q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, c.pub, 65);
        TDM_CHECK(rc == 0);
        for (unsigned h = 0; h < 16; h++) {
            mbedtls_mpi r, s;
            mbedtls_mpi_init(&r);
            mbedtls_mpi_init(&s);
            memset(c.hash, (int)(h * 17), sizeof c.hash);
            c.hash[0] = (uint8_t)i;
            TDM_CHECK(mbedtls_ecdsa_sign(&d.grp, &r, &s, &d.d, c.hash, 32, p256_diff_rng, &d) == 0);
            TDM_CHECK(mbedtls_mpi_write_binary(&r, c.sig, 32) == 0 && mbedtls_mpi_write_binary(&s, c.sig + 32, 32) == 0);
            mbedtls_mpi_free(&r);
            mbedtls_mpi_free(&s);
            TDM_CHECK_OK(tdm_p256_verify(c.pub, c.hash, c.sig));
            c.hash[31] ^= 1;
            TDM_CHECK_ERR(tdm_p256_verify(c.pub, c.hash, c.sig), TDM_E_PKG_SIG);
        }
    }
    p256_diff_free(&d);
}

/* A point with a small x (found from x = 1, 2, ... with y = (x^3 - 3x + b)^((p+1)/4), p = 3 mod 4), given
 * with X + p instead of X: congruent to a point on the curve, but not a valid encoding. Both refuse it as a
 * malformed key (a verifier that reduced X mod p would take it as a key and answer SIG). */
static void coordinate_plus_p_is_a_malformed_key(void)
{
    mbedtls_ecp_group g;
    mbedtls_mpi x, y, rhs, t, e;
    mbedtls_ecp_group_init(&g);
    mbedtls_mpi *all[] = {&x, &y, &rhs, &t, &e};
    for (unsigned i = 0; i < 5; i++) {
        mbedtls_mpi_init(all[i]);
    }
    TDM_CHECK(mbedtls_ecp_group_load(&g, MBEDTLS_ECP_DP_SECP256R1) == 0);
    TDM_CHECK(mbedtls_mpi_add_int(&e, &g.P, 1) == 0 && mbedtls_mpi_shift_r(&e, 2) == 0);
    int found = 0;
    for (int v = 1; v < 64 && !found; v++) {
        int rc = mbedtls_mpi_lset(&x, v);
        rc = rc ? rc : mbedtls_mpi_mul_mpi(&t, &x, &x);
        rc = rc ? rc : mbedtls_mpi_sub_int(&t, &t, 3);
        rc = rc ? rc : mbedtls_mpi_mul_mpi(&rhs, &t, &x);
        rc = rc ? rc : mbedtls_mpi_add_mpi(&rhs, &rhs, &g.B);
        rc = rc ? rc : mbedtls_mpi_mod_mpi(&rhs, &rhs, &g.P);
        rc = rc ? rc : mbedtls_mpi_exp_mod(&y, &rhs, &e, &g.P, NULL);
        rc = rc ? rc : mbedtls_mpi_mul_mpi(&t, &y, &y);
        rc = rc ? rc : mbedtls_mpi_mod_mpi(&t, &t, &g.P);
        TDM_CHECK(rc == 0);
        found = mbedtls_mpi_cmp_mpi(&t, &rhs) == 0;
    }
    TDM_CHECK(found);
    struct p256_case c = {.kind = 16};
    c.pub[0] = 0x04;
    TDM_CHECK(mbedtls_mpi_write_binary(&y, c.pub + 33, 32) == 0);
    TDM_CHECK(mbedtls_mpi_write_binary(&x, c.pub + 1, 32) == 0);
    c.sig[31] = c.sig[63] = 1; /* r = s = 1: (x, y) itself is a key, the signature is wrong */
    TDM_CHECK_ERR(tdm_host_p256_verify_mbedtls(c.pub, c.hash, c.sig), TDM_E_PKG_SIG);
    TDM_CHECK_ERR(tdm_p256_verify(c.pub, c.hash, c.sig), TDM_E_PKG_SIG);
    TDM_CHECK(mbedtls_mpi_add_mpi(&x, &x, &g.P) == 0 && mbedtls_mpi_write_binary(&x, c.pub + 1, 32) == 0);
    int ours, theirs;
    TDM_CHECK(p256_diff_compare(&c, &ours, &theirs) == 0);
    TDM_CHECK_ERR(ours, TDM_E_CRYPTO);
    for (unsigned i = 0; i < 5; i++) {
        mbedtls_mpi_free(all[i]);
    }
    mbedtls_ecp_group_free(&g);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"same verdicts as mbedTLS on a seeded slice", same_verdicts_as_mbedtls_on_a_seeded_slice},
        {"mbedTLS agrees with the Wycheproof table", mbedtls_agrees_with_the_wycheproof_table},
        {"keys G, -G, 2G and -2G", keys_plus_and_minus_g},
        {"a coordinate + p is a malformed key", coordinate_plus_p_is_a_malformed_key},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
