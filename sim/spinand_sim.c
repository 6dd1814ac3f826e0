/* The simulated SPI-NAND chip at the command level (sim/spinand_sim.h): transaction parsing, the
 * registers and the busy time, over the page-level chip.
 *
 * Owns: turning bytes on the bus into the chip's commands, and what the datasheets say a command does to
 * the registers and the cache register. Never: touches the array other than through the page-level port,
 * or answers a command a busy chip would ignore.
 */
#include "spinand_sim.h"

#include <string.h>

#include "rng.h"
#include "spinand_internal.h"
#include "tandem/err.h"

static uint32_t span(const struct tdm_sim_spinand *s)
{
    return s->chip->geo.page_size + s->chip->geo.oob_size;
}

static uint64_t now(const struct tdm_sim_spinand *s)
{
    return s->chip->dom->clock_ns;
}

bool tdm_sim_spinand_busy(const struct tdm_sim_spinand *s)
{
    return now(s) < s->busy_until;
}

/* Status bits that a finished operation changes take effect when its busy time is over. */
void tdm_sim_spinand_settle(struct tdm_sim_spinand *s)
{
    if (!tdm_sim_spinand_busy(s) && (s->pend_set || s->pend_clear)) {
        s->status = (uint8_t)((s->status & ~s->pend_clear) | s->pend_set);
        s->pend_set = s->pend_clear = 0;
    }
}

void tdm_sim_spinand_power_up(struct tdm_sim_spinand *s)
{
    s->prot = s->part->prot_powerup;
    s->cfg = s->part->cfg_powerup;
    s->status = 0;
    s->pend_set = s->pend_clear = 0;
    s->busy_until = 0;
    s->selected = false;
    s->cuts_seen = s->chip->dom->cuts;
    memset(s->cache, 0xFF, sizeof s->cache);
}

int tdm_sim_spinand_create(struct tdm_sim_spinand *s, struct tdm_sim_nand *chip, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->part = tdm_sim_spinand_part_find(chip->part->name);
    if (!s->part || chip->geo.page_size + chip->geo.oob_size > sizeof s->cache) {
        return TDM_E_SIM_PART;
    }
    s->chip = chip;
    s->hz = chip->part->spi_max_hz;
    s->lines = 1;
    s->rng = seed ^ 0x5350494Eull;
    tdm_sim_spinand_power_up(s);
    return 0;
}

int tdm_sim_spinand_set_bus(struct tdm_sim_spinand *s, uint32_t hz, uint32_t lines)
{
    if (hz == 0 || hz > s->chip->part->spi_max_hz || (lines != 1 && lines != 2 && lines != 4)) {
        return TDM_E_INVAL;
    }
    s->hz = hz;
    s->lines = lines;
    return 0;
}

uint8_t tdm_sim_spinand_status(struct tdm_sim_spinand *s)
{
    tdm_sim_spinand_settle(s);
    uint8_t v = s->status;
    if (tdm_sim_spinand_busy(s)) {
        v |= TDM_SPINAND_SR_OIP;
    }
    if (s->part->has_lut && s->lut_n == TDM_SPINAND_LUT_SIZE) {
        v |= TDM_SPINAND_SR_LUTF;
    }
    return v;
}

void tdm_sim_spinand_proto_error(struct tdm_sim_spinand *s)
{
    s->stats.proto_errors++;
    s->ignored = true;
}

static uint32_t page_of(struct tdm_sim_spinand *s)
{
    /* 24-bit row address; a 1 Gbit part decodes 16 page bits, the upper ones are dummy (W25N01GV 8.2.x;
     * for MT29F / GD5F assumed alike). The W25N LUT links a logical block to a physical one. */
    uint32_t row = ((uint32_t)s->hdr[1] << 8 | s->hdr[2]) & 0xFFFF;
    uint32_t ppb = s->chip->geo.pages_per_block;
    for (unsigned i = 0; i < s->lut_n; i++) {
        if (s->lut_lba[i] == row / ppb) {
            return s->lut_pba[i] * ppb + row % ppb;
        }
    }
    return row;
}

/* The page model's port with its own clock charge taken back (see the header: timing). */
static int array_call(struct tdm_sim_spinand *s, int kind, uint32_t row)
{
    struct tdm_nand_ops ops = tdm_sim_nand_ops(s->chip);
    uint64_t t0 = now(s);
    int r;
    if (kind == K_PAGE_READ) {
        r = tdm_sim_nand_raw_read(s->chip, row, 0, s->cache, span(s)); /* the raw page: data + whole spare */
    } else if (kind == K_EXEC) {
        r = tdm_sim_nand_raw_program(s->chip, row, 0, s->cache, span(s));
    } else {
        r = ops.erase(ops.ctx, row / s->chip->geo.pages_per_block);
    }
    s->chip->dom->clock_ns = t0;
    return r;
}

static uint64_t part_time(const struct tdm_sim_spinand *s, uint32_t typ, uint32_t max)
{
    return s->chip->timing == TDM_SIM_WORST ? max : typ;
}

static uint8_t ecc_code(const struct tdm_sim_spinand *s, int r)
{
    if (r < 0) {
        return s->part->ecc_uncorrectable;
    }
    for (unsigned i = 0; i < 4; i++) {
        if ((unsigned)r <= s->part->ecc[i].upto && (i == 0 || s->part->ecc[i].upto)) {
            return s->part->ecc[i].code;
        }
    }
    return s->part->ecc_uncorrectable;
}

static int page_read(struct tdm_sim_spinand *s)
{
    const struct tdm_sim_part *p = s->chip->part;
    int r = array_call(s, K_PAGE_READ, page_of(s));
    if (r == TDM_E_POWER) {
        return r;
    }
    if (r == TDM_E_RANGE) { /* a row beyond a small test part */
        s->stats.proto_errors++;
        memset(s->cache, 0xFF, span(s));
        r = 0;
    }
    uint8_t field = 0;
    if (s->cfg & s->part->cfg_ecc) {
        field = ecc_code(s, r);
    } else if (r > 0) {
        /* ECC off: the bits the engine would have corrected reach the host raw. */
        for (int i = 0; i < r; i++) {
            uint32_t at = tdm_rng_below(&s->rng, span(s) * 8);
            s->cache[at / 8] ^= (uint8_t)(1u << (at % 8));
        }
    }
    uint8_t mask = (uint8_t)(s->part->ecc_mask << s->part->ecc_shift);
    s->status = (uint8_t)((s->status & ~mask) | (field << s->part->ecc_shift));
    s->busy_until = now(s) + part_time(s, p->t_read_typ_ns, p->t_read_max_ns);
    return 0;
}

/* Program execute and block erase: WEL required, locked blocks refused with the fail bit. */
static int program_or_erase(struct tdm_sim_spinand *s, int kind)
{
    const struct tdm_sim_part *p = s->chip->part;
    uint8_t fail = kind == K_EXEC ? TDM_SPINAND_SR_PFAIL : TDM_SPINAND_SR_EFAIL;
    if (!(s->status & TDM_SPINAND_SR_WEL)) {
        s->stats.wel_missing++; /* ignored: nothing happens, no busy time */
        return 0;
    }
    s->status &= (uint8_t)~fail; /* cleared when the operation starts */
    s->pend_clear = TDM_SPINAND_SR_WEL;
    if (s->prot & s->part->prot_lock) {
        /* Any lock bit set locks the whole array: stricter than the datasheets' partial ranges. */
        s->stats.lock_refused++;
        s->pend_set = fail;
        return 0;
    }
    int r = array_call(s, kind, page_of(s));
    if (r == TDM_E_POWER) {
        return r;
    }
    if (r < 0) {
        s->pend_set = fail;
        if (r != TDM_E_NAND_PROGRAM && r != TDM_E_NAND_ERASE) {
            s->stats.array_refused++;
            s->last_refusal = r;
        }
    }
    s->busy_until = now(s) + (kind == K_EXEC ? part_time(s, p->t_prog_typ_ns, p->t_prog_max_ns)
                                             : part_time(s, p->t_erase_typ_ns, p->t_erase_max_ns));
    return 0;
}

static void set_feature(struct tdm_sim_spinand *s, uint8_t v)
{
    uint8_t reg = s->hdr[0];
    if (reg == 0xA0) {
        s->prot = s->prot_frozen ? s->prot : v; /* BRWD with /WP low is not modelled: /WP assumed high */
    } else if (reg == 0xB0 && ((v ^ s->cfg) & ~s->part->cfg_writable) == 0) {
        uint8_t w = (uint8_t)(s->part->cfg_writable & ~s->cfg_frozen);
        s->cfg = (uint8_t)((s->cfg & ~w) | (v & w));
    } else {
        s->stats.proto_errors++; /* read-only status, an unmodelled mode bit, or no such register */
    }
}

static void lut_swap(struct tdm_sim_spinand *s)
{
    if (!(s->status & TDM_SPINAND_SR_WEL)) { /* WEL needed before A1h: assumed */
        s->stats.wel_missing++;
        return;
    }
    s->status &= (uint8_t)~TDM_SPINAND_SR_WEL;
    uint32_t blocks = s->chip->geo.blocks;
    uint16_t lba = (uint16_t)(s->hdr[0] << 8 | s->hdr[1]), pba = (uint16_t)(s->hdr[2] << 8 | s->hdr[3]);
    if (s->lut_n == TDM_SPINAND_LUT_SIZE || lba >= blocks || pba >= blocks) {
        s->stats.proto_errors++; /* a full LUT takes no more links (LUT-F) */
        return;
    }
    s->lut_lba[s->lut_n] = lba;
    s->lut_pba[s->lut_n] = pba;
    s->lut_n++;
}

static uint8_t lut_byte(const struct tdm_sim_spinand *s, uint32_t i)
{
    /* A5h: 20 entries of LBA (bit 15 = link enabled) and PBA, big-endian; unused entries read 0. */
    uint32_t e = i / 4;
    if (e >= s->lut_n) {
        return 0;
    }
    uint16_t v = (i % 4) < 2 ? (uint16_t)(s->lut_lba[e] | 0x8000u) : s->lut_pba[e];
    return (uint8_t)((i % 2) == 0 ? v >> 8 : v);
}

/* The header is complete: latch the column (cache ops) or start the data phase. */
void tdm_sim_spinand_header_done(struct tdm_sim_spinand *s)
{
    uint32_t col = (uint32_t)s->hdr[0] << 8 | s->hdr[1];
    if (s->kind == K_LOAD || s->kind == K_LOAD_KEEP || s->kind == K_CACHE_READ) {
        if (col > 0x0FFF) {
            tdm_sim_spinand_proto_error(s); /* W25N: 4 dummy bits; GD wrap bits / Micron plane bit not modelled */
            return;
        }
        s->col = col;
        if (s->kind == K_CACHE_READ && s->part->cfg_buf && !(s->cfg & s->part->cfg_buf)) {
            s->col = 0; /* W25N continuous read mode (BUF=0) ignores the column (simplified) */
        }
        if (s->kind == K_LOAD) {
            memset(s->cache, 0xFF, span(s)); /* program load resets the cache register to FFh */
        }
    }
    s->col = s->kind == K_ID ? (s->part->id_addr ? s->hdr[0] : 0) : s->col;
}


uint8_t tdm_sim_spinand_out_byte(struct tdm_sim_spinand *s)
{
    uint32_t i = s->col++;
    switch (s->kind) {
    case K_ID:
        return i < s->part->id_len ? s->part->id[i] : 0xFF; /* past the ID: assumed FFh */
    case K_GET:
        s->col = i; /* the register repeats while clocked */
        if (s->hdr[0] == 0xA0) {
            return s->prot;
        }
        if (s->hdr[0] == 0xB0) {
            return s->cfg;
        }
        if (s->hdr[0] == 0xC0) {
            return tdm_sim_spinand_status(s);
        }
        tdm_sim_spinand_proto_error(s);
        return 0xFF;
    case K_CACHE_READ:
        return i < span(s) ? s->cache[i] : 0xFF; /* past the cache register: assumed FFh */
    case K_LUT_READ:
        return lut_byte(s, i);
    default:
        tdm_sim_spinand_proto_error(s); /* a command without a data-out phase */
        return 0xFF;
    }
}

void tdm_sim_spinand_in_byte(struct tdm_sim_spinand *s, uint8_t b)
{
    if (s->kind == K_SET && s->data_in == 0) {
        s->hdr[1] = b;
    } else if (s->kind == K_LOAD || s->kind == K_LOAD_KEEP) {
        if (s->col < span(s)) {
            s->cache[s->col] = b; /* bytes past the cache register are dropped (assumed) */
        }
        s->col++;
    } else {
        tdm_sim_spinand_proto_error(s); /* a command without (more) data in */
        return;
    }
    s->data_in++;
}

/* Chip select high: commands that act on it. Returns 0 or TDM_E_POWER (an array operation was cut). */
int tdm_sim_spinand_execute(struct tdm_sim_spinand *s)
{
    switch (s->kind) {
    case K_RESET:
        if (tdm_sim_spinand_busy(s)) {
            s->stats.proto_errors++; /* aborting an array operation is not modelled: flagged instead */
        }
        s->status = 0;
        s->pend_set = s->pend_clear = 0;
        memset(s->cache, 0xFF, sizeof s->cache);
        s->busy_until = (tdm_sim_spinand_busy(s) ? s->busy_until : now(s)) + s->part->t_rst_ns;
        return 0;
    case K_WREN:
        s->status |= TDM_SPINAND_SR_WEL;
        return 0;
    case K_WRDI:
        s->status &= (uint8_t)~TDM_SPINAND_SR_WEL;
        return 0;
    case K_SET:
        if (s->data_in != 1) {
            s->stats.proto_errors++;
            return 0;
        }
        set_feature(s, s->hdr[1]);
        return 0;
    case K_EXEC:
    case K_ERASE:
        return program_or_erase(s, s->kind);
    case K_PAGE_READ:
        return page_read(s);
    case K_LUT_SWAP:
        lut_swap(s);
        return 0;
    default:
        return 0; /* loads and reads did their work while clocked */
    }
}
