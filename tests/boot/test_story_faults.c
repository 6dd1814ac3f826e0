/* The bootloader's fault stories: what happens when the candidate goes bad after the install wrote
 * flash, when an installed image changes after it was written, when the PENDING record names a package
 * rejected before, when a signature is forged under the trusted key's id. Every application start is
 * checked by the simulator: both images must come from the same package.
 * Replay one run: --case NAME --seed S (every fault position derives from the seed). */
#include "story_fixture.h"

static struct story S;

/* A progress hook that arms a power cut at the next mutating operation once `core` has copied
 * `after` chunks (0 = after its first progress report): the cut falls inside that core's copy step. */
struct cut_in_step {
    struct tdm_sim_device *dev;
    int core;
    unsigned after, seen;
    int armed;
};

static void cut_in_step_hook(void *arg, int core, uint32_t done, uint32_t total)
{
    struct cut_in_step *c = arg;
    (void)done;
    (void)total;
    if (core == c->core && !c->armed && c->seen++ == c->after) {
        tdm_sim_device_cut_at(c->dev, c->dev->dom.ops + 1, TDM_SIM_CUT_BEFORE);
        c->armed = 1;
    }
}

/* The candidate's first NAND page reads uncorrectable from now on (a page that went bad in the field). */
static void spoil_candidate(struct story *s, const struct tdm_bootstate *st)
{
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    TDM_CHECK_OK(tdm_sim_store_mount(&s->dev, &nand, &ops, &store, page_buf));
    TDM_CHECK(st->cand_slot < TDM_STORE_SLOTS && store.slot[st->cand_slot].nblocks > 0);
    uint32_t row = (uint32_t)store.slot[st->cand_slot].map[0] * s->dev.nand.geo.pages_per_block;
    s->dev.nand.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
}

/* Both cores run v1 at every later power-on, nothing was mixed, and v2 is remembered as rejected. */
static void v1_for_good(void)
{
    for (int i = 0; i < 3; i++) {
        story_reboot(&S);
        TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED);
    }
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_REJECTED && st.nrejected == 1);
    TDM_CHECK(S.dev.mixed_starts == 0);
}

static void candidate_unreadable_after_a_cut_in(int core, enum tdm_boot_step want_step)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    /* the cut falls after a seeded number of chunks of the step's copy */
    struct cut_in_step cut = {.dev = &S.dev, .core = core, .after = (unsigned)(tdm_test_seed() % 3)};
    S.cfg.progress = cut_in_step_hook;
    S.cfg.progress_arg = &cut;
    tdm_sim_device_power_cycle(&S.dev);
    TDM_CHECK_ERR(tdm_sim_run_once(&S.dev, &S.cfg, &S.run), TDM_E_POWER);
    S.cfg.progress = NULL;
    TDM_CHECK(cut.armed);
    tdm_sim_device_power_cycle(&S.dev);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_INSTALL && st.step == want_step);
    spoil_candidate(&S, &st);
    story_reboot(&S);
    /* the re-check fails after flash was written: both images are restored, never refused half-way */
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_ROLLED_BACK);
    TDM_CHECK(story_runs(&S, "v1") && S.run.app == TDM_SIM_APP_RUNNING);
    v1_for_good();
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_candidate_unreadable_after_a_cut_in_step_net_is_rolled_back_on_both_cores(void)
{
    candidate_unreadable_after_a_cut_in(1, TDM_BS_STEP_NET);
}

static void a_candidate_unreadable_after_a_cut_in_step_app_is_rolled_back_on_both_cores(void)
{
    candidate_unreadable_after_a_cut_in(0, TDM_BS_STEP_APP);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a candidate unreadable after a cut in step NET is rolled back on both cores",
         a_candidate_unreadable_after_a_cut_in_step_net_is_rolled_back_on_both_cores},
        {"a candidate unreadable after a cut in step APP is rolled back on both cores",
         a_candidate_unreadable_after_a_cut_in_step_app_is_rolled_back_on_both_cores},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
