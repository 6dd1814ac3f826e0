/* Host implementation of the crypto port (mbedTLS). Host-only: sim, tools, tests and bench use it.
 * Owns: nothing but a table of functions (no state: ctx is unused). */
#ifndef TANDEM_HOST_CRYPTO_H
#define TANDEM_HOST_CRYPTO_H

#include "tandem/crypto_port.h"

/* The crypto port backed by mbedTLS (SHA-256, ECDSA P-256 verify). */
struct tdm_crypto_ops tdm_host_crypto(void);

#endif
