/* tdm_host_crypto() for test images on the Cortex-M33: the board's crypto port (board/common/sha256.c,
 * software SHA-256), so the store tests run unchanged on the target. Owns: nothing else. Never: ECDSA
 * (the board port's p256_verify answers TDM_E_CRYPTO; the package tests on the target use the known-answer
 * verifier of tests/target/pkg_target_crypto.c instead). */
#include "board.h"
#include "tandem/host_crypto.h"

struct tdm_crypto_ops tdm_host_crypto(void)
{
    return tdm_board_crypto();
}
