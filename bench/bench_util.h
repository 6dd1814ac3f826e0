/* Wall-clock helpers the host benches share: a monotonic clock, the median of a few runs, and timing
 * `curl -o /dev/null` as the peer figure of the fetch benches. Host-only; not a bench program itself
 * (bench/CMakeLists.txt builds only bench_*.c). */
#ifndef TANDEM_BENCH_UTIL_H
#define TANDEM_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double tdm_bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int tdm_bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v in place). */
static inline double tdm_bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], tdm_bench_cmp_double);
    return v[n / 2];
}

/* Seconds `curl -s -f --cacert CA -o /dev/null URL` takes, or -1 when curl fails. */
static inline double tdm_bench_curl_s(const char *ca, const char *url)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "curl -s -f --cacert '%s' -o /dev/null '%s'", ca, url);
    double t0 = tdm_bench_now_s();
    int rc = system(cmd);
    double t = tdm_bench_now_s() - t0;
    return rc == 0 ? t : -1;
}

#endif
