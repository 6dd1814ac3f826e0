/* bench_fetch: the host transport against the same nginx as `curl -o /dev/null`, on loopback.
 * Owns: starting a private rig (tests/fetch/nginx_rig.sh) in a temporary directory, timing, stopping it.
 * Never: leaves nginx running (the rig is stopped on every exit path after it started).
 * The agent's download-and-stage figures (fetch.loopback_ratio, refetch per drop) join this file with the
 * agent; today it measures the transport alone. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "fetch/host/transport_curl.h"
#include "tandem/err.h"
#include "tests/fetch/rig.h" /* the one rig.env reader and file helpers of the tests (tdm_fetch_rig) */

#define FILE_SIZE (8u * 1024u * 1024u)
#define RUNS 5




/* One full download through the transport; returns seconds, or -1. */
static double time_transport(const struct tdm_transport_ops *ops, const char *url, uint8_t *buf)
{
    struct tdm_transport_request req = {.url = url};
    struct tdm_transport_reply rep;
    double t0 = tdm_bench_now_s();
    int r = ops->open(ops->ctx, &req, &rep);
    uint64_t n = 0;
    while (r == 0 && (r = ops->read(ops->ctx, buf, 65536)) > 0) {
        n += (uint64_t)r;
        r = 0;
    }
    ops->close(ops->ctx);
    double t = tdm_bench_now_s() - t0;
    if (r < 0 || n != FILE_SIZE) {
        fprintf(stderr, "bench_fetch: transport: %s after %llu bytes\n", tdm_errname(r), (unsigned long long)n);
        return -1;
    }
    return t;
}

static int run(const struct tdm_rig *rig)
{
    static uint8_t data[FILE_SIZE], buf[65536];
    tdm_rig_fill(data, sizeof data, 42);
    if (tdm_rig_put(rig, "bench.bin", data, sizeof data, 1700000000) != 0) {
        fprintf(stderr, "bench_fetch: cannot write bench.bin\n");
        return 1;
    }
    char url[256];
    tdm_rig_url(rig->main_port, "bench.bin", url, sizeof url);
    struct tdm_transport_ops ops;
    struct tdm_curl_transport *t = NULL;
    struct tdm_curl_config cfg = {.ca_file = rig->ca};
    double tt[RUNS], tc[RUNS];
    for (int i = 0; i < RUNS; i++) { /* interleaved, so both see the same machine load */
        double t0 = tdm_bench_now_s(); /* a new transport each run: a new connection and handshake, as for curl */
        if (tdm_fetch_curl_create(&cfg, &ops, &t) != 0) {
            return 1;
        }
        double tr = time_transport(&ops, url, buf);
        tdm_fetch_curl_destroy(t);
        tt[i] = tr < 0 ? -1 : tdm_bench_now_s() - t0;
        tc[i] = tdm_bench_curl_s(rig->ca, url);
        if (tt[i] < 0 || tc[i] < 0) {
            fprintf(stderr, "bench_fetch: a download failed (tandem %s, curl %s)\n", tt[i] < 0 ? "failed" : "ok",
                    tc[i] < 0 ? "failed" : "ok");
            return 1;
        }
    }
    double mt = tdm_bench_median(tt, RUNS), mc = tdm_bench_median(tc, RUNS);
    double mib = (double)FILE_SIZE / (1024.0 * 1024.0);
    printf("metric fetch.transport_mib_s %.1f MiB/s\n", mib / mt);
    printf("about fetch.transport_mib_s measured | host wall time of tandem's transport, 8 MiB over HTTPS, median of %d\n",
           RUNS);
    printf("metric fetch.curl_cli_mib_s %.1f MiB/s\n", mib / mc);
    printf("about fetch.curl_cli_mib_s measured | curl -o /dev/null of the same file, median of %d\n", RUNS);
    printf("metric fetch.transport_loopback_ratio %.2f x\n", mt / mc);
    printf("about fetch.transport_loopback_ratio 1.0 | tandem transport / curl -o /dev/null, 8 MiB over HTTPS "
           "from the same nginx, fresh connection each, median of %d interleaved runs (curl includes its process start)\n", RUNS);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    return tdm_rig_serve("bench_fetch", __FILE__, argv[0], run);
}
