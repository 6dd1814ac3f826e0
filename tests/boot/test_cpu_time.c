/* CPU time on the simulated clock, one story each: SHA-256, CRC-32, copies and P-256 verifications cost
 * the instructions measured on the Cortex-M33 (sim/cpu_cost.c), charged to the core that does the work at
 * that core's clock; a boot that checks the installed set pays for hashing it.
 * Replay one case: --case NAME. */
#include "cpu_cost.h"
#include "story_fixture.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static struct story S;

static uint64_t cost(enum tdm_sim_cost c, uint64_t units)
{
    return tdm_sim_cost(c)->milli_instr * units;
}

static void hashing_is_charged_to_the_core_that_hashes_at_its_clock(void)
{
    struct tdm_sim_domain d;
    tdm_sim_domain_init(&d);
    d.mhz[0] = 128;
    struct tdm_sim_cpu_port p;
    struct tdm_crypto_ops c = tdm_sim_cpu_crypto(&p, &d, tdm_host_crypto());
    static uint8_t data[4096];
    struct tdm_sha256 h;
    uint8_t out[TDM_SHA256_LEN];
    uint64_t want = cost(TDM_SIM_COST_SHA256_HASH, 1) + cost(TDM_SIM_COST_SHA256_CALL, 1) +
                    cost(TDM_SIM_COST_SHA256_BYTE, sizeof data);
    /* on the network core (64 MHz): its line moves, the application core's does not */
    tdm_sim_domain_switch(&d, 1);
    TDM_CHECK_OK(c.sha256_start(c.ctx, &h));
    TDM_CHECK_OK(c.sha256_update(c.ctx, &h, data, sizeof data));
    TDM_CHECK_OK(c.sha256_finish(c.ctx, &h, out));
    TDM_CHECK(tdm_sim_domain_line(&d, 1) == want / 64 && tdm_sim_domain_line(&d, 0) == 0);
    /* the same on the application core at 128 MHz: half the time */
    tdm_sim_domain_switch(&d, 0);
    TDM_CHECK_OK(c.sha256_start(c.ctx, &h));
    TDM_CHECK_OK(c.sha256_update(c.ctx, &h, data, sizeof data));
    TDM_CHECK_OK(c.sha256_finish(c.ctx, &h, out));
    TDM_CHECK(tdm_sim_domain_line(&d, 0) == want / 128);
    TDM_CHECK(tdm_sim_domain_now(&d) == want / 64);
    /* each core's CPU time is added up on its own (the split of bench/bench_boot.c) */
    TDM_CHECK(d.cpu_ns[0] == want / 128 && d.cpu_ns[1] == want / 64);
    /* a wait moves the line up to the signal and counts as waiting, never backwards */
    tdm_sim_domain_wait_until(&d, want / 64 + 1000);
    tdm_sim_domain_wait_until(&d, 5);
    TDM_CHECK(d.wait_ns[0] == want / 64 + 1000 - want / 128 && d.clock_ns == want / 64 + 1000);
}

static void crc_copies_and_a_signature_check_cost_their_measured_instructions(void)
{
    struct tdm_sim_domain d;
    tdm_sim_domain_init(&d);
    struct tdm_cpu_ops cpu = tdm_sim_cpu_ops(&d);
    tdm_cpu_spend(&cpu, TDM_CPU_CRC32_BYTES, 4096);
    TDM_CHECK(d.clock_ns == cost(TDM_SIM_COST_CRC32_BYTE, 4096) / 64);
    uint64_t t = d.clock_ns;
    tdm_cpu_spend(&cpu, TDM_CPU_COPY_BYTES, 4096);
    TDM_CHECK(d.clock_ns - t >= cost(TDM_SIM_COST_COPY_BYTE, 4096) / 64);
    /* one P-256 verification: 8.28 M instructions, 129 ms at 64 MHz */
    struct tdm_sim_cpu_port p;
    struct tdm_crypto_ops c = tdm_sim_cpu_crypto(&p, &d, tdm_host_crypto());
    static const uint8_t pub[TDM_P256_PUBKEY_LEN], hash[TDM_SHA256_LEN], sig[TDM_P256_SIG_LEN];
    t = d.clock_ns;
    TDM_CHECK(c.p256_verify(c.ctx, pub, hash, sig) < 0); /* not a key: refused, and still paid for */
    TDM_CHECK(d.clock_ns - t == 129375000ull);
}

/* One power-on of the story's device with its run config: the bootloader's simulated time. */
static uint64_t boot_time(void)
{
    tdm_sim_device_power_cycle(&S.dev);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    return S.run.boot_ns;
}

/* A power-on of the confirmed v2 with the check of the installed set off, then on: returns the difference. */
static uint64_t verify_cost(uint32_t app_mhz)
{
    S.cfg.app_mhz = app_mhz;
    S.cfg.skip_boot_verify = 1;
    uint64_t plain = boot_time();
    S.cfg.skip_boot_verify = 0;
    boot_time();
    TDM_CHECK(S.run.rep.verified == 1 && story_runs(&S, "v2"));
    return S.run.boot_ns - plain;
}

static void checking_the_installed_set_pays_for_hashing_both_images(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_CONFIRMED);
    uint64_t at64 = verify_cost(64), at128 = verify_cost(128);
    /* each image hashed once by its own core, both at the same time: the net core's hash is hidden behind
     * the app core's (one after the other would cost both); the app core's part halves at 128 MHz */
    uint64_t app_sha = cost(TDM_SIM_COST_SHA256_BYTE, v2.app_len) / 64;
    uint64_t net_sha = cost(TDM_SIM_COST_SHA256_BYTE, v2.net_len) / 64;
    TDM_CHECK(app_sha / 2 > net_sha); /* the app image is the longer hash even at 128 MHz */
    TDM_CHECK(at64 >= app_sha && at64 < app_sha + net_sha);
    TDM_CHECK(at128 >= app_sha / 2 && at128 < app_sha / 2 + net_sha && at128 < at64 - app_sha / 3);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void both_flashes_are_written_at_the_same_time(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    tdm_sim_device_power_cycle(&S.dev);
    struct tdm_sim_flash_stats a0 = S.dev.app.stats, n0 = S.dev.net.stats;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && story_runs(&S, "v2"));
    /* each flash's erase and write time (its NVMC busy) */
    const struct tdm_sim_flash_part *p = tdm_sim_flash_part(TDM_SIM_FLASH_APP);
    uint64_t app = (S.dev.app.stats.erases - a0.erases) * p->t_erase_ns +
                   (S.dev.app.stats.words_written - a0.words_written) * p->t_write_ns;
    uint64_t net = (S.dev.net.stats.erases - n0.erases) * p->t_erase_ns +
                   (S.dev.net.stats.words_written - n0.words_written) * p->t_write_ns;
    /* the whole run (capture, checks and all) took less than the two flashes' busy times one after the
     * other: they overlapped by at least a quarter of the network core's (one after the other: 3.7 s
     * against 1.96 s + 1.18 s of flash; together: 2.5 s) */
    TDM_CHECK(net > 0 && app > net && S.run.boot_ns < app + net * 3 / 4);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void the_bootloader_runs_at_its_clock_and_hands_over_at_the_reset_clock(void)
{
    /* the port: only the application core changes its clock, only to 64 or 128 MHz */
    struct tdm_sim_domain d;
    tdm_sim_domain_init(&d);
    struct tdm_cpu_ops cpu = tdm_sim_cpu_ops(&d);
    TDM_CHECK(cpu.set_mhz(cpu.ctx, 96) == 0 && d.mhz[0] == 64);
    TDM_CHECK(cpu.set_mhz(cpu.ctx, 128) == 64 && d.mhz[0] == 128);
    tdm_sim_domain_switch(&d, 1);
    TDM_CHECK(cpu.set_mhz(cpu.ctx, 128) == 0 && d.mhz[1] == 64);
    /* a power-on that checks the installed set: at run_mhz 128 the app core's hash takes half the time,
     * and the application starts at the reset clock again */
    story_open(&S);
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2"));
    uint64_t at_reset = boot_time();
    S.cfg.boot_mhz = 128;
    boot_time();
    uint64_t app_sha = cost(TDM_SIM_COST_SHA256_BYTE, v2.app_len) / 64;
    TDM_CHECK_MSG(S.run.rep.verified == 1 && S.run.boot_ns + app_sha / 3 < at_reset,
                  "boot at 128 MHz %llu ns, at the reset clock %llu ns", (unsigned long long)S.run.boot_ns,
                  (unsigned long long)at_reset);
    TDM_CHECK(S.dev.dom.mhz[TDM_SIM_CORE_APP] == 64);
    S.cfg.boot_mhz = 0;
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"hashing is charged to the core that hashes, at its clock",
         hashing_is_charged_to_the_core_that_hashes_at_its_clock},
        {"CRC, copies and a signature check cost their measured instructions",
         crc_copies_and_a_signature_check_cost_their_measured_instructions},
        {"checking the installed set pays for hashing both images",
         checking_the_installed_set_pays_for_hashing_both_images},
        {"both flashes are written at the same time", both_flashes_are_written_at_the_same_time},
        {"the bootloader runs at its clock and hands over at the reset clock",
         the_bootloader_runs_at_its_clock_and_hands_over_at_the_reset_clock},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
