/* The crypto port of the fuzz build, and of nothing else: the host port's SHA-256 (mbedTLS) with a
 * signature check that accepts one fixed 64-byte marker (TDM_FUZZ_SIG_MARKER) and refuses every other
 * signature, whatever the key and the hash. A mutated manifest or image keeps its "signature", so the
 * fuzzer gets past the check into what follows it instead of spending ~3 ms per input in a P-256
 * verification it can never pass. It proves nothing about signatures: tests/pkg and tests/target do.
 *
 * Owns: that port. Never: a device, host-tool, test or bench build. fuzz_crypto.c refuses to compile
 * without TDM_FUZZ_BUILD, which only fuzz/run.sh and tests/fuzz/CMakeLists.txt define; the ctest
 * fuzz_port_contained fails if the symbol tdm_fuzz_crypto appears in any other binary or library.
 * The seeds of fuzz/corpus/{pkg,mcuboot} carry the marker (fuzz/make_seeds.c writes them). */
#ifndef TANDEM_FUZZ_CRYPTO_H
#define TANDEM_FUZZ_CRYPTO_H

#include "tandem/crypto_port.h"

/* r || s, 32 bytes each; ASCII, so both have the top bit clear and DER-encode to exactly 70 bytes. */
#define TDM_FUZZ_SIG_MARKER "TDM-FUZZ-ONLY-SIGNATURE-MARKER-RTDM-FUZZ-ONLY-SIGNATURE-MARKER-S"

/* The fuzz build's crypto port (ctx unused). */
struct tdm_crypto_ops tdm_fuzz_crypto(void);

#endif
