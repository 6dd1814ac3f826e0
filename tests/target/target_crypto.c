/* tdm_host_crypto() for test images on the Cortex-M33: the board's crypto port (board/common/sha256.c:
 * software SHA-256, ECDSA by crypto/p256.c), so the store tests run unchanged on the target.
 * Owns: nothing else. Never: a crypto implementation of its own. */
#include "board.h"
#include "tandem/host_crypto.h"

struct tdm_crypto_ops tdm_host_crypto(void)
{
    return tdm_board_crypto();
}
