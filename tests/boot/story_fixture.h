/* Fixture of the bootloader stories: a simulated nRF5340 (W25N-SMALL NAND) provisioned with set v1,
 * the package key, and helpers to make sets, stage them and ask what runs. */
#ifndef TANDEM_TESTS_STORY_FIXTURE_H
#define TANDEM_TESTS_STORY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "signed_sets.h"
#include "tandem/err.h"

struct story {
    char dir[64];
    struct tdm_sim_device dev;
    struct tdm_key key;
    struct tdm_sim_run_config cfg;
    struct tdm_sim_run run;
    struct tdm_kit_set v1;
};

#define STORY_APP_SIZE 60000
#define STORY_NET_SIZE 20000

static inline void story_set(struct story *s, struct tdm_kit_set *set, const char *id, const char *version,
                             uint32_t counter, enum tdm_sim_behavior app_b, enum tdm_sim_behavior net_b)
{
    struct tdm_kit_spec spec = {.set_id = id, .version = version, .counter = counter, .app_behavior = app_b,
                                .net_behavior = net_b, .app_size = STORY_APP_SIZE, .net_size = STORY_NET_SIZE,
                                .seed = tdm_test_seed() * 131 + counter * 7 + (uint64_t)id[1]};
    TDM_CHECK_OK(tdm_kit_make(set, &spec, &s->key, &s->dev.layout));
}

static inline void story_open(struct story *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/tdm_story_%d", (int)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
    TDM_CHECK(system(cmd) == 0);
    struct tdm_sim_device_opts o = {.part = "W25N-SMALL", .seed = tdm_test_seed()};
    TDM_CHECK_OK(tdm_sim_device_create(&s->dev, s->dir, &o));
    TDM_CHECK_OK(tdm_key_from_seed(&s->key, 77));
    s->cfg.keys = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])s->key.pub;
    s->cfg.nkeys = 1;
    s->cfg.hw_id = TDM_PKG_HW_ID_DEFAULT;
    story_set(s, &s->v1, "v1", "1.0.0+1", 1, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    TDM_CHECK_OK(tdm_sim_provision(&s->dev, s->v1.app, s->v1.app_len, s->v1.net, s->v1.net_len));
}

static inline void story_close(struct story *s)
{
    tdm_kit_free(&s->v1);
    tdm_sim_device_close(&s->dev);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
    TDM_CHECK(system(cmd) == 0);
}

static inline void story_stage(struct story *s, const struct tdm_kit_set *set)
{
    TDM_CHECK_OK(tdm_sim_stage(&s->dev, set->pkg, set->pkg_len, set->counter, &set->version));
}

/* A healthy v2 (counter 2) made and staged, the power cycled: the next run installs it and starts its trial. */
static inline void story_stage_v2(struct story *s, struct tdm_kit_set *v2)
{
    story_set(s, v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(s, v2);
    tdm_sim_device_power_cycle(&s->dev);
}

/* Reboot until stable; returns the number of power-ons. */
static inline unsigned story_reboot(struct story *s)
{
    unsigned boots = 0;
    /* a cut stopped both cores where they stood: no port returned TDM_E_POWER to device code */
    TDM_CHECK_MSG(s->dev.dom.seen_cuts == 0, "%llu port calls returned TDM_E_POWER",
                  (unsigned long long)s->dev.dom.seen_cuts);
    tdm_sim_device_power_cycle(&s->dev);
    TDM_CHECK_OK(tdm_sim_run_until_stable(&s->dev, &s->cfg, &s->run, 8, &boots));
    return boots;
}

/* Both cores run set `id` (the invariant checker identified both images at the last start). */
static inline int story_runs(const struct story *s, const char *id)
{
    size_t n = strlen(id);
    return s->dev.running_valid && s->dev.running[0].set_id_len == n && s->dev.running[1].set_id_len == n &&
           memcmp(s->dev.running[0].set_id, id, n) == 0 && memcmp(s->dev.running[1].set_id, id, n) == 0;
}

/* story_stage_v2, then the run that installs v2 loses power right after v2 started on trial; on return the
 * supply is back and nothing has run since. */
static inline void story_cut_in_trial(struct story *s, struct tdm_kit_set *v2)
{
    story_stage_v2(s, v2);
    s->cfg.cut_after_start = 1;
    TDM_CHECK_ERR(tdm_sim_run_once(&s->dev, &s->cfg, &s->run), TDM_E_POWER);
    TDM_CHECK(s->run.rep.outcome == TDM_BOOT_RUN_TRIAL && story_runs(s, "v2") && s->dev.dom.seen_cuts == 0);
    s->cfg.cut_after_start = 0;
    tdm_sim_device_power_cycle(&s->dev);
}

/* The device's store, mounted afresh with test RAM (valid until the next call). */
static inline struct tdm_store *story_store(struct story *s)
{
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    static struct tdm_nand nand;
    static struct tdm_nand_ops ops;
    TDM_CHECK_OK(tdm_sim_store_mount(&s->dev, &nand, &ops, &store, page_buf));
    return &store;
}

static inline void story_state(struct story *s, struct tdm_bootstate *st)
{
    TDM_CHECK_OK(tdm_bootstate_load(story_store(s), st));
}

/* A fresh story cut right after v2 started on trial (story_cut_in_trial); *st is the record (phase TRIAL)
 * of the returned store. */
static inline struct tdm_store *story_on_trial(struct story *s, struct tdm_kit_set *v2, struct tdm_bootstate *st)
{
    story_open(s);
    story_cut_in_trial(s, v2);
    struct tdm_store *store = story_store(s);
    TDM_CHECK_OK(tdm_bootstate_load(store, st));
    return store;
}

#endif
