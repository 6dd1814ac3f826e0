/* The crypto port of the package tests on the emulated Cortex-M33 (and of the same program on the host):
 * the board's port (board/common/sha256.c: software SHA-256, and ECDSA P-256 by the device's verifier,
 * crypto/p256.c), the code the device ships, with a count of the ECDSA verifications asked.
 *
 * Owns: the counters. Never: an answer of its own (every verification is the real one); used outside tests.
 */
#ifndef TANDEM_TESTS_TARGET_PKG_TARGET_CRYPTO_H
#define TANDEM_TESTS_TARGET_PKG_TARGET_CRYPTO_H

#include "tandem/crypto_port.h"

struct pkg_ecdsa_count {
    unsigned calls;    /* p256_verify calls */
    unsigned accepted; /* answered 0 */
};

/* ops.ctx = k (counters); SHA-256 and p256_verify from the board port. */
struct tdm_crypto_ops pkg_target_crypto(struct pkg_ecdsa_count *k);

#endif
