/* The simulated UICR OTP (sim/otp_sim.h): the KMU's write rules, tWRITE, cuts before and torn writes.
 * Owns: the OTP words. Never: lets a halfword be written twice, lets a bit go 0 -> 1. */
#include "otp_sim.h"

#include <string.h>

#include "flash_sim.h"
#include "rng.h"
#include "tandem/err.h"

void tdm_sim_otp_init(struct tdm_sim_otp *o, uint64_t seed)
{
    memset(o, 0, sizeof *o);
    memset(o->words, 0xFF, sizeof o->words);
    o->rng = seed ^ 0x07Bu;
    tdm_sim_domain_init(&o->own);
    o->dom = &o->own;
}

static int otp_read(void *ctx, uint32_t index, uint32_t *word)
{
    const struct tdm_sim_otp *o = ctx;
    if (!tdm_sim_domain_powered(o->dom)) {
        return tdm_sim_domain_lost(o->dom);
    }
    if (index >= TDM_OTP_WORDS_NRF5340) {
        return TDM_E_RANGE;
    }
    *word = o->words[index];
    return 0;
}

static int otp_write(void *ctx, uint32_t index, uint32_t word)
{
    struct tdm_sim_otp *o = ctx;
    if (!tdm_sim_domain_powered(o->dom)) {
        return tdm_sim_domain_lost(o->dom);
    }
    if (index >= TDM_OTP_WORDS_NRF5340) {
        return TDM_E_RANGE;
    }
    if (!tdm_otp_write_allowed(o->words[index], word)) {
        o->stats.blocked++;
        return TDM_E_BOOT_FLASH_RULE;
    }
    int tick = tdm_sim_domain_tick(o->dom);
    if (tick < 0) {
        return tick;
    }
    o->stats.writes++;
    uint32_t ns = tdm_sim_flash_part(TDM_SIM_FLASH_APP)->t_write_ns; /* UICR: the NVMC's tWRITE */
    o->stats.time_ns += ns;
    tdm_sim_domain_advance(o->dom, ns);
    if (tick == TDM_SIM_TEAR) {
        uint32_t kept = (uint32_t)tdm_rng_next(&o->rng); /* the 1 -> 0 changes that did not happen */
        o->words[index] &= word | kept;
        o->stats.torn++;
        return tdm_sim_domain_lost(o->dom);
    }
    o->words[index] &= word;
    return 0;
}

struct tdm_otp_ops tdm_sim_otp_ops(struct tdm_sim_otp *o)
{
    struct tdm_otp_ops ops = {.ctx = o, .words = TDM_OTP_WORDS_NRF5340, .read = otp_read, .write = otp_write};
    return ops;
}
