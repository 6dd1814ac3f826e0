/* bench_store: the NAND image store's figures on the simulated clock, and the full power-cut campaign.
 * Owns: the staging measurements and the campaign configuration of bench/run. Never: a figure that is
 * not measured here. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nand_sim.h"
#include "spinand_sim.h"
#include "tandem/host_crypto.h"
#include "tandem/store.h"
#include "store_campaign.h"

static uint8_t chunk[4096];

static int stage(struct tdm_store *st, unsigned slot, uint32_t len)
{
    int err = tdm_store_open(st, slot);
    for (uint32_t off = 0; off < len && err >= 0; off += sizeof chunk) {
        uint32_t n = len - off < sizeof chunk ? len - off : (uint32_t)sizeof chunk;
        memset(chunk, (int)(off / sizeof chunk), n);
        err = tdm_store_write(st, chunk, n);
    }
    return err < 0 ? err : tdm_store_commit(st, len, NULL);
}

/* A W25N01GV as the device drives it: the SPI-NAND driver over the chip's SPI model at `hz` on `lines`. */
struct spi_rig {
    struct tdm_sim_nand chip;
    struct tdm_sim_spinand_port spi;
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
};

static int spi_rig_open(struct spi_rig *b, const char *part, uint32_t hz, uint32_t lines)
{
    if (tdm_sim_nand_create(&b->chip, tdm_sim_part_find(part), 0, 1) < 0) {
        return -1;
    }
    if (tdm_sim_spinand_port(&b->spi, &b->chip, hz, lines, 1, &b->ops) < 0 || tdm_nand_init(&b->nand, &b->ops) < 0) {
        tdm_sim_nand_destroy(&b->chip);
        return -1;
    }
    return 0;
}

/* 1 MiB staged into slot A right after format (free blocks known erased), over the limit; -1 on error. */
static double stage_ratio(struct spi_rig *b, struct tdm_store *st, const struct tdm_store_config *cfg)
{
    const uint32_t mib = 1024 * 1024;
    if (tdm_store_format(st, cfg, false) < 0) {
        return -1;
    }
    uint64_t t0 = b->chip.dom->clock_ns;
    if (stage(st, 0, mib) < 0) {
        return -1;
    }
    return (double)(b->chip.dom->clock_ns - t0) / (double)tdm_sim_spinand_program_limit_ns(&b->spi.sim, mib);
}

static int staging_figures(void)
{
    static struct spi_rig b;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    static struct tdm_store st;
    struct tdm_store_config cfg = {.nand = &b.nand, .crypto = tdm_host_crypto(), .page_buf = page_buf};
    /* SPIM4: 32 MHz, one line; then QSPI at 96 MHz, four lines */
    if (spi_rig_open(&b, "W25N01GV", 96000000, 4) < 0) {
        return 1;
    }
    double quad = stage_ratio(&b, &st, &cfg);
    uint64_t quad_limit = tdm_sim_spinand_program_limit_ns(&b.spi.sim, 2048);
    tdm_sim_nand_destroy(&b.chip);
    if (quad < 0 || spi_rig_open(&b, "W25N01GV", 32000000, 1) < 0) {
        return 1;
    }
    double warm = stage_ratio(&b, &st, &cfg);
    if (warm < 0) {
        return 1;
    }
    const uint32_t mib = 1024 * 1024, update = 1363149; /* 1.3 MiB: app + net + manifest */
    uint64_t limit = tdm_sim_spinand_program_limit_ns(&b.spi.sim, mib), page_limit = limit / (mib / 2048);
    /* after a reboot nothing is known erased: 1 MiB into slot B erases as it goes */
    if (tdm_store_mount(&st, &cfg) < 0) {
        return 1;
    }
    uint64_t t0 = b.chip.dom->clock_ns;
    if (stage(&st, 1, mib) < 0) {
        return 1;
    }
    double cold = (double)(b.chip.dom->clock_ns - t0) / (double)limit;
    /* a full 1.3 MiB update, steady state: slot A is installed, B is restaged after a reboot */
    if (tdm_store_set_roles(&st, 0, TDM_STORE_NONE) < 0 || tdm_store_mount(&st, &cfg) < 0) {
        return 1;
    }
    uint64_t p0 = b.chip.stats.programs, e0 = b.chip.stats.erases;
    if (stage(&st, 1, update) < 0) {
        return 1;
    }
    uint64_t payload_pages = (update + b.chip.geo.page_size - 1) / b.chip.geo.page_size;
    double overhead = (double)(b.chip.stats.programs - p0) / (double)payload_pages;
    uint64_t erases = b.chip.stats.erases - e0;
    uint64_t t_prog = b.chip.part->t_prog_typ_ns, t_erase = b.chip.part->t_erase_typ_ns;
    printf("about store.stage_ratio goal <= 1.05 | W25N01GV through the SPI-NAND driver and the SPI command-level "
           "model at SPIM4's 32 MHz, one line: stage 1 MiB (open+write+commit, free blocks erased after format) / "
           "limit; limit per page = tPROG %" PRIu64 " us + 2048 B at 32 MHz 512 us + 11 command bytes 2.75 us "
           "(06h, 02h+column, 10h+row, one status read) = %.2f us\n",
           t_prog / 1000, (double)page_limit / 1000.0);
    printf("metric store.stage_ratio %.4f ratio\n", warm);
    printf("about store.stage_ratio_qspi96 goal <= 1.05 | the same at 96 MHz on four lines (QSPI): limit per page = "
           "tPROG + 2048 B on 4 lines at 96 MHz + the 11 command bytes on one line = %.2f us\n",
           (double)quad_limit / 1000.0);
    printf("metric store.stage_ratio_qspi96 %.4f ratio\n", quad);
    printf("about store.stage_ratio_cold 1 + tBERS/(64 x page limit) = %.3f | the same at 32 MHz after a reboot: "
           "each 128 KiB block erased on the way\n", 1.0 + (double)t_erase / (64.0 * (double)page_limit));
    printf("metric store.stage_ratio_cold %.4f ratio\n", cold);
    printf("about store.program_overhead goal <= 1.02 | NAND pages programmed / pages of payload, 1.3 MiB update\n");
    printf("metric store.program_overhead %.4f ratio\n", overhead);
    printf("about store.erases_per_update 11 blocks of payload | block erases for one staged 1.3 MiB update\n");
    printf("metric store.erases_per_update %" PRIu64 " erases\n", erases);
    tdm_sim_nand_destroy(&b.chip);
    return 0;
}

/* Totals of the campaign's runs (the power-cut runner's results added up). */
struct sum {
    uint64_t cuts, torn, seconds, failures;
};

/* One configuration on one part, every operation cut (the case's full plan). Returns 1 on a setup error. */
static int campaign(struct sum *sum, struct store_case *sc, const char *name, const char *part, uint64_t seed)
{
    struct tdm_cutrun_case c;
    store_case_init(&c, name, sc, NULL);
    struct tdm_cutrun_opts o = {.plan = c.full, .argv0 = "build/tests/store/store_campaign --full", .log = stderr};
    struct tdm_cutrun_result r;
    if (tdm_cutrun_run(&c, part, seed, &o, &r) < 0) {
        return 1;
    }
    fprintf(stderr, "bench_store: campaign %s on %s: ops %" PRIu64 " cuts %" PRIu64 " torn %" PRIu64 " second %" PRIu64
            " failures %" PRIu64 " (%.0f s)\n", name, part, r.ops, r.cuts, r.torn, r.seconds, r.failures, r.host_s);
    sum->cuts += r.cuts;
    sum->torn += r.torn;
    sum->seconds += r.seconds;
    sum->failures += r.failures;
    return 0;
}

/* Spare bytes the store's page tag really occupies on `part`: stage 8 pages, look at the tag areas. */
static int tag_bytes(const char *part, const char *key)
{
    struct tdm_sim_nand chip;
    if (tdm_sim_nand_create(&chip, tdm_sim_part_find(part), 0, 3) < 0) {
        return 1;
    }
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&chip);
    struct tdm_nand nand;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    static struct tdm_store st;
    struct tdm_store_config cfg = {.nand = &nand, .crypto = tdm_host_crypto(), .page_buf = page_buf,
                                   .slot_bytes = 262144};
    uint32_t used = 0;
    if (tdm_nand_init(&nand, &ops) < 0 || tdm_store_format(&st, &cfg, false) < 0 || stage(&st, 0, 8 * 2048) < 0) {
        return 1;
    }
    struct tdm_store_info info;
    tdm_store_info(&st, &info);
    uint8_t tag[256];
    for (uint32_t b = info.first_block; b < info.first_block + info.block_count; b++) {
        if (tdm_store_block_owner(&st, b) != TDM_STORE_OWN_A) {
            continue;
        }
        for (uint32_t pg = 0; pg < 8; pg++) {
            nand.ops.read(nand.ops.ctx, b * 64 + pg, 2048, tag, chip.geo.tag_size);
            for (uint32_t i = 0; i < chip.geo.tag_size; i++) {
                used = tag[i] != 0xFF && i + 1 > used ? i + 1 : used;
            }
        }
    }
    printf("about store.tag_bytes.%s %u free spare bytes, %u of them ECC-protected | spare bytes the store's page tag uses (all protected)\n",
           key, chip.geo.tag_size, chip.geo.tag_ecc);
    printf("metric store.tag_bytes.%s %u bytes\n", key, used);
    int over = used > chip.geo.tag_ecc;
    tdm_sim_nand_destroy(&chip);
    return over;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static const char *const parts[3][2] = {{"W25N-SMALL", "w25n"}, {"MT29F-SMALL", "mt29f"}, {"GD5F-SMALL", "gd5f"}};
    if (staging_figures()) {
        fprintf(stderr, "bench_store: staging failed\n");
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        if (tag_bytes(parts[i][0], parts[i][1])) {
            fprintf(stderr, "bench_store: tag on %s failed\n", parts[i][0]);
            return 1;
        }
    }
    if (argc > 1 && !strcmp(argv[1], "--no-campaign")) {
        return 0;
    }
    /* The full campaign on the power-cut runner: every operation cut before and torn (the chip picks the
     * torn outcome); second cuts for a seeded sample of 300 first cuts per configuration. A clean W25N on the
     * page-level port, then each part with every fault kind (factory and grown bad blocks, bit flips, read
     * disturb and retention flips) on the device's bus: the SPI-NAND driver over the chip's SPI model at
     * SPIM4's 32 MHz, one line (the truer path: the campaign.store.<part>.* figures come from it). */
    struct sum sum = {0};
    static struct store_case clean = {.cfg = {.slot_a_bytes = 1363149, .slot_b_bytes = 300000}};
    if (campaign(&sum, &clean, "store: a cut anywhere on a clean chip keeps every committed byte", "W25N-SMALL", 1)) {
        return 1;
    }
    uint64_t torn_kind[8];
    memcpy(torn_kind, clean.torn_kind, sizeof torn_kind);
    for (int i = 0; i < 3; i++) {
        struct sum part = {0};
        static struct store_case harsh;
        memset(&harsh, 0, sizeof harsh);
        harsh.cfg = clean.cfg;
        harsh.cfg.factory_bad = 20;
        harsh.cfg.program_fail_ppm = 2000;
        harsh.cfg.erase_fail_ppm = 10000;
        harsh.cfg.bitflip_ppm = 2000;
        harsh.cfg.disturb_ppm = 200;
        harsh.cfg.retention_ppm = 200;
        harsh.cfg.spi_hz = 32000000; /* the device's bus: the SPI-NAND driver over the chip's SPI model */
        if (campaign(&part, &harsh, "store: a cut anywhere with bad blocks and bit flips keeps every committed byte",
                     parts[i][0], 2 + (uint64_t)i)) {
            return 1;
        }
        printf("about campaign.store.%s.cuts every op x (before, torn), every fault kind | first power cuts on %s, "
               "through the SPI-NAND driver and the SPI model (32 MHz, one line)\n",
               parts[i][1], parts[i][0]);
        printf("metric campaign.store.%s.cuts %" PRIu64 " cuts\n", parts[i][1], part.cuts);
        printf("about campaign.store.%s.failures goal 0 | invariant violations on %s\n", parts[i][1], parts[i][0]);
        printf("metric campaign.store.%s.failures %" PRIu64 " failures\n", parts[i][1], part.failures);
        sum.cuts += part.cuts;
        sum.torn += part.torn;
        sum.seconds += part.seconds;
        sum.failures += part.failures;
        for (int k = 0; k < 8; k++) {
            torn_kind[k] += harsh.torn_kind[k];
        }
    }
    int kinds = 0;
    for (int k = 0; k < TDM_SIM_TORN_KINDS; k++) {
        kinds += torn_kind[k] != 0;
        fprintf(stderr, "bench_store: torn %s: %" PRIu64 "\n", tdm_sim_torn_name((unsigned)k), torn_kind[k]);
    }
    printf("cuts %" PRIu64 " torn %" PRIu64 " double %" PRIu64 " failures %" PRIu64 "\n", sum.cuts, sum.torn,
           sum.seconds, sum.failures);
    printf("about campaign.store.torn_kinds goal >= 5 of %d | distinct torn outcomes the campaign exercised\n",
           TDM_SIM_TORN_KINDS);
    printf("metric campaign.store.torn_kinds %d kinds\n", kinds);
    printf("about campaign.store.cuts every op x (before, torn), 4 configs | first power cuts of the store campaign\n");
    printf("metric campaign.store.cuts %" PRIu64 " cuts\n", sum.cuts);
    printf("about campaign.store.double sample of 300 first cuts per config | second cuts inside recovery\n");
    printf("metric campaign.store.double %" PRIu64 " cuts\n", sum.seconds);
    printf("about campaign.store.failures goal 0 | invariant violations after any cut or double cut\n");
    printf("metric campaign.store.failures %" PRIu64 " failures\n", sum.failures);
    return sum.failures ? 1 : 0;
}
