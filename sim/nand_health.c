/* The simulated chip's silicon behaviour beyond bytes (sim/nand_sim.h): the part's spare map, ECC
 * codewords and over-programming, the outcomes of a cut program or erase, weak pages that decay, read
 * disturb and retention flips, and the vendor's ECC status ranges.
 *
 * Owns: what a page reads back as and what the ECC reports for it. Never: the rules that refuse an
 * operation or the clock (sim/nand_sim.c), policy for the chip's user.
 */
#include <string.h>

#include "nand_sim.h"
#include "rng.h"
#include "tandem/err.h"

static const char *const torn_names[TDM_SIM_TORN_KINDS] = {
    "program-reads-erased", "program-correctable", "program-uncorrectable", "program-miscorrected",
    "program-weak", "erase-partial", "erase-weak"};

const char *tdm_sim_torn_name(unsigned kind)
{
    return kind < TDM_SIM_TORN_KINDS ? torn_names[kind] : "?";
}

static uint32_t span(const struct tdm_sim_nand *c)
{
    return c->geo.page_size + c->geo.oob_size;
}

void tdm_sim_x_map_spare(struct tdm_sim_nand *c)
{
    uint32_t prot = 0, free_n = 0;
    memset(c->raw_kind, TDM_SIM_SPARE_PARITY, sizeof c->raw_kind);
    memset(c->raw_cw, 0xFF, sizeof c->raw_cw);
    const struct tdm_sim_spare *r = c->part->spare;
    /* protected bytes first (raw order), then the unprotected ones: the port's contiguous tag area */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < TDM_SIM_SPARE_MAX && r[i].kind != TDM_SIM_SPARE_END; i++) {
            int want = pass == 0 ? TDM_SIM_SPARE_PROTECTED : TDM_SIM_SPARE_FREE;
            for (uint32_t k = 0; pass == 0 && k < r[i].len; k++) {
                c->raw_kind[r[i].off + k] = r[i].kind;
                c->raw_cw[r[i].off + k] = r[i].kind == TDM_SIM_SPARE_PROTECTED ? r[i].cw : 0xFF;
            }
            if (r[i].kind != want) {
                continue;
            }
            for (uint32_t k = 0; k < r[i].len; k++) {
                c->tag_raw[prot + free_n] = (uint8_t)(r[i].off + k);
                *(pass == 0 ? &prot : &free_n) += 1;
            }
        }
    }
    c->geo.tag_size = prot + free_n;
    c->geo.tag_ecc = prot;
}

int tdm_sim_x_ecc_report(const struct tdm_sim_nand *c, uint32_t bits)
{
    for (int i = 0; i < TDM_SIM_ECC_RANGES && c->part->ecc_ranges[i]; i++) {
        if (bits <= c->part->ecc_ranges[i]) {
            return c->part->ecc_ranges[i];
        }
    }
    return (int)c->geo.ecc_bits;
}

static int chance(struct tdm_sim_nand *c, uint32_t ppm)
{
    return ppm && tdm_rng_below(&c->rng, 1000000) < ppm;
}

static void flip(struct tdm_sim_nand *c, uint8_t *buf, uint32_t len, uint32_t bits)
{
    for (uint32_t i = 0; i < bits && len; i++) {
        uint32_t at = tdm_rng_below(&c->rng, len * 8);
        buf[at / 8] ^= (uint8_t)(1u << (at % 8));
    }
}

static uint8_t sat_add(uint8_t a, uint64_t n)
{
    return (uint8_t)(a + n > 255 ? 255 : a + n);
}

void tdm_sim_x_age(struct tdm_sim_nand *c)
{
    if (c->dom->cuts <= c->cuts_seen) {
        c->cuts_seen = c->dom->cuts; /* a restored snapshot may move the domain back */
        return;
    }
    uint64_t n = c->dom->cuts - c->cuts_seen;
    c->cuts_seen = c->dom->cuts;
    uint32_t pages = c->geo.blocks * c->geo.pages_per_block;
    for (uint32_t r = 0; r < pages; r++) {
        struct tdm_sim_page_health *h = &c->health[r];
        if (h->weak) {
            h->age = sat_add(h->age, n);
        }
        for (uint64_t k = 0; h->cw_prog && k < n && k < 8; k++) {
            h->flips = sat_add(h->flips, (uint64_t)chance(c, c->faults.retention_ppm));
        }
    }
}

void tdm_sim_x_disturb(struct tdm_sim_nand *c, uint32_t row)
{
    if (!chance(c, c->faults.disturb_ppm)) {
        return;
    }
    uint32_t ppb = c->geo.pages_per_block;
    uint32_t victim = row - row % ppb + tdm_rng_below(&c->rng, ppb);
    if (victim != row && c->health[victim].cw_prog) {
        c->health[victim].flips = sat_add(c->health[victim].flips, 1);
    }
}

/* A weak page's stage now: 0 clean, 1 correctable, 2 uncorrectable (the read itself ages it too). */
static int weak_stage(struct tdm_sim_nand *c, struct tdm_sim_page_health *h)
{
    uint32_t per = c->faults.weak_reads ? c->faults.weak_reads : 64;
    if (++h->reads >= per) {
        h->reads = 0;
        h->age = sat_add(h->age, 1);
    }
    if (h->age >= h->life) {
        return 2;
    }
    return 2u * h->age >= h->life ? 1 : 0;
}

int tdm_sim_x_read_status(struct tdm_sim_nand *c, uint32_t row, uint8_t *raw)
{
    struct tdm_sim_page_health *h = &c->health[row];
    uint32_t bits = (c->page_flags[row] & TDM_SIM_PAGE_CORRECTS) ? c->geo.ecc_bits : 0;
    int bad = (c->page_flags[row] & TDM_SIM_PAGE_ECC_FAILS) || h->cw_bad;
    if (h->weak && !bad) {
        int st = weak_stage(c, h);
        if (st == 2) {
            c->page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS; /* for good */
            h->weak = 0;
            bad = 1;
        } else if (st == 1) {
            bits = c->geo.ecc_bits;
        }
    }
    if (h->flips > c->geo.ecc_bits) {
        bad = 1;
    } else if (h->flips > bits) {
        bits = h->flips;
    }
    int event = (c->faults.bitflip_at_read && c->reads_seen == c->faults.bitflip_at_read) ||
                chance(c, c->faults.bitflip_ppm);
    if (event) {
        uint32_t n = c->faults.bitflip_bits ? c->faults.bitflip_bits : 1;
        if (n > c->geo.ecc_bits) {
            bad = 1;
        } else if (n > bits) {
            bits = n;
        }
    }
    tdm_sim_x_disturb(c, row);
    if (bad) {
        flip(c, raw, c->geo.ecc_sector, c->geo.ecc_bits + 1); /* the raw, wrong data */
        c->stats.ecc_uncorrectable++;
        return TDM_E_NAND_ECC;
    }
    if (bits) {
        c->stats.ecc_corrected++;
        return tdm_sim_x_ecc_report(c, bits);
    }
    return 0;
}

/* Codewords a raw write touches: bit k for data sector k or the protected spare bytes of codeword k. */
static uint8_t codewords(const struct tdm_sim_nand *c, const uint8_t *raw)
{
    uint8_t cw = 0;
    for (uint32_t j = 0; j < span(c); j++) {
        if (raw[j] == 0xFF) {
            continue;
        }
        if (j < c->geo.page_size) {
            cw |= (uint8_t)(1u << (j / c->geo.ecc_sector));
        } else if (c->raw_kind[j - c->geo.page_size] == TDM_SIM_SPARE_PROTECTED) {
            cw |= (uint8_t)(1u << c->raw_cw[j - c->geo.page_size]);
        }
    }
    return cw;
}

/* The chip writes its parity bytes itself at each program (a stand-in pattern, not a real code). */
static void write_parity(struct tdm_sim_nand *c, uint8_t *p)
{
    for (uint32_t j = 0; j < c->geo.oob_size; j++) {
        if (c->raw_kind[j] == TDM_SIM_SPARE_PARITY) {
            p[c->geo.page_size + j] &= (uint8_t)(0x5A ^ j);
        }
    }
}

void tdm_sim_x_program_done(struct tdm_sim_nand *c, uint32_t row, const uint8_t *raw)
{
    struct tdm_sim_page_health *h = &c->health[row];
    uint8_t cw = codewords(c, raw);
    /* Over-program (Micron app note on internal ECC: "each ECC user area must be written within one
     * partial-page program so that the device can calculate the proper parity"): a codeword programmed
     * a second time gets new parity ANDed onto the old one and no longer decodes. */
    uint8_t again = (uint8_t)(cw & h->cw_prog);
    if (again) {
        h->cw_bad |= again;
        for (int k = 0; k < 8; k++) {
            c->stats.over_programs += (again >> k) & 1;
        }
    }
    h->cw_prog |= cw;
}

static void program_partly(struct tdm_sim_nand *c, uint8_t *p, const uint8_t *raw)
{
    for (uint32_t j = 0; j < span(c); j++) {
        uint8_t keep = (uint8_t)tdm_rng_next(&c->rng);
        p[j] &= (uint8_t)(raw[j] | keep);
    }
}

void tdm_sim_x_fail_program(struct tdm_sim_nand *c, uint32_t row, uint8_t *p, const uint8_t *raw)
{
    program_partly(c, p, raw);
    c->page_flags[row] |= TDM_SIM_PAGE_UNSTABLE;
    if (tdm_rng_next(&c->rng) & 1) {
        c->page_flags[row] |= TDM_SIM_PAGE_ECC_FAILS;
    }
}

static unsigned pick(struct tdm_sim_nand *c, unsigned first, unsigned last)
{
    uint32_t mask = c->faults.torn_mask ? c->faults.torn_mask : ~0u;
    unsigned n = 0, kinds[TDM_SIM_TORN_KINDS];
    for (unsigned k = first; k <= last; k++) {
        if (mask & (1u << k)) {
            kinds[n++] = k;
        }
    }
    unsigned k = n ? kinds[tdm_rng_below(&c->rng, n)] : last;
    c->stats.torn[k]++;
    return k;
}

static void make_weak(struct tdm_sim_nand *c, uint32_t row)
{
    struct tdm_sim_page_health *h = &c->health[row];
    h->weak = 1;
    h->age = 0;
    h->reads = 0;
    h->life = (uint8_t)(c->faults.weak_life ? c->faults.weak_life : 1 + tdm_rng_below(&c->rng, 4));
}

void tdm_sim_x_tear_program(struct tdm_sim_nand *c, uint32_t row, uint8_t *p, const uint8_t *raw)
{
    switch (pick(c, TDM_SIM_TORN_ERASED, TDM_SIM_TORN_WEAK)) {
    case TDM_SIM_TORN_ERASED:
        return; /* too early to move a cell past the read threshold */
    case TDM_SIM_TORN_CORRECTABLE:
        for (uint32_t j = 0; j < span(c); j++) {
            p[j] &= raw[j];
        }
        write_parity(c, p);
        tdm_sim_x_program_done(c, row, raw);
        c->page_flags[row] |= TDM_SIM_PAGE_CORRECTS;
        return;
    case TDM_SIM_TORN_UNCORRECTABLE:
        program_partly(c, p, raw);
        c->page_flags[row] |= TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        return;
    case TDM_SIM_TORN_MISCORRECTED:
        program_partly(c, p, raw);
        c->page_flags[row] |= TDM_SIM_PAGE_UNSTABLE;
        return;
    default: /* TDM_SIM_TORN_WEAK */
        for (uint32_t j = 0; j < span(c); j++) {
            p[j] &= raw[j];
        }
        write_parity(c, p);
        tdm_sim_x_program_done(c, row, raw);
        make_weak(c, row);
        return;
    }
}

void tdm_sim_x_tear_erase(struct tdm_sim_nand *c, uint32_t b)
{
    uint32_t ppb = c->geo.pages_per_block, first = b * ppb;
    memset(c->page_nprog + first, 0, ppb);
    memset(c->page_flags + first, 0, ppb);
    memset(c->health + first, 0, ppb * sizeof *c->health);
    c->block_top[b] = -1;
    if (pick(c, TDM_SIM_TORN_ERASE_PARTIAL, TDM_SIM_TORN_ERASE_WEAK) == TDM_SIM_TORN_ERASE_WEAK) {
        /* the erase verify did not finish: the cells read 0xFF but sit near the threshold */
        if (c->block_data[b]) {
            memset(c->block_data[b], 0xFF, (size_t)ppb * span(c));
        }
        for (uint32_t pg = 0; pg < ppb; pg++) {
            make_weak(c, first + pg);
        }
        return;
    }
    /* the first pages erased, the rest random and unprogrammable */
    uint32_t done = tdm_rng_below(&c->rng, ppb);
    if (!c->block_data[b]) {
        return; /* the caller allocated it; nothing to do when allocation failed */
    }
    uint8_t *d = c->block_data[b];
    memset(d, 0xFF, (size_t)done * span(c));
    tdm_rng_fill(&c->rng, d + (size_t)done * span(c), (size_t)(ppb - done) * span(c));
    for (uint32_t pg = done; pg < ppb; pg++) {
        c->page_flags[first + pg] = TDM_SIM_PAGE_UNSTABLE | TDM_SIM_PAGE_ECC_FAILS;
        c->page_nprog[first + pg] = (uint8_t)c->geo.nop;
    }
    c->block_top[b] = (int32_t)ppb - 1;
}
