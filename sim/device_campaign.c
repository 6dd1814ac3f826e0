/* The device power-cut campaign (sim/device_campaign.h). Owns: scenarios, cut loops, checks, totals.
 * Never: trusts the bootloader's own report for a verdict (it checks the simulated hardware). */
#include "device_campaign.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"
#include "mem_transport.h"
#include "snapshot.h"
#include "signed_sets.h"
#include "tandem/err.h"
#include "tandem/fetch.h"

struct camp {
    const struct tdm_campaign_opts *o;
    struct tdm_campaign_result *r;
    char dir[64];
    struct tdm_sim_device dev;
    struct tdm_key key;
    struct tdm_sim_run_config cfg;
    struct tdm_sim_run run;
    struct tdm_sim_snapshot snap;
    const char *old_id, *new_id;
    uint32_t old_counter, new_counter;
    FILE *log;
    /* the story scenario: the packages on the "server" and the fetch agent's RAM */
    struct tdm_kit_set set[3];
    struct tdm_mem_file files[2];
    struct tdm_mem_transport mt;
    struct tdm_fetch agent;
    /* trials of the uncut story: ops (from the snapshot) after which a set started on trial, and the last
     * op of the power-on that confirmed it or not; a first cut in (lo, hi] falls in the trial */
    uint64_t trial_lo[4], trial_hi[4];
    unsigned ntrials;
};

#define URL_V2 "https://updates.example/v2.tdm"
#define URL_V3 "https://updates.example/v3.tdm"
#define MAX_BOOTS 24

struct outcome {
    int cut_seen;
    unsigned power_losses; /* power cuts that happened during the run */
    uint64_t rec_start, rec_ops;
    int err;          /* 0, or why the device did not reach a stable, bootable set */
    unsigned boots;
    uint64_t bus_misuse; /* SPI bus: protocol errors, commands while busy, without WEL, on a locked block */
};

/* The SPI bus since the port was last built (at each power-on and mount): tally, then start again. */
static void bus_tally(struct camp *c, struct outcome *out)
{
    struct tdm_sim_spinand_stats *b = &c->dev.nand_spi.sim.stats;
    if (c->o->nand_spi_hz) {
        out->bus_misuse += tdm_sim_spinand_misuse(&c->dev.nand_spi.sim);
        c->r->bus_transactions += b->transactions;
        memset(b, 0, sizeof *b);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int running(const struct camp *c, const char *id);

/* The application's own work after a healthy start, in the story scenario: fetch the next package.
 * Returns 1 (a package is PENDING: reboot), 0 (nothing left to do), or an error (TDM_E_POWER: a cut). */
static int app_work(struct camp *c)
{
    if (c->o->scenario != TDM_CAMPAIGN_STORY) {
        return 0;
    }
    const char *url = running(c, "v1") ? URL_V2 : running(c, "v2") ? URL_V3 : NULL;
    if (!url) {
        return 0;
    }
    int err = tdm_sim_store_mount(&c->dev, &c->run.app_nand, &c->run.nand_ops, &c->run.app_store, c->run.page_buf);
    struct tdm_fetch_config fc = {
        .transport = tdm_mem_transport(&c->mt),
        .clock = tdm_sim_device_clock(&c->dev),
        .crypto = tdm_sim_crypto(),
        .counter = tdm_sim_device_counter(&c->dev),
        .keys = c->cfg.keys,
        .nkeys = c->cfg.nkeys,
        .hw_id = c->cfg.hw_id,
        .app_max = c->dev.layout.app_slot.size,
        .net_max = c->dev.layout.net_slot.size,
        .app_addr = c->dev.layout.app_slot.addr,
        .net_addr = c->dev.layout.net_slot.addr,
        .bootloader_version = {.major = TDM_BOOT_VERSION_MAJOR, .minor = TDM_BOOT_VERSION_MINOR},
    };
    err = err < 0 ? err : tdm_fetch_run(&c->agent, &fc, &c->run.app_store, url, NULL);
    if (err == TDM_E_BOOT_REJECTED) {
        return 0; /* the server still offers the package the device rejected: nothing to do */
    }
    return err < 0 ? err : 1;
}

/* After a power cut: power on again; the first cut starts the recovery, where a second cut may be armed. */
static void after_cut(struct camp *c, struct outcome *out, uint64_t second, int torn2)
{
    out->power_losses++;
    tdm_sim_device_power_cycle(&c->dev);
    if (!out->cut_seen) {
        out->cut_seen = 1;
        out->rec_start = c->dev.dom.ops;
        if (second) {
            tdm_sim_device_cut_at(&c->dev, c->dev.dom.ops + second, torn2 ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
        }
    }
}

/* Restore, arm the cuts, and boot until the application runs without asking for a reset. */
static void play(struct camp *c, uint64_t first, int torn1, uint64_t second, int torn2, struct outcome *out)
{
    memset(out, 0, sizeof *out);
    tdm_sim_snapshot_restore(&c->snap, &c->dev);
    tdm_sim_device_scrub_ram(&c->dev); /* nothing of the previous run's RAM reaches this one */
    if (first) {
        tdm_sim_device_cut_at(&c->dev, c->dev.dom.ops + first, torn1 ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    }
    out->rec_start = c->dev.dom.ops;
    out->err = TDM_E_STATE;
    while (out->boots < MAX_BOOTS) {
        out->boots++;
        int err = tdm_sim_run_once(&c->dev, &c->cfg, &c->run);
        bus_tally(c, out);
        if (!first && c->run.app_start_op && c->run.rep.outcome == TDM_BOOT_RUN_TRIAL && c->ntrials < 4) {
            c->trial_lo[c->ntrials] = c->run.app_start_op - out->rec_start;
            c->trial_hi[c->ntrials++] = c->dev.dom.ops - out->rec_start;
        }
        if (err >= 0 && c->run.app == TDM_SIM_APP_RESET) {
            tdm_sim_device_reset(&c->dev, c->run.reset_reason); /* a reset keeps an armed cut armed */
            continue;
        }
        if (err >= 0) {
            err = app_work(c);
            bus_tally(c, out);
            if (err == 1) {
                tdm_sim_device_reset(&c->dev, TDM_RESET_SREQ); /* the app reboots into the bootloader */
                continue;
            }
        }
        if (err == TDM_E_POWER) {
            after_cut(c, out, second, torn2);
            continue;
        }
        out->err = err;
        break;
    }
    out->rec_ops = c->dev.dom.ops - out->rec_start;
    const struct tdm_sim_stats *now = &c->dev.nand.stats, *then = &c->snap.dev.nand.stats;
    c->r->nand_faults += (now->ecc_corrected - then->ecc_corrected) + (now->program_fails - then->program_fails) +
                         (now->erase_fails - then->erase_fails);
}

static int running(const struct camp *c, const char *id)
{
    size_t n = strlen(id);
    const struct tdm_sim_device *d = &c->dev;
    return d->running_valid && d->running[0].set_id_len == n && d->running[1].set_id_len == n &&
           !memcmp(d->running[0].set_id, id, n) && !memcmp(d->running[1].set_id, id, n);
}

/* The verdict of one run: NULL when every check passed, else what failed. */
static const char *judge(struct camp *c, const struct outcome *out, uint64_t first, uint64_t second)
{
    if (first && (!out->cut_seen || (second && out->power_losses < 2))) {
        return "an armed cut never happened (the campaign itself is broken)";
    }
    if (c->dev.mixed_starts) {
        c->r->mixed_boots += c->dev.mixed_starts;
        return "an application start saw a mixed set";
    }
    if (out->bus_misuse) {
        return "the SPI-NAND driver misused the bus";
    }
    if (out->err < 0) {
        c->r->bricked++;
        return out->err == TDM_E_STATE ? "no stable boot within 24 power-ons" : tdm_strerror(out->err);
    }
    int is_new = running(c, c->new_id), is_old = running(c, c->old_id);
    if (!is_new && !is_old) {
        return "runs neither the old nor the new set";
    }
    if (is_new && c->o->scenario == TDM_CAMPAIGN_ROLLBACK) {
        return "kept a set whose application crashes";
    }
    if (c->dev.counter != (is_new ? c->new_counter : c->old_counter)) {
        return "security counter does not match the running set";
    }
    /* one more power-on without cuts: the same set, nothing left to do */
    tdm_sim_device_power_cycle(&c->dev);
    int err = tdm_sim_run_once(&c->dev, &c->cfg, &c->run);
    if (err < 0 || c->run.rep.outcome != TDM_BOOT_RUN_INSTALLED || c->run.app != TDM_SIM_APP_RUNNING ||
        !running(c, is_new ? c->new_id : c->old_id) || c->dev.mixed_starts) {
        if (err < 0) {
            c->r->bricked++;
        }
        return "the next power-on did not boot the same set quietly";
    }
    is_new ? c->r->ended_new++ : c->r->ended_old++;
    c->r->healthy_rejected += !is_new && c->o->scenario != TDM_CAMPAIGN_ROLLBACK;
    return NULL;
}

static void report(struct camp *c, const char *why, uint64_t first, int torn1, uint64_t second, int torn2)
{
    c->r->failures++;
    fprintf(c->log, "FAIL %s: cut %llu %s", why, (unsigned long long)first, torn1 ? "torn" : "before");
    if (second) {
        fprintf(c->log, ", then cut %llu of the recovery %s", (unsigned long long)second, torn2 ? "torn" : "before");
    }
    fprintf(c->log, "\n  replay: %s --scenario %s --seed %llu --cut %llu --torn %d", c->o->replay ? c->o->replay : "",
            c->o->scenario == TDM_CAMPAIGN_UPDATE ? "update" : c->o->scenario == TDM_CAMPAIGN_ROLLBACK ? "rollback" : "story",
            (unsigned long long)c->o->seed,
            (unsigned long long)first, torn1);
    if (second) {
        fprintf(c->log, " --second %llu --second-torn %d", (unsigned long long)second, torn2);
    }
    fprintf(c->log, "\n");
}

static void one(struct camp *c, uint64_t first, int torn1, uint64_t second, int torn2, struct outcome *out)
{
    for (unsigned i = 0; i < c->ntrials && first && !second; i++) {
        c->r->trial_cuts += first > c->trial_lo[i] && first <= c->trial_hi[i];
    }
    play(c, first, torn1, second, torn2, out);
    const char *why = judge(c, out, first, second);
    if (why) {
        report(c, why, first, torn1, second, torn2);
    }
}

static int setup(struct camp *c)
{
    const struct tdm_campaign_opts *o = c->o;
    snprintf(c->dir, sizeof c->dir, "/tmp/tdm_campaign_%d_%llu", (int)getpid(), (unsigned long long)o->seed);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", c->dir);
    if (system(cmd) != 0) {
        return TDM_E_IO;
    }
    struct tdm_sim_device_opts dopts = {.part = o->part ? o->part : "W25N-SMALL", .bad_blocks = o->bad_blocks,
                                        .seed = o->seed, .nand_spi_hz = o->nand_spi_hz};
    int err = tdm_sim_device_create(&c->dev, c->dir, &dopts);
    /* the RAM of both cores' code: garbage at every power-on and reset, so nothing survives a cut in it */
    err = err < 0 ? err : tdm_sim_device_add_ram(&c->dev, &c->run, sizeof c->run);
    err = err < 0 ? err : tdm_sim_device_add_ram(&c->dev, &c->agent, sizeof c->agent);
    err = err < 0 ? err : tdm_key_from_seed(&c->key, 77);
    if (err < 0) {
        return err;
    }
    c->cfg.keys = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])c->key.pub;
    c->cfg.nkeys = 1;
    c->cfg.hw_id = TDM_PKG_HW_ID_DEFAULT;
    struct tdm_kit_set *set = c->set;
    static const char *ids[3] = {"v1", "v2", "v3"}, *vers[3] = {"1.0.0+1", "2.0.0+1", "3.0.0+1"};
    for (int i = 0; i < 3; i++) {
        struct tdm_kit_spec spec = {.set_id = ids[i], .version = vers[i], .counter = (uint32_t)i + 1,
                                    .app_behavior = i == 2 ? TDM_SIM_CRASH : TDM_SIM_HEALTHY,
                                    .app_size = o->app_size ? o->app_size : 60000,
                                    .net_size = o->net_size ? o->net_size : 20000, .seed = o->seed * 10 + (uint64_t)i};
        err = err < 0 ? err : tdm_kit_make(&set[i], &spec, &c->key, &c->dev.layout);
    }
    err = err < 0 ? err : tdm_sim_provision(&c->dev, set[0].app, set[0].app_len, set[0].net, set[0].net_len);
    if (err >= 0 && o->scenario == TDM_CAMPAIGN_STORY) {
        c->files[0] = (struct tdm_mem_file){URL_V2, set[1].pkg, set[1].pkg_len, "\"v2\""};
        c->files[1] = (struct tdm_mem_file){URL_V3, set[2].pkg, set[2].pkg_len, "\"v3\""};
        c->mt.files = c->files;
        c->mt.nfiles = 2;
    } else {
        err = err < 0 ? err : tdm_sim_stage(&c->dev, set[1].pkg, set[1].pkg_len, 2, &set[1].version);
    }
    if (err >= 0 && o->scenario == TDM_CAMPAIGN_ROLLBACK) {
        tdm_sim_device_power_cycle(&c->dev);
        err = tdm_sim_run_until_stable(&c->dev, &c->cfg, &c->run, 8, NULL);
        err = err < 0 ? err : (running(c, "v2") ? 0 : TDM_E_STATE);
        err = err < 0 ? err : tdm_sim_stage(&c->dev, set[2].pkg, set[2].pkg_len, 3, &set[2].version);
    }
    if (err < 0) {
        return err;
    }
    int from_v1 = o->scenario != TDM_CAMPAIGN_ROLLBACK;
    c->old_id = from_v1 ? "v1" : "v2";
    c->new_id = from_v1 ? "v2" : "v3";
    c->old_counter = from_v1 ? c->dev.counter : 2;
    c->new_counter = from_v1 ? 2 : 3;
    c->dev.nand.faults.bitflip_ppm = o->bitflip_ppm;
    c->dev.nand.faults.bitflip_bits = 1;
    c->dev.nand.faults.program_fail_ppm = o->grown_bad_ppm;
    c->dev.nand.faults.erase_fail_ppm = o->grown_bad_ppm;
    tdm_sim_device_power_cycle(&c->dev);
    c->dev.mixed_starts = 0;
    return tdm_sim_snapshot_take(&c->snap, &c->dev);
}

static void teardown(struct camp *c)
{
    for (int i = 0; i < 3; i++) {
        tdm_kit_free(&c->set[i]);
    }
    tdm_sim_snapshot_free(&c->snap);
    tdm_sim_device_close(&c->dev);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", c->dir);
    if (system(cmd) != 0) {
        fprintf(c->log, "campaign: could not remove %s\n", c->dir);
    }
}

static void doubles(struct camp *c, uint64_t k)
{
    const struct tdm_campaign_opts *o = c->o;
    uint64_t rng = o->seed * 0x2545F4914F6CDD1Dull + 7;
    uint32_t stride = o->second_stride ? o->second_stride : 1;
    uint32_t n = o->double_firsts < k * 2 ? o->double_firsts : (uint32_t)(k * 2);
    struct outcome out;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t pick = (uint64_t)tdm_rng_below(&rng, (uint32_t)(k * 2));
        uint64_t first = pick / 2 + 1;
        int torn1 = (int)(pick & 1);
        play(c, first, torn1, 0, 0, &out); /* learn how long the recovery is */
        for (uint64_t s = 1; s <= out.rec_ops; s += stride) {
            for (int torn2 = 0; torn2 < 2; torn2++) {
                struct outcome o2;
                one(c, first, torn1, s, torn2, &o2);
                c->r->doubles++;
            }
        }
    }
}

int tdm_campaign_run(const struct tdm_campaign_opts *o, struct tdm_campaign_result *r)
{
    static struct camp c; /* large (a whole device's RAM): not on the stack */
    memset(&c, 0, sizeof c);
    memset(r, 0, sizeof *r);
    c.o = o;
    c.r = r;
    c.log = o->log ? o->log : stderr;
    double t0 = now_s();
    int err = setup(&c);
    if (err < 0) {
        teardown(&c);
        return err;
    }
    struct outcome out;
    one(&c, 0, 0, 0, 0, &out); /* the uncut story: must end with the expected set */
    r->ops = out.rec_ops;
    if (o->only_cut) {
        int t = o->only_torn < 0 ? 0 : o->only_torn;
        one(&c, o->only_cut, t, o->only_second, o->only_second_torn, &out);
        r->cuts++;
        r->torn += (uint64_t)t;
        r->doubles += o->only_second != 0;
    } else {
        uint32_t stride = o->first_stride ? o->first_stride : 1;
        for (uint64_t n = 1; n <= r->ops; n += stride) {
            for (int torn = 0; torn < 2; torn++) {
                one(&c, n, torn, 0, 0, &out);
                r->cuts++;
                r->torn += (uint64_t)torn;
            }
        }
        doubles(&c, r->ops);
    }
    r->host_s = now_s() - t0;
    teardown(&c);
    return 0;
}
