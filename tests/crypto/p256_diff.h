/* The differential cases of tdm_p256_verify against mbedTLS (host only): seeded keys, hashes and valid
 * signatures made with mbedTLS, each followed by every mutation of it. Shared by the ctest
 * p256_differential (a slice), bench/bench_p256.c (>= 1 000 000 cases) and the fuzz seeds.
 *
 * Case k of a seed: k / P256_DIFF_KINDS is the valid signature it derives from (a new key every 8 of
 * them; now and then a special key, d in {1, 2, n-1, n-2}, i.e. Q = +-G or +-2G, and a special hash:
 * 0, n-1, n, n+1 or all ones), k % P256_DIFF_KINDS is the mutation (p256_diff_kind_name).
 * Owns: the case generator. Never: a verdict (both verifiers are asked).
 */
#ifndef TANDEM_TESTS_CRYPTO_P256_DIFF_H
#define TANDEM_TESTS_CRYPTO_P256_DIFF_H

#include <stdint.h>

#include <mbedtls/ecp.h>

#include "tandem/crypto_port.h"

#define P256_DIFF_KINDS 24

struct p256_diff {
    uint64_t rng;
    uint64_t next; /* number of the next case */
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point q;
    uint8_t pub[TDM_P256_PUBKEY_LEN], hash[TDM_SHA256_LEN], sig[TDM_P256_SIG_LEN]; /* the valid triple */
    uint8_t other_pub[TDM_P256_PUBKEY_LEN];                                      /* the previous key */
};

struct p256_case {
    uint8_t pub[TDM_P256_PUBKEY_LEN], hash[TDM_SHA256_LEN], sig[TDM_P256_SIG_LEN];
    unsigned kind;
};

/* Returns 0, or -1 when mbedTLS fails (then the struct is freed). */
int p256_diff_init(struct p256_diff *d, uint64_t seed);
void p256_diff_free(struct p256_diff *d);
/* The next case into *c. Returns 0, or -1 when mbedTLS fails to sign. */
int p256_diff_next(struct p256_diff *d, struct p256_case *c);
const char *p256_diff_kind_name(unsigned kind);
/* mbedTLS's f_rng over the generator's seeded stream (ctx: the struct p256_diff). */
int p256_diff_rng(void *ctx, unsigned char *out, size_t n);

/* Both verdicts of a case: 0 when tdm_p256_verify and mbedTLS return the same code (0, TDM_E_PKG_SIG or
 * TDM_E_CRYPTO), else 1; *ours and *theirs get the codes. */
int p256_diff_compare(const struct p256_case *c, int *ours, int *theirs);

/* Print one case (kind, pub, hash, sig in hex) on stdout, for a failure report. */
void p256_diff_print(const struct p256_case *c);

#endif
