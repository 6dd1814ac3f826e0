/* The power-cut runner: the one driver that cuts power in a simulated world, for every campaign of the
 * project (the store's, the fetch agent's, the device's) and for the named scenarios flagged as
 * power-cut-safe. In the spirit of littlefs's reentrant tests. Host-only (tests, bench, tools).
 *
 * Owns: the cut loops (every mutating operation or a stride of them, before and torn), the seeded sample
 * of second cuts inside the recovery, the proof that every armed cut fired, the one replay syntax and the
 * totals. Never: decides what is right after a cut (the case's check does), or lets device code see a cut
 * it caused (a cut unwinds through the domain's jump buffer, sim/domain.h).
 *
 * A case is a world the runner can build fresh, a workload and a check:
 *   setup(r)    a fresh simulated world for r->seed and r->part; sets r->dom (its power domain). The
 *               runner then arms the cut and installs its unwind point on r->dom.
 *   body(r)     the workload; may be cut at any mutating operation (it then never returns: the domain
 *               unwinds to the runner). Returns 0, or < 0 with tdm_cutrun_fail() when it saw a failure.
 *   power_on(r) what a power-on does to the world (RAM holds garbage, registers reset); NULL = only
 *               tdm_sim_domain_power_on(r->dom). Called after every cut, before check.
 *   check(r)    after power-on: recover and check the invariants; may itself be cut (second cuts).
 *               Returns 0, or < 0 with tdm_cutrun_fail().
 *   teardown(r) frees the world (NULL: nothing to free).
 *   keep(r), back(r)  optional: keep a copy of the world as a first cut left it, and put the world back
 *               into that copy (then the second cuts do not run the body again; same verdicts).
 * A case runs on the NAND parts it names (parts, NULL-terminated; NULL = every part of sim/nand_parts.c).
 *
 * One run of a case on a part and seed:
 *   1. setup, body uncut (its operations are counted: N), power-on, check: must pass.
 *   2. for n = 1, 1 + stride, ... <= N, torn = 0 (before the operation) and 1 (torn inside it): setup, arm
 *      the cut at the body's operation n, body (the cut must fire), power-on, check.
 *   3. for a seeded sample of `seconds` of the first cuts of 2.: the check after that cut is run uncut to
 *      count its operations (M), then for m = 1 .. 2M (second_stride apart): the first cut again, then a
 *      second cut inside the check at its operation (m + 1) / 2, before it when m is odd and torn when m
 *      is even; the cut must fire; power-on, check again: must pass.
 * Every failure prints one line that replays it:
 *   <runner binary> --case 'NAME' --part PART --seed S --cut N --torn T [--second M]
 * (--cut 0 replays the uncut run).
 */
#ifndef TANDEM_SIM_CUTRUN_H
#define TANDEM_SIM_CUTRUN_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "domain.h"

struct tdm_cutrun;

/* How much of the cut space a run covers. */
struct tdm_cutrun_plan {
    uint32_t stride;        /* first cuts at the body's operations 1, 1 + stride, ... (0 or 1 = every one) */
    uint32_t seconds;       /* first cuts (seeded sample) whose check is cut again; UINT32_MAX = all */
    uint32_t second_stride; /* second cuts at m = 1, 1 + second_stride, ... of 1 .. 2M (0 or 1 = every one) */
};

struct tdm_cutrun_case {
    const char *name;           /* a sentence that states the rule (--case NAME) */
    const char *const *parts;   /* NULL-terminated part names; NULL = every part the simulator knows */
    const char *const *slice_parts; /* the parts of make check's slice when fewer (NULL = parts); --full and
                                       --part PART use parts */
    void *arg;                  /* the case's own data (r->arg) */
    int (*setup)(struct tdm_cutrun *r);
    int (*body)(struct tdm_cutrun *r);
    void (*power_on)(struct tdm_cutrun *r);
    int (*check)(struct tdm_cutrun *r);
    void (*teardown)(struct tdm_cutrun *r);
    int (*keep)(struct tdm_cutrun *r);
    int (*back)(struct tdm_cutrun *r);
    struct tdm_cutrun_plan slice; /* make check's plan on each part */
    struct tdm_cutrun_plan full;  /* bench/run and --full */
};

/* What one run saw. */
struct tdm_cutrun_result {
    uint64_t ops;      /* mutating operations of the uncut body */
    uint64_t cuts;     /* first cuts run (before + torn) */
    uint64_t torn;     /* ...of which torn */
    uint64_t seconds;  /* second cuts run */
    uint64_t failures; /* runs whose check failed, or whose armed cut never fired */
    uint64_t unfired;  /* ...of which an armed cut that never fired */
    double host_s;     /* host CPU time (clock()) */
};

/* The state of the run in progress, as the callbacks see it. */
struct tdm_cutrun {
    const struct tdm_cutrun_case *c;
    void *arg;                  /* c->arg */
    const char *part;           /* the part of this run */
    uint64_t seed;
    struct tdm_sim_domain *dom; /* set by setup */
    void *world;                /* free for the case (setup sets it, teardown frees it) */
    uint64_t cut;               /* this run's first cut (0: uncut), its mode and its second cut (0: none) */
    int torn;
    uint64_t second;
    int after_cut;              /* 0 in the uncut run's check; 1 in a check after a cut (first or second) */
    char why[384];              /* what failed (tdm_cutrun_fail) */
    jmp_buf unwind;             /* the domain's unwind point while the body or the check runs */
};

/* Record why the run failed; returns -1 (for `return tdm_cutrun_fail(r, ...)`). */
int tdm_cutrun_fail(struct tdm_cutrun *r, const char *fmt, ...);

/* A planned power cycle inside a body or a check (a reboot the workload itself makes): the world powers off
 * and on again (the case's power_on), and an armed cut stays armed. */
void tdm_cutrun_reboot(struct tdm_cutrun *r);

/* Options of one run (replay words and the log). */
struct tdm_cutrun_opts {
    struct tdm_cutrun_plan plan;
    uint64_t only_cut;  /* replay: only this first cut (0 with only = 1: the uncut run) */
    int only;           /* 1: replay one run (only_cut, only_torn, only_second) */
    int only_torn;
    uint64_t only_second;
    const char *argv0;  /* the runner binary, for the replay line (NULL = "cutrun") */
    FILE *log;          /* failures (NULL = stdout) */
};

/* Run case c on one part and seed. Returns 0 when it ran (failures are counted in *res), or a setup
 * error (negative). */
int tdm_cutrun_run(const struct tdm_cutrun_case *c, const char *part, uint64_t seed, const struct tdm_cutrun_opts *o,
                   struct tdm_cutrun_result *res);

/* The parts case c runs on: the i-th one, or NULL past the end (slice = 1: of make check's slice). */
const char *tdm_cutrun_part(const struct tdm_cutrun_case *c, unsigned i, int slice);

/* A runner binary's main: every case on every one of its parts with its slice (or with --full its full
 * plan), one line per case and part, every failure with its replay line.
 * Options: --case NAME, --part PART, --seed S (default 1), --cut N --torn T [--second M] (replay one run),
 * --full, --seconds N (first cuts cut again, instead of the plan's), --list.
 * Exit 0 (no failure), 1 (a failure), 2 (usage). */
int tdm_cutrun_main(int argc, char **argv, const struct tdm_cutrun_case *cases, unsigned n);

#endif
