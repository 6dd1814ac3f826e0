/* `tandem device fetch URL --device DIR [--ca FILE] [--key PUB.pem] [--attempts N] [--full URL]`: the device's
 * fetch agent (fetch/agent*.c) run on the simulated device over the host transport (libcurl): downloads the
 * package (or a delta package against the installed one, rebuilt on the way in; --full: the full package's
 * URL if the delta does not apply) into the free slot of the NAND store, resuming an interrupted download,
 * and leaves it PENDING.
 * Owns: option parsing, the wiring of the device's ports, the progress display (a bar on a terminal,
 * plain lines otherwise; always one line per retry and per wait, saying why), the wording of a failure
 * (the transport's reason: the HTTP status, the TLS problem, the refused redirect), Ctrl-C as cancellation. Never: device logic (the agent decides everything),
 * TLS switches (there are none), saving a device whose power was cut mid-operation as if it were not.
 * Exit: 0 PENDING; 1 refused (package, certificate, server answer) or cancelled; 2 usage, I/O, network. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "device_cmds.h"
#include "fetch/host/transport_curl.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/fetch.h"
#include "tandem/host_crypto.h"

#define CMD "device fetch"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int is_cancelled(void *arg)
{
    (void)arg;
    return interrupted;
}

static uint64_t wall_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void wall_sleep(void *ctx, uint64_t ns)
{
    (void)ctx;
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

static const char *phase_name(uint8_t ph)
{
    static const char *const names[] = {"connecting", "downloading", "waiting to retry", "verifying", "done"};
    return ph < 5 ? names[ph] : "?";
}

/* What the display needs: the terminal or not, the transport (why an attempt failed), the limits. */
struct view {
    int tty;
    const struct tdm_curl_transport *t;
    uint32_t max_attempts;
};

/* One line per retry and per wait, on a terminal too (the bar goes on below it). */
static int retry_line(const struct view *v, const struct tdm_fetch_progress *p)
{
    const char *nl = v->tty ? "\r\033[K" : "";
    if (p->phase == TDM_FETCH_PH_WAIT) {
        const char *why = tdm_fetch_curl_why(v->t);
        printf("%sfetch: attempt %u failed: %s; next attempt in %.1f s", nl, p->attempt,
               why[0] ? why : tdm_strerror(p->last_err), p->wait_ms / 1000.0);
        if (p->server_wait_ms) {
            printf(" (the server asked for %.0f s%s)", p->server_wait_ms / 1000.0,
                   p->server_wait_ms > p->wait_ms ? ", more than the cap" : "");
        }
        printf("\n");
        return 1;
    }
    if (p->phase == TDM_FETCH_PH_CONNECT && p->attempt > 1) {
        if (p->from) {
            printf("%sfetch: attempt %u: asking for the rest from byte %u with a Range request\n", nl, p->attempt,
                   p->from);
        } else {
            printf("%sfetch: attempt %u: asking for the whole file from byte 0\n", nl, p->attempt);
        }
        return 1;
    }
    return 0;
}

static void on_progress(void *arg, const struct tdm_fetch_progress *p)
{
    struct view *v = arg;
    int tty = v->tty;
    if (retry_line(v, p) && !tty) {
        fflush(stdout);
        return;
    }
    double mib = 1024.0 * 1024.0;
    char eta[32] = "?";
    if (p->eta_s != UINT32_MAX) {
        snprintf(eta, sizeof eta, "%us", p->eta_s);
    }
    unsigned pct = p->total ? (unsigned)((uint64_t)p->done * 100u / p->total) : 0;
    if (tty) {
        char bar[31];
        unsigned fill = pct * 30u / 100u;
        for (unsigned i = 0; i < 30; i++) {
            bar[i] = i < fill ? '#' : '-';
        }
        bar[30] = 0;
        printf("\r[%s] %3u%% %7.2f/%.2f MiB %6.2f MiB/s ETA %-6s %-16s", bar, pct, p->done / mib, p->total / mib,
               p->rate / mib, eta, phase_name(p->phase));
        if (p->phase == TDM_FETCH_PH_DONE) {
            printf("\n");
        }
    } else {
        printf("fetch: %s %u/%u bytes (%u%%), %.2f MiB/s, ETA %s, attempt %u%s%s\n", phase_name(p->phase),
               p->done, p->total, pct, p->rate / mib, eta, p->attempt, p->last_err ? ", last error: " : "",
               p->last_err ? tdm_strerror(p->last_err) : "");
    }
    fflush(stdout);
}

struct opts {
    const char *url, *dir, *ca, *key, *full;
    uint64_t connect_ms, low_speed_ms, attempts;
};

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--device") && has) {
            o->dir = argv[++i];
        } else if (!strcmp(a, "--ca") && has) {
            o->ca = argv[++i];
        } else if (!strcmp(a, "--key") && has) {
            o->key = argv[++i];
        } else if (!strcmp(a, "--full") && has) {
            o->full = argv[++i];
        } else if (!strcmp(a, "--connect-timeout") && has) {
            if (tdm_cli_number(argv[++i], 1, 600000, &o->connect_ms) < 0) {
                return tdm_cli_fail(CMD, "--connect-timeout: not a number of ms from 1 to 600000: '%s'", argv[i]);
            }
        } else if (!strcmp(a, "--low-speed-time") && has) {
            if (tdm_cli_number(argv[++i], 1, 600000, &o->low_speed_ms) < 0) {
                return tdm_cli_fail(CMD, "--low-speed-time: not a number of ms from 1 to 600000: '%s'", argv[i]);
            }
        } else if (!strcmp(a, "--attempts") && has) {
            if (tdm_cli_number(argv[++i], 1, 1000, &o->attempts) < 0) {
                return tdm_cli_fail(CMD, "--attempts: not a number from 1 to 1000: '%s'", argv[i]);
            }
        } else if (a[0] != '-' && !o->url) {
            o->url = a;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device fetch --help)", a);
        }
    }
    if (!o->url) {
        return tdm_cli_fail(CMD, "missing URL");
    }
    if (!o->dir) {
        return tdm_cli_fail(CMD, "missing --device DIR");
    }
    return 0;
}

/* The device's store, formatted on first use (the application's job on a real device). */
static int open_store(struct tdm_sim_device *dev, struct tdm_nand *nand, const struct tdm_nand_ops *ops,
                      struct tdm_store *store, uint8_t *page_buf)
{
    int err = tdm_nand_init(nand, ops);
    struct tdm_store_config sc = {.nand = nand, .crypto = tdm_host_crypto(), .page_buf = page_buf,
                                  .first_block = dev->layout.store_first_block,
                                  .block_count = dev->layout.store_blocks};
    err = err < 0 ? err : tdm_store_mount(store, &sc);
    if (err == TDM_E_STORE_UNFORMATTED) {
        err = tdm_store_format(store, &sc, false);
        if (err >= 0) {
            printf("formatted the NAND store (blocks %u..%u) on first use\n", sc.first_block,
                   sc.first_block + sc.block_count - 1);
        }
    }
    if (err == TDM_E_CONFIG) {
        return tdm_cli_fail(CMD, "%s/layout.txt: the store range (%u blocks) is not one the store supports "
                            "(8..%u blocks)", dev->dir, sc.block_count, TDM_STORE_MAX_BLOCKS);
    }
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: the NAND store is not usable: %s", dev->dir, tdm_strerror(err));
    }
    return 0;
}

static int exit_code(int err)
{
    if ((err <= TDM_E_PKG_MAGIC && err >= -89) || err == TDM_E_BOOT_REJECTED || err == TDM_E_FETCH_TLS ||
        err == TDM_E_FETCH_URL || err == TDM_E_FETCH_HTTP || err == TDM_E_FETCH_TOO_BIG ||
        err == TDM_E_FETCH_LENGTH || err == TDM_E_FETCH_CANCELLED || err == TDM_E_STATE) {
        return 1;
    }
    return 2;
}

/* The one line on stderr: the transport's reason when the transport decided, else the agent's error. */
static void report_failure(const char *url, int err, const struct tdm_fetch_result *res, uint32_t max_attempts,
                           const char *why)
{
    int transport = err == TDM_E_FETCH_URL || err == TDM_E_FETCH_TLS || err == TDM_E_FETCH_HTTP ||
                    err == TDM_E_FETCH_NET || err == TDM_E_FETCH_TIMEOUT || err == TDM_E_FETCH_LENGTH ||
                    err == TDM_E_FETCH_TOO_BIG;
    if (err == TDM_E_FETCH_RETRIES) {
        tdm_cli_fail(CMD, "%s: gave up after %u attempt(s), %u in a row without a new byte; last: %s (run the "
                     "same command again to resume)", url, res->attempts, max_attempts,
                     why[0] ? why : "no progress");
    } else if (err == TDM_E_FETCH_CANCELLED) {
        tdm_cli_fail(CMD, "%s: %s (run the same command again to resume)", url, tdm_strerror(err));
    } else {
        tdm_cli_fail(CMD, "%s: %s", url, transport && why[0] ? why : tdm_strerror(err));
    }
}

static int run(struct opts *o, struct tdm_sim_device *dev, const struct tdm_key *key)
{
    static struct tdm_nand nand;
    static struct tdm_store store;
    static struct tdm_fetch agent;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand_ops nops = tdm_sim_device_nand(dev);
    if (open_store(dev, &nand, &nops, &store, page_buf)) {
        return 2;
    }
    struct tdm_curl_config cc = {.ca_file = o->ca, .connect_timeout_ms = (uint32_t)o->connect_ms,
                                 .low_speed_ms = (uint32_t)o->low_speed_ms};
    struct tdm_transport_ops tops;
    struct tdm_curl_transport *t = NULL;
    if (tdm_fetch_curl_create(&cc, &tops, &t) < 0) {
        return tdm_cli_fail(CMD, "cannot start the HTTPS client (libcurl without https?)");
    }
    struct view view = {.tty = isatty(STDOUT_FILENO), .t = t,
                        .max_attempts = o->attempts ? (uint32_t)o->attempts : TDM_FETCH_ATTEMPTS_DEFAULT};
    int tty = view.tty;
    const uint8_t(*keys)[TDM_P256_PUBKEY_LEN] = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key->pub;
    struct tdm_fetch_config fc = {
        .transport = tops,
        .clock = {.now_ns = wall_now, .sleep_ns = wall_sleep},
        .crypto = tdm_host_crypto(),
        .counter = tdm_sim_device_counter(dev),
        .keys = keys,
        .nkeys = 1,
        .hw_id = TDM_PKG_HW_ID_DEFAULT,
        .app_max = dev->layout.app_slot.size,
        .net_max = dev->layout.net_slot.size,
        .app_addr = dev->layout.app_slot.addr,
        .net_addr = dev->layout.net_slot.addr,
        .progress = on_progress,
        .progress_arg = &view,
        .progress_ms = tty ? 100 : 1000,
        .max_attempts = view.max_attempts,
        .cancelled = is_cancelled,
    };
    static struct tdm_fetch_delta delta;
    fc.delta = &delta;
    struct tdm_fetch_result res;
    signal(SIGINT, on_sigint);
    int err = o->full ? tdm_fetch_run_delta(&agent, &fc, &store, o->url, o->full, &res)
                      : tdm_fetch_run(&agent, &fc, &store, o->url, &res);
    signal(SIGINT, SIG_DFL);
    char why[600];
    snprintf(why, sizeof why, "%s", tdm_fetch_curl_why(t));
    tdm_fetch_curl_destroy(t);
    if (tty && err < 0) {
        printf("\n");
    }
    if (tdm_sim_device_save(dev) < 0) {
        return tdm_cli_fail(CMD, "cannot write the device back to '%s'", o->dir);
    }
    char ver[32], hex[2 * TDM_SHA256_LEN + 1];
    if (err < 0) {
        report_failure(o->url, err, &res, view.max_attempts, why);
        return exit_code(err);
    }
    printf("%s %s: %u bytes in slot %c, set %s, counter %u, sha256 %s\n", res.already ? "already pending" : "fetched",
           o->url, res.total, 'A' + res.slot, tdm_version_str(&res.version, ver), res.counter,
           tdm_hex(res.sha256, TDM_SHA256_LEN, hex));
    if (res.fell_back) {
        printf("  the delta did not apply (%s): fetched the full package %s\n", tdm_strerror(res.delta_err), o->full);
    }
    if (res.delta && !res.already) {
        printf("  delta package: %llu bytes downloaded for the %u-byte package (%.2f %%), rebuilt from the installed "
               "one\n", (unsigned long long)res.received, res.total, 100.0 * (double)res.received / res.total);
    }
    if (!res.already) {
        printf("  %llu bytes received in %u attempt(s), %u retries, %u restarts, this run started at byte %u; PENDING: "
               "installed at the next reboot\n",
               (unsigned long long)res.received, res.attempts, res.retries, res.restarts, res.resumed_at);
        /* Bytes received beyond what this run had to bring: the cost of the drops (re-fetched data). */
        uint64_t needed = res.total - res.resumed_at;
        unsigned long long twice = res.received > needed ? res.received - needed : 0;
        if (res.range_resumes) { /* only a Range request the server answered with 206 is a resume */
            printf("  after %u failed attempt(s) the download went on from byte %u (HTTP Range); %llu bytes "
                   "fetched twice\n", res.retries, res.range_from, twice);
        }
        if (res.restarts) {
            printf("  restarted from byte 0 %u time(s) (the server ignored the Range, the file changed, or it gave "
                   "no ETag or Last-Modified to prove a resume safe); %llu bytes fetched twice\n", res.restarts, twice);
        }
    }
    return 0;
}

int tdm_device_fetch(int argc, char **argv)
{
    struct opts o;
    if (parse(argc, argv, &o)) {
        return 2;
    }
    char key_path[1100];
    snprintf(key_path, sizeof key_path, "%s/trusted_key.pem", o.dir);
    const char *kp = o.key ? o.key : key_path;
    struct tdm_key key;
    int err = tdm_key_load(&key, kp);
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: %s", kp,
                            o.key ? "not a P-256 public key"
                                  : "no trusted key on this device (tandem device create --key PUB.pem, or --key)");
    }
    static struct tdm_sim_device dev;
    if (tdm_device_open_cli(CMD, o.dir, &dev)) {
        return 2;
    }
    int rc = run(&o, &dev, &key);
    tdm_sim_device_close(&dev);
    return rc;
}
