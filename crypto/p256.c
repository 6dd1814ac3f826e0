/* ECDSA P-256 verification (include/tandem/p256.h), written here from the mathematics: SEC 1 v2 4.1.4
 * (verification), FIPS 186-4 D.1.2.3 and SEC 2 2.4.2 (the curve y^2 = x^3 - 3x + b over GF(p), the base
 * point G of prime order n), Montgomery multiplication (Montgomery 1985, the "CIOS" word-serial form),
 * Jacobian coordinates with the a = -3 doubling, and Shamir's trick for u1*G + u2*Q.
 *
 * Numbers are 8 little-endian 32-bit words. One Montgomery multiplication serves both moduli (p for the
 * coordinates, n for the scalars), with R = 2^256; every field element is kept fully reduced (< modulus),
 * so equality and zero tests are plain word compares. The two inverses (s mod n, and Z of G + Q mod p)
 * use the binary extended Euclid algorithm on plain numbers (Knuth TAOCP 4.5.2; HAC 14.61).
 *
 * Owns: the arithmetic and the verification steps. Never: heap, globals other than const tables,
 * recursion, secrets (verification sees public data only, so it is not constant time), stdio.
 * Stack: a fixed frame per function, at most four deep (verify, point add, multiply, add/sub).
 */
#include <string.h>

#include "tandem/err.h"
#include "tandem/p256.h"

#define WORDS 8

struct modulus {
    uint32_t m[WORDS];
    uint32_t inv;       /* -m^-1 mod 2^32 */
    uint32_t r2[WORDS]; /* 2^512 mod m: a Montgomery product with it puts x into Montgomery form */
};

/* p = 2^256 - 2^224 + 2^192 + 2^96 - 1 and the group order n (FIPS 186-4 D.1.2.3), least word first. */
static const struct modulus P = {{0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1, 0xffffffff},
                                  1,
                                  {3, 0, 0xffffffff, 0xfffffffb, 0xfffffffe, 0xffffffff, 0xfffffffd, 4}};
static const struct modulus N = {
    {0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff, 0xffffffff, 0, 0xffffffff},
    0xee00bc4f,
    {0xbe79eea2, 0x83244c95, 0x49bd6fa6, 0x4699799c, 0x2b6bec59, 0x2845b239, 0xf3d95620, 0x66e12d94}};

/* b and G = (Gx, Gy) of FIPS 186-4 D.1.2.3 in Montgomery form (times 2^256 mod p), least word first,
 * computed once with Python's integers: b * 2**256 % p (and r2 above: 2**512 % m). (A wrong word here fails every valid vector of
 * the Wycheproof test, and the on-curve check of every key.) */
static const uint32_t B_MONT[WORDS] = {0x29c4bddf, 0xd89cdf62, 0x78843090, 0xacf005cd,
                                       0xf7212ed6, 0xe5a220ab, 0x04874834, 0xdc30061d};
static const uint32_t G_MONT[2][WORDS] = {
    {0x18a9143c, 0x79e730d4, 0x5fedb601, 0x75ba95fc, 0x77622510, 0x79fb732b, 0xa53755c6, 0x18905f76},
    {0xce95560a, 0xddf25357, 0xba19e45c, 0x8b4ab8e4, 0xdd21f325, 0xd2e88688, 0x25885d85, 0x8571ff18}};

/* r = a + b (sub = 0) or a - b (sub = 1, as a + ~b + 1) mod 2^256. Returns the carry out: for a
 * subtraction 1 when a >= b, 0 when it borrowed. r may alias a or b. */
static uint32_t add_sub(uint32_t r[WORDS], const uint32_t a[WORDS], const uint32_t b[WORDS], uint32_t sub)
{
    uint64_t c = sub;
    uint32_t flip = 0u - sub;
    for (int i = 0; i < WORDS; i++) {
        c += (uint64_t)a[i] + (b[i] ^ flip);
        r[i] = (uint32_t)c;
        c >>= 32;
    }
    return (uint32_t)c;
}

/* r = (hi * 2^256 + r) mod m for a value below 2m. */
static inline void reduce_once(uint32_t r[WORDS], uint32_t hi, const struct modulus *m)
{
    if (!(add_sub(r, r, m->m, 1) | hi)) {
        add_sub(r, r, m->m, 0); /* it was below m: undo */
    }
}

/* r = a + b mod m, a and b < m. */
static void mod_add(uint32_t r[WORDS], const uint32_t a[WORDS], const uint32_t b[WORDS], const struct modulus *m)
{
    reduce_once(r, add_sub(r, a, b, 0), m);
}

/* r = a - b mod m, a and b < m. */
static void mod_sub(uint32_t r[WORDS], const uint32_t a[WORDS], const uint32_t b[WORDS], const struct modulus *m)
{
    if (!add_sub(r, a, b, 1)) {
        add_sub(r, r, m->m, 0);
    }
}

/* r = a * b / 2^256 mod m (Montgomery), for a < 2^256 and b < m; r < m. r may alias a or b.
 * t holds the running sum shifted by one word: word k of the sum lives in t[k + 1]. */
static void mont_mul(uint32_t r[WORDS], const uint32_t a[WORDS], const uint32_t b[WORDS], const struct modulus *m)
{
    uint32_t t[WORDS + 2] = {0};
    for (int i = 0; i < WORDS; i++) {
        uint32_t bi = b[i];
        uint32_t q = (t[1] + a[0] * bi) * m->inv; /* makes the lowest word of sum + q*m zero */
        uint32_t c1 = 0, c2 = 0;
        for (int j = 0; j < WORDS; j++) {
            uint64_t x = (uint64_t)a[j] * bi + t[j + 1] + c1; /* < 2^64 */
            uint64_t y = (uint64_t)q * m->m[j] + (uint32_t)x + c2;
            c1 = (uint32_t)(x >> 32);
            c2 = (uint32_t)(y >> 32);
            t[j] = (uint32_t)y; /* word j of the sum, word j - 1 after the division by 2^32 */
        }
        uint64_t top = (uint64_t)c1 + c2 + t[WORDS + 1];
        t[WORDS] = (uint32_t)top;
        t[WORDS + 1] = (uint32_t)(top >> 32);
    }
    memcpy(r, t + 1, sizeof(uint32_t) * WORDS);
    reduce_once(r, t[WORDS + 1], m);
}

static int is_zero(const uint32_t x[WORDS])
{
    uint32_t acc = 0;
    for (int i = 0; i < WORDS; i++) {
        acc |= x[i];
    }
    return acc == 0;
}

/* a = a / 2 mod m, a < m (odd m: an odd a becomes a + m first). For an even a, a plain shift. */
static void halve(uint32_t a[WORDS], const struct modulus *m)
{
    uint32_t top = (a[0] & 1u) ? add_sub(a, a, m->m, 0) : 0;
    for (int i = 0; i < WORDS; i++) {
        uint32_t next = i + 1 < WORDS ? a[i + 1] : top;
        a[i] = (a[i] >> 1) | (next << 31);
    }
}

/* r = x^-1 mod m for 0 < x < m, m an odd prime; plain numbers (binary extended Euclid). Invariants:
 * a x = u and b x = v (mod m); u and v shrink to gcd = 1 (in v) while u reaches 0, so then b = x^-1.
 * Bounded: each halving takes a bit off u (the bit lengths of u and v sum to at most 512, a subtraction
 * never adds one), and every pass but the first halves at least once: at most 512 halvings, 513 passes. */
static void mod_inv(uint32_t r[WORDS], const uint32_t x[WORDS], const struct modulus *m)
{
    uint32_t buf[4][WORDS] = {{0}}, d[WORDS];
    uint32_t *u = buf[0], *v = buf[1], *a = buf[2], *b = buf[3];
    memcpy(u, x, sizeof buf[0]);
    memcpy(v, m->m, sizeof buf[0]);
    a[0] = 1;
    while (!is_zero(u)) {
        while (!(u[0] & 1u)) {
            halve(u, m);
            halve(a, m);
        }
        if (!add_sub(d, u, v, 1)) { /* u < v: swap the roles, u stays the larger */
            uint32_t *t = u;
            u = v;
            v = t;
            t = a;
            a = b;
            b = t;
        }
        add_sub(u, u, v, 1); /* both odd: u - v is even */
        mod_sub(a, a, b, m);
    }
    memcpy(r, b, sizeof buf[0]);
}

/* x = x * 2^256 mod m (into Montgomery form), x < 2^256. */
static void to_mont(uint32_t x[WORDS], const struct modulus *m)
{
    mont_mul(x, x, m->r2, m);
}

/* 1 <= x < m (x is scratch-safe: only compared). */
static int in_range(const uint32_t x[WORDS], const struct modulus *m)
{
    uint32_t d[WORDS];
    return !add_sub(d, x, m->m, 1) && !is_zero(x);
}

/* 32 big-endian bytes into words. */
static void load(uint32_t x[WORDS], const uint8_t *b)
{
    for (int i = 0; i < WORDS; i++) {
        const uint8_t *q = b + 28 - 4 * i;
        x[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    }
}

/* Jacobian point (X, Y, Z) = affine (X/Z^2, Y/Z^3), Montgomery form mod p; Z = 0 is the point at infinity. */
enum { X, Y, Z };

/* p = 2p (dbl-2001-b for a = -3: 3 products, 5 squares). Infinity stays infinity (Z3 = 2*Y*Z). */
static void point_double(uint32_t p[3][WORDS])
{
    uint32_t t[WORDS], alpha[WORDS], beta[WORDS];
    mont_mul(t, p[Z], p[Z], &P);      /* delta = Z^2 */
    mod_sub(alpha, p[X], t, &P);
    mod_add(t, p[X], t, &P);
    mont_mul(alpha, alpha, t, &P);
    mod_add(t, alpha, alpha, &P);
    mod_add(alpha, alpha, t, &P);     /* alpha = 3 (X - delta)(X + delta) */
    mont_mul(t, p[Y], p[Y], &P);      /* gamma = Y^2 */
    mont_mul(beta, p[X], t, &P);      /* beta = X gamma */
    mont_mul(p[Z], p[Y], p[Z], &P);
    mod_add(p[Z], p[Z], p[Z], &P);    /* Z3 = 2 Y Z */
    mod_add(beta, beta, beta, &P);
    mod_add(beta, beta, beta, &P);    /* 4 beta */
    mont_mul(p[X], alpha, alpha, &P);
    mod_sub(p[X], p[X], beta, &P);
    mod_sub(p[X], p[X], beta, &P);    /* X3 = alpha^2 - 8 beta */
    mod_sub(beta, beta, p[X], &P);
    mont_mul(p[Y], alpha, beta, &P);
    mont_mul(t, t, t, &P);
    mod_add(t, t, t, &P);
    mod_add(t, t, t, &P);
    mod_add(t, t, t, &P);
    mod_sub(p[Y], p[Y], t, &P);       /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/* p = p + q, q affine (x, y) in Montgomery form (mixed addition: 8 products, 3 squares); p == -q gives
 * infinity. Returns 1, p unchanged, when p == q: the caller doubles p instead (not from here, so that
 * the two frames never nest on the stack). */
static int point_add(uint32_t p[3][WORDS], const uint32_t q[2][WORDS])
{
    uint32_t t[WORDS], h[WORDS], r[WORDS];
    if (is_zero(p[Z])) {
        memcpy(p, q, sizeof(uint32_t) * 2 * WORDS);
        memset(p[Z], 0, sizeof p[Z]);
        add_sub(p[Z], p[Z], P.m, 1); /* 2^256 - p: 1 in Montgomery form */
        return 0;
    }
    mont_mul(t, p[Z], p[Z], &P);
    mont_mul(h, q[X], t, &P);    /* U2 = x Z^2 */
    mont_mul(t, t, p[Z], &P);
    mont_mul(r, q[Y], t, &P);    /* S2 = y Z^3 */
    mod_sub(h, h, p[X], &P);     /* H = U2 - X */
    mod_sub(r, r, p[Y], &P);     /* r = S2 - Y */
    if (is_zero(h)) {
        if (is_zero(r)) {
            return 1;
        }
        memset(p[Z], 0, sizeof p[Z]);
        return 0;
    }
    mont_mul(p[Z], p[Z], h, &P); /* Z3 = Z H */
    mont_mul(t, h, h, &P);       /* H^2 */
    mont_mul(h, t, h, &P);       /* H^3 */
    mont_mul(t, p[X], t, &P);    /* V = X H^2 */
    mont_mul(p[X], r, r, &P);
    mod_sub(p[X], p[X], h, &P);
    mod_sub(p[X], p[X], t, &P);
    mod_sub(p[X], p[X], t, &P);  /* X3 = r^2 - H^3 - 2V */
    mod_sub(t, t, p[X], &P);
    mont_mul(t, t, r, &P);
    mont_mul(h, h, p[Y], &P);
    mod_sub(p[Y], t, h, &P);     /* Y3 = r (V - X3) - Y H^3 */
    return 0;
}

/* x = x / 2^256 mod m (out of Montgomery form). */
static void from_mont(uint32_t x[WORDS], const struct modulus *m)
{
    uint32_t one[WORDS] = {1};
    mont_mul(x, x, one, m);
}

/* Decode 0x04 || X || Y into Montgomery form and check it is on the curve. */
static int decode_key(uint32_t q[2][WORDS], const uint8_t pub[TDM_P256_PUBKEY_LEN])
{
    uint32_t t[WORDS], u[WORDS];
    load(q[X], pub + 1);
    load(q[Y], pub + 33);
    if (pub[0] != 0x04 || add_sub(t, q[X], P.m, 1) || add_sub(t, q[Y], P.m, 1)) {
        return TDM_E_CRYPTO; /* not uncompressed, or a coordinate >= p */
    }
    to_mont(q[X], &P);
    to_mont(q[Y], &P);
    mont_mul(t, q[X], q[X], &P);
    mont_mul(t, t, q[X], &P);
    mod_sub(t, t, q[X], &P);
    mod_sub(t, t, q[X], &P);
    mod_sub(t, t, q[X], &P);
    mod_add(t, t, B_MONT, &P); /* x^3 - 3x + b */
    mont_mul(u, q[Y], q[Y], &P);
    return memcmp(t, u, sizeof t) == 0 ? 0 : TDM_E_CRYPTO;
}

int tdm_p256_verify(const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                    const uint8_t sig[TDM_P256_SIG_LEN])
{
    uint32_t r[WORDS], u1[WORDS], u2[WORDS];
    uint32_t q[2][WORDS], gq[2][WORDS], acc[3][WORDS];
    load(r, sig);
    load(u2, sig + 32); /* s */
    int err = decode_key(q, pub);
    if (err < 0) {
        return err;
    }
    if (!in_range(r, &N) || !in_range(u2, &N)) {
        return TDM_E_PKG_SIG;
    }
    /* w = s^-1 mod n, into Montgomery form, so that the products u1 = e w and u2 = r w come out plain.
     * e is the whole 256-bit hash (bit length of n: no truncation); e >= n is fine, the product reduces it. */
    mod_inv(u2, u2, &N);
    to_mont(u2, &N);
    load(u1, hash);
    mont_mul(u1, u1, u2, &N);
    mont_mul(u2, r, u2, &N);

    /* G + Q, in affine form unless it is the point at infinity (Q = -G). */
    memset(acc, 0, sizeof acc);
    point_add(acc, G_MONT); /* from infinity: acc = G */
    if (point_add(acc, (const uint32_t(*)[WORDS])q)) {
        point_double(acc);
    }
    int gq_infinite = is_zero(acc[Z]);
    if (!gq_infinite) {
        memcpy(gq[X], acc[Z], sizeof gq[X]);
        from_mont(gq[X], &P);
        mod_inv(gq[X], gq[X], &P);
        to_mont(gq[X], &P); /* Z^-1 */
        mont_mul(gq[Y], gq[X], gq[X], &P); /* Z^-2 */
        mont_mul(gq[X], gq[Y], gq[X], &P); /* Z^-3 */
        mont_mul(gq[Y], acc[Y], gq[X], &P);
        mont_mul(gq[X], gq[X], acc[Z], &P); /* Z^-2 again */
        mont_mul(gq[X], acc[X], gq[X], &P);
    }

    /* Shamir: one pass over the bits of u1 and u2, adding G, Q or G + Q. */
    const uint32_t(*table[3])[WORDS] = {G_MONT, (const uint32_t(*)[WORDS])q, (const uint32_t(*)[WORDS])gq};
    memset(acc, 0, sizeof acc);
    for (int i = 255; i >= 0; i--) {
        point_double(acc);
        unsigned k = ((u1[i >> 5] >> (i & 31)) & 1u) | ((u2[i >> 5] >> (i & 31)) & 1u) << 1;
        if (k != 0 && !(k == 3 && gq_infinite)) {
            if (point_add(acc, table[k - 1])) {
                point_double(acc);
            }
        }
    }
    if (is_zero(acc[Z])) {
        return TDM_E_PKG_SIG;
    }
    /* x(R) = X / Z^2 mod p; accept when it is r or r + n (both < p): compare X with r Z^2, no inversion. */
    mont_mul(acc[Z], acc[Z], acc[Z], &P);
    from_mont(acc[X], &P); /* plain X */
    for (int pass = 0; pass < 2; pass++) {
        mont_mul(u1, acc[Z], r, &P); /* plain r Z^2 */
        if (memcmp(u1, acc[X], sizeof u1) == 0) {
            return 0;
        }
        if (add_sub(r, r, N.m, 0) || add_sub(u1, r, P.m, 1)) {
            break; /* r + n >= p: not an x coordinate */
        }
    }
    return TDM_E_PKG_SIG;
}
