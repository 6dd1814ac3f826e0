/* The simulated UICR OTP of the nRF5340 application core: implements the OTP word port
 * (include/tandem/otp_port.h) on 192 host words, with the KMU's write-once-per-halfword rule, tWRITE on
 * the simulated clock, and power cuts before or inside a write.
 *
 * Owns: the OTP words and their statistics. Never: an encoding (counter/ has it), erase (ERASEALL is a
 * factory operation: a new model is a new device), forgiving a write the KMU would block.
 *
 * Cut points: every write is ONE mutating operation of the domain (tdm_sim_domain_tick); reads are not.
 * Torn write: a random subset of the bits meant to go 0 went 0 (possibly none, possibly all).
 * Stricter than silicon: a write the KMU would silently ignore (STATUS.BLOCKED) is refused with
 * TDM_E_BOOT_FLASH_RULE and counted in stats.blocked, so a test sees it. Host-only code.
 */
#ifndef TANDEM_SIM_OTP_SIM_H
#define TANDEM_SIM_OTP_SIM_H

#include <stdint.h>

#include "domain.h"
#include "tandem/otp_port.h"

struct tdm_sim_otp_stats {
    uint64_t writes, torn, blocked;
    uint64_t time_ns;
};

struct tdm_sim_otp {
    uint32_t words[TDM_OTP_WORDS_NRF5340]; /* as read; 0xFFFFFFFF after ERASEALL */
    struct tdm_sim_otp_stats stats;
    uint64_t rng;
    struct tdm_sim_domain own;  /* used unless shared */
    struct tdm_sim_domain *dom; /* &own, or the device's domain */
};

/* A blank OTP (every word 0xFFFFFFFF) on its own domain (o->dom = &o->own); a device points o->dom at
 * its domain after this. */
void tdm_sim_otp_init(struct tdm_sim_otp *o, uint64_t seed);

/* The port: ops.ctx = o, ops.words = TDM_OTP_WORDS_NRF5340. */
struct tdm_otp_ops tdm_sim_otp_ops(struct tdm_sim_otp *o);

#endif
