/* The board's crypto port with a count of ECDSA verifications, for the package tests on the emulated
 * Cortex-M33 (tests/target/pkg_target_crypto.h). Owns: the counters. Never: answers a verification
 * itself (tdm_board_crypto()'s p256_verify, i.e. tdm_p256_verify, does).
 */
#include "board.h"
#include "pkg_target_crypto.h"

static int counted_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                          const uint8_t sig[TDM_P256_SIG_LEN])
{
    struct pkg_ecdsa_count *k = ctx;
    struct tdm_crypto_ops board = tdm_board_crypto();
    int answer = board.p256_verify(board.ctx, pub, hash, sig);
    k->calls++;
    k->accepted += answer == 0;
    return answer;
}

struct tdm_crypto_ops pkg_target_crypto(struct pkg_ecdsa_count *k)
{
    struct tdm_crypto_ops ops = tdm_board_crypto();
    ops.ctx = k;
    ops.p256_verify = counted_verify;
    return ops;
}
