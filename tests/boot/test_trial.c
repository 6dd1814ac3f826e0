/* The trial and the reset reason (RESETREAS), one story each: a power loss during the trial or during the
 * confirmation is not the new set's fault and restarts the trial (bounded, counted in the boot-state
 * record); a watchdog, a lock-up or a soft reset of either core is, and rolls both cores back; a device
 * that loses power at every boot still ends on a working set.
 * Replay one case: --case NAME [--cut K --torn 0|1] (the confirmation story). */
#include <stdlib.h>

#include "story_fixture.h"
#include "tandem/err.h"

static struct story S;
static const char *argv0;

static void a_power_cut_before_the_confirmation_restarts_the_trial_and_confirms(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_cut_in_trial(&S, &v2);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_TRIAL && st.trial_retries == 0);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.reset_reasons == 0); /* a power-on reset: RESETREAS empty */
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.rep.trial_retry == 1);
    TDM_CHECK(S.run.app == TDM_SIM_APP_CONFIRMED && story_runs(&S, "v2") && S.dev.counter == 2);
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_CONFIRMED && st.nrejected == 0);
    TDM_CHECK(S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

/* Power fails at operation k of the confirmation (before it or torn inside it); the device must end on
 * v2, confirmed, with the counter at 2. Returns 1 when the cut happened during the confirmation. */
static int confirm_cut(uint32_t k, int torn)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    S.cfg.confirm_cut = k;
    S.cfg.confirm_cut_torn = torn;
    int err = tdm_sim_run_once(&S.dev, &S.cfg, &S.run);
    S.cfg.confirm_cut = 0;
    int cut = err == TDM_E_POWER;
    if (!cut) {
        tdm_sim_device_cut_at(&S.dev, 0, TDM_SIM_CUT_BEFORE); /* past the end of the confirmation: disarm */
    }
    story_reboot(&S);
    struct tdm_bootstate st;
    story_state(&S, &st);
    int ok = (cut || err == 0) && story_runs(&S, "v2") && S.dev.counter == 2 && st.phase == TDM_BS_IDLE &&
             st.last == TDM_BS_LAST_CONFIRMED && st.nrejected == 0 && S.dev.mixed_starts == 0;
    if (!ok) {
        printf("    confirmation cut %u %s failed\n      replay: %s --case 'a cut at every operation of the "
               "confirmation ends confirmed, never rejected' --seed %llu --cut %u --torn %d\n",
               k, torn ? "torn" : "before", argv0, (unsigned long long)tdm_test_seed(), k, torn);
    }
    TDM_CHECK(ok);
    tdm_kit_free(&v2);
    story_close(&S);
    return cut;
}

static void a_cut_at_every_operation_of_the_confirmation_ends_confirmed_never_rejected(void)
{
    const char *one = tdm_test_option("cut"), *t = tdm_test_option("torn");
    if (one) {
        confirm_cut((uint32_t)strtoul(one, NULL, 0), t ? atoi(t) : 0);
        return;
    }
    unsigned cuts = 0;
    for (uint32_t k = 1; k < 64; k++) {
        int a = confirm_cut(k, 0), b = confirm_cut(k, 1);
        if (!a && !b) {
            break; /* past the last operation of the confirmation */
        }
        cuts += (unsigned)(a + b);
    }
    printf("    %u cuts during the confirmation (its record, the store roles, the OTP counter)\n", cuts);
    TDM_CHECK(cuts >= 4); /* the record and the counter at least, before and torn */
}

/* The application on trial resets the device for `why`: both cores must go back to v1. */
static void reset_on_trial_rolls_back(uint32_t why)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    S.cfg.reset_after_start = why;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.app == TDM_SIM_APP_RESET);
    S.cfg.reset_after_start = 0;
    tdm_sim_device_reset(&S.dev, S.run.reset_reason);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.reset_reasons == why);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_ROLLED_BACK);
    TDM_CHECK(story_runs(&S, "v1") && S.dev.counter == 0 && S.dev.resetreas == 0); /* read, then cleared */
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_watchdog_reset_on_trial_rolls_back_both_cores(void)
{
    reset_on_trial_rolls_back(TDM_RESET_DOG0);
}

static void a_lock_up_on_trial_rolls_back_both_cores(void)
{
    reset_on_trial_rolls_back(TDM_RESET_LOCKUP);
}

static void a_soft_reset_on_trial_rolls_back_both_cores(void)
{
    reset_on_trial_rolls_back(TDM_RESET_SREQ);
}

static void a_network_core_watchdog_on_trial_rolls_back_both_cores(void)
{
    reset_on_trial_rolls_back(TDM_RESET_LDOG);
}

/* The application reboots into the bootloader (a soft reset) to install v2; during the trial someone
 * presses the reset pin. The soft reset was the install's, not the trial's: the bootloader cleared it. */
static void a_pin_reset_on_trial_is_retried_and_a_stale_soft_reset_is_not_held_against_it(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    tdm_sim_device_reset(&S.dev, TDM_RESET_SREQ);
    S.cfg.reset_after_start = TDM_RESET_PIN;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.rep.reset_reasons == TDM_RESET_SREQ);
    S.cfg.reset_after_start = 0;
    tdm_sim_device_reset(&S.dev, TDM_RESET_PIN);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK_ERR(S.run.rep.reset_reasons, TDM_RESET_PIN);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.rep.trial_retry == 1);
    TDM_CHECK(S.run.app == TDM_SIM_APP_CONFIRMED && story_runs(&S, "v2"));
    tdm_kit_free(&v2);
    story_close(&S);
}

/* Power fails right after every application start: the trial is restarted `retries` times, then rolled
 * back, and the device ends on v1 with v2 rejected (never stuck). */
static void power_lost_at_every_start(uint8_t retries)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_set(&S, &v2, "v2", "2.0.0+1", 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
    story_stage(&S, &v2);
    S.cfg.cut_after_start = 1;
    S.cfg.trial_retries = retries;
    unsigned want = retries ? retries : TDM_BOOT_TRIAL_RETRIES, boots = 0;
    tdm_sim_device_power_cycle(&S.dev);
    do {
        boots++;
        TDM_CHECK_ERR(tdm_sim_run_once(&S.dev, &S.cfg, &S.run), TDM_E_POWER);
        tdm_sim_device_power_cycle(&S.dev); /* the supply comes back */
        TDM_CHECK(S.run.rep.trial_retry == (boots > 1 && boots <= want + 1 ? boots - 1 : 0));
        struct tdm_bootstate st;
        story_state(&S, &st);
        TDM_CHECK(boots > want + 1 || (st.phase == TDM_BS_TRIAL && st.trial_retries == boots - 1));
    } while (S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && boots < 20);
    TDM_CHECK(boots == want + 2 && S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK && story_runs(&S, "v1"));
    S.cfg.cut_after_start = 0;
    story_reboot(&S);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(story_runs(&S, "v1") && st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_REJECTED);
    TDM_CHECK(S.dev.mixed_starts == 0 && S.dev.counter == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_device_that_loses_power_at_every_trial_ends_on_the_old_set_after_3_retries(void)
{
    power_lost_at_every_start(0);
}

static void the_number_of_retries_is_a_config_field(void)
{
    power_lost_at_every_start(1);
}

static void the_retry_count_is_byte_7_of_the_record_and_older_records_decode_with_0(void)
{
    struct tdm_bootstate st = {.phase = TDM_BS_TRIAL, .inst_slot = 0, .cand_slot = 1, .trial_retries = 2}, back;
    uint8_t rec[TDM_BOOTSTATE_LEN];
    tdm_bootstate_encode(&st, rec);
    TDM_CHECK(rec[0] == 1 && rec[7] == 2);
    TDM_CHECK_OK(tdm_bootstate_decode(rec, sizeof rec, &back));
    TDM_CHECK(back.trial_retries == 2 && back.phase == TDM_BS_TRIAL);
    rec[7] = 0; /* a record written before the count existed: byte 7 was reserved, always 0 */
    TDM_CHECK_OK(tdm_bootstate_decode(rec, sizeof rec, &back));
    TDM_CHECK(back.trial_retries == 0 && back.phase == TDM_BS_TRIAL && back.cand_slot == 1);
}

/* The boot-state record names the bootloader that ran last (the fetch agent checks MIN_BOOTLOADER against
 * it). A record written by a bootloader of the same major and another minor version is rewritten once by
 * this one, and the set boots as before. */
static void a_bootloader_of_another_minor_version_rewrites_the_version_once(void)
{
    story_open(&S);
    story_reboot(&S);
    struct tdm_store *store = story_store(&S);
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(store, &st));
    TDM_CHECK(st.boot_major == TDM_BOOT_VERSION_MAJOR && st.boot_minor == TDM_BOOT_VERSION_MINOR);
    st.boot_minor = (uint8_t)(TDM_BOOT_VERSION_MINOR + 1 + tdm_test_seed() % 200);
    TDM_CHECK_OK(tdm_bootstate_save(store, &st));
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && story_runs(&S, "v1"));
    story_state(&S, &st);
    TDM_CHECK(st.boot_major == TDM_BOOT_VERSION_MAJOR && st.boot_minor == TDM_BOOT_VERSION_MINOR);
    story_close(&S);
}

/* Five sets in a row fail their trial (watchdog): each is rolled back and joins the rejected list, which
 * keeps the newest TDM_BOOTSTATE_REJECTED_MAX (newest first); the oldest falls off. */
static void the_rejected_list_keeps_the_newest_four(void)
{
    story_open(&S);
    uint8_t sha[TDM_BOOTSTATE_REJECTED_MAX + 1][TDM_SHA256_LEN];
    struct tdm_bootstate st;
    for (unsigned k = 0; k <= TDM_BOOTSTATE_REJECTED_MAX; k++) {
        char id[8], version[16];
        snprintf(id, sizeof id, "v%u", k + 2);
        snprintf(version, sizeof version, "2.0.%u+1", k);
        struct tdm_kit_set v;
        story_set(&S, &v, id, version, 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY);
        story_stage(&S, &v);
        tdm_sim_device_power_cycle(&S.dev);
        S.cfg.reset_after_start = TDM_RESET_DOG0;
        TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
        TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.app == TDM_SIM_APP_RESET);
        story_state(&S, &st);
        memcpy(sha[k], st.cand_sha, TDM_SHA256_LEN);
        S.cfg.reset_after_start = 0;
        tdm_sim_device_reset(&S.dev, S.run.reset_reason);
        TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
        TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK && story_runs(&S, "v1"));
        story_state(&S, &st);
        tdm_test_replay_extra("--set %u", k);
        TDM_CHECK(st.nrejected == (k < TDM_BOOTSTATE_REJECTED_MAX ? k + 1 : TDM_BOOTSTATE_REJECTED_MAX));
        tdm_kit_free(&v);
    }
    for (unsigned i = 0; i < TDM_BOOTSTATE_REJECTED_MAX; i++) {
        TDM_CHECK_MSG(memcmp(st.rejected[i], sha[TDM_BOOTSTATE_REJECTED_MAX - i], TDM_SHA256_LEN) == 0, "entry %u", i);
    }
    TDM_CHECK(!tdm_bootstate_is_rejected(&st, sha[0]) && tdm_bootstate_is_rejected(&st, sha[1]));
    story_close(&S);
}

/* Every field of the boot-state record with a value out of its range makes the record corrupt (the
 * bootloader then treats the journal's record as absent), one field at a time. */
static void a_boot_state_record_with_a_field_out_of_range_is_corrupt(void)
{
    struct tdm_bootstate st = {.phase = TDM_BS_TRIAL, .inst_slot = TDM_STORE_SLOT_A, .cand_slot = TDM_STORE_SLOT_B,
                               .nrejected = (uint8_t)(tdm_test_seed() % (TDM_BOOTSTATE_REJECTED_MAX + 1))};
    struct tdm_bootstate back;
    uint8_t rec[TDM_BOOTSTATE_LEN];
    tdm_bootstate_encode(&st, rec);
    TDM_CHECK_OK(tdm_bootstate_decode(rec, sizeof rec, &back));
    TDM_CHECK_ERR(tdm_bootstate_decode(rec, sizeof rec - 1, &back), TDM_E_CORRUPT);
    static const struct {
        const char *what;
        unsigned off;
        uint8_t val;
    } bad[] = {{"format", 0, 2},        {"phase", 1, TDM_BS_REPAIR + 1},   {"step", 2, TDM_BS_STEP_VERIFY + 1},
               {"last", 3, TDM_BS_LAST_REFUSED + 1}, {"installed slot", 4, 2}, {"candidate slot", 5, 3},
               {"rejected count", 6, TDM_BOOTSTATE_REJECTED_MAX + 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t r2[TDM_BOOTSTATE_LEN];
        memcpy(r2, rec, sizeof r2);
        r2[bad[i].off] = bad[i].val;
        tdm_test_replay_extra("--what '%s'", bad[i].what);
        TDM_CHECK_ERR(tdm_bootstate_decode(r2, sizeof r2, &back), TDM_E_CORRUPT);
    }
}

/* The application's transitions in the wrong state are named and write nothing: a request while a set is
 * on trial, a request naming the installed slot, a confirmation with nothing on trial. */
static void requests_and_confirmations_in_the_wrong_state_are_named(void)
{
    struct tdm_kit_set v2;
    struct tdm_bootstate st;
    struct tdm_store *store = story_on_trial(&S, &v2, &st);
    TDM_CHECK(st.phase == TDM_BS_TRIAL);
    TDM_CHECK_ERR(tdm_bootstate_request(store, st.cand_slot, 2, &v2.version), TDM_E_STATE);
    story_reboot(&S); /* the trial goes on and confirms v2 */
    store = story_store(&S);
    TDM_CHECK_OK(tdm_bootstate_load(store, &st));
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.inst_slot != TDM_STORE_NONE);
    TDM_CHECK_ERR(tdm_bootstate_request(store, st.inst_slot, 2, &v2.version), TDM_E_STORE_SLOT);
    TDM_CHECK_ERR(tdm_bootstate_confirm(store, NULL), TDM_E_STATE);
    struct tdm_bootstate after;
    TDM_CHECK_OK(tdm_bootstate_load(store, &after));
    TDM_CHECK(after.phase == TDM_BS_IDLE && after.inst_slot == st.inst_slot && after.inst_gen == st.inst_gen);
    tdm_kit_free(&v2);
    story_close(&S);
}

/* A device whose internal flash holds no image (a blank board, provisioned through its first update) has
 * nothing to go back to: when that first set fails its trial, the bootloader keeps it (a device that boots
 * beats one that does not) and records it as installed. */
static void a_first_set_on_a_blank_device_is_kept_when_its_trial_fails(void)
{
    story_open(&S);
    struct tdm_sim_flash *flash[2] = {&S.dev.app, &S.dev.net};
    const uint32_t base[2] = {S.dev.layout.app_slot.addr, S.dev.layout.net_slot.addr};
    for (int core = 0; core < 2; core++) { /* no MCUboot header on either core */
        memset(flash[core]->mem + base[core] - flash[core]->geo.base, 0xFF, 32);
    }
    struct tdm_kit_set v2;
    story_stage_v2(&S, &v2);
    S.cfg.reset_after_start = TDM_RESET_DOG0;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && !S.run.rep.captured && S.run.app == TDM_SIM_APP_RESET);
    S.cfg.reset_after_start = 0;
    tdm_sim_device_reset(&S.dev, S.run.reset_reason);
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED && story_runs(&S, "v2"));
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_CONFIRMED && st.inst_slot != TDM_STORE_NONE);
    TDM_CHECK(st.cand_slot == TDM_STORE_NONE && st.nrejected == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

/* RESETREAS that cannot be read (the reset port fails): the reason of a reset during the trial is unknown,
 * and an unknown reason counts as the set's failure. The same power cut with a readable, empty register
 * restarts the trial instead ('a power cut before the confirmation restarts the trial and confirms'). */
static void an_unreadable_reset_reason_during_a_trial_rolls_back(void)
{
    story_open(&S);
    struct tdm_kit_set v2;
    story_cut_in_trial(&S, &v2);
    S.cfg.reset_read_fails = 1;
    TDM_CHECK_OK(tdm_sim_run_once(&S.dev, &S.cfg, &S.run));
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK && S.run.rep.trial_retry == 0);
    TDM_CHECK(story_runs(&S, "v1") && S.dev.mixed_starts == 0);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.last == TDM_BS_LAST_REJECTED && st.nrejected == 1);
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    static const struct tdm_scenario s[] = {
        {"a power cut before the confirmation restarts the trial and confirms",
         a_power_cut_before_the_confirmation_restarts_the_trial_and_confirms},
        {"a cut at every operation of the confirmation ends confirmed, never rejected",
         a_cut_at_every_operation_of_the_confirmation_ends_confirmed_never_rejected},
        {"a watchdog reset on trial rolls back both cores", a_watchdog_reset_on_trial_rolls_back_both_cores},
        {"a lock-up on trial rolls back both cores", a_lock_up_on_trial_rolls_back_both_cores},
        {"a soft reset on trial rolls back both cores", a_soft_reset_on_trial_rolls_back_both_cores},
        {"a network-core watchdog on trial rolls back both cores",
         a_network_core_watchdog_on_trial_rolls_back_both_cores},
        {"a pin reset on trial is retried, and a stale soft reset is not held against it",
         a_pin_reset_on_trial_is_retried_and_a_stale_soft_reset_is_not_held_against_it},
        {"a device that loses power at every trial ends on the old set after 3 retries",
         a_device_that_loses_power_at_every_trial_ends_on_the_old_set_after_3_retries},
        {"the number of retries is a config field", the_number_of_retries_is_a_config_field},
        {"the rejected list keeps the newest four", the_rejected_list_keeps_the_newest_four},
        {"an unreadable reset reason during a trial rolls back", an_unreadable_reset_reason_during_a_trial_rolls_back},
        {"a first set on a blank device is kept when its trial fails",
         a_first_set_on_a_blank_device_is_kept_when_its_trial_fails},
        {"a boot-state record with a field out of range is corrupt",
         a_boot_state_record_with_a_field_out_of_range_is_corrupt},
        {"requests and confirmations in the wrong state are named",
         requests_and_confirmations_in_the_wrong_state_are_named},
        {"a bootloader of another minor version rewrites the version once",
         a_bootloader_of_another_minor_version_rewrites_the_version_once},
        {"the retry count is byte 7 of the record, and older records decode with 0",
         the_retry_count_is_byte_7_of_the_record_and_older_records_decode_with_0},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
