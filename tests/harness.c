/* Implementation of tests/harness.h. Owns: scenario selection, seeds, failure reports. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf tdm_jump;
static char tdm_failure[256]; /* the last failed check, for tdm_test_try */
static uint64_t tdm_seed = 1;
static char tdm_extra[256];
static int tdm_argc;
static char **tdm_argv;

uint64_t tdm_test_seed(void)
{
    return tdm_seed;
}

void tdm_test_replay_extra(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tdm_extra, sizeof tdm_extra, fmt, ap);
    va_end(ap);
}

const char *tdm_test_option(const char *name)
{
    for (int i = 1; i + 1 < tdm_argc; i++) {
        if (tdm_argv[i][0] == '-' && tdm_argv[i][1] == '-' && !strcmp(tdm_argv[i] + 2, name)) {
            return tdm_argv[i + 1];
        }
    }
    return NULL;
}

void tdm_test_fail(const char *file, int line, const char *what, const char *detail)
{
    fprintf(stdout, "    check failed at %s:%d: %s%s%s\n", file, line, what, detail ? " -> " : "",
            detail ? detail : "");
    snprintf(tdm_failure, sizeof tdm_failure, "check failed at %s:%d: %s%s%s", file, line, what,
             detail ? " -> " : "", detail ? detail : "");
    longjmp(tdm_jump, 1);
}

int tdm_test_try(void (*run)(void), char *why, size_t len)
{
    if (setjmp(tdm_jump) != 0) {
        snprintf(why, len, "%s", tdm_failure);
        return -1;
    }
    run();
    return 0;
}

int tdm_test_main(int argc, char **argv, const struct tdm_scenario *s, unsigned n)
{
    const char *volatile only = NULL;
    tdm_argc = argc;
    tdm_argv = argv;
    const char *env = getenv("TDM_SEED");
    if (env) {
        tdm_seed = strtoull(env, NULL, 0);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--case") && i + 1 < argc) {
            only = argv[++i];
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            tdm_seed = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--list")) {
            for (unsigned k = 0; k < n; k++) {
                printf("%s\n", s[k].name);
            }
            return 0;
        }
    }
    volatile unsigned passed = 0, failed = 0;
    for (unsigned k = 0; k < n; k++) {
        if (only && strcmp(only, s[k].name)) {
            continue;
        }
        tdm_extra[0] = 0;
        fflush(stdout);
        if (setjmp(tdm_jump) == 0) {
            s[k].run();
            printf("ok    %s\n", s[k].name);
            passed++;
        } else {
            printf("FAIL  %s\n      replay: %s --case '%s' --seed %llu%s%s\n", s[k].name, argv[0], s[k].name,
                   (unsigned long long)tdm_seed, tdm_extra[0] ? " " : "", tdm_extra);
            failed++;
        }
    }
    if (only && passed + failed == 0) {
        printf("no scenario named '%s'\n", only);
        return 2;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
