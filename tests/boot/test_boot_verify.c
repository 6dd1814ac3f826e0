/* Verify at boot, one story each: before handing over, the bootloader checks both installed images against
 * the digests recorded when they were installed (the images record); a set corrupted outside an update is
 * restored from NAND through the journaled install steps, also when power fails during that repair; a
 * missing NAND still boots what internal flash holds; the check can be turned off.
 * Replay one case: --case NAME [--cut K --torn 0|1] (the repair story). */
#include <stdlib.h>

#include "story_fixture.h"
#include "tandem/err.h"

static struct story S;
static const char *argv0;

/* v2 is installed and confirmed; returns with the device powered off and on again (nothing run yet). */
static void v2_confirmed(struct tdm_kit_set *v2)
{
    story_stage_v2(&S, v2);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_CONFIRMED);
    tdm_sim_device_power_cycle(&S.dev);
}

/* Flip one bit of an installed image in internal flash, as a fault or an attacker outside an update would. */
static void corrupt(enum tdm_sim_core core, uint32_t off)
{
    struct tdm_sim_flash *f = core == TDM_SIM_CORE_APP ? &S.dev.app : &S.dev.net;
    uint32_t base = core == TDM_SIM_CORE_APP ? S.dev.layout.app_slot.addr : S.dev.layout.net_slot.addr;
    f->mem[base + off - f->geo.base] ^= 0x10;
}

static void an_intact_set_is_checked_at_every_boot(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    /* a boot without the check first: what mounting the store alone reads from NAND */
    S.cfg.skip_boot_verify = 1;
    uint64_t nand0 = S.dev.nand.stats.read_bytes;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.verified == 0 && story_runs(&S, "v2"));
    uint64_t mount_bytes = S.dev.nand.stats.read_bytes - nand0;
    S.cfg.skip_boot_verify = 0;
    tdm_sim_device_power_cycle(&S.dev);
    uint64_t erases = S.dev.app.stats.erases + S.dev.net.stats.erases, nand1 = S.dev.nand.stats.read_bytes;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && S.run.rep.verified == 1 && S.run.rep.repaired == 0);
    TDM_CHECK(story_runs(&S, "v2") && S.dev.app.stats.erases + S.dev.net.stats.erases == erases);
    /* the digests come from the images record, not from reading (and checking) the package again */
    TDM_CHECK(S.dev.nand.stats.read_bytes - nand1 - mount_bytes < v2.pkg_len / 2);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void repaired(enum tdm_sim_core core, uint32_t off)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    corrupt(core, off);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && S.run.rep.repaired == 1 && S.run.rep.verified == 1);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_RUNNING && S.dev.mixed_starts == 0);
    if (core == TDM_SIM_CORE_APP) {
        TDM_CHECK(S.run.rep.app_pages_written == 1); /* only the damaged page */
    }
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_CONFIRMED && S.dev.counter == 2);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_flipped_bit_in_the_application_image_is_restored_from_nand_before_it_runs(void)
{
    repaired(TDM_SIM_CORE_APP, STORY_APP_SIZE / 2);
}

static void a_flipped_bit_in_the_network_image_is_restored_through_the_net_boot_stage(void)
{
    repaired(TDM_SIM_CORE_NET, STORY_NET_SIZE / 3);
}

static void a_damaged_application_header_is_restored_too(void)
{
    repaired(TDM_SIM_CORE_APP, 0); /* the MCUboot magic: without the check the device would not boot */
}

/* Power fails at operation k of the repair; the device must end on an intact v2. 1 if the cut happened. */
static int repair_cut(uint64_t k, int torn)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    corrupt(TDM_SIM_CORE_APP, STORY_APP_SIZE / 2);
    corrupt(TDM_SIM_CORE_NET, 100);
    tdm_sim_device_cut_at(&S.dev, S.dev.dom.ops + k, torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    int err = tdm_sim_run_once(&S.dev, &S.cfg, &S.run);
    int cut = err == TDM_E_POWER;
    story_reboot(&S);
    struct tdm_bootstate st;
    story_state(&S, &st);
    int ok = (cut || err == 0) && story_runs(&S, "v2") && st.phase == TDM_BS_IDLE && S.dev.mixed_starts == 0;
    if (ok) { /* one more power-on: intact, nothing to repair */
        tdm_sim_device_power_cycle(&S.dev);
        ok = tdm_sim_run_once(&S.dev, &S.cfg, &S.run) == 0 && S.run.rep.verified && !S.run.rep.repaired;
    }
    if (!ok) {
        printf("    repair cut %llu %s failed\n      replay: %s --case 'a cut at every operation of the repair ends "
               "on the intact set' --seed %llu --cut %llu --torn %d\n",
               (unsigned long long)k, torn ? "torn" : "before", argv0, (unsigned long long)tdm_test_seed(),
               (unsigned long long)k, torn);
    }
    TDM_CHECK(ok);
    tdm_kit_free(&v2);
    story_close(&S);
    return cut;
}

static void a_cut_at_every_operation_of_the_repair_ends_on_the_intact_set(void)
{
    const char *one = tdm_test_option("cut"), *t = tdm_test_option("torn");
    if (one) {
        repair_cut(strtoull(one, NULL, 0), t ? atoi(t) : 0);
        return;
    }
    unsigned cuts = 0;
    for (uint64_t k = 1; k < 200; k++) {
        int a = repair_cut(k, 0), b = repair_cut(k, 1);
        if (!a && !b) {
            break;
        }
        cuts += (unsigned)(a + b);
    }
    printf("    %u cuts during the repair\n", cuts);
    TDM_CHECK(cuts >= 8); /* the REPAIR record, an app page erase and write, net pages, the images record... */
}

static void a_corrupted_candidate_is_installed_again_when_its_trial_restarts(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_cut_in_trial(&S, &v2);
    corrupt(TDM_SIM_CORE_APP, 5000);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.rep.trial_retry == 1 && S.run.rep.repaired == 1);
    TDM_CHECK(S.run.app == TDM_SIM_APP_CONFIRMED && story_runs(&S, "v2") && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_missing_nand_boots_the_installed_set_unverified(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    S.cfg.nand_missing = 1; /* nothing to compare with, nothing to repair from: boot what flash holds */
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_NO_NAND && S.run.rep.verified == 0 && story_runs(&S, "v2"));
    tdm_kit_free(&v2);
    story_close(&S);
}

static void with_the_check_turned_off_a_corrupted_image_reaches_the_application(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    corrupt(TDM_SIM_CORE_APP, STORY_APP_SIZE / 2);
    S.cfg.skip_boot_verify = 1;
    /* the simulator's own check at the application start sees an image whose digest fails */
    TDM_CHECK_ERR(tdm_sim_run_once(&S.dev, &S.cfg, &S.run), TDM_E_BOOT_NO_IMAGE);
    TDM_CHECK(S.run.rep.verified == 0 && S.run.rep.repaired == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_set_installed_before_the_images_record_existed_is_checked_against_its_package(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    /* the latest images record says nothing usable (format 0): as on a device updated by an older bootloader */
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    uint8_t blank[152] = {0};
    TDM_CHECK_OK(tdm_sim_store_mount(&S.dev, &nand, &ops, &store, page_buf));
    TDM_CHECK_OK(tdm_store_journal_append(&store, TDM_BOOT_IMAGES_TYPE, blank, sizeof blank));
    corrupt(TDM_SIM_CORE_NET, 2000);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.repaired == 1 && story_runs(&S, "v2"));
    tdm_kit_free(&v2);
    story_close(&S);
}

/* A record left by a bootloader that copied the two images one after the other: INSTALL at step NET (the
 * application image done, the network image cut half way). This bootloader goes on with the network image
 * alone, leaves app flash as it is, verifies both and starts the trial. */
static void an_install_recorded_at_step_net_resumes_with_the_network_image_alone(void)
{
    struct tdm_kit_set v2;
    struct tdm_bootstate st;
    struct tdm_store *store = story_on_trial(&S, &v2, &st);
    st.phase = TDM_BS_INSTALL;
    st.step = TDM_BS_STEP_NET;
    TDM_CHECK_OK(tdm_bootstate_save(store, &st));
    uint32_t off = 2048 + (uint32_t)(tdm_test_seed() % (STORY_NET_SIZE - 4096));
    corrupt(TDM_SIM_CORE_NET, off);
    tdm_test_replay_extra("(net byte %u)", off);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && story_runs(&S, "v2"));
    TDM_CHECK(S.run.rep.app_pages_erased == 0 && S.run.rep.app_pages_written == 0 && S.run.rep.net_pages_sent > 0);
    const uint8_t *net = tdm_sim_flash_peek(&S.dev.net, S.dev.layout.net_slot.addr, (uint32_t)v2.net_len);
    TDM_CHECK(net && memcmp(net, v2.net, v2.net_len) == 0);
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_TRIAL || st.phase == TDM_BS_IDLE);
    tdm_kit_free(&v2);
    story_close(&S);
}

/* Two faults at once: the application image changed in flash and the installed package's first NAND page
 * went bad. Nothing trustworthy is left to restore from, so the set boots as it is, reported unverified and
 * unrepaired, and nothing is written to internal flash. */
static void a_changed_image_with_its_nand_copy_lost_boots_as_it_is(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    v2_confirmed(&v2);
    struct tdm_store *store = story_store(&S);
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(store, &st));
    TDM_CHECK(st.inst_slot < TDM_STORE_SLOTS && store->slot[st.inst_slot].nblocks > 0);
    uint32_t row = (uint32_t)store->slot[st.inst_slot].map[0] * S.dev.nand.geo.pages_per_block;
    S.dev.nand.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
    uint32_t off = 1024 + (uint32_t)(tdm_test_seed() % (STORY_APP_SIZE / 2));
    corrupt(TDM_SIM_CORE_APP, off);
    tdm_test_replay_extra("(app byte %u)", off);
    /* the bootloader hands over (the net-boot stage accepted BOOT); the simulator then refuses to start an
     * application image whose hash is not that of a set it built */
    TDM_CHECK_ERR(tdm_sim_run_once(&S.dev, &S.cfg, &S.run), TDM_E_BOOT_NO_IMAGE);
    TDM_CHECK(S.run.netboot.booted == 1);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && S.run.rep.verified == 0 && S.run.rep.repaired == 0);
    TDM_CHECK(S.run.rep.app_pages_erased == 0 && S.run.rep.app_pages_written == 0);
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE);
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    static const struct tdm_scenario s[] = {
        {"an intact set is checked at every boot", an_intact_set_is_checked_at_every_boot},
        {"a flipped bit in the application image is restored from NAND before it runs",
         a_flipped_bit_in_the_application_image_is_restored_from_nand_before_it_runs},
        {"a flipped bit in the network image is restored through the net-boot stage",
         a_flipped_bit_in_the_network_image_is_restored_through_the_net_boot_stage},
        {"a damaged application header is restored too", a_damaged_application_header_is_restored_too},
        {"a cut at every operation of the repair ends on the intact set",
         a_cut_at_every_operation_of_the_repair_ends_on_the_intact_set},
        {"a corrupted candidate is installed again when its trial restarts",
         a_corrupted_candidate_is_installed_again_when_its_trial_restarts},
        {"a missing NAND boots the installed set unverified", a_missing_nand_boots_the_installed_set_unverified},
        {"a changed image with its NAND copy lost boots as it is", a_changed_image_with_its_nand_copy_lost_boots_as_it_is},
        {"an install recorded at step NET resumes with the network image alone",
         an_install_recorded_at_step_net_resumes_with_the_network_image_alone},
        {"with the check turned off, a corrupted image reaches the application",
         with_the_check_turned_off_a_corrupted_image_reaches_the_application},
        {"a set installed before the images record existed is checked against its package",
         a_set_installed_before_the_images_record_existed_is_checked_against_its_package},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
