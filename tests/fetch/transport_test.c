/* Specification of the host transport (fetch/host/transport_curl.c) against a real nginx over HTTPS
 * (the fetch_rig fixture), with faults from tdm_proxy. Every served file is seeded data. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "rig.h"
#include "transport_curl.h"

#define BIG (768u * 1024u)

static struct tdm_rig rig;
static struct tdm_transport_ops ops;
static struct tdm_curl_transport *tr;
static uint8_t want[BIG], got[BIG + 20000];
static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

/* Every scenario starts its own random stream, so `--case NAME --seed S` replays it exactly. */
static void begin(uint64_t salt)
{
    rng = tdm_test_seed() * 0x9E3779B97F4A7C15ull + salt;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A new transport (a new connection cache, so every open makes a new proxy connection). */
static void transport(const char *ca, uint32_t low_bytes, uint32_t low_ms, uint32_t redirects)
{
    tdm_fetch_curl_destroy(tr);
    struct tdm_curl_config cfg = {.ca_file = ca, .low_speed_bytes = low_bytes, .low_speed_ms = low_ms,
                                  .max_redirects = redirects, .connect_timeout_ms = 3000};
    TDM_CHECK_OK(tdm_fetch_curl_create(&cfg, &ops, &tr));
}

/* Serve `size` seeded bytes as www/NAME (kept in want[]); returns the size. */
static size_t serve(const char *name, size_t size, uint64_t salt, time_t mtime)
{
    TDM_CHECK(size <= BIG);
    tdm_rig_fill(want, size, tdm_test_seed() * 1000003u + salt);
    TDM_CHECK(tdm_rig_put(&rig, name, want, size, mtime) == 0);
    return size;
}

static void url_of(int port, const char *path, char *out)
{
    tdm_rig_url(port, path, out, 256);
}

/* Read the open body into got[] at its file offset, in random piece sizes; *n counts the bytes.
 * Returns 0 at the end of the body or the read error. */
static int drain(const struct tdm_transport_reply *rep, uint64_t *n)
{
    *n = 0;
    for (;;) {
        uint32_t len = 1 + rnd(20000);
        TDM_CHECK(rep->start + *n + len <= BIG + 20000u);
        int r = ops.read(ops.ctx, got + rep->start + *n, len);
        if (r <= 0) {
            return r;
        }
        TDM_CHECK((uint32_t)r <= len);
        *n += (uint64_t)r;
    }
}

static void full_download_is_bit_exact(void)
{
    begin(1);
    char url[256];
    size_t size = serve("pkg.bin", 300000 + rnd(200000), 1, 1700000000);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "pkg.bin", url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    TDM_CHECK(rep.status == 200 && rep.range_honoured && rep.start == 0);
    TDM_CHECK(rep.length == (int64_t)size && rep.total == (int64_t)size);
    TDM_CHECK(rep.validator[0] == '"');
    uint64_t n;
    TDM_CHECK_OK(drain(&rep, &n));
    TDM_CHECK(n == size && !memcmp(got, want, size));
    ops.close(ops.ctx);
}

static void range_resume_is_bit_exact(void)
{
    begin(2);
    char url[256], validator[TDM_TRANSPORT_VALIDATOR_MAX];
    size_t size = serve("pkg.bin", 200000 + rnd(300000), 2, 1700000100);
    uint64_t off = 1 + rnd((uint32_t)size - 1);
    tdm_test_replay_extra("(offset %llu)", (unsigned long long)off);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "pkg.bin", url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep)); /* learn the validator, then abandon the transfer */
    memcpy(validator, rep.validator, sizeof validator);
    ops.close(ops.ctx);
    req.offset = off;
    req.validator = validator;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    TDM_CHECK(rep.status == 206 && rep.range_honoured && !rep.changed && rep.start == off);
    TDM_CHECK(rep.length == (int64_t)(size - off) && rep.total == (int64_t)size);
    uint64_t n;
    TDM_CHECK_OK(drain(&rep, &n));
    TDM_CHECK(n == size - off && !memcmp(got + off, want + off, n));
    ops.close(ops.ctx);
}

/* Resume through the proxy until the whole file is in got[]; each attempt faces `fault`.
 * Returns the number of attempts that ended in an error. */
static unsigned resume_through_faults(const char *url, size_t size, const char *fault_fmt, unsigned cuts)
{
    char validator[TDM_TRANSPORT_VALIDATOR_MAX] = "";
    uint64_t have = 0;
    unsigned errors = 0;
    for (unsigned attempt = 0; have < size; attempt++) {
        TDM_CHECK(attempt < cuts + 3);
        char fault[64] = "pass";
        if (attempt < cuts) {
            snprintf(fault, sizeof fault, fault_fmt, 300 + rnd(90000));
        }
        tdm_test_replay_extra("(attempt %u, %s, resume at %llu)", attempt, fault, (unsigned long long)have);
        tdm_rig_fault(&rig, fault);
        transport(rig.ca, 0, 0, 0);
        struct tdm_transport_request req = {.url = url, .offset = have, .validator = validator};
        struct tdm_transport_reply rep;
        int err = ops.open(ops.ctx, &req, &rep);
        uint64_t n = 0;
        if (err == 0) {
            TDM_CHECK(rep.start == have && (have == 0 || rep.status == 206));
            memcpy(validator, rep.validator, sizeof validator);
            err = drain(&rep, &n);
            TDM_CHECK(!memcmp(got + have, want + have, n)); /* delivered bytes are final and right */
            have += n;
        }
        ops.close(ops.ctx);
        if (err < 0) {
            TDM_CHECK(err == TDM_E_FETCH_NET || err == TDM_E_FETCH_LENGTH);
            errors++;
        }
    }
    TDM_CHECK(have == size && !memcmp(got, want, size));
    return errors;
}

static void drops_at_many_offsets_resume_to_a_bit_exact_file(void)
{
    begin(3);
    char url[256];
    size_t size = serve("pkg.bin", BIG - rnd(100000), 3, 1700000200);
    url_of(rig.proxy_port, "pkg.bin", url);
    unsigned cuts0, mid0, cuts1, mid1;
    tdm_rig_proxy_cuts(&rig, &cuts0, &mid0);
    unsigned errors = resume_through_faults(url, size, "close@%u pass", 14);
    tdm_rig_proxy_cuts(&rig, &cuts1, &mid1);
    TDM_CHECK(errors >= 10);                /* most cuts land before the end of what is left */
    TDM_CHECK(cuts1 - cuts0 >= errors);     /* and the proxy did cut them */
    TDM_CHECK(mid1 - mid0 >= errors / 2);   /* mostly in the middle of a TLS record */
}

static void connection_resets_resume_to_a_bit_exact_file(void)
{
    begin(4);
    char url[256];
    size_t size = serve("pkg.bin", 400000 + rnd(100000), 4, 1700000300);
    url_of(rig.proxy_port, "pkg.bin", url);
    TDM_CHECK(resume_through_faults(url, size, "reset@%u pass", 4) >= 2);
}

static void a_stall_hits_the_low_speed_timeout(void)
{
    begin(5);
    char url[256];
    size_t size = serve("pkg.bin", 300000, 5, 1700000400);
    url_of(rig.proxy_port, "pkg.bin", url);
    tdm_rig_fault(&rig, "stall@40000+4000 pass");
    transport(rig.ca, 1024, 400, 0);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    uint64_t t0 = now_ms(), n = 0;
    int err;
    while ((err = ops.read(ops.ctx, got + n, 4096)) > 0) {
        n += (uint64_t)err;
        t0 = now_ms();
    }
    uint64_t waited = now_ms() - t0;
    TDM_CHECK_ERR(err, TDM_E_FETCH_TIMEOUT);
    TDM_CHECK(n < size && !memcmp(got, want, n));
    /* a stall is detected one window (400 ms) after the last bytes, not up to two windows later */
    TDM_CHECK(waited >= 400 && waited < 650);
    ops.close(ops.ctx);
    tdm_rig_fault(&rig, "pass");
}

static void a_readers_own_pause_is_not_network_time(void)
{
    char url[256];
    begin(6);
    size_t size = serve("pkg.bin", 200000, 6, 1700000500);
    url_of(rig.proxy_port, "pkg.bin", url);
    /* The server stalls 700 ms after 60000 bytes; the reader naps 500 ms with those bytes in hand, then
     * waits the remaining ~200 ms for more. Only that wait counts: it is within the 400 ms window. */
    tdm_rig_fault(&rig, "stall@60000+700 pass");
    transport(rig.ca, 100000, 400, 0);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    nanosleep(&(struct timespec){0, 500 * 1000000}, NULL);
    uint64_t n = 0;
    int r;
    while ((r = ops.read(ops.ctx, got + n, 70000)) > 0) {
        n += (uint64_t)r;
    }
    TDM_CHECK_OK(r);
    TDM_CHECK(n == size && !memcmp(got, want, size));
    ops.close(ops.ctx);
    tdm_rig_fault(&rig, "pass");
}

static void expect_status(const char *path, uint64_t offset, int err, int status)
{
    char url[256];
    url_of(rig.main_port, path, url);
    struct tdm_transport_request req = {.url = url, .offset = offset};
    struct tdm_transport_reply rep;
    TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), err);
    TDM_CHECK(rep.status == status);
    TDM_CHECK_ERR(ops.read(ops.ctx, got, 10), TDM_E_STATE); /* nothing is left open */
}

static void error_statuses_are_surfaced(void)
{
    begin(7);
    size_t size = serve("pkg.bin", 100000, 7, 1700000600);
    transport(rig.ca, 0, 0, 0);
    expect_status("missing.bin", 0, TDM_E_FETCH_HTTP, 404);
    expect_status("status/500", 0, TDM_E_FETCH_HTTP, 500);
    expect_status("pkg.bin", size, TDM_E_FETCH_HTTP, 416);
    char url[256];
    url_of(rig.main_port, "pkg.bin", url);
    struct tdm_transport_request req = {.url = url, .offset = size + 5};
    struct tdm_transport_reply rep;
    TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), TDM_E_FETCH_HTTP);
    TDM_CHECK(rep.status == 416 && rep.total == (int64_t)size); /* the agent learns the real size */
}

static void a_server_ignoring_range_sends_the_whole_file(void)
{
    begin(8);
    char url[256];
    size_t size = serve("norange/pkg.bin", 150000, 8, 1700000700);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "norange/pkg.bin", url);
    struct tdm_transport_request req = {.url = url, .offset = 1000 + rnd(100000)};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    TDM_CHECK(rep.status == 200 && !rep.range_honoured && rep.start == 0 && rep.total == (int64_t)size);
    uint64_t n;
    TDM_CHECK_OK(drain(&rep, &n));
    TDM_CHECK(n == size && !memcmp(got, want, size));
}

static void a_replaced_file_answers_if_range_with_the_new_file(void)
{
    begin(9);
    char url[256], old[TDM_TRANSPORT_VALIDATOR_MAX];
    serve("pkg.bin", 120000, 9, 1700000800);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "pkg.bin", url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    memcpy(old, rep.validator, sizeof old);
    ops.close(ops.ctx);
    size_t size = serve("pkg.bin", 130000, 10, 1700000900); /* new content, size and mtime */
    req.offset = 5000;
    req.validator = old;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    TDM_CHECK(rep.status == 200 && rep.changed && !rep.range_honoured && rep.start == 0);
    TDM_CHECK(strcmp(rep.validator, old) != 0 && rep.total == (int64_t)size);
    uint64_t n;
    TDM_CHECK_OK(drain(&rep, &n));
    TDM_CHECK(n == size && !memcmp(got, want, size));
}

static void expect_open(const char *ca, int port, const char *path, int err)
{
    char url[256];
    transport(ca, 0, 0, 0);
    url_of(port, path, url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), err);
}

static void certificates_are_always_verified(void)
{
    begin(10);
    serve("pkg.bin", 50000, 11, 1700001000);
    expect_open(rig.ca, rig.otherca_port, "pkg.bin", TDM_E_FETCH_TLS);   /* untrusted issuer */
    expect_open(rig.ca, rig.wronghost_port, "pkg.bin", TDM_E_FETCH_TLS); /* host name mismatch */
    expect_open(NULL, rig.main_port, "pkg.bin", TDM_E_FETCH_TLS);        /* system store: throwaway CA */
    expect_open("/nonexistent/ca.pem", rig.main_port, "pkg.bin", TDM_E_FETCH_TLS);
    expect_open(rig.ca, rig.main_port, "pkg.bin", 0);
    char url[256];
    snprintf(url, sizeof url, "https://localhost:%d/pkg.bin", rig.main_port); /* name in the SAN */
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
}

static void an_oversized_file_is_refused_before_its_body(void)
{
    begin(11);
    char url[256];
    size_t size = serve("pkg.bin", 200000, 12, 1700001100);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "pkg.bin", url);
    struct tdm_transport_request req = {.url = url, .max_size = size - 1};
    struct tdm_transport_reply rep;
    TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), TDM_E_FETCH_TOO_BIG);
    TDM_CHECK(rep.total == (int64_t)size);
    req.offset = size / 2; /* a resume learns the total from Content-Range */
    TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), TDM_E_FETCH_TOO_BIG);
    req.max_size = size;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
}

static void bad_urls_are_refused(void)
{
    begin(12);
    char plain[256];
    snprintf(plain, sizeof plain, "http://127.0.0.1:%d/pkg.bin", rig.main_port);
    const char *bad[] = {"not a url", "ftp://127.0.0.1/pkg.bin", "https://", plain, "file:///etc/passwd"};
    transport(rig.ca, 0, 0, 0);
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tdm_test_replay_extra("(url '%s')", bad[i]);
        struct tdm_transport_request req = {.url = bad[i]};
        struct tdm_transport_reply rep;
        TDM_CHECK_ERR(ops.open(ops.ctx, &req, &rep), TDM_E_FETCH_URL);
    }
    expect_open(rig.ca, 1, "pkg.bin", TDM_E_FETCH_NET); /* nothing listens on port 1 */
}

static void a_lying_content_length_is_a_short_body(void)
{
    begin(13);
    char url[256];
    size_t size = 200000;
    tdm_rig_fill(want, size, tdm_test_seed() + 13);
    FILE *f = fopen(rig.lie_file, "wb");
    TDM_CHECK(f && fwrite(want, 1, size, f) == size && fclose(f) == 0);
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "lie.bin", url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    TDM_CHECK(rep.length == (int64_t)rig.lie_declared);
    uint64_t n;
    int err = drain(&rep, &n);
    TDM_CHECK(err == TDM_E_FETCH_LENGTH || err == TDM_E_FETCH_NET);
    TDM_CHECK(n == size && !memcmp(got, want, size));
}

static void redirects_are_followed_within_the_limit(void)
{
    begin(14);
    size_t size = serve("pkg.bin", 60000, 14, 1700001200);
    char url[256];
    transport(rig.ca, 0, 0, 0);
    url_of(rig.main_port, "redirect/once", url);
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    uint64_t n;
    TDM_CHECK_OK(drain(&rep, &n));
    TDM_CHECK(n == size && !memcmp(got, want, size));
    expect_status("redirect/loop", 0, TDM_E_FETCH_HTTP, 302);
    transport(rig.ca, 0, 0, TDM_CURL_NO_REDIRECTS);
    expect_status("redirect/once", 0, TDM_E_FETCH_HTTP, 302);
}

static uint64_t cancel_at;

static int cancel_after_deadline(void *arg)
{
    (void)arg;
    return now_ms() >= cancel_at;
}

static void cancellation_ends_a_waiting_read(void)
{
    begin(15);
    char url[256];
    serve("pkg.bin", 200000, 15, 1700001300);
    url_of(rig.proxy_port, "pkg.bin", url);
    tdm_rig_fault(&rig, "stall@30000+3000 pass");
    transport(rig.ca, 0, 0, 0);
    cancel_at = now_ms() + 400;
    struct tdm_transport_request req = {.url = url, .cancelled = cancel_after_deadline};
    struct tdm_transport_reply rep;
    TDM_CHECK_OK(ops.open(ops.ctx, &req, &rep));
    uint64_t n;
    int err = drain(&rep, &n);
    TDM_CHECK_ERR(err, TDM_E_FETCH_CANCELLED);
    TDM_CHECK(now_ms() < cancel_at + 300);
    tdm_rig_fault(&rig, "pass");
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"full download is bit-exact", full_download_is_bit_exact},
        {"range resume is bit-exact", range_resume_is_bit_exact},
        {"drops at many offsets resume to a bit-exact file", drops_at_many_offsets_resume_to_a_bit_exact_file},
        {"connection resets resume to a bit-exact file", connection_resets_resume_to_a_bit_exact_file},
        {"a stall hits the low-speed timeout", a_stall_hits_the_low_speed_timeout},
        {"a pause of the reader is not network time", a_readers_own_pause_is_not_network_time},
        {"error statuses are surfaced", error_statuses_are_surfaced},
        {"a server ignoring Range sends the whole file", a_server_ignoring_range_sends_the_whole_file},
        {"a replaced file answers If-Range with the new file", a_replaced_file_answers_if_range_with_the_new_file},
        {"certificates are always verified", certificates_are_always_verified},
        {"an oversized file is refused before its body", an_oversized_file_is_refused_before_its_body},
        {"bad URLs are refused", bad_urls_are_refused},
        {"a lying Content-Length is a short body", a_lying_content_length_is_a_short_body},
        {"redirects are followed within the limit", redirects_are_followed_within_the_limit},
        {"cancellation ends a waiting read", cancellation_ends_a_waiting_read},
    };
    if (tdm_rig_load(&rig) != 0) {
        return 1;
    }
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    tdm_fetch_curl_destroy(tr);
    return rc;
}
