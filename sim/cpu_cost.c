/* CPU time on the simulated clock (sim/cpu_cost.h). Owns: the cost table and the charging wrappers.
 * Never: changes a port's answer. */
#include "cpu_cost.h"

/* Instructions per unit on the Cortex-M33 (arm-none-eabi-gcc 12, -mcpu=cortex-m33 -Os), measured by
 * tests/boot/cpu_figures.sh: tests/boot/cpu_instr.c under qemu-system-arm -M mps2-an505 -icount shift=0,
 * SysTick counting the virtual clock (1 ns per instruction), calibrated with a 4 M-instruction loop
 * (50.000 instructions per tick). Converted to time at one instruction per cycle (the M33 takes more for
 * loads and taken branches, so these are lower bounds of CPU time). */
static const struct tdm_sim_cost_entry costs[TDM_SIM_COSTS] = {
    [TDM_SIM_COST_SHA256_BYTE] = {"SHA-256 per byte", 67455,
                                  "board/common/sha256.c, 16 updates of 4 KB: 67.455 instr/B (cpu_instr sha_byte)"},
    [TDM_SIM_COST_SHA256_CALL] = {"SHA-256 per update call", 197900,
                                  "1024 updates of 64 B minus 64 x sha_byte: 197.9 instr (cpu_instr sha_call)"},
    [TDM_SIM_COST_SHA256_HASH] = {"SHA-256 start + finish", 5175000,
                                  "16 empty hashes: 5 175 instr (cpu_instr sha_hash)"},
    [TDM_SIM_COST_CRC32_BYTE] = {"CRC-32 per byte", 11003,
                                 "base/crc32.c, 16 x 4 KB: 11.003 instr/B (cpu_instr crc_byte)"},
    [TDM_SIM_COST_COPY_BYTE] = {"copy or compare per byte", 4001,
                                "byte loop, 16 x 4 KB: 4.001 instr/B (cpu_instr loop_byte; newlib-nano's -Os "
                                "memcpy is a byte loop too; full newlib's word memcpy is 0.567)"},
    [TDM_SIM_COST_P256_VERIFY] = {"P-256 verification", 8280000000ull,
                                  "median of the 174 valid Wycheproof vectors, 8.28 M instr: tests/target/"
                                  "p256_instr.c and docs/TARGET.md on branch h-p256 (crypto/p256.c, not on main yet)"},
    [TDM_SIM_COST_DELTA_OUT_BYTE] = {"delta decoder per output byte", 15328,
                                     "delta/decode.c (zero runs of the diff copied from the base cache at once) fed "
                                     "512 B at a time, base copied by its read callback: 20.09 M instr / 1 310 816 "
                                     "output bytes over the 4 corpus pairs, 13.6 .. 19.3 per pair; the M33 image "
                                     "pairs cost 26 .. 70 per output byte (more patch per byte), so this entry is "
                                     "exact for the corpus only (tests/target/delta_figures.sh; docs/DELTA.md)"},
};

const struct tdm_sim_cost_entry *tdm_sim_cost(enum tdm_sim_cost which)
{
    return which < TDM_SIM_COSTS ? &costs[which] : 0;
}

static void charge(struct tdm_sim_domain *d, enum tdm_sim_cost which, uint64_t units)
{
    tdm_sim_domain_spend(d, costs[which].milli_instr * units);
}

static void cpu_spend(void *ctx, enum tdm_cpu_work work, uint32_t n)
{
    charge(ctx,
           work == TDM_CPU_CRC32_BYTES       ? TDM_SIM_COST_CRC32_BYTE
           : work == TDM_CPU_DELTA_OUT_BYTES ? TDM_SIM_COST_DELTA_OUT_BYTE
                                             : TDM_SIM_COST_COPY_BYTE,
           n);
}

/* The nRF5340 application core runs at 64 or 128 MHz (HFCLKCTRL: PS v1.3 "CLOCK", HCLK divider); the
 * network core only at 64 MHz: a request for another clock, or from the network core, changes nothing. */
static uint32_t cpu_set_mhz(void *ctx, uint32_t mhz)
{
    struct tdm_sim_domain *d = ctx;
    if (d->cur != 0 || (mhz != 64 && mhz != 128)) {
        return 0;
    }
    uint32_t before = d->mhz[0] ? d->mhz[0] : TDM_SIM_MHZ_DEFAULT;
    d->mhz[0] = mhz;
    return before;
}

struct tdm_cpu_ops tdm_sim_cpu_ops(struct tdm_sim_domain *dom)
{
    struct tdm_cpu_ops ops = {.ctx = dom, .spend = cpu_spend, .set_mhz = cpu_set_mhz};
    return ops;
}

/* ---- crypto ---- */

static int sha_start(void *ctx, struct tdm_sha256 *h)
{
    struct tdm_sim_cpu_port *p = ctx;
    charge(p->dom, TDM_SIM_COST_SHA256_HASH, 1);
    return p->crypto.sha256_start(p->crypto.ctx, h);
}

static int sha_update(void *ctx, struct tdm_sha256 *h, const void *data, size_t len)
{
    struct tdm_sim_cpu_port *p = ctx;
    charge(p->dom, TDM_SIM_COST_SHA256_CALL, 1);
    charge(p->dom, TDM_SIM_COST_SHA256_BYTE, len);
    return p->crypto.sha256_update(p->crypto.ctx, h, data, len);
}

static int sha_finish(void *ctx, struct tdm_sha256 *h, uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->crypto.sha256_finish(p->crypto.ctx, h, out);
}

static int verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                  const uint8_t sig[TDM_P256_SIG_LEN])
{
    struct tdm_sim_cpu_port *p = ctx;
    charge(p->dom, TDM_SIM_COST_P256_VERIFY, 1);
    return p->crypto.p256_verify(p->crypto.ctx, pub, hash, sig);
}

struct tdm_crypto_ops tdm_sim_cpu_crypto(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                         struct tdm_crypto_ops inner)
{
    p->dom = dom;
    p->crypto = inner;
    struct tdm_crypto_ops ops = {.ctx = p, .sha256_start = sha_start, .sha256_update = sha_update,
                                 .sha256_finish = sha_finish, .p256_verify = inner.p256_verify ? verify : 0};
    return ops;
}

/* ---- NAND: the store copies what it reads out of its page buffer ---- */

static int nand_geometry(void *ctx, struct tdm_nand_geometry *geo)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->nand.geometry(p->nand.ctx, geo);
}

static int nand_read(void *ctx, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    struct tdm_sim_cpu_port *p = ctx;
    charge(p->dom, TDM_SIM_COST_COPY_BYTE, len);
    return p->nand.read(p->nand.ctx, row, col, buf, len);
}

static int nand_program(void *ctx, uint32_t row, uint32_t col, const void *buf, uint32_t len)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->nand.program(p->nand.ctx, row, col, buf, len);
}

static int nand_erase(void *ctx, uint32_t block)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->nand.erase(p->nand.ctx, block);
}

static int nand_is_marked_bad(void *ctx, uint32_t block)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->nand.is_marked_bad(p->nand.ctx, block);
}

static int nand_mark_bad(void *ctx, uint32_t block)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->nand.mark_bad(p->nand.ctx, block);
}

struct tdm_nand_ops tdm_sim_cpu_nand(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                     struct tdm_nand_ops inner)
{
    p->dom = dom;
    p->nand = inner;
    struct tdm_nand_ops ops = inner;
    ops.ctx = p;
    ops.geometry = inner.geometry ? nand_geometry : 0;
    ops.read = nand_read;
    ops.program = nand_program;
    ops.erase = nand_erase;
    ops.is_marked_bad = inner.is_marked_bad ? nand_is_marked_bad : 0;
    ops.mark_bad = inner.mark_bad ? nand_mark_bad : 0;
    return ops;
}

/* ---- internal flash: a read copies memory-mapped flash into RAM ---- */

static int flash_geometry(void *ctx, struct tdm_flash_geometry *geo)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->flash.geometry(p->flash.ctx, geo);
}

static int flash_read(void *ctx, uint32_t addr, void *buf, uint32_t len)
{
    struct tdm_sim_cpu_port *p = ctx;
    charge(p->dom, TDM_SIM_COST_COPY_BYTE, len);
    return p->flash.read(p->flash.ctx, addr, buf, len);
}

static int flash_write(void *ctx, uint32_t addr, const void *buf, uint32_t len)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->flash.write(p->flash.ctx, addr, buf, len);
}

static int flash_erase(void *ctx, uint32_t addr)
{
    struct tdm_sim_cpu_port *p = ctx;
    return p->flash.erase(p->flash.ctx, addr);
}

struct tdm_flash_ops tdm_sim_cpu_flash(struct tdm_sim_cpu_port *p, struct tdm_sim_domain *dom,
                                       struct tdm_flash_ops inner)
{
    p->dom = dom;
    p->flash = inner;
    struct tdm_flash_ops ops = {.ctx = p, .geometry = flash_geometry, .read = flash_read, .write = flash_write,
                                .erase = flash_erase};
    return ops;
}
