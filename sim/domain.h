/* A power and clock domain of the simulator: the one operation counter, the armed power cut and the
 * simulated clocks shared by every simulated flash of a device (NAND, app-core flash, net-core flash).
 *
 * Owns: deciding, before each mutating flash operation, whether power fails there; the simulated time,
 * one time line per core (the application core 0, the network core 1) and the CPU clock of each core.
 * Never: touches flash contents (each flash model applies "before" or "torn" itself).
 *
 * Use: a flash model calls tdm_sim_domain_tick() before every program/erase/write. The result is
 *   TDM_SIM_GO     perform the operation normally;
 *   TDM_SIM_TEAR   perform it partly (torn), then return tdm_sim_domain_lost() (the domain is now off);
 *   TDM_E_POWER    do nothing and return TDM_E_POWER (cut before, or power already off).
 * Reads call tdm_sim_domain_powered() and return tdm_sim_domain_lost() when off.
 *
 * A cut stops device code where it stands: when a runner (sim/cutrun.h) has set `unwind`, a lost power
 * never returns to the caller: tdm_sim_domain_lost() (and tick, for a cut before the operation) longjmps
 * there, after the flash model applied the torn part. Host code that runs device code outside a runner (the
 * CLI, the scenario tests: tdm_sim_run_once) sets its own point with tdm_sim_domain_run and gets
 * TDM_E_POWER there. Without any unwind point (the tests of the ports and of the store's error path) the
 * port returns TDM_E_POWER and every later call does too, until power-on.
 *
 * Time lines: clock_ns is the time of the core that runs now (cur); every flash model and port advances
 * it, so an operation is charged to the core that does it. tdm_sim_domain_switch() hands the host CPU to
 * the other core (its own line becomes clock_ns). A domain with one core (a flash or a chip on its own)
 * never switches. Before a mutating operation of core 0, the domain lets the owner run core 1 up to that
 * instant (the sync hook), so operations are counted in the order of their start times on the two lines:
 * a cut at operation n stops both cores at its start (both lines stop there at the next power-on).
 */
#ifndef TANDEM_SIM_DOMAIN_H
#define TANDEM_SIM_DOMAIN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

enum tdm_sim_cut { TDM_SIM_CUT_BEFORE = 0, TDM_SIM_CUT_TORN = 1 };

#define TDM_SIM_GO 0
#define TDM_SIM_TEAR 1
#define TDM_SIM_CORES 2
#define TDM_SIM_MHZ_DEFAULT 64 /* both cores' CPU clock unless set (the app core may run at 128) */

struct tdm_sim_domain {
    uint64_t ops;      /* mutating operations so far (all flashes of the domain): the cut points */
    uint64_t cut_at;   /* 0 = no cut armed; else the op with this number is cut */
    enum tdm_sim_cut cut_mode;
    bool powered;
    uint64_t clock_ns; /* simulated time of the core that runs now (cur) */
    uint64_t cuts;     /* power cuts that happened */
    uint64_t line_ns[TDM_SIM_CORES]; /* the other cores' time lines (line_ns[cur] is stale while cur runs) */
    unsigned cur;                    /* the core that runs now */
    uint32_t mhz[TDM_SIM_CORES];     /* CPU clock of each core, for tdm_sim_domain_spend */
    uint64_t frac[TDM_SIM_CORES];    /* remainders of CPU charges below one ns (units of 1/mhz ns) */
    uint64_t cpu_ns[TDM_SIM_CORES];  /* time charged by tdm_sim_domain_spend, per core (where time goes) */
    uint64_t wait_ns[TDM_SIM_CORES]; /* time a core's line moved up to the other core's signal */
    void (*sync)(void *arg);         /* let core 1 run up to core 0's clock_ns (NULL: one core) */
    void *sync_arg;
    bool syncing;
    jmp_buf *unwind;                 /* a runner's unwind point (NULL: a cut returns TDM_E_POWER) */
    uint64_t seen_cuts;              /* port calls that returned TDM_E_POWER (no unwind point): code that
                                        saw a cut instead of stopping (0 wherever device code runs) */
};

void tdm_sim_domain_init(struct tdm_sim_domain *d);
/* Arm a cut at mutating op number `at` (absolute, compare d->ops; at <= d->ops disarms). */
void tdm_sim_domain_cut_at(struct tdm_sim_domain *d, uint64_t at, enum tdm_sim_cut mode);
/* Cut power now (as if the plug were pulled between two operations). */
void tdm_sim_domain_cut_now(struct tdm_sim_domain *d);
/* Power on: both time lines start at the later of the two (the instant the power came back); the
 * application core runs (a cut may have stopped the device while the network core ran). */
void tdm_sim_domain_power_on(struct tdm_sim_domain *d);
int tdm_sim_domain_tick(struct tdm_sim_domain *d);
/* The power is off: unwind to the runner's point when one is set, else return TDM_E_POWER. */
int tdm_sim_domain_lost(struct tdm_sim_domain *d);
/* Run fn(arg), the device code of one power-on, with an unwind point: a cut inside it stops it where it
 * stands and this returns TDM_E_POWER to the host code that called (the CLI, the scenario tests), so device
 * code never sees the cut. Under a runner (an unwind point already set) the cut unwinds to the runner. */
int tdm_sim_domain_run(struct tdm_sim_domain *d, int (*fn)(void *arg), void *arg);
/* Make `core` the one that runs now; returns the core that ran before. */
unsigned tdm_sim_domain_switch(struct tdm_sim_domain *d, unsigned core);
/* The time line of `core`. */
uint64_t tdm_sim_domain_line(const struct tdm_sim_domain *d, unsigned core);
/* The device's time: the later of the lines. */
uint64_t tdm_sim_domain_now(const struct tdm_sim_domain *d);
/* The running core waits until `t` (a signal of the other core raised then): its line moves up to t. */
void tdm_sim_domain_wait_until(struct tdm_sim_domain *d, uint64_t t);
/* Charge CPU work of the running core: `milli_instr` thousandths of an instruction, at one instruction
 * per cycle of its clock (d->mhz[cur]). */
void tdm_sim_domain_spend(struct tdm_sim_domain *d, uint64_t milli_instr);
static inline bool tdm_sim_domain_powered(const struct tdm_sim_domain *d)
{
    return d->powered;
}
static inline void tdm_sim_domain_advance(struct tdm_sim_domain *d, uint64_t ns)
{
    d->clock_ns += ns;
}

#endif
