/* bench_delta: patch sizes of the delta format (docs/DELTA.md) on the firmware corpus's consecutive
 * pairs (tests/data/firmware, converted into BUILD/tests/data/firmware by the build) and on the project's
 * own Cortex-M33 images built at two source revisions (tests/data/m33), beside Debian's bsdiff, xdelta3 -9
 * and zstd -19 --patch-from run on the same pairs in the same run, and the decoder's RAM and code size on
 * the Cortex-M33 (arm-none-eabi-gcc -Os). Then the device side (the fetch agent on the simulated device,
 * tests/fetch/agent_delta_fixture.h): bytes downloaded and simulated time of a delta update against the
 * full package (CPU work charged at 64 and 128 MHz, sim/cpu_cost.c, and NAND time only), and the
 * power-cut campaign of a delta fetch on the power-cut runner (every NAND operation, before and torn,
 * and second cuts). Prints the per-pair table
 * as `#` lines, then `metric` / `about` lines (bench/run). `--pairs-out DIR`: the table only, and each
 * pair's base and patch written to DIR for tests/target/delta_figures.sh. Host-only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "cpu_cost.h"
#include "delta_build.h"
#include "tandem/delta.h"
#include "tests/fetch/agent_delta_fixture.h"

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

static int save(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(buf, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    return ok ? 0 : 1;
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
static struct tdm_sim_cpu_port cpu_ports[3];

/* Charge the application core's CPU work of the fetch on the simulated clock (sim/cpu_cost.c): SHA-256 and
 * the signature check of the parser and of the store's commit digest, the copies out of NAND, and the
 * agent's own (the delta decoder, CRC-32, copies: cfg.cpu); then mount again with the charging ports. */
static int charge_cpu(struct adx_rig *r, uint32_t mhz)
{
    struct tdm_sim_domain *dom = r->dev.chip.dom;
    r->dev.nand_ops = tdm_sim_cpu_nand(&cpu_ports[0], dom, r->dev.nand_ops);
    r->dev.scfg.crypto = tdm_sim_cpu_crypto(&cpu_ports[1], dom, r->dev.scfg.crypto);
    r->cfg.crypto = tdm_sim_cpu_crypto(&cpu_ports[2], dom, r->cfg.crypto);
    r->cfg.cpu = tdm_sim_cpu_ops(dom);
    int err = afx_mount(&r->dev);
    return err < 0 || r->cfg.cpu.set_mhz(r->cfg.cpu.ctx, mhz) == 0 ? -1 : 0;
}

/* One fetch of url on a device with p->from installed, its CPU work charged at `mhz` (0: NAND time only):
 * simulated time (ns), or 0 on failure; the bytes received, the NAND operations (programs, erases) and the
 * CPU time of the fetch. */
static uint64_t stage(const struct adx_pair *p, const char *url, uint64_t seed, uint32_t mhz, uint64_t *received,
                      uint64_t *ops, uint64_t *cpu_ns)
{
    if (adx_setup(&rig, p, &p->delta, seed) < 0 || (mhz != 0 && charge_cpu(&rig, mhz) < 0)) {
        return 0;
    }
    struct tdm_fetch_result r;
    uint64_t ops0 = rig.dev.chip.dom->ops, t0 = rig.cfg.clock.now_ns(rig.cfg.clock.ctx);
    uint64_t cpu0 = rig.dev.chip.dom->cpu_ns[0];
    int err = tdm_fetch_run(&rig.dev.agent, &rig.cfg, &rig.dev.store, url, &r);
    uint64_t t = rig.cfg.clock.now_ns(rig.cfg.clock.ctx) - t0;
    *cpu_ns = rig.dev.chip.dom->cpu_ns[0] - cpu0;
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

/* delta.download_ratio, delta.rebuild_ratio (NAND and CPU time at 64 MHz, at 128 MHz, NAND time only)
 * and the campaign. */
static int device_figures(void)
{
    static const uint32_t mhz[3] = {64, 128, 0};
    uint64_t t_full[3] = {0}, t_delta[3] = {0}, cpu_full = 0, cpu_delta = 0, got_full = 0, got_delta = 0;
    struct adx_pair p;
    for (unsigned i = 0; i + 1 < TDM_CORPUS_COUNT; i++) {
        if (adx_pair_make(&p, fw, i, i + 1) < 0) {
            return 1;
        }
        uint64_t rf = 0, rd = 0, ops = 0, cf = 0, cd = 0, tf[3], td[3];
        for (unsigned m = 0; m < 3; m++) {
            tf[m] = stage(&p, ADX_FULL_URL, i + 1, mhz[m], &rf, &ops, m == 0 ? &cf : &ops);
            td[m] = stage(&p, ADX_DELTA_URL, i + 1, mhz[m], &rd, &ops, m == 0 ? &cd : &ops);
            if (tf[m] == 0 || td[m] == 0) {
                return 1;
            }
            t_full[m] += tf[m];
            t_delta[m] += td[m];
        }
        printf("# device %s -> %s: downloaded %llu of %llu bytes, staged in %.1f ms (full: %.1f ms) at 64 MHz, CPU "
               "%.1f ms (%.1f ms); NAND only %.1f ms (%.1f ms)\n",
               tdm_corpus_versions[i], tdm_corpus_versions[i + 1], (unsigned long long)rd, (unsigned long long)rf,
               td[0] / 1e6, tf[0] / 1e6, cd / 1e6, cf / 1e6, td[2] / 1e6, tf[2] / 1e6);
        cpu_full += cf;
        cpu_delta += cd;
        got_full += rf;
        got_delta += rd;
        adx_pair_free(&p);
    }
    printf("metric delta.download_ratio %.4f ratio\n", (double)got_delta / (double)got_full);
    printf("about delta.download_ratio - | bytes the fetch agent downloaded for a delta update / for the full "
           "package, the 4 corpus pairs packed as tandem sets (sum)\n");
    printf("metric delta.rebuild_ratio %.3f ratio\n", (double)t_delta[0] / (double)t_full[0]);
    printf("about delta.rebuild_ratio 1.3 | simulated time of a delta fetch (base reads from NAND, rebuilt pages "
           "programmed, commit, PENDING) / the same for the full package from a zero-cost download (W25N01GV "
           "figures, W25N-SMALL part, sum of the 4 pairs), CPU time included, app core at 64 MHz: both sides "
           "charge SHA-256 and P-256 (parser, store digest) and copies out of NAND, the delta side also the "
           "decoder (15.328 instr per output byte) and the agent's CRC-32 and copies (sim/cpu_cost.c); CPU "
           "%.0f ms of %.0f (delta), %.0f of %.0f ms (full)\n",
           cpu_delta / 1e6, t_delta[0] / 1e6, cpu_full / 1e6, t_full[0] / 1e6);
    printf("metric delta.rebuild_ratio_128 %.3f ratio\n", (double)t_delta[1] / (double)t_full[1]);
    printf("about delta.rebuild_ratio_128 - | delta.rebuild_ratio with the app core at 128 MHz\n");
    printf("metric delta.rebuild_ratio_nand %.3f ratio\n", (double)t_delta[2] / (double)t_full[2]);
    printf("about delta.rebuild_ratio_nand - | delta.rebuild_ratio in NAND time only (no CPU charged)\n");
    if (adx_pair_make(&p, fw, ADX_CUT_FROM, ADX_CUT_TO) < 0) {
        return 1;
    }
    int err = campaign(&p);
    adx_pair_free(&p);
    return err;
}

/* The project's own Cortex-M33 images at two source revisions (tests/data/m33/README.md). */
static const char *const m33_pairs[][2] = {
    {"bootloader-a08f73b", "bootloader-e3d985d"},
    {"bootloader-e3d985d", "bootloader-295c661"},
    {"netboot-cde4f08", "netboot-ec0172a"},
};

struct sums {
    long ours, bsdiff, xdelta, zstd;
    int have_x, have_z;
    double dec_s;     /* host decoding time */
    size_t dec_bytes; /* ... of these output bytes */
};

/* One row of the table: our patch from old to nw beside bsdiff, xdelta3 and zstd's; with pairs_out, also
 * writes pairs_out/N.base and N.patch for the decoder's instruction count (tests/target/delta_figures.sh).
 * 0, or 1 when a file is missing, the patch does not round trip or bsdiff fails. */
static int row(const char *label, const char *old, const char *nw, struct sums *s, const char *pairs_out,
               unsigned n)
{
    size_t ol, nl, pl, rl;
    uint8_t *a = load(old, &ol), *b = load(nw, &nl), *p = NULL, *r = NULL;
    if (a == NULL || b == NULL || tdm_delta_encode(a, ol, b, nl, &p, &pl) < 0) {
        fprintf(stderr, "bench_delta: cannot read or encode %s / %s\n", old, nw);
        return 1;
    }
    double t0 = tdm_bench_now_s();
    int bad = tdm_delta_apply_buf(a, ol, p, pl, 2048, &r, &rl) < 0;
    s->dec_s += tdm_bench_now_s() - t0;
    s->dec_bytes += nl;
    if (bad || rl != nl || memcmp(r, b, nl) != 0) {
        fprintf(stderr, "bench_delta: %s does not round trip\n", label);
        return 1;
    }
    size_t differ = 0;
    for (size_t k = 0; k < nl; k++) {
        differ += k >= ol || a[k] != b[k];
    }
    long bs = tool("bsdiff '%s' '%s' '%s'", old, nw);
    long xd = tool("xdelta3 -9 -f -e -s '%s' '%s' '%s' 2>/dev/null", old, nw);
    long zs = tool("zstd -q -f -19 --patch-from='%s' '%s' -o '%s' 2>/dev/null", old, nw);
    int err = bs < 0;
    if (bs < 0) {
        fprintf(stderr, "bench_delta: bsdiff failed (scripts/setup.sh installs Debian's bsdiff)\n");
    }
    if (pairs_out != NULL) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%.3000s/%u.base", pairs_out, n);
        err |= save(path, a, ol);
        snprintf(path, sizeof path, "%.3000s/%u.patch", pairs_out, n);
        err |= save(path, p, pl);
    }
    s->have_x &= xd >= 0;
    s->have_z &= zs >= 0;
    printf("# %-36s %7zu %7zu %7zu %7ld %7ld %7ld %7.3f\n", label, nl, differ, pl, bs, xd, zs,
           (double)pl / (double)bs);
    s->ours += (long)pl;
    s->bsdiff += bs;
    s->xdelta += xd;
    s->zstd += zs;
    free(a);
    free(b);
    free(p);
    free(r);
    return err;
}

static void sum_row(const char *label, const struct sums *s)
{
    printf("# %-36s %7s %7s %7ld %7ld %7ld %7ld %7.3f\n", label, "", "", s->ours, s->bsdiff,
           s->have_x ? s->xdelta : -1L, s->have_z ? s->zstd : -1L, (double)s->ours / (double)s->bsdiff);
}

/* The per-pair table (corpus, then the M33 images) and the patch size figures. */
static int patch_figures(const char *pairs_out)
{
    struct sums fw_sum = {.have_x = 1, .have_z = 1}, m33_sum = {.have_x = 1, .have_z = 1};
    unsigned n = 0;
    int err = 0;
    printf("# %-36s %7s %7s %7s %7s %7s %7s %7s\n", "pair (old -> new)", "new B", "differ", "tandem", "bsdiff",
           "xdelta3", "zstd", "ours/bs");
    for (unsigned i = 0; i + 1 < TDM_CORPUS_COUNT; i++, n++) {
        char old[PATH_MAX + 16], nw[PATH_MAX + 16], label[64];
        snprintf(old, sizeof old, "%.3000s/%s.bin", fw, tdm_corpus_versions[i]);
        snprintf(nw, sizeof nw, "%.3000s/%s.bin", fw, tdm_corpus_versions[i + 1]);
        snprintf(label, sizeof label, "connectivity %s -> %s", tdm_corpus_versions[i], tdm_corpus_versions[i + 1]);
        err |= row(label, old, nw, &fw_sum, pairs_out, n);
    }
    sum_row("sum, corpus", &fw_sum);
    for (unsigned i = 0; i < sizeof m33_pairs / sizeof m33_pairs[0]; i++, n++) {
        char old[PATH_MAX + 32], nw[PATH_MAX + 32], label[64];
        snprintf(old, sizeof old, "%.3000s/tests/data/m33/%s.bin", src, m33_pairs[i][0]);
        snprintf(nw, sizeof nw, "%.3000s/tests/data/m33/%s.bin", src, m33_pairs[i][1]);
        snprintf(label, sizeof label, "M33 %s -> %s", m33_pairs[i][0], m33_pairs[i][1] + strcspn(m33_pairs[i][1], "-") + 1);
        err |= row(label, old, nw, &m33_sum, pairs_out, n);
    }
    sum_row("sum, M33 images", &m33_sum);
    if (err) {
        return 1;
    }
    printf("metric delta.patch_bytes %ld B\n", fw_sum.ours);
    printf("about delta.patch_bytes - | sum of our patches over the 4 consecutive pairs of the nRF52 "
           "connectivity corpus (bsdiff %ld, xdelta3 -9 %ld, zstd -19 --patch-from %ld)\n",
           fw_sum.bsdiff, fw_sum.have_x ? fw_sum.xdelta : -1L, fw_sum.have_z ? fw_sum.zstd : -1L);
    printf("metric delta.patch_ratio_bsdiff %.3f ratio\n", (double)fw_sum.ours / (double)fw_sum.bsdiff);
    printf("about delta.patch_ratio_bsdiff 1.0 | our patch bytes / Debian bsdiff's, same pairs, same run\n");
    if (fw_sum.have_z) {
        printf("metric delta.patch_ratio_zstd %.3f ratio\n", (double)fw_sum.ours / (double)fw_sum.zstd);
        printf("about delta.patch_ratio_zstd - | our patch bytes / zstd -19 --patch-from's (whole images in RAM)\n");
    }
    printf("metric delta.decode_mb_s %.1f MB/s\n", (double)fw_sum.dec_bytes / fw_sum.dec_s / 1e6);
    printf("about delta.decode_mb_s - | host decoder throughput (output bytes) on the corpus pairs, 2 KB patch "
           "chunks\n");
    printf("metric delta.patch_bytes_m33 %ld B\n", m33_sum.ours);
    printf("about delta.patch_bytes_m33 - | sum of our patches over the 3 pairs of the project's Cortex-M33 images "
           "built at two source revisions (tests/data/m33: bootloader x2, netboot; bsdiff %ld, xdelta3 -9 %ld, "
           "zstd -19 --patch-from %ld)\n",
           m33_sum.bsdiff, m33_sum.have_x ? m33_sum.xdelta : -1L, m33_sum.have_z ? m33_sum.zstd : -1L);
    printf("metric delta.patch_ratio_bsdiff_m33 %.3f ratio\n", (double)m33_sum.ours / (double)m33_sum.bsdiff);
    printf("about delta.patch_ratio_bsdiff_m33 1.0 | our patch bytes / Debian bsdiff's on the M33 image pairs, "
           "same run\n");
    return 0;
}

/* bench_delta [--pairs-out DIR]: all figures; with --pairs-out, only the table, and each pair's base and
 * patch written to DIR (N.base, N.patch) for tests/target/delta_figures.sh. */
int main(int argc, char **argv)
{
    const char *pairs_out = argc == 3 && strcmp(argv[1], "--pairs-out") == 0 ? argv[2] : NULL;
    if (find_dirs() < 0 || (argc > 1 && pairs_out == NULL)) {
        fprintf(stderr, "bench_delta: usage: bench_delta [--pairs-out DIR] (cannot set up directories?)\n");
        return 1;
    }
    int err = patch_figures(pairs_out);
    if (pairs_out == NULL && err == 0) {
        code_figures();
        err = device_figures();
        if (rig.dev.have_chip) {
            tdm_sim_nand_destroy(&rig.dev.chip);
        }
    }
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? err : 1;
}
