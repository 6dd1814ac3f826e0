/* The simulated nRF5340 internal flash (sim/flash_sim.h): NVMC rules, timings, power cuts, wear.
 * Owns: the flash's bytes and physical state. Never: policy, or a change when it refuses an operation. */
#include "flash_sim.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "tandem/err.h"
#include "tandem/le.h"

/* nRF5340 Product Specification v1.3, NVMC chapter, electrical specification: tWRITE (32-bit word) and
 * tERASEPAGE are maxima; we use tWRITE = 43 us (the upper end of the 41-43 us figures Nordic gives for the
 * nRF53/nRF52 NVMC, so simulated times are never optimistic) and tERASEPAGE = 87.5 ms; nWRITE = 2;
 * endurance 10 000 erase cycles per page. Memory map chapter: app flash 1 MB in 4 KB pages at 0x0, net
 * flash 256 KB in 2 KB pages at 0x01000000. Read cost is assumed (one word per 64 MHz CPU cycle). */
static const struct tdm_sim_flash_part tdm_flash_parts[] = {
    {"nRF5340-app",
     {.base = 0x00000000u, .size = 1024u * 1024u, .page_size = 4096u, .write_unit = 4, .max_writes = 2,
      .endurance = 10000},
     43000, 87500000, 16,
     "nRF5340 PS v1.3 NVMC: tWRITE 43 us, tERASEPAGE 87.5 ms, nWRITE 2, 10k cycles; 1 MB / 4 KB pages"},
    {"nRF5340-net",
     {.base = 0x01000000u, .size = 256u * 1024u, .page_size = 2048u, .write_unit = 4, .max_writes = 2,
      .endurance = 10000},
     43000, 87500000, 16,
     "nRF5340 PS v1.3 NVMC (network core): tWRITE 43 us, tERASEPAGE 87.5 ms, nWRITE 2, 10k cycles; "
     "256 KB / 2 KB pages at 0x01000000"},
};

const struct tdm_sim_flash_part *tdm_sim_flash_part(enum tdm_sim_flash_kind kind)
{
    return kind == TDM_SIM_FLASH_NET ? &tdm_flash_parts[1] : &tdm_flash_parts[0];
}

int tdm_sim_flash_create(struct tdm_sim_flash *f, enum tdm_sim_flash_kind kind, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    f->part = tdm_sim_flash_part(kind);
    f->kind = kind;
    f->geo = f->part->geo;
    f->rng = seed ^ (0xF1A5u + (uint64_t)kind);
    tdm_sim_domain_init(&f->own);
    f->dom = &f->own;
    uint32_t words = f->geo.size / 4, pages = f->geo.size / f->geo.page_size;
    f->mem = malloc(f->geo.size);
    f->word_writes = calloc(words, 1);
    f->erase_count = calloc(pages, sizeof *f->erase_count);
    if (!f->mem || !f->word_writes || !f->erase_count) {
        tdm_sim_flash_destroy(f);
        return TDM_E_BUFFER;
    }
    memset(f->mem, 0xFF, f->geo.size);
    return 0;
}

void tdm_sim_flash_destroy(struct tdm_sim_flash *f)
{
    free(f->mem);
    free(f->word_writes);
    free(f->erase_count);
    f->mem = NULL;
    f->word_writes = NULL;
    f->erase_count = NULL;
}

static int in_range(const struct tdm_sim_flash *f, uint32_t addr, uint32_t len)
{
    return addr >= f->geo.base && (uint64_t)addr - f->geo.base + len <= f->geo.size;
}

const uint8_t *tdm_sim_flash_peek(const struct tdm_sim_flash *f, uint32_t addr, uint32_t len)
{
    return in_range(f, addr, len) ? f->mem + (addr - f->geo.base) : NULL;
}

uint32_t tdm_sim_flash_max_erases(const struct tdm_sim_flash *f)
{
    uint32_t max = 0;
    for (uint32_t p = 0; p < f->geo.size / f->geo.page_size; p++) {
        max = f->erase_count[p] > max ? f->erase_count[p] : max;
    }
    return max;
}

static void spend(struct tdm_sim_flash *f, uint64_t ns)
{
    f->stats.time_ns += ns;
    tdm_sim_domain_advance(f->dom, ns);
}

static int sim_geometry(void *ctx, struct tdm_flash_geometry *geo)
{
    *geo = ((struct tdm_sim_flash *)ctx)->geo;
    return 0;
}

static int sim_read(void *ctx, uint32_t addr, void *buf, uint32_t len)
{
    struct tdm_sim_flash *f = ctx;
    if (!tdm_sim_domain_powered(f->dom)) {
        return tdm_sim_domain_lost(f->dom);
    }
    if (!in_range(f, addr, len)) {
        return TDM_E_RANGE;
    }
    memcpy(buf, f->mem + (addr - f->geo.base), len);
    f->stats.reads++;
    f->stats.read_bytes += len;
    spend(f, (uint64_t)(len + 3) / 4 * f->part->t_read_ns);
    return 0;
}

static int rule(struct tdm_sim_flash *f)
{
    f->stats.rule_violations++;
    return TDM_E_BOOT_FLASH_RULE;
}

/* Apply one word write at word index w: AND the new value in (only 1->0 can happen), count it. */
static void write_word(struct tdm_sim_flash *f, uint32_t w, uint32_t value)
{
    uint8_t *p = f->mem + 4 * (size_t)w;
    tdm_put_le32(p, tdm_get_le32(p) & value);
    f->word_writes[w]++;
    f->stats.words_written++;
}

static int sim_write(void *ctx, uint32_t addr, const void *buf, uint32_t len)
{
    struct tdm_sim_flash *f = ctx;
    const uint8_t *src = buf;
    if (!tdm_sim_domain_powered(f->dom)) {
        return tdm_sim_domain_lost(f->dom);
    }
    if (!in_range(f, addr, len)) {
        return TDM_E_RANGE;
    }
    if (addr % 4 != 0 || len % 4 != 0) {
        return rule(f);
    }
    uint32_t first = (addr - f->geo.base) / 4, n = len / 4;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t old = tdm_get_le32(f->mem + 4 * (size_t)(first + i));
        uint32_t value = tdm_get_le32(src + 4 * (size_t)i);
        if ((value & ~old) != 0 || f->word_writes[first + i] >= f->geo.max_writes) {
            return rule(f);
        }
    }
    int tick = tdm_sim_domain_tick(f->dom);
    if (tick < 0) {
        return tick;
    }
    f->stats.writes++;
    uint32_t done = n;
    if (tick == TDM_SIM_TEAR && n > 0) {
        done = tdm_rng_below(&f->rng, n); /* words [0, done) complete, word `done` torn */
    }
    for (uint32_t i = 0; i < done; i++) {
        write_word(f, first + i, tdm_get_le32(src + 4 * (size_t)i));
    }
    if (tick == TDM_SIM_TEAR) {
        f->stats.torn_writes++;
        if (done < n) {
            uint32_t value = tdm_get_le32(src + 4 * (size_t)done);
            uint32_t keep = (uint32_t)tdm_rng_next(&f->rng); /* bits of the 1->0 change that did not happen */
            write_word(f, first + done, value | keep);
            done++;
        }
        spend(f, (uint64_t)done * f->part->t_write_ns);
        return tdm_sim_domain_lost(f->dom);
    }
    spend(f, (uint64_t)n * f->part->t_write_ns);
    return 0;
}

static int sim_erase(void *ctx, uint32_t addr)
{
    struct tdm_sim_flash *f = ctx;
    if (!tdm_sim_domain_powered(f->dom)) {
        return tdm_sim_domain_lost(f->dom);
    }
    if (!in_range(f, addr, 1)) {
        return TDM_E_RANGE;
    }
    if ((addr - f->geo.base) % f->geo.page_size != 0) {
        return rule(f);
    }
    int tick = tdm_sim_domain_tick(f->dom);
    if (tick < 0) {
        return tick;
    }
    uint32_t page = (addr - f->geo.base) / f->geo.page_size;
    uint32_t words = f->geo.page_size / 4, w0 = page * words;
    if (f->erase_count[page] >= f->geo.endurance) {
        f->stats.over_endurance++;
    }
    f->erase_count[page]++;
    f->stats.erases++;
    memset(f->word_writes + w0, 0, words);
    if (tick == TDM_SIM_TEAR) {
        /* Torn erase: each word erased or left with random bits. */
        for (uint32_t i = 0; i < words; i++) {
            uint64_t r = tdm_rng_next(&f->rng);
            tdm_put_le32(f->mem + 4 * (size_t)(w0 + i), (r >> 63) ? 0xFFFFFFFFu : (uint32_t)r);
        }
        f->stats.torn_erases++;
        spend(f, f->part->t_erase_ns / 2);
        return tdm_sim_domain_lost(f->dom);
    }
    memset(f->mem + 4 * (size_t)w0, 0xFF, f->geo.page_size);
    spend(f, f->part->t_erase_ns);
    return 0;
}

struct tdm_flash_ops tdm_sim_flash_ops(struct tdm_sim_flash *f)
{
    struct tdm_flash_ops ops = {
        .ctx = f, .geometry = sim_geometry, .read = sim_read, .write = sim_write, .erase = sim_erase};
    return ops;
}
