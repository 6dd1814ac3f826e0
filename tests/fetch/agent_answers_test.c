/* The fetch agent (fetch/agent*.c) against a scripted server (script_transport.h, no network), into a
 * store on a simulated W25N-SMALL: each server answer and transport error at each step of a transfer
 * ends in a resume, a restart from byte 0, a retry or a refusal, as docs/FETCH.md "Agent" says; the
 * device's own state (counter port, boot state, progress record, durable bytes) failing or disagreeing
 * stops the agent before it writes, or starts afresh. Every package is built from the seed.
 * Replay: fetch_agent_answers --case NAME --seed S. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_fixture.h"
#include "harness.h"
#include "rng.h"
#include "script_transport.h"
#include "tandem/bootstate.h"

#define URL "mem://pkg"

static struct afx_dev dev;
static struct tdm_key key;
static uint8_t pub[1][TDM_P256_PUBKEY_LEN];
static struct afx_pkg pkg;
static struct tdm_mem_file file;
static struct sx_server srv;
static struct tdm_fetch_config cfg;
static struct tdm_fetch_result res;

/* A fresh device and a seeded package served as URL (validator "v1"), answered by `script`. */
static void begin(uint64_t salt, const struct sx_answer *script, unsigned n)
{
    free(pkg.buf);
    pkg.buf = NULL;
    uint64_t s = tdm_test_seed() * 0x9E3779B97F4A7C15ull + salt;
    TDM_CHECK_OK(afx_device_new(&dev, tdm_test_seed() + salt));
    TDM_CHECK_OK(tdm_key_from_seed(&key, tdm_test_seed()));
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    TDM_CHECK_OK(afx_build(&pkg, &key, 20000 + tdm_rng_below(&s, 20000), 8000 + tdm_rng_below(&s, 8000), 5,
                           TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + salt));
    file = (struct tdm_mem_file){URL, pkg.buf, pkg.len, "\"v1\""};
    struct tdm_transport_ops ops = sx_serve(&srv, &file, 1, script, n);
    afx_config(&dev, &cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
}

static int run(void)
{
    return tdm_fetch_run(&dev.agent, &cfg, &dev.store, URL, &res);
}

/* The package is committed bit-exact and PENDING, the record DONE. */
static void check_pending(void)
{
    TDM_CHECK(afx_slot_equals(&dev, res.slot, &pkg));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == res.slot);
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_DONE && rec.total == pkg.len);
}

/* No slot holds anything and nothing is pending. */
static void check_untouched(void)
{
    for (unsigned k = 0; k < TDM_STORE_SLOTS; k++) {
        struct tdm_store_slot_info si;
        TDM_CHECK_OK(tdm_store_slot_info(&dev.store, k, &si));
        TDM_CHECK_MSG(si.state == TDM_STORE_EMPTY, "slot %u state %u", k, si.state);
    }
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_IDLE);
}

/* A body ending early (short of its Content-Length), or failing with a network error or a timeout, at a
 * seeded byte (never on a page boundary) is resumed at exactly the bytes accepted; an open failing with
 * a network error, a timeout or a length mismatch is tried again from where it was. */
static void a_transport_error_at_each_step_is_resumed(void)
{
    static const int read_errs[] = {0, TDM_E_FETCH_NET, TDM_E_FETCH_TIMEOUT};
    static const int open_errs[] = {TDM_E_FETCH_NET, TDM_E_FETCH_TIMEOUT, TDM_E_FETCH_LENGTH};
    for (unsigned i = 0; i < 6; i++) {
        uint64_t s = tdm_test_seed() + i;
        uint32_t at = 2049 + tdm_rng_below(&s, 20000);
        struct sx_answer a[2] = {{.edit = SX_CUT, .cut_at = at, .read_err = read_errs[i % 3]}};
        a[1].open_err = open_errs[i % 3];
        begin(i, a, 2);
        TDM_CHECK_OK(run());
        check_pending();
        TDM_CHECK_MSG(res.attempts == 3 && res.retries == 2 && res.restarts == 0 && srv.offsets[1] == at &&
                          srv.offsets[2] == at && res.range_resumes == 1 && res.range_from == at,
                      "case %u: attempts %u retries %u restarts %u offsets %llu %llu", i, res.attempts,
                      res.retries, res.restarts, (unsigned long long)srv.offsets[1],
                      (unsigned long long)srv.offsets[2]);
    }
}

/* TLS and URL refusals at open are never retried and touch nothing; a body growing past the slot at a
 * read (the transport's TDM_E_FETCH_TOO_BIG) ends the download: slot cleared, record FAILED. */
static void refusals_at_open_or_read_are_given_up(void)
{
    static const int errs[] = {TDM_E_FETCH_TLS, TDM_E_FETCH_URL, TDM_E_FETCH_CANCELLED};
    for (unsigned i = 0; i < 3; i++) {
        struct sx_answer a = {.open_err = errs[i]};
        begin(10 + i, &a, 1);
        TDM_CHECK_ERR(run(), errs[i]);
        TDM_CHECK(res.attempts == 1 && res.retries == 0);
        check_untouched();
    }
    struct sx_answer a = {.edit = SX_CUT, .cut_at = 5000, .read_err = TDM_E_FETCH_TOO_BIG};
    begin(13, &a, 1);
    TDM_CHECK_ERR(run(), TDM_E_FETCH_TOO_BIG);
    TDM_CHECK(res.attempts == 1);
    check_untouched();
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_FAILED && rec.err == TDM_E_FETCH_TOO_BIG);
}

/* 429 and 5xx are retried (429 and 503 after their Retry-After), any other status is given up at once. */
static void statuses_are_retried_or_given_up(void)
{
    static const struct {
        int status, retried;
        uint32_t retry_ms;
    } c[] = {{429, 1, 700}, {503, 1, 600}, {502, 1, 0}, {599, 1, 0}, {403, 0, 0}, {410, 0, 0}, {600, 0, 0}, {304, 0, 0}};
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct sx_answer a = {.open_err = TDM_E_FETCH_HTTP, .status = c[i].status, .retry_ms = c[i].retry_ms};
        begin(20 + i, &a, 1);
        int err = run();
        TDM_CHECK_MSG(c[i].retried ? err == 0 : err == TDM_E_FETCH_HTTP, "status %d: %s", c[i].status,
                      tdm_errname(err));
        TDM_CHECK_MSG(res.attempts == 1u + (unsigned)c[i].retried, "status %d: attempts %u", c[i].status,
                      res.attempts);
        if (c[i].retried) {
            check_pending();
            uint64_t backoff = (uint64_t)cfg.backoff_min_ms << 1; /* the first attempt brought no byte */
            uint64_t want = (c[i].retry_ms > backoff ? c[i].retry_ms : backoff) * 1000000ull;
            TDM_CHECK_MSG(res.waited_ns >= want && res.waited_ns < want + 60000000ull, "status %d waited %llu ns",
                          c[i].status, (unsigned long long)res.waited_ns);
        } else {
            check_untouched();
        }
    }
}

/* A 416 to a resume completes only when the server's size is the stored one and equals the offset;
 * otherwise (size unknown, another size, the offset short of the stored size) it restarts from byte 0. */
static void a_416_that_does_not_end_where_the_record_does_restarts(void)
{
    for (unsigned i = 0; i < 3; i++) {
        uint32_t at = 6000 + 1000 * i;
        struct sx_answer a[2] = {{.edit = SX_CUT, .cut_at = at, .read_err = TDM_E_FETCH_NET},
                                 {.open_err = TDM_E_FETCH_HTTP, .status = 416, .edit = SX_TOTAL}};
        begin(30 + i, a, 2);
        a[1].total = i == 0 ? -1 : i == 1 ? (int64_t)pkg.len + 7 : (int64_t)at;
        TDM_CHECK_OK(run());
        check_pending();
        TDM_CHECK_MSG(res.restarts == 1 && res.attempts == 3 && srv.offsets[1] == at && srv.offsets[2] == 0,
                      "case %u: restarts %u attempts %u", i, res.restarts, res.attempts);
    }
}

/* A 206 at the asked offset under the same validator but announcing another size: the server contradicts
 * itself, so nothing of it is placed and the file is fetched again from byte 0. */
static void the_same_validator_with_another_size_restarts(void)
{
    struct sx_answer a[2] = {{.edit = SX_CUT, .cut_at = 7000, .read_err = TDM_E_FETCH_NET}, {.edit = SX_TOTAL}};
    begin(40, a, 2);
    a[1].total = (int64_t)pkg.len + 2048;
    TDM_CHECK_OK(run());
    check_pending();
    TDM_CHECK_MSG(res.restarts == 1 && res.attempts == 3 && srv.offsets[1] == 7000 && srv.offsets[2] == 0,
                  "restarts %u attempts %u", res.restarts, res.attempts);
    TDM_CHECK(res.received == 7000 + pkg.len); /* the contradicting body was never read */
}

/* Cancelled once a wait before a retry is over (the look between two attempts): the download stops with
 * TDM_E_FETCH_CANCELLED, the record ACTIVE; cancelled during the wait: stops within one slice. */
static uint64_t wait_end;
static int cancel_when;

static void on_progress(void *arg, const struct tdm_fetch_progress *p)
{
    (void)arg;
    if (p->phase == TDM_FETCH_PH_WAIT) {
        wait_end = cfg.clock.now_ns(cfg.clock.ctx) + (uint64_t)p->wait_ms * 1000000u;
    }
}

static int cancelled(void *arg)
{
    (void)arg;
    uint64_t now = cfg.clock.now_ns(cfg.clock.ctx);
    return wait_end && (cancel_when ? now >= wait_end : now + 60000000u >= wait_end);
}

static void a_cancel_between_attempts_or_in_a_wait_stops_there(void)
{
    for (cancel_when = 0; cancel_when < 2; cancel_when++) {
        struct sx_answer a = {.edit = SX_CUT, .cut_at = 9000, .read_err = TDM_E_FETCH_NET};
        begin(50 + (unsigned)cancel_when, &a, 1);
        wait_end = 0;
        cfg.progress = on_progress;
        cfg.cancelled = cancelled;
        TDM_CHECK_ERR(run(), TDM_E_FETCH_CANCELLED);
        TDM_CHECK_MSG(res.attempts == 1 && res.retries == 1, "attempts %u retries %u", res.attempts, res.retries);
        uint64_t full = (uint64_t)cfg.backoff_min_ms * 1000000u;
        TDM_CHECK_MSG(cancel_when ? res.waited_ns >= full : res.waited_ns < full, "waited %llu ns",
                      (unsigned long long)res.waited_ns);
        struct tdm_fetch_record rec;
        TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
        TDM_CHECK(rec.state == TDM_FETCH_ACTIVE);
    }
}

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
    check_untouched();
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_FAILED && rec.err == TDM_E_BOOT_REJECTED);
}

/* A download stopped (cancelled) after some pages, then its durable data cannot serve a resume as it
 * is: its second page reads uncorrectable (the resume keeps the first page only), the record's total
 * is not the package's, or the progress record is too long to be one (both start afresh from byte 0).
 * Each ends committed bit-exact. */
static void durable_data_that_cannot_be_resumed_starts_afresh(void)
{
    for (unsigned i = 0; i < 3; i++) {
        struct sx_answer a = {.edit = SX_CUT, .cut_at = 12000, .read_err = TDM_E_FETCH_NET};
        begin(80 + i, &a, 1);
        cfg.progress = on_progress;
        cfg.cancelled = cancelled;
        cancel_when = 0;
        wait_end = 0;
        TDM_CHECK_ERR(run(), TDM_E_FETCH_CANCELLED);
        struct tdm_fetch_record rec;
        TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
        if (i == 0) {
            struct tdm_store *st = &dev.store;
            uint32_t row = st->slot[res.slot].map[0] * st->ppb + 1; /* the slot's second page */
            dev.chip.page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        } else if (i == 1) {
            rec.total += 4096;
            TDM_CHECK_OK(tdm_fetch_record_save(&dev.store, &rec));
        } else {
            uint8_t big[TDM_FETCH_RECORD_MAX + 8];
            TDM_CHECK(tdm_fetch_record_encode(&rec, big) > 0);
            TDM_CHECK_OK(tdm_store_journal_append(&dev.store, TDM_FETCH_RECORD_TYPE, big, sizeof big));
            TDM_CHECK_ERR(tdm_fetch_record_load(&dev.store, &rec), TDM_E_CORRUPT);
        }
        cfg.cancelled = NULL;
        TDM_CHECK_OK(run());
        check_pending();
        uint32_t from = i == 0 ? dev.store.page : 0; /* the durable pages before the uncorrectable one */
        TDM_CHECK_MSG(res.resumed_at == from && res.attempts == 1 && res.received == pkg.len - from &&
                          srv.offsets[1] == from,
                      "case %u: resumed at %u attempts %u", i, res.resumed_at, res.attempts);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a transport error at each step is resumed", a_transport_error_at_each_step_is_resumed},
        {"refusals at open or read are given up", refusals_at_open_or_read_are_given_up},
        {"statuses are retried or given up", statuses_are_retried_or_given_up},
        {"a 416 that does not end where the record does restarts", a_416_that_does_not_end_where_the_record_does_restarts},
        {"the same validator with another size restarts", the_same_validator_with_another_size_restarts},
        {"a cancel between attempts or in a wait stops there", a_cancel_between_attempts_or_in_a_wait_stops_there},
        {"an unreadable or busy device state stops before any request",
         an_unreadable_or_busy_device_state_stops_before_any_request},
        {"a package rejected before is refused at the request", a_package_rejected_before_is_refused_at_the_request},
        {"durable data that cannot be resumed starts afresh", durable_data_that_cannot_be_resumed_starts_afresh},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    free(pkg.buf);
    if (dev.have_chip) {
        tdm_sim_nand_destroy(&dev.chip);
    }
    return rc;
}
