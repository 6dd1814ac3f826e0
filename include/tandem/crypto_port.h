/* The crypto port: SHA-256 and ECDSA P-256 verification for device code. On the host the
 * implementation is mbedTLS (port/host/); on a board, a hardware engine (CryptoCell) or mbedTLS.
 *
 * Owns: the contract. Never: signing or key generation (host tools only), heap allocation (the hash
 * state lives in a caller-owned tdm_sha256 struct), globals.
 */
#ifndef TANDEM_CRYPTO_PORT_H
#define TANDEM_CRYPTO_PORT_H

#include <stddef.h>
#include <stdint.h>

#define TDM_SHA256_LEN 32
#define TDM_P256_PUBKEY_LEN 65 /* uncompressed point: 0x04 || X || Y */
#define TDM_P256_SIG_LEN 64    /* raw r || s, 32 bytes each, big-endian */

/* Opaque, caller-owned hash state; big enough for mbedTLS's context and hardware engines. RAM: 128 B. */
struct tdm_sha256 {
    uint64_t opaque[16];
};

struct tdm_crypto_ops {
    void *ctx;
    /* Start a new hash in *h. Returns 0 or TDM_E_CRYPTO. */
    int (*sha256_start)(void *ctx, struct tdm_sha256 *h);
    /* Add len bytes (len may be 0). Returns 0 or TDM_E_CRYPTO. */
    int (*sha256_update)(void *ctx, struct tdm_sha256 *h, const void *data, size_t len);
    /* Write the 32-byte digest to out; *h must be started again before reuse. Returns 0 or TDM_E_CRYPTO. */
    int (*sha256_finish)(void *ctx, struct tdm_sha256 *h, uint8_t out[TDM_SHA256_LEN]);
    /* Verify a P-256 signature `sig` (raw r||s) of the 32-byte `hash` with public key `pub` (uncompressed).
     * Returns 0 when valid, TDM_E_PKG_SIG when not, TDM_E_CRYPTO on a backend failure or malformed key. */
    int (*p256_verify)(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                       const uint8_t sig[TDM_P256_SIG_LEN]);
};

#endif
