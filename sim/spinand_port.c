/* A simulated chip's NAND port as a device has it (sim/spinand_sim.h): the real SPI-NAND driver
 * (nand/spinand.c) over the SPI transfer port that the command-level model of the chip serves.
 *
 * Owns: wiring the three together (chip, command-level model, driver) and the physical limit of a page
 * program at the SPI level. Never: a rule, a timing or a byte of its own: the driver issues the commands,
 * the command-level model answers them and the page-level chip underneath keeps the array, its rules,
 * its faults and the power cuts (a cut lands at the chip's program or erase, as at the page level).
 */
#include "spinand_sim.h"

#include "tandem/err.h"

#define NS_PER_S 1000000000ull
/* The fewest command bytes around one page program: 06h; 02h/32h + 2 column bytes; 10h + 3 row bytes;
 * one status read (0Fh C0h + the byte) that finds the chip ready. */
#define PROGRAM_CMD_BYTES 11u

int tdm_sim_spinand_port(struct tdm_sim_spinand_port *p, struct tdm_sim_nand *chip, uint32_t hz, uint32_t lines,
                         uint64_t seed, struct tdm_nand_ops *ops)
{
    int err = tdm_sim_spinand_create(&p->sim, chip, seed);
    if (err == 0 && lines != 1 && lines != 4) {
        err = TDM_E_INVAL; /* the driver drives one line or four */
    }
    if (err == 0) {
        err = tdm_sim_spinand_set_bus(&p->sim, hz, lines);
    }
    if (err == 0) {
        err = tdm_sim_nand_set_bus(chip, hz, lines); /* the page model's own estimate (chip->stats.time_ns) */
    }
    if (err < 0) {
        return err;
    }
    p->clock = tdm_sim_nand_clock(chip);
    p->lines = lines;
    err = tdm_sim_spinand_port_boot(p);
    *ops = tdm_spinand_ops(&p->drv);
    return err;
}

int tdm_sim_spinand_port_boot(struct tdm_sim_spinand_port *p)
{
    struct tdm_spinand_config cfg = {.spi = tdm_sim_spinand_ops(&p->sim), .clock = &p->clock, .lines = p->lines,
                                     .blocks = p->sim.chip->geo.blocks};
    return tdm_spinand_init(&p->drv, &cfg);
}

uint64_t tdm_sim_spinand_misuse(const struct tdm_sim_spinand *s)
{
    const struct tdm_sim_spinand_stats *b = &s->stats;
    return b->proto_errors + b->busy_ignored + b->wel_missing + b->lock_refused;
}

static uint64_t bus_ns(const struct tdm_sim_spinand *s, uint64_t one_line_bytes, uint64_t data_bytes)
{
    uint64_t bits = one_line_bytes * 8 + (data_bytes * 8 + s->lines - 1) / s->lines;
    return (bits * NS_PER_S + s->hz - 1) / s->hz;
}

uint64_t tdm_sim_spinand_program_limit_ns(const struct tdm_sim_spinand *s, uint64_t bytes)
{
    const struct tdm_sim_nand *c = s->chip;
    uint64_t pages = (bytes + c->geo.page_size - 1) / c->geo.page_size;
    uint64_t t_prog = c->timing == TDM_SIM_WORST ? c->part->t_prog_max_ns : c->part->t_prog_typ_ns;
    return pages * (t_prog + bus_ns(s, PROGRAM_CMD_BYTES, c->geo.page_size));
}
