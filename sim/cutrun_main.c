/* The command line of a power-cut runner binary (tdm_cutrun_main in sim/cutrun.h). Host-only.
 * Owns: option parsing, the selection of cases and parts, one line per run. Never: a verdict of its own
 * (tdm_cutrun_run counts the failures). */
#include <stdlib.h>
#include <string.h>

#include "cutrun.h"

struct args {
    const char *only_case, *only_part;
    uint64_t seed;
    int full, list;
    int64_t seconds; /* --seconds N: first cuts cut again (overrides the plan; -1 = the plan's) */
    struct tdm_cutrun_opts o;
};

static int number(const char *v, uint64_t *out)
{
    char *end = NULL;
    if (!v || !*v) {
        return -1;
    }
    *out = strtoull(v, &end, 0);
    return *end ? -1 : 0;
}

static int parse(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    a->seed = 1;
    a->seconds = -1;
    a->o.argv0 = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n = 0;
        if (!strcmp(k, "--full")) {
            a->full = 1;
        } else if (!strcmp(k, "--list")) {
            a->list = 1;
        } else if (!strcmp(k, "--case") && v) {
            a->only_case = argv[++i];
        } else if (!strcmp(k, "--part") && v) {
            a->only_part = argv[++i];
        } else if (number(v, &n) < 0) {
            fprintf(stderr, "%s: unknown option or bad number: %s %s\n", argv[0], k, v ? v : "");
            return -1;
        } else if (!strcmp(k, "--seed")) {
            a->seed = n;
            i++;
        } else if (!strcmp(k, "--cut")) {
            a->o.only = 1;
            a->o.only_cut = n;
            i++;
        } else if (!strcmp(k, "--torn")) {
            a->o.only_torn = n != 0;
            i++;
        } else if (!strcmp(k, "--seconds")) {
            a->seconds = (int64_t)(n < UINT32_MAX ? n : UINT32_MAX);
            i++;
        } else if (!strcmp(k, "--second")) {
            a->o.only_second = n;
            i++;
        } else {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], k);
            return -1;
        }
    }
    return 0;
}

static int run_one(const struct tdm_cutrun_case *c, const char *part, struct args *a)
{
    a->o.plan = a->full ? c->full : c->slice;
    if (a->seconds >= 0) {
        a->o.plan.seconds = (uint32_t)a->seconds;
    }
    struct tdm_cutrun_result res;
    int err = tdm_cutrun_run(c, part, a->seed, &a->o, &res);
    if (err < 0) {
        printf("FAIL  %s on %s: setup failed (%d)\n", c->name, part, err);
        return 1;
    }
    printf("%s  %s on %s: ops %llu cuts %llu torn %llu second %llu failures %llu unfired %llu (%.1f s)\n",
           res.failures ? "FAIL" : "ok  ", c->name, part, (unsigned long long)res.ops, (unsigned long long)res.cuts,
           (unsigned long long)res.torn, (unsigned long long)res.seconds, (unsigned long long)res.failures,
           (unsigned long long)res.unfired, res.host_s);
    fflush(stdout);
    /* a run that cut nothing proves nothing (unless it replays the uncut run) */
    int empty = !a->o.only && res.cuts == 0;
    if (empty) {
        printf("FAIL  %s on %s: no cut was run\n", c->name, part);
    }
    return res.failures != 0 || empty;
}

int tdm_cutrun_main(int argc, char **argv, const struct tdm_cutrun_case *cases, unsigned n)
{
    struct args a;
    if (parse(argc, argv, &a) < 0) {
        return 2;
    }
    int failed = 0, ran = 0;
    for (unsigned k = 0; k < n; k++) {
        const struct tdm_cutrun_case *c = &cases[k];
        if (a.only_case && strcmp(a.only_case, c->name)) {
            continue;
        }
        int slice = !a.full && !a.only_part;
        for (unsigned i = 0; tdm_cutrun_part(c, i, slice); i++) {
            const char *part = tdm_cutrun_part(c, i, slice);
            if (a.only_part && strcmp(a.only_part, part)) {
                continue;
            }
            if (a.list) {
                printf("--case '%s' --part %s\n", c->name, part);
                continue;
            }
            failed |= run_one(c, part, &a);
            ran++;
        }
    }
    if (!a.list && ran == 0) {
        fprintf(stderr, "%s: no case matches\n", argv[0]);
        return 2;
    }
    if (!a.list) {
        printf("%d run%s, %s\n", ran, ran == 1 ? "" : "s", failed ? "FAILED" : "all passed");
    }
    return failed ? 1 : 0;
}
