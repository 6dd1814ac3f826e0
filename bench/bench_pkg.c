/* bench_pkg: package figures on the host. pkg.pack_ms (wrap 1 MB app + 256 KB net raw binaries into
 * signed MCUboot images and pack them), pkg.verify_mb_s (streaming verify of that package, 4 KB chunks),
 * pkg.parser_overhead (instructions of a streaming verify / instructions of plain SHA-256 over the same
 * bytes, counted by callgrind in one run: the program re-runs itself under valgrind when available).
 * Owns: these measurements. Never: asserts (tests do). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include "bench_util.h"
#include "pkg_build.h"
#include "tandem/host_crypto.h"

#define APP_LEN (1024u * 1024u)
#define NET_LEN (256u * 1024u)


static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];

static int build(uint8_t **pkg, size_t *len)
{
    static uint8_t raw[APP_LEN + NET_LEN];
    uint64_t s = 88172645463325252ull;
    for (size_t i = 0; i < sizeof raw; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        raw[i] = (uint8_t)s;
    }
    uint8_t *app, *net;
    size_t an, nn;
    struct tdm_image_params ip = {.version = {2, 1, 0, 7}, .has_sec_cnt = 1, .sec_cnt = 5, .key = &key};
    if (tdm_image_wrap(raw + APP_LEN, NET_LEN, &ip, &net, &nn) || tdm_image_wrap(raw, APP_LEN, &ip, &app, &an)) {
        return -1;
    }
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = &key, .count = 2};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0, app, an};
    pp.comp[1] = (struct tdm_pack_component){2, 1, 0x01000000, net, nn};
    int bad;
    int err = tdm_pack(&pp, pkg, len, &bad);
    free(app);
    free(net);
    return err;
}

static int verify(const struct tdm_pkg_config *cfg, const uint8_t *b, size_t n)
{
    static struct tdm_pkg_parser p;
    int err = tdm_pkg_parser_init(&p, cfg);
    for (size_t off = 0; err == 0 && off < n; off += 4096) {
        err = tdm_pkg_feed(&p, b + off, (uint32_t)(n - off < 4096 ? n - off : 4096));
    }
    return err ? err : tdm_pkg_finish(&p);
}

static void plain_sha(const struct tdm_crypto_ops *o, const uint8_t *b, size_t n)
{
    struct tdm_sha256 h;
    uint8_t d[32];
    o->sha256_start(0, &h);
    for (size_t off = 0; off < n; off += 4096) {
        o->sha256_update(0, &h, b + off, n - off < 4096 ? n - off : 4096);
    }
    o->sha256_finish(0, &h, d);
}

/* Under callgrind: dump one part per measured phase. */
static int overhead_child(const struct tdm_pkg_config *cfg, const uint8_t *b, size_t n)
{
    CALLGRIND_ZERO_STATS;
    plain_sha(cfg->ops, b, n);
    CALLGRIND_DUMP_STATS_AT("sha");
    int err = verify(cfg, b, n);
    CALLGRIND_DUMP_STATS_AT("verify");
    uint8_t h[32] = {1}, sig[64];
    if (tdm_key_sign(&key, h, sig) < 0) {
        return 1;
    }
    CALLGRIND_ZERO_STATS;
    err |= cfg->ops->p256_verify(0, pub[0], h, sig);
    CALLGRIND_DUMP_STATS_AT("ecdsa");
    return err ? 1 : 0;
}

static unsigned long long part_total(const char *file)
{
    FILE *f = fopen(file, "r");
    char line[512];
    unsigned long long v = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8)) {
            v = strtoull(strchr(line, ':') + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return v;
}

int main(int argc, char **argv)
{
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_pkg_config cfg;
    if (tdm_key_from_seed(&key, 42) < 0) {
        return 1;
    }
    memcpy(pub[0], key.pub, sizeof pub[0]);
    tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub, 1);
    cfg.comp_max[1] = cfg.comp_max[2] = 4u << 20;
    cfg.image_sig = TDM_PKG_IMAGE_SIG_IGNORE; /* device default: the package signature covers the images */
    uint8_t *pkg;
    size_t len;
    double t0 = tdm_bench_now_s();
    if (build(&pkg, &len) < 0) {
        fprintf(stderr, "bench_pkg: cannot build the package\n");
        return 1;
    }
    double pack_ms = (tdm_bench_now_s() - t0) * 1e3;
    if (argc > 1 && !strcmp(argv[1], "--overhead-child")) {
        return overhead_child(&cfg, pkg, len);
    }
    int runs = 0;
    t0 = tdm_bench_now_s();
    double t;
    do {
        if (verify(&cfg, pkg, len) < 0) {
            fprintf(stderr, "bench_pkg: package does not verify\n");
            return 1;
        }
        runs++;
    } while ((t = tdm_bench_now_s() - t0) < 1.0);
    printf("metric pkg.pack_ms %.1f ms\n", pack_ms);
    printf("about pkg.pack_ms measured | host wall time: wrap + sign 1 MB app and 256 KB net raw images, pack and sign the set\n");
    printf("metric pkg.verify_mb_s %.1f MB/s\n", (double)len * runs / t / 1e6);
    printf("about pkg.verify_mb_s measured | host streaming verify of a %zu-byte package (4 KB chunks)\n", len);
    char cmd[1024], dir[] = "/tmp/bench_pkg.XXXXXX";
    if (!mkdtemp(dir)) {
        return 0;
    }
    snprintf(cmd, sizeof cmd,
             "valgrind --tool=callgrind --callgrind-out-file=%s/cg.out '%s' --overhead-child >/dev/null 2>&1", dir,
             argv[0]);
    if (system(cmd) == 0) {
        char f1[512], f2[512];
        snprintf(f1, sizeof f1, "%s/cg.out.1", dir);
        snprintf(f2, sizeof f2, "%s/cg.out.2", dir);
        char f3[512];
        snprintf(f3, sizeof f3, "%s/cg.out.3", dir);
        unsigned long long sha = part_total(f1), ver = part_total(f2), sig = part_total(f3);
        if (sha && ver && sig && ver > sig) {
            printf("metric pkg.parser_overhead_no_sig %.3f ratio\n", (double)(ver - sig) / (double)sha);
            printf("about pkg.parser_overhead_no_sig 1.05 | the same without the one ECDSA P-256 verify "
                   "(%llu instructions in mbedTLS 2.28)\n", sig);
        }
        if (sha && ver) {
            printf("metric pkg.parser_overhead %.3f ratio\n", (double)ver / (double)sha);
            printf("about pkg.parser_overhead 1.05 | instructions streaming verify / plain SHA-256 of the same "
                   "%zu bytes (callgrind: %llu / %llu; includes one ECDSA P-256 verify)\n",
                   len, ver, sha);
        }
    } else {
        printf("about pkg.parser_overhead - | not measured: valgrind not available\n");
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
        return 0;
    }
    free(pkg);
    return 0;
}
