/* Power and clock domain of the simulator (sim/domain.h). Owns: the cut decision and the time lines.
 * Never: flash bytes. */
#include "domain.h"

#include <setjmp.h>
#include <stddef.h>

#include "tandem/err.h"

void tdm_sim_domain_init(struct tdm_sim_domain *d)
{
    struct tdm_sim_domain fresh = {.cut_mode = TDM_SIM_CUT_BEFORE, .powered = true,
                                   .mhz = {TDM_SIM_MHZ_DEFAULT, TDM_SIM_MHZ_DEFAULT}};
    *d = fresh;
}

void tdm_sim_domain_cut_at(struct tdm_sim_domain *d, uint64_t at, enum tdm_sim_cut mode)
{
    d->cut_at = at > d->ops ? at : 0;
    d->cut_mode = mode;
}

void tdm_sim_domain_cut_now(struct tdm_sim_domain *d)
{
    if (d->powered) {
        d->powered = false;
        d->cuts++;
    }
    d->cut_at = 0;
}

void tdm_sim_domain_power_on(struct tdm_sim_domain *d)
{
    uint64_t t = tdm_sim_domain_now(d);
    for (unsigned c = 0; c < TDM_SIM_CORES; c++) {
        d->line_ns[c] = t;
    }
    d->clock_ns = t;
    d->cur = 0;
    d->syncing = false;
    d->powered = true;
}

unsigned tdm_sim_domain_switch(struct tdm_sim_domain *d, unsigned core)
{
    unsigned was = d->cur;
    if (core != was && core < TDM_SIM_CORES) {
        d->line_ns[was] = d->clock_ns;
        d->cur = core;
        d->clock_ns = d->line_ns[core];
    }
    return was;
}

uint64_t tdm_sim_domain_line(const struct tdm_sim_domain *d, unsigned core)
{
    return core == d->cur ? d->clock_ns : d->line_ns[core];
}

uint64_t tdm_sim_domain_now(const struct tdm_sim_domain *d)
{
    uint64_t t = d->clock_ns;
    for (unsigned c = 0; c < TDM_SIM_CORES; c++) {
        uint64_t l = tdm_sim_domain_line(d, c);
        t = l > t ? l : t;
    }
    return t;
}

void tdm_sim_domain_wait_until(struct tdm_sim_domain *d, uint64_t t)
{
    if (t > d->clock_ns) {
        d->wait_ns[d->cur] += t - d->clock_ns;
        d->clock_ns = t;
    }
}

void tdm_sim_domain_spend(struct tdm_sim_domain *d, uint64_t milli_instr)
{
    /* ns = instructions x 1000 / MHz = milli_instr / MHz */
    uint64_t mhz = d->mhz[d->cur] ? d->mhz[d->cur] : TDM_SIM_MHZ_DEFAULT;
    uint64_t total = milli_instr + d->frac[d->cur];
    d->clock_ns += total / mhz;
    d->cpu_ns[d->cur] += total / mhz;
    d->frac[d->cur] = total % mhz;
}

int tdm_sim_domain_tick(struct tdm_sim_domain *d)
{
    if (d->sync && d->cur == 0 && !d->syncing && d->powered) {
        d->syncing = true; /* core 1's operations that start before this one come first */
        d->sync(d->sync_arg);
        d->syncing = false;
    }
    if (!d->powered) {
        return tdm_sim_domain_lost(d);
    }
    d->ops++;
    if (d->cut_at == 0 || d->ops != d->cut_at) {
        return TDM_SIM_GO;
    }
    tdm_sim_domain_cut_now(d);
    return d->cut_mode == TDM_SIM_CUT_TORN ? TDM_SIM_TEAR : tdm_sim_domain_lost(d);
}

int tdm_sim_domain_lost(struct tdm_sim_domain *d)
{
    if (d->unwind && !d->powered) {
        longjmp(*d->unwind, 1);
    }
    d->seen_cuts++;
    return TDM_E_POWER;
}

int tdm_sim_domain_run(struct tdm_sim_domain *d, int (*fn)(void *arg), void *arg)
{
    if (d->unwind) {
        return fn(arg); /* a runner's point: the cut goes there */
    }
    jmp_buf here;
    d->unwind = &here;
    if (setjmp(here) != 0) {
        d->unwind = NULL;
        return TDM_E_POWER;
    }
    int rc = fn(arg);
    d->unwind = NULL;
    return rc;
}
