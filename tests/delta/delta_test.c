/* tests/delta: the patch format end to end (pkg/host/delta_*.c encoder, delta/decode.c decoder).
 * Scenarios: every consecutive pair of the firmware corpus round trips bit-exact in seeded chunkings;
 * synthetic pairs (empty, identical, random, inserted, deleted, pointers moved, runs); a corrupt,
 * truncated, trailing or wrong-base patch ends in its named error and never emits past the output length;
 * the decoder reads the base only inside its bounds and passes callback errors up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta_build.h"
#include "harness.h"
#include "tandem/delta.h"

static const char *const versions[] = {"4.0.0", "4.1.0", "4.1.1", "4.1.2", "4.1.4"};

static uint64_t rng_state;
/* Every scenario starts from the run's seed. */
static void seed(void)
{
    rng_state = tdm_test_seed();
}
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static uint8_t *load(const char *v, size_t *len)
{
    const char *fw_dir = tdm_test_option("fw");
    fw_dir = fw_dir ? fw_dir : "tests/data/firmware";
    tdm_test_replay_extra("--fw %.150s", fw_dir);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.bin", fw_dir, v);
    FILE *f = fopen(path, "rb");
    TDM_CHECK_MSG(f != NULL, "cannot open %.120s (build target tdm_firmware_corpus)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    TDM_CHECK(b != NULL && fread(b, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Encode, decode in a seeded chunk size, compare; returns the patch size. */
static size_t round_trip(const uint8_t *base, size_t blen, const uint8_t *nw, size_t nlen, const char *what)
{
    uint8_t *patch = NULL, *out = NULL;
    size_t plen = 0, olen = 0;
    TDM_CHECK_OK(tdm_delta_encode(base, blen, nw, nlen, &patch, &plen));
    size_t chunk = 1 + rnd() % 3000;
    int err = tdm_delta_apply_buf(base, blen, patch, plen, chunk, &out, &olen);
    TDM_CHECK_MSG(err == 0, "%s: apply (chunk %zu): %s", what, chunk, tdm_errname(err));
    TDM_CHECK_MSG(olen == nlen && memcmp(out, nw, nlen) == 0, "%s: output differs", what);
    free(out);
    free(patch);
    return plen;
}

static void corpus_pairs(void)
{
    seed();
    size_t total = 0;
    for (unsigned i = 0; i + 1 < 5; i++) {
        size_t blen, nlen;
        uint8_t *base = load(versions[i], &blen);
        uint8_t *nw = load(versions[i + 1], &nlen);
        char what[64];
        snprintf(what, sizeof what, "%s -> %s", versions[i], versions[i + 1]);
        size_t p = round_trip(base, blen, nw, nlen, what);
        printf("  %s: %zu bytes\n", what, p);
        total += p;
        free(base);
        free(nw);
    }
    printf("  total %zu bytes\n", total);
}

static void fill(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)rnd();
    }
}

static void synthetic_pairs(void)
{
    seed();
    enum { N = 20000 };
    uint8_t *a = malloc(N), *b = malloc(N + 600);
    TDM_CHECK(a && b);
    fill(a, N);
    round_trip(a, 0, a, 0, "empty to empty");
    round_trip(a, 0, a, N, "empty base");
    round_trip(a, N, a, 0, "empty output");
    TDM_CHECK(round_trip(a, N, a, N, "identical") < 64);
    round_trip(a, 1, a, 1, "one byte");
    fill(b, N);
    round_trip(a, N, b, N, "unrelated random");
    /* inserted and deleted runs */
    memcpy(b, a, 5000);
    fill(b + 5000, 500);
    memcpy(b + 5500, a + 5000, N - 5000);
    TDM_CHECK(round_trip(a, N, b, N + 500, "500 bytes inserted") < 700);
    memcpy(b, a, 7000);
    memcpy(b + 7000, a + 9000, N - 9000);
    TDM_CHECK(round_trip(a, N, b, N - 2000, "2000 bytes deleted") < 80);
    /* code whose every 8th byte (a pointer's low byte) moved by 0x40: one long run of small differences */
    fill(a, N);
    memcpy(b, a, N);
    for (size_t i = 0; i < N; i += 8) {
        b[i] = (uint8_t)(b[i] + 0x40);
    }
    TDM_CHECK(round_trip(a, N, b, N, "pointers moved") < 100);
    memset(a, 0xFF, N);
    memset(b, 0xFF, N);
    b[N / 2] = 0;
    round_trip(a, N, b, N, "erased flash with one byte");
    /* random base, output built from pieces of it in a shuffled order */
    fill(a, N);
    for (size_t off = 0; off < N;) {
        size_t len = 1 + rnd() % 900, from = rnd() % N;
        len = len < N - off ? len : N - off;
        len = len < N - from ? len : N - from;
        memcpy(b + off, a + from, len);
        if (rnd() % 4 == 0) {
            b[off] ^= 0x5A;
        }
        off += len;
    }
    TDM_CHECK(round_trip(a, N, b, N, "shuffled pieces") < N / 4);
    free(a);
    free(b);
}

/* Decode with a base that checks every read against its bounds. */
struct io {
    const uint8_t *base;
    uint32_t base_len;
    uint32_t out_len, out_pos, out_max;
    int read_err, write_err;
    uint32_t reads;
};

static int io_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len)
{
    struct io *io = ctx;
    TDM_CHECK_MSG(len > 0 && off < io->base_len && len <= io->base_len - off, "read %u+%u of %u", off, len,
                  io->base_len);
    io->reads++;
    if (io->read_err) {
        return io->read_err;
    }
    memcpy(buf, io->base + off, len);
    return 0;
}

static int io_write(void *ctx, const uint8_t *buf, uint32_t len)
{
    struct io *io = ctx;
    (void)buf;
    TDM_CHECK_MSG(len > 0 && len <= io->out_len - io->out_pos, "write %u at %u of %u", len, io->out_pos,
                  io->out_len);
    io->out_pos += len;
    return io->write_err;
}

static struct tdm_delta dec;

static int decode(const uint8_t *base, uint32_t blen, const uint8_t *patch, size_t plen, struct io *io)
{
    struct tdm_delta_header h;
    io->base = base;
    io->base_len = blen;
    io->out_pos = 0;
    io->out_len = tdm_delta_header_parse(patch, (uint32_t)plen, &h) == 0 ? h.out_len : 0;
    struct tdm_delta_config cfg = {io_read, io, io_write, io, blen, io->out_max};
    TDM_CHECK_OK(tdm_delta_init(&dec, &cfg));
    size_t chunk = 1 + rnd() % 700;
    for (size_t off = 0; off < plen; off += chunk) {
        size_t n = plen - off < chunk ? plen - off : chunk;
        int err = tdm_delta_feed(&dec, patch + off, (uint32_t)n);
        if (err < 0) {
            return err;
        }
    }
    return tdm_delta_finish(&dec);
}

static uint8_t *pair(size_t n, uint8_t **nw, uint8_t **patch, size_t *plen)
{
    uint8_t *a = malloc(n), *b = malloc(n);
    TDM_CHECK(a && b);
    fill(a, n);
    memcpy(b, a, n);
    for (int k = 0; k < 40; k++) {
        b[rnd() % n] = (uint8_t)rnd();
    }
    memcpy(b + n / 2, a + n / 3, n / 8);
    TDM_CHECK_OK(tdm_delta_encode(a, n, b, n, patch, plen));
    *nw = b;
    return a;
}

static void corrupt_patches(void)
{
    seed();
    uint8_t *b, *p;
    size_t plen;
    uint8_t *a = pair(6000, &b, &p, &plen);
    struct io io = {0};
    TDM_CHECK_OK(decode(a, 6000, p, plen, &io));
    TDM_CHECK(io.out_pos == 6000);
    int hits[10] = {0};
    for (size_t i = 0; i < plen; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            p[i] ^= (uint8_t)(1u << bit);
            int err = decode(a, 6000, p, plen, &io);
            p[i] ^= (uint8_t)(1u << bit);
            TDM_CHECK_MSG(err < 0, "flip of bit %d at byte %zu accepted", bit, i);
            TDM_CHECK_MSG(err == TDM_E_DELTA_MAGIC || err == TDM_E_DELTA_VERSION || err == TDM_E_DELTA_CORRUPT ||
                              err == TDM_E_DELTA_OUTPUT || err == TDM_E_DELTA_TRUNCATED ||
                              err == TDM_E_DELTA_TRAILING || err == TDM_E_DELTA_BASE || err == TDM_E_DELTA_TOO_BIG,
                          "flip at %zu: %s", i, tdm_errname(err));
            hits[-err - 150]++;
        }
    }
    printf("  %zu flips: magic %d, version %d, corrupt %d, truncated %d, trailing %d, base %d, output %d\n",
           plen * 3, hits[0], hits[1], hits[2], hits[3], hits[4], hits[5], hits[6]);
    free(a);
    free(b);
    free(p);
}

static void truncated_and_trailing(void)
{
    seed();
    uint8_t *b, *p;
    size_t plen;
    uint8_t *a = pair(3000, &b, &p, &plen);
    struct io io = {0};
    for (size_t n = 0; n < plen; n++) {
        int err = decode(a, 3000, p, n, &io);
        TDM_CHECK_MSG(err == TDM_E_DELTA_TRUNCATED, "cut at %zu of %zu: %s", n, plen, tdm_errname(err));
    }
    uint8_t *longer = malloc(plen + 1);
    memcpy(longer, p, plen);
    longer[plen] = 0;
    TDM_CHECK_ERR(decode(a, 3000, longer, plen + 1, &io), TDM_E_DELTA_TRAILING);
    free(longer);
    free(a);
    free(b);
    free(p);
}

static void wrong_base(void)
{
    seed();
    uint8_t *b, *p;
    size_t plen;
    uint8_t *a = pair(5000, &b, &p, &plen);
    struct io io = {0};
    TDM_CHECK_ERR(decode(a, 4999, p, plen, &io), TDM_E_DELTA_BASE);
    TDM_CHECK(io.reads == 0 && io.out_pos == 0); /* refused at the header: nothing read, nothing written */
    io.out_max = 4999;
    TDM_CHECK_ERR(decode(a, 5000, p, plen, &io), TDM_E_DELTA_TOO_BIG);
    TDM_CHECK(io.reads == 0 && io.out_pos == 0);
    io.out_max = 5000;
    TDM_CHECK_OK(decode(a, 5000, p, plen, &io));
    a[100] ^= 1;
    a[4000] ^= 0x80;
    TDM_CHECK_ERR(decode(a, 5000, p, plen, &io), TDM_E_DELTA_OUTPUT);
    TDM_CHECK_ERR(decode(b, 5000, p, plen, &io), TDM_E_DELTA_OUTPUT); /* the new image as its own base */
    free(a);
    free(b);
    free(p);
}

static void callback_errors(void)
{
    seed();
    uint8_t *b, *p;
    size_t plen;
    uint8_t *a = pair(4000, &b, &p, &plen);
    struct io io = {.read_err = TDM_E_STORE_UNREADABLE};
    TDM_CHECK_ERR(decode(a, 4000, p, plen, &io), TDM_E_STORE_UNREADABLE);
    struct io io2 = {.write_err = TDM_E_POWER};
    TDM_CHECK_ERR(decode(a, 4000, p, plen, &io2), TDM_E_POWER);
    TDM_CHECK(io2.out_pos == TDM_DELTA_OUT_BUF); /* stopped at the first failed write */
    free(a);
    free(b);
    free(p);
}

/* --write-seeds DIR: the fuzz target's seed corpus (fuzz/corpus/delta): small seeded pairs framed as
 * fuzz/fuzz_delta.c reads them (flags, u16 base length, base, patch). */
static int write_seeds(const char *dir)
{
    rng_state = 1;
    for (unsigned k = 0; k < 6; k++) {
        size_t n = 64u << k, plen;
        uint8_t *b, *p;
        uint8_t *a = pair(n, &b, &p, &plen);
        char path[512];
        snprintf(path, sizeof path, "%.400s/seed-%u", dir, k);
        FILE *f = fopen(path, "wb");
        if (f == NULL) {
            return 1;
        }
        uint8_t head[3] = {(uint8_t)(k * 37), (uint8_t)n, (uint8_t)(n >> 8)};
        fwrite(head, 1, 3, f);
        fwrite(a, 1, n, f);
        fwrite(p, 1, plen, f);
        fclose(f);
        free(a);
        free(b);
        free(p);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0) {
        return write_seeds(argv[2]);
    }
    static const struct tdm_scenario s[] = {
        {"corpus pairs round trip", corpus_pairs},
        {"synthetic pairs round trip", synthetic_pairs},
        {"every byte flipped is refused", corrupt_patches},
        {"truncated at every length, trailing byte", truncated_and_trailing},
        {"patch for another base", wrong_base},
        {"callback errors passed up", callback_errors},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
