/* The bus side of the command-level chip (sim/spinand_sim.h): chip select, the opcode table, header and
 * data phases with their line counts, and the time each byte takes on the simulated clock.
 *
 * Owns: deciding what each byte on the bus is (opcode, address, dummy, data) and refusing what the part
 * would not understand (counted as protocol errors; the command is then ignored, as a chip would).
 * Never: changes registers or the array itself (sim/spinand_sim.c does).
 */
#include <string.h>

#include "spinand_internal.h"
#include "tandem/err.h"

#define NS_PER_S 1000000000ull

/* One opcode: header bytes (address + dummy) with their lines, address bytes among them, data lines.
 * W25N01GV 8.1, MT29F1G01ABAFD and GD5F1GQ4UA command sets; x2/x4 variants as in Linux spinand core.c
 * (EBh: 2 address bytes + the part's dummy bytes, all on four lines). */
struct op_desc {
    uint8_t op, kind, hdr, addr, hdr_lines, data_lines;
};

static const struct op_desc op_table[] = {
    {0xFF, K_RESET, 0, 0, 1, 0},      {0x9F, K_ID, 1, 0, 1, 1},          {0x0F, K_GET, 1, 1, 1, 1},
    {0x1F, K_SET, 1, 1, 1, 1},        {0x06, K_WREN, 0, 0, 1, 0},        {0x04, K_WRDI, 0, 0, 1, 0},
    {0x02, K_LOAD, 2, 2, 1, 1},       {0x32, K_LOAD, 2, 2, 1, 4},        {0x84, K_LOAD_KEEP, 2, 2, 1, 1},
    {0x34, K_LOAD_KEEP, 2, 2, 1, 4},  {0x10, K_EXEC, 3, 3, 1, 0},        {0x13, K_PAGE_READ, 3, 3, 1, 0},
    {0x03, K_CACHE_READ, 3, 2, 1, 1}, {0x0B, K_CACHE_READ, 3, 2, 1, 1},  {0x3B, K_CACHE_READ, 3, 2, 1, 2},
    {0x6B, K_CACHE_READ, 3, 2, 1, 4}, {0xBB, K_CACHE_READ, 3, 2, 2, 2},  {0xEB, K_CACHE_READ, 0, 2, 4, 4},
    {0xD8, K_ERASE, 3, 3, 1, 0},      {0xA1, K_LUT_SWAP, 4, 4, 1, 0},    {0xA5, K_LUT_READ, 1, 0, 1, 1},
};

static void charge(struct tdm_sim_spinand *s, uint32_t bytes, uint32_t lines)
{
    uint64_t num = (uint64_t)bytes * 8 / lines * NS_PER_S + s->bus_rem;
    tdm_sim_domain_advance(s->chip->dom, num / s->hz);
    s->bus_rem = num % s->hz;
    s->stats.bytes += bytes;
}

static void start_op(struct tdm_sim_spinand *s, uint8_t op, uint32_t lines)
{
    const struct op_desc *d = 0;
    for (unsigned i = 0; i < sizeof op_table / sizeof op_table[0]; i++) {
        if (op_table[i].op == op) {
            d = &op_table[i];
        }
    }
    s->have_op = true;
    if (!d || lines != 1 || ((d->kind == K_LUT_SWAP || d->kind == K_LUT_READ) && !s->part->has_lut)) {
        tdm_sim_spinand_proto_error(s);
        return;
    }
    if (tdm_sim_spinand_busy(s) && d->kind != K_GET && d->kind != K_RESET) {
        s->stats.busy_ignored++; /* while OIP is set only get feature and reset are accepted */
        s->ignored = true;
        return;
    }
    if ((d->data_lines == 4 || d->hdr_lines == 4) && s->part->cfg_qe && !(s->cfg & s->part->cfg_qe)) {
        tdm_sim_spinand_proto_error(s); /* GD5F: x4 commands need QE */
        return;
    }
    s->op = op;
    s->kind = d->kind;
    s->hdr_len = d->op == 0xEB ? (uint8_t)(2 + s->part->quadio_dummy) : d->hdr;
    s->addr_len = d->kind == K_ID ? (uint8_t)(s->part->id_addr ? 1 : 0) : d->addr;
    s->hdr_lines = d->hdr_lines;
    s->data_lines = d->data_lines;
    s->col = 0;
    if (s->hdr_len == 0) {
        tdm_sim_spinand_header_done(s);
    }
}

static int phase_check(struct tdm_sim_spinand *s, uint32_t lines)
{
    if (!tdm_sim_domain_powered(s->chip->dom)) {
        return tdm_sim_domain_lost(s->chip->dom);
    }
    if (!s->selected) {
        return TDM_E_STATE;
    }
    if ((lines != 1 && lines != 2 && lines != 4) || lines > s->lines) {
        return TDM_E_INVAL;
    }
    return 0;
}

static int bus_select(void *ctx)
{
    struct tdm_sim_spinand *s = ctx;
    if (!tdm_sim_domain_powered(s->chip->dom)) {
        return tdm_sim_domain_lost(s->chip->dom);
    }
    if (s->chip->dom->cuts != s->cuts_seen) {
        tdm_sim_spinand_power_up(s); /* power came back: registers at their power-up values */
    }
    if (s->selected) {
        return TDM_E_STATE;
    }
    tdm_sim_spinand_settle(s);
    s->selected = true;
    s->have_op = s->ignored = false;
    s->pos = s->data_in = 0;
    s->stats.transactions++;
    return 0;
}

static int bus_write(void *ctx, const void *buf, uint32_t len, uint32_t lines)
{
    struct tdm_sim_spinand *s = ctx;
    int err = phase_check(s, lines);
    if (err < 0) {
        return err;
    }
    charge(s, len, lines);
    const uint8_t *p = buf;
    for (uint32_t i = 0; i < len; i++) {
        if (!s->have_op) {
            start_op(s, p[i], lines);
        } else if (s->ignored) {
            continue;
        } else if (s->pos < s->hdr_len) {
            if (lines != s->hdr_lines) {
                tdm_sim_spinand_proto_error(s);
                continue;
            }
            s->hdr[s->pos++] = p[i];
            if (s->pos == s->hdr_len) {
                tdm_sim_spinand_header_done(s);
            }
        } else if (lines != s->data_lines) {
            tdm_sim_spinand_proto_error(s);
        } else {
            tdm_sim_spinand_in_byte(s, p[i]);
        }
    }
    return 0;
}

static int bus_read(void *ctx, void *buf, uint32_t len, uint32_t lines)
{
    struct tdm_sim_spinand *s = ctx;
    int err = phase_check(s, lines);
    if (err < 0) {
        return err;
    }
    charge(s, len, lines);
    uint8_t *p = buf;
    for (uint32_t i = 0; i < len; i++) {
        p[i] = 0xFF; /* nobody drives the line: pulled up (assumed) */
        if (!s->have_op) {
            tdm_sim_spinand_proto_error(s);
            s->have_op = true;
        } else if (s->ignored) {
            continue;
        } else if (s->pos < s->hdr_len) {
            if (s->pos < s->addr_len || lines != s->hdr_lines) {
                tdm_sim_spinand_proto_error(s); /* address bytes must be sent; dummy bytes may be clocked */
                continue;
            }
            s->hdr[s->pos++] = 0xFF;
            if (s->pos == s->hdr_len) {
                tdm_sim_spinand_header_done(s);
            }
        } else if (lines != s->data_lines) {
            tdm_sim_spinand_proto_error(s);
        } else {
            p[i] = tdm_sim_spinand_out_byte(s);
        }
    }
    return 0;
}

static int bus_deselect(void *ctx)
{
    struct tdm_sim_spinand *s = ctx;
    if (!s->selected) {
        return TDM_E_STATE;
    }
    s->selected = false;
    if (!tdm_sim_domain_powered(s->chip->dom)) {
        return tdm_sim_domain_lost(s->chip->dom);
    }
    if (!s->have_op || s->ignored) {
        return 0;
    }
    if (s->pos < s->hdr_len) {
        s->stats.proto_errors++; /* a short header: the command is not executed */
        return 0;
    }
    return tdm_sim_spinand_execute(s);
}

struct tdm_spi_ops tdm_sim_spinand_ops(struct tdm_sim_spinand *s)
{
    struct tdm_spi_ops ops = {.ctx = s, .select = bus_select, .write = bus_write, .read = bus_read,
                              .deselect = bus_deselect, .hz = s->hz, .max_lines = s->lines};
    return ops;
}
