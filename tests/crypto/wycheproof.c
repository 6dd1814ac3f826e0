/* The Wycheproof run (tests/crypto/wycheproof.h): strict DER decoding of each signature, then the
 * verifier under test. Owns: the DER rules and the verdict. Never: an expected verdict computed here
 * (they come from the JSON through the generated table). */
#include <stdio.h>
#include <string.h>

#include "wycheproof.h"

/* One INTEGER at der[*pos] (< end) into out[32]. */
static int der_integer(const uint8_t *der, size_t *pos, size_t end, uint8_t out[32])
{
    size_t p = *pos;
    if (end - p < 2 || der[p] != 0x02) {
        return -1; /* not an INTEGER (a long-form length byte, >= 0x80, overruns the SEQUENCE below) */
    }
    size_t n = der[p + 1];
    p += 2;
    if (n == 0 || end - p < n || (der[p] & 0x80)) {
        return -1; /* empty, overruns the SEQUENCE, or negative */
    }
    if (n > 1 && der[p] == 0 && !(der[p + 1] & 0x80)) {
        return -1; /* a leading zero that is not needed: not minimal */
    }
    if (der[p] == 0 && n > 1) {
        p++;
        n--;
    }
    if (n > 32) {
        return -1; /* >= 2^256 */
    }
    memset(out, 0, 32);
    memcpy(out + 32 - n, der + p, n);
    *pos = p + n;
    return 0;
}

int wyc_der_sig(const uint8_t *der, size_t len, uint8_t raw[TDM_P256_SIG_LEN])
{
    if (len < 2 || der[0] != 0x30 || der[1] >= 0x80 || (size_t)der[1] + 2 != len) {
        return -1;
    }
    size_t pos = 2;
    if (der_integer(der, &pos, len, raw) < 0 || der_integer(der, &pos, len, raw + 32) < 0) {
        return -1;
    }
    return pos == len ? 0 : -1;
}

long wyc_unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = h[k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        if (n == cap) {
            return -1;
        }
        out[n++] = (uint8_t)v;
    }
    return h[0] ? -1 : (long)n;
}

int wyc_verdict(const struct wyc_vector *v,
                int (*verify)(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig))
{
    static uint8_t der[WYC_DER_MAX];
    uint8_t raw[TDM_P256_SIG_LEN], pub[TDM_P256_PUBKEY_LEN], hash[TDM_SHA256_LEN];
    long n = wyc_unhex(v->der, der, sizeof der);
    if (wyc_unhex(wyc_keys[v->key], pub, sizeof pub) != TDM_P256_PUBKEY_LEN ||
        wyc_unhex(v->hash, hash, sizeof hash) != TDM_SHA256_LEN || n < 0) {
        printf("wycheproof: tcId %u: the table's hex is broken\n", (unsigned)v->tc_id);
        return -1;
    }
    if (wyc_der_sig(der, (size_t)n, raw) < 0) {
        return 0;
    }
    return verify(pub, hash, raw) == 0;
}

unsigned wyc_run_all(int (*verify)(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig),
                     unsigned *accepted)
{
    unsigned failures = 0, ok = 0;
    for (unsigned i = 0; i < wyc_nvectors; i++) {
        const struct wyc_vector *v = &wyc_vectors[i];
        int got = wyc_verdict(v, verify);
        ok += got == 1;
        if (got != v->valid) {
            printf("wycheproof: tcId %u %s, expected %s\n", (unsigned)v->tc_id, got ? "accepted" : "rejected",
                   v->valid ? "valid" : "invalid");
            failures++;
        }
    }
    if (accepted) {
        *accepted = ok;
    }
    return failures;
}
