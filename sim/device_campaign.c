/* The device power-cut campaign's cases (sim/device_campaign.h). Owns: scenarios, checks, totals, the
 * prepared device of each case. Never: trusts the bootloader's own report for a verdict (it checks the
 * simulated hardware), or a cut loop of its own (sim/cutrun.c runs them). */
#include "device_campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "mem_transport.h"
#include "snapshot.h"
#include "signed_sets.h"
#include "tandem/err.h"
#include "tandem/fetch.h"

struct outcome {
    int err;          /* 0, or why the device did not reach a stable, bootable set */
    unsigned boots;
    uint64_t bus_misuse; /* SPI bus: protocol errors, commands while busy, without WEL, on a locked block */
};

struct tdm_camp {
    const struct tdm_device_case *o;
    struct tdm_campaign_result *r;
    uint64_t seed;
    char part[32];
    int ready;
    char dir[64];
    struct tdm_sim_device dev;
    struct tdm_key key;
    struct tdm_sim_run_config cfg;
    struct tdm_sim_run run;
    struct tdm_sim_snapshot snap, kept; /* before the story; as a first cut left the device */
    int have_kept;
    const char *old_id, *new_id;
    uint32_t old_counter, new_counter;
    /* the story scenario: the packages on the "server" and the fetch agent's RAM */
    struct tdm_kit_set set[3];
    struct tdm_mem_file files[2];
    struct tdm_mem_transport mt;
    struct tdm_fetch agent;
    /* trials of the uncut story: ops (from the snapshot) after which a set started on trial, and the last
     * op of the power-on that confirmed it or not; a first cut in (lo, hi] falls in the trial */
    uint64_t trial_lo[4], trial_hi[4];
    unsigned ntrials;
    struct outcome out;
};

#define URL_V2 "https://updates.example/v2.tdm"
#define URL_V3 "https://updates.example/v3.tdm"
#define MAX_BOOTS 24


static int running(const struct tdm_camp *c, const char *id);

/* The SPI bus since the port was last built (at each power-on and mount): tally, then start again. */
static void bus_tally(struct tdm_camp *c, struct outcome *out)
{
    struct tdm_sim_spinand_stats *b = &c->dev.nand_spi.sim.stats;
    if (c->o->nand_spi_hz) {
        out->bus_misuse += tdm_sim_spinand_misuse(&c->dev.nand_spi.sim);
        c->r->bus_transactions += b->transactions;
        memset(b, 0, sizeof *b);
    }
}

/* The application's own work after a healthy start, in the story scenario: fetch the next package.
 * Returns 1 (a package is PENDING: reboot), 0 (nothing left to do), or an error (a cut unwinds). */
static int app_work(struct tdm_camp *c)
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

/* Boot until the application runs without asking for a reset (at most MAX_BOOTS power-ons); `ops0` is the
 * domain's count when the body started (the uncut body records its trials relative to it). */
static void boot_until_stable(struct tdm_camp *c, uint64_t ops0, int record)
{
    struct outcome *out = &c->out;
    memset(out, 0, sizeof *out);
    out->err = TDM_E_STATE;
    while (out->boots < MAX_BOOTS) {
        out->boots++;
        int err = tdm_sim_run_once(&c->dev, &c->cfg, &c->run);
        bus_tally(c, out);
        if (record && c->run.app_start_op && c->run.rep.outcome == TDM_BOOT_RUN_TRIAL && c->ntrials < 4) {
            c->trial_lo[c->ntrials] = c->run.app_start_op - ops0;
            c->trial_hi[c->ntrials++] = c->dev.dom.ops - ops0;
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
        out->err = err;
        break;
    }
}

static int running(const struct tdm_camp *c, const char *id)
{
    size_t n = strlen(id);
    const struct tdm_sim_device *d = &c->dev;
    return d->running_valid && d->running[0].set_id_len == n && d->running[1].set_id_len == n &&
           !memcmp(d->running[0].set_id, id, n) && !memcmp(d->running[1].set_id, id, n);
}

/* The verdict of one run: NULL when every check passed, else what failed. */
static const char *judge(struct tdm_camp *c, const struct outcome *out)
{
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

/* Build the device of this case on c->part for c->seed: provisioned with v1, the scenario's package staged
 * (or served), then a snapshot every run starts from. */
static int prepare(struct tdm_camp *c)
{
    const struct tdm_device_case *o = c->o;
    snprintf(c->dir, sizeof c->dir, "/tmp/tdm_campaign_%d_%p", (int)getpid(), (void *)c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", c->dir);
    if (system(cmd) != 0) {
        return TDM_E_IO;
    }
    struct tdm_sim_device_opts dopts = {.part = c->part, .bad_blocks = o->bad_blocks, .seed = c->seed,
                                        .nand_spi_hz = o->nand_spi_hz};
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
                                    .net_size = o->net_size ? o->net_size : 20000, .seed = c->seed * 10 + (uint64_t)i};
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
    c->dev.nand.faults.disturb_ppm = o->disturb_ppm;
    c->dev.nand.faults.retention_ppm = o->retention_ppm;
    tdm_sim_device_power_cycle(&c->dev);
    c->dev.mixed_starts = 0;
    err = tdm_sim_snapshot_take(&c->snap, &c->dev);
    c->ready = err >= 0;
    return err;
}

/* Free the prepared device (and its directory). */
static void unprepare(struct tdm_camp *c)
{
    for (int i = 0; i < 3; i++) {
        tdm_kit_free(&c->set[i]);
    }
    if (c->have_kept) {
        tdm_sim_snapshot_free(&c->kept);
    }
    if (c->ready) {
        tdm_sim_snapshot_free(&c->snap);
    }
    tdm_sim_device_close(&c->dev);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", c->dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "campaign: could not remove %s\n", c->dir);
    }
    memset(c, 0, sizeof *c);
}

/* ---- the case of the power-cut runner ---- */

static int case_setup(struct tdm_cutrun *r)
{
    struct tdm_device_case *dc = r->arg;
    if (!dc->camp) {
        dc->camp = calloc(1, sizeof *dc->camp); /* large (a whole device's RAM): not on the stack */
        if (!dc->camp) {
            return TDM_E_BUFFER;
        }
    }
    struct tdm_camp *c = dc->camp;
    if (c->ready && (c->seed != r->seed || strcmp(c->part, r->part) != 0)) {
        unprepare(c);
    }
    if (!c->ready) {
        c->o = dc;
        c->r = &dc->tot;
        c->seed = r->seed;
        snprintf(c->part, sizeof c->part, "%s", r->part);
        int err = prepare(c);
        if (err < 0) {
            unprepare(c);
            return err;
        }
    }
    int err = tdm_sim_snapshot_restore(&c->snap, &c->dev);
    if (err < 0) {
        return err;
    }
    tdm_sim_device_scrub_ram(&c->dev); /* nothing of the previous run's RAM reaches this one */
    r->world = c;
    r->dom = &c->dev.dom;
    for (unsigned i = 0; i < c->ntrials && r->cut && !r->second; i++) {
        c->r->trial_cuts += r->cut > c->trial_lo[i] && r->cut <= c->trial_hi[i];
    }
    return 0;
}

/* The story from the snapshot: boot until stable (a cut unwinds out of it). */
static int case_body(struct tdm_cutrun *r)
{
    struct tdm_camp *c = r->world;
    if (!r->cut) {
        c->ntrials = 0; /* the uncut run records where the trials are */
    }
    boot_until_stable(c, r->dom->ops, !r->cut);
    return 0;
}

static void case_power_on(struct tdm_cutrun *r)
{
    tdm_sim_device_power_cycle(&((struct tdm_camp *)r->world)->dev);
}

/* After a power-on: boot until stable (the recovery; second cuts fall here), then the verdict. */
static int case_check(struct tdm_cutrun *r)
{
    struct tdm_camp *c = r->world;
    boot_until_stable(c, r->dom->ops, 0);
    const struct tdm_sim_stats *now = &c->dev.nand.stats, *then = &c->snap.dev.nand.stats;
    c->r->nand_faults += (now->ecc_corrected - then->ecc_corrected) + (now->program_fails - then->program_fails) +
                         (now->erase_fails - then->erase_fails);
    const char *why = judge(c, &c->out);
    return why ? tdm_cutrun_fail(r, "%s", why) : 0;
}

static int case_keep(struct tdm_cutrun *r)
{
    struct tdm_camp *c = r->world;
    if (c->have_kept) {
        tdm_sim_snapshot_free(&c->kept);
    }
    c->have_kept = tdm_sim_snapshot_take(&c->kept, &c->dev) >= 0;
    return c->have_kept ? 0 : TDM_E_BUFFER;
}

static int case_back(struct tdm_cutrun *r)
{
    struct tdm_camp *c = r->world;
    return tdm_sim_snapshot_restore(&c->kept, &c->dev);
}

static void case_teardown(struct tdm_cutrun *r)
{
    struct tdm_camp *c = r->world;
    if (c && c->have_kept) {
        tdm_sim_snapshot_free(&c->kept);
        c->have_kept = 0;
    }
}

/* The named cases: name, scenario, faults, make check's slice, the full plan (bench/run, make campaign). */
static const struct {
    const char *name;
    enum tdm_campaign_scenario sc;
    uint32_t bad, flips, grown;
    int every_part; /* 0: W25N-SMALL; 1: every part the simulator knows (make check's slice: the three
                     * 64-block ones); 2: the three 64-block parts */
    uint32_t spi_hz; /* 0: the page-level NAND port; else the SPI-NAND driver over the SPI model */
    struct tdm_cutrun_plan slice, full;
} cases[TDM_DEVICE_CASES] = {
    {"device: a cut at any operation of an update leaves all old or all new", TDM_CAMPAIGN_UPDATE, 0, 0, 0, 0, 0,
     {1, 5, 5}, {1, 150, 1}},
    {"device: a cut at any operation of a rollback leaves the old set", TDM_CAMPAIGN_ROLLBACK, 0, 0, 0, 0, 0,
     {1, 4, 5}, {1, 150, 1}},
    {"device: the same with bad blocks, grown bad blocks and bit flips", TDM_CAMPAIGN_UPDATE, 20, 10000, 2000, 0,
     0, {1, 3, 9}, {1, 20, 1}},
    {"device: a cut anywhere in the whole story, from fetch to rollback, is survived", TDM_CAMPAIGN_STORY, 0, 0, 0,
     0, 0, {7, 4, 17}, {1, 40, 1}},
    {"device: the whole story with bad blocks, grown bad blocks and bit flips", TDM_CAMPAIGN_STORY, 20, 5000, 2000,
     0, 0, {31, 1, 37}, {1, 20, 1}},
    {"device: a rollback with bad blocks, grown bad blocks and bit flips", TDM_CAMPAIGN_ROLLBACK, 20, 5000, 2000, 0,
     0, {13, 1, 17}, {1, 20, 1}},
    {"device: an update on every NAND part leaves all old or all new", TDM_CAMPAIGN_UPDATE, 0, 0, 0, 1, 0,
     {3, 2, 9}, {1, 10, 1}},
    {"device: a rollback on every NAND part leaves the old set", TDM_CAMPAIGN_ROLLBACK, 0, 0, 0, 1, 0,
     {3, 2, 9}, {1, 10, 1}},
    {"device: an update through the SPI-NAND driver at 32 MHz leaves all old or all new", TDM_CAMPAIGN_UPDATE, 10,
     10000, 2000, 2, 32000000, {13, 1, 29}, {1, 40, 1}},
    {"device: a rollback through the SPI-NAND driver at 32 MHz leaves the old set", TDM_CAMPAIGN_ROLLBACK, 10,
     10000, 2000, 2, 32000000, {29, 1, 31}, {1, 40, 1}},
};

unsigned tdm_device_cases(struct tdm_cutrun_case *c, struct tdm_device_case *dc, unsigned max)
{
    static const char *const w25n[] = {"W25N-SMALL", NULL};
    static const char *const small[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL", NULL};
    for (unsigned i = 0; i < TDM_DEVICE_CASES && i < max; i++) {
        memset(&dc[i], 0, sizeof dc[i]);
        dc[i].scenario = cases[i].sc;
        dc[i].bad_blocks = cases[i].bad;
        dc[i].bitflip_ppm = cases[i].flips;
        dc[i].grown_bad_ppm = cases[i].grown;
        /* the cases on the device's bus (issue 14) run with every fault kind: read disturb and retention too */
        dc[i].disturb_ppm = dc[i].retention_ppm = cases[i].spi_hz ? 300 : 0;
        dc[i].nand_spi_hz = cases[i].spi_hz;
        struct tdm_cutrun_case k = {
            .name = cases[i].name, .parts = cases[i].every_part == 2 ? small : cases[i].every_part ? NULL : w25n,
            .slice_parts = cases[i].every_part == 1 ? small : NULL, .arg = &dc[i], .setup = case_setup,
            .body = case_body, .power_on = case_power_on, .check = case_check, .teardown = case_teardown,
            .keep = case_keep, .back = case_back, .slice = cases[i].slice, .full = cases[i].full};
        c[i] = k;
    }
    return TDM_DEVICE_CASES;
}

void tdm_device_cases_free(struct tdm_device_case *dc, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (dc[i].camp) {
            if (dc[i].camp->ready) {
                unprepare(dc[i].camp);
            }
            free(dc[i].camp);
            dc[i].camp = NULL;
        }
    }
}
