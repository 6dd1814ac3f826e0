/* Wycheproof's ECDSA P-256 / SHA-256 vectors (tests/data/wycheproof/) as a C table, and the one run over
 * them that the host test, the QEMU image and the bench share.
 *
 * tests/crypto/wycheproof_vectors.c is written by tests/crypto/wycheproof_gen.c (host) from the JSON and
 * committed; the ctest p256_wycheproof_current fails when it is stale. Each vector keeps the signature as
 * DER, exactly as in the JSON: the run decodes it strictly (X.690 DER) on the machine under test, and a
 * decoding failure is a rejection.
 *
 * Owns: the table's shape, the strict DER decoding of a signature, the verdict rule. Never: device code.
 */
#ifndef TANDEM_TESTS_CRYPTO_WYCHEPROOF_H
#define TANDEM_TESTS_CRYPTO_WYCHEPROOF_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/crypto_port.h"

/* Byte strings are kept as hex text, as in the JSON (half the size of a C byte array). */
struct wyc_vector {
    uint16_t tc_id;   /* Wycheproof's tcId */
    uint8_t key;      /* index into wyc_keys */
    uint8_t valid;    /* 1: "valid" (must verify); 0: "invalid" or "acceptable" (must be rejected) */
    const char *der;  /* the signature as in the JSON (DER, possibly malformed; at most WYC_DER_MAX bytes) */
    const char *hash; /* SHA-256 of the message (computed by the generator) */
};
#define WYC_DER_MAX 4352

extern const char *const wyc_keys[];   /* 0x04 || X || Y */
extern const struct wyc_vector wyc_vectors[];
extern const unsigned wyc_nvectors, wyc_nkeys;

/* Strict DER: SEQUENCE { INTEGER r, INTEGER s }, short-form lengths that match exactly, no trailing
 * bytes, each INTEGER non-negative and minimal (a leading 0x00 only before a byte >= 0x80) and below
 * 2^256. Writes raw r || s. Returns 0, or -1 for anything else. */
int wyc_der_sig(const uint8_t *der, size_t len, uint8_t raw[TDM_P256_SIG_LEN]);

/* Hex text into at most cap bytes; returns the length, or -1 (odd length, not hex, too long). */
long wyc_unhex(const char *hex, uint8_t *out, size_t cap);

/* Verdict of `verify` (the port's contract) on vector v: 1 accepted, 0 rejected (DER refused, or any
 * error from verify). */
int wyc_verdict(const struct wyc_vector *v,
                int (*verify)(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig));

/* Run every vector; print each one whose verdict is not the expected one ("wycheproof: tcId N ...").
 * Returns the number of such vectors; *accepted (if not NULL) counts the accepted ones. */
unsigned wyc_run_all(int (*verify)(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig),
                     unsigned *accepted);

#endif
