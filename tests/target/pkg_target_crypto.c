/* Known-answer ECDSA P-256 and the board's software SHA-256 for the package tests on the emulated
 * Cortex-M33: ON THE EMULATED TARGET, ECDSA IS KNOWN-ANSWER FROM mbedTLS ON THE HOST, because no P-256
 * implementation for the M33 is in the tree (see pkg_target_crypto.h). Everything else -- parser,
 * manifest, MCUboot TLVs, digests -- is the real device code.
 * Owns: the table lookup and its counters. Never: answers "valid" for a triple the table does not hold
 * with answer 0 (exact match of all 161 bytes).
 */
#include <string.h>

#include "board.h"
#include "pkg_target_crypto.h"
#include "pkg_vectors.h"
#include "tandem/err.h"

static int kat_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                      const uint8_t sig[TDM_P256_SIG_LEN])
{
    struct pkg_kat_port *k = ctx;
    k->calls++;
    for (unsigned i = 0; i < pkgv_nkat; i++) {
        const struct pkgv_kat *t = &pkgv_kat[i];
        if (memcmp(t->pub, pub, TDM_P256_PUBKEY_LEN) == 0 && memcmp(t->hash, hash, TDM_SHA256_LEN) == 0 &&
            memcmp(t->sig, sig, TDM_P256_SIG_LEN) == 0) {
            k->accepted += t->answer == 0;
            return t->answer;
        }
    }
    k->misses++;
    return TDM_E_PKG_SIG;
}

struct tdm_crypto_ops pkg_kat_crypto(struct pkg_kat_port *k)
{
    struct tdm_crypto_ops ops = tdm_board_crypto();
    ops.ctx = k;
    ops.p256_verify = kat_verify;
    return ops;
}
