/* Specification of the fetch agent (fetch/agent*.c) against the real nginx of the rig, through tdm_proxy
 * for the faults, into a store on a simulated NAND chip. Every package is built from the seed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rig_test.h"

static struct tdm_key other_key;

static void begin(uint64_t salt)
{
    art_begin(salt);
    TDM_CHECK_OK(tdm_key_from_seed(&other_key, tdm_test_seed() + 1000));
}

/* Build and serve a good package as www/NAME; URL through the proxy. */
static void serve_pkg(struct afx_pkg *p, const char *name, size_t app, size_t net, uint64_t salt, time_t mtime)
{
    TDM_CHECK_OK(afx_build(p, &key, app, net, 5, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + salt));
    TDM_CHECK(tdm_rig_put(&rig, name, p->buf, p->len, mtime) == 0);
    tdm_rig_url(rig.proxy_port, name, url, sizeof url);
}

static uint8_t sha_of(const struct afx_pkg *p, uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_crypto_ops c = tdm_host_crypto();
    struct tdm_sha256 h;
    c.sha256_start(0, &h);
    c.sha256_update(0, &h, p->buf, p->len);
    c.sha256_finish(0, &h, out);
    return 0;
}

/* The package is committed bit-exact in the free slot, PENDING with its digest, the record DONE. */
static void check_pending(const struct afx_pkg *p)
{
    TDM_CHECK(res.slot == TDM_STORE_SLOT_A || res.slot == TDM_STORE_SLOT_B);
    TDM_CHECK(afx_slot_equals(&dev, res.slot, p));
    struct tdm_bootstate st;
    uint8_t sha[TDM_SHA256_LEN];
    sha_of(p, sha);
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_slot == res.slot && st.cand_counter == 5);
    TDM_CHECK(!memcmp(st.cand_sha, sha, TDM_SHA256_LEN) && !memcmp(res.sha256, sha, TDM_SHA256_LEN));
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_DONE && rec.total == p->len && !strcmp(rec.url, url));
}

/* Nothing is pending and the slot holds nothing of the refused download. */
static void check_untouched(void)
{
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_IDLE);
    for (unsigned s = 0; s < TDM_STORE_SLOTS; s++) {
        struct tdm_store_slot_info si;
        TDM_CHECK_OK(tdm_store_slot_info(&dev.store, s, &si));
        TDM_CHECK(si.state == TDM_STORE_EMPTY);
    }
}

struct seen {
    unsigned calls, waits;
    uint32_t last_done, total;
    int monotonic;
};

static void on_progress(void *arg, const struct tdm_fetch_progress *p)
{
    struct seen *s = arg;
    s->calls++;
    s->waits += p->phase == TDM_FETCH_PH_WAIT;
    if (p->done < s->last_done) {
        s->monotonic = 0;
    }
    s->last_done = p->done;
    s->total = p->total;
}

static void a_download_is_committed_bit_exact_and_pending(void)
{
    begin(1);
    struct afx_pkg p;
    serve_pkg(&p, "agent.bin", 150000 + rnd(100000), 40000 + rnd(40000), 1, 1700000000);
    struct seen s = {.monotonic = 1};
    cfg.progress = on_progress;
    cfg.progress_arg = &s;
    cfg.progress_ms = 1;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    struct tdm_fetch_result first = res;
    TDM_CHECK(res.received == p.len && res.attempts == 1 && res.retries == 0 && res.restarts == 0);
    TDM_CHECK(s.calls >= 3 && s.monotonic && s.last_done == p.len && s.total == p.len);
    /* Asking again finds it pending and fetches nothing. */
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    TDM_CHECK(res.already == 1 && res.attempts == 0 && res.received == 0);
    /* Another URL while one is pending is refused: the pending package is kept. */
    char other[256];
    tdm_rig_url(rig.proxy_port, "other.bin", other, sizeof other);
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, other, &res), TDM_E_STATE);
    res = first;
    check_pending(&p);
    free(p.buf);
}

/* Drops (close or reset) at seeded offsets of the TLS stream, each followed by a resume. */
static void drops(const char *what, uint64_t salt)
{
    begin(salt);
    struct afx_pkg p;
    serve_pkg(&p, "drops.bin", 200000 + rnd(50000), 50000, salt, 1700000000 + (time_t)salt);
    char sched[512] = "";
    unsigned n = 6 + rnd(4);
    uint32_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        at = 500 + rnd((uint32_t)p.len / 4);
        size_t l = strlen(sched);
        snprintf(sched + l, sizeof sched - l, "%s@%u ", what, at);
    }
    strcat(sched, "pass");
    tdm_test_replay_extra("(schedule %s)", sched);
    tdm_rig_fault(&rig, sched);
    cfg.max_attempts = 12;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    unsigned cuts = 0, mid = 0;
    tdm_rig_proxy_cuts(&rig, &cuts, &mid);
    TDM_CHECK(res.retries >= 1 && res.attempts == res.retries + 1 && res.restarts == 0);
    /* Within one power-on the bytes already accepted are kept: nothing is fetched twice. */
    TDM_CHECK(res.received == p.len);
    free(p.buf);
}

static void drops_at_many_offsets_resume_to_a_bit_exact_package(void)
{
    drops("close", 2);
}

static void connection_resets_resume_to_a_bit_exact_package(void)
{
    drops("reset", 3);
}

static void a_server_ignoring_range_makes_a_clean_restart(void)
{
    begin(4);
    struct afx_pkg p;
    TDM_CHECK_OK(afx_build(&p, &key, 180000, 40000, 5, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + 4));
    TDM_CHECK(tdm_rig_put(&rig, "norange/nr.bin", p.buf, p.len, 1700000400) == 0);
    tdm_rig_url(rig.proxy_port, "norange/nr.bin", url, sizeof url);
    uint32_t at = 20000 + rnd(100000);
    char sched[64];
    snprintf(sched, sizeof sched, "close@%u pass", at);
    tdm_test_replay_extra("(schedule %s)", sched);
    tdm_rig_fault(&rig, sched);
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    TDM_CHECK(res.restarts == 1 && res.attempts == 2);
    TDM_CHECK(res.received > p.len && res.received < 2 * p.len);
    free(p.buf);
}

static void not_found_gives_up_at_once_and_touches_nothing(void)
{
    begin(5);
    tdm_rig_url(rig.proxy_port, "no-such-package.bin", url, sizeof url);
    uint64_t ops0 = dev.chip.dom->ops;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_HTTP);
    TDM_CHECK(res.attempts == 1 && res.retries == 0 && dev.chip.dom->ops == ops0);
    check_untouched();
}

static void a_server_error_is_retried_with_capped_backoff_then_given_up(void)
{
    begin(6);
    tdm_rig_url(rig.proxy_port, "status/500", url, sizeof url);
    cfg.max_attempts = 5;
    uint64_t ops0 = dev.chip.dom->ops;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_RETRIES);
    /* 5 attempts, 4 waits: 100 ms << 1, << 2, << 3 (capped at 800), ... on the simulated clock. */
    TDM_CHECK(res.attempts == 5 && res.retries == 4);
    TDM_CHECK(res.waited_ns == (200u + 400u + 800u + 800u) * 1000000ull);
    TDM_CHECK(dev.chip.dom->ops == ops0);
    check_untouched();
}

static void a_range_past_the_end_completes_what_is_durable(void)
{
    begin(7);
    /* A package of whole pages: every byte is durable before the commit record. Cut that record. */
    struct afx_pkg p;
    TDM_CHECK_OK(afx_build_aligned(&p, &key, 100000 + rnd(50000), 30000, 2048, tdm_test_seed() + 7));
    TDM_CHECK(tdm_rig_put(&rig, "aligned.bin", p.buf, p.len, 1700000700) == 0);
    tdm_rig_url(rig.proxy_port, "aligned.bin", url, sizeof url);
    uint64_t ops0 = dev.chip.dom->ops;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    uint64_t total_ops = dev.chip.dom->ops - ops0;
    /* The same download again on a fresh device, cut at its commit record (3 journal records from the
     * end: commit, PENDING, record DONE). */
    TDM_CHECK_OK(afx_device_new(&dev, tdm_test_seed() + 7));
    ops0 = dev.chip.dom->ops;
    tdm_sim_domain_cut_at(dev.chip.dom, ops0 + total_ops - 2, TDM_SIM_CUT_BEFORE);
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_POWER);
    TDM_CHECK(res.received == p.len);
    TDM_CHECK_OK(afx_mount(&dev));
    struct tdm_store_slot_info si;
    TDM_CHECK_OK(tdm_store_slot_info(&dev.store, TDM_STORE_SLOT_A, &si));
    TDM_CHECK(si.state == TDM_STORE_OPEN);
    /* The resume asks for bytes=len-: nginx answers 416 with the same total, and nothing is fetched. */
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    TDM_CHECK(res.resumed_at == p.len && res.received == 0 && res.attempts == 1);
    check_pending(&p);
    free(p.buf);
}

static void a_file_replaced_between_attempts_starts_over(void)
{
    begin(8);
    struct afx_pkg a, b;
    serve_pkg(&a, "moving.bin", 160000, 40000, 8, 1700000800);
    TDM_CHECK_OK(afx_build(&b, &key, 170000 + rnd(20000), 45000, 6, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + 9));
    char sched[64];
    snprintf(sched, sizeof sched, "close@%u pass", 30000 + rnd(100000));
    tdm_test_replay_extra("(schedule %s)", sched);
    tdm_rig_fault(&rig, sched);
    struct afx_replace r = {&rig, "moving.bin", &b, 1700000900, 0};
    cfg.progress = afx_replace_on_wait;
    cfg.progress_arg = &r;
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    TDM_CHECK(r.done == 1 && res.restarts == 1 && res.attempts == 2);
    TDM_CHECK(afx_slot_equals(&dev, res.slot, &b));
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    TDM_CHECK(st.phase == TDM_BS_PENDING && st.cand_counter == 6);
    free(a.buf);
    free(b.buf);
}

static void a_wrong_content_length_is_refused(void)
{
    begin(10);
    struct afx_pkg p;
    TDM_CHECK_OK(afx_build(&p, &key, 100000, 30000, 5, TDM_PKG_HW_ID_DEFAULT, tdm_test_seed() + 10));
    TDM_CHECK(p.len < rig.lie_declared);
    FILE *f = fopen(rig.lie_file, "wb");
    TDM_CHECK(f && fwrite(p.buf, 1, p.len, f) == p.len);
    fclose(f);
    tdm_rig_url(rig.main_port, "lie.bin", url, sizeof url);
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_LENGTH);
    TDM_CHECK(res.attempts == 1 && res.received < 4096);
    check_untouched();
    free(p.buf);
}

static void untrusted_certificates_and_wrong_host_names_are_refused(void)
{
    begin(11);
    struct afx_pkg p;
    serve_pkg(&p, "tls.bin", 50000, 20000, 11, 1700001100);
    int ports[2] = {rig.otherca_port, rig.wronghost_port};
    for (int i = 0; i < 2; i++) {
        tdm_rig_url(ports[i], "tls.bin", url, sizeof url);
        uint64_t ops0 = dev.chip.dom->ops;
        TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_TLS);
        TDM_CHECK(res.attempts == 1 && res.received == 0 && dev.chip.dom->ops == ops0);
    }
    check_untouched();
    free(p.buf);
}

static void an_oversized_file_is_refused_before_nand_fills(void)
{
    begin(12);
    size_t n = 2u * 1024u * 1024u;
    uint8_t *big = malloc(n);
    tdm_rig_fill(big, n, tdm_test_seed() + 12);
    TDM_CHECK(tdm_rig_put(&rig, "huge.bin", big, n, 1700001200) == 0);
    free(big);
    tdm_rig_url(rig.proxy_port, "huge.bin", url, sizeof url);
    uint64_t programs0 = dev.chip.stats.programs;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_TOO_BIG);
    TDM_CHECK(res.attempts == 1 && res.received == 0 && dev.chip.stats.programs == programs0);
    check_untouched();
}

/* A package the parser refuses at its manifest: stopped with `want` before any component byte. */
static void refused_manifest(const struct afx_pkg *p, int want)
{
    TDM_CHECK(tdm_rig_put(&rig, "bad.bin", p->buf, p->len, 1700001300 + (time_t)rnd(1000)) == 0);
    tdm_rig_url(rig.proxy_port, "bad.bin", url, sizeof url);
    uint64_t programs0 = dev.chip.stats.programs;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), want);
    uint32_t comp_off = TDM_PKG_HEADER_LEN + tdm_get_le32(p->buf + 8) + TDM_PKG_SIG_BLOCK_LEN;
    TDM_CHECK(res.received <= comp_off + TDM_FETCH_BUF && res.attempts == 1);
    /* Journal records only (open, ACTIVE, clear, FAILED): no page of the package was programmed. */
    TDM_CHECK(dev.chip.stats.programs - programs0 <= 4);
    struct tdm_fetch_record rec;
    TDM_CHECK_OK(tdm_fetch_record_load(&dev.store, &rec));
    TDM_CHECK(rec.state == TDM_FETCH_FAILED && rec.err == want);
    check_untouched();
}

static void bad_manifests_stop_the_download_before_the_bulk(void)
{
    begin(13);
    struct afx_pkg p;
    size_t app = 300000, net = 60000;
    TDM_CHECK_OK(afx_build(&p, &other_key, app, net, 5, TDM_PKG_HW_ID_DEFAULT, 13));
    refused_manifest(&p, TDM_E_PKG_KEY);
    free(p.buf);
    TDM_CHECK_OK(afx_build(&p, &key, app, net, 5, 0x1234, 13));
    refused_manifest(&p, TDM_E_PKG_HW_ID);
    free(p.buf);
    dev.counter = 9; /* the device has confirmed counter 9: a counter-5 package is a downgrade */
    TDM_CHECK_OK(afx_build(&p, &key, app, net, 5, TDM_PKG_HW_ID_DEFAULT, 13));
    refused_manifest(&p, TDM_E_PKG_DOWNGRADE);
    dev.counter = 0;
    cfg.app_max = 256 * 1024; /* an application slot smaller than the package's app image */
    refused_manifest(&p, TDM_E_PKG_TOO_BIG);
    free(p.buf);
}

/* MIN_BOOTLOADER is checked against the bootloader the device has, as it recorded itself in the boot state
 * (the agent's config leaves bootloader_version 0.0), never against a version compiled into the agent. */
static void min_bootloader_is_checked_against_the_version_the_device_recorded(void)
{
    begin(15);
    struct afx_pkg p;
    const struct tdm_version v1_0 = {1, 0, 0, 0}, v1_1 = {1, 1, 0, 0};
    TDM_CHECK_OK(afx_build_min(&p, &key, 300000, 60000, 5, TDM_PKG_HW_ID_DEFAULT, 15, v1_0));
    refused_manifest(&p, TDM_E_PKG_BOOTLOADER); /* no bootloader has recorded itself on this device yet */
    struct tdm_bootstate st;
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    st.boot_major = 1; /* what bootloader 1.0 writes at its first boot */
    st.boot_minor = 0;
    TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
    TDM_CHECK(tdm_rig_put(&rig, "boot10.bin", p.buf, p.len, 1700001500) == 0);
    tdm_rig_url(rig.proxy_port, "boot10.bin", url, sizeof url);
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    free(p.buf);
    TDM_CHECK_OK(tdm_bootstate_load(&dev.store, &st));
    st.phase = TDM_BS_IDLE; /* as after that update: the next one needs bootloader 1.1 */
    st.cand_slot = TDM_STORE_NONE;
    TDM_CHECK_OK(tdm_bootstate_save(&dev.store, &st));
    TDM_CHECK_OK(afx_build_min(&p, &key, 300000, 60000, 6, TDM_PKG_HW_ID_DEFAULT, 16, v1_1));
    TDM_CHECK(tdm_rig_put(&rig, "boot11.bin", p.buf, p.len, 1700001600) == 0);
    tdm_rig_url(rig.proxy_port, "boot11.bin", url, sizeof url);
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_PKG_BOOTLOADER);
    free(p.buf);
}

static int cancel_after(void *arg)
{
    return dev.agent.off >= *(uint32_t *)arg;
}

static void a_cancelled_download_resumes_in_the_next_run(void)
{
    begin(14);
    struct afx_pkg p;
    serve_pkg(&p, "cancel.bin", 200000, 50000, 14, 1700001400);
    uint32_t stop_at = 50000 + rnd(100000);
    cfg.cancelled = cancel_after;
    cfg.cancel_arg = &stop_at;
    TDM_CHECK_ERR(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res), TDM_E_FETCH_CANCELLED);
    uint64_t first = res.received;
    cfg.cancelled = NULL;
    TDM_CHECK_OK(afx_mount(&dev)); /* as after a reboot: nothing kept in RAM */
    TDM_CHECK_OK(tdm_fetch_run(&dev.agent, &cfg, &dev.store, url, &res));
    check_pending(&p);
    TDM_CHECK(res.resumed_at > 0 && res.resumed_at % 2048 == 0 && res.resumed_at <= first);
    TDM_CHECK(first - res.resumed_at < 2048 && res.received == p.len - res.resumed_at);
    free(p.buf);
}

static void the_agent_fits_its_ram_budget(void)
{
    TDM_CHECK(sizeof(struct tdm_fetch) <= TDM_FETCH_RAM);
    struct tdm_fetch_record r = {.state = TDM_FETCH_ACTIVE, .slot = 1, .gen = 7, .total = 12345, .err = 0};
    strcpy(r.validator, "\"5f3a-1e240\"");
    strcpy(r.url, "https://example.com/p.bin");
    uint8_t buf[TDM_FETCH_RECORD_MAX];
    int n = tdm_fetch_record_encode(&r, buf);
    TDM_CHECK(n == 20 + 12 + 25);
    struct tdm_fetch_record d;
    TDM_CHECK_OK(tdm_fetch_record_decode(buf, (uint32_t)n, &d));
    TDM_CHECK(d.gen == 7 && d.total == 12345 && !strcmp(d.url, r.url) && !strcmp(d.validator, r.validator));
    TDM_CHECK_ERR(tdm_fetch_record_decode(buf, (uint32_t)n - 1, &d), TDM_E_CORRUPT);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"the agent fits its RAM budget; the record round-trips", the_agent_fits_its_ram_budget},
        {"a download is committed bit-exact and PENDING", a_download_is_committed_bit_exact_and_pending},
        {"drops at many offsets resume to a bit-exact package", drops_at_many_offsets_resume_to_a_bit_exact_package},
        {"connection resets resume to a bit-exact package", connection_resets_resume_to_a_bit_exact_package},
        {"a server ignoring Range makes a clean restart", a_server_ignoring_range_makes_a_clean_restart},
        {"404 gives up at once and touches nothing", not_found_gives_up_at_once_and_touches_nothing},
        {"500 is retried with capped backoff, then given up", a_server_error_is_retried_with_capped_backoff_then_given_up},
        {"416 past the end completes what is durable", a_range_past_the_end_completes_what_is_durable},
        {"a file replaced between attempts starts over", a_file_replaced_between_attempts_starts_over},
        {"a wrong Content-Length is refused", a_wrong_content_length_is_refused},
        {"untrusted certificates and wrong host names are refused", untrusted_certificates_and_wrong_host_names_are_refused},
        {"an oversized file is refused before NAND fills", an_oversized_file_is_refused_before_nand_fills},
        {"bad manifests stop the download before the bulk", bad_manifests_stop_the_download_before_the_bulk},
        {"a cancelled download resumes in the next run", a_cancelled_download_resumes_in_the_next_run},
        {"MIN_BOOTLOADER is checked against the version the device recorded",
         min_bootloader_is_checked_against_the_version_the_device_recorded},
    };
    return art_main(argc, argv, s, sizeof s / sizeof s[0]);
}
