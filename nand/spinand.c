/* The SPI-NAND driver (include/tandem/spinand.h): the NAND port over the SPI transfer port.
 *
 * Owns: the command sequences, their status checks, the vendor ECC decoding and the tag area mapping.
 * Never: allocates, calls the OS or stdio, retries or hides a failure (every status failure and every
 * port error is returned to the caller), or programs a locked or ECC-off chip (init checks both).
 */
#include "tandem/spinand.h"

#include <string.h>

#include "tandem/div64.h"
#include "tandem/err.h"

#define OP_RESET 0xFF
#define OP_READ_ID 0x9F
#define OP_GET_FEATURE 0x0F
#define OP_SET_FEATURE 0x1F
#define OP_WRITE_ENABLE 0x06
#define OP_LOAD 0x02
#define OP_LOAD_X4 0x32
#define OP_EXECUTE 0x10
#define OP_PAGE_READ 0x13
#define OP_READ_CACHE 0x0B    /* fast read: 2 column bytes + 1 dummy byte, data on one line */
#define OP_READ_CACHE_X4 0x6B /* same header, data on four lines */
#define OP_ERASE 0xD8
#define REG_PROTECT 0xA0
#define REG_CONFIG 0xB0
#define REG_STATUS 0xC0
#define SR_OIP 0x01
#define SR_WEL 0x02
#define SR_EFAIL 0x04
#define SR_PFAIL 0x08

/* One transaction: `cmd` (opcode + header, one line), then `out` and `out2` written (one data phase, two
 * buffers) and `in` read on `lines`. */
static int xfer(struct tdm_spinand *d, const uint8_t *cmd, uint32_t cmd_len, const void *out, uint32_t out_len,
                const void *out2, uint32_t out2_len, void *in, uint32_t in_len, uint32_t lines)
{
    void *ctx = d->spi.ctx;
    int err = d->spi.select(ctx);
    if (err < 0) {
        return err;
    }
    err = d->spi.write(ctx, cmd, cmd_len, 1);
    if (err == 0 && out_len) {
        err = d->spi.write(ctx, out, out_len, lines);
    }
    if (err == 0 && out2_len) {
        err = d->spi.write(ctx, out2, out2_len, lines);
    }
    if (err == 0 && in_len) {
        err = d->spi.read(ctx, in, in_len, lines);
    }
    int end = d->spi.deselect(ctx);
    return err < 0 ? err : end;
}

static int cmd_only(struct tdm_spinand *d, uint8_t op)
{
    return xfer(d, &op, 1, 0, 0, 0, 0, 0, 0, 1);
}

/* A command with a 3-byte row address (page read, program execute, erase). */
static int cmd_row(struct tdm_spinand *d, uint8_t op, uint32_t row)
{
    uint8_t cmd[4] = {op, (uint8_t)(row >> 16), (uint8_t)(row >> 8), (uint8_t)row};
    return xfer(d, cmd, 4, 0, 0, 0, 0, 0, 0, 1);
}

static int get_feature(struct tdm_spinand *d, uint8_t reg, uint8_t *v)
{
    uint8_t cmd[2] = {OP_GET_FEATURE, reg};
    return xfer(d, cmd, 2, 0, 0, 0, 0, v, 1, 1);
}

static int set_feature(struct tdm_spinand *d, uint8_t reg, uint8_t v)
{
    uint8_t cmd[3] = {OP_SET_FEATURE, reg, v};
    return xfer(d, cmd, 3, 0, 0, 0, 0, 0, 0, 1);
}

/* Wait for OIP to clear: first the typical time (with a clock), then poll, up to twice the maximum time
 * (with a clock) or the number of status reads that fit in it at the bus clock (without). */
static int wait_ready(struct tdm_spinand *d, uint32_t typ_ns, uint32_t max_ns, uint8_t *status)
{
    const struct tdm_clock_ops *clk = d->clock;
    uint64_t deadline = 0;
    uint64_t polls_left = 0;
    if (clk) {
        deadline = clk->now_ns(clk->ctx) + 2ull * max_ns;
        if (clk->sleep_ns) {
            clk->sleep_ns(clk->ctx, typ_ns);
        }
    } else {
        uint64_t poll_ns = tdm_div64(24ull * 1000000000ull, d->spi.hz ? d->spi.hz : 1); /* 3 bytes per read */
        uint64_t budget_ns = 2ull * max_ns; /* poll_ns >= 5 (hz < 2^32); past 32 bits the quotient is 0 or 1 */
        polls_left = (poll_ns > UINT32_MAX ? budget_ns >= poll_ns : tdm_div64(budget_ns, (uint32_t)poll_ns)) + 2;
    }
    for (;;) {
        int err = get_feature(d, REG_STATUS, status);
        if (err < 0) {
            return err;
        }
        if (!(*status & SR_OIP)) {
            return 0;
        }
        if (clk ? clk->now_ns(clk->ctx) > deadline : polls_left-- == 0) {
            return TDM_E_IO;
        }
    }
}

static const struct tdm_spinand_part *detect(struct tdm_spinand *d, int *err)
{
    uint8_t cmd[2] = {OP_READ_ID, 0x00}; /* a dummy byte, or the address 00h on GigaDevice */
    uint8_t id[3];
    *err = xfer(d, cmd, 2, 0, 0, 0, 0, id, sizeof id, 1);
    if (*err < 0) {
        return 0;
    }
    for (unsigned i = 0; tdm_spinand_part_at(i); i++) {
        const struct tdm_spinand_part *p = tdm_spinand_part_at(i);
        if (memcmp(p->id, id, p->id_len) == 0) {
            return p;
        }
    }
    *err = TDM_E_NAND_ID;
    return 0;
}

/* Unlock every block, set the configuration bits, and read both registers back. */
static int configure(struct tdm_spinand *d)
{
    const struct tdm_spinand_part *p = d->part;
    uint8_t v = 0;
    int err = set_feature(d, REG_PROTECT, 0x00);
    if (err == 0) {
        err = get_feature(d, REG_PROTECT, &v);
    }
    if (err < 0) {
        return err;
    }
    if (v & p->prot_lock) {
        return TDM_E_NAND_FEATURE;
    }
    uint8_t want = (uint8_t)(p->cfg_set | (d->lines == 4 ? p->cfg_qe : 0));
    err = get_feature(d, REG_CONFIG, &v);
    if (err == 0) {
        err = set_feature(d, REG_CONFIG, (uint8_t)(v | want));
    }
    if (err == 0) {
        err = get_feature(d, REG_CONFIG, &v);
    }
    if (err < 0) {
        return err;
    }
    return (v & want) == want && (v & p->cfg_ecc) ? 0 : TDM_E_NAND_FEATURE;
}

int tdm_spinand_init(struct tdm_spinand *d, const struct tdm_spinand_config *cfg)
{
    memset(d, 0, sizeof *d);
    uint32_t lines = cfg->lines ? cfg->lines : 1;
    if (!cfg->spi.select || !cfg->spi.write || !cfg->spi.read || !cfg->spi.deselect ||
        (lines != 1 && lines != 4) || lines > cfg->spi.max_lines) {
        return TDM_E_INVAL;
    }
    d->spi = cfg->spi;
    d->clock = cfg->clock;
    d->lines = lines;
    uint8_t status = 0;
    int err = cmd_only(d, OP_RESET);
    if (err == 0) {
        err = wait_ready(d, 5000, 500000, &status); /* any part: tRST <= 500 us (W25N01GV, worst listed) */
    }
    if (err < 0) {
        return err;
    }
    d->part = detect(d, &err);
    if (!d->part) {
        return err;
    }
    err = configure(d);
    if (err < 0) {
        return err;
    }
    d->geo = d->part->geo;
    d->geo.oob_size = d->geo.tag_size;
    if (cfg->blocks) {
        if (cfg->blocks > d->part->geo.blocks) {
            return TDM_E_INVAL;
        }
        d->geo.blocks = cfg->blocks;
    }
    return 0;
}

static int check(const struct tdm_spinand *d, uint32_t row, uint32_t col, uint32_t len)
{
    uint32_t cols = d->geo.page_size + d->geo.tag_size;
    if (!d->part || row >= d->geo.blocks * d->geo.pages_per_block || col > cols || len > cols - col) {
        return TDM_E_RANGE;
    }
    return 0;
}

/* Spare offset of tag byte `t` (t < tag_size): the part's spans in tag order. */
static uint32_t tag_at(const struct tdm_spinand_part *p, uint32_t t)
{
    for (unsigned i = 0; i < p->n_spans; i++) {
        if (t < p->tag[i].len) {
            return p->tag[i].off + t;
        }
        t -= p->tag[i].len;
    }
    return 0; /* not reached: callers range-check against tag_size */
}

/* Page read to the cache register; returns the decoded ECC figure or an error. */
static int page_read(struct tdm_spinand *d, uint32_t row)
{
    const struct tdm_spinand_part *p = d->part;
    uint8_t status = 0;
    int err = cmd_row(d, OP_PAGE_READ, row);
    if (err == 0) {
        err = wait_ready(d, p->t_read_ns, p->t_read_max_ns, &status);
    }
    if (err < 0) {
        return err;
    }
    uint8_t bits = p->ecc_bits[(status >> p->ecc_shift) & p->ecc_mask];
    return bits == TDM_SPINAND_ECC_UNCORRECTABLE ? TDM_E_NAND_ECC : (int)bits;
}

static int read_cache(struct tdm_spinand *d, uint32_t col, void *buf, uint32_t len)
{
    uint8_t cmd[4] = {d->lines == 4 ? OP_READ_CACHE_X4 : OP_READ_CACHE, (uint8_t)(col >> 8), (uint8_t)col, 0};
    return xfer(d, cmd, 4, 0, 0, 0, 0, buf, len, d->lines);
}

static int spin_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    struct tdm_spinand *d = ctx;
    int err = check(d, row, col, len);
    if (err < 0) {
        return err;
    }
    int ecc = page_read(d, row);
    if (ecc < 0 && ecc != TDM_E_NAND_ECC) {
        return ecc;
    }
    uint32_t page = d->geo.page_size;
    uint32_t n = col < page ? (len < page - col ? len : page - col) : 0;
    if (n) {
        err = read_cache(d, col, buf, n);
    }
    if (err == 0 && len > n) {
        uint8_t spare[TDM_SPINAND_MAX_OOB];
        err = read_cache(d, page, spare, d->part->geo.oob_size);
        if (err == 0) {
            uint8_t *to = (uint8_t *)buf + n;
            for (uint32_t i = 0; i < len - n; i++) {
                to[i] = spare[tag_at(d->part, col + n - page + i)]; /* gather */
            }
        }
    }
    return err < 0 ? err : ecc;
}

/* Program load (02h / 32h: the cache register starts all FFh) at `col`: `len` bytes of `buf`, then in the
 * same data phase (the cache register runs on from the data into the spare) `spare_len` spare bytes. */
static int load(struct tdm_spinand *d, uint32_t col, const void *buf, uint32_t len, const uint8_t *spare,
                uint32_t spare_len)
{
    uint8_t cmd[3] = {d->lines == 4 ? OP_LOAD_X4 : OP_LOAD, (uint8_t)(col >> 8), (uint8_t)col};
    return xfer(d, cmd, 3, buf, len, spare, spare_len, 0, 0, d->lines);
}

/* Write enable, `op` on `row`, then wait; returns the final status or an error. */
static int execute(struct tdm_spinand *d, uint8_t op, uint32_t row, uint32_t typ_ns, uint32_t max_ns)
{
    uint8_t status = 0;
    int err = get_feature(d, REG_STATUS, &status);
    if (err < 0) {
        return err;
    }
    if (!(status & SR_WEL)) {
        return TDM_E_IO; /* the chip did not take write enable */
    }
    err = cmd_row(d, op, row);
    if (err == 0) {
        err = wait_ready(d, typ_ns, max_ns, &status);
    }
    return err < 0 ? err : status;
}

/* Program execute of the loaded cache register into `row`; P_FAIL -> TDM_E_NAND_PROGRAM. */
static int program_execute(struct tdm_spinand *d, uint32_t row)
{
    int status = execute(d, OP_EXECUTE, row, d->part->t_prog_ns, d->part->t_prog_max_ns);
    if (status < 0) {
        return status;
    }
    return (status & SR_PFAIL) ? TDM_E_NAND_PROGRAM : 0;
}

static int spin_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    struct tdm_spinand *d = ctx;
    const struct tdm_spinand_part *p = d->part;
    int err = check(d, row, col, len);
    if (err < 0) {
        return err;
    }
    uint32_t page = d->geo.page_size;
    uint32_t n = col < page ? (len < page - col ? len : page - col) : 0;
    uint8_t spare[TDM_SPINAND_MAX_OOB];
    uint32_t spare_len = 0; /* raw spare bytes to send: through the last one a given tag byte lands on */
    memset(spare, 0xFF, sizeof spare); /* FFh programs nothing: marker and parity bytes stay the chip's */
    const uint8_t *from = (const uint8_t *)buf + n;
    for (uint32_t i = 0; i < len - n; i++) {
        uint32_t at = tag_at(p, col + n - page + i);
        spare[at] = from[i]; /* scatter */
        spare_len = at + 1 > spare_len ? at + 1 : spare_len;
    }
    err = cmd_only(d, OP_WRITE_ENABLE);
    if (err == 0) {
        err = load(d, n ? col : page, buf, n, spare, spare_len);
    }
    if (err < 0) {
        return err;
    }
    return program_execute(d, row);
}

static int spin_erase(void *ctx, uint32_t block)
{
    struct tdm_spinand *d = ctx;
    if (!d->part || block >= d->geo.blocks) {
        return TDM_E_RANGE;
    }
    int err = cmd_only(d, OP_WRITE_ENABLE);
    if (err < 0) {
        return err;
    }
    int status = execute(d, OP_ERASE, block * d->geo.pages_per_block, d->part->t_erase_ns, d->part->t_erase_max_ns);
    if (status < 0) {
        return status;
    }
    return (status & SR_EFAIL) ? TDM_E_NAND_ERASE : 0;
}

static int spin_geometry(void *ctx, struct tdm_nand_geometry *geo)
{
    struct tdm_spinand *d = ctx;
    if (!d->part) {
        return TDM_E_IO;
    }
    *geo = d->geo;
    return 0;
}

static int spin_marked_bad(void *ctx, uint32_t block)
{
    return tdm_spinand_is_marked_bad(ctx, block);
}

static int spin_mark_bad(void *ctx, uint32_t block)
{
    return tdm_spinand_mark_bad(ctx, block);
}

struct tdm_nand_ops tdm_spinand_ops(struct tdm_spinand *d)
{
    struct tdm_nand_ops ops = {.ctx = d, .geometry = spin_geometry, .read = spin_read, .program = spin_program,
                               .erase = spin_erase, .is_marked_bad = spin_marked_bad, .mark_bad = spin_mark_bad};
    return ops;
}

int tdm_spinand_is_marked_bad(struct tdm_spinand *d, uint32_t block)
{
    if (!d->part || block >= d->geo.blocks) {
        return TDM_E_RANGE;
    }
    int ecc = page_read(d, block * d->geo.pages_per_block);
    if (ecc < 0 && ecc != TDM_E_NAND_ECC) {
        return ecc;
    }
    uint8_t mark = 0;
    int err = read_cache(d, d->geo.page_size + d->part->bbm, &mark, 1);
    if (err < 0) {
        return err;
    }
    return ecc == TDM_E_NAND_ECC || mark != 0xFF;
}

int tdm_spinand_mark_bad(struct tdm_spinand *d, uint32_t block)
{
    if (!d->part || block >= d->geo.blocks) {
        return TDM_E_RANGE;
    }
    uint8_t zero = 0x00;
    int err = cmd_only(d, OP_WRITE_ENABLE);
    if (err == 0) {
        err = load(d, d->geo.page_size + d->part->bbm, &zero, 1, 0, 0);
    }
    if (err < 0) {
        return err;
    }
    return program_execute(d, block * d->geo.pages_per_block);
}
