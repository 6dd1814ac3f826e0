/* Bootloader benchmarks on the simulated nRF5340: an update of a 900 KB application + 200 KB network
 * image against the internal-flash physical limit and against MCUboot's swap-move, and the device
 * power-cut campaign. Owns: the boot.* and campaign.boot.* figures of bench/run.
 * Set TDM_BENCH_QUICK=1 for a shortened campaign. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device_campaign.h"
#include "signed_sets.h"
#include "tandem/err.h"

#define APP_SIZE (900u * 1024u)
#define NET_SIZE (200u * 1024u)

static struct tdm_sim_device dev;
static struct tdm_sim_run run;

static int fail(const char *what, int err)
{
    fprintf(stderr, "bench_boot: %s: %s\n", what, tdm_strerror(err));
    return 1;
}

/* Where the time of a bootloader run goes: each flash's busy time, and each core's CPU and waits. */
struct time_split {
    uint64_t app_flash, net_flash, cpu[2], wait[2];
};

static struct time_split split_now(const struct tdm_sim_device *d)
{
    struct time_split t = {d->app.stats.time_ns, d->net.stats.time_ns, {d->dom.cpu_ns[0], d->dom.cpu_ns[1]},
                           {d->dom.wait_ns[0], d->dom.wait_ns[1]}};
    return t;
}

static struct time_split split_since(const struct tdm_sim_device *d, const struct time_split *t0)
{
    struct time_split t = split_now(d);
    t.app_flash -= t0->app_flash;
    t.net_flash -= t0->net_flash;
    for (int c = 0; c < 2; c++) {
        t.cpu[c] -= t0->cpu[c];
        t.wait[c] -= t0->wait[c];
    }
    return t;
}

/* The table of docs/BOOT.md: the app core's line (the run) is its flash, NAND, its CPU and its waits for the
 * net core; the net core's flash and CPU run beside it, hidden except where the app core waited. */
static void print_split(const struct time_split *t, uint64_t run_ns)
{
    double ms = 1e6;
    printf("about boot.install_app_flash_ms bootloader at 128 MHz | of boot.install_ms: app-flash busy (erase + write + "
           "read), the floor of the run\n");
    printf("metric boot.install_app_flash_ms %.0f ms\n", t->app_flash / ms);
    printf("about boot.install_net_flash_ms beside the app core | net-flash busy during that run\n");
    printf("metric boot.install_net_flash_ms %.0f ms\n", t->net_flash / ms);
    printf("about boot.install_overlap_ms net core's flash + CPU | net-core work hidden behind the app core "
           "(its busy time minus the app core's waits for it)\n");
    printf("metric boot.install_overlap_ms %.0f ms\n", (t->net_flash + t->cpu[1] - t->wait[0]) / ms);
    uint64_t idle = run_ns - t->app_flash;
    uint64_t rest = idle - (idle > t->cpu[0] + t->wait[0] ? t->cpu[0] + t->wait[0] : idle);
    printf("about boot.install_not_overlapped_ms app CPU %.0f + waits %.0f + NAND %.0f | of boot.install_ms: time "
           "the app flash is idle (SHA-256, P-256, copies; waits for the net core; NAND reads and journal)\n",
           t->cpu[0] / ms, t->wait[0] / ms, rest / ms);
    printf("metric boot.install_not_overlapped_ms %.0f ms\n", idle / ms);
}

/* Pages of `len` bytes in `page` pages. */
static uint64_t pages(uint64_t len, uint64_t page)
{
    return (len + page - 1) / page;
}

/* One device case on `part` with its full plan (a quick sample under TDM_BENCH_QUICK: the stride, the
 * second-cut sample and the second-cut stride given, 0 = the plan's). */
static int run_case(const struct tdm_cutrun_case *c, const char *part, const uint32_t quick[3],
                    struct tdm_cutrun_result *r)
{
    struct tdm_cutrun_opts co = {.plan = c->full, .argv0 = "build/tests/boot/boot_campaign --full", .log = stderr};
    if (getenv("TDM_BENCH_QUICK") != NULL) {
        co.plan.stride = quick[0] ? quick[0] : co.plan.stride;
        co.plan.seconds = quick[1] ? quick[1] : co.plan.seconds;
        co.plan.second_stride = quick[2] ? quick[2] : co.plan.second_stride;
    }
    return tdm_cutrun_run(c, part, 1, &co, r);
}

int main(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/tdm_bench_boot_%d", (int)getpid());
    struct tdm_sim_device_opts o = {.part = "W25N01GV", .seed = 1};
    int err = tdm_sim_device_create(&dev, dir, &o);
    if (err < 0) {
        return fail("create", err);
    }
    struct tdm_key key;
    tdm_key_from_seed(&key, 77);
    struct tdm_sim_run_config cfg = {.keys = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key.pub, .nkeys = 1,
                                     .hw_id = TDM_PKG_HW_ID_DEFAULT};
    /* v1 provisioned, v2 first update, v3 the measured update (the bootloader at 128 MHz, as the board runs
     * it), v5 the same with the bootloader left at the reset clock (64 MHz), v4 and v6 crash on trial */
    struct tdm_kit_set set[6];
    const char *ids[6] = {"v1", "v2", "v3", "v4", "v5", "v6"};
    const char *vers[6] = {"1.0.0", "2.0.0", "3.0.0", "4.0.0", "3.5.0", "4.1.0"};
    const uint32_t counters[6] = {1, 2, 3, 4, 3, 4};
    for (int i = 0; i < 6; i++) {
        struct tdm_kit_spec spec = {.set_id = ids[i], .version = vers[i], .counter = counters[i],
                                    .app_behavior = i == 3 || i == 5 ? TDM_SIM_CRASH : TDM_SIM_HEALTHY,
                                    .app_size = APP_SIZE, .net_size = NET_SIZE, .seed = 40 + (uint64_t)i};
        err = err < 0 ? err : tdm_kit_make(&set[i], &spec, &key, &dev.layout);
    }
    err = err < 0 ? err : tdm_sim_provision(&dev, set[0].app, set[0].app_len, set[0].net, set[0].net_len);
    /* first update: the running set is captured into NAND, then v2 installed */
    err = err < 0 ? err : tdm_sim_stage(&dev, set[1].pkg, set[1].pkg_len, 2, &set[1].version);
    tdm_sim_device_power_cycle(&dev);
    err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
    if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_TRIAL || run.app != TDM_SIM_APP_CONFIRMED) {
        return fail("first update", err < 0 ? err : TDM_E_STATE);
    }
    double first_ms = run.boot_ns / 1e6;
    /* second update: v2's package is the backup, nothing to capture; the bootloader raises the application
     * core to 128 MHz for its run (run_mhz, as board/nrf5340_app does) and back to 64 for the application */
    cfg.boot_mhz = 128;
    err = tdm_sim_stage(&dev, set[2].pkg, set[2].pkg_len, 3, &set[2].version);
    tdm_sim_device_power_cycle(&dev);
    uint64_t app_erases0 = dev.app.stats.erases, net_erases0 = dev.net.stats.erases;
    struct time_split t0 = split_now(&dev);
    err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
    struct time_split spent = split_since(&dev, &t0);
    if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_TRIAL || run.app != TDM_SIM_APP_CONFIRMED) {
        return fail("second update", err < 0 ? err : TDM_E_STATE);
    }
    const struct tdm_sim_flash_part *ap = tdm_sim_flash_part(TDM_SIM_FLASH_APP);
    const struct tdm_sim_flash_part *np = tdm_sim_flash_part(TDM_SIM_FLASH_NET);
    uint64_t app_erases = dev.app.stats.erases - app_erases0, net_erases = dev.net.stats.erases - net_erases0;
    uint64_t app_pages = pages(set[2].app_len, ap->geo.page_size), net_pages = pages(set[2].net_len, np->geo.page_size);
    /* Physical limit: every page of both images erased once and every word written once; the two NVMCs
     * work at the same time, so a two-core install cannot beat the slower of the two. */
    double app_limit_ms = app_pages * (ap->t_erase_ns + (ap->geo.page_size / 4.0) * ap->t_write_ns) / 1e6;
    double net_limit_ms = net_pages * (np->t_erase_ns + (np->geo.page_size / 4.0) * np->t_write_ns) / 1e6;
    double limit_ms = app_limit_ms + net_limit_ms;
    double par_limit_ms = app_limit_ms > net_limit_ms ? app_limit_ms : net_limit_ms;
    double install_ms = run.boot_ns / 1e6;
    /* MCUboot swap-move (docs/design.md, "swap without scratch"): every primary sector is moved up one
     * (one erase each), then each secondary sector goes to the primary and the primary to the secondary
     * (one erase of each): 2 erases per primary sector + 1 per secondary sector, for each image. */
    double swap_move = 3.0 * (double)(app_pages + net_pages);
    double ours = (double)(app_erases + net_erases);

    printf("about boot.erases_per_page goal exactly 1 | internal-flash erases per page written during an update\n");
    printf("metric boot.erases_per_page %.3f ratio\n",
           (double)app_erases / (double)(run.rep.app_pages_written ? run.rep.app_pages_written : 1));
    printf("about boot.install_ms %.0f ms physical limit | simulated time of the bootloader run that installs 900 KB + 200 KB; "
           "the simulator's internal-flash timing model (typ erase + word write), not a measurement on a chip\n",
           limit_ms);
    printf("metric boot.install_ms %.0f ms\n", install_ms);
    printf("about boot.install_ratio about 0.75 expected | that install / the SUM of both cores' internal-flash limits "
           "(erase + word writes), kept for comparison with the one-core-after-the-other install (1.0012 before)\n");
    printf("metric boot.install_ratio %.4f ratio\n", install_ms / limit_ms);
    printf("about boot.install_parallel_ratio goal <= 1.05 | that install (CPU time charged; the bootloader runs the "
           "app core at 128 MHz, the net core at 64) / the slower core's flash limit (%.0f ms app, %.0f ms net)\n",
           app_limit_ms, net_limit_ms);
    printf("metric boot.install_parallel_ratio %.4f ratio\n", install_ms / par_limit_ms);
    print_split(&spent, run.boot_ns);
    printf("about boot.first_install_ratio simulated | the first update, which also captures the running set into NAND "
           "(same timing model as boot.install_ratio)\n");
    printf("metric boot.first_install_ratio %.4f ratio\n", first_ms / limit_ms);
    printf("about boot.swap_move_erases_ratio MCUboot swap-move = 3 erases/page | our internal-flash erases (counted) / "
           "swap-move's for the same images, a denominator assumed from MCUboot's design notes, not counted: no "
           "swap-move runs here\n");
    printf("metric boot.swap_move_erases_ratio %.3f ratio\n", ours / swap_move);
    printf("about boot.shared_window_bytes window of 64 KB in the layout | shared SRAM the transfer protocol uses (2 x 4 KB + "
           "blocks): computed from constants (tdm_xfer_window_need of the default chunk), not measured\n");
    printf("metric boot.shared_window_bytes %u B\n", tdm_xfer_window_need(TDM_XFER_CHUNK_DEFAULT));
    printf("about boot.net_pages_sent %llu pages | network-image pages sent through the window\n",
           (unsigned long long)net_pages);
    printf("metric boot.net_pages_sent %u pages\n", run.rep.net_pages_sent);
    /* The same update with the bootloader left at the reset clock, 64 MHz on both cores: v5 over v3. */
    cfg.boot_mhz = 0;
    err = tdm_sim_stage(&dev, set[4].pkg, set[4].pkg_len, 3, &set[4].version);
    tdm_sim_device_power_cycle(&dev);
    err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
    if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_TRIAL || run.app != TDM_SIM_APP_CONFIRMED) {
        return fail("update at 64 MHz", err < 0 ? err : TDM_E_STATE);
    }
    printf("about boot.install_parallel_ratio_64 for comparison | the same install with the bootloader at the reset "
           "clock (app core 64 MHz: its SHA-256 and copies take twice as long) / the slower core's flash limit\n");
    printf("metric boot.install_parallel_ratio_64 %.4f ratio\n", run.boot_ns / 1e6 / par_limit_ms);
    printf("about boot.install_64_ms app core 64 MHz | simulated time of that install\n");
    printf("metric boot.install_64_ms %.0f ms\n", run.boot_ns / 1e6);
    /* Verify at boot: the same power-on of the confirmed set with the check off, then on, with the
     * application core at 64 and at 128 MHz (the network core, which hashes its image, stays at 64). */
    for (uint32_t mhz = 64; mhz <= 128; mhz *= 2) {
        cfg.app_mhz = mhz;
        cfg.skip_boot_verify = 1;
        tdm_sim_device_power_cycle(&dev);
        err = tdm_sim_run_once(&dev, &cfg, &run);
        uint64_t plain_ns = run.boot_ns;
        cfg.skip_boot_verify = 0;
        tdm_sim_device_power_cycle(&dev);
        err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
        if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_INSTALLED || !run.rep.verified) {
            return fail("verify at boot", err < 0 ? err : TDM_E_STATE);
        }
        double verify_ms = (double)(run.boot_ns - plain_ns) / 1e6;
        const char *name = mhz == 64 ? "boot.verify_at_boot_ms" : "boot.verify_at_boot_128mhz_ms";
        printf("about %s app core %u MHz, net core 64 MHz | a power-on with the check of the "
               "installed 900 KB + 200 KB set minus one without it: flash reads + CPU time (SHA-256, copies) at "
               "1 instruction per cycle (sim/cpu_cost.c)\n", name, mhz);
        printf("metric %s %.2f ms\n", name, verify_ms);
    }
    cfg.app_mhz = 0;
    /* Rollback: v4's application crashes on trial; the run after the lock-up restores v5 on both cores,
     * with the bootloader at 128 MHz; then v6 the same with the bootloader at the reset clock (64 MHz). */
    for (int k = 0; k < 2; k++) {
        const struct tdm_kit_set *bad = &set[k ? 5 : 3];
        cfg.boot_mhz = k ? 0 : 128;
        err = tdm_sim_stage(&dev, bad->pkg, bad->pkg_len, 4, &bad->version);
        tdm_sim_device_power_cycle(&dev);
        err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
        if (err < 0 || run.app != TDM_SIM_APP_RESET) {
            return fail("crashing trial", err < 0 ? err : TDM_E_STATE);
        }
        tdm_sim_device_reset(&dev, run.reset_reason);
        err = tdm_sim_run_once(&dev, &cfg, &run);
        if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_ROLLED_BACK) {
            return fail("rollback", err < 0 ? err : TDM_E_STATE);
        }
        double rollback_ms = run.boot_ns / 1e6;
        const char *sfx = k ? "_64" : "";
        printf("about boot.rollback%s_ms bootloader at %s MHz | simulated time of the bootloader run that restores "
               "the 900 KB + 200 KB set after a failed trial (both cores at once, CPU time charged)\n", sfx,
               k ? "64" : "128");
        printf("metric boot.rollback%s_ms %.0f ms\n", sfx, rollback_ms);
        printf("about boot.rollback_parallel_ratio%s %s | that rollback / the slower core's flash limit\n", sfx,
               k ? "for comparison" : "goal <= 1.05");
        printf("metric boot.rollback_parallel_ratio%s %.4f ratio\n", sfx, rollback_ms / par_limit_ms);
    }
    cfg.boot_mhz = 0;
    for (int i = 0; i < 6; i++) {
        tdm_kit_free(&set[i]);
    }
    tdm_sim_device_close(&dev);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
        return 1;
    }

    /* The campaign: every operation of every flash, before and torn, for an update and a rollback, then
     * second cuts at every operation of the recovery after a seeded sample of first cuts. */
    int quick = getenv("TDM_BENCH_QUICK") != NULL;
    static struct tdm_cutrun_case cases[TDM_DEVICE_CASES];
    static struct tdm_device_case dc[TDM_DEVICE_CASES];
    tdm_device_cases(cases, dc, TDM_DEVICE_CASES);
    struct tdm_campaign_result total = {0};
    uint64_t cuts = 0, failures = 0;
    for (int sc = 0; sc < 2; sc++) { /* the update and the rollback cases, on the runner with their full plan */
        static const uint32_t q[3] = {0, 10, 7};
        struct tdm_cutrun_result r;
        err = run_case(&cases[sc], "W25N-SMALL", q, &r);
        if (err < 0) {
            tdm_device_cases_free(dc, TDM_DEVICE_CASES);
            return fail("campaign", err);
        }
        const struct tdm_campaign_result *t = &dc[sc].tot;
        fprintf(stderr, "campaign %s: ops %llu cuts %llu torn %llu double %llu mixed_boots %llu bricked %llu failures %llu (%.0f s)\n",
                sc ? "rollback" : "update", (unsigned long long)r.ops, (unsigned long long)r.cuts,
                (unsigned long long)r.torn, (unsigned long long)r.seconds, (unsigned long long)t->mixed_boots,
                (unsigned long long)t->bricked, (unsigned long long)r.failures, r.host_s);
        cuts += r.cuts + r.seconds;
        failures += r.failures;
        total.mixed_boots += t->mixed_boots;
        total.bricked += t->bricked;
        total.trial_cuts += t->trial_cuts;
        total.healthy_rejected += t->healthy_rejected;
    }
    /* The update and the rollback on every NAND part the simulator knows, with their full plans. */
    uint64_t part_cuts = 0, part_failures = 0;
    for (int sc = TDM_DEVICE_CASES - 4; sc < TDM_DEVICE_CASES - 2; sc++) { /* the two every-part cases */
        static const uint32_t q[3] = {7, 1, 0};
        for (unsigned i = 0; tdm_cutrun_part(&cases[sc], i, 0); i++) {
            struct tdm_cutrun_result r;
            err = run_case(&cases[sc], tdm_cutrun_part(&cases[sc], i, 0), q, &r);
            if (err < 0) {
                tdm_device_cases_free(dc, TDM_DEVICE_CASES);
                return fail("campaign on every part", err);
            }
            part_cuts += r.cuts + r.seconds;
            part_failures += r.failures;
        }
        total.mixed_boots += dc[sc].tot.mixed_boots;
        total.bricked += dc[sc].tot.bricked;
    }
    /* Each part on the device's NAND bus: the SPI-NAND driver over the chip's SPI model at SPIM4's 32 MHz,
     * with every fault kind (factory and grown bad blocks, bit flips, read disturb, retention); the update and the rollback cases through the SPI
     * driver (the last two device cases), every first cut. */
    static const char *const parts[3][2] = {{"W25N-SMALL", "w25n"}, {"MT29F-SMALL", "mt29f"}, {"GD5F-SMALL", "gd5f"}};
    for (int i = 0; i < 3; i++) {
        uint64_t pcuts = 0, pfailures = 0;
        for (unsigned k = TDM_DEVICE_CASES - 2; k < TDM_DEVICE_CASES; k++) {
            static const uint32_t q[3] = {0, 4, 7};
            struct tdm_cutrun_result r;
            err = run_case(&cases[k], parts[i][0], q, &r);
            if (err < 0) {
                tdm_device_cases_free(dc, TDM_DEVICE_CASES);
                return fail("spi campaign", err);
            }
            pcuts += r.cuts + r.seconds;
            pfailures += r.failures;
        }
        printf("about campaign.boot.%s.cuts update + rollback on %s through the SPI-NAND driver and the SPI model "
               "(32 MHz), bad blocks, grown bad, bit flips, disturb, retention | first + second cuts\n", parts[i][1], parts[i][0]);
        printf("metric campaign.boot.%s.cuts %llu cuts\n", parts[i][1], (unsigned long long)pcuts);
        printf("about campaign.boot.%s.failures goal 0 | runs that booted a mixed set, bricked, or ended wrong\n",
               parts[i][1]);
        printf("metric campaign.boot.%s.failures %llu runs\n", parts[i][1], (unsigned long long)pfailures);
    }
    tdm_device_cases_free(dc, TDM_DEVICE_CASES);
    printf("about campaign.boot.every_part_cuts %s | an update and a rollback on each of the six NAND parts: "
           "every op of every flash, before and torn, + second cuts after 10 sampled first cuts\n",
           quick ? "quick sample" : "full plan");
    printf("metric campaign.boot.every_part_cuts %llu cuts\n", (unsigned long long)part_cuts);
    printf("about campaign.boot.every_part_failures goal 0 | runs of those that failed their check\n");
    printf("metric campaign.boot.every_part_failures %llu runs\n", (unsigned long long)part_failures);
    printf("about campaign.boot.cuts %s | first cuts (every op of every flash, before and torn) + second cuts\n",
           quick ? "quick sample" : "150 sampled first cuts per scenario get every second cut");
    printf("metric campaign.boot.cuts %llu cuts\n", (unsigned long long)cuts);
    printf("about campaign.boot.failures goal 0 | runs that booted a mixed set, bricked, or ended wrong\n");
    printf("metric campaign.boot.failures %llu runs\n", (unsigned long long)failures);
    printf("about campaign.boot.trial_cuts update + rollback | first cuts during a trial or its confirmation\n");
    printf("metric campaign.boot.trial_cuts %llu cuts\n", (unsigned long long)total.trial_cuts);
    printf("about campaign.boot.healthy_rejected goal 0 | runs of the update whose healthy new set ended rejected\n");
    printf("metric campaign.boot.healthy_rejected %llu runs\n", (unsigned long long)total.healthy_rejected);
    printf("about campaign.boot.mixed_boots goal 0 | application starts with images from two packages\n");
    printf("metric campaign.boot.mixed_boots %llu starts\n", (unsigned long long)total.mixed_boots);
    printf("about campaign.boot.bricked goal 0 | runs that never reached a bootable set\n");
    printf("metric campaign.boot.bricked %llu runs\n", (unsigned long long)total.bricked);
    return 0;
}
