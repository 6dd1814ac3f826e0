/* CPU time on the simulated clock: what the bootloader's and the net-boot stage's computing costs, charged
 * to the core that does it at its clock (sim/domain.h), from instruction counts measured on the Cortex-M33
 * build under QEMU (the table in sim/cpu_cost.c names the measurement of each cost). Host-only.
 *
 * Owns: the cost table and the port wrappers that charge it: the crypto port (SHA-256 per byte, per update
 * call and per hash; P-256 per verification), NAND reads (the copy out of the page buffer) and internal
 * flash reads (the copy into RAM), and the tdm_cpu_ops hook for work the ports do not see (CRC-32,
 * compare loops). Never: changes what a port returns, or charges a core that did not do the work.
 */
#ifndef TANDEM_SIM_CPU_COST_H
#define TANDEM_SIM_CPU_COST_H

#include <stdint.h>

#include "domain.h"
#include "tandem/clock_port.h"
#include "tandem/crypto_port.h"
#include "tandem/flash_port.h"
#include "tandem/nand_port.h"

enum tdm_sim_cost {
    TDM_SIM_COST_SHA256_BYTE = 0,
    TDM_SIM_COST_SHA256_CALL,  /* the fixed part of one update call */
    TDM_SIM_COST_SHA256_HASH,  /* start + finish of one hash (the last block's compression included) */
    TDM_SIM_COST_CRC32_BYTE,
    TDM_SIM_COST_COPY_BYTE,
    TDM_SIM_COST_P256_VERIFY,
    TDM_SIM_COST_DELTA_OUT_BYTE, /* the delta patch decoder, per output byte */
    TDM_SIM_COSTS
};

struct tdm_sim_cost_entry {
    const char *what;
    uint64_t milli_instr; /* thousandths of an instruction per unit */
    const char *measured; /* how the figure was obtained */
};

/* The table (index enum tdm_sim_cost). */
const struct tdm_sim_cost_entry *tdm_sim_cost(enum tdm_sim_cost which);

/* A port whose CPU work is charged to the core running on `dom` (the caller owns it; it must outlive the
 * ops it hands out). */
struct tdm_sim_cpu_port {
    struct tdm_sim_domain *dom;
    struct tdm_crypto_ops crypto;
    struct tdm_nand_ops nand;
    struct tdm_flash_ops flash;
};

/* The hook for device code's own work (CRC-32, compare loops). */
struct tdm_cpu_ops tdm_sim_cpu_ops(struct tdm_sim_domain *dom);
/* Wrap `inner` so that its work is charged: each call forwards to inner and charges on success or not. */
struct tdm_crypto_ops tdm_sim_cpu_crypto(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                         struct tdm_crypto_ops inner);
struct tdm_nand_ops tdm_sim_cpu_nand(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                     struct tdm_nand_ops inner);
struct tdm_flash_ops tdm_sim_cpu_flash(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                       struct tdm_flash_ops inner);

#endif
