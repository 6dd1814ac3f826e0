/* The whole bootloader on the emulated Cortex-M33 (QEMU mps2-an505): tdm_boot_run with the real ECDSA
 * P-256 verifier and SHA-256 (the board's crypto port), the device's SPI-NAND driver over the simulated
 * chip, RAM-backed internal flash of both cores, the OTP security counter, and the net-boot stage reached
 * through the transfer protocol (tests/target/boot_rig.h says how each one is modelled). The packages are
 * real: built and signed on the host at build time (boot_story_gen.c, tests/target/boot_story_sets.h) and
 * read through semihosting from the directory given as `--sets DIR`; the test stages them into the chip
 * through the driver, as the fetch agent would.
 * The story: v1 installed from NAND at first power-on; v2 installed on both cores, on trial, confirmed;
 * v3 fails its trial and v2 comes back on both cores; a v2 with one wrong signature byte is refused;
 * power cuts in the middle of the v2 install end on a consistent set. At every application start the
 * simulator checks that both images come from one package.
 * Owns: the story's checks. Never: a package made here (the host makes and signs them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_rig.h"
#include "boot_story_sets.h"
#include "harness.h"
#include "rng.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define MAX_BOOTS 8
#define MAX_FILE (256u * 1024u)
#define SIG_FLIP 40u    /* the byte of the signature (r || s) the refused package gets wrong */

static struct rig R;
static struct tdm_sim_snapshot snap; /* the device with v2 staged, before the install */
static uint8_t key[1][TDM_P256_PUBKEY_LEN];
static struct {
    uint8_t *b;
    size_t n;
} pkg[BST_SETS];

/* DIR/name through semihosting (newlib's librdimon: SYS_OPEN / SYS_READ on the host). */
static uint8_t *load(const char *name, size_t *n)
{
    const char *dir = tdm_test_option("sets");
    TDM_CHECK_MSG(dir != NULL, "give the generator's directory: --sets DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("      cannot open %s\n", path);
    }
    TDM_CHECK(f != NULL);
    uint8_t *b = malloc(MAX_FILE);
    TDM_CHECK(b != NULL);
    *n = fread(b, 1, MAX_FILE, f);
    fclose(f);
    TDM_CHECK_MSG(*n > 0 && *n < MAX_FILE, "%.40s: %u bytes", name, (unsigned)*n);
    return b;
}

/* A blank device trusting the story's key; the packages read once. The replay line names the directory. */
static void setup(void)
{
    const char *dir = tdm_test_option("sets");
    tdm_test_replay_extra("--sets %s", dir ? dir : "DIR");
    if (!pkg[0].b) {
        size_t n = 0;
        uint8_t *k = load(BST_KEY_FILE, &n);
        TDM_CHECK(n == TDM_P256_PUBKEY_LEN);
        memcpy(key[0], k, n);
        free(k);
        for (unsigned i = 0; i < BST_SETS; i++) {
            char name[32];
            snprintf(name, sizeof name, "%s.pkg", bst_sets[i].id);
            pkg[i].b = load(name, &pkg[i].n);
        }
    }
    TDM_CHECK_OK(rig_open(&R, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key, tdm_test_seed()));
}

static int stage_bytes(unsigned set, const uint8_t *b, size_t n)
{
    return rig_stage(&R, b, n, bst_sets[set].counter, &bst_sets[set].version);
}

/* Power off and on, then power-ons until stable; returns their number. */
static unsigned reboot(void)
{
    unsigned boots = 0;
    tdm_sim_device_power_cycle(&R.dev);
    TDM_CHECK_OK(rig_run_until_stable(&R, MAX_BOOTS, &boots));
    return boots;
}

static void check_state(uint8_t phase, uint8_t last)
{
    struct tdm_bootstate st;
    TDM_CHECK_OK(rig_state(&R, &st));
    TDM_CHECK_MSG(st.phase == phase && st.last == last, "phase %u last %u", st.phase, st.last);
}

/* set runs, installed earlier: the bootloader checked it against its record and handed it over. */
static void check_steady(unsigned set)
{
    reboot();
    TDM_CHECK(R.rep.outcome == TDM_BOOT_RUN_INSTALLED && R.rep.verified == 1 && R.app == RIG_APP_RUNNING);
    TDM_CHECK(rig_runs(&R, bst_sets[set].id) && R.dev.mixed_starts == 0 && rig_bus_clean(&R));
}

/* Stage `set` and reboot: installed on both cores, on trial, confirmed by the application. */
static void update_to(unsigned set)
{
    TDM_CHECK_OK(stage_bytes(set, pkg[set].b, pkg[set].n));
    uint64_t verifies = R.verifies, verified = R.verified;
    TDM_CHECK(reboot() == 1);
    /* the package's signature, by the device's verifier (the manifest binds both images' hashes) */
    TDM_CHECK_MSG(R.verified - verified == 1 && R.verifies - verifies == 1,
                  "%u ECDSA verifications, %u passed", (unsigned)(R.verifies - verifies),
                  (unsigned)(R.verified - verified));
    TDM_CHECK_MSG(R.rep.outcome == TDM_BOOT_RUN_TRIAL && R.app == RIG_APP_CONFIRMED, "outcome %d app %d",
                  (int)R.rep.outcome, (int)R.app);
    TDM_CHECK(rig_runs(&R, bst_sets[set].id));
    TDM_CHECK(R.rep.app_pages_written > 0 && R.rep.app_pages_erased == R.rep.app_pages_written);
    TDM_CHECK(R.rep.net_pages_sent > 0 && R.rep.captured == 0);
    TDM_CHECK_MSG(R.dev.counter == bst_sets[set].counter, "counter %u", (unsigned)R.dev.counter);
    check_state(TDM_BS_IDLE, TDM_BS_LAST_CONFIRMED);
}

static void v1_is_installed_from_nand_at_first_power_on(void)
{
    setup();
    update_to(BST_V1);
    check_steady(BST_V1);
}

static void v2_is_installed_on_both_cores_confirmed_and_runs(void)
{
    setup();
    update_to(BST_V1);
    update_to(BST_V2);
    check_steady(BST_V2);
}

static void v3_fails_its_trial_and_v2_is_restored_on_both_cores(void)
{
    setup();
    update_to(BST_V1);
    update_to(BST_V2);
    TDM_CHECK_OK(stage_bytes(BST_V3, pkg[BST_V3].b, pkg[BST_V3].n));
    /* power-on 1 installs v3 and starts it: it crashes (lock-up); power-on 2 restores v2 */
    TDM_CHECK(reboot() == 2);
    TDM_CHECK(R.rep.outcome == TDM_BOOT_RUN_ROLLED_BACK && (R.rep.reset_reasons & TDM_RESET_LOCKUP) != 0);
    TDM_CHECK(rig_runs(&R, "v2") && R.app == RIG_APP_RUNNING && R.dev.mixed_starts == 0);
    TDM_CHECK(R.rep.app_pages_written > 0 && R.rep.net_pages_sent > 0);
    TDM_CHECK(R.dev.counter == bst_sets[BST_V2].counter); /* v3 never confirmed */
    check_state(TDM_BS_IDLE, TDM_BS_LAST_REJECTED);
    TDM_CHECK_ERR(stage_bytes(BST_V3, pkg[BST_V3].b, pkg[BST_V3].n), TDM_E_BOOT_REJECTED); /* never retried */
    check_steady(BST_V2);
}

static void a_v2_with_a_wrong_signature_byte_is_refused_and_v1_runs(void)
{
    setup();
    update_to(BST_V1);
    static uint8_t bad[MAX_FILE];
    size_t n = pkg[BST_V2].n;
    memcpy(bad, pkg[BST_V2].b, n);
    uint32_t sig = 16u + tdm_get_le32(bad + 8) + 36u; /* docs/FORMAT.md: header, manifest, block, r || s */
    bad[sig + SIG_FLIP] ^= 0x01;
    TDM_CHECK_OK(stage_bytes(BST_V2, bad, n));
    uint64_t erases = R.dev.app.stats.erases + R.dev.net.stats.erases;
    uint64_t verifies = R.verifies, verified = R.verified;
    reboot();
    TDM_CHECK(R.verifies - verifies == 1 && R.verified == verified); /* the package signature: refused */
    TDM_CHECK_MSG(R.rep.outcome == TDM_BOOT_RUN_REFUSED && R.rep.refused_err == TDM_E_PKG_SIG, "outcome %d: %s",
                  (int)R.rep.outcome, tdm_errname(R.rep.refused_err));
    TDM_CHECK(rig_runs(&R, "v1") && R.dev.counter == bst_sets[BST_V1].counter);
    TDM_CHECK(R.dev.app.stats.erases + R.dev.net.stats.erases == erases); /* internal flash untouched */
    check_state(TDM_BS_IDLE, TDM_BS_LAST_REFUSED);
    check_steady(BST_V1);
}

/* Cut k: operation first + k / 2 of the run, before it (k even) or torn inside it (k odd); every third
 * cut is followed by a second one during the recovery. The device must end on v2, whole and confirmed,
 * with no application start on a mixed set on the way. */
static void cut_once(uint64_t first, unsigned k)
{
    uint64_t seed = tdm_test_seed() * 0x9E37u + k;
    uint64_t at = first + k / 2;
    enum tdm_sim_cut mode = (k & 1) ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE;
    uint32_t again = k % 3 == 2 ? 1 + tdm_rng_below(&seed, 60) : 0;
    char what[80];
    snprintf(what, sizeof what, "cut at operation %llu %s, second cut +%u", (unsigned long long)at,
             mode ? "torn" : "before", (unsigned)again);
    tdm_test_replay_extra("--sets %s --cut %u", tdm_test_option("sets"), k);
    TDM_CHECK_OK(rig_restore(&R, &snap));
    tdm_sim_device_cut_at(&R.dev, at, mode);
    int err = rig_run_once(&R);
    TDM_CHECK_MSG(err == TDM_E_POWER, "%s: %s", what, tdm_errname(err));
    tdm_sim_device_power_cycle(&R.dev);
    if (again) {
        tdm_sim_device_cut_at(&R.dev, R.dev.dom.ops + again, mode);
        err = rig_run_once(&R); /* the cut may land after the application started, or not at all */
        TDM_CHECK_MSG(err == TDM_E_POWER || err == 0, "%s: %s", what, tdm_errname(err));
    }
    reboot();
    TDM_CHECK_MSG(rig_runs(&R, "v2") && R.dev.mixed_starts == 0, "%s", what);
    TDM_CHECK_MSG(R.dev.counter == bst_sets[BST_V2].counter, "%s: counter %u", what, (unsigned)R.dev.counter);
    check_state(TDM_BS_IDLE, TDM_BS_LAST_CONFIRMED);
    check_steady(BST_V2);
}

static uint64_t nand_ops(void)
{
    return R.dev.nand.stats.programs + R.dev.nand.stats.erases;
}

static uint64_t flash_ops(const struct tdm_sim_flash *f)
{
    return f->stats.writes + f->stats.erases;
}

/* Every mutating operation of the power-on that installs v2 and confirms it (NAND programs and erases,
 * both flashes' writes and erases, the OTP write of the counter), cut before and torn. */
static void power_cuts_in_the_v2_install_end_on_a_consistent_set(void)
{
    setup();
    update_to(BST_V1);
    TDM_CHECK_OK(stage_bytes(BST_V2, pkg[BST_V2].b, pkg[BST_V2].n));
    tdm_sim_device_power_cycle(&R.dev);
    tdm_sim_snapshot_free(&snap); /* a failed run of this scenario may have left one */
    TDM_CHECK_OK(tdm_sim_snapshot_take(&snap, &R.dev));
    uint64_t n0 = nand_ops(), a0 = flash_ops(&R.dev.app), w0 = flash_ops(&R.dev.net), o0 = R.dev.otp.stats.writes;
    TDM_CHECK_OK(rig_run_once(&R)); /* without a cut: its operations are boot_op + 1 .. dom.ops */
    TDM_CHECK(R.rep.outcome == TDM_BOOT_RUN_TRIAL && R.app == RIG_APP_CONFIRMED);
    uint64_t first = R.boot_op + 1, n = R.dev.dom.ops - R.boot_op;
    printf("      %llu operations (%llu before the application starts): NAND (%s) %llu, app flash %llu, net "
           "flash %llu, OTP %llu\n", (unsigned long long)n, (unsigned long long)(R.app_op - R.boot_op), R.dev.nand.part->name,
           (unsigned long long)(nand_ops() - n0), (unsigned long long)(flash_ops(&R.dev.app) - a0),
           (unsigned long long)(flash_ops(&R.dev.net) - w0), (unsigned long long)(R.dev.otp.stats.writes - o0));
    TDM_CHECK(R.app_op > R.boot_op && R.dev.otp.stats.writes > o0 && flash_ops(&R.dev.net) > w0);
    const char *only = tdm_test_option("cut");
    for (unsigned k = 0; k < 2 * n; k++) {
        if (!only || strtoul(only, NULL, 0) == k) {
            cut_once(first, k);
        }
    }
    printf("      %llu cuts, %llu of them with a second cut\n", (unsigned long long)(2 * n),
           (unsigned long long)(2 * n / 3));
    tdm_sim_snapshot_free(&snap);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"v1 is installed from NAND at first power-on", v1_is_installed_from_nand_at_first_power_on},
        {"v2 is installed on both cores, confirmed, and runs", v2_is_installed_on_both_cores_confirmed_and_runs},
        {"v3 fails its trial and v2 is restored on both cores", v3_fails_its_trial_and_v2_is_restored_on_both_cores},
        {"a v2 with a wrong signature byte is refused and v1 runs", a_v2_with_a_wrong_signature_byte_is_refused_and_v1_runs},
        {"power cuts in the v2 install end on a consistent set", power_cuts_in_the_v2_install_end_on_a_consistent_set},
    };
    int status = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    rig_close(&R);
    return status;
}
