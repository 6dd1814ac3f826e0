/* Host-only P-256 keys with mbedTLS: generate, load, save, sign (pkg/host/pkg_build.h).
 * Owns: every private-key operation of tandem. Never: linked into device code; writing a private key
 * readable by others (0600). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

struct rng {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
};

static int rng_open(struct rng *r)
{
    mbedtls_entropy_init(&r->entropy);
    mbedtls_ctr_drbg_init(&r->drbg);
    static const char pers[] = "tandem-keys";
    return mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy, (const unsigned char *)pers,
                                 sizeof pers - 1)
               ? TDM_E_HOST_KEY
               : 0;
}

static void rng_close(struct rng *r)
{
    mbedtls_ctr_drbg_free(&r->drbg);
    mbedtls_entropy_free(&r->entropy);
}

/* Fill k->pub from k->priv. */
static int derive_pub(struct tdm_key *k)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi d;
    struct rng r;
    size_t olen = 0;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&d);
    int err = rng_open(&r);
    if (err == 0 && (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
                     mbedtls_mpi_read_binary(&d, k->priv, 32) || mbedtls_ecp_check_privkey(&grp, &d) ||
                     mbedtls_ecp_mul(&grp, &q, &d, &grp.G, mbedtls_ctr_drbg_random, &r.drbg) ||
                     mbedtls_ecp_point_write_binary(&grp, &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, k->pub,
                                                    sizeof k->pub) ||
                     olen != sizeof k->pub)) {
        err = TDM_E_HOST_KEY;
    }
    rng_close(&r);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    return err;
}

int tdm_key_generate(struct tdm_key *k)
{
    struct rng r;
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_keypair_init(&kp);
    memset(k, 0, sizeof *k);
    int err = rng_open(&r);
    if (err == 0 && (mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &kp, mbedtls_ctr_drbg_random, &r.drbg) ||
                     mbedtls_mpi_write_binary(&kp.d, k->priv, 32))) {
        err = TDM_E_HOST_KEY;
    }
    rng_close(&r);
    mbedtls_ecp_keypair_free(&kp);
    if (err < 0) {
        return err;
    }
    k->has_priv = 1;
    return derive_pub(k);
}

int tdm_key_from_seed(struct tdm_key *k, uint64_t seed)
{
    memset(k, 0, sizeof *k);
    for (uint32_t ctr = 0; ctr < 16; ctr++) {
        uint8_t in[12];
        for (int i = 0; i < 8; i++) {
            in[i] = (uint8_t)(seed >> (8 * i));
        }
        memcpy(in + 8, &ctr, 4);
        mbedtls_sha256_ret(in, sizeof in, k->priv, 0);
        k->has_priv = 1;
        if (derive_pub(k) == 0) { /* retry in the (negligible) case d >= n */
            return 0;
        }
    }
    return TDM_E_HOST_KEY;
}

static int from_pk(struct tdm_key *k, mbedtls_pk_context *pk, int priv)
{
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY) {
        return TDM_E_HOST_KEY;
    }
    mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*pk);
    size_t olen = 0;
    if (kp->grp.id != MBEDTLS_ECP_DP_SECP256R1 ||
        mbedtls_ecp_point_write_binary(&kp->grp, &kp->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, k->pub,
                                       sizeof k->pub) ||
        olen != sizeof k->pub) {
        return TDM_E_HOST_KEY;
    }
    if (priv) {
        if (mbedtls_mpi_write_binary(&kp->d, k->priv, 32)) {
            return TDM_E_HOST_KEY;
        }
        k->has_priv = 1;
    }
    return 0;
}

int tdm_key_load(struct tdm_key *k, const char *path)
{
    uint8_t *buf;
    size_t len;
    memset(k, 0, sizeof *k);
    int err = tdm_file_read(path, &buf, &len);
    if (err < 0) {
        return err;
    }
    /* mbedTLS wants PEM NUL-terminated, with the NUL counted */
    uint8_t *z = realloc(buf, len + 1);
    if (!z) {
        free(buf);
        return TDM_E_HOST_FILE;
    }
    z[len] = 0;
    size_t zlen = strstr((char *)z, "-----BEGIN") ? len + 1 : len;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    if (mbedtls_pk_parse_key(&pk, z, zlen, NULL, 0) == 0) {
        err = from_pk(k, &pk, 1);
    } else {
        mbedtls_pk_free(&pk);
        mbedtls_pk_init(&pk);
        err = mbedtls_pk_parse_public_key(&pk, z, zlen) == 0 ? from_pk(k, &pk, 0) : TDM_E_HOST_KEY;
    }
    mbedtls_pk_free(&pk);
    free(z);
    return err;
}

/* A pk context holding k (private part only when k has it). */
static int to_pk(const struct tdm_key *k, mbedtls_pk_context *pk)
{
    if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) {
        return TDM_E_HOST_KEY;
    }
    mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*pk);
    if (mbedtls_ecp_group_load(&kp->grp, MBEDTLS_ECP_DP_SECP256R1) ||
        mbedtls_ecp_point_read_binary(&kp->grp, &kp->Q, k->pub, sizeof k->pub) ||
        (k->has_priv && mbedtls_mpi_read_binary(&kp->d, k->priv, 32))) {
        return TDM_E_HOST_KEY;
    }
    return 0;
}

static int write_pem(const struct tdm_key *k, const char *path, int priv)
{
    mbedtls_pk_context pk;
    unsigned char pem[1024];
    mbedtls_pk_init(&pk);
    int err = to_pk(k, &pk);
    if (err == 0) {
        int rc = priv ? mbedtls_pk_write_key_pem(&pk, pem, sizeof pem) : mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof pem);
        err = rc ? TDM_E_HOST_KEY : 0;
    }
    mbedtls_pk_free(&pk);
    if (err < 0) {
        return err;
    }
    if (!priv) {
        return tdm_file_write(path, pem, strlen((char *)pem));
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return TDM_E_HOST_FILE;
    }
    size_t n = strlen((char *)pem);
    err = write(fd, pem, n) == (ssize_t)n ? 0 : TDM_E_HOST_FILE;
    if (close(fd) != 0) {
        err = TDM_E_HOST_FILE;
    }
    memset(pem, 0, sizeof pem);
    return err;
}

int tdm_key_save(const struct tdm_key *k, const char *priv_path, const char *pub_path)
{
    if (!k->has_priv) {
        return TDM_E_HOST_KEY;
    }
    int err = write_pem(k, priv_path, 1);
    if (err < 0) {
        return err;
    }
    return write_pem(k, pub_path, 0);
}

int tdm_key_save_pub(const struct tdm_key *k, const char *pub_path)
{
    return write_pem(k, pub_path, 0);
}

int tdm_key_sign(const struct tdm_key *k, const uint8_t hash[TDM_SHA256_LEN], uint8_t sig[TDM_P256_SIG_LEN])
{
    if (!k->has_priv) {
        return TDM_E_HOST_KEY;
    }
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s;
    struct rng rg;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int err = rng_open(&rg);
    if (err == 0 && (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
                     mbedtls_mpi_read_binary(&d, k->priv, 32) ||
                     mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, TDM_SHA256_LEN, MBEDTLS_MD_SHA256,
                                                mbedtls_ctr_drbg_random, &rg.drbg) ||
                     mbedtls_mpi_write_binary(&r, sig, 32) || mbedtls_mpi_write_binary(&s, sig + 32, 32))) {
        err = TDM_E_HOST_KEY;
    }
    rng_close(&rg);
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return err;
}

/* DER INTEGER of a 32-byte big-endian unsigned value. */
static size_t der_int(uint8_t *out, const uint8_t *v)
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0) {
        skip++;
    }
    size_t n = 32 - skip;
    int lead = (v[skip] & 0x80) != 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + (size_t)lead);
    out[2] = 0;
    memcpy(out + 2 + lead, v + skip, n);
    return 2 + (size_t)lead + n;
}

int tdm_key_sign_der(const struct tdm_key *k, const uint8_t hash[TDM_SHA256_LEN], uint8_t der[72])
{
    uint8_t raw[TDM_P256_SIG_LEN];
    int err = tdm_key_sign(k, hash, raw);
    if (err < 0) {
        return err;
    }
    size_t n = der_int(der + 2, raw);
    n += der_int(der + 2 + n, raw + 32);
    der[0] = 0x30;
    der[1] = (uint8_t)n;
    return (int)(n + 2);
}

void tdm_key_id(const struct tdm_key *k, uint8_t id[TDM_SHA256_LEN])
{
    struct tdm_crypto_ops ops = tdm_host_crypto();
    if (tdm_mcuboot_key_hash(&ops, k->pub, id) < 0) {
        memset(id, 0, TDM_SHA256_LEN);
    }
}
