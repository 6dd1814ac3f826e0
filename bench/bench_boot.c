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

/* Pages of `len` bytes in `page` pages. */
static uint64_t pages(uint64_t len, uint64_t page)
{
    return (len + page - 1) / page;
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
    struct tdm_kit_set set[4];
    const char *ids[4] = {"v1", "v2", "v3", "v4"}, *vers[4] = {"1.0.0", "2.0.0", "3.0.0", "4.0.0"};
    for (int i = 0; i < 4; i++) {
        struct tdm_kit_spec spec = {.set_id = ids[i], .version = vers[i], .counter = (uint32_t)i + 1,
                                    .app_behavior = i == 3 ? TDM_SIM_CRASH : TDM_SIM_HEALTHY,
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
    /* second update: v2's package is the backup, nothing to capture */
    err = tdm_sim_stage(&dev, set[2].pkg, set[2].pkg_len, 3, &set[2].version);
    tdm_sim_device_power_cycle(&dev);
    uint64_t app_erases0 = dev.app.stats.erases, net_erases0 = dev.net.stats.erases;
    err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
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
    printf("about boot.install_parallel_ratio goal <= 1.05 | that install (CPU time charged, app core 64 MHz) / the "
           "slower core's flash limit (%.0f ms app, %.0f ms net)\n", app_limit_ms, net_limit_ms);
    printf("metric boot.install_parallel_ratio %.4f ratio\n", install_ms / par_limit_ms);
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
    /* Rollback: v4's application crashes on trial; the run after the lock-up restores v3 on both cores,
     * at 64 and at 128 MHz (the same update, restaged on a copy of the device state). */
    err = tdm_sim_stage(&dev, set[3].pkg, set[3].pkg_len, 4, &set[3].version);
    tdm_sim_device_power_cycle(&dev);
    err = err < 0 ? err : tdm_sim_run_once(&dev, &cfg, &run);
    if (err < 0 || run.app != TDM_SIM_APP_RESET) {
        return fail("v4 trial", err < 0 ? err : TDM_E_STATE);
    }
    tdm_sim_device_reset(&dev, run.reset_reason);
    err = tdm_sim_run_once(&dev, &cfg, &run);
    if (err < 0 || run.rep.outcome != TDM_BOOT_RUN_ROLLED_BACK) {
        return fail("rollback", err < 0 ? err : TDM_E_STATE);
    }
    double rollback_ms = run.boot_ns / 1e6;
    printf("about boot.rollback_ms app core 64 MHz | simulated time of the bootloader run that restores the 900 KB + "
           "200 KB set after a failed trial (both cores at once, CPU time charged)\n");
    printf("metric boot.rollback_ms %.0f ms\n", rollback_ms);
    printf("about boot.rollback_parallel_ratio goal <= 1.05 | that rollback / the slower core's flash limit\n");
    printf("metric boot.rollback_parallel_ratio %.4f ratio\n", rollback_ms / par_limit_ms);
    for (int i = 0; i < 4; i++) {
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
    struct tdm_campaign_result total = {0};
    for (int sc = 0; sc < 2; sc++) {
        struct tdm_campaign_opts co = {.scenario = (enum tdm_campaign_scenario)sc, .seed = 1, .first_stride = 1,
                                       .double_firsts = quick ? 10 : 150, .second_stride = quick ? 7 : 1,
                                       .only_torn = -1, .replay = "build/bench/bench_boot (campaign)", .log = stderr};
        struct tdm_campaign_result r;
        err = tdm_campaign_run(&co, &r);
        if (err < 0) {
            return fail("campaign", err);
        }
        fprintf(stderr, "campaign %s: ops %llu cuts %llu torn %llu double %llu mixed_boots %llu bricked %llu failures %llu (%.0f s)\n",
                sc ? "rollback" : "update", (unsigned long long)r.ops, (unsigned long long)r.cuts,
                (unsigned long long)r.torn, (unsigned long long)r.doubles, (unsigned long long)r.mixed_boots,
                (unsigned long long)r.bricked, (unsigned long long)r.failures, r.host_s);
        total.cuts += r.cuts;
        total.torn += r.torn;
        total.doubles += r.doubles;
        total.mixed_boots += r.mixed_boots;
        total.bricked += r.bricked;
        total.failures += r.failures;
        total.trial_cuts += r.trial_cuts;
        total.healthy_rejected += r.healthy_rejected;
    }
    /* Each part on the device's NAND bus: the SPI-NAND driver over the chip's SPI model at SPIM4's 32 MHz,
     * with factory and grown bad blocks and bit flips; an update and a rollback, every first cut. */
    static const char *const parts[3][2] = {{"W25N-SMALL", "w25n"}, {"MT29F-SMALL", "mt29f"}, {"GD5F-SMALL", "gd5f"}};
    for (int i = 0; i < 3; i++) {
        uint64_t cuts = 0, failures = 0;
        for (int sc = 0; sc < 2; sc++) {
            struct tdm_campaign_opts co = {.scenario = (enum tdm_campaign_scenario)sc, .seed = 1, .part = parts[i][0],
                                           .nand_spi_hz = 32000000, .bad_blocks = 10, .bitflip_ppm = 10000,
                                           .grown_bad_ppm = 2000, .first_stride = 1, .double_firsts = quick ? 4 : 40,
                                           .second_stride = quick ? 7 : 1, .only_torn = -1,
                                           .replay = "build/bench/bench_boot (spi campaign)", .log = stderr};
            struct tdm_campaign_result r;
            err = tdm_campaign_run(&co, &r);
            if (err < 0) {
                return fail("spi campaign", err);
            }
            cuts += r.cuts + r.doubles;
            failures += r.failures;
        }
        printf("about campaign.boot.%s.cuts update + rollback on %s through the SPI-NAND driver and the SPI model "
               "(32 MHz), bad blocks, grown bad, bit flips | first + second cuts\n", parts[i][1], parts[i][0]);
        printf("metric campaign.boot.%s.cuts %llu cuts\n", parts[i][1], (unsigned long long)cuts);
        printf("about campaign.boot.%s.failures goal 0 | runs that booted a mixed set, bricked, or ended wrong\n",
               parts[i][1]);
        printf("metric campaign.boot.%s.failures %llu runs\n", parts[i][1], (unsigned long long)failures);
    }
    printf("about campaign.boot.cuts %s | first cuts (every op of every flash, before and torn) + second cuts\n",
           quick ? "quick sample" : "150 sampled first cuts per scenario get every second cut");
    printf("metric campaign.boot.cuts %llu cuts\n", (unsigned long long)(total.cuts + total.doubles));
    printf("about campaign.boot.failures goal 0 | runs that booted a mixed set, bricked, or ended wrong\n");
    printf("metric campaign.boot.failures %llu runs\n", (unsigned long long)total.failures);
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
