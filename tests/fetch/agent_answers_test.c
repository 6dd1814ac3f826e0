/* The fetch agent (fetch/agent*.c) against a scripted server (script_transport.h, no network), into a
 * store on a simulated W25N-SMALL: each server answer and each transport error at each step of a
 * transfer ends in a resume, a restart from byte 0, a retry or a refusal, as docs/FETCH.md "Agent" says.
 * Every package is built from the seed. Replay: fetch_agent_answers --case NAME --seed S. */
#include <stdio.h>

#include "agent_script_fixture.h"

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

/* TLS and URL refusals at open are never retried and touch nothing, nor does a URL that is empty or too
 * long for the record; a body growing past the slot at a read (the transport's TDM_E_FETCH_TOO_BIG)
 * ends the download: slot cleared, record FAILED. */
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
    char longer[TDM_FETCH_URL_MAX + 8];
    memset(longer, 'u', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    const char *urls[] = {"", longer};
    for (unsigned i = 0; i < 2; i++) { /* an empty URL, one longer than the record keeps */
        TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, urls[i], &res), TDM_E_FETCH_URL);
        TDM_CHECK(res.attempts == 0);
        check_untouched();
    }
    struct sx_answer a = {.edit = SX_CUT, .cut_at = 5000, .read_err = TDM_E_FETCH_TOO_BIG};
    begin(13, &a, 1);
    TDM_CHECK_ERR(run(), TDM_E_FETCH_TOO_BIG);
    TDM_CHECK(res.attempts == 1);
    check_failed(TDM_E_FETCH_TOO_BIG);
}

/* 429 and 5xx are retried (429 and 503 after their Retry-After), any other status is given up at once
 * (a 416 to a request from byte 0 too: an empty file is no package). */
static void statuses_are_retried_or_given_up(void)
{
    static const struct {
        int status, retried;
        uint32_t retry_ms;
    } c[] = {{429, 1, 700}, {503, 1, 600}, {502, 1, 0}, {599, 1, 0}, {403, 0, 0}, {410, 0, 0}, {416, 0, 0}, {600, 0, 0}, {304, 0, 0}};
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

/* A 206 at the asked offset under the same validator but announcing another size, or flagged as a
 * changed file: the server contradicts itself, so nothing of it is placed and the file is fetched again
 * from byte 0. */
static void a_206_that_contradicts_the_record_restarts(void)
{
    for (unsigned i = 0; i < 2; i++) {
        struct sx_answer a[2] = {{.edit = SX_CUT, .cut_at = 7000, .read_err = TDM_E_FETCH_NET},
                                 {.edit = i == 0 ? SX_TOTAL : SX_CHANGED, .changed = 1}};
        begin(40 + i, a, 2);
        a[1].total = (int64_t)pkg.len + 2048;
        TDM_CHECK_OK(run());
        check_pending();
        TDM_CHECK_MSG(res.restarts == 1 && res.attempts == 3 && srv.offsets[1] == 7000 && srv.offsets[2] == 0,
                      "case %u: restarts %u attempts %u", i, res.restarts, res.attempts);
        TDM_CHECK(res.received == 7000 + pkg.len); /* the contradicting body was never read */
    }
}

/* Answers that start elsewhere than asked: after a restart (the bytes accepted are void), a 206 that
 * says it starts where the void bytes ended is discarded, never spliced on (a second restart); a drop
 * before the first byte, then the file replaced (a new validator): the answer from byte 0 is the new
 * file, taken whole (a restart). */
static void replace_etag(void *arg, const struct tdm_fetch_progress *p)
{
    (void)arg;
    if (p->phase == TDM_FETCH_PH_WAIT) {
        file.etag = "\"v2\"";
    }
}

static void an_answer_from_elsewhere_or_of_a_new_file_restarts(void)
{
    struct sx_answer a[3] = {{.edit = SX_CUT, .cut_at = 7000, .read_err = TDM_E_FETCH_NET},
                             {.edit = SX_TOTAL},
                             {.edit = SX_START, .start = 7000}};
    begin(45, a, 3);
    a[1].total = (int64_t)pkg.len + 2048;
    TDM_CHECK_OK(run());
    check_pending();
    TDM_CHECK_MSG(res.restarts == 2 && res.attempts == 4 && srv.offsets[2] == 0 && srv.offsets[3] == 0 &&
                      res.received == 7000 + pkg.len,
                  "restarts %u attempts %u", res.restarts, res.attempts);
    struct sx_answer drop = {.edit = SX_CUT, .cut_at = 0, .read_err = TDM_E_FETCH_NET};
    begin(46, &drop, 1);
    cfg.progress = replace_etag;
    TDM_CHECK_OK(run());
    check_pending();
    TDM_CHECK_MSG(res.restarts == 1 && res.attempts == 2 && srv.offsets[1] == 0 && res.received == pkg.len,
                  "new file: restarts %u attempts %u", res.restarts, res.attempts);
}

/* Cancelled once a wait before a retry is over (the look between two attempts): the download stops with
 * TDM_E_FETCH_CANCELLED, the record ACTIVE; cancelled during the wait: stops within one slice. */
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


/* A server that never says the size (no Content-Length, no Content-Range total), or says it only in the
 * answer to the resume: a drop is resumed and the package completes; a body that ends cleanly is the file's end, so a package cut short there is
 * refused by the parser (record FAILED), never committed. */
static void a_server_that_never_says_the_size(void)
{
    struct sx_answer a[2] = {{.edit = SX_TOTAL | SX_CUT, .total = -1, .cut_at = 9000, .read_err = TDM_E_FETCH_NET},
                             {.edit = SX_TOTAL, .total = -1}};
    for (unsigned i = 0; i < 2; i++) { /* the resume's answer: still no size, or the size at last */
        begin(70 + i, a, 2);
        a[1].edit = i ? 0 : SX_TOTAL;
        TDM_CHECK_OK(run());
        check_pending();
        TDM_CHECK_MSG(res.range_resumes == 1 && res.range_from == 9000 && res.restarts == 0 && res.attempts == 2,
                      "case %u: range resumes %u from %u restarts %u", i, res.range_resumes, res.range_from,
                      res.restarts);
    }
    a[0].read_err = 0;
    begin(72, a, 2);
    int err = run();
    TDM_CHECK_MSG(tdm_err_is_pkg(err) && res.attempts == 1, "%s, attempts %u", tdm_errname(err), res.attempts);
    check_failed(err);
}

/* The agent's crypto port fails once while the package streams in (a hardware hash engine that times
 * out): no verdict on the package, no retry in this run (TDM_E_CRYPTO), the record stays ACTIVE; the next
 * run resumes from the durable bytes and commits. */
static struct tdm_crypto_ops real_crypto;
static unsigned crypto_calls, crypto_fail_at;

static int flaky_update(void *ctx, struct tdm_sha256 *h, const void *data, size_t len)
{
    return ++crypto_calls == crypto_fail_at ? TDM_E_CRYPTO : real_crypto.sha256_update(ctx, h, data, len);
}

static void a_crypto_port_failure_is_no_verdict(void)
{
    begin(80, NULL, 0);
    real_crypto = cfg.crypto;
    crypto_calls = 0;
    crypto_fail_at = 12;
    cfg.crypto.sha256_update = flaky_update;
    TDM_CHECK_ERR(run(), TDM_E_CRYPTO);
    TDM_CHECK(res.attempts == 1 && res.retries == 0);
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_ACTIVE);
    TDM_CHECK_OK(run());
    check_pending();
    TDM_CHECK(res.resumed_at > 0 && res.resumed_at < pkg.len);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a transport error at each step is resumed", a_transport_error_at_each_step_is_resumed},
        {"refusals at open or read are given up", refusals_at_open_or_read_are_given_up},
        {"statuses are retried or given up", statuses_are_retried_or_given_up},
        {"a 416 that does not end where the record does restarts", a_416_that_does_not_end_where_the_record_does_restarts},
        {"a 206 that contradicts the record restarts", a_206_that_contradicts_the_record_restarts},
        {"an answer from elsewhere or of a new file restarts", an_answer_from_elsewhere_or_of_a_new_file_restarts},
        {"a cancel between attempts or in a wait stops there", a_cancel_between_attempts_or_in_a_wait_stops_there},
        {"a server that never says the size", a_server_that_never_says_the_size},
        {"a crypto port failure is no verdict", a_crypto_port_failure_is_no_verdict},
    };
    return asx_main(argc, argv, s, sizeof s / sizeof s[0]);
}
