/* Named scenarios of the store written power-cut-safe (littlefs's reentrant tests): each starts from what
 * the chip holds (mount, or format when the chip is not formatted yet), does its work so that doing it again
 * after a cut finishes it, and ends with its own assertions. The power-cut runner (sim/cutrun.h) runs each
 * as a case on every small part and on the W25N01GV: the body is the scenario, the check after power-on is
 * the same scenario again (its assertions are the verdict), cut again for a sample.
 * Owns: these scenarios and their case glue. Never: a check that only holds without cuts.
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#include <stdlib.h>

#include "cutrun.h"
#include "store_fixture.h"
#include "tandem/le.h"

static struct store_fixture *fx; /* the world of the run in progress */
static uint64_t ram_rng;

static void mount_or_format(void)
{
    int err = tdm_store_mount(&fx->st, &fx->cfg);
    if (err == TDM_E_STORE_UNFORMATTED) {
        err = tdm_store_format(&fx->st, &fx->cfg, false);
    }
    TDM_CHECK_OK(err);
}

static uint32_t latest(uint32_t type)
{
    uint8_t p[8];
    int n = tdm_store_journal_latest(&fx->st, type, p, sizeof p, NULL);
    if (n == TDM_E_NOT_FOUND) {
        return 0;
    }
    TDM_CHECK_MSG(n == 8, "type %u: %s", type, n < 0 ? tdm_errname(n) : "wrong length");
    return tdm_get_le32(p);
}

/* 200 records over five types (several journal compactions): each type's latest record is its last one. */
static void latest_record_of_each_type_survives_cuts(void)
{
    mount_or_format();
    for (uint32_t i = 1; i <= 200; i++) {
        uint32_t t = 1 + i % 5;
        if (latest(t) < i) { /* not durable yet (never written, or cut): write it (again) */
            uint8_t p[8] = {0};
            tdm_put_le32(p, i);
            TDM_CHECK_OK(tdm_store_journal_append(&fx->st, t, p, sizeof p));
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t t = 1; t <= 5; t++) {
            TDM_CHECK_MSG(latest(t) == 196 + (t + 3) % 5, "type %u: latest %u", t, latest(t));
        }
        TDM_CHECK_OK(tdm_store_mount(&fx->st, &fx->cfg));
    }
}

#define LEN 60001u
#define ID 7u

/* Slot `slot` committed with `len` bytes of content `id`: staged from scratch, resumed from its durable bytes
 * after a cut, or left alone when a commit already made it durable. */
static void ensure_committed(unsigned slot, uint32_t id, uint32_t len)
{
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&fx->st, slot, &si));
    if (si.state == TDM_STORE_COMMITTED) {
        return;
    }
    int from = 0;
    if (si.state == TDM_STORE_OPEN) {
        from = tdm_store_resume(&fx->st, slot);
        TDM_CHECK_OK(from);
    } else {
        TDM_CHECK_OK(tdm_store_open(&fx->st, slot));
    }
    TDM_CHECK_OK(fx_write(fx, id, (uint32_t)from, len));
    TDM_CHECK_OK(tdm_store_commit(&fx->st, len, NULL));
}

static void check_slot(unsigned slot, uint32_t id, uint32_t len)
{
    struct tdm_store_slot_info si;
    uint8_t want[32];
    fx_sha(id, len, want);
    TDM_CHECK_OK(tdm_store_slot_info(&fx->st, slot, &si));
    TDM_CHECK_MSG(si.state == TDM_STORE_COMMITTED && si.length == len && !memcmp(si.sha256, want, 32),
                  "slot %u: state %u length %u", slot, si.state, si.length);
    TDM_CHECK_MSG(fx_matches(fx, slot, id, len), "slot %u: bytes differ from content %u", slot, id);
}

/* A slot staged, resumed after a cut from its durable bytes, and committed once: its digest and bytes. */
static void a_slot_resumed_after_cuts_commits_the_right_bytes(void)
{
    mount_or_format();
    ensure_committed(0, ID, LEN);
    TDM_CHECK_OK(tdm_store_mount(&fx->st, &fx->cfg));
    check_slot(0, ID, LEN);
}

/* The slot life of one update as the bootloader and the agent drive it: A installed, B staged and made the
 * candidate, B installed, A cleared. Whatever was cut, the end is B installed with its bytes, A empty and
 * every block that is not B's, a system block or bad, free again. */
static void an_update_cycle_ends_with_b_installed_and_a_free(void)
{
    mount_or_format();
    unsigned inst, cand;
    tdm_store_roles(&fx->st, &inst, &cand);
    if (inst != 1) { /* B not installed yet: the steps before the swap */
        ensure_committed(0, ID, LEN);
        if (inst != 0 && cand != 1) {
            TDM_CHECK_OK(tdm_store_set_roles(&fx->st, 0, TDM_STORE_NONE));
        }
        ensure_committed(1, ID + 1, LEN + 4096);
        TDM_CHECK_OK(tdm_store_set_roles(&fx->st, 0, 1));
        TDM_CHECK_OK(tdm_store_set_roles(&fx->st, 1, TDM_STORE_NONE));
    }
    struct tdm_store_slot_info a;
    TDM_CHECK_OK(tdm_store_slot_info(&fx->st, 0, &a));
    if (a.state != TDM_STORE_EMPTY) {
        TDM_CHECK_OK(tdm_store_clear(&fx->st, 0));
    }
    for (int pass = 0; pass < 2; pass++) { /* as left in RAM, then as found by a mount */
        tdm_store_roles(&fx->st, &inst, &cand);
        TDM_CHECK_MSG(inst == 1 && cand == TDM_STORE_NONE, "roles: installed %u candidate %u", inst, cand);
        check_slot(1, ID + 1, LEN + 4096);
        struct tdm_store_info info;
        TDM_CHECK_OK(tdm_store_info(&fx->st, &info));
        TDM_CHECK_MSG(info.slot[0].state == TDM_STORE_EMPTY, "slot A: state %u", info.slot[0].state);
        uint32_t b_blocks = info.slot[1].blocks;
        TDM_CHECK_MSG(info.free + info.system + info.bad + b_blocks == info.block_count,
                      "pass %d: blocks leaked: free %u system %u bad %u B %u of %u", pass, info.free, info.system,
                      info.bad, b_blocks, info.block_count);
        TDM_CHECK_OK(tdm_store_mount(&fx->st, &fx->cfg));
    }
}

/* A scrub (a corrected bit flip read in slot A, then maintenance) cut anywhere: the slot keeps its bytes,
 * and the run after the cut scrubs again and finishes. */
static void a_scrub_cut_anywhere_keeps_the_slot(void)
{
    mount_or_format();
    ensure_committed(0, ID, LEN);
    uint8_t buf[16];
    fx->chip.faults.bitflip_bits = fx->st.scrub_bits; /* corrected, and at the scrub threshold */
    fx->chip.faults.bitflip_at_read = fx->chip.reads_seen + 1;
    TDM_CHECK_OK(tdm_store_read(&fx->st, 0, 4100, buf, sizeof buf)); /* corrected: the block is noted */
    fx->chip.faults.bitflip_at_read = 0;
    int n = tdm_store_maintain(&fx->st);
    TDM_CHECK_MSG(n == 1, "maintain: %d blocks moved, 1 expected", n);
    TDM_CHECK(tdm_store_maintain(&fx->st) == 0);
    TDM_CHECK_OK(tdm_store_mount(&fx->st, &fx->cfg));
    check_slot(0, ID, LEN);
}

/* ---- the case glue ---- */

static int setup(struct tdm_cutrun *r)
{
    fx = calloc(1, sizeof *fx);
    if (!fx) {
        return TDM_E_BUFFER;
    }
    int err = tdm_sim_nand_create(&fx->chip, tdm_sim_part_find(r->part), 0, r->seed);
    if (err < 0) {
        free(fx);
        fx = NULL;
        return err;
    }
    fx->ops = tdm_sim_nand_ops(&fx->chip);
    err = tdm_nand_init(&fx->nand, &fx->ops);
    fx->cfg.nand = &fx->nand;
    fx->cfg.crypto = tdm_host_crypto();
    fx->cfg.page_buf = fx->page_buf;
    fx->cfg.slot_bytes = 262144;
    fx->rng = r->seed * 977 + 3;
    ram_rng = r->seed ^ r->cut * 0x9E3779B97F4A7C15ull ^ r->second * 0xC2B2AE3D27D4EB4Full ^ (uint64_t)r->torn;
    r->world = fx;
    r->dom = fx->chip.dom;
    return err;
}

static int run_scenario(struct tdm_cutrun *r)
{
    const struct tdm_scenario *sc = r->arg;
    return tdm_test_try(sc->run, r->why, sizeof r->why);
}

/* The power comes back: the store's RAM holds garbage. */
static void power_on(struct tdm_cutrun *r)
{
    tdm_rng_fill(&ram_rng, &fx->st, sizeof fx->st);
    tdm_rng_fill(&ram_rng, fx->page_buf, sizeof fx->page_buf);
    tdm_sim_domain_power_on(r->dom);
}

static void teardown(struct tdm_cutrun *r)
{
    if (fx) {
        tdm_sim_nand_destroy(&fx->chip);
        free(fx);
    }
    fx = NULL;
    r->world = NULL;
}

int main(int argc, char **argv)
{
    static const char *const parts[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL", "W25N01GV", NULL};
    static const struct tdm_scenario s[] = {
        {"store: the latest record of each type survives cuts and compactions",
         latest_record_of_each_type_survives_cuts},
        {"store: a slot resumed after cuts commits the right bytes", a_slot_resumed_after_cuts_commits_the_right_bytes},
        {"store: an update cycle ends with B installed and A free", an_update_cycle_ends_with_b_installed_and_a_free},
        {"store: a scrub cut anywhere keeps the slot", a_scrub_cut_anywhere_keeps_the_slot},
    };
    enum { N = sizeof s / sizeof s[0] };
    struct tdm_cutrun_case c[N];
    for (int i = 0; i < N; i++) {
        struct tdm_cutrun_case k = {.name = s[i].name, .parts = parts, .arg = (void *)&s[i], .setup = setup,
                                    .body = run_scenario, .power_on = power_on, .check = run_scenario,
                                    .teardown = teardown, .slice = {3, 2, 3}, .full = {1, 40, 1}};
        c[i] = k;
    }
    return tdm_cutrun_main(argc, argv, c, N);
}
