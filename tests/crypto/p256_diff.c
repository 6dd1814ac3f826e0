/* The differential case generator (tests/crypto/p256_diff.h): mbedTLS makes the keys and the valid
 * signatures, this file derives the mutations. Owns: the kinds of case. Never: a verdict of its own. */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ecdsa.h>

#include "p256_diff.h"
#include "tandem/host_crypto.h"
#include "tandem/p256.h"

static const char *const kind_names[P256_DIFF_KINDS] = {
    "valid",          "hash bit flipped", "r bit flipped",    "s bit flipped",      "key bit flipped",
    "s = n - s",      "r = 0",            "r = 1",            "r = n - 1",          "r = n",
    "r = n + 1",      "s = 0",            "s = 1",            "s = n - 1",          "s = n",
    "s = n + 1",      "X >= p",           "Y >= p",           "key off the curve",  "key negated",
    "prefix not 04",  "r and s swapped",  "another key",      "random bytes",
};

const char *p256_diff_kind_name(unsigned kind)
{
    return kind < P256_DIFF_KINDS ? kind_names[kind] : "?";
}

static uint64_t rnd(struct p256_diff *d)
{
    uint64_t z = (d->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int p256_diff_rng(void *ctx, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (unsigned char)(rnd(ctx) >> 56);
    }
    return 0;
}

static void fill(struct p256_diff *d, uint8_t *b, size_t n)
{
    p256_diff_rng(d, b, n);
}

/* out = big-endian 32 bytes of (v + add) where v is a group constant (N or P); add may be negative. */
static int constant_plus(const mbedtls_mpi *v, long add, uint8_t out[32])
{
    mbedtls_mpi t;
    mbedtls_mpi_init(&t);
    int rc = add >= 0 ? mbedtls_mpi_add_int(&t, v, add) : mbedtls_mpi_sub_int(&t, v, -add);
    if (rc == 0) {
        rc = mbedtls_mpi_write_binary(&t, out, 32);
    }
    mbedtls_mpi_free(&t);
    return rc;
}

/* out = x + (y mod (2^256 - x)), for x = p: a coordinate >= p that still fits 32 bytes. */
static int at_least_p(const mbedtls_mpi *p, const uint8_t y[32], uint8_t out[32])
{
    mbedtls_mpi t, room, top;
    mbedtls_mpi_init(&t);
    mbedtls_mpi_init(&room);
    mbedtls_mpi_init(&top);
    int rc = mbedtls_mpi_lset(&top, 1);
    rc = rc ? rc : mbedtls_mpi_shift_l(&top, 256);
    rc = rc ? rc : mbedtls_mpi_sub_mpi(&room, &top, p);
    rc = rc ? rc : mbedtls_mpi_read_binary(&t, y, 32);
    rc = rc ? rc : mbedtls_mpi_mod_mpi(&t, &t, &room);
    rc = rc ? rc : mbedtls_mpi_add_mpi(&t, &t, p);
    rc = rc ? rc : mbedtls_mpi_write_binary(&t, out, 32);
    mbedtls_mpi_free(&t);
    mbedtls_mpi_free(&room);
    mbedtls_mpi_free(&top);
    return rc;
}

/* field = c - field (32 big-endian bytes), for c = n or p and field < c. */
static int constant_minus(const mbedtls_mpi *c, uint8_t field[32])
{
    mbedtls_mpi v;
    mbedtls_mpi_init(&v);
    int rc = mbedtls_mpi_read_binary(&v, field, 32);
    rc = rc ? rc : mbedtls_mpi_sub_mpi(&v, c, &v);
    rc = rc ? rc : mbedtls_mpi_write_binary(&v, field, 32);
    mbedtls_mpi_free(&v);
    return rc ? -1 : 0;
}

static int new_key(struct p256_diff *d)
{
    static const long special[4] = {1, 2, -1, -2}; /* d = k or n + k */
    memcpy(d->other_pub, d->pub, sizeof d->pub);
    int rc;
    if (rnd(d) % 16 == 0) {
        long k = special[rnd(d) % 4];
        rc = k > 0 ? mbedtls_mpi_lset(&d->d, k) : mbedtls_mpi_sub_int(&d->d, &d->grp.N, -k);
        rc = rc ? rc : mbedtls_ecp_mul(&d->grp, &d->q, &d->d, &d->grp.G, p256_diff_rng, d);
    } else {
        rc = mbedtls_ecp_gen_keypair(&d->grp, &d->d, &d->q, p256_diff_rng, d);
    }
    size_t len = 0;
    rc = rc ? rc
            : mbedtls_ecp_point_write_binary(&d->grp, &d->q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, d->pub, sizeof d->pub);
    return rc || len != sizeof d->pub ? -1 : 0;
}

static int new_signature(struct p256_diff *d)
{
    if ((d->next / P256_DIFF_KINDS) % 8 == 0 && new_key(d) < 0) {
        return -1;
    }
    fill(d, d->hash, sizeof d->hash);
    if (rnd(d) % 8 == 0) { /* n - 1, n, n + 1, 0 or all ones */
        unsigned k = (unsigned)(rnd(d) % 5);
        if (k >= 3) {
            memset(d->hash, k == 4 ? 0xff : 0, sizeof d->hash);
        } else if (constant_plus(&d->grp.N, (long)k - 1, d->hash)) {
            return -1;
        }
    }
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int rc = mbedtls_ecdsa_sign(&d->grp, &r, &s, &d->d, d->hash, sizeof d->hash, p256_diff_rng, d);
    rc = rc ? rc : mbedtls_mpi_write_binary(&r, d->sig, 32);
    rc = rc ? rc : mbedtls_mpi_write_binary(&s, d->sig + 32, 32);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return rc ? -1 : 0;
}

int p256_diff_init(struct p256_diff *d, uint64_t seed)
{
    memset(d, 0, sizeof *d);
    d->rng = seed;
    mbedtls_ecp_group_init(&d->grp);
    mbedtls_mpi_init(&d->d);
    mbedtls_ecp_point_init(&d->q);
    if (mbedtls_ecp_group_load(&d->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 || new_key(d) < 0) {
        p256_diff_free(d);
        return -1;
    }
    memcpy(d->other_pub, d->pub, sizeof d->pub);
    return 0;
}

void p256_diff_free(struct p256_diff *d)
{
    mbedtls_ecp_point_free(&d->q);
    mbedtls_mpi_free(&d->d);
    mbedtls_ecp_group_free(&d->grp);
}

static void flip_bit(struct p256_diff *d, uint8_t *b, size_t n)
{
    uint64_t r = rnd(d);
    b[(r >> 8) % n] ^= (uint8_t)(1u << (r & 7));
}

/* Apply mutation `kind` to the case (a copy of the valid triple). */
static int mutate(struct p256_diff *d, struct p256_case *c)
{
    static const long near[5] = {0, 1, -1, 0, 1}; /* 0, 1, n - 1, n, n + 1 */
    unsigned k = c->kind;
    uint8_t *coord;
    switch (k) {
    case 0:
        return 0;
    case 1:
        flip_bit(d, c->hash, sizeof c->hash);
        return 0;
    case 2:
    case 3:
        flip_bit(d, c->sig + 32 * (k - 2), 32);
        return 0;
    case 4:
        flip_bit(d, c->pub + 1, 64);
        return 0;
    case 5: /* n - s: also a valid signature (ECDSA is malleable) */
        return constant_minus(&d->grp.N, c->sig + 32);
    case 16:
    case 17:
        coord = c->pub + 1 + 32 * (k - 16);
        return at_least_p(&d->grp.P, coord, coord) ? -1 : 0;
    case 18: /* Y + 1 (mod 2^256): off the curve */
        for (int i = 64; i >= 33 && ++c->pub[i] == 0; i--) {
        }
        return 0;
    case 19: /* (X, p - Y) = -Q: on the curve, the signature is not its */
        return constant_minus(&d->grp.P, c->pub + 33);
    case 20:
        c->pub[0] = (uint8_t)(rnd(d) % 4); /* 00, 01, 02 or 03: never 04 */
        return 0;
    case 21: {
        uint8_t t[32];
        memcpy(t, c->sig, 32);
        memcpy(c->sig, c->sig + 32, 32);
        memcpy(c->sig + 32, t, 32);
        return 0;
    }
    case 22:
        memcpy(c->pub, d->other_pub, sizeof c->pub);
        return 0;
    case 23:
        fill(d, c->pub + 1, 64);
        fill(d, c->sig, 64);
        return 0;
    default: /* 6..15: r or s set to 0, 1, n - 1, n, n + 1 */
        k -= 6;
        uint8_t *field = c->sig + (k >= 5 ? 32 : 0);
        k %= 5;
        if (k == 0 || k == 1) {
            memset(field, 0, 32);
            field[31] = (uint8_t)k;
            return 0;
        }
        return constant_plus(&d->grp.N, near[k], field) ? -1 : 0;
    }
}

int p256_diff_next(struct p256_diff *d, struct p256_case *c)
{
    c->kind = (unsigned)(d->next % P256_DIFF_KINDS);
    if (c->kind == 0 && new_signature(d) < 0) {
        return -1;
    }
    d->next++;
    memcpy(c->pub, d->pub, sizeof c->pub);
    memcpy(c->hash, d->hash, sizeof c->hash);
    memcpy(c->sig, d->sig, sizeof c->sig);
    return mutate(d, c);
}

int p256_diff_compare(const struct p256_case *c, int *ours, int *theirs)
{
    *ours = tdm_p256_verify(c->pub, c->hash, c->sig);
    *theirs = tdm_host_p256_verify_mbedtls(c->pub, c->hash, c->sig);
    return *ours != *theirs;
}

static void hex(const char *name, const uint8_t *b, size_t n)
{
    printf("  %s ", name);
    for (size_t i = 0; i < n; i++) {
        printf("%02x", b[i]);
    }
    printf("\n");
}

void p256_diff_print(const struct p256_case *c)
{
    printf("  kind: %s\n", p256_diff_kind_name(c->kind));
    hex("pub ", c->pub, sizeof c->pub);
    hex("hash", c->hash, sizeof c->hash);
    hex("sig ", c->sig, sizeof c->sig);
}
