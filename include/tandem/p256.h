/* ECDSA P-256 signature verification for device code (crypto/p256.c), written in this project from SEC 1
 * v2 section 4.1.4, FIPS 186-4 and the curve of SEC 2 / FIPS 186-4 D.1.2.3 (secp256r1, NIST P-256).
 *
 * Owns: the contract of tdm_p256_verify. Never: signing, key generation, heap, globals (only const
 * tables), recursion. Verification handles public data only: it is not constant time.
 *
 * Cost (Cortex-M33, arm-none-eabi-gcc -Os; docs/TARGET.md, bench/run): code p256.text (2 208 B),
 * worst-case stack p256.stack (628 B), instructions per call p256.verify_instr (8.3 M median, 9.6 M at
 * most over Wycheproof's valid vectors). RAM: nothing but that stack.
 */
#ifndef TANDEM_P256_H
#define TANDEM_P256_H

#include <stdint.h>

#include "tandem/crypto_port.h"

/* Verify the signature sig = r || s (two 32-byte big-endian integers) of the 32-byte hash `hash` (the
 * SHA-256 digest of the message: its 256 bits are the integer e, SEC 1 4.1.4 step 5, reduced mod n by the
 * arithmetic) under the public key pub = 0x04 || X || Y (uncompressed, big-endian).
 * Returns 0 when the signature is valid;
 *   TDM_E_CRYPTO when the key is malformed: pub[0] != 0x04, X or Y >= p, or (X, Y) not on the curve
 *                (the point at infinity has no uncompressed encoding, so it is refused as well);
 *   TDM_E_PKG_SIG otherwise: r or s outside [1, n-1], u1*G + u2*Q at infinity, or x(R) mod n != r.
 * The key is checked first: a malformed key gives TDM_E_CRYPTO whatever the signature.
 * Buffers are the caller's, read only, any alignment; they may overlap. */
int tdm_p256_verify(const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                    const uint8_t sig[TDM_P256_SIG_LEN]);

#endif
