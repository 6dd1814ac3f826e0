/* The crypto port on the host: SHA-256 from mbedTLS 2.28 (Debian's libmbedtls-dev), ECDSA P-256 from the
 * device's own verifier (crypto/p256.c), so the simulator runs the code that ships. mbedTLS's verifier
 * stays here only as the reference of the differential tests (tdm_host_p256_verify_mbedtls).
 * Owns: adapting mbedTLS to include/tandem/crypto_port.h. Never: signing or key generation (tools/),
 * device builds (a board supplies its own port), mbedTLS's ECDSA behind the port. */
#include <string.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/bignum.h>
#include <mbedtls/sha256.h>

#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/p256.h"

_Static_assert(sizeof(mbedtls_sha256_context) <= sizeof(struct tdm_sha256),
               "struct tdm_sha256 too small for mbedtls_sha256_context");

static mbedtls_sha256_context *ctx_of(struct tdm_sha256 *h)
{
    return (mbedtls_sha256_context *)(void *)h->opaque;
}

static int host_sha256_start(void *ctx, struct tdm_sha256 *h)
{
    (void)ctx;
    mbedtls_sha256_init(ctx_of(h));
    return mbedtls_sha256_starts_ret(ctx_of(h), 0) ? TDM_E_CRYPTO : 0;
}

static int host_sha256_update(void *ctx, struct tdm_sha256 *h, const void *data, size_t len)
{
    (void)ctx;
    return mbedtls_sha256_update_ret(ctx_of(h), data, len) ? TDM_E_CRYPTO : 0;
}

static int host_sha256_finish(void *ctx, struct tdm_sha256 *h, uint8_t out[TDM_SHA256_LEN])
{
    (void)ctx;
    int rc = mbedtls_sha256_finish_ret(ctx_of(h), out);
    mbedtls_sha256_free(ctx_of(h));
    return rc ? TDM_E_CRYPTO : 0;
}

int tdm_host_p256_verify_mbedtls(const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                                 const uint8_t sig[TDM_P256_SIG_LEN])
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r, s;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int err = TDM_E_CRYPTO;
    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
        mbedtls_ecp_point_read_binary(&grp, &q, pub, TDM_P256_PUBKEY_LEN) == 0 &&
        mbedtls_ecp_check_pubkey(&grp, &q) == 0 && mbedtls_mpi_read_binary(&r, sig, 32) == 0 &&
        mbedtls_mpi_read_binary(&s, sig + 32, 32) == 0) {
        err = mbedtls_ecdsa_verify(&grp, hash, TDM_SHA256_LEN, &q, &r, &s) == 0 ? 0 : TDM_E_PKG_SIG;
    }
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return err;
}

static int host_p256_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                            const uint8_t sig[TDM_P256_SIG_LEN])
{
    (void)ctx;
    return tdm_p256_verify(pub, hash, sig);
}

struct tdm_crypto_ops tdm_host_crypto(void)
{
    struct tdm_crypto_ops ops = {
        .ctx = 0,
        .sha256_start = host_sha256_start,
        .sha256_update = host_sha256_update,
        .sha256_finish = host_sha256_finish,
        .p256_verify = host_p256_verify,
    };
    return ops;
}
