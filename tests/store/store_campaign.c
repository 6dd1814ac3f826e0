/* The store's power-cut campaign (store_campaign.h). Host-only.
 * Owns: the workload script, the model of what must survive a cut, the checks, chip snapshots for the
 * double cuts. Never: looks inside the store to decide what is right (only the public API and the
 * simulated chip's ground truth: factory and weak blocks). */
#include "store_campaign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nand_sim.h"
#include "rng.h"
#include "spinand_sim.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/store.h"

enum { OP_NONE, OP_FORMAT, OP_OPEN, OP_WRITE, OP_COMMIT, OP_JOURNAL, OP_ROLES, OP_SCRUB };

struct mslot {
    int state;        /* enum tdm_store_slot_state */
    uint32_t content; /* content id (data generator) */
    uint32_t len;     /* COMMITTED: length */
    uint64_t confirmed, attempted; /* OPEN: bytes whose write() returned / were passed to write() */
};

struct model {
    int formatted; /* 0 not started, 1 in doubt, 2 done */
    struct mslot conf[2], pend[2];
    int pend_op, pend_slot;
    uint32_t jconf[3], jpend[3]; /* journal type 1, 2: counter of the latest record */
    unsigned roles_conf[2], roles_pend[2];
    int roles_in_doubt;
};

struct rig {
    const struct campaign_cfg *cfg;
    struct campaign_cfg cfg_run; /* the case's configuration with the runner's part and seed */
    struct tdm_sim_nand kept;    /* the chip as a first cut left it (second cuts start from it) */
    struct model kept_m;
    int have_kept;
    struct tdm_sim_nand chip;
    struct tdm_sim_spinand_port spi; /* cfg->spi_hz: the driver and the SPI model in front of chip */
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
    struct tdm_store st;
    struct tdm_store_config scfg;
    uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct model m;
    uint8_t sha[3][TDM_SHA256_LEN]; /* by content id 1, 2 */
    char why[256];
    uint64_t scrubs;
    uint64_t ram_rng; /* seeded garbage for the store's RAM at every power-on of this run */
    int booted;       /* what the last power-on returned (the SPI driver booting the part), for the recovery */
};

/* ---- content ---- */

static void content_fill(uint32_t id, uint64_t off, uint8_t *buf, uint32_t len)
{
    uint64_t word = UINT64_MAX, v = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint64_t w = (off + i) / 8;
        if (w != word) {
            uint64_t st = ((uint64_t)id << 40) ^ w;
            v = tdm_rng_next(&st);
            word = w;
        }
        buf[i] = (uint8_t)(v >> (8 * ((off + i) % 8)));
    }
}

static void content_sha(uint32_t id, uint32_t len, uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_crypto_ops c = tdm_host_crypto();
    struct tdm_sha256 h;
    uint8_t buf[4096];
    c.sha256_start(c.ctx, &h);
    for (uint32_t off = 0; off < len; off += sizeof buf) {
        uint32_t n = len - off < sizeof buf ? len - off : (uint32_t)sizeof buf;
        content_fill(id, off, buf, n);
        c.sha256_update(c.ctx, &h, buf, n);
    }
    c.sha256_finish(c.ctx, &h, out);
}

/* ---- the chip ---- */

static void chip_clone(struct tdm_sim_nand *dst, const struct tdm_sim_nand *src)
{
    if (tdm_sim_nand_clone(dst, src) < 0) {
        abort(); /* out of host memory: the campaign cannot go on */
    }
}

/* The store's NAND port on r->chip (powered: the driver inits over the SPI bus). */
static int rig_attach(struct rig *r)
{
    int err = 0;
    if (r->cfg->spi_hz) {
        err = tdm_sim_spinand_port(&r->spi, &r->chip, r->cfg->spi_hz, 1, r->cfg->seed, &r->ops);
    } else {
        r->ops = tdm_sim_nand_ops(&r->chip);
    }
    err = err < 0 ? err : tdm_nand_init(&r->nand, &r->ops);
    memset(&r->scfg, 0, sizeof r->scfg);
    r->scfg.nand = &r->nand;
    r->scfg.crypto = tdm_host_crypto();
    r->scfg.page_buf = r->page_buf;
    r->scfg.slot_bytes = r->cfg->slot_capacity;
    return err;
}

static int rig_create(struct rig *r)
{
    const struct campaign_cfg *c = r->cfg;
    int err = tdm_sim_nand_create(&r->chip, tdm_sim_part_find(c->part), c->factory_bad, c->seed);
    if (err < 0) {
        return err;
    }
    r->chip.faults.program_fail_ppm = c->program_fail_ppm;
    r->chip.faults.erase_fail_ppm = c->erase_fail_ppm;
    r->chip.faults.bitflip_ppm = c->bitflip_ppm;
    r->chip.faults.disturb_ppm = c->disturb_ppm;
    r->chip.faults.retention_ppm = c->retention_ppm;
    r->chip.faults.bitflip_bits = r->chip.geo.ecc_bits;
    memset(&r->m, 0, sizeof r->m);
    r->m.roles_conf[0] = r->m.roles_conf[1] = TDM_STORE_NONE;
    err = rig_attach(r);
    if (err < 0) {
        tdm_sim_nand_destroy(&r->chip);
    }
    return err;
}

/* Power on: RAM holds garbage, as on silicon, so nothing the store kept in RAM before the cut can be trusted
 * by mistake; only the chip's bytes survive. */
static uint64_t ram_seed(const struct campaign_cfg *c, uint64_t cut, int torn, uint64_t second)
{
    return c->seed * 0x9E3779B97F4A7C15ull ^ cut * 0xC2B2AE3D27D4EB4Full ^ second * 0x165667B19E3779F9ull ^
           (uint64_t)torn;
}

static int power_on(struct rig *r)
{
    tdm_sim_domain_power_on(r->chip.dom);
    tdm_rng_fill(&r->ram_rng, &r->st, sizeof r->st);
    tdm_rng_fill(&r->ram_rng, r->page_buf, sizeof r->page_buf);
    return r->cfg->spi_hz ? tdm_sim_spinand_port_boot(&r->spi) : 0; /* the part powered up locked */
}

/* ---- the workload ---- */

static void begin(struct rig *r, int op, int slot)
{
    struct model *m = &r->m;
    m->pend_op = op;
    m->pend_slot = slot;
    memcpy(m->pend, m->conf, sizeof m->pend);
    memcpy(m->jpend, m->jconf, sizeof m->jpend);
    m->roles_pend[0] = m->roles_conf[0];
    m->roles_pend[1] = m->roles_conf[1];
}

static void done(struct rig *r)
{
    struct model *m = &r->m;
    memcpy(m->conf, m->pend, sizeof m->conf);
    memcpy(m->jconf, m->jpend, sizeof m->jconf);
    m->roles_conf[0] = m->roles_pend[0];
    m->roles_conf[1] = m->roles_pend[1];
    m->pend_op = OP_NONE;
}

#define STEP(call)                                                                                  \
    do {                                                                                            \
        int e_ = (call);                                                                            \
        if (e_ < 0) {                                                                               \
            snprintf(r->why, sizeof r->why, "workload: %s -> %s", #call, tdm_errname(e_));         \
            return e_;                                                                              \
        }                                                                                           \
    } while (0)

static int stage(struct rig *r, int slot, uint32_t id, uint32_t from, uint32_t to, uint64_t *rng)
{
    uint8_t buf[5000];
    uint32_t off = from;
    while (off < to) {
        uint32_t n = 1 + tdm_rng_below(rng, sizeof buf);
        n = n < to - off ? n : to - off;
        content_fill(id, off, buf, n);
        begin(r, OP_WRITE, slot);
        r->m.pend[slot].attempted = off + n;
        r->m.conf[slot].attempted = off + n; /* bytes passed may be durable even if the call is cut */
        STEP(tdm_store_write(&r->st, buf, n));
        r->m.pend[slot].confirmed = off + n;
        done(r);
        off += n;
    }
    return 0;
}

static int journal(struct rig *r, uint32_t type, uint32_t counter)
{
    uint8_t p[64];
    memset(p, (int)counter, sizeof p);
    p[0] = (uint8_t)counter;
    p[1] = (uint8_t)(counter >> 8);
    begin(r, OP_JOURNAL, -1);
    r->m.jpend[type] = counter;
    STEP(tdm_store_journal_append(&r->st, type, p, 8 + counter % 50));
    done(r);
    return 0;
}

static int workload(struct rig *r)
{
    const struct campaign_cfg *c = r->cfg;
    uint64_t rng = c->seed * 31 + 7;
    struct model *m = &r->m;
    m->formatted = 1;
    begin(r, OP_FORMAT, -1);
    STEP(tdm_store_format(&r->st, &r->scfg, false));
    done(r);
    m->formatted = 2;
    /* slot A: stage and commit */
    begin(r, OP_OPEN, 0);
    m->pend[0] = (struct mslot){.state = TDM_STORE_OPEN, .content = 1};
    STEP(tdm_store_open(&r->st, 0));
    done(r);
    STEP(stage(r, 0, 1, 0, c->slot_a_bytes, &rng));
    begin(r, OP_COMMIT, 0);
    m->pend[0] = (struct mslot){.state = TDM_STORE_COMMITTED, .content = 1, .len = c->slot_a_bytes};
    STEP(tdm_store_commit(&r->st, c->slot_a_bytes, NULL));
    done(r);
    begin(r, OP_ROLES, -1);
    m->roles_pend[0] = 0;
    STEP(tdm_store_set_roles(&r->st, 0, TDM_STORE_NONE));
    done(r);
    /* progress records: enough to fill a journal block and compact it */
    for (uint32_t k = 1; k <= r->chip.geo.pages_per_block + 6; k++) {
        STEP(journal(r, 1, k));
    }
    /* slot B: half, then a reboot with bytes still in the page buffer, resume, the rest */
    begin(r, OP_OPEN, 1);
    m->pend[1] = (struct mslot){.state = TDM_STORE_OPEN, .content = 2};
    STEP(tdm_store_open(&r->st, 1));
    done(r);
    uint32_t half = c->slot_b_bytes / 2 + 100;
    STEP(stage(r, 1, 2, 0, half, &rng));
    uint64_t armed = r->chip.dom->cut_at; /* the campaign's cut stays armed across this reboot */
    enum tdm_sim_cut mode = r->chip.dom->cut_mode;
    tdm_sim_domain_cut_now(r->chip.dom);
    STEP(power_on(r));
    tdm_sim_domain_cut_at(r->chip.dom, armed, mode);
    STEP(tdm_store_mount(&r->st, &r->scfg));
    int durable = tdm_store_resume(&r->st, 1);
    STEP(durable);
    if ((uint32_t)durable != half / r->chip.geo.page_size * r->chip.geo.page_size) {
        snprintf(r->why, sizeof r->why, "workload: resume reported %d durable bytes, expected %u", durable,
                 half / r->chip.geo.page_size * r->chip.geo.page_size);
        return TDM_E_CORRUPT;
    }
    STEP(stage(r, 1, 2, (uint32_t)durable, c->slot_b_bytes, &rng));
    begin(r, OP_COMMIT, 1);
    m->pend[1] = (struct mslot){.state = TDM_STORE_COMMITTED, .content = 2, .len = c->slot_b_bytes};
    STEP(tdm_store_commit(&r->st, c->slot_b_bytes, NULL));
    done(r);
    for (uint32_t k = 1; k <= 5; k++) {
        STEP(journal(r, 2, k));
    }
    begin(r, OP_ROLES, -1);
    m->roles_pend[1] = 1;
    STEP(tdm_store_set_roles(&r->st, 0, 1));
    done(r);
    /* a scrub: a read of slot A reports a corrected bit flip, maintain moves that block */
    uint8_t tmp[64];
    r->chip.faults.bitflip_at_read = r->chip.reads_seen + 1;
    STEP(tdm_store_read(&r->st, 0, c->slot_a_bytes / 3, tmp, sizeof tmp));
    begin(r, OP_SCRUB, 0);
    int n = tdm_store_maintain(&r->st);
    STEP(n);
    r->scrubs += (uint64_t)n;
    done(r);
    return 0;
}

/* ---- checks ---- */

static int failf(struct rig *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
    return -1;
}

static int read_back(struct rig *r, int slot, uint32_t id, uint32_t len)
{
    uint8_t got[4096], want[4096];
    for (uint32_t off = 0; off < len; off += sizeof got) {
        uint32_t n = len - off < sizeof got ? len - off : (uint32_t)sizeof got;
        int err = tdm_store_read(&r->st, (unsigned)slot, off, got, n);
        if (err < 0) {
            return failf(r, "slot %c read at %u: %s", 'A' + slot, off, tdm_errname(err));
        }
        content_fill(id, off, want, n);
        if (memcmp(got, want, n)) {
            return failf(r, "slot %c differs near offset %u", 'A' + slot, off);
        }
    }
    return 0;
}

static int slot_matches(struct rig *r, int k, const struct mslot *want, const struct tdm_store_slot_info *got)
{
    if (got->state != want->state) {
        return 0;
    }
    if (got->state == TDM_STORE_COMMITTED) {
        return got->length == want->len && !memcmp(got->sha256, r->sha[want->content], TDM_SHA256_LEN);
    }
    if (got->state == TDM_STORE_OPEN) {
        uint32_t page = r->chip.geo.page_size;
        uint64_t lo = want->confirmed / page * page;
        (void)k;
        return got->length % page == 0 && got->length >= lo && got->length <= want->attempted;
    }
    return 1;
}

static int check_slots(struct rig *r)
{
    struct model *m = &r->m;
    for (int k = 0; k < 2; k++) {
        struct tdm_store_slot_info got;
        tdm_store_slot_info(&r->st, (unsigned)k, &got);
        const struct mslot *use = NULL;
        if (slot_matches(r, k, &m->conf[k], &got)) {
            use = &m->conf[k];
        } else if (m->pend_op != OP_NONE && slot_matches(r, k, &m->pend[k], &got)) {
            use = &m->pend[k];
        }
        if (!use) {
            return failf(r, "slot %c: state %d length %u matches neither the confirmed (state %d) nor the "
                         "interrupted operation's result (state %d)",
                         'A' + k, got.state, got.length, m->conf[k].state, m->pend[k].state);
        }
        if (got.state == TDM_STORE_COMMITTED && read_back(r, k, use->content, got.length) < 0) {
            return -1;
        }
        if (got.state == TDM_STORE_OPEN && read_back(r, k, use->content, got.length) < 0) {
            return -1;
        }
    }
    return 0;
}

static int check_journal(struct rig *r)
{
    for (uint32_t t = 1; t <= 2; t++) {
        uint8_t p[TDM_STORE_JOURNAL_MAX_PAYLOAD];
        int n = tdm_store_journal_latest(&r->st, t, p, sizeof p, NULL);
        uint32_t got = n >= 2 ? (uint32_t)(p[0] | (p[1] << 8)) : 0;
        if (n < 0 && n != TDM_E_NOT_FOUND) {
            return failf(r, "journal type %u: %s", t, tdm_errname(n));
        }
        if (n >= 0 && (uint32_t)n != 8 + got % 50) {
            return failf(r, "journal type %u: record %u has %d bytes", t, got, n);
        }
        if (got != r->m.jconf[t] && got != r->m.jpend[t]) {
            return failf(r, "journal type %u: latest is %u, expected %u (or %u)", t, got, r->m.jconf[t],
                         r->m.jpend[t]);
        }
    }
    unsigned inst, cand;
    tdm_store_roles(&r->st, &inst, &cand);
    int conf_ok = inst == r->m.roles_conf[0] && cand == r->m.roles_conf[1];
    int pend_ok = inst == r->m.roles_pend[0] && cand == r->m.roles_pend[1];
    if (!conf_ok && !pend_ok) {
        return failf(r, "roles %u/%u are neither the confirmed nor the pending ones", inst, cand);
    }
    return 0;
}

static int check_blocks(struct rig *r)
{
    struct tdm_store_info info;
    tdm_store_info(&r->st, &info);
    uint32_t owned[5] = {0};
    for (uint32_t b = info.first_block; b < info.first_block + info.block_count; b++) {
        int o = tdm_store_block_owner(&r->st, b);
        if (o < 0 || o > TDM_STORE_OWN_B) {
            return failf(r, "block %u: no owner", b);
        }
        owned[o]++;
        int factory = (r->chip.block_flags[b] & TDM_SIM_BLOCK_FACTORY) != 0;
        int weak = (r->chip.block_flags[b] & TDM_SIM_BLOCK_WEAK) != 0;
        if (factory && o != TDM_STORE_BAD) {
            return failf(r, "factory bad block %u is in use (owner %d)", b, o);
        }
        if (o == TDM_STORE_BAD && !factory && !weak) {
            return failf(r, "good block %u is recorded bad (leaked)", b);
        }
    }
    if (owned[TDM_STORE_SYSTEM] != 4) {
        return failf(r, "%u system blocks, expected 4", owned[TDM_STORE_SYSTEM]);
    }
    uint32_t bpb = r->chip.geo.page_size * r->chip.geo.pages_per_block;
    for (int k = 0; k < 2; k++) {
        uint32_t need = info.slot[k].state == TDM_STORE_EMPTY ? 0 : (info.slot[k].length + bpb - 1) / bpb;
        if (owned[TDM_STORE_OWN_A + k] != need) {
            return failf(r, "slot %c holds %u blocks for %u bytes (%u needed): leaked", 'A' + k,
                         owned[TDM_STORE_OWN_A + k], info.slot[k].length, need);
        }
    }
    return 0;
}

/* On the SPI bus: the driver never misused it (a command the chip did not understand, ignored while busy or
 * without write enable, or refused on a locked block). */
static int check_bus(struct rig *r)
{
    const struct tdm_sim_spinand_stats *b = &r->spi.sim.stats;
    if (r->cfg->spi_hz && tdm_sim_spinand_misuse(&r->spi.sim)) {
        return failf(r, "spi bus: %llu protocol errors, %llu commands while busy, %llu without write enable, %llu "
                     "on a locked block", (unsigned long long)b->proto_errors, (unsigned long long)b->busy_ignored,
                     (unsigned long long)b->wel_missing, (unsigned long long)b->lock_refused);
    }
    return 0;
}

/* Recovery after a cut, on a device just powered on: mount, resume an open slot, maintain. 1 = unformatted
 * (allowed only while the format was in doubt), 0 = mounted, negative = error (a second cut unwinds to the
 * runner). */
static int recover(struct rig *r)
{
    int err = r->booted;
    r->booted = 0;
    err = err < 0 ? err : tdm_store_mount(&r->st, &r->scfg);
    if (err == TDM_E_STORE_UNFORMATTED && r->m.formatted < 2) {
        return 1;
    }
    if (err < 0) {
        return err;
    }
    for (unsigned k = 0; k < 2; k++) {
        struct tdm_store_slot_info si;
        tdm_store_slot_info(&r->st, k, &si);
        if (si.state == TDM_STORE_OPEN) {
            err = tdm_store_resume(&r->st, k);
            if (err < 0) {
                return err;
            }
        }
    }
    err = tdm_store_maintain(&r->st);
    return err < 0 ? err : 0;
}

static int check_all(struct rig *r)
{
    int rec = recover(r);
    if (rec == 1) {
        return 0;
    }
    if (rec < 0) {
        return failf(r, "recovery: %s", tdm_errname(rec));
    }
    if (check_bus(r) < 0 || check_slots(r) < 0 || check_journal(r) < 0 || check_blocks(r) < 0) {
        return -1;
    }
    return 0;
}

/* ---- the late boot: weak pages decay, what the first boot acted on must stay ---- */

struct observed {
    struct tdm_store_info info;
    uint32_t j[3];
};

static void observe(struct rig *r, struct observed *o)
{
    memset(o, 0, sizeof *o);
    tdm_store_info(&r->st, &o->info);
    for (uint32_t t = 1; t <= 2; t++) {
        uint8_t p[TDM_STORE_JOURNAL_MAX_PAYLOAD];
        int n = tdm_store_journal_latest(&r->st, t, p, sizeof p, NULL);
        o->j[t] = n >= 2 ? (uint32_t)(p[0] | (p[1] << 8)) : 0;
    }
}

static int same_state(struct rig *r, const struct observed *a, const struct observed *b)
{
    if (a->info.installed != b->info.installed || a->info.candidate != b->info.candidate) {
        return failf(r, "late boot: roles %u/%u, the first boot acted on %u/%u", b->info.installed,
                     b->info.candidate, a->info.installed, a->info.candidate);
    }
    for (uint32_t t = 1; t <= 2; t++) {
        if (a->j[t] != b->j[t]) {
            return failf(r, "late boot: journal type %u is %u, the first boot acted on %u", t, b->j[t], a->j[t]);
        }
    }
    for (int k = 0; k < 2; k++) {
        const struct tdm_store_slot_info *x = &a->info.slot[k], *y = &b->info.slot[k];
        int committed = x->state == TDM_STORE_COMMITTED;
        if (x->state != y->state || x->gen != y->gen ||
            (committed && (x->length != y->length || memcmp(x->sha256, y->sha256, TDM_SHA256_LEN)))) {
            return failf(r, "late boot: slot %c is state %u gen %u, the first boot acted on state %u gen %u",
                         'A' + k, y->state, y->gen, x->state, x->gen);
        }
    }
    return 0;
}

/* After a recovery that passed: the device acts on what it saw (one journal record), then lives through
 * four more power cuts (weak pages decay to uncorrectable) and boots again: nothing it acted on may be
 * gone, and every check still holds. */
static int late_boot(struct rig *r)
{
    if (!r->st.mounted) {
        return 0; /* the format was in doubt and did not happen: nothing to act on */
    }
    struct observed before, after;
    observe(r, &before);
    uint8_t p[8] = {0};
    int err = tdm_store_journal_append(&r->st, 3, p, sizeof p);
    if (err < 0) {
        return failf(r, "first boot: acting on the state: %s", tdm_errname(err));
    }
    uint64_t armed = r->chip.dom->cut_at; /* a second cut armed in the check stays armed */
    enum tdm_sim_cut mode = r->chip.dom->cut_mode;
    for (int i = 0; i < 4; i++) {
        tdm_sim_domain_cut_now(r->chip.dom);
        tdm_sim_domain_power_on(r->chip.dom);
    }
    tdm_sim_domain_cut_at(r->chip.dom, armed, mode);
    r->booted = power_on(r);
    if (check_all(r) < 0) {
        size_t n = strlen(r->why);
        snprintf(r->why + n, sizeof r->why - n, " (late boot)");
        return -1;
    }
    observe(r, &after);
    return same_state(r, &before, &after);
}

/* ---- the case of the power-cut runner (sim/cutrun.h) ---- */

static int case_setup(struct tdm_cutrun *cr)
{
    struct store_case *sc = cr->arg;
    struct rig *r = calloc(1, sizeof *r);
    if (!r) {
        return TDM_E_BUFFER;
    }
    cr->world = r;
    r->cfg_run = sc->cfg;
    r->cfg_run.part = cr->part;
    r->cfg_run.seed = cr->seed;
    r->cfg = &r->cfg_run;
    if (!sc->have_sha) {
        content_sha(1, sc->cfg.slot_a_bytes, sc->sha[1]);
        content_sha(2, sc->cfg.slot_b_bytes, sc->sha[2]);
        sc->have_sha = 1;
    }
    memcpy(r->sha, sc->sha, sizeof r->sha);
    r->ram_rng = ram_seed(r->cfg, cr->cut, cr->torn, 0);
    int err = rig_create(r);
    if (err < 0) {
        free(r);
        cr->world = NULL;
        return err;
    }
    cr->dom = r->chip.dom;
    return 0;
}

static int case_body(struct tdm_cutrun *cr)
{
    struct rig *r = cr->world;
    int err = workload(r);
    return err < 0 ? tdm_cutrun_fail(cr, "%s", r->why) : 0;
}

/* The power comes back: the RAM garbage of this run (first cut, mode, second cut) fills the store. */
static void case_power_on(struct tdm_cutrun *cr)
{
    struct rig *r = cr->world;
    r->ram_rng = ram_seed(r->cfg, cr->cut, cr->torn, cr->second) ^ 0x51u;
    r->booted = power_on(r); /* a driver that cannot init fails the check's recovery */
}

/* Recover and check; after a torn first cut, the late boot too (only a torn operation leaves weak pages). */
static int case_check(struct tdm_cutrun *cr)
{
    struct rig *r = cr->world;
    r->why[0] = 0;
    int late = cr->cut && cr->torn;
    if (check_all(r) < 0 || (late && late_boot(r) < 0)) {
        return tdm_cutrun_fail(cr, "%s", r->why);
    }
    return 0;
}

static int case_keep(struct tdm_cutrun *cr)
{
    struct rig *r = cr->world;
    if (tdm_sim_nand_clone(&r->kept, &r->chip) < 0) {
        return TDM_E_BUFFER;
    }
    r->kept_m = r->m;
    r->have_kept = 1;
    return 0;
}

static int case_back(struct tdm_cutrun *cr)
{
    struct rig *r = cr->world;
    tdm_sim_nand_destroy(&r->chip);
    chip_clone(&r->chip, &r->kept);
    tdm_sim_domain_power_on(r->chip.dom); /* the driver inits over a powered bus */
    if (rig_attach(r) < 0) {
        return TDM_E_IO;
    }
    r->m = r->kept_m;
    cr->dom = r->chip.dom;
    return 0;
}

static void case_teardown(struct tdm_cutrun *cr)
{
    struct store_case *sc = cr->arg;
    struct rig *r = cr->world;
    if (!r) {
        return;
    }
    for (unsigned k = 0; k < TDM_SIM_TORN_KINDS && k < 8; k++) {
        sc->torn_kind[k] += r->chip.stats.torn[k];
    }
    if (!cr->cut) {
        sc->uncut_ops += r->chip.dom->ops;
        sc->bus_transactions += r->cfg->spi_hz ? r->spi.sim.stats.transactions : 0;
        sc->scrubs += r->scrubs;
        sc->grown_bad += r->chip.stats.program_fails + r->chip.stats.erase_fails;
    }
    if (r->have_kept) {
        tdm_sim_nand_destroy(&r->kept);
    }
    tdm_sim_nand_destroy(&r->chip);
    free(r);
    cr->world = NULL;
}

void store_case_init(struct tdm_cutrun_case *c, const char *name, struct store_case *sc, const char *const *parts)
{
    struct tdm_cutrun_case k = {
        .name = name, .parts = parts, .arg = sc, .setup = case_setup, .body = case_body,
        .power_on = case_power_on, .check = case_check, .teardown = case_teardown, .keep = case_keep,
        .back = case_back,
        .slice = {.stride = sc->cfg.stride, .seconds = sc->cfg.double_sample, .second_stride = 3},
        .full = {.stride = 1, .seconds = 300, .second_stride = 1},
    };
    *c = k;
}
