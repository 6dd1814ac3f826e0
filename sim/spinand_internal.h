/* Internal to the command-level chip (sim/spinand_sim.c: commands, sim/spinand_bus.c: bytes on the bus).
 * Owns: the split between parsing a transaction and executing it. Never: used outside those two files. */
#ifndef TANDEM_SIM_SPINAND_INTERNAL_H
#define TANDEM_SIM_SPINAND_INTERNAL_H

#include "spinand_sim.h"

enum tdm_sim_spinand_kind {
    K_RESET, K_ID, K_GET, K_SET, K_WREN, K_WRDI, K_LOAD, K_LOAD_KEEP, K_EXEC, K_PAGE_READ, K_CACHE_READ,
    K_ERASE, K_LUT_SWAP, K_LUT_READ,
};

bool tdm_sim_spinand_busy(const struct tdm_sim_spinand *s);
void tdm_sim_spinand_settle(struct tdm_sim_spinand *s);
void tdm_sim_spinand_power_up(struct tdm_sim_spinand *s);
void tdm_sim_spinand_proto_error(struct tdm_sim_spinand *s);
void tdm_sim_spinand_header_done(struct tdm_sim_spinand *s);
uint8_t tdm_sim_spinand_out_byte(struct tdm_sim_spinand *s);
void tdm_sim_spinand_in_byte(struct tdm_sim_spinand *s, uint8_t b);
int tdm_sim_spinand_execute(struct tdm_sim_spinand *s);

#endif
