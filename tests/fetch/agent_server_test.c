/* Specification of the fetch agent (fetch/agent*.c) against servers that misbehave: no validator at all,
 * If-Range ignored, a 206 that starts elsewhere than asked, Retry-After on 503 and 429. The faults come
 * from tdm_liar behind the rig's real nginx (HTTPS), drops from tdm_proxy in front of it; the store is on
 * a simulated NAND chip whose clock the backoff waits run on. Every package is built from the seed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_rig_test.h"

static char name[64];

/* A fresh device and transport, a passing proxy, and a good package served as www/NAME (a name of its
 * own per scenario and process, so tdm_liar's log and its first-request memory start empty for it). */
static void begin(uint64_t salt, struct afx_pkg *p)
{
    art_begin(salt);
    snprintf(name, sizeof name, "srv-%d-%llu.bin", (int)getpid(), (unsigned long long)salt);
    TDM_CHECK_OK(afx_build(p, &key, 150000 + rnd(60000), 40000, 5, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + salt));
    TDM_CHECK(tdm_rig_put(&rig, name, p->buf, p->len, 1700100000 + (time_t)salt) == 0);
}

/* URL of www/NAME through the proxy, served by tdm_liar in MODE; and a drop at a seeded offset. */
static void liar_url(const char *mode, int drop)
{
    char path[160];
    snprintf(path, sizeof path, "liar/%s/%s", mode, name);
    tdm_rig_url(rig.proxy_port, path, url, sizeof url);
    if (drop) {
        char sched[64];
        snprintf(sched, sizeof sched, "close@%u pass", 40000 + rnd(80000));
        tdm_test_replay_extra("(schedule %s)", sched);
        tdm_rig_fault(&rig, sched);
    }
}

static void check_pending(const struct afx_pkg *p)
{
    TDM_CHECK(afx_slot_equals(&dev, res.slot, p));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == res.slot);
}

static void without_a_validator_a_drop_restarts_from_byte_zero(void)
{
    struct afx_pkg p;
    begin(1, &p);
    liar_url("plain", 1);
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    unsigned requests, ranged;
    tdm_rig_liar_requests(&rig, name, &requests, &ranged);
    /* Two requests, neither with a Range: the second asked for the whole file again. */
    TDM_CHECK(requests == 2 && ranged == 0);
    TDM_CHECK(res.attempts == 2 && res.restarts == 1 && res.range_resumes == 0 && res.received > p.len);
    free(p.buf);
}

static int cancel_after(void *arg)
{
    return dev.agent.off >= *(uint32_t *)arg;
}

static void without_a_validator_a_reboot_restarts_from_byte_zero(void)
{
    struct afx_pkg p;
    begin(2, &p);
    liar_url("plain", 0);
    uint32_t stop_at = 50000 + rnd(50000);
    cfg.cancelled = cancel_after;
    cfg.cancel_arg = &stop_at;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_CANCELLED);
    cfg.cancelled = NULL;
    TDM_CHECK_OK(afx_mount(&dev)); /* as after a reboot: durable bytes are in NAND, but no validator */
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    unsigned requests, ranged;
    tdm_rig_liar_requests(&rig, name, &requests, &ranged);
    TDM_CHECK(requests == 2 && ranged == 0);
    TDM_CHECK(res.resumed_at == 0 && res.received == p.len && res.attempts == 1);
    free(p.buf);
}

static void a_206_of_a_changed_file_is_discarded_and_restarted(void)
{
    struct afx_pkg a, b;
    begin(3, &a);
    TDM_CHECK_OK(afx_build(&b, &key, 160000 + rnd(40000), 45000, 6, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + 33));
    liar_url("ignore-if-range", 1);
    struct afx_replace r = {&rig, name, &b, 1700200000, 0};
    cfg.progress = afx_replace_on_wait;
    cfg.progress_arg = &r;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    /* attempt 1: A, dropped; attempt 2: a 206 with B's ETag (If-Range ignored), discarded unread;
     * attempt 3: B from byte 0. */
    TDM_CHECK(r.done == 1 && res.attempts == 3 && res.restarts == 1 && res.range_resumes == 0);
    check_pending(&b);
    unsigned requests, ranged;
    tdm_rig_liar_requests(&rig, name, &requests, &ranged);
    TDM_CHECK(requests == 3 && ranged == 1);
    free(a.buf);
    free(b.buf);
}

static void a_206_that_starts_elsewhere_is_discarded_and_restarted(void)
{
    struct afx_pkg p;
    begin(4, &p);
    liar_url("shifted", 1);
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    TDM_CHECK(res.attempts == 3 && res.restarts == 1 && res.range_resumes == 0);
    check_pending(&p);
    free(p.buf);
}

static void a_resume_answered_206_at_the_asked_offset_counts_as_a_range_resume(void)
{
    struct afx_pkg p;
    begin(5, &p);
    liar_url("honest", 1); /* ETag, Range and If-Range honoured */
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    TDM_CHECK(res.range_resumes == 1 && res.range_from > 0 && res.restarts == 0 && res.received == p.len);
    free(p.buf);
}

/* www/NAME from tdm_liar in a busy MODE, with a backoff cap of cap_ms: one refusal, then the package. */
static void busy_then_served(uint64_t salt, const char *mode, uint32_t cap_ms)
{
    struct afx_pkg p;
    begin(salt, &p);
    liar_url(mode, 0);
    cfg.backoff_max_ms = cap_ms;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    TDM_CHECK(res.attempts == 2 && res.retries == 1);
    free(p.buf);
}

static void retry_after_seconds_on_503_is_honoured(void)
{
    busy_then_served(6, "busy-3", 5000);
    /* One wait of exactly 3 s on the simulated clock, instead of the 200 ms backoff. */
    TDM_CHECK(res.waited_ns == 3000000000ull);
}

static void retry_after_as_a_date_on_429_is_honoured(void)
{
    busy_then_served(7, "busydate-4", 10000);
    /* The date is 4 s after the server's own Date (whole seconds: 3 or 4 s, as the second turns). */
    TDM_CHECK(res.waited_ns >= 3000000000ull && res.waited_ns <= 4000000000ull);
}

static void retry_after_is_capped_by_the_backoff_cap(void)
{
    struct afx_pkg p;
    begin(8, &p);
    liar_url("always503-100", 0);
    cfg.max_attempts = 3;
    uint64_t ops0 = dev.chip.dom->ops;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_RETRIES);
    TDM_CHECK(res.attempts == 3 && res.status == 503 && res.waited_ns == 2 * 800000000ull);
    TDM_CHECK(dev.chip.dom->ops == ops0);
    free(p.buf);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"without a validator a drop restarts from byte 0", without_a_validator_a_drop_restarts_from_byte_zero},
        {"without a validator a reboot restarts from byte 0", without_a_validator_a_reboot_restarts_from_byte_zero},
        {"a 206 of a changed file is discarded and restarted", a_206_of_a_changed_file_is_discarded_and_restarted},
        {"a 206 that starts elsewhere is discarded and restarted", a_206_that_starts_elsewhere_is_discarded_and_restarted},
        {"a resume answered 206 at the asked offset is a Range resume",
         a_resume_answered_206_at_the_asked_offset_counts_as_a_range_resume},
        {"Retry-After in seconds on 503 is honoured", retry_after_seconds_on_503_is_honoured},
        {"Retry-After as a date on 429 is honoured", retry_after_as_a_date_on_429_is_honoured},
        {"Retry-After is capped by the backoff cap", retry_after_is_capped_by_the_backoff_cap},
    };
    return art_main(argc, argv, s, sizeof s / sizeof s[0]);
}
