/* The fuzz-only crypto port of fuzz_crypto.h. Owns: the marker check. Never: linked outside the fuzz
 * build (the #error below; ctest fuzz_port_contained), a second SHA-256 (the hash is the host port's). */
#include <string.h>

#include "fuzz_crypto.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

#ifndef TDM_FUZZ_BUILD
#error "fuzz/fuzz_crypto.c accepts a fixed signature: it belongs to the fuzz build only (-DTDM_FUZZ_BUILD)"
#endif

_Static_assert(sizeof TDM_FUZZ_SIG_MARKER - 1 == TDM_P256_SIG_LEN, "the marker is one raw r||s signature");

static int fuzz_p256_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                            const uint8_t sig[TDM_P256_SIG_LEN])
{
    (void)ctx;
    (void)pub;
    (void)hash;
    return memcmp(sig, TDM_FUZZ_SIG_MARKER, TDM_P256_SIG_LEN) == 0 ? 0 : TDM_E_PKG_SIG;
}

struct tdm_crypto_ops tdm_fuzz_crypto(void)
{
    struct tdm_crypto_ops ops = tdm_host_crypto();
    ops.p256_verify = fuzz_p256_verify;
    return ops;
}
