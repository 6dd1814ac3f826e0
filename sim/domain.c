/* Power and clock domain of the simulator (sim/domain.h). Owns: the cut decision. Never: flash bytes. */
#include "domain.h"

#include "tandem/err.h"

void tdm_sim_domain_init(struct tdm_sim_domain *d)
{
    d->ops = 0;
    d->cut_at = 0;
    d->cut_mode = TDM_SIM_CUT_BEFORE;
    d->powered = true;
    d->clock_ns = 0;
    d->cuts = 0;
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
    d->powered = true;
}

int tdm_sim_domain_tick(struct tdm_sim_domain *d)
{
    if (!d->powered) {
        return TDM_E_POWER;
    }
    d->ops++;
    if (d->cut_at == 0 || d->ops != d->cut_at) {
        return TDM_SIM_GO;
    }
    tdm_sim_domain_cut_now(d);
    return d->cut_mode == TDM_SIM_CUT_TORN ? TDM_SIM_TEAR : TDM_E_POWER;
}
