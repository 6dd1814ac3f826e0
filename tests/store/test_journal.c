/* The store's state journal as specifications: latest record per type, compaction, torn appends,
 * limits, and a cut at every operation of a compaction. */
#include "store_fixture.h"
#include "tandem/le.h"

static int append(struct store_fixture *f, uint32_t type, uint32_t value)
{
    uint8_t p[40];
    memset(p, (int)(value & 0xFF), sizeof p);
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
    return tdm_store_journal_append(&f->st, type, p, 4 + value % 37);
}

static void put(struct store_fixture *f, uint32_t type, uint32_t value)
{
    TDM_CHECK_OK(append(f, type, value));
}

static uint32_t latest(struct store_fixture *f, uint32_t type)
{
    uint8_t p[TDM_STORE_JOURNAL_MAX_PAYLOAD];
    int n = tdm_store_journal_latest(&f->st, type, p, sizeof p, NULL);
    if (n == TDM_E_NOT_FOUND) {
        return 0;
    }
    TDM_CHECK_OK(n);
    uint32_t v = (uint32_t)(p[0] | (p[1] << 8));
    TDM_CHECK((uint32_t)n == 4 + v % 37);
    for (int i = 2; i < n; i++) {
        TDM_CHECK(p[i] == (uint8_t)v); /* every payload byte is the one put() wrote */
    }
    return v;
}

static void latest_of_each_type_survives_compactions(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    uint32_t last[6] = {0};
    for (uint32_t i = 1; i <= 400; i++) { /* > 6 blocks' worth of pages: several compactions */
        uint32_t t = 1 + tdm_rng_below(&f.rng, 5);
        put(&f, t, i);
        last[t] = i;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t t = 1; t <= 5; t++) {
            TDM_CHECK(latest(&f, t) == last[t]);
        }
        TDM_CHECK(latest(&f, 6) == 0);
        TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    }
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    TDM_CHECK(info.journal_seq >= 400);
    fx_close(&f);
}

static void torn_append_never_existed(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    put(&f, 3, 11);
    f.chip.faults.torn_mask = TDM_SIM_TORN_GARBLED; /* torn so that it is lost (late torn: see below) */
    tdm_sim_domain_cut_at(f.chip.dom, f.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    uint8_t p[8] = {12, 0};
    TDM_CHECK_ERR(tdm_store_journal_append(&f.st, 3, p, sizeof p), TDM_E_POWER);
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 3) == 11);
    put(&f, 3, 13); /* appends go on past the torn page */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 3) == 13);
    fx_close(&f);
}

/* The chip hands back a record whose magic and header are intact but one payload bit is wrong, and says
 * the page is clean (a miscorrection): only the record CRC can tell, and the record must never have existed. */
static void damaged_payload_with_a_clean_page_never_existed(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    put(&f, 3, 11);
    put(&f, 2, 5);
    put(&f, 3, 12);
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    uint32_t row = info.journal_active * f.nand.geo.pages_per_block + info.journal_next - 1;
    uint32_t len = 4 + 12 % 37; /* docs/STORE.md: a 16-byte header, the payload, a CRC */
    int at = tdm_sim_nand_corrupt(&f.chip, row, 16, len, tdm_test_seed());
    TDM_CHECK(at >= 16 && at < 16 + (int)len);
    tdm_test_replay_extra("(payload byte %d)", at - 16);
    uint8_t raw[16 + 40 + 4];
    TDM_CHECK(f.ops.read(f.ops.ctx, row, 0, raw, 16 + len + 4) == 0); /* the chip reports it clean */
    TDM_CHECK(tdm_get_le32(raw) == 0x4E524A54u && tdm_get_le32(raw + 4) == info.journal_seq);
    TDM_CHECK(tdm_get_le16(raw + 8) == 3 && tdm_get_le16(raw + 10) == len); /* header intact */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 3) == 11); /* the previous record of the type wins */
    TDM_CHECK(latest(&f, 2) == 5);
    put(&f, 3, 13);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 3) == 13);
    fx_close(&f);
}

static void limits_are_named(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    uint8_t p[TDM_STORE_JOURNAL_MAX_PAYLOAD + 1];
    memset(p, 0x5A, sizeof p);
    TDM_CHECK_OK(tdm_store_journal_append(&f.st, 1, p, TDM_STORE_JOURNAL_MAX_PAYLOAD));
    TDM_CHECK_ERR(tdm_store_journal_append(&f.st, 1, p, TDM_STORE_JOURNAL_MAX_PAYLOAD + 1), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_store_journal_append(&f.st, 0, p, 1), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_store_journal_append(&f.st, 0xFF01, p, 1), TDM_E_INVAL);
    uint8_t small[4];
    TDM_CHECK_ERR(tdm_store_journal_latest(&f.st, 1, small, sizeof small, NULL), TDM_E_BUFFER);
    uint32_t t = 2;
    int err = 0;
    for (; t < 100 && err == 0; t++) {
        err = tdm_store_journal_append(&f.st, t, p, 1);
    }
    TDM_CHECK(err == TDM_E_STORE_FULL);
    TDM_CHECK(t - 2 == TDM_STORE_JOURNAL_TYPES - 3); /* types 1..21 fit, the 22nd (t - 1) is refused */
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));          /* the store's own types still have room */
    TDM_CHECK_OK(tdm_store_commit(&f.st, 0, NULL));
    TDM_CHECK_OK(tdm_store_set_roles(&f.st, 0, TDM_STORE_NONE));
    fx_close(&f);
}

/* Fill the active block to its last page, then cut the next append (a compaction) at op k. */
static void cut_at_every_operation_of_a_compaction(void)
{
    for (uint32_t k = 1;; k++) {
        for (int torn = 0; torn < 2; torn++) {
            struct store_fixture f;
            fx_open(&f, 0, 200000);
            TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
            uint32_t i = 1;
            struct tdm_store_info info;
            do {
                put(&f, 1 + i % 4, i);
                i++;
                TDM_CHECK_OK(tdm_store_info(&f.st, &info));
            } while (info.journal_next < 64);
            uint64_t start = f.chip.dom->ops;
            f.chip.faults.torn_mask = TDM_SIM_TORN_GARBLED | (1u << TDM_SIM_TORN_ERASE_PARTIAL);
            tdm_sim_domain_cut_at(f.chip.dom, start + k, torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
            uint8_t p[40] = {(uint8_t)i, (uint8_t)(i >> 8)}; /* payloads of up to 40 bytes below */
            int err = tdm_store_journal_append(&f.st, 1 + i % 4, p, 4 + i % 37);
            if (err == 0) {
                TDM_CHECK(f.chip.dom->ops - start < k); /* past the end of the compaction */
                fx_close(&f);
                return;
            }
            tdm_test_replay_extra("(cut %u torn %d)", k, torn);
            TDM_CHECK(err == TDM_E_POWER);
            tdm_sim_domain_power_on(f.chip.dom);
            TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
            for (uint32_t t = 1; t <= 4; t++) {
                uint32_t want = i - 1;
                while (want % 4 + 1 != t) {
                    want--;
                }
                TDM_CHECK(latest(&f, t) == want);
            }
            fx_close(&f);
        }
    }
}

/* Append `value` with the program cut late: the page reads right until one more power cut. */
static void append_torn_late(struct store_fixture *f, uint32_t type, uint32_t value)
{
    f->chip.faults.torn_mask = 1u << TDM_SIM_TORN_WEAK;
    f->chip.faults.weak_life = 1;
    tdm_sim_domain_cut_at(f->chip.dom, f->chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(append(f, type, value), TDM_E_POWER);
    TDM_CHECK(f->chip.stats.torn[TDM_SIM_TORN_WEAK] == 1);
}

/* The record an append was writing when power failed was cut late: it reads correct at the first boot
 * and uncorrectable at the second. The first boot acts on it (appends another record); the second boot
 * must still see it: a record is never the only proof of a state once something was built on it. */
static void late_torn_record_decays_after_the_next_boot(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    put(&f, 1, 10);
    put(&f, 2, 20);
    append_torn_late(&f, 2, 21);
    struct tdm_store_info info;
    /* first boot: the torn record reads correct; the device acts on it */
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 2) == 21);
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    uint32_t torn_row = info.journal_active * f.chip.geo.pages_per_block + f.st.j_last;
    put(&f, 1, 11);
    /* second boot, after one more power cut: the torn page now reads uncorrectable */
    tdm_sim_domain_cut_now(f.chip.dom);
    tdm_sim_domain_power_on(f.chip.dom);
    uint8_t raw[16];
    TDM_CHECK_ERR(tdm_sim_nand_raw_read(&f.chip, torn_row, 0, raw, sizeof raw), TDM_E_NAND_ECC);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 1) == 11);
    TDM_CHECK(latest(&f, 2) == 21); /* not 20: the first boot built on 21 */
    fx_close(&f);
}

/* The same with no write at the first boot: the torn record confirmed nothing, so the second boot may
 * fall back to the record before it, never further (and never an error). */
static void late_torn_record_nobody_acted_on_falls_back_one_step(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    put(&f, 2, 20);
    append_torn_late(&f, 2, 21);
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 2) == 21);
    tdm_sim_domain_cut_now(f.chip.dom);
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 2) == 20);
    put(&f, 2, 22); /* and the journal goes on */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(latest(&f, 2) == 22);
    fx_close(&f);
}

/* A table copy's erase was cut late: it reads all erased but its cells are weak. The next table record
 * must not go there before a fresh erase, or it decays and, once the other copy is being rewritten, no
 * table is left. */
static void table_copy_erased_late_is_erased_again_before_use(void)
{
    struct store_fixture f;
    fx_open(&f, 0, 200000);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    f.chip.faults.torn_mask = 1u << TDM_SIM_TORN_ERASE_WEAK;
    f.chip.faults.weak_life = 2;
    tdm_sim_domain_cut_at(f.chip.dom, f.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(f.ops.erase(f.ops.ctx, info.bbt_blocks[1]), TDM_E_POWER); /* copy 1: erase cut late */
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK_OK(tdm_store_set_roles(&f.st, TDM_STORE_NONE, TDM_STORE_NONE)); /* a write: the table is confirmed */
    for (int i = 0; i < 3; i++) {
        tdm_sim_domain_cut_now(f.chip.dom);
        tdm_sim_domain_power_on(f.chip.dom);
    }
    TDM_CHECK_OK(f.ops.erase(f.ops.ctx, info.bbt_blocks[0])); /* copy 0 is being rewritten: cut after its erase */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));           /* copy 1 alone carries the table */
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"latest record of each type survives compactions", latest_of_each_type_survives_compactions},
        {"torn append never existed", torn_append_never_existed},
        {"damaged payload on a page read clean never existed", damaged_payload_with_a_clean_page_never_existed},
        {"payload, type and type-count limits are named errors", limits_are_named},
        {"cut at every operation of a compaction", cut_at_every_operation_of_a_compaction},
        {"late-torn record decays after the next boot: what the first boot acted on stays",
         late_torn_record_decays_after_the_next_boot},
        {"late-torn record nobody acted on falls back one step", late_torn_record_nobody_acted_on_falls_back_one_step},
        {"a table copy erased late is erased again before use", table_copy_erased_late_is_erased_again_before_use},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
