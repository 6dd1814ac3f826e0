/* The power-cut runner (sim/cutrun.h). Host-only.
 * Owns: the cut loops, the second-cut sample, the unfired-cut proof, the replay line. Never: judges the
 * world after a cut (the case's check does), or returns to device code from a cut (the domain unwinds). */
#include "cutrun.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nand_sim.h"
#include "rng.h"

#define MAX_PRINTED 20 /* failures printed per run (all are counted) */

int tdm_cutrun_fail(struct tdm_cutrun *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
    return -1;
}

static void power_on(struct tdm_cutrun *r)
{
    if (r->c->power_on) {
        r->c->power_on(r);
    } else {
        tdm_sim_domain_power_on(r->dom);
    }
}

void tdm_cutrun_reboot(struct tdm_cutrun *r)
{
    uint64_t at = r->dom->cut_at;
    enum tdm_sim_cut mode = r->dom->cut_mode;
    tdm_sim_domain_cut_now(r->dom);
    power_on(r);
    tdm_sim_domain_cut_at(r->dom, at, mode);
}

const char *tdm_cutrun_part(const struct tdm_cutrun_case *c, unsigned i, int slice)
{
    if (slice && c->slice_parts) {
        return c->slice_parts[i];
    }
    if (c->parts) {
        return c->parts[i];
    }
    const struct tdm_sim_part *p = tdm_sim_part_at(i);
    return p ? p->name : NULL;
}

/* Run fn (the body or the check) with the domain's unwind point set: 1 when a cut unwound it, else 0 with
 * fn's result in *rc. */
static int guarded(struct tdm_cutrun *r, int (*fn)(struct tdm_cutrun *), int *rc)
{
    *rc = 0;
    r->dom->unwind = &r->unwind;
    if (setjmp(r->unwind) != 0) {
        r->dom->unwind = NULL;
        return 1;
    }
    *rc = fn(r);
    r->dom->unwind = NULL;
    return 0;
}

struct run_ctx {
    const struct tdm_cutrun_case *c;
    const char *part;
    uint64_t seed;
    const struct tdm_cutrun_opts *o;
    struct tdm_cutrun_result *res;
    struct tdm_cutrun *r;
};

static void note_failure(struct run_ctx *x, int unfired)
{
    struct tdm_cutrun *r = x->r;
    x->res->failures++;
    x->res->unfired += (uint64_t)unfired;
    if (x->res->failures > MAX_PRINTED) {
        return;
    }
    FILE *log = x->o->log ? x->o->log : stdout;
    fprintf(log, "FAIL  %s on %s: %s\n      replay: %s --case '%s' --part %s --seed %llu --cut %llu --torn %d", x->c->name,
            x->part, r->why[0] ? r->why : "(no reason given)", x->o->argv0 ? x->o->argv0 : "cutrun", x->c->name,
            x->part, (unsigned long long)x->seed, (unsigned long long)r->cut, r->torn);
    if (r->second) {
        fprintf(log, " --second %llu", (unsigned long long)r->second);
    }
    fprintf(log, "\n");
    fflush(log);
}

/* The check after the body, with a second cut at m when m > 0. Returns 0 (verdict given) and sets
 * *check_ops to the operations of the first check it ran. */
static void after_body(struct run_ctx *x, uint64_t m, uint64_t *check_ops)
{
    struct tdm_cutrun *r = x->r;
    int rc;
    r->second = m;
    power_on(r);
    uint64_t ops0 = r->dom->ops;
    if (m) {
        tdm_sim_domain_cut_at(r->dom, ops0 + (m + 1) / 2, (m & 1) ? TDM_SIM_CUT_BEFORE : TDM_SIM_CUT_TORN);
    }
    int unwound = guarded(r, r->c->check, &rc);
    if (check_ops) {
        *check_ops = r->dom->ops - ops0;
    }
    if (m && !unwound) {
        if (rc >= 0 || !r->why[0]) {
            tdm_cutrun_fail(r, "second cut at operation %llu of the check never fired (%llu operations): the "
                            "check took another path", (unsigned long long)(m + 1) / 2,
                            (unsigned long long)(r->dom->ops - ops0));
        }
        note_failure(x, rc >= 0);
        return;
    }
    if (!m && unwound) {
        tdm_cutrun_fail(r, "power lost during the check with no cut armed");
        note_failure(x, 0);
        return;
    }
    if (m) {
        power_on(r);
        unwound = guarded(r, r->c->check, &rc);
        if (unwound) {
            tdm_cutrun_fail(r, "power lost during the check after the second cut, with no cut armed");
            note_failure(x, 0);
            return;
        }
    }
    if (rc < 0) {
        note_failure(x, 0);
    }
}

static void begin(struct run_ctx *x, uint64_t cut, int torn, uint64_t m)
{
    struct tdm_cutrun *r = x->r;
    memset(r, 0, sizeof *r);
    r->c = x->c;
    r->arg = x->c->arg;
    r->part = x->part;
    r->seed = x->seed;
    r->cut = cut;
    r->torn = torn;
    r->second = m;
}

/* The second cuts of first cut (cut, torn), whose check took check_ops operations: from the world the case
 * kept after the first cut (keep/back), else by running the body again each time. */
static int seconds(struct run_ctx *x, uint64_t cut, int torn, uint64_t check_ops, int kept);

/* One run: setup, the body cut at its operation `cut` (0: uncut), the check (cut again at m > 0); with
 * `sampled`, the second cuts of this first cut follow. Returns a setup error, or 0; *body_ops (may be
 * NULL) gets the body's operations. */
static int one(struct run_ctx *x, uint64_t cut, int torn, uint64_t m, int sampled, uint64_t *body_ops)
{
    struct tdm_cutrun *r = x->r;
    const struct tdm_cutrun_case *c = x->c;
    begin(x, cut, torn, m);
    int err = c->setup(r);
    if (err < 0 || !r->dom) {
        if (c->teardown) {
            c->teardown(r);
        }
        return err < 0 ? err : -1;
    }
    uint64_t ops0 = r->dom->ops;
    if (cut) {
        tdm_sim_domain_cut_at(r->dom, ops0 + cut, torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    }
    int rc;
    int unwound = guarded(r, c->body, &rc);
    if (body_ops) {
        *body_ops = r->dom->ops - ops0;
    }
    r->after_cut = unwound;
    uint64_t check_ops = 0;
    int kept = sampled && c->keep && c->back && unwound && c->keep(r) >= 0;
    if (cut && !unwound) {
        if (rc >= 0 || !r->why[0]) {
            tdm_cutrun_fail(r, "cut at operation %llu never fired: the body took another path (%llu operations)",
                            (unsigned long long)cut, (unsigned long long)(r->dom->ops - ops0));
        }
        note_failure(x, rc >= 0);
    } else if (!cut && unwound) {
        tdm_cutrun_fail(r, "power lost in the uncut body");
        note_failure(x, 0);
    } else if (rc < 0) {
        note_failure(x, 0);
    } else {
        after_body(x, m, &check_ops);
    }
    if (kept) {
        err = seconds(x, cut, torn, check_ops, 1);
    }
    if (c->teardown) {
        c->teardown(r);
    }
    if (err >= 0 && sampled && !kept && unwound) {
        err = seconds(x, cut, torn, check_ops, 0);
    }
    return err;
}

static int replay(struct run_ctx *x)
{
    const struct tdm_cutrun_opts *o = x->o;
    x->res->cuts += o->only_cut != 0;
    x->res->torn += o->only_cut != 0 && o->only_torn;
    x->res->seconds += o->only_second != 0;
    return one(x, o->only_cut, o->only_torn, o->only_second, 0, &x->res->ops);
}

static int seconds(struct run_ctx *x, uint64_t cut, int torn, uint64_t check_ops, int kept)
{
    struct tdm_cutrun *r = x->r;
    uint32_t stride = x->o->plan.second_stride > 1 ? x->o->plan.second_stride : 1;
    for (uint64_t m = 1; m <= 2 * check_ops; m += stride) {
        x->res->seconds++;
        if (!kept) {
            int err = one(x, cut, torn, m, 0, NULL);
            if (err < 0) {
                return err;
            }
            continue;
        }
        r->why[0] = 0;
        r->second = m;
        int err = x->c->back(r);
        if (err < 0) {
            return err;
        }
        r->after_cut = 1;
        after_body(x, m, NULL);
    }
    return 0;
}

int tdm_cutrun_run(const struct tdm_cutrun_case *c, const char *part, uint64_t seed, const struct tdm_cutrun_opts *o,
                   struct tdm_cutrun_result *res)
{
    clock_t t0 = clock();
    memset(res, 0, sizeof *res);
    struct tdm_cutrun *r = calloc(1, sizeof *r);
    if (!r) {
        return -1;
    }
    struct run_ctx x = {c, part, seed, o, res, r};
    int err = 0;
    if (o->only) {
        err = replay(&x);
    } else {
        err = one(&x, 0, 0, 0, 0, &res->ops);
        uint32_t stride = o->plan.stride > 1 ? o->plan.stride : 1;
        uint64_t firsts = 2 * ((res->ops + stride - 1) / stride), left = firsts;
        uint64_t want = o->plan.seconds < firsts ? o->plan.seconds : firsts;
        uint64_t pick = seed * 0x2545F4914F6CDD1Dull ^ 0x5EC0ull;
        for (uint64_t n = 1; err >= 0 && n <= res->ops; n += stride) {
            for (int torn = 0; err >= 0 && torn < 2; torn++, left--) {
                /* selection sampling: exactly `want` of the `firsts` first cuts get second cuts */
                int sampled = want > 0 && tdm_rng_next(&pick) % left < want;
                want -= (uint64_t)sampled;
                err = one(&x, n, torn, 0, sampled, NULL);
                res->cuts++;
                res->torn += (uint64_t)torn;
            }
        }
    }
    free(r);
    res->host_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    return err;
}
