/* The fetch agent (fetch/agent*.c) and the device's own state, with a scripted server
 * (agent_script_fixture.h, no network) into a store on a simulated W25N-SMALL: the counter port, the boot
 * state and the progress record failing, disagreeing with the slot or forbidding a download stop the
 * agent before it writes, or start afresh; durable bytes or a committed package that the device's policy
 * no longer accepts are refused on resume. Every package is built from the seed.
 * Replay: fetch_agent_state --case NAME --seed S. */
#include <stdio.h>

#include "agent_script_fixture.h"

static int counter_fails(void *ctx, uint32_t *v)
{
    (void)ctx;
    (void)v;
    return TDM_E_IO;
}

/* The device's state cannot be read or forbids a download: the counter port failing, a boot-state
 * record that does not decode, an install or a trial under way. No request is made, nothing written. */
static void an_unreadable_or_busy_device_state_stops_before_any_request(void)
{
    begin(60, NULL, 0);
    cfg.counter.get = counter_fails;
    TDM_CHECK_ERR(run(), TDM_E_IO);
    TDM_CHECK(res.attempts == 0);
    cfg.counter.get = afx_counter_get;
    uint8_t junk[TDM_BOOTSTATE_LEN];
    memset(junk, 0xA5, sizeof junk);
    TDM_CHECK_OK(tdm_store_journal_append(&dev.store, TDM_BOOTSTATE_TYPE, junk, sizeof junk));
    TDM_CHECK_ERR(run(), TDM_E_CORRUPT);
    TDM_CHECK(res.attempts == 0);
    static const uint8_t busy[] = {TDM_BS_INSTALL, TDM_BS_TRIAL, TDM_BS_ROLLBACK};
    for (unsigned i = 0; i < sizeof busy; i++) {
        struct tdm_bootstate st = {.phase = busy[i], .inst_slot = TDM_STORE_NONE, .cand_slot = TDM_STORE_SLOT_A};
        TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
        TDM_CHECK_ERR(run(), TDM_E_STATE);
        TDM_CHECK(res.attempts == 0);
    }
    TDM_CHECK(srv.conn == 0);
}

/* A package whose digest the bootloader rejected before (a failed trial) is downloaded and verified,
 * then refused at the request: slot cleared, record FAILED with TDM_E_BOOT_REJECTED, nothing pending. */
static void a_package_rejected_before_is_refused_at_the_request(void)
{
    begin(70, NULL, 0);
    struct tdm_crypto_ops c = tdm_host_crypto();
    struct tdm_sha256 h;
    struct tdm_bootstate st = {.phase = TDM_BS_IDLE, .inst_slot = TDM_STORE_NONE, .cand_slot = TDM_STORE_NONE,
                               .nrejected = 1};
    c.sha256_start(0, &h);
    c.sha256_update(0, &h, pkg.buf, pkg.len);
    c.sha256_finish(0, &h, st.rejected[0]);
    TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
    TDM_CHECK_ERR(run(), TDM_E_BOOT_REJECTED);
    TDM_CHECK(res.received == pkg.len);
    check_failed(TDM_E_BOOT_REJECTED);
}

/* A download stopped midway, then its durable data cannot serve a resume as it is: its second page reads
 * uncorrectable (the resume keeps the first page only); the record's total is not the package's; the
 * progress record is too long to be one; the slot was cleared behind the record; the record names the
 * other slot; or another generation of its slot. All but the first start afresh from byte 0; each ends
 * committed bit-exact. */
static void durable_data_that_cannot_be_resumed_starts_afresh(void)
{
    for (unsigned i = 0; i < 6; i++) {
        begin(80 + i, NULL, 0);
        stop_midway(12000);
        struct tdm_fetch_record rec;
        TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
        if (i == 0) {
            struct tdm_store *st = &dev.store;
            uint32_t row = st->slot[res.slot].map[0] * st->ppb + 1; /* the slot's second page */
            dev.chip.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        } else if (i == 2) {
            uint8_t big[TDM_FETCH_RECORD_MAX + 8];
            TDM_CHECK(tdm_fetch_record_encode(&rec, big) > 0);
            TDM_CHECK_OK(tdm_store_journal_append(&dev.store, TDM_FETCH_RECORD_TYPE, big, sizeof big));
            TDM_CHECK_ERR(tdm_fetch_record_load(&dev.store, &rec), TDM_E_CORRUPT);
        } else if (i == 3) {
            TDM_CHECK_OK(tdm_store_clear(&dev.store, rec.slot));
        } else {
            rec.total += i == 1 ? 4096 : 0;
            rec.slot = i == 4 ? (uint8_t)(1 - rec.slot) : rec.slot;
            rec.gen += i == 5;
            TDM_CHECK_OK(tdm_fetch_record_save(&dev.store, &rec));
        }
        TDM_CHECK_OK(run());
        check_pending();
        uint32_t from = i == 0 ? dev.store.page : 0; /* the durable pages before the uncorrectable one */
        TDM_CHECK_MSG(res.resumed_at == from && res.attempts == 1 && res.received == pkg.len - from &&
                          srv.offsets[1] == from,
                      "case %u: resumed at %u attempts %u", i, res.resumed_at, res.attempts);
    }
}

/* The security counter's floor rose above the package's while its download was stopped: the durable
 * bytes are refused as they are read back (a downgrade), the slot cleared and the record FAILED. */
static void a_counter_floor_raised_while_stopped_refuses_the_resume(void)
{
    begin(90, NULL, 0);
    stop_midway(12000);
    dev.counter = 6; /* the package's counter is 5 */
    int err = run();
    TDM_CHECK_MSG(tdm_err_is_pkg(err) && res.attempts == 0, "%s, attempts %u", tdm_errname(err), res.attempts);
    check_failed(err);
}

/* A cut after the commit and before the request (record ACTIVE, slot committed, boot state IDLE): the
 * next run verifies the committed package from NAND and requests it without a byte fetched; if the
 * counter floor rose meanwhile, the committed package is refused, cleared, the record FAILED. */
static void a_committed_package_is_verified_again_before_its_request(void)
{
    for (unsigned raised = 0; raised < 2; raised++) {
        begin(100 + raised, NULL, 0);
        TDM_CHECK_OK(run());
        struct tdm_fetch_record rec;
        TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
        rec.state = TDM_FETCH_ACTIVE;
        TDM_CHECK_OK(tdm_fetch_record_save(&dev.store, &rec));
        struct tdm_bootstate idle = {.phase = TDM_BS_IDLE, .inst_slot = TDM_STORE_NONE, .cand_slot = TDM_STORE_NONE};
        TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &idle));
        dev.counter = raised ? 6 : 0;
        int err = run();
        TDM_CHECK(res.attempts == 0 && srv.conn == 1);
        if (raised) {
            TDM_CHECK_MSG(tdm_err_is_pkg(err), "%s", tdm_errname(err));
            check_untouched();
        } else {
            TDM_CHECK_OK(err);
            check_pending();
        }
    }
}

/* While a package is PENDING, a run for the same URL whose slot no longer matches the boot state's
 * candidate (another generation, or a slot still open) is refused (TDM_E_STATE): nothing fetched. */
static void a_pending_request_that_does_not_match_its_slot_is_refused(void)
{
    for (unsigned i = 0; i < 2; i++) {
        begin(110 + i, NULL, 0);
        if (i == 0) {
            TDM_CHECK_OK(run());
        } else {
            stop_midway(12000);
        }
        struct tdm_store_slot_info si;
        TDM_CHECK_OK(tdm_store_slot_info(&dev.store, res.slot, &si));
        struct tdm_bootstate st = {.phase = TDM_BS_PENDING, .inst_slot = TDM_STORE_NONE, .cand_slot = res.slot,
                                   .cand_gen = si.gen + (i == 0)};
        TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
        unsigned conn = srv.conn;
        TDM_CHECK_ERR(run(), TDM_E_STATE);
        TDM_CHECK(res.attempts == 0 && srv.conn == conn);
    }
}

/* The installed set's package is never the slot a download writes, even when the store's roles (written
 * after the boot state at a confirmation) do not say so yet: the boot state names the rollback source. */
static void the_installed_sets_slot_is_never_written(void)
{
    begin(120, NULL, 0);
    TDM_CHECK_OK(run()); /* a first package, committed in the free slot */
    unsigned inst = res.slot;
    struct tdm_store_slot_info before, after;
    TDM_CHECK_OK(tdm_store_slot_info(&dev.store, inst, &before));
    struct tdm_bootstate st = {.phase = TDM_BS_IDLE, .inst_slot = (uint8_t)inst, .inst_gen = before.gen,
                               .cand_slot = TDM_STORE_NONE};
    TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
    /* the roles say nothing (a confirmation cut before its roles record): the store alone would pick A */
    TDM_CHECK_OK(tdm_store_set_roles(&dev.store, TDM_STORE_NONE, TDM_STORE_NONE));
    TDM_CHECK(tdm_store_free_slot(&dev.store) == (int)inst);
    static struct tdm_mem_file next; /* the next package at another address (not the download just done) */
    next = (struct tdm_mem_file){"mem://next", pkg.buf, pkg.len, "\"v2\""};
    struct tdm_transport_ops ops = sx_serve(&srv, &next, 1, NULL, 0);
    afx_config(&dev, &cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
    int err = tdm_fetch_run(&dev.agent, &cfg, &dev.store, "mem://next", &res);
    TDM_CHECK_OK(tdm_store_slot_info(&dev.store, inst, &after));
    TDM_CHECK_MSG(after.state == TDM_STORE_COMMITTED && after.gen == before.gen &&
                      !memcmp(after.sha256, before.sha256, sizeof after.sha256),
                  "the installed set's package in slot %u was written over (state %u, generation %u -> %u)", inst,
                  after.state, before.gen, after.gen);
    TDM_CHECK_OK(err);
    TDM_CHECK_MSG(res.slot == 1u - inst, "the download went to slot %u, the installed set's is %u", res.slot, inst);
}

/* The progress record's decoder refuses each malformed field (fails closed: the download starts afresh):
 * a length below the header, another format, a state out of range either way, a slot out of range, a
 * validator or URL length past its bound, a length that does not add up, an unknown flag. */
static void every_malformed_progress_record_is_refused(void)
{
    struct tdm_fetch_record rec = {.state = TDM_FETCH_DONE, .slot = 1, .gen = 7, .total = 1000,
                                   .flags = TDM_FETCH_REC_DELTA};
    strcpy(rec.validator, "\"v1\"");
    strcpy(rec.url, URL);
    uint8_t buf[TDM_FETCH_RECORD_MAX], bad[TDM_FETCH_RECORD_MAX];
    int n = tdm_fetch_record_encode(&rec, buf);
    struct tdm_fetch_record out;
    TDM_CHECK(n > 20);
    TDM_CHECK_OK(tdm_fetch_record_decode(buf, (uint32_t)n, &out));
    TDM_CHECK(out.state == rec.state && out.slot == 1 && out.gen == 7 && out.total == 1000 &&
              out.flags == TDM_FETCH_REC_DELTA && !strcmp(out.validator, rec.validator) && !strcmp(out.url, URL));
    const struct {
        unsigned at;
        uint8_t v;
        int dlen;
    } m[] = {{0, TDM_FETCH_RECORD_FORMAT + 1, 0}, {1, TDM_FETCH_ACTIVE - 1, 0}, {1, TDM_FETCH_FAILED + 1, 0},
             {2, TDM_STORE_SLOTS, 0}, {3, TDM_TRANSPORT_VALIDATOR_MAX, 0}, {17, 1, 0}, {18, 0x02, 0},
             {19, 0, -1}, {19, 0, 1}, {19, 0, 19 - n}};
    for (unsigned k = 0; k < sizeof m / sizeof m[0]; k++) {
        memcpy(bad, buf, sizeof bad);
        bad[m[k].at] = m[k].v;
        TDM_CHECK_MSG(tdm_fetch_record_decode(bad, (uint32_t)(n + m[k].dlen), &out) == TDM_E_CORRUPT,
                      "edit %u (byte %u = %u, length %+d) was accepted", k, m[k].at, m[k].v, m[k].dlen);
    }
}

/* The agent's config and arguments are checked before anything else: each missing port, an empty or
 * oversized key list, a zero slot bound is TDM_E_CONFIG; each NULL argument of tdm_fetch_run and
 * tdm_fetch_run_delta is TDM_E_INVAL. Nothing is read or fetched. */
static void a_config_or_argument_missing_is_refused_first(void)
{
    begin(120, NULL, 0);
    struct tdm_fetch_config good = cfg;
    for (unsigned k = 0; k < 11; k++) {
        cfg = good;
        switch (k) {
        case 0: cfg.transport.open = NULL; break;
        case 1: cfg.transport.read = NULL; break;
        case 2: cfg.transport.close = NULL; break;
        case 3: cfg.clock.now_ns = NULL; break;
        case 4: cfg.crypto.sha256_start = NULL; break;
        case 5: cfg.counter.get = NULL; break;
        case 6: cfg.keys = NULL; break;
        case 7: cfg.nkeys = 0; break;
        case 8: cfg.nkeys = TDM_PKG_MAX_KEYS + 1; break;
        case 9: cfg.app_max = 0; break;
        default: cfg.net_max = 0; break;
        }
        TDM_CHECK_MSG(run() == TDM_E_CONFIG && res.attempts == 0, "config field %u", k);
    }
    cfg = good;
    struct tdm_fetch *f = &dev.agent;
    struct tdm_store *st = &dev.store;
    TDM_CHECK_ERR(tdm_fetch_run(NULL, &cfg, st, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run(f, NULL, st, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run(f, &cfg, NULL, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run(f, &cfg, st, NULL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run_delta(NULL, &cfg, st, URL, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run_delta(f, NULL, st, URL, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run_delta(f, &cfg, NULL, URL, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run_delta(f, &cfg, st, NULL, URL, &res), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_fetch_run_delta(f, &cfg, st, URL, NULL, &res), TDM_E_INVAL);
    TDM_CHECK(srv.conn == 0);
    check_untouched();
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"an unreadable or busy device state stops before any request",
         an_unreadable_or_busy_device_state_stops_before_any_request},
        {"a package rejected before is refused at the request", a_package_rejected_before_is_refused_at_the_request},
        {"durable data that cannot be resumed starts afresh", durable_data_that_cannot_be_resumed_starts_afresh},
        {"a counter floor raised while stopped refuses the resume",
         a_counter_floor_raised_while_stopped_refuses_the_resume},
        {"a committed package is verified again before its request",
         a_committed_package_is_verified_again_before_its_request},
        {"a pending request that does not match its slot is refused",
         a_pending_request_that_does_not_match_its_slot_is_refused},
        {"the installed set's slot is never written", the_installed_sets_slot_is_never_written},
        {"every malformed progress record is refused", every_malformed_progress_record_is_refused},
        {"a config or argument missing is refused first", a_config_or_argument_missing_is_refused_first},
    };
    return asx_main(argc, argv, s, sizeof s / sizeof s[0]);
}
