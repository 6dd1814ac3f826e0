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
 * hashing to the slot's digest; and the record idle (nothing left half done). */
static void installed_copy_whole(uint64_t k)
{
    struct tdm_store *store = story_store(&S);
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(store, &st));
    TDM_CHECK_MSG(st.phase == TDM_BS_IDLE && st.inst_slot < TDM_STORE_SLOTS, "fault at %llu: phase %u inst %u",
                  (unsigned long long)k, st.phase, st.inst_slot);
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

static void story_done(struct tdm_kit_set *sets, int nsets)
{
    for (int i = 0; i < nsets; i++) {
        tdm_kit_free(&sets[i]);
    }
    story_close(&S);
}

/* A program and an erase failure both armed at operation k (an operation is one or the other, so at most
 * one fires), then the power-ons and the invariants, then one more power-on that must change nothing.
 * Returns 1 when the fault fired (op k was a NAND program or erase of the bootloader). */
static int fault_at(const struct story_kind *sk, int nsets, uint64_t k)
{
    struct tdm_kit_set sets[2];
    memset(sets, 0, sizeof sets);
    tdm_test_replay_extra("--at %llu", (unsigned long long)k);
    sk->setup(sets);
    S.dev.nand.faults.program_fail_at = k;
    S.dev.nand.faults.erase_fail_at = k;
    struct span sp[MAX_SPANS];
    int n = power_ons(sp);
    TDM_CHECK_MSG(n > 0, "fault at %llu: %s (bricked or mixed)", (unsigned long long)k, tdm_errname(n));
    int fired = (int)(S.dev.nand.stats.program_fails + S.dev.nand.stats.erase_fails);
    const char *end = story_runs(&S, sk->ends[0]) ? sk->ends[0] : sk->ends[1];
    TDM_CHECK_MSG(S.dev.mixed_starts == 0 && end && story_runs(&S, end), "fault at %llu: %s runs neither %s nor %s",
                  (unsigned long long)k, S.dev.running_valid ? "the device" : "nothing", sk->ends[0],
                  sk->ends[1] ? sk->ends[1] : "-");
    ended_old += fired && end == sk->ends[0];
    installed_copy_whole(k);
    tdm_sim_device_power_cycle(&S.dev);
    TDM_CHECK_MSG(power_ons(sp) == 1 && story_runs(&S, end) && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED,
                  "fault at %llu: the next power-on does not simply run %s (outcome %d)", (unsigned long long)k, end,
                  (int)S.run.rep.outcome);
    installed_copy_whole(k);
    story_done(sets, nsets);
    return fired > 0;
}

/* The clean story's bootloader spans, then a fault at every operation of them (or only --at K). */
static void sweep(const struct story_kind *sk, int nsets)
{
    const char *one = tdm_test_option("at");
    if (one) {
        fault_at(sk, nsets, strtoull(one, NULL, 0));
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
            fired += (unsigned)fault_at(sk, nsets, k);
        }
    }
    tdm_test_replay_extra("");
    printf("    %s: %d power-ons, %u bootloader operations, %u NAND failures injected: %u end on %s, %u refusals\n",
           sk->name, n, ops, fired, ended_old, sk->ends[0], refusals);
    TDM_CHECK(fired >= 8); /* the sweep reached the NAND: captures, records, roles */
}

static void a_nand_failure_at_any_operation_of_an_install_leaves_one_whole_set(void)
{
    static const struct story_kind k = {"install", install_setup, {"v1", "v2"}};
    sweep(&k, 1);
}

static void a_nand_failure_at_any_operation_of_a_rollback_leaves_the_old_set(void)
{
    static const struct story_kind k = {"rollback", rollback_setup, {"v2", NULL}};
    sweep(&k, 2);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a NAND failure at any operation of an install leaves one whole set",
         a_nand_failure_at_any_operation_of_an_install_leaves_one_whole_set},
        {"a NAND failure at any operation of a rollback leaves the old set",
         a_nand_failure_at_any_operation_of_a_rollback_leaves_the_old_set},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
