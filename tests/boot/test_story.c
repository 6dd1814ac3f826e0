/* The bootloader's promises, one story each: both images installed as one, trial, confirmation, rollback of
 * both cores for every failure behaviour, refusals, re-installs, a missing NAND, faults during install.
 * Every application start is checked by the simulator: both images must come from the same package. */
#include "story_fixture.h"

static struct story S;

static void a_full_update_installs_both_images_and_confirms_them(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED);
    story_stage(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.app == TDM_SIM_APP_CONFIRMED);
    TDM_CHECK(story_runs(&S, "v2"));
    TDM_CHECK(S.run.rep.captured == 1); /* first update: the running v1 was copied to NAND first */
    TDM_CHECK(S.dev.counter == 2);      /* advanced on confirmation */
    /* one erase per application page written */
    TDM_CHECK(S.run.rep.app_pages_erased == S.run.rep.app_pages_written && S.run.rep.app_pages_written > 0);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_CONFIRMED && st.inst_slot != TDM_STORE_NONE);
    /* the bootloader records its own version: the device's fact the fetch agent checks MIN_BOOTLOADER against */
    TDM_CHECK(st.boot_major == TDM_BOOT_VERSION_MAJOR && st.boot_minor == TDM_BOOT_VERSION_MINOR);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED);
    TDM_CHECK(S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void rollback_after(enum tdm_sim_behavior app_b, enum tdm_sim_behavior net_b)
{
    story_open(&S);
    struct tdm_kit_set v2, v3;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_set(&S, &v3, "v3", "3.0.0+1", 3, app_b, net_b);
    story_stage(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2"));
    story_stage(&S, &v3);
    unsigned boots = story_reboot(&S);
    /* boot 1 installs v3 and tries it; it fails; boot 2 restores v2 on both cores */
    TDM_CHECK(boots == 2 && S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_RUNNING);
    TDM_CHECK(S.run.rep.captured == 0); /* v2's package was kept: no capture needed */
    TDM_CHECK(S.dev.counter == 2);      /* v3 never confirmed: the counter did not move */
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_REJECTED && st.nrejected == 1);
    /* v3 is never retried: asking for it again is refused */
    TDM_CHECK_ERR(tdm_sim_stage(&S.dev, v3.pkg, v3.pkg_len, v3.counter, &v3.version), TDM_E_BOOT_REJECTED);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2") && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    tdm_kit_free(&v3);
    story_close(&S);
}

static void an_application_that_crashes_on_trial_is_rolled_back_on_both_cores(void)
{
    rollback_after(TDM_SIM_CRASH, TDM_SIM_HEALTHY);
}

static void an_application_that_hangs_is_rolled_back_after_the_watchdog(void)
{
    rollback_after(TDM_SIM_HANG, TDM_SIM_HEALTHY);
}

static void a_network_image_that_fails_its_health_check_rolls_back_both_cores(void)
{
    rollback_after(TDM_SIM_HEALTHY, TDM_SIM_NETFAIL);
}

static void refused(struct tdm_kit_set *bad, int why)
{
    uint64_t erases = S.dev.app.stats.erases + S.dev.net.stats.erases;
    story_stage(&S, bad);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_REFUSED);
    TDM_CHECK_ERR(S.run.rep.refused_err, why);
    TDM_CHECK(story_runs(&S, "v1"));
    TDM_CHECK(S.dev.app.stats.erases + S.dev.net.stats.erases == erases); /* internal flash untouched */
}

static void a_downgrade_is_refused_by_the_bootloader(void)
{
    story_open(&S);
    struct tdm_kit_set old;
    S.dev.counter = 5; /* the device has confirmed counter 5 before */
    story_set(&S, &old, "v0", "0.9.0+1", 4, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    refused(&old, TDM_E_PKG_DOWNGRADE);
    tdm_kit_free(&old);
    story_close(&S);
}

static void a_package_for_another_hardware_id_is_refused(void)
{
    story_open(&S);
    struct tdm_kit_set other;
    struct tdm_kit_spec spec = {.set_id = "vx", .version = "2.0.0", .counter = 2, .hw_id = 0x1234,
                                .app_size = STORY_APP_SIZE, .net_size = STORY_NET_SIZE, .seed = 5};
    TDM_CHECK_OK(tdm_kit_make(&other, &spec, &S.key, &S.dev.layout));
    refused(&other, TDM_E_PKG_HW_ID);
    tdm_kit_free(&other);
    story_close(&S);
}

static void a_package_whose_network_image_was_swapped_is_refused(void)
{
    story_open(&S);
    struct tdm_kit_set v2, other;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    /* another build of the same version whose network image has exactly the same length (DER signatures
     * vary by a byte or two, so try a few seeds) */
    int found = 0;
    for (uint64_t seed = 1; seed < 40 && !found; seed++) {
        struct tdm_kit_spec spec = {.set_id = "v2b", .version = "2.0.0+1", .counter = 2, .app_size = STORY_APP_SIZE,
                                    .net_size = STORY_NET_SIZE, .seed = 1000 + seed};
        TDM_CHECK_OK(tdm_kit_make(&other, &spec, &S.key, &S.dev.layout));
        found = other.net_len == v2.net_len;
        if (!found) {
            tdm_kit_free(&other);
        }
    }
    TDM_CHECK(found);
    /* v2's package with that network image pasted over its own: a valid MCUboot image, signed, but not
     * the one the manifest names */
    memcpy(v2.pkg + v2.pkg_len - v2.net_len, other.net, other.net_len);
    refused(&v2, TDM_E_PKG_DIGEST);
    tdm_kit_free(&v2);
    tdm_kit_free(&other);
    story_close(&S);
}

static void a_package_signed_with_another_key_is_refused(void)
{
    story_open(&S);
    struct tdm_key other_key;
    TDM_CHECK_OK(tdm_key_from_seed(&other_key, 999));
    struct tdm_kit_set v2;
    struct tdm_kit_spec spec = {.set_id = "v2", .version = "2.0.0", .counter = 2, .app_size = STORY_APP_SIZE,
                                .net_size = STORY_NET_SIZE, .seed = 6};
    TDM_CHECK_OK(tdm_kit_make(&v2, &spec, &other_key, &S.dev.layout));
    refused(&v2, TDM_E_PKG_KEY);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void reinstalling_the_same_version_rewrites_nothing(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2"));
    uint64_t app_erases = S.dev.app.stats.erases, net_erases = S.dev.net.stats.erases;
    story_stage(&S, &v2);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.app == TDM_SIM_APP_CONFIRMED);
    TDM_CHECK(story_runs(&S, "v2"));
    TDM_CHECK(S.dev.app.stats.erases == app_erases && S.dev.net.stats.erases == net_erases);
    TDM_CHECK(S.run.rep.app_pages_skipped > 0 && S.run.rep.app_pages_written == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_missing_nand_never_stops_the_installed_set_from_booting(void)
{
    story_open(&S);
    S.cfg.nand_missing = 1;
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_NO_NAND && story_runs(&S, "v1"));
    TDM_CHECK(S.run.rep.nand_err == TDM_E_IO);
    story_close(&S);
}

static void nand_removed_during_trial_keeps_the_device_booting(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_cut_in_trial(&S, &v2); /* install and trial, but the power goes before the application could confirm */
    S.cfg.nand_missing = 1; /* now the NAND is gone */
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_NO_NAND);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_UNCONFIRMED); /* consistent, not bricked */
    S.cfg.nand_missing = 0; /* back after a power-on: the trial was cut by power loss, so it runs again */
    story_reboot(&S);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_TRIAL);
    TDM_CHECK(S.run.rep.trial_retry == 1 && S.run.app == TDM_SIM_APP_CONFIRMED && story_runs(&S, "v2"));
    TDM_CHECK(S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void bit_flips_and_a_grown_bad_block_during_install_change_nothing(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    S.dev.nand.faults.bitflip_ppm = 20000; /* 2 % of page reads see a flip the on-die ECC corrects */
    S.dev.nand.faults.bitflip_bits = 1;
    S.dev.nand.faults.program_fail_at = S.dev.dom.ops + 3; /* during the capture of v1 */
    story_reboot(&S);
    TDM_CHECK(S.dev.nand.stats.program_fails == 1 && S.dev.nand.stats.ecc_corrected > 0);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && story_runs(&S, "v2"));
    /* and the captured v1 is still good enough to roll back to */
    struct tdm_kit_set v3;
    story_set(&S, &v3, "v3", "3.0.0+1", 3, TDM_SIM_CRASH, TDM_SIM_HEALTHY);
    story_stage(&S, &v3);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK && story_runs(&S, "v2"));
    tdm_kit_free(&v2);
    tdm_kit_free(&v3);
    story_close(&S);
}

static void a_full_security_counter_never_stops_the_device_from_booting(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    S.dev.counter_slots = S.dev.counter_updates; /* the OTP has no update left */
    story_stage(&S, &v2);
    story_reboot(&S);
    /* the confirmation is durable, only the counter could not follow */
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_UNCONFIRMED);
    TDM_CHECK_ERR(S.run.app_err, TDM_E_BOOT_COUNTER_FULL);
    TDM_CHECK(S.dev.counter == 0);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_CONFIRMED && st.counter_due == 2);
    /* every later boot tries the counter again and still boots the confirmed set */
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && story_runs(&S, "v2"));
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a full update installs both images and confirms them", a_full_update_installs_both_images_and_confirms_them},
        {"an application that crashes on trial is rolled back on both cores",
         an_application_that_crashes_on_trial_is_rolled_back_on_both_cores},
        {"an application that hangs is rolled back after the watchdog",
         an_application_that_hangs_is_rolled_back_after_the_watchdog},
        {"a network image that fails its health check rolls back both cores",
         a_network_image_that_fails_its_health_check_rolls_back_both_cores},
        {"a downgrade is refused by the bootloader", a_downgrade_is_refused_by_the_bootloader},
        {"a package for another hardware id is refused", a_package_for_another_hardware_id_is_refused},
        {"a package whose network image was swapped is refused", a_package_whose_network_image_was_swapped_is_refused},
        {"a package signed with another key is refused", a_package_signed_with_another_key_is_refused},
        {"re-installing the same version rewrites nothing", reinstalling_the_same_version_rewrites_nothing},
        {"a missing NAND never stops the installed set from booting",
         a_missing_nand_never_stops_the_installed_set_from_booting},
        {"NAND removed during trial keeps the device booting", nand_removed_during_trial_keeps_the_device_booting},
        {"bit flips and a grown bad block during install change nothing",
         bit_flips_and_a_grown_bad_block_during_install_change_nothing},
        {"a full security counter never stops the device from booting",
         a_full_security_counter_never_stops_the_device_from_booting},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
