/* The delta path's CPU work on the simulated clock (docs/DELTA.md "CPU time"): what the fetch agent reports
 * through cfg.cpu while it rebuilds a package, and what the simulator charges for it (sim/cpu_cost.c).
 * Scenarios: a delta fetch reports one decoder unit per byte a patch emitted, one copy and one CRC-32 byte
 * per rebuilt byte; a full download reports none of them; the simulator charges a decoder byte at its
 * measured cost on the core's clock. Corpus pairs packed as tandem sets (tests/fetch/agent_delta_fixture.h).
 * Replay: --case NAME --seed S --fw DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_delta_fixture.h"
#include "cpu_cost.h"
#include "harness.h"
#include "tandem/le.h"

static struct adx_rig rig;

/* Units reported per kind of work (enum tdm_cpu_work). */
struct spy {
    uint64_t units[3];
    uint64_t other; /* a kind this test does not know */
};

static void spy_spend(void *ctx, enum tdm_cpu_work work, uint32_t n)
{
    struct spy *s = ctx;
    if ((unsigned)work < 3) {
        s->units[work] += n;
    } else {
        s->other += n;
    }
}

static const char *fw(void)
{
    const char *d = tdm_test_option("fw");
    d = d ? d : "tests/data/firmware";
    tdm_test_replay_extra("--fw %.150s", d);
    return d;
}

/* Bytes the patches of a delta package rebuild: the out_len (patch header offset 12) of each patch entry. */
static uint64_t patch_output(const struct afx_pkg *delta)
{
    const uint8_t *b = delta->buf;
    uint32_t count = b[52];
    size_t at = TDM_DELTA_PKG_HDR_LEN + tdm_get_le32(b + 48);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < count && at + TDM_DELTA_PKG_ENTRY_LEN <= delta->len; i++) {
        uint32_t len = tdm_get_le32(b + at + 4);
        if (b[at] == TDM_DELTA_ENTRY_PATCH) {
            sum += tdm_get_le32(b + at + TDM_DELTA_PKG_ENTRY_LEN + 12);
        }
        at += TDM_DELTA_PKG_ENTRY_LEN + len;
    }
    return sum;
}

/* Fetch `url` for the pair 4.1.1 -> 4.1.2 with the spy as cfg.cpu; committed bit-exact. */
static void fetch_with_spy(const char *url, struct spy *s, struct adx_pair *p)
{
    TDM_CHECK_OK(adx_pair_make(p, fw(), 2, 3));
    TDM_CHECK_OK(adx_setup(&rig, p, &p->delta, tdm_test_seed()));
    memset(s, 0, sizeof *s);
    rig.cfg.cpu = (struct tdm_cpu_ops){.ctx = s, .spend = spy_spend};
    struct tdm_fetch_result r;
    TDM_CHECK_OK(tdm_fetch_run(&rig.dev.agent, &rig.cfg, &rig.dev.store, url, &r));
    TDM_CHECK(afx_slot_equals(&rig.dev, TDM_STORE_SLOT_B, &p->full));
}

static void a_delta_fetch_reports_the_decoder_per_byte_a_patch_emitted(void)
{
    struct adx_pair p;
    struct spy s;
    fetch_with_spy(ADX_DELTA_URL, &s, &p);
    uint64_t want = patch_output(&p.delta);
    printf("    %llu of %zu rebuilt bytes came out of patches\n", (unsigned long long)want, p.full.len);
    TDM_CHECK(want > p.full.len / 2); /* the corpus pair is rebuilt by patches, not sent whole */
    TDM_CHECK_MSG(s.units[TDM_CPU_DELTA_OUT_BYTES] == want, "decoder bytes %llu, want %llu",
                  (unsigned long long)s.units[TDM_CPU_DELTA_OUT_BYTES], (unsigned long long)want);
    /* every rebuilt byte (prefix included) is copied into the transfer buffer once and added to the CRC-32
     * of the accepted output once: nothing was skipped, nothing restarted */
    TDM_CHECK(s.units[TDM_CPU_COPY_BYTES] == p.full.len);
    TDM_CHECK(s.units[TDM_CPU_CRC32_BYTES] == p.full.len);
    TDM_CHECK(s.other == 0);
    adx_pair_free(&p);
}

static void a_full_download_reports_no_delta_work(void)
{
    struct adx_pair p;
    struct spy s;
    fetch_with_spy(ADX_FULL_URL, &s, &p);
    TDM_CHECK(s.units[TDM_CPU_DELTA_OUT_BYTES] == 0 && s.units[TDM_CPU_COPY_BYTES] == 0 &&
              s.units[TDM_CPU_CRC32_BYTES] == 0 && s.other == 0);
    adx_pair_free(&p);
}

static void the_simulator_charges_a_decoder_byte_at_its_measured_cost(void)
{
    const struct tdm_sim_cost_entry *e = tdm_sim_cost(TDM_SIM_COST_DELTA_OUT_BYTE);
    TDM_CHECK(e != NULL && e->milli_instr == 15328 && strstr(e->measured, "delta_figures.sh") != NULL);
    struct tdm_sim_domain d;
    tdm_sim_domain_init(&d);
    struct tdm_cpu_ops cpu = tdm_sim_cpu_ops(&d);
    /* 64 000 output bytes at 64 MHz: 15.328 instructions each, one per cycle = 15.328 ms */
    tdm_cpu_spend(&cpu, TDM_CPU_DELTA_OUT_BYTES, 64000);
    TDM_CHECK_MSG(d.clock_ns == 15328000 && d.cpu_ns[0] == 15328000, "%llu ns", (unsigned long long)d.clock_ns);
    /* at 128 MHz, half */
    TDM_CHECK(cpu.set_mhz(cpu.ctx, 128) == 64);
    tdm_cpu_spend(&cpu, TDM_CPU_DELTA_OUT_BYTES, 128000);
    TDM_CHECK(d.clock_ns == 2 * 15328000ull);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a delta fetch reports the decoder per byte a patch emitted",
         a_delta_fetch_reports_the_decoder_per_byte_a_patch_emitted},
        {"a full download reports no delta work", a_full_download_reports_no_delta_work},
        {"the simulator charges a decoder byte at its measured cost",
         the_simulator_charges_a_decoder_byte_at_its_measured_cost},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    if (rig.dev.have_chip) {
        tdm_sim_nand_destroy(&rig.dev.chip);
    }
    return rc;
}
