/* The board's crypto port (include/tandem/crypto_port.h): SHA-256 in software (FIPS 180-4), and ECDSA
 * P-256 verification from the device's own verifier (crypto/p256.c, tdm_p256_verify). Library
 * tdm_port_crypto (with tdm_crypto): scripts/size.sh counts both apart from the bootloader's code
 * (size.boot_text is "without crypto"), the net-boot stage's figure includes them.
 *
 * Owns: the hash computation over the caller's struct tdm_sha256, and wiring the verifier into the port.
 * Never: keeps state outside that struct, allocates, or verifies ECDSA any other way than tdm_p256_verify.
 * RAM: the caller's 128-byte state; stack about 200 B (a 16-word rolling message schedule).
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "tandem/err.h"
#include "tandem/p256.h"

struct sha_state { /* kept in struct tdm_sha256's opaque words (copied in and out: no aliasing) */
    uint32_t h[8];
    uint64_t bytes;
    uint32_t fill;
    uint8_t block[64];
};
_Static_assert(sizeof(struct sha_state) <= sizeof(struct tdm_sha256), "SHA-256 state fits the port's struct");

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t p[64])
{
    uint32_t w[16];
    for (unsigned i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (unsigned t = 0; t < 64; t++) {
        if (t >= 16) { /* rolling schedule: w[t mod 16] becomes W[t] */
            uint32_t x = w[(t + 1) & 15], y = w[(t + 14) & 15];
            w[t & 15] += (ror(x, 7) ^ ror(x, 18) ^ (x >> 3)) + w[(t + 9) & 15] + (ror(y, 17) ^ ror(y, 19) ^ (y >> 10));
        }
        uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t & 15];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

static int sha_start(void *ctx, struct tdm_sha256 *hs)
{
    (void)ctx;
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    struct sha_state s;
    memset(&s, 0, sizeof s);
    memcpy(s.h, iv, sizeof iv);
    memcpy(hs->opaque, &s, sizeof s);
    return 0;
}

static int sha_update(void *ctx, struct tdm_sha256 *hs, const void *data, size_t len)
{
    (void)ctx;
    struct sha_state s;
    const uint8_t *p = data;
    memcpy(&s, hs->opaque, sizeof s);
    s.bytes += len;
    while (len > 0) {
        uint32_t n = 64 - s.fill < len ? 64 - s.fill : (uint32_t)len;
        memcpy(s.block + s.fill, p, n);
        s.fill += n;
        p += n;
        len -= n;
        if (s.fill == 64) {
            compress(s.h, s.block);
            s.fill = 0;
        }
    }
    memcpy(hs->opaque, &s, sizeof s);
    return 0;
}

static int sha_finish(void *ctx, struct tdm_sha256 *hs, uint8_t out[TDM_SHA256_LEN])
{
    (void)ctx;
    struct sha_state s;
    memcpy(&s, hs->opaque, sizeof s);
    uint64_t bits = s.bytes * 8;
    s.block[s.fill++] = 0x80;
    if (s.fill > 56) {
        memset(s.block + s.fill, 0, 64 - s.fill);
        compress(s.h, s.block);
        s.fill = 0;
    }
    memset(s.block + s.fill, 0, 56 - s.fill);
    for (unsigned i = 0; i < 8; i++) {
        s.block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    compress(s.h, s.block);
    for (unsigned i = 0; i < 32; i++) {
        out[i] = (uint8_t)(s.h[i / 4] >> (24 - 8 * (i % 4)));
    }
    memset(hs->opaque, 0, sizeof hs->opaque);
    return 0;
}

static int p256_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                       const uint8_t sig[TDM_P256_SIG_LEN])
{
    (void)ctx;
    return tdm_p256_verify(pub, hash, sig);
}

/* Named constants (not compound literals): with -fdata-sections each gets its own section, so an image
 * that takes only the SHA-256 ops does not keep the ECDSA wrapper through a shared constant pool. */
struct tdm_crypto_ops tdm_board_sha256(void)
{
    static const struct tdm_crypto_ops sha_ops = {.ctx = 0, .sha256_start = sha_start,
                                                  .sha256_update = sha_update, .sha256_finish = sha_finish,
                                                  .p256_verify = 0};
    return sha_ops;
}

struct tdm_crypto_ops tdm_board_crypto(void)
{
    static const struct tdm_crypto_ops all_ops = {.ctx = 0, .sha256_start = sha_start,
                                                  .sha256_update = sha_update, .sha256_finish = sha_finish,
                                                  .p256_verify = p256_verify};
    return all_ops;
}
