/* The simulated SPI NAND chip (sim/nand_sim.h): the NAND port on host memory.
 *
 * Owns: the chip's bytes in the part's raw layout, the port's mapped view of the spare (the tag area),
 * the datasheet rules (erased bits only, NOP, in-order pages, ranges), the timing model, grown bad
 * blocks and wear-out. What a page reads back as (ECC, torn outcomes, decay, flips) is
 * sim/nand_health.c's. Never: decides policy for its user, or lets an operation happen after a cut.
 */
#include "nand_sim.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "tandem/err.h"

#define NS_PER_S 1000000000ull
#define CMD_BYTES_READ 8    /* 13h + 3 address bytes, then 0Bh/6Bh + 2 column + 1 dummy */
#define CMD_BYTES_PROGRAM 8 /* 06h write enable, 02h/32h + 2 column, 10h + 3 address */
#define CMD_BYTES_ERASE 5   /* 06h, D8h + 3 address */
#define CMD_BYTES_STATUS 3  /* 0Fh C0h + status byte, one poll at the end of a busy time */

static uint32_t span(const struct tdm_sim_nand *c)
{
    return c->geo.page_size + c->geo.oob_size;
}

static uint32_t block_bytes(const struct tdm_sim_nand *c)
{
    return c->geo.pages_per_block * span(c);
}

static uint32_t total_pages(const struct tdm_sim_nand *c)
{
    return c->geo.blocks * c->geo.pages_per_block;
}

/* Time to move `bytes` over the bus: commands on one line, data on bus_width lines. */
static uint64_t bus_ns(const struct tdm_sim_nand *c, uint32_t cmd_bytes, uint32_t data_bytes)
{
    uint64_t bits = (uint64_t)cmd_bytes * 8 + ((uint64_t)data_bytes * 8 + c->bus_width - 1) / c->bus_width;
    return (bits * NS_PER_S + c->spi_hz - 1) / c->spi_hz;
}

static void spend(struct tdm_sim_nand *c, uint64_t ns)
{
    tdm_sim_domain_advance(c->dom, ns);
    c->stats.time_ns += ns;
}

static uint8_t *page_ptr(struct tdm_sim_nand *c, uint32_t row, int alloc)
{
    uint32_t b = row / c->geo.pages_per_block;
    if (!c->block_data[b]) {
        if (!alloc) {
            return NULL;
        }
        c->block_data[b] = malloc(block_bytes(c));
        if (!c->block_data[b]) {
            return NULL;
        }
        memset(c->block_data[b], 0xFF, block_bytes(c));
    }
    return c->block_data[b] + (size_t)(row % c->geo.pages_per_block) * span(c);
}

static int chance_ppm(struct tdm_sim_nand *c, uint32_t ppm)
{
    return ppm && tdm_rng_below(&c->rng, 1000000) < ppm;
}

int tdm_sim_nand_create(struct tdm_sim_nand *c, const struct tdm_sim_part *part, uint32_t bad_blocks, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->part = part ? part : tdm_sim_part_at(0);
    c->geo = c->part->geo;
    if (bad_blocks >= c->geo.blocks) {
        return TDM_E_INVAL;
    }
    c->spi_hz = c->part->spi_max_hz;
    c->bus_width = 4;
    c->timing = TDM_SIM_TYPICAL;
    c->rng = seed ^ 0x7A4E44ull;
    tdm_sim_x_map_spare(c);
    tdm_sim_domain_init(&c->own);
    c->dom = &c->own;
    c->block_data = calloc(c->geo.blocks, sizeof *c->block_data);
    c->erase_count = calloc(c->geo.blocks, sizeof *c->erase_count);
    c->block_flags = calloc(c->geo.blocks, 1);
    c->block_top = malloc(c->geo.blocks * sizeof *c->block_top);
    c->page_nprog = calloc(total_pages(c), 1);
    c->page_flags = calloc(total_pages(c), 1);
    c->health = calloc(total_pages(c), sizeof *c->health);
    c->stage = malloc(span(c));
    if (!c->block_data || !c->erase_count || !c->block_flags || !c->block_top || !c->page_nprog || !c->page_flags ||
        !c->health || !c->stage) {
        tdm_sim_nand_destroy(c);
        return TDM_E_BUFFER;
    }
    for (uint32_t b = 0; b < c->geo.blocks; b++) {
        c->block_top[b] = -1;
    }
    /* Factory bad blocks: never block 0 (the datasheets guarantee it), marked in the first spare byte. */
    uint64_t pick = seed;
    for (uint32_t n = 0; n < bad_blocks;) {
        uint32_t b = 1 + tdm_rng_below(&pick, c->geo.blocks - 1);
        if (c->block_flags[b] & TDM_SIM_BLOCK_FACTORY) {
            continue;
        }
        c->block_flags[b] |= TDM_SIM_BLOCK_FACTORY;
        uint8_t *p = page_ptr(c, b * c->geo.pages_per_block, 1);
        if (!p) {
            tdm_sim_nand_destroy(c);
            return TDM_E_BUFFER;
        }
        p[c->geo.page_size] = 0x00;
        n++;
    }
    return 0;
}

void tdm_sim_nand_destroy(struct tdm_sim_nand *c)
{
    if (c->block_data) {
        for (uint32_t b = 0; b < c->geo.blocks; b++) {
            free(c->block_data[b]);
        }
    }
    free(c->block_data);
    free(c->erase_count);
    free(c->block_flags);
    free(c->block_top);
    free(c->page_nprog);
    free(c->page_flags);
    free(c->health);
    free(c->stage);
    memset(c, 0, sizeof *c);
}

uint64_t tdm_sim_nand_program_limit_ns(const struct tdm_sim_nand *c, uint64_t bytes)
{
    uint64_t pages = (bytes + c->geo.page_size - 1) / c->geo.page_size;
    return pages * (bus_ns(c, 0, c->geo.page_size) + c->part->t_prog_typ_ns);
}

static uint64_t t_read(const struct tdm_sim_nand *c)
{
    return c->timing == TDM_SIM_WORST ? c->part->t_read_max_ns : c->part->t_read_typ_ns;
}

static uint64_t t_prog(const struct tdm_sim_nand *c)
{
    return c->timing == TDM_SIM_WORST ? c->part->t_prog_max_ns : c->part->t_prog_typ_ns;
}

static uint64_t t_erase(const struct tdm_sim_nand *c)
{
    return c->timing == TDM_SIM_WORST ? c->part->t_erase_max_ns : c->part->t_erase_typ_ns;
}

/* ---- the port ---- */

static int sim_geometry(void *ctx, struct tdm_nand_geometry *geo)
{
    struct tdm_sim_nand *c = ctx;
    *geo = c->geo;
    return 0;
}

static int check_addr(const struct tdm_sim_nand *c, uint32_t row, uint32_t col, uint32_t len)
{
    if (row >= total_pages(c) || col > span(c) || len > span(c) - col) {
        return TDM_E_RANGE;
    }
    return 0;
}

int tdm_sim_nand_corrupt(struct tdm_sim_nand *c, uint32_t row, uint32_t col, uint32_t len, uint64_t seed)
{
    uint8_t *p = len && check_addr(c, row, col, len) == 0 ? page_ptr(c, row, 1) : NULL;
    if (!p) {
        return TDM_E_RANGE;
    }
    uint32_t bit = tdm_rng_below(&seed, len * 8);
    p[col + bit / 8] ^= (uint8_t)(1u << (bit % 8));
    return (int)(col + bit / 8);
}

/* Start of every operation: refuse without power, age weak pages for the cuts since the last call. */
static int powered(struct tdm_sim_nand *c)
{
    if (!tdm_sim_domain_powered(c->dom)) {
        return tdm_sim_domain_lost(c->dom);
    }
    tdm_sim_x_age(c);
    return 0;
}

/* Prologue of a read or program: power, weak-page ageing, range (a bad range is a rule violation). */
static int begin(struct tdm_sim_nand *c, uint32_t row, uint32_t col, uint32_t len)
{
    int err = powered(c);
    err = err < 0 ? err : check_addr(c, row, col, len);
    c->stats.rule_violations += err == TDM_E_RANGE;
    return err;
}

/* Read page `row` in raw layout into c->stage; returns the ECC status. */
static int read_raw(struct tdm_sim_nand *c, uint32_t row, uint32_t len)
{
    c->stats.reads++;
    c->stats.read_bytes += len;
    c->reads_seen++;
    spend(c, t_read(c) + bus_ns(c, CMD_BYTES_READ + CMD_BYTES_STATUS, len));
    const uint8_t *p = page_ptr(c, row, 0);
    if (p) {
        memcpy(c->stage, p, span(c));
    } else {
        memset(c->stage, 0xFF, span(c));
    }
    return tdm_sim_x_read_status(c, row, c->stage);
}

/* The port's view of column x of the raw page in c->stage (tag area mapped, nothing past it). */
static uint8_t mapped_byte(const struct tdm_sim_nand *c, uint32_t x)
{
    if (x < c->geo.page_size) {
        return c->stage[x];
    }
    uint32_t t = x - c->geo.page_size;
    return t < c->geo.tag_size ? c->stage[c->geo.page_size + c->tag_raw[t]] : 0xFF;
}

static int sim_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    struct tdm_sim_nand *c = ctx;
    int err = begin(c, row, col, len);
    if (err < 0) {
        return err;
    }
    int st = read_raw(c, row, len);
    uint8_t *out = buf;
    for (uint32_t i = 0; i < len; i++) {
        out[i] = mapped_byte(c, col + i);
    }
    return st;
}

int tdm_sim_nand_raw_read(struct tdm_sim_nand *c, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    int err = begin(c, row, col, len);
    if (err < 0) {
        return err;
    }
    int st = read_raw(c, row, len);
    memcpy(buf, c->stage + col, len);
    return st;
}

/* The datasheet rules on the raw write in c->stage, then the program itself (or its cut or failure). */
static int program_raw(struct tdm_sim_nand *c, uint32_t row, uint32_t len)
{
    uint32_t b = row / c->geo.pages_per_block;
    int32_t pg = (int32_t)(row % c->geo.pages_per_block);
    uint8_t *p = page_ptr(c, row, 1);
    if (!p) {
        return TDM_E_BUFFER;
    }
    const uint8_t *src = c->stage;
    for (uint32_t j = 0; j < span(c); j++) {
        /* A byte of 0xFF programs nothing; any other byte needs an erased cell (strict, as a driver must be). */
        if (src[j] != 0xFF && p[j] != 0xFF) {
            c->stats.rule_violations++;
            return TDM_E_NAND_NOT_ERASED;
        }
    }
    if (c->page_nprog[row] >= c->geo.nop) {
        c->stats.rule_violations++;
        return TDM_E_NAND_NOP;
    }
    if (c->block_top[b] > pg) {
        c->stats.rule_violations++;
        return TDM_E_NAND_ORDER;
    }
    int tick = tdm_sim_domain_tick(c->dom);
    if (tick < 0) {
        return tick;
    }
    c->stats.programs++;
    c->stats.program_bytes += len;
    c->page_nprog[row]++;
    c->block_top[b] = pg;
    if (tick == TDM_SIM_TEAR) {
        spend(c, bus_ns(c, CMD_BYTES_PROGRAM, len) + t_prog(c) / 2);
        tdm_sim_x_tear_program(c, row, p, src);
        c->cuts_seen = c->dom->cuts; /* the cut that tore it does not age it */
        return tdm_sim_domain_lost(c->dom);
    }
    spend(c, bus_ns(c, CMD_BYTES_PROGRAM + CMD_BYTES_STATUS, len) + t_prog(c));
    int fail = (c->block_flags[b] & TDM_SIM_BLOCK_WEAK) ||
               (c->faults.program_fail_at && c->dom->ops == c->faults.program_fail_at) ||
               (c->faults.fail_from && c->dom->ops >= c->faults.fail_from) ||
               chance_ppm(c, c->faults.program_fail_ppm) ||
               ((c->block_flags[b] & TDM_SIM_BLOCK_FACTORY) && (tdm_rng_next(&c->rng) & 1)) ||
               c->erase_count[b] > c->part->endurance;
    if (fail) {
        c->block_flags[b] |= TDM_SIM_BLOCK_WEAK;
        c->stats.program_fails++;
        tdm_sim_x_fail_program(c, row, p, src);
        return TDM_E_NAND_PROGRAM;
    }
    for (uint32_t j = 0; j < span(c); j++) {
        p[j] &= src[j];
    }
    tdm_sim_x_program_done(c, row, src);
    return 0;
}

/* A program through the port's view (mapped: the tag area) or the raw layout: build the raw write in
 * c->stage (0xFF = not programmed), then the rules and the program. */
static int program_view(struct tdm_sim_nand *c, uint32_t row, uint32_t col, const uint8_t *src, uint32_t len,
                        int mapped)
{
    int err = begin(c, row, col, len);
    if (err < 0) {
        return err;
    }
    memset(c->stage, 0xFF, span(c));
    for (uint32_t i = 0; i < len; i++) {
        uint32_t x = col + i, t = x - c->geo.page_size;
        if (x < c->geo.page_size) {
            c->stage[x] = src[i];
        } else if (!mapped) {
            if (c->raw_kind[t] != TDM_SIM_SPARE_PARITY) {
                c->stage[x] = src[i]; /* bytes on parity are ignored: the chip writes its own there */
            }
        } else if (t < c->geo.tag_size) {
            c->stage[c->geo.page_size + c->tag_raw[t]] = src[i];
        } else if (src[i] != 0xFF) {
            c->stats.rule_violations++;
            return TDM_E_RANGE; /* past the tag area: the port has no bytes there */
        }
    }
    return program_raw(c, row, len);
}

static int sim_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    return program_view(ctx, row, col, buf, len, 1);
}

int tdm_sim_nand_raw_program(struct tdm_sim_nand *c, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    return program_view(c, row, col, buf, len, 0);
}

static void erase_pages(struct tdm_sim_nand *c, uint32_t b)
{
    uint32_t first = b * c->geo.pages_per_block;
    memset(c->page_nprog + first, 0, c->geo.pages_per_block);
    memset(c->page_flags + first, 0, c->geo.pages_per_block);
    memset(c->health + first, 0, c->geo.pages_per_block * sizeof *c->health);
    c->block_top[b] = -1;
}

static int sim_erase(void *ctx, uint32_t block)
{
    struct tdm_sim_nand *c = ctx;
    int err = powered(c);
    if (err < 0) {
        return err;
    }
    if (block >= c->geo.blocks) {
        c->stats.rule_violations++;
        return TDM_E_RANGE;
    }
    int tick = tdm_sim_domain_tick(c->dom);
    if (tick < 0) {
        return tick;
    }
    c->stats.erases++;
    c->erase_count[block]++;
    if (tick == TDM_SIM_TEAR) {
        spend(c, bus_ns(c, CMD_BYTES_ERASE, 0) + t_erase(c) / 2);
        page_ptr(c, block * c->geo.pages_per_block, 1);
        tdm_sim_x_tear_erase(c, block);
        c->cuts_seen = c->dom->cuts;
        return tdm_sim_domain_lost(c->dom);
    }
    spend(c, bus_ns(c, CMD_BYTES_ERASE + CMD_BYTES_STATUS, 0) + t_erase(c));
    int fail = (c->block_flags[block] & TDM_SIM_BLOCK_WEAK) ||
               (c->faults.erase_fail_at && c->dom->ops == c->faults.erase_fail_at) ||
               (c->faults.fail_from && c->dom->ops >= c->faults.fail_from) ||
               chance_ppm(c, c->faults.erase_fail_ppm) || c->erase_count[block] > c->part->endurance;
    if (fail) {
        c->block_flags[block] |= TDM_SIM_BLOCK_WEAK;
        c->stats.erase_fails++;
        return TDM_E_NAND_ERASE; /* contents left as they were: the block did not erase */
    }
    free(c->block_data[block]); /* an erased block costs no memory; the factory mark is gone */
    c->block_data[block] = NULL;
    erase_pages(c, block);
    return 0;
}

struct tdm_nand_ops tdm_sim_nand_ops(struct tdm_sim_nand *c)
{
    struct tdm_nand_ops ops = {
        .ctx = c, .geometry = sim_geometry, .read = sim_read, .program = sim_program, .erase = sim_erase,
        .is_marked_bad = tdm_sim_x_marked_bad, .mark_bad = tdm_sim_x_mark_bad};
    return ops;
}
