/* Host implementation of the crypto port (mbedTLS). Host-only: sim, tools, tests and bench use it.
 * Owns: nothing but a table of functions (no state: ctx is unused). */
#ifndef TANDEM_HOST_CRYPTO_H
#define TANDEM_HOST_CRYPTO_H

#include "tandem/crypto_port.h"

/* The crypto port: SHA-256 from mbedTLS, ECDSA P-256 verify from the device's tdm_p256_verify. */
struct tdm_crypto_ops tdm_host_crypto(void);
/* mbedTLS's ECDSA P-256 verify with the port's contract (0, TDM_E_PKG_SIG, TDM_E_CRYPTO for a malformed
 * key): the reference of the differential tests (tests/crypto, bench, fuzz) only, never behind a port. */
int tdm_host_p256_verify_mbedtls(const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                                 const uint8_t sig[TDM_P256_SIG_LEN]);

#endif
