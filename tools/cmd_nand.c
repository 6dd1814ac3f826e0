/* `tandem nand create|info|scan|exercise FILE`, `tandem nand parts`: the simulated SPI NAND chip from the command line.
 * Owns: option parsing and printing for the chip. Never: changes a chip it was only asked to inspect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "nand_sim.h"
#include "rng.h"
#include "tandem/err.h"
#include "tandem/nand.h"
#include "tandem/spinand.h"

static void nand_usage(FILE *out)
{
    fprintf(out, "usage: tandem nand create FILE [--part NAME] [--bad-blocks N] [--seed S]\n"
                 "       tandem nand info FILE [--json]\n"
                 "       tandem nand scan FILE\n"
                 "       tandem nand exercise FILE [--mib N] [--seed S]   write, read back and check N MiB\n"
                 "       tandem nand parts   the SPI-NAND driver's parts: ID, geometry, tag bytes, timings, sources\n"
                 "parts:");
    for (unsigned i = 0; tdm_sim_part_at(i); i++) {
        fprintf(out, " %s%s", tdm_sim_part_at(i)->name, i == 0 ? " (default)" : "");
    }
    fprintf(out, "\n");
}

static int nand_create(int argc, char **argv)
{
    const char *file = NULL, *part_name = "W25N01GV";
    uint64_t bad = 0, seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--part") && i + 1 < argc) {
            part_name = argv[++i];
        } else if (!strcmp(argv[i], "--bad-blocks") && i + 1 < argc) {
            if (tdm_cli_number(argv[++i], 0, 1024, &bad) < 0) {
                return tdm_cli_fail("nand create", "--bad-blocks: not a number from 0 to 1024: '%s'", argv[i]);
            }
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if (tdm_cli_number(argv[++i], 0, UINT64_MAX, &seed) < 0) {
                return tdm_cli_fail("nand create", "--seed: not a number: '%s'", argv[i]);
            }
        } else if (argv[i][0] == '-' || file) {
            return tdm_cli_fail("nand create", "unexpected argument '%s'", argv[i]);
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        return tdm_cli_fail("nand create", "missing FILE");
    }
    const struct tdm_sim_part *part = tdm_sim_part_find(part_name);
    if (!part) {
        return tdm_cli_fail("nand create", "--part: unknown part '%s' (see tandem nand --help)", part_name);
    }
    if (bad > part->geo.max_bad_blocks) {
        return tdm_cli_fail("nand create", "--bad-blocks: %s allows at most %u factory bad blocks", part->name,
                            part->geo.max_bad_blocks);
    }
    struct tdm_sim_nand chip;
    int err = tdm_sim_nand_create(&chip, part, (uint32_t)bad, seed);
    if (err < 0) {
        return tdm_cli_fail("nand create", "%s", tdm_strerror(err));
    }
    err = tdm_sim_nand_save(&chip, file);
    tdm_sim_nand_destroy(&chip);
    if (err < 0) {
        return tdm_cli_fail("nand create", "cannot write '%s'", file);
    }
    printf("created %s: %s, %u blocks x %u pages x (%u + %u) bytes, %u factory bad blocks (seed %llu)\n", file,
           part->name, part->geo.blocks, part->geo.pages_per_block, part->geo.page_size, part->geo.oob_size,
           (unsigned)bad, (unsigned long long)seed);
    return 0;
}

static int load_chip(const char *cmd, const char *file, struct tdm_sim_nand *chip)
{
    int err = tdm_sim_nand_load(chip, file);
    if (err == TDM_E_SIM_PART) {
        return tdm_cli_fail(cmd, "'%s' names a NAND part this build does not know", file);
    }
    if (err < 0) {
        return tdm_cli_fail(cmd, "'%s' is missing, truncated or not a tandem NAND chip", file);
    }
    return 0;
}

static int nand_info(int argc, char **argv)
{
    const char *file = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (argv[i][0] == '-' || file) {
            return tdm_cli_fail("nand info", "unexpected argument '%s'", argv[i]);
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        return tdm_cli_fail("nand info", "missing FILE");
    }
    struct tdm_sim_nand chip;
    if (load_chip("nand info", file, &chip)) {
        return 2;
    }
    const struct tdm_nand_geometry *g = &chip.geo;
    uint32_t nbad = 0, wmax = 0;
    uint64_t wsum = 0;
    for (uint32_t b = 0; b < g->blocks; b++) {
        nbad += tdm_sim_nand_marker_bad(&chip, b);
        wsum += chip.erase_count[b];
        wmax = chip.erase_count[b] > wmax ? chip.erase_count[b] : wmax;
    }
    const struct tdm_sim_stats *s = &chip.stats;
    if (json) {
        printf("{\"part\":\"%s\",\"page_size\":%u,\"oob_size\":%u,\"pages_per_block\":%u,\"blocks\":%u,"
               "\"nop\":%u,\"ecc_bits\":%u,\"spi_hz\":%u,\"bus_width\":%u,\"bad_blocks\":[",
               chip.part->name, g->page_size, g->oob_size, g->pages_per_block, g->blocks, g->nop, g->ecc_bits,
               chip.spi_hz, chip.bus_width);
        for (uint32_t b = 0, n = 0; b < g->blocks; b++) {
            if (tdm_sim_nand_marker_bad(&chip, b)) {
                printf("%s%u", n++ ? "," : "", b);
            }
        }
        printf("],\"bad_block_count\":%u,\"wear\":{\"erases_total\":%llu,\"erases_max\":%u,\"endurance\":%u},"
               "\"ops\":{\"reads\":%llu,\"programs\":%llu,\"erases\":%llu,\"read_bytes\":%llu,"
               "\"program_bytes\":%llu,\"ecc_corrected\":%llu,\"ecc_uncorrectable\":%llu,\"program_fails\":%llu,"
               "\"erase_fails\":%llu,\"rule_violations\":%llu},\"sim_time_ns\":%llu}\n",
               nbad, (unsigned long long)wsum, wmax, chip.part->endurance, (unsigned long long)s->reads,
               (unsigned long long)s->programs, (unsigned long long)s->erases, (unsigned long long)s->read_bytes,
               (unsigned long long)s->program_bytes, (unsigned long long)s->ecc_corrected,
               (unsigned long long)s->ecc_uncorrectable, (unsigned long long)s->program_fails,
               (unsigned long long)s->erase_fails, (unsigned long long)s->rule_violations,
               (unsigned long long)s->time_ns);
    } else {
        printf("part          %s (%s)\n", chip.part->name, chip.part->source);
        printf("geometry      %u blocks x %u pages x (%u + %u) bytes, NOP %u, ECC %u bit/%u B\n", g->blocks,
               g->pages_per_block, g->page_size, g->oob_size, g->nop, g->ecc_bits, g->ecc_sector);
        printf("bus           %.0f MHz, %s\n", chip.spi_hz / 1e6, chip.bus_width == 4 ? "quad" : "single");
        printf("bad blocks    %u:", nbad);
        for (uint32_t b = 0; b < g->blocks; b++) {
            if (tdm_sim_nand_marker_bad(&chip, b)) {
                printf(" %u", b);
            }
        }
        printf("\nwear          %llu erases in all, most-erased block %u of %u cycles\n", (unsigned long long)wsum,
               wmax, chip.part->endurance);
        printf("operations    %llu reads (%llu B), %llu programs (%llu B), %llu erases\n",
               (unsigned long long)s->reads, (unsigned long long)s->read_bytes, (unsigned long long)s->programs,
               (unsigned long long)s->program_bytes, (unsigned long long)s->erases);
        printf("faults        %llu ECC corrected, %llu uncorrectable, %llu program fails, %llu erase fails, "
               "%llu rule violations\n",
               (unsigned long long)s->ecc_corrected, (unsigned long long)s->ecc_uncorrectable,
               (unsigned long long)s->program_fails, (unsigned long long)s->erase_fails,
               (unsigned long long)s->rule_violations);
        printf("sim time      %.3f ms\n", s->time_ns / 1e6);
    }
    tdm_sim_nand_destroy(&chip);
    return 0;
}

static int nand_scan(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        return tdm_cli_fail("nand scan", "expected exactly one FILE");
    }
    struct tdm_sim_nand chip;
    if (load_chip("nand scan", argv[1], &chip)) {
        return 2;
    }
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&chip);
    struct tdm_nand nand;
    uint8_t bitmap[(1024 + 7) / 8 * 4];
    int err = tdm_nand_init(&nand, &ops);
    if (err >= 0 && (nand.geo.blocks + 7) / 8 > sizeof bitmap) {
        err = TDM_E_NAND_GEOMETRY;
    }
    int bad = err < 0 ? err : tdm_nand_scan(&nand, 0, nand.geo.blocks, bitmap);
    if (bad < 0) {
        tdm_sim_nand_destroy(&chip);
        return tdm_cli_fail("nand scan", "%s", tdm_strerror(bad));
    }
    printf("%d factory bad blocks:", bad);
    for (uint32_t b = 0; b < nand.geo.blocks; b++) {
        if (bitmap[b / 8] & (1u << (b % 8))) {
            printf(" %u", b);
        }
    }
    printf("\nscan cost %llu page reads, %.3f ms simulated\n", (unsigned long long)chip.stats.reads,
           chip.stats.time_ns / 1e6);
    /* A scan only reads: the chip file is not rewritten. */
    tdm_sim_nand_destroy(&chip);
    return 0;
}

/* Write `mib` MiB of seeded data through the driver layer into the good blocks (scanned first), read
 * it back, compare, and report the cost against the datasheet limit. The chip file is updated. */
static int nand_exercise(int argc, char **argv)
{
    const char *file = NULL;
    uint64_t mib = 4, seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
            if (tdm_cli_number(argv[++i], 1, 100, &mib) < 0) {
                return tdm_cli_fail("nand exercise", "--mib: not a number from 1 to 100: '%s'", argv[i]);
            }
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if (tdm_cli_number(argv[++i], 0, UINT64_MAX, &seed) < 0) {
                return tdm_cli_fail("nand exercise", "--seed: not a number: '%s'", argv[i]);
            }
        } else if (argv[i][0] == '-' || file) {
            return tdm_cli_fail("nand exercise", "unexpected argument '%s'", argv[i]);
        } else {
            file = argv[i];
        }
    }
    struct tdm_sim_nand chip;
    if (!file) {
        return tdm_cli_fail("nand exercise", "missing FILE");
    }
    if (load_chip("nand exercise", file, &chip)) {
        return 2;
    }
    struct tdm_nand_ops ops = tdm_sim_nand_ops(&chip);
    struct tdm_nand nand;
    static uint8_t bitmap[1024], page[TDM_NAND_MAX_PAGE], back[TDM_NAND_MAX_PAGE];
    int err = tdm_nand_init(&nand, &ops);
    err = err < 0 ? err : tdm_nand_scan(&nand, 0, nand.geo.blocks, bitmap);
    uint32_t ps = nand.geo.page_size, ppb = nand.geo.pages_per_block;
    uint32_t pages = (uint32_t)(mib << 20) / ps, done = 0, blocks_used = 0;
    uint64_t t0 = chip.dom->clock_ns, prog_ns = 0, read_ns = 0;
    for (uint32_t b = 0; err >= 0 && b < nand.geo.blocks && done < pages; b++) {
        if (bitmap[b / 8] & (1u << (b % 8))) {
            continue; /* factory bad: never erased, never used */
        }
        err = tdm_nand_erase(&nand, b);
        for (uint32_t p = 0; err >= 0 && p < ppb && done + p < pages; p++) {
            uint64_t st = seed * 0x9E3779B97F4A7C15ull + done + p;
            tdm_rng_fill(&st, page, ps);
            uint64_t tp = chip.dom->clock_ns;
            err = tdm_nand_program(&nand, tdm_nand_row(&nand, b, p), 0, page, ps);
            prog_ns += chip.dom->clock_ns - tp;
        }
        for (uint32_t p = 0; err >= 0 && p < ppb && done < pages; p++, done++) {
            uint64_t st = seed * 0x9E3779B97F4A7C15ull + done;
            tdm_rng_fill(&st, page, ps);
            uint64_t tr = chip.dom->clock_ns;
            err = tdm_nand_read(&nand, tdm_nand_row(&nand, b, p), 0, back, ps);
            read_ns += chip.dom->clock_ns - tr;
            if (err >= 0 && memcmp(page, back, ps) != 0) {
                err = TDM_E_CORRUPT;
            }
        }
        blocks_used++;
    }
    if (err >= 0 && done < pages) {
        err = TDM_E_RANGE;
    }
    if (err < 0) {
        tdm_sim_nand_destroy(&chip);
        return tdm_cli_fail("nand exercise", "%s", tdm_strerror(err));
    }
    uint64_t limit = tdm_sim_nand_program_limit_ns(&chip, (uint64_t)pages * ps);
    printf("wrote and read back %llu MiB in %u good blocks: all %u pages match\n", (unsigned long long)mib,
           blocks_used, pages);
    printf("simulated time %.1f ms in all: program %.1f ms (datasheet limit %.1f ms, ratio %.3f), read %.1f ms\n",
           (chip.dom->clock_ns - t0) / 1e6, prog_ns / 1e6, limit / 1e6, (double)prog_ns / (double)limit,
           read_ns / 1e6);
    err = tdm_sim_nand_save(&chip, file);
    tdm_sim_nand_destroy(&chip);
    return err < 0 ? tdm_cli_fail("nand exercise", "cannot write '%s'", file) : 0;
}

/* The driver's part table (nand/spinand_parts.c), each figure with where it comes from. */
static int nand_parts(int argc, char **argv)
{
    if (argc > 1) {
        return tdm_cli_fail("nand parts", "unexpected argument '%s'", argv[1]);
    }
    const struct tdm_spinand_part *p;
    for (unsigned i = 0; (p = tdm_spinand_part_at(i)) != NULL; i++) {
        printf("%s: ID", p->name);
        for (unsigned k = 0; k < p->id_len; k++) {
            printf(" %02X", p->id[k]);
        }
        printf(", %u blocks x %u pages x (%u + %u) bytes, tag %u bytes (%u ECC-protected) at spare",
               p->geo.blocks, p->geo.pages_per_block, p->geo.page_size, p->geo.oob_size, p->geo.tag_size,
               p->geo.tag_ecc);
        for (unsigned k = 0; k < p->n_spans; k++) {
            printf("%s%u-%u", k ? ", " : " ", p->tag[k].off, p->tag[k].off + p->tag[k].len - 1);
        }
        printf("; tR %u us, tPROG %u us, tBERS %u us (typical)\n  source: %s\n", p->t_read_ns / 1000,
               p->t_prog_ns / 1000, p->t_erase_ns / 1000, tdm_spinand_part_source(i));
    }
    return 0;
}

int tdm_cmd_nand(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        nand_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "create")) {
        return nand_create(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "info")) {
        return nand_info(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "scan")) {
        return nand_scan(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "exercise")) {
        return nand_exercise(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "parts")) {
        return nand_parts(argc - 1, argv + 1);
    }
    return tdm_cli_fail("nand", "unknown subcommand '%s' (create, info, scan, exercise, parts)", argv[1]);
}
