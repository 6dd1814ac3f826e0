/* tests/delta: delta packages (pkg/host/delta_pkg.c writer, delta/package.c reader) built from the
 * firmware corpus packed as tandem sets. Scenarios: every consecutive pair rebuilds the full package
 * bit-exact (seeded chunkings) and the delta is smaller than the full package; the rebuilt package passes
 * the device parser; a delta for another base is refused at its header with nothing read or written; an
 * unrelated component travels whole; truncated and corrupt deltas end in named errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_set.h"
#include "delta_build.h"
#include "harness.h"
#include "tandem/delta.h"
#include "tandem/host_crypto.h"

static const char *fw(void)
{
    const char *d = tdm_test_option("fw");
    d = d ? d : "tests/data/firmware";
    tdm_test_replay_extra("--fw %.150s", d);
    return d;
}

static uint64_t rng;
static uint32_t rnd(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33);
}

static void verify_full(const uint8_t *pkg, size_t len)
{
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_key key;
    TDM_CHECK_OK(tdm_key_from_seed(&key, 0x64656c7461u));
    struct tdm_pkg_config cfg;
    static struct tdm_pkg_parser p;
    tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key.pub, 1);
    TDM_CHECK_OK(tdm_pkg_verify_buf(&cfg, pkg, len, &p));
}

static void corpus_sets(void)
{
    rng = tdm_test_seed();
    uint8_t *prev = NULL;
    size_t prev_len = 0, sum_delta = 0, sum_full = 0;
    for (unsigned i = 0; i < TDM_CORPUS_COUNT; i++) {
        uint8_t *full, *d, *out;
        size_t flen, dlen, olen;
        TDM_CHECK_OK(tdm_corpus_pack(fw(), i, &full, &flen));
        if (prev != NULL) {
            struct tdm_delta_pkg_info info;
            TDM_CHECK_OK(tdm_delta_pkg_build(prev, prev_len, full, flen, &d, &dlen, &info));
            size_t chunk = 1 + rnd() % 4096;
            int err = tdm_delta_pkg_apply(prev, prev_len, d, dlen, chunk, &out, &olen);
            TDM_CHECK_MSG(err == 0, "%s: %s (chunk %zu)", tdm_corpus_versions[i], tdm_errname(err), chunk);
            TDM_CHECK(olen == flen && memcmp(out, full, flen) == 0);
            verify_full(out, olen);
            TDM_CHECK(info.kind[0] == TDM_DELTA_ENTRY_PATCH && info.kind[1] == TDM_DELTA_ENTRY_PATCH);
            TDM_CHECK(dlen < flen / 10);
            struct tdm_delta_pkg_info back;
            TDM_CHECK_OK(tdm_delta_pkg_info(d, dlen, &back));
            TDM_CHECK(back.entry_len[0] == info.entry_len[0] && back.comp_len[1] == info.comp_len[1]);
            printf("  %s -> %s: delta %zu of %zu bytes (prefix %u, app patch %u, net patch %u)\n",
                   tdm_corpus_versions[i - 1], tdm_corpus_versions[i], dlen, flen, info.prefix_len, info.entry_len[0],
                   info.entry_len[1]);
            sum_delta += dlen;
            sum_full += flen;
            free(d);
            free(out);
        }
        free(prev);
        prev = full;
        prev_len = flen;
    }
    printf("  download ratio %.4f\n", (double)sum_delta / (double)sum_full);
    free(prev);
}

struct rec {
    uint32_t reads, writes;
};

static int rec_read(void *ctx, uint32_t off, uint8_t *b, uint32_t n)
{
    (void)off;
    memset(b, 0, n);
    ((struct rec *)ctx)->reads++;
    return 0;
}

static int rec_write(void *ctx, const uint8_t *b, uint32_t n)
{
    (void)b;
    (void)n;
    ((struct rec *)ctx)->writes++;
    return 0;
}

static void refusals(void)
{
    rng = tdm_test_seed();
    uint8_t *a, *b, *c, *d, *out;
    size_t alen, blen, clen, dlen, olen;
    struct tdm_delta_pkg_info info;
    TDM_CHECK_OK(tdm_corpus_pack(fw(), 2, &a, &alen));
    TDM_CHECK_OK(tdm_corpus_pack(fw(), 3, &b, &blen));
    TDM_CHECK_OK(tdm_corpus_pack(fw(), 0, &c, &clen));
    TDM_CHECK_OK(tdm_delta_pkg_build(a, alen, b, blen, &d, &dlen, &info));
    /* another base: refused at the header, nothing read or written */
    TDM_CHECK_ERR(tdm_delta_pkg_apply(c, clen, d, dlen, 100, &out, &olen), TDM_E_DELTA_BASE);
    static struct tdm_delta_pkg p;
    struct rec r = {0};
    struct tdm_delta_pkg_config cfg = {rec_read, &r, rec_write, &r, (uint32_t)alen, {0}, 0};
    memcpy(cfg.base_sha, info.base_sha, 32);
    cfg.base_sha[0] ^= 1;
    TDM_CHECK_OK(tdm_delta_pkg_init(&p, &cfg));
    TDM_CHECK_ERR(tdm_delta_pkg_feed(&p, d, (uint32_t)dlen), TDM_E_DELTA_BASE);
    TDM_CHECK(r.reads == 0 && r.writes == 0);
    cfg.base_sha[0] ^= 1;
    cfg.out_max = (uint32_t)blen - 1;
    TDM_CHECK_OK(tdm_delta_pkg_init(&p, &cfg));
    TDM_CHECK_ERR(tdm_delta_pkg_feed(&p, d, (uint32_t)dlen), TDM_E_DELTA_TOO_BIG);
    TDM_CHECK(r.reads == 0 && r.writes == 0);
    /* truncated anywhere: never accepted */
    for (int k = 0; k < 40; k++) {
        size_t cut = rnd() % dlen;
        int err = tdm_delta_pkg_apply(a, alen, d, cut, 1 + rnd() % 512, &out, &olen);
        TDM_CHECK_MSG(err == TDM_E_DELTA_TRUNCATED, "cut at %zu: %s", cut, tdm_errname(err));
    }
    /* a flipped byte anywhere: refused by the reader, or (inside the verbatim prefix) by the parser */
    for (int k = 0; k < 200; k++) {
        size_t at = rnd() % dlen;
        uint8_t saved = d[at];
        d[at] ^= (uint8_t)(1u << (rnd() % 8));
        int err = tdm_delta_pkg_apply(a, alen, d, dlen, 0, &out, &olen);
        if (err == 0) {
            TDM_CHECK_MSG(at >= TDM_DELTA_PKG_HDR_LEN && at < TDM_DELTA_PKG_HDR_LEN + info.prefix_len,
                          "flip at %zu accepted", at);
            struct tdm_crypto_ops ops = tdm_host_crypto();
            struct tdm_key key;
            TDM_CHECK_OK(tdm_key_from_seed(&key, 0x64656c7461u));
            struct tdm_pkg_config pc;
            static struct tdm_pkg_parser pp;
            tdm_pkg_host_config(&pc, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key.pub, 1);
            TDM_CHECK_MSG(tdm_pkg_verify_buf(&pc, out, olen, &pp) < 0, "flip at %zu in the prefix verified", at);
            free(out);
        }
        d[at] = saved;
    }
    free(a);
    free(b);
    free(c);
    free(d);
}

static void whole_fallback(void)
{
    uint8_t *a, *b, *d, *out;
    size_t alen, blen, dlen, olen;
    struct tdm_delta_pkg_info info;
    TDM_CHECK_OK(tdm_corpus_pack(fw(), 1, &a, &alen));
    TDM_CHECK_OK(tdm_corpus_pack(fw(), 2, &b, &blen));
    /* a base that shares nothing: the random network image travels whole (its patch would be larger),
     * the firmware as a patch of literals (compressed), and the whole is still below the full package */
    uint8_t *junk = calloc(1, 4096);
    TDM_CHECK_OK(tdm_delta_pkg_build(junk, 4096, b, blen, &d, &dlen, &info));
    TDM_CHECK(info.kind[0] == TDM_DELTA_ENTRY_PATCH && info.kind[1] == TDM_DELTA_ENTRY_WHOLE);
    TDM_CHECK(info.entry_len[1] == info.comp_len[1] && info.entry_len[0] < info.comp_len[0]);
    TDM_CHECK(dlen < blen);
    TDM_CHECK_OK(tdm_delta_pkg_apply(junk, 4096, d, dlen, 333, &out, &olen));
    TDM_CHECK(olen == blen && memcmp(out, b, blen) == 0);
    free(junk);
    free(a);
    free(b);
    free(d);
    free(out);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"corpus sets rebuilt from deltas", corpus_sets},
        {"another base, too big, truncated, flipped", refusals},
        {"unrelated base: components whole", whole_fallback},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
