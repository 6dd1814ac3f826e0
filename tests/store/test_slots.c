/* The store's slots, format and bad blocks, as specifications (W25N-SMALL, small slots). */
#include "store_fixture.h"

#define SLOT 200000u /* slot capacity in these tests: 2 blocks */

static void format_records_factory_bad_blocks(void)
{
    struct store_fixture f;
    fx_open(&f, 20, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    TDM_CHECK(info.first_block == 0 && info.block_count == 64);
    TDM_CHECK(info.bad == 20);
    for (uint32_t b = 0; b < 64; b++) {
        int factory = (f.chip.block_flags[b] & TDM_SIM_BLOCK_FACTORY) != 0;
        TDM_CHECK((tdm_store_block_owner(&f.st, b) == TDM_STORE_BAD) == factory);
        TDM_CHECK(!factory || tdm_sim_nand_marker_bad(&f.chip, b)); /* never erased: mark still there */
    }
    TDM_CHECK(f.chip.erase_count[0] <= 1);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    TDM_CHECK(info.bad == 20 && info.system == 4 && info.free == 40);
    fx_close(&f);
}

static void second_format_refused_unless_forced(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_ERR(tdm_store_mount(&f.st, &f.cfg), TDM_E_STORE_UNFORMATTED);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 1, 0, 5000));
    TDM_CHECK_OK(tdm_store_commit(&f.st, 5000, NULL));
    TDM_CHECK_ERR(tdm_store_format(&f.st, &f.cfg, false), TDM_E_STORE_FORMATTED);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(fx_matches(&f, 0, 1, 5000)); /* the refused format changed nothing */
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, true));
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&f.st, 0, &si));
    TDM_CHECK(si.state == TDM_STORE_EMPTY);
    fx_close(&f);
}

static void any_chunks_commit_and_read_anywhere(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    uint32_t len = 150001;
    TDM_CHECK_OK(tdm_store_open(&f.st, 1));
    TDM_CHECK_OK(fx_write(&f, 7, 0, len));
    TDM_CHECK_ERR(tdm_store_commit(&f.st, len + 1, NULL), TDM_E_STORE_LENGTH);
    uint8_t sha[32], want[32];
    TDM_CHECK_OK(tdm_store_commit(&f.st, len, sha));
    fx_sha(7, len, want);
    TDM_CHECK(!memcmp(sha, want, 32));
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&f.st, 1, &si));
    TDM_CHECK(si.state == TDM_STORE_COMMITTED && si.length == len && !memcmp(si.sha256, want, 32));
    TDM_CHECK(fx_matches(&f, 1, 7, len));
    for (int i = 0; i < 50; i++) {
        uint32_t off = tdm_rng_below(&f.rng, len);
        uint32_t n = 1 + tdm_rng_below(&f.rng, len - off < 5000 ? len - off : 5000);
        uint8_t got[5000], exp[5000];
        TDM_CHECK_OK(tdm_store_read(&f.st, 1, off, got, n));
        fx_fill(7, off, exp, n);
        TDM_CHECK(!memcmp(got, exp, n));
    }
    uint8_t one;
    TDM_CHECK_ERR(tdm_store_read(&f.st, 1, len, &one, 1), TDM_E_RANGE);
    TDM_CHECK_ERR(tdm_store_read(&f.st, 0, 0, &one, 1), TDM_E_STORE_SLOT);
    uint8_t big[4096] = {0};
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    for (int i = 0; i < 64; i++) { /* capacity: 2 blocks of 128 KiB */
        TDM_CHECK_OK(tdm_store_write(&f.st, big, sizeof big));
    }
    TDM_CHECK_ERR(tdm_store_write(&f.st, big, 1), TDM_E_STORE_FULL);
    fx_close(&f);
}

static void torn_last_page_is_not_durable(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 3, 0, 70 * 2048 + 500)); /* 70 pages durable, 500 bytes in the buffer */
    f.chip.faults.torn_mask = TDM_SIM_TORN_GARBLED; /* one that reads right: late-torn last page, below */
    tdm_sim_domain_cut_at(f.chip.dom, f.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    uint8_t buf[2048];
    fx_fill(3, 70 * 2048 + 500, buf, 2048);
    TDM_CHECK_ERR(tdm_store_write(&f.st, buf, 2048), TDM_E_POWER); /* page 70 torn */
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    int durable = tdm_store_resume(&f.st, 0);
    TDM_CHECK(durable == 70 * 2048);
    TDM_CHECK(fx_matches(&f, 0, 3, (uint32_t)durable));
    TDM_CHECK_OK(fx_write(&f, 3, (uint32_t)durable, 180000));
    TDM_CHECK_OK(tdm_store_commit(&f.st, 180000, NULL));
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(fx_matches(&f, 0, 3, 180000));
    struct tdm_store_slot_info si;
    uint8_t want[32];
    fx_sha(3, 180000, want);
    TDM_CHECK_OK(tdm_store_slot_info(&f.st, 0, &si));
    TDM_CHECK(!memcmp(si.sha256, want, 32) && si.blocks == 2);
    fx_close(&f);
}

/* The last page of a block is cut late: it reads right (and resume counts it), then decays. Resume
 * moves that block even though it looks full, so the content stays readable after the decay. */
static void late_torn_last_page_of_a_block_stays_readable(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 7, 0, 63 * 2048)); /* pages 0..62 of the first block */
    f.chip.faults.torn_mask = 1u << TDM_SIM_TORN_WEAK;
    f.chip.faults.weak_life = 2;
    tdm_sim_domain_cut_at(f.chip.dom, f.chip.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(fx_write(&f, 7, 63 * 2048, 64 * 2048), TDM_E_POWER); /* page 63 cut late */
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(tdm_store_resume(&f.st, 0) == 64 * 2048); /* it reads right: durable */
    TDM_CHECK_OK(fx_write(&f, 7, 64 * 2048, 150000));
    TDM_CHECK_OK(tdm_store_commit(&f.st, 150000, NULL));
    for (int i = 0; i < 3; i++) { /* the weak page has decayed to uncorrectable by now */
        tdm_sim_domain_cut_now(f.chip.dom);
        tdm_sim_domain_power_on(f.chip.dom);
    }
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(fx_matches(&f, 0, 7, 150000));
    fx_close(&f);
}

static void cut_before_commit_record_leaves_slot_open(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 4, 0, 10000));
    /* ops of commit: the padded last page, then the record: cut the record (so that it is lost) */
    f.chip.faults.torn_mask = TDM_SIM_TORN_GARBLED;
    tdm_sim_domain_cut_at(f.chip.dom, f.chip.dom->ops + 2, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(tdm_store_commit(&f.st, 10000, NULL), TDM_E_POWER);
    tdm_sim_domain_power_on(f.chip.dom);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&f.st, 0, &si));
    TDM_CHECK(si.state == TDM_STORE_OPEN);
    TDM_CHECK(tdm_store_resume(&f.st, 0) == 4 * 2048); /* the padded page is not content */
    fx_close(&f);
}

static void program_failure_moves_pages_and_goes_on(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK_OK(tdm_store_open(&f.st, 0));
    TDM_CHECK_OK(fx_write(&f, 5, 0, 20 * 2048));
    f.chip.faults.program_fail_at = f.chip.dom->ops + 3; /* the 3rd page from here fails */
    TDM_CHECK_OK(fx_write(&f, 5, 20 * 2048, 170000));
    TDM_CHECK_OK(tdm_store_commit(&f.st, 170000, NULL));
    TDM_CHECK(f.chip.stats.program_fails == 1);
    struct tdm_store_info info;
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK_OK(tdm_store_info(&f.st, &info));
    TDM_CHECK(info.bad == 1);
    for (uint32_t b = 0; b < 64; b++) {
        if (f.chip.block_flags[b] & TDM_SIM_BLOCK_WEAK) {
            TDM_CHECK(tdm_store_block_owner(&f.st, b) == TDM_STORE_BAD);
        }
    }
    TDM_CHECK(fx_matches(&f, 0, 5, 170000));
    fx_close(&f);
}

static void out_of_reserve_keeps_committed(void)
{
    struct store_fixture f;
    fx_open_committed(&f, SLOT, 6, 190000);
    TDM_CHECK_OK(tdm_store_set_roles(&f.st, 0, TDM_STORE_NONE));
    for (uint32_t b = 0; b < 64; b++) {
        if (tdm_store_block_owner(&f.st, b) == TDM_STORE_FREE) {
            tdm_sim_nand_make_weak(&f.chip, b); /* every spare block goes bad */
        }
    }
    TDM_CHECK_OK(tdm_store_open(&f.st, 1));
    TDM_CHECK_ERR(fx_write(&f, 8, 0, 100000), TDM_E_STORE_NO_RESERVE);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(fx_matches(&f, 0, 6, 190000));
    unsigned inst, cand;
    tdm_store_roles(&f.st, &inst, &cand);
    TDM_CHECK(inst == 0 && cand == TDM_STORE_NONE);
    fx_close(&f);
}

static void corrected_bit_flips_scrub_the_block(void)
{
    struct store_fixture f;
    fx_open_committed(&f, SLOT, 9, 160000);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    uint8_t buf[16];
    uint32_t before = UINT32_MAX;
    for (uint32_t b = 0; b < 64; b++) {
        before = tdm_store_block_owner(&f.st, b) == TDM_STORE_OWN_A && before == UINT32_MAX ? b : before;
    }
    f.chip.faults.bitflip_bits = 1;
    f.chip.faults.bitflip_at_read = f.chip.reads_seen + 1;
    TDM_CHECK_OK(tdm_store_read(&f.st, 0, 100, buf, sizeof buf)); /* corrected: data good, block noted */
    TDM_CHECK(tdm_store_maintain(&f.st) == 1);
    TDM_CHECK(tdm_store_block_owner(&f.st, before) == TDM_STORE_FREE);
    TDM_CHECK(tdm_store_maintain(&f.st) == 0);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    TDM_CHECK(tdm_store_block_owner(&f.st, before) == TDM_STORE_FREE);
    TDM_CHECK(fx_matches(&f, 0, 9, 160000));
    fx_close(&f);
}

static void uncorrectable_read_is_named_never_wrong_data(void)
{
    struct store_fixture f;
    fx_open_committed(&f, SLOT, 10, 50000);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    uint8_t buf[100];
    f.chip.faults.bitflip_bits = 3;
    f.chip.faults.bitflip_at_read = f.chip.reads_seen + 1;
    TDM_CHECK_ERR(tdm_store_read(&f.st, 0, 30000, buf, sizeof buf), TDM_E_STORE_UNREADABLE);
    TDM_CHECK(fx_matches(&f, 0, 10, 50000)); /* the flip was in that read only */
    fx_close(&f);
}

/* The chip returns a data page with one byte changed and reports it clean (a miscorrection): the tag still
 * matches, only the page's data CRC can tell, and the reader must name the page unreadable. */
static void wrong_data_read_clean_is_named_never_returned(void)
{
    struct store_fixture f;
    fx_open_committed(&f, SLOT, 11, 50000);
    uint32_t blk = UINT32_MAX;
    for (uint32_t b = 0; b < 64 && blk == UINT32_MAX; b++) {
        blk = tdm_store_block_owner(&f.st, b) == TDM_STORE_OWN_A ? b : blk;
    }
    TDM_CHECK(blk != UINT32_MAX); /* 50 000 bytes: one block, pages 0..24 */
    uint32_t pg = 7, row = blk * 64 + pg;
    int at = tdm_sim_nand_corrupt(&f.chip, row, 0, 2048, tdm_test_seed());
    TDM_CHECK(at >= 0 && at < 2048);
    tdm_test_replay_extra("(data byte %d of page %u)", at, pg);
    uint8_t raw[2048], want[2048];
    TDM_CHECK(f.ops.read(f.ops.ctx, row, 0, raw, sizeof raw) == 0); /* the chip says clean */
    fx_fill(11, pg * 2048, want, sizeof want);
    TDM_CHECK(raw[at] != want[at] && !memcmp(raw, want, (size_t)at)); /* ...and one byte is wrong */
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    uint8_t buf[2048];
    memset(buf, 0xA5, sizeof buf);
    TDM_CHECK_ERR(tdm_store_read(&f.st, 0, pg * 2048, buf, sizeof buf), TDM_E_STORE_UNREADABLE);
    for (size_t i = 0; i < sizeof buf; i++) {
        TDM_CHECK(buf[i] == 0xA5); /* nothing of the page was handed out */
    }
    uint32_t away = ((uint32_t)at + 1024) % 2000; /* bytes of that page that are not the changed one */
    TDM_CHECK_ERR(tdm_store_read(&f.st, 0, pg * 2048 + away, buf, 16), TDM_E_STORE_UNREADABLE);
    TDM_CHECK_ERR(tdm_store_read(&f.st, 0, (pg - 1) * 2048 + 2000, buf, 100), TDM_E_STORE_UNREADABLE);
    TDM_CHECK_OK(tdm_store_read(&f.st, 0, (pg - 1) * 2048, buf, 2048)); /* the pages around it are fine */
    TDM_CHECK_OK(tdm_store_read(&f.st, 0, (pg + 1) * 2048, buf, 2048));
    TDM_CHECK(!fx_matches(&f, 0, 11, 50000));
    fx_close(&f);
}

static void roles_follow_the_journal_and_the_generation(void)
{
    struct store_fixture f;
    fx_open(&f, 0, SLOT);
    TDM_CHECK_OK(tdm_store_format(&f.st, &f.cfg, false));
    TDM_CHECK(tdm_store_free_slot(&f.st) == 0);
    TDM_CHECK_ERR(tdm_store_set_roles(&f.st, 0, TDM_STORE_NONE), TDM_E_STORE_SLOT); /* not committed */
    for (unsigned k = 0; k < 2; k++) {
        TDM_CHECK_OK(tdm_store_open(&f.st, k));
        TDM_CHECK_OK(fx_write(&f, 20 + k, 0, 3000));
        TDM_CHECK_OK(tdm_store_commit(&f.st, 3000, NULL));
    }
    TDM_CHECK_ERR(tdm_store_set_roles(&f.st, 1, 1), TDM_E_INVAL);
    TDM_CHECK_OK(tdm_store_set_roles(&f.st, 1, 0));
    TDM_CHECK(tdm_store_free_slot(&f.st) == 0);
    TDM_CHECK_ERR(tdm_store_open(&f.st, 1), TDM_E_STORE_SLOT);
    TDM_CHECK_ERR(tdm_store_clear(&f.st, 1), TDM_E_STORE_SLOT);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    unsigned inst, cand;
    tdm_store_roles(&f.st, &inst, &cand);
    TDM_CHECK(inst == 1 && cand == 0);
    TDM_CHECK_OK(tdm_store_open(&f.st, 0)); /* reopening the candidate ends its role */
    tdm_store_roles(&f.st, &inst, &cand);
    TDM_CHECK(inst == 1 && cand == TDM_STORE_NONE);
    TDM_CHECK_OK(tdm_store_mount(&f.st, &f.cfg));
    tdm_store_roles(&f.st, &inst, &cand);
    TDM_CHECK(inst == 1 && cand == TDM_STORE_NONE);
    TDM_CHECK(fx_matches(&f, 1, 21, 3000));
    fx_close(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"format records factory bad blocks before erasing", format_records_factory_bad_blocks},
        {"second format refused unless forced", second_format_refused_unless_forced},
        {"any chunk sizes, commit, read anywhere", any_chunks_commit_and_read_anywhere},
        {"torn last page is not durable", torn_last_page_is_not_durable},
        {"cut before the commit record leaves the slot open", cut_before_commit_record_leaves_slot_open},
        {"late-torn last page of a block stays readable after it decays", late_torn_last_page_of_a_block_stays_readable},
        {"program failure moves the pages and the write goes on", program_failure_moves_pages_and_goes_on},
        {"out of reserve is named and keeps committed content", out_of_reserve_keeps_committed},
        {"corrected bit flips scrub the block", corrected_bit_flips_scrub_the_block},
        {"uncorrectable read is named, never wrong data", uncorrectable_read_is_named_never_wrong_data},
        {"wrong data read clean is named unreadable, never returned", wrong_data_read_clean_is_named_never_returned},
        {"roles follow the journal and the generation", roles_follow_the_journal_and_the_generation},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
