/* `tandem device svg`: the pictures of the demo. --device DIR --map FILE.svg draws the NAND store of a
 * simulated device: every block of the store range as a cell, coloured by owner (slot A, slot B, system:
 * journal and bad-block table, free, bad), shaded by its erase count, with the slots' roles (installed,
 * candidate) in the legend. --timeline LOG --out FILE.svg draws a phase log (tools/svg_timeline.c).
 * Owns: option parsing and the store map. Never: changes the device (nothing is saved). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "svg.h"
#include "tandem/bootstate.h"
#include "tandem/err.h"

#define CMD "device svg"

#define COLS 16
#define CELL_W 58
#define CELL_H 46
#define LEFT 20
#define TOP 70

struct owner_style {
    const char *name, *fill;
};

static const struct owner_style styles[] = {
    [TDM_STORE_FREE] = {"free", "#bdbdbd"},
    [TDM_STORE_BAD] = {"bad", "#d62728"},
    [TDM_STORE_SYSTEM] = {"system", "#7f7f7f"},
    [TDM_STORE_OWN_A] = {"slot A", "#1f77b4"},
    [TDM_STORE_OWN_B] = {"slot B", "#2ca02c"},
};

static const char *slot_role(const struct tdm_store_info *in, const struct tdm_bootstate *st, unsigned slot,
                             char *buf, size_t cap)
{
    char v[32];
    const char *state = in->slot[slot].state == TDM_STORE_COMMITTED ? "committed"
                        : in->slot[slot].state == TDM_STORE_OPEN    ? "being written"
                                                                    : "empty";
    if (in->installed == slot) {
        snprintf(buf, cap, "installed set %s (%s, %u bytes)", tdm_version_str(&st->inst_version, v), state,
                 in->slot[slot].length);
    } else if (in->candidate == slot) {
        snprintf(buf, cap, "candidate set %s (%s, %u bytes)", tdm_version_str(&st->cand_version, v), state,
                 in->slot[slot].length);
    } else if (in->slot[slot].state == TDM_STORE_EMPTY) {
        snprintf(buf, cap, "no role (empty)");
    } else {
        snprintf(buf, cap, "no role (%s, %u bytes: an older package or capture, reusable)", state, in->slot[slot].length);
    }
    return buf;
}

static int is_in(const uint32_t two[2], uint32_t b)
{
    return two[0] == b || two[1] == b;
}

static void draw_cell(FILE *f, const struct tdm_sim_nand *chip, const struct tdm_store_info *in, uint32_t block,
                      int owner, uint32_t max_erase, unsigned k)
{
    double x = LEFT + (k % COLS) * CELL_W, y = TOP + (k / COLS) * CELL_H;
    uint32_t e = chip->erase_count[block];
    double shade = max_erase ? 0.25 + 0.75 * (double)e / max_erase : 0.25;
    const struct owner_style *s = &styles[owner >= 0 && owner <= TDM_STORE_OWN_B ? owner : TDM_STORE_FREE];
    tdm_svg_rect(f, x + 1, y + 1, CELL_W - 2, CELL_H - 2, s->fill, owner == TDM_STORE_BAD ? 1.0 : shade, "#404040");
    const char *ink = (shade > 0.6 && owner != TDM_STORE_FREE) || owner == TDM_STORE_BAD ? "#ffffff" : "#000000";
    tdm_svg_textf(f, x + 5, y + 15, "start", 11, ink, "%u", block);
    if (owner == TDM_STORE_BAD) {
        tdm_svg_line(f, x + 4, y + 4, x + CELL_W - 4, y + CELL_H - 4, "#ffffff", 2, 0);
        tdm_svg_line(f, x + CELL_W - 4, y + 4, x + 4, y + CELL_H - 4, "#ffffff", 2, 0);
        return;
    }
    const char *tag = is_in(in->journal_blocks, block) ? "journal" : is_in(in->bbt_blocks, block) ? "table" : "";
    if (owner == TDM_STORE_SYSTEM && tag[0]) {
        tdm_svg_text(f, x + CELL_W / 2.0, y + 29, "middle", 10, "normal", ink, tag);
    }
    tdm_svg_textf(f, x + CELL_W - 5, y + CELL_H - 6, "end", 10, ink, "e%u", e);
}

static int draw_map(struct tdm_sim_device *dev, const char *out)
{
    static struct tdm_nand nand;
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand_ops ops;
    struct tdm_store_info in;
    struct tdm_bootstate st;
    int err = tdm_sim_store_mount(dev, &nand, &ops, &store, page_buf);
    err = err < 0 ? err : tdm_store_info(&store, &in);
    err = err < 0 ? err : tdm_bootstate_load(&store, &st);
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: the NAND store cannot be read: %s", dev->dir, tdm_strerror(err));
    }
    const struct tdm_sim_nand *chip = &dev->nand;
    uint32_t max_erase = 0, chip_bad = 0;
    for (uint32_t b = 0; b < in.block_count; b++) {
        uint32_t e = chip->erase_count[in.first_block + b];
        max_erase = e > max_erase ? e : max_erase;
    }
    for (uint32_t b = 0; b < chip->geo.blocks; b++) {
        chip_bad += tdm_sim_nand_marker_bad(chip, b) || (chip->block_flags[b] & TDM_SIM_BLOCK_WEAK);
    }
    unsigned rows = (in.block_count + COLS - 1) / COLS;
    int width = LEFT * 2 + COLS * CELL_W, height = TOP + rows * CELL_H + 190;
    FILE *f = tdm_svg_open(out, width, height);
    if (!f) {
        return tdm_cli_fail(CMD, "--map: cannot write '%s'", out);
    }
    double mib = (double)in.block_count * chip->geo.pages_per_block * chip->geo.page_size / (1024.0 * 1024.0);
    tdm_svg_textf(f, LEFT, 26, "start", 18, "#000000", "NAND store of %s: %s blocks %u..%u (%u of %u blocks, %.0f MiB)",
                  strrchr(dev->dir, '/') ? strrchr(dev->dir, '/') + 1 : dev->dir, chip->part->name, in.first_block, in.first_block + in.block_count - 1, in.block_count,
                  chip->geo.blocks, mib);
    tdm_svg_textf(f, LEFT, 50, "start", 12, "#404040",
                  "one cell per block: number, erase count (eN); shade = erase count (darkest = %u erases)", max_erase);
    unsigned counts[5] = {0};
    for (uint32_t b = 0; b < in.block_count; b++) {
        int owner = tdm_store_block_owner(&store, in.first_block + b);
        counts[owner >= 0 && owner <= TDM_STORE_OWN_B ? owner : 0]++;
        draw_cell(f, chip, &in, in.first_block + b, owner, max_erase, b);
    }
    double y = TOP + rows * CELL_H + 28;
    char role[160];
    static const int order[] = {TDM_STORE_OWN_A, TDM_STORE_OWN_B, TDM_STORE_SYSTEM, TDM_STORE_FREE, TDM_STORE_BAD};
    for (unsigned i = 0; i < 5; i++) {
        int o = order[i];
        tdm_svg_rect(f, LEFT, y - 12, 16, 16, styles[o].fill, 1.0, "#404040");
        const char *what = o == TDM_STORE_OWN_A   ? slot_role(&in, &st, 0, role, sizeof role)
                           : o == TDM_STORE_OWN_B ? slot_role(&in, &st, 1, role, sizeof role)
                           : o == TDM_STORE_SYSTEM ? "journal (state records) and bad-block table, two copies each"
                           : o == TDM_STORE_FREE   ? "free (erased or reusable)"
                                                   : "bad (factory-marked or grown), never used";
        tdm_svg_textf(f, LEFT + 24, y + 1, "start", 13, "#000000", "%s: %u block%s, %s", styles[o].name, counts[o],
                      counts[o] == 1 ? "" : "s", what);
        y += 24;
    }
    char v[32];
    tdm_svg_textf(f, LEFT, y + 8, "start", 12, "#404040",
                  "whole chip: %u bad blocks (%u in the store); blocks outside the store stay free for product data; "
                  "boot state: installed set %s", chip_bad, in.bad, tdm_version_str(&st.inst_version, v));
    if (tdm_svg_close(f) < 0) {
        return tdm_cli_fail(CMD, "--map: cannot write '%s'", out);
    }
    printf("wrote %s: NAND store map, %u blocks (A %u, B %u, system %u, free %u, bad %u), most erased %u times\n",
           out, in.block_count, counts[TDM_STORE_OWN_A], counts[TDM_STORE_OWN_B], counts[TDM_STORE_SYSTEM],
           counts[TDM_STORE_FREE], counts[TDM_STORE_BAD], max_erase);
    return 0;
}

int tdm_device_svg(int argc, char **argv)
{
    const char *dir = NULL, *map = NULL, *timeline = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        int has = i + 1 < argc;
        if (!strcmp(argv[i], "--device") && has) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--map") && has) {
            map = argv[++i];
        } else if (!strcmp(argv[i], "--timeline") && has) {
            timeline = argv[++i];
        } else if (!strcmp(argv[i], "--out") && has) {
            out = argv[++i];
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device svg --help)", argv[i]);
        }
    }
    if (!map && !timeline) {
        return tdm_cli_fail(CMD, "nothing to draw: give --device DIR --map FILE.svg or --timeline LOG --out FILE.svg");
    }
    if (map && !dir) {
        return tdm_cli_fail(CMD, "--map needs --device DIR");
    }
    if (timeline && !out) {
        return tdm_cli_fail(CMD, "--timeline needs --out FILE.svg");
    }
    if (timeline) {
        char why[300];
        int n = tdm_svg_timeline(timeline, out, why, sizeof why);
        if (n < 0) {
            return tdm_cli_fail(CMD, "%s", why);
        }
        printf("wrote %s: timeline of %d phases on the simulated clock\n", out, n);
    }
    if (map) {
        static struct tdm_sim_device dev;
        if (tdm_device_open_cli(CMD, dir, &dev)) {
            return 2;
        }
        int rc = draw_map(&dev, map);
        tdm_sim_device_close(&dev);
        return rc;
    }
    return 0;
}
