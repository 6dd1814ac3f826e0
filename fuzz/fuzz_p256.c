/* libFuzzer target: the device's ECDSA P-256 verifier (crypto/p256.c) against mbedTLS on arbitrary
 * inputs. The input is pub (65) || hash (32) || sig (64) = 161 bytes (shorter inputs are zero-padded,
 * longer ones cut); byte 0 of pub is kept as given, so malformed prefixes are fuzzed too. Crashes
 * (abort) when the two return different codes. Seeds (fuzz/corpus/p256/): valid Wycheproof triples and
 * ones with an edge key or signature, so mutations start from inputs that reach the whole verification.
 * Owns: the target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/p256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[TDM_P256_PUBKEY_LEN + TDM_SHA256_LEN + TDM_P256_SIG_LEN] = {0};
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    const uint8_t *pub = in, *hash = in + TDM_P256_PUBKEY_LEN, *sig = hash + TDM_SHA256_LEN;
    int ours = tdm_p256_verify(pub, hash, sig);
    int theirs = tdm_host_p256_verify_mbedtls(pub, hash, sig);
    if (ours != theirs) {
        fprintf(stderr, "fuzz_p256: tdm_p256_verify %s, mbedTLS %s\n", tdm_errname(ours), tdm_errname(theirs));
        abort();
    }
    return 0;
}
