/* The timeline picture of `tandem device svg --timeline LOG --out FILE.svg` (format in tools/svg.h): one
 * lane per core (app core, net core) and one for the NAND, the phases as bars on the device's simulated
 * clock, the chapters of the story as bands above, events (power cuts, drops) as dashed lines.
 * Owns: parsing the phase log and placing the bars. Never: measures anything (the log's writer does:
 * scripts/demo.sh takes the times from the device). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define MAX_ITEMS 256
#define WIDTH 1200
#define LEFT 110
#define RIGHT 30
#define BAND_Y 62
#define LANE_Y 100
#define LANE_H 34
#define LANE_GAP 14

enum item_type { BAR, SPAN, MARK };

struct item {
    enum item_type type;
    int lane; /* BAR: 0 app, 1 net, 2 nand */
    double t0, t1; /* seconds */
    char kind[16];
    char label[96];
};

struct kind_style {
    const char *kind, *fill, *meaning;
};

static const struct kind_style kinds[] = {
    {"fetch", "#4e79a7", "download into the store"},
    {"verify", "#9c755f", "verify / journal"},
    {"capture", "#bab0ac", "capture running set"},
    {"install", "#f28e2b", "write image"},
    {"trial", "#edc948", "trial: health check"},
    {"run", "#59a14f", "runs (confirmed)"},
    {"fail", "#e15759", "unhealthy / reset"},
    {"rollback", "#b07aa1", "rollback: rewrite old image"},
    {"recover", "#76b7b2", "recovery after a cut"},
    {"cut", "#000000", "power cut"},
};

static const char *const lane_names[] = {"app core", "net core", "NAND"};

static const char *fill_of(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!strcmp(kinds[i].kind, kind)) {
            return kinds[i].fill;
        }
    }
    return NULL;
}

static int lane_of(const char *s)
{
    return !strcmp(s, "app") ? 0 : !strcmp(s, "net") ? 1 : !strcmp(s, "nand") ? 2 : -1;
}

/* One line into *it; 0 ok, 1 blank/comment, -1 malformed. */
static int parse_line(char *line, struct item *it)
{
    line[strcspn(line, "\r\n")] = 0;
    char *p = line;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (!*p || *p == '#') {
        return 1;
    }
    char type[8] = "", a[24] = "", kind[16] = "";
    unsigned long long s0 = 0, s1 = 0;
    int used = 0;
    memset(it, 0, sizeof *it);
    if (sscanf(p, "%7s", type) != 1) {
        return -1;
    }
    if (!strcmp(type, "bar")) {
        if (sscanf(p, "bar %23s %llu %llu %15s %n", a, &s0, &s1, kind, &used) < 4 || lane_of(a) < 0 || !fill_of(kind)) {
            return -1;
        }
        it->type = BAR;
        it->lane = lane_of(a);
    } else if (!strcmp(type, "span")) {
        if (sscanf(p, "span %llu %llu %n", &s0, &s1, &used) < 2) {
            return -1;
        }
        it->type = SPAN;
    } else if (!strcmp(type, "mark")) {
        if (sscanf(p, "mark %llu %15s %n", &s0, kind, &used) < 2 || !fill_of(kind)) {
            return -1;
        }
        it->type = MARK;
        s1 = s0;
    } else {
        return -1;
    }
    if (s1 < s0 || !used) {
        return -1;
    }
    it->t0 = s0 / 1e9;
    it->t1 = s1 / 1e9;
    snprintf(it->kind, sizeof it->kind, "%s", kind);
    snprintf(it->label, sizeof it->label, "%s", p + used);
    return 0;
}

static double nice_step(double range)
{
    static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (range / steps[i] <= 14) {
            return steps[i];
        }
    }
    return 1200;
}

static void draw(FILE *f, const struct item *items, int n, double t0, double t1)
{
    double span = t1 > t0 ? t1 - t0 : 1.0, plot = WIDTH - LEFT - RIGHT;
#define X(t) (LEFT + ((t) - t0) / span * plot)
    double axis_y = LANE_Y + 3 * (LANE_H + LANE_GAP);
    tdm_svg_text(f, 20, 28, "start", 18, "bold", "#000000", "The update on the simulated clock");
    tdm_svg_textf(f, 20, 48, "start", 12, "#404040",
                  "device clock %.3f s .. %.3f s; the network's own time is not on the device clock (a fetch shows "
                  "its NAND work)", t0, t1);
    int band = 0;
    for (int i = 0; i < n; i++) {
        if (items[i].type == SPAN) {
            double x0 = X(items[i].t0), x1 = X(items[i].t1);
            tdm_svg_rect(f, x0, BAND_Y, x1 - x0 > 1 ? x1 - x0 : 1, axis_y - BAND_Y, band++ % 2 ? "#e8eef7" : "#f5f0e6",
                         1.0, NULL);
            tdm_svg_text(f, x0 + 3, BAND_Y + 14, "start", 11, "bold", "#303030", items[i].label);
        }
    }
    for (int l = 0; l < 3; l++) {
        double y = LANE_Y + l * (LANE_H + LANE_GAP);
        tdm_svg_text(f, LEFT - 10, y + LANE_H / 2.0 + 5, "end", 13, "bold", "#000000", lane_names[l]);
        tdm_svg_line(f, LEFT, y + LANE_H, WIDTH - RIGHT, y + LANE_H, "#c0c0c0", 1, 0);
    }
    for (int i = 0; i < n; i++) {
        const struct item *it = &items[i];
        if (it->type != BAR) {
            continue;
        }
        double y = LANE_Y + it->lane * (LANE_H + LANE_GAP), x0 = X(it->t0), w = X(it->t1) - x0;
        w = w < 3 ? 3 : w;
        tdm_svg_rect(f, x0, y + 2, w, LANE_H - 4, fill_of(it->kind), 1.0, "#303030");
        if (strlen(it->label) * 6.2 + 6 < w) {
            tdm_svg_text(f, x0 + w / 2, y + LANE_H / 2.0 + 4, "middle", 10, "normal", "#000000", it->label);
        } else if (!strcmp(it->kind, "fetch")) {
            /* a download is short on the device clock: name it under its lane */
            tdm_svg_text(f, x0 + w / 2, y + LANE_H + 11, "middle", 10, "normal", fill_of(it->kind), it->label);
        }
    }
    int row = 0;
    for (int i = 0; i < n; i++) {
        if (items[i].type == MARK) {
            double x = X(items[i].t0);
            tdm_svg_line(f, x, BAND_Y + 18, x, axis_y, fill_of(items[i].kind), 1.5, 1);
            int right = x > WIDTH - RIGHT - 160;
            tdm_svg_text(f, right ? x - 3 : x + 3, axis_y + 34 + 13 * (row++ % 3), right ? "end" : "start", 11,
                         "normal", fill_of(items[i].kind), items[i].label);
        }
    }
    tdm_svg_line(f, LEFT, axis_y, WIDTH - RIGHT, axis_y, "#000000", 1, 0);
    double step = nice_step(span);
    for (double t = ((long long)(t0 / step) + 1) * step; t <= t1; t += step) {
        tdm_svg_line(f, X(t), axis_y, X(t), axis_y + 5, "#000000", 1, 0);
        tdm_svg_textf(f, X(t), axis_y + 18, "middle", 11, "#000000", "%g s", t);
    }
    double ly = axis_y + 90;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        double lx = 20 + (k % 5) * 230;
        double yy = ly + (k / 5) * 22;
        tdm_svg_rect(f, lx, yy - 11, 14, 14, kinds[k].fill, 1.0, "#303030");
        tdm_svg_text(f, lx + 20, yy, "start", 12, "normal", "#000000", kinds[k].meaning);
    }
#undef X
}

int tdm_svg_timeline(const char *log, const char *out, char *why, size_t why_cap)
{
    static struct item items[MAX_ITEMS];
    FILE *in = fopen(log, "r");
    if (!in) {
        snprintf(why, why_cap, "--timeline: cannot read '%s'", log);
        return -1;
    }
    char line[512];
    int n = 0, bars = 0, lineno = 0;
    double t0 = 0, t1 = 0;
    while (fgets(line, sizeof line, in)) {
        lineno++;
        if (n == MAX_ITEMS) {
            fclose(in);
            snprintf(why, why_cap, "%s: more than %d items", log, MAX_ITEMS);
            return -1;
        }
        int r = parse_line(line, &items[n]);
        if (r < 0) {
            fclose(in);
            snprintf(why, why_cap, "%s:%d: not 'bar LANE START END KIND LABEL', 'span START END LABEL' or "
                     "'mark T KIND LABEL' (lanes app|net|nand, times in ns, a known kind)", log, lineno);
            return -1;
        }
        if (r == 0) {
            t0 = n == 0 || items[n].t0 < t0 ? items[n].t0 : t0;
            t1 = n == 0 || items[n].t1 > t1 ? items[n].t1 : t1;
            bars += items[n].type == BAR;
            n++;
        }
    }
    fclose(in);
    if (!bars) {
        snprintf(why, why_cap, "%s: no bar to draw", log);
        return -1;
    }
    FILE *f = tdm_svg_open(out, WIDTH, LANE_Y + 3 * (LANE_H + LANE_GAP) + 150);
    if (!f) {
        snprintf(why, why_cap, "--out: cannot write '%s'", out);
        return -1;
    }
    draw(f, items, n, t0, t1);
    if (tdm_svg_close(f) < 0) {
        snprintf(why, why_cap, "--out: cannot write '%s'", out);
        return -1;
    }
    return bars;
}
