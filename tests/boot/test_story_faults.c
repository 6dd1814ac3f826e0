/* The bootloader's fault stories: what happens when the candidate goes bad after the install wrote
 * flash, when an installed image changes after it was written, when the PENDING record names a package
 * rejected before, when a signature is forged under the trusted key's id. Every application start is
 * checked by the simulator: both images must come from the same package.
 * Replay one run: --case NAME --seed S (every fault position derives from the seed). */
#include "story_fixture.h"
#include "tandem/le.h"

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

/* Both images are copied in step APP at once: a cut while the net core programs still leaves step APP. */
static void a_candidate_unreadable_after_a_cut_in_the_network_copy_is_rolled_back_on_both_cores(void)
{
    candidate_unreadable_after_a_cut_in(1, TDM_BS_STEP_APP);
}

static void a_candidate_unreadable_after_a_cut_in_step_app_is_rolled_back_on_both_cores(void)
{
    candidate_unreadable_after_a_cut_in(0, TDM_BS_STEP_APP);
}

/* A progress hook that, at the application copy's first report (flash already written), makes the
 * candidate's page holding its last byte (the network image) read uncorrectable: a NAND page that goes
 * bad in the middle of the install, after the re-check passed. */
struct spoil_later {
    struct tdm_sim_device *dev;
    uint32_t row;
    int done;
};

static void spoil_later_hook(void *arg, int core, uint32_t done, uint32_t total)
{
    struct spoil_later *sp = arg;
    (void)done;
    (void)total;
    if (core == 0 && !sp->done) {
        sp->dev->nand.page_flags[sp->row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        sp->done = 1;
    }
}

static void a_candidate_page_lost_in_the_middle_of_the_install_is_rolled_back_at_once(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK_OK(tdm_sim_store_mount(&S.dev, &nand, &ops, &store, page_buf));
    const struct tdm_nand_geometry *g = &S.dev.nand.geo;
    uint32_t last = (uint32_t)v2.pkg_len - 1, block_bytes = g->page_size * g->pages_per_block;
    TDM_CHECK(last / g->page_size > 0); /* not the header's page */
    struct spoil_later sp = {.dev = &S.dev};
    sp.row = (uint32_t)store.slot[st.cand_slot].map[last / block_bytes] * g->pages_per_block +
             (last % block_bytes) / g->page_size;
    S.cfg.progress = spoil_later_hook;
    S.cfg.progress_arg = &sp;
    unsigned boots = story_reboot(&S);
    S.cfg.progress = NULL;
    TDM_CHECK(sp.done);
    /* the same power-on goes back to v1 on both cores: never a half-installed set waiting for the next one */
    TDM_CHECK(boots == 1);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_ROLLED_BACK);
    TDM_CHECK(story_runs(&S, "v1") && S.run.app == TDM_SIM_APP_RUNNING);
    v1_for_good();
    tdm_kit_free(&v2);
    story_close(&S);
}

/* A progress hook that, once `core` reported `after` chunks, clears one seeded bit of a byte it has
 * already written and read back (a disturb: the cell changes after the copy step's own read-back), so
 * only the final verify of both images can see it. */
struct disturb {
    struct tdm_sim_device *dev;
    int core;
    unsigned after, seen;
    uint32_t addr;
    int done;
};

static void disturb_hook(void *arg, int core, uint32_t done, uint32_t total)
{
    struct disturb *d = arg;
    (void)total;
    if (core != d->core || d->done || d->seen++ != d->after) {
        return;
    }
    struct tdm_sim_flash *f = core == 0 ? &d->dev->app : &d->dev->net;
    uint32_t slot = core == 0 ? d->dev->layout.app_slot.addr : d->dev->layout.net_slot.addr;
    uint64_t r = tdm_test_seed() * 0x9E3779B97F4A7C15ull;
    uint32_t off = TDM_MCUBOOT_NCS_HDR_SIZE + (uint32_t)(r % (done - TDM_MCUBOOT_NCS_HDR_SIZE));
    uint8_t *p = f->mem + (slot + off - f->geo.base);
    for (uint32_t i = 0; i < 64 && *p == 0; i++) {
        p++, off++; /* a byte with a bit left to clear */
    }
    TDM_CHECK(*p != 0);
    uint8_t bit = (uint8_t)(1u << ((r >> 32) % 8));
    while (!(*p & bit)) {
        bit = (uint8_t)(bit << 1 | bit >> 7);
    }
    *p &= (uint8_t)~bit;
    d->addr = slot + off;
    d->done = 1;
}

static void an_image_changed_after_it_was_written(int core)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    struct disturb d = {.dev = &S.dev, .core = core, .after = (unsigned)(tdm_test_seed() % 2)};
    S.cfg.progress = disturb_hook;
    S.cfg.progress_arg = &d;
    story_reboot(&S);
    S.cfg.progress = NULL;
    TDM_CHECK(d.done);
    /* the copy steps passed; the final verify saw the change and restored v1 on both cores */
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_ROLLED_BACK);
    TDM_CHECK(story_runs(&S, "v1") && S.run.app == TDM_SIM_APP_RUNNING);
    v1_for_good();
    tdm_kit_free(&v2);
    story_close(&S);
}

static void an_application_image_changed_after_its_copy_is_caught_by_the_final_verify(void)
{
    an_image_changed_after_it_was_written(0);
}

static void a_network_image_changed_after_its_copy_is_caught_by_the_final_verify(void)
{
    an_image_changed_after_it_was_written(1);
}

/* The record pending_without_request writes: PENDING for the new content, or (a test's choice) the phase
 * a cut can leave behind it and a generation the slot no longer holds. */
static struct {
    uint8_t phase;
    uint32_t gen_delta;
} pending_as = {TDM_BS_PENDING, 0};

/* Write a package into the free slot and record PENDING for it directly, the way a fetch agent that
 * skipped tdm_bootstate_request (or an older one) would: the bootloader must not rely on the request. */
static void pending_without_request(struct story *s, const struct tdm_kit_set *set)
{
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_sim_store_mount(&s->dev, &nand, &ops, &store, page_buf));
    int slot = tdm_store_free_slot(&store);
    TDM_CHECK_OK(slot);
    TDM_CHECK_OK(tdm_store_open(&store, (unsigned)slot));
    TDM_CHECK_OK(tdm_store_write(&store, set->pkg, (uint32_t)set->pkg_len));
    TDM_CHECK_OK(tdm_store_commit(&store, (uint32_t)set->pkg_len, NULL));
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&store, (unsigned)slot, &si));
    TDM_CHECK_OK(tdm_bootstate_load(&store, &st));
    st.phase = pending_as.phase;
    st.step = TDM_BS_STEP_CAPTURE;
    st.cand_slot = (uint8_t)slot;
    st.cand_gen = si.gen + pending_as.gen_delta;
    memcpy(st.cand_sha, si.sha256, TDM_SHA256_LEN);
    st.cand_counter = set->counter;
    st.cand_version = set->version;
    TDM_CHECK_OK(tdm_bootstate_save(&store, &st));
}

static void refused_by_the_bootloader(const struct tdm_kit_set *bad, int why)
{
    uint64_t erases = S.dev.app.stats.erases + S.dev.net.stats.erases;
    uint64_t writes = S.dev.app.stats.writes + S.dev.net.stats.writes;
    pending_without_request(&S, bad);
    story_reboot(&S);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_REFUSED);
    TDM_CHECK_ERR(S.run.rep.refused_err, why);
    TDM_CHECK(S.dev.app.stats.erases + S.dev.net.stats.erases == erases); /* internal flash untouched */
    TDM_CHECK(S.dev.app.stats.writes + S.dev.net.stats.writes == writes);
    TDM_CHECK(S.run.rep.captured == 0 && S.run.rep.app_pages_written == 0 && S.run.rep.net_pages_sent == 0);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_REFUSED && st.refused_err == (uint32_t)-why);
}

static void a_pending_record_for_a_package_rejected_before_is_refused_by_the_bootloader(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_CRASH, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    story_reboot(&S); /* installed, crashed on trial, rolled back: v2 is rejected */
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.last == TDM_BS_LAST_REJECTED && st.nrejected == 1);
    refused_by_the_bootloader(&v2, TDM_E_BOOT_REJECTED);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

/* After the first update the running v1 lives in NAND as a capture; a PENDING record that names the capture's
 * slot (written directly, as by a confused or older agent) is refused by name, and nothing is written. */
static void a_pending_record_naming_a_capture_is_refused_by_name(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_CRASH, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    story_reboot(&S); /* v2 is tried and rolled back: v1 is installed from its capture */
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK);
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    struct tdm_bootstate st;
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_sim_store_mount(&S.dev, &nand, &ops, &store, page_buf));
    TDM_CHECK_OK(tdm_bootstate_load(&store, &st));
    TDM_CHECK(st.inst_slot < TDM_STORE_SLOTS);
    uint8_t magic[4];
    TDM_CHECK_OK(tdm_store_read(&store, st.inst_slot, 0, magic, sizeof magic));
    TDM_CHECK(memcmp(magic, "TDMC", 4) == 0); /* the installed set's copy is a capture */
    TDM_CHECK_OK(tdm_store_slot_info(&store, st.inst_slot, &si));
    st.phase = TDM_BS_PENDING;
    st.step = TDM_BS_STEP_CAPTURE;
    st.cand_slot = st.inst_slot;
    st.cand_gen = si.gen;
    memcpy(st.cand_sha, si.sha256, TDM_SHA256_LEN);
    TDM_CHECK_OK(tdm_bootstate_save(&store, &st));
    uint64_t erases = S.dev.app.stats.erases + S.dev.net.stats.erases;
    uint64_t writes = S.dev.app.stats.writes + S.dev.net.stats.writes;
    story_reboot(&S);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_REFUSED);
    TDM_CHECK_ERR(S.run.rep.refused_err, TDM_E_BOOT_CAPTURE);
    TDM_CHECK(S.dev.app.stats.erases + S.dev.net.stats.erases == erases); /* internal flash untouched */
    TDM_CHECK(S.dev.app.stats.writes + S.dev.net.stats.writes == writes);
    TDM_CHECK(story_runs(&S, "v1") && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_forged_signature_under_the_trusted_key_id_is_refused_and_nothing_is_written(void)
{
    story_open(&S);
    struct tdm_key forger;
    TDM_CHECK_OK(tdm_key_from_seed(&forger, 1000 + tdm_test_seed()));
    struct tdm_kit_set v2;
    struct tdm_kit_spec spec = {.set_id = "v2", .version = "2.0.0+1", .counter = 2, .app_size = STORY_APP_SIZE,
                                .net_size = STORY_NET_SIZE, .seed = tdm_test_seed()};
    TDM_CHECK_OK(tdm_kit_make(&v2, &spec, &forger, &S.dev.layout));
    /* the signature block names the device's trusted key; r||s are the forger's */
    uint32_t sig = TDM_PKG_HEADER_LEN + tdm_get_le32(v2.pkg + 8);
    tdm_key_id(&S.key, v2.pkg + sig + 4);
    story_reboot(&S);
    refused_by_the_bootloader(&v2, TDM_E_PKG_SIG);
    TDM_CHECK(story_runs(&S, "v1"));
    tdm_kit_free(&v2);
    story_close(&S);
}

/* A damaged candidate found at INSTALL / step CAPTURE (the record a cut right after the install started
 * leaves) is refused like a PENDING one: internal flash was not touched, there is nothing to roll back. A
 * PENDING record naming content the slot no longer holds (another generation) is refused by name. */
static void a_candidate_failing_before_the_first_flash_write_is_refused_not_rolled_back(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    v2.pkg[v2.pkg_len - 1 - tdm_test_seed() % 16] ^= 0x04; /* in the network image's TLV area */
    pending_as.phase = TDM_BS_INSTALL;
    refused_by_the_bootloader(&v2, TDM_E_PKG_DIGEST);
    pending_as.phase = TDM_BS_PENDING;
    v2.pkg[v2.pkg_len - 1 - tdm_test_seed() % 16] ^= 0x04;
    pending_as.gen_delta = 1;
    refused_by_the_bootloader(&v2, TDM_E_STORE_SLOT);
    pending_as.gen_delta = 0;
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a candidate unreadable after a cut in the network copy is rolled back on both cores",
         a_candidate_unreadable_after_a_cut_in_the_network_copy_is_rolled_back_on_both_cores},
        {"a candidate unreadable after a cut in step APP is rolled back on both cores",
         a_candidate_unreadable_after_a_cut_in_step_app_is_rolled_back_on_both_cores},
        {"a candidate page lost in the middle of the install is rolled back at once",
         a_candidate_page_lost_in_the_middle_of_the_install_is_rolled_back_at_once},
        {"an application image changed after its copy is caught by the final verify",
         an_application_image_changed_after_its_copy_is_caught_by_the_final_verify},
        {"a network image changed after its copy is caught by the final verify",
         a_network_image_changed_after_its_copy_is_caught_by_the_final_verify},
        {"a PENDING record for a package rejected before is refused by the bootloader",
         a_pending_record_for_a_package_rejected_before_is_refused_by_the_bootloader},
        {"a PENDING record naming a capture is refused by name", a_pending_record_naming_a_capture_is_refused_by_name},
        {"a candidate failing before the first flash write is refused, not rolled back",
         a_candidate_failing_before_the_first_flash_write_is_refused_not_rolled_back},
        {"a forged signature under the trusted key id is refused and nothing is written",
         a_forged_signature_under_the_trusted_key_id_is_refused_and_nothing_is_written},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
