/* A power and clock domain of the simulator: the one operation counter, the armed power cut and the
 * simulated clock shared by every simulated flash of a device (NAND, app-core flash, net-core flash).
 *
 * Owns: deciding, before each mutating flash operation, whether power fails there; the simulated
 * time. Never: touches flash contents (each flash model applies "before" or "torn" itself).
 *
 * Use: a flash model calls tdm_sim_domain_tick() before every program/erase/write. The result is
 *   TDM_SIM_GO     perform the operation normally;
 *   TDM_SIM_TEAR   perform it partly (torn), then return TDM_E_POWER (the domain is now off);
 *   TDM_E_POWER    do nothing and return TDM_E_POWER (cut before, or power already off).
 * Reads call tdm_sim_domain_powered() and fail with TDM_E_POWER when off.
 */
#ifndef TANDEM_SIM_DOMAIN_H
#define TANDEM_SIM_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

enum tdm_sim_cut { TDM_SIM_CUT_BEFORE = 0, TDM_SIM_CUT_TORN = 1 };

#define TDM_SIM_GO 0
#define TDM_SIM_TEAR 1

struct tdm_sim_domain {
    uint64_t ops;      /* mutating operations so far (all flashes of the domain): the cut points */
    uint64_t cut_at;   /* 0 = no cut armed; else the op with this number is cut */
    enum tdm_sim_cut cut_mode;
    bool powered;
    uint64_t clock_ns; /* simulated time */
    uint64_t cuts;     /* power cuts that happened */
};

void tdm_sim_domain_init(struct tdm_sim_domain *d);
/* Arm a cut at mutating op number `at` (absolute, compare d->ops; at <= d->ops disarms). */
void tdm_sim_domain_cut_at(struct tdm_sim_domain *d, uint64_t at, enum tdm_sim_cut mode);
/* Cut power now (as if the plug were pulled between two operations). */
void tdm_sim_domain_cut_now(struct tdm_sim_domain *d);
void tdm_sim_domain_power_on(struct tdm_sim_domain *d);
int tdm_sim_domain_tick(struct tdm_sim_domain *d);
static inline bool tdm_sim_domain_powered(const struct tdm_sim_domain *d)
{
    return d->powered;
}
static inline void tdm_sim_domain_advance(struct tdm_sim_domain *d, uint64_t ns)
{
    d->clock_ns += ns;
}

#endif
