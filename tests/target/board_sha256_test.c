/* The board's crypto port (board/common/sha256.c): its software SHA-256, which the net-boot stage and the
 * target tests use, against the FIPS 180-4 examples and against mbedTLS on seeded inputs fed in seeded
 * pieces; its ECDSA (the device verifier) over Wycheproof. Owns: nothing but the checks. */
#include <string.h>

#include "board.h"
#include "harness.h"
#include "tandem/host_crypto.h"
#include "wycheproof.h"

static void digest(const struct tdm_crypto_ops *c, const uint8_t *d, size_t n, size_t piece, uint8_t out[32])
{
    struct tdm_sha256 h;
    TDM_CHECK_OK(c->sha256_start(c->ctx, &h));
    for (size_t off = 0; off < n; off += piece) {
        TDM_CHECK_OK(c->sha256_update(c->ctx, &h, d + off, n - off < piece ? n - off : piece));
    }
    TDM_CHECK_OK(c->sha256_finish(c->ctx, &h, out));
}

static void fips_examples(void)
{
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t empty[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                      0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                      0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    struct tdm_crypto_ops b = tdm_board_crypto();
    uint8_t out[32];
    digest(&b, (const uint8_t *)"abc", 3, 3, out);
    TDM_CHECK(memcmp(out, abc, 32) == 0);
    digest(&b, (const uint8_t *)"", 0, 1, out);
    TDM_CHECK(memcmp(out, empty, 32) == 0);
}

static void same_as_mbedtls_for_any_length_and_pieces(void)
{
    struct tdm_crypto_ops b = tdm_board_crypto(), m = tdm_host_crypto();
    static uint8_t data[3000];
    uint64_t s = tdm_test_seed() * 6364136223846793005ull + 1;
    for (size_t i = 0; i < sizeof data; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        data[i] = (uint8_t)(s >> 56);
    }
    /* every length around the block and padding boundaries, then seeded ones, in seeded pieces */
    for (size_t n = 0; n < sizeof data; n += n < 200 ? 1 : 97) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        size_t piece = 1 + (size_t)(s >> 33) % 130;
        uint8_t want[32], got[32];
        digest(&m, data, n, sizeof data, want);
        digest(&b, data, n, piece, got);
        TDM_CHECK(memcmp(want, got, 32) == 0);
    }
}

static int board_verify(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig)
{
    struct tdm_crypto_ops b = tdm_board_crypto();
    return b.p256_verify(b.ctx, pub, hash, sig);
}

/* The port's p256_verify is wired to the device verifier: every Wycheproof verdict as expected. */
static void ecdsa_through_the_port_passes_wycheproof(void)
{
    unsigned accepted = 0;
    TDM_CHECK(wyc_run_all(board_verify, &accepted) == 0);
    TDM_CHECK(accepted > 0);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"FIPS 180-4 examples", fips_examples},
        {"same digest as mbedTLS for any length and any pieces", same_as_mbedtls_for_any_length_and_pieces},
        {"ECDSA through the port passes Wycheproof", ecdsa_through_the_port_passes_wycheproof},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
