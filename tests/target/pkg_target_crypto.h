/* The crypto port of the package tests on the emulated Cortex-M33 (and of the same program on the host):
 * SHA-256 is the board's software SHA-256 (board/common/sha256.c, the code the net-boot stage ships);
 * ECDSA P-256 verification is KNOWN-ANSWER: it answers from tests/target/pkg_vectors.c's table, which
 * holds mbedTLS's answer (on the host) for every triple (public key, hash, signature) that mbedTLS
 * accepted while the vectors were checked, plus refusals and probes. A triple that is not in the table,
 * byte for byte, answers TDM_E_PKG_SIG, as the real verifier does for a signature that does not verify.
 * This is because no P-256 implementation for the Cortex-M33 is in the tree (Debian ships mbedTLS for the
 * host only; the board's p256_verify is a stub until CryptoCell-312 or a software P-256 is filled in).
 * Everything else the tests run -- parser, manifest, MCUboot TLVs, digests -- is the real device code.
 *
 * Owns: the known-answer lookup and its counters. Never: claims a triple valid that mbedTLS did not
 * accept; used outside tests.
 */
#ifndef TANDEM_TESTS_TARGET_PKG_TARGET_CRYPTO_H
#define TANDEM_TESTS_TARGET_PKG_TARGET_CRYPTO_H

#include "tandem/crypto_port.h"

struct pkg_kat_port {
    unsigned calls;    /* p256_verify calls */
    unsigned accepted; /* answered 0 */
    unsigned misses;   /* triples not in the table (answered TDM_E_PKG_SIG) */
};

/* ops.ctx = k (counters); SHA-256 from the board port, p256_verify from the known-answer table. */
struct tdm_crypto_ops pkg_kat_crypto(struct pkg_kat_port *k);

#endif
