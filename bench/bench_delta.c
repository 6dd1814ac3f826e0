/* bench_delta: patch sizes of the delta format (docs/DELTA.md) on the firmware corpus's consecutive
 * pairs (tests/data/firmware, converted into BUILD/tests/data/firmware by the build) beside Debian's bsdiff,
 * xdelta3 -9 and zstd -19 --patch-from run on the same pairs in the same run, and the decoder's RAM and
 * code size on the Cortex-M33 (arm-none-eabi-gcc -Os). Then the device side (the fetch agent on the
 * simulated device, tests/fetch/agent_delta_fixture.h): bytes downloaded and simulated time of a delta
 * update against the full package, and the power-cut campaign of a delta fetch on the power-cut runner
 * (every NAND operation, before and torn, and second cuts). Prints the per-pair table as `#` lines, then `metric` / `about` lines (bench/run).
 * Host-only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "delta_build.h"
#include "tandem/delta.h"
#include "tests/fetch/agent_delta_fixture.h"

static const char *const versions[] = {"4.0.0", "4.1.0", "4.1.1", "4.1.2", "4.1.4"};
static char fw[PATH_MAX], tmp[PATH_MAX], src[PATH_MAX];

static uint8_t *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

/* Size of the patch a tool writes to tmp/out (cmd formatted with old, new, out), -1 when it fails. */
static long tool(const char *fmt, const char *old, const char *nw)
{
    char out[PATH_MAX + 8], cmd[4 * PATH_MAX];
    snprintf(out, sizeof out, "%s/out", tmp);
    remove(out);
    snprintf(cmd, sizeof cmd, fmt, old, nw, out);
    if (system(cmd) != 0) {
        return -1;
    }
    return file_size(out);
}

/* A number printed by a shell pipeline, -1 on failure. */
static long shell_number(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    long v = -1;
    if (p != NULL) {
        if (fscanf(p, "%ld", &v) != 1) {
            v = -1;
        }
        if (pclose(p) != 0) {
            v = -1;
        }
    }
    return v;
}

static int find_dirs(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        return -1;
    }
    exe[n] = 0;
    *strrchr(exe, '/') = 0; /* BUILD/bench */
    snprintf(fw, sizeof fw, "%.3000s/../tests/data/firmware", exe);
    snprintf(src, sizeof src, "%s", __FILE__);
    *strrchr(src, '/') = 0;
    *strrchr(src, '/') = 0; /* the source tree */
    snprintf(tmp, sizeof tmp, "/tmp/tdm-bench-delta-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static void code_figures(void)
{
    char cmd[8 * PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "arm-none-eabi-gcc -std=c11 -Os -mcpu=cortex-m33 -mthumb -I%s/include -I%s/delta -c %s/delta/decode.c "
             "-o %s/decode.o && arm-none-eabi-size %s/decode.o | awk 'NR==2{print $1}'",
             src, src, src, tmp, tmp);
    long text = shell_number(cmd);
    snprintf(cmd, sizeof cmd,
             "printf '#include \"tandem/delta.h\"\\nchar tdm_ram[sizeof(struct tdm_delta)];\\n' > %s/ram.c && "
             "arm-none-eabi-gcc -std=c11 -Os -mcpu=cortex-m33 -mthumb -fno-common -I%s/include -c %s/ram.c -o %s/ram.o && "
             "arm-none-eabi-size %s/ram.o | awk 'NR==2{print $3}'",
             tmp, src, tmp, tmp, tmp);
    long ram = shell_number(cmd);
    if (ram < 0) {
        ram = (long)sizeof(struct tdm_delta);
    }
    printf("metric delta.decoder_ram %ld B\n", ram);
    printf("about delta.decoder_ram 8192 | sizeof(struct tdm_delta) on the Cortex-M33: models, input window, "
           "base cache, output buffer (no NAND page buffer)\n");
    printf("metric delta.decoder_text %ld B\n", text);
    printf("about delta.decoder_text - | delta/decode.c, arm-none-eabi-gcc -Os -mcpu=cortex-m33 -mthumb "
           "(+ tdm_crc32 from base/)\n");
}

static struct adx_rig rig;

/* One fetch of url on a device with p->from installed: simulated time (ns), or 0 on failure; the bytes
 * received and the NAND operations (programs, erases) of the fetch. */
static uint64_t stage(const struct adx_pair *p, const char *url, uint64_t seed, uint64_t *received, uint64_t *ops)
{
    if (adx_setup(&rig, p, &p->delta, seed) < 0) {
        return 0;
    }
    struct tdm_fetch_result r;
    uint64_t ops0 = rig.dev.chip.dom->ops, t0 = rig.cfg.clock.now_ns(rig.cfg.clock.ctx);
    int err = tdm_fetch_run(&rig.dev.agent, &rig.cfg, &rig.dev.store, url, &r);
    uint64_t t = rig.cfg.clock.now_ns(rig.cfg.clock.ctx) - t0;
    if (err < 0 || !afx_slot_equals(&rig.dev, TDM_STORE_SLOT_B, &p->full)) {
        fprintf(stderr, "bench_delta: %s of 4.%u: %s\n", url, p->to, tdm_errname(err));
        return 0;
    }
    *received = r.received;
    *ops = rig.dev.chip.dom->ops - ops0;
    return t;
}

/* The delta campaign (tests/fetch/agent_delta_cut_test.c's case) with the full plan on the W25N-SMALL: a
 * cut at every NAND operation of the delta fetch of pair p, before and torn, and second cuts inside the
 * resume of a seeded sample. Failures print the runner's replay line on stderr. */
static int campaign(struct adx_pair *p)
{
    static struct afx_cut_case k;
    if (adx_setup(&rig, p, &p->delta, 7) < 0) {
        return 1;
    }
    adx_cut_case(&k, &rig, p);
    struct tdm_cutrun_case c = afx_cut_case_of(ADX_CUT_CASE, &k, NULL);
    struct tdm_cutrun_opts o = {.plan = c.full, .argv0 = "build/tests/fetch/fetch_agent_delta_cuts --full", .log = stderr};
    struct tdm_cutrun_result res;
    if (tdm_cutrun_run(&c, "W25N-SMALL", 1, &o, &res) < 0) {
        return 1;
    }
    printf("metric campaign.delta.cuts %llu cuts\n", (unsigned long long)res.cuts);
    printf("about campaign.delta.cuts - | power cuts at every NAND operation (before and torn) of the delta fetch "
           "%s -> %s (%llu operations, W25N-SMALL), each followed by power-on with scrubbed RAM, mount and a "
           "second run (the power-cut runner, sim/cutrun.h)\n",
           tdm_corpus_versions[p->from], tdm_corpus_versions[p->to], (unsigned long long)res.ops);
    printf("metric campaign.delta.second_cuts %llu cuts\n", (unsigned long long)res.seconds);
    printf("about campaign.delta.second_cuts - | second cuts inside the resume, at every operation, after %u "
           "sampled first cuts\n", c.full.seconds);
    printf("metric campaign.delta.failures %llu cases\n", (unsigned long long)res.failures);
    printf("about campaign.delta.failures 0 | runs not ending committed bit-exact, verified (tdm_pkg_check), "
           "PENDING, with at most the patch fetched twice per cut (or whose cut never fired)\n");
    return 0;
}

/* delta.download_ratio, delta.rebuild_ratio and the campaign. */
static int device_figures(void)
{
    uint64_t t_full = 0, t_delta = 0, got_full = 0, got_delta = 0;
    struct adx_pair p;
    for (unsigned i = 0; i + 1 < TDM_CORPUS_COUNT; i++) {
        if (adx_pair_make(&p, fw, i, i + 1) < 0) {
            return 1;
        }
        uint64_t rf = 0, rd = 0, ops = 0;
        uint64_t tf = stage(&p, ADX_FULL_URL, i + 1, &rf, &ops), td = stage(&p, ADX_DELTA_URL, i + 1, &rd, &ops);
        if (tf == 0 || td == 0) {
            return 1;
        }
        printf("# device %s -> %s: downloaded %llu of %llu bytes, staged in %.1f ms (full: %.1f ms)\n",
               tdm_corpus_versions[i], tdm_corpus_versions[i + 1],
               (unsigned long long)rd, (unsigned long long)rf, td / 1e6, tf / 1e6);
        t_full += tf;
        t_delta += td;
        got_full += rf;
        got_delta += rd;
        adx_pair_free(&p);
    }
    printf("metric delta.download_ratio %.4f ratio\n", (double)got_delta / (double)got_full);
    printf("about delta.download_ratio - | bytes the fetch agent downloaded for a delta update / for the full "
           "package, the 4 corpus pairs packed as tandem sets (sum)\n");
    printf("metric delta.rebuild_ratio %.3f ratio\n", (double)t_delta / (double)t_full);
    printf("about delta.rebuild_ratio 1.3 | simulated time of a delta fetch (base reads from NAND, rebuilt pages "
           "programmed, commit, PENDING) / the same for the full package from a zero-cost download (W25N01GV "
           "figures, W25N-SMALL part, sum of the 4 pairs; NAND time only, the decoder's CPU time is not modelled)\n");
    if (adx_pair_make(&p, fw, ADX_CUT_FROM, ADX_CUT_TO) < 0) {
        return 1;
    }
    int err = campaign(&p);
    adx_pair_free(&p);
    return err;
}

int main(void)
{
    if (find_dirs() < 0) {
        fprintf(stderr, "bench_delta: cannot set up directories\n");
        return 1;
    }
    long sum_ours = 0, sum_bsdiff = 0, sum_x = 0, sum_z = 0;
    int have_x = 1, have_z = 1;
    double dec_s = 0;
    size_t dec_bytes = 0;
    printf("# %-16s %8s %8s %8s %8s %8s %8s\n", "pair", "differ", "tandem", "bsdiff", "xdelta3", "zstd", "ours/bs");
    for (unsigned i = 0; i + 1 < 5; i++) {
        char old[PATH_MAX + 16], nw[PATH_MAX + 16];
        snprintf(old, sizeof old, "%.3000s/%s.bin", fw, versions[i]);
        snprintf(nw, sizeof nw, "%.3000s/%s.bin", fw, versions[i + 1]);
        size_t ol, nl, pl, rl;
        uint8_t *a = load(old, &ol), *b = load(nw, &nl), *p = NULL, *r = NULL;
        if (a == NULL || b == NULL || tdm_delta_encode(a, ol, b, nl, &p, &pl) < 0) {
            fprintf(stderr, "bench_delta: cannot read or encode %s / %s\n", old, nw);
            return 1;
        }
        double t0 = tdm_bench_now_s();
        if (tdm_delta_apply_buf(a, ol, p, pl, 2048, &r, &rl) < 0 || rl != nl || memcmp(r, b, nl) != 0) {
            fprintf(stderr, "bench_delta: %s -> %s does not round trip\n", versions[i], versions[i + 1]);
            return 1;
        }
        dec_s += tdm_bench_now_s() - t0;
        dec_bytes += nl;
        size_t differ = 0;
        for (size_t k = 0; k < nl; k++) {
            differ += k >= ol || a[k] != b[k];
        }
        long bs = tool("bsdiff '%s' '%s' '%s'", old, nw);
        long xd = tool("xdelta3 -9 -f -e -s '%s' '%s' '%s' 2>/dev/null", old, nw);
        long zs = tool("zstd -q -f -19 --patch-from='%s' '%s' -o '%s' 2>/dev/null", old, nw);
        if (bs < 0) {
            fprintf(stderr, "bench_delta: bsdiff failed (scripts/setup.sh installs Debian's bsdiff)\n");
            return 1;
        }
        have_x &= xd >= 0;
        have_z &= zs >= 0;
        printf("# %-7s->%-7s %8zu %8zu %8ld %8ld %8ld %8.3f\n", versions[i], versions[i + 1], differ, pl, bs, xd,
               zs, (double)pl / (double)bs);
        sum_ours += (long)pl;
        sum_bsdiff += bs;
        sum_x += xd;
        sum_z += zs;
        free(a);
        free(b);
        free(p);
        free(r);
    }
    printf("# %-16s %8s %8ld %8ld %8ld %8ld %8.3f\n", "sum", "", sum_ours, sum_bsdiff, have_x ? sum_x : -1L,
           have_z ? sum_z : -1L, (double)sum_ours / (double)sum_bsdiff);
    printf("metric delta.patch_bytes %ld B\n", sum_ours);
    printf("about delta.patch_bytes - | sum of our patches over the 4 consecutive pairs of the nRF52 "
           "connectivity corpus (bsdiff %ld, xdelta3 -9 %ld, zstd -19 --patch-from %ld)\n",
           sum_bsdiff, have_x ? sum_x : -1L, have_z ? sum_z : -1L);
    printf("metric delta.patch_ratio_bsdiff %.3f ratio\n", (double)sum_ours / (double)sum_bsdiff);
    printf("about delta.patch_ratio_bsdiff 1.0 | our patch bytes / Debian bsdiff's, same pairs, same run\n");
    if (have_z) {
        printf("metric delta.patch_ratio_zstd %.3f ratio\n", (double)sum_ours / (double)sum_z);
        printf("about delta.patch_ratio_zstd - | our patch bytes / zstd -19 --patch-from's (whole images in RAM)\n");
    }
    printf("metric delta.decode_mb_s %.1f MB/s\n", (double)dec_bytes / dec_s / 1e6);
    printf("about delta.decode_mb_s - | host decoder throughput (output bytes), 2 KB patch chunks\n");
    code_figures();
    if (device_figures() != 0) {
        return 1;
    }
    if (rig.dev.have_chip) {
        tdm_sim_nand_destroy(&rig.dev.chip);
    }
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : 1;
}
