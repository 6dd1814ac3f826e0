/* Hand-written SVG for the pictures of `tandem device svg` (tools/device_svg.c, tools/svg_timeline.c).
 * Owns: the SVG text: the document frame, rectangles, lines, text with XML escaping. Never: layout
 * decisions (the callers place everything) or reading a device. Host-only. */
#ifndef TANDEM_TOOLS_SVG_H
#define TANDEM_TOOLS_SVG_H

#include <stddef.h>
#include <stdio.h>

/* Open `path` for writing and print the header of a width x height picture with a white background.
 * Returns the stream or NULL (errno says why). */
FILE *tdm_svg_open(const char *path, int width, int height);
/* Print the closing tag and close; returns 0 or -1 (a write failed). */
int tdm_svg_close(FILE *f);

/* A rectangle; `stroke` may be NULL (none); opacity in [0, 1] applies to the fill. */
void tdm_svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, double opacity,
                  const char *stroke);
void tdm_svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke, double width,
                  int dashed);
/* Text at (x, y) (baseline), `anchor` "start" | "middle" | "end", `size` in px, `weight` "normal" |
 * "bold"; the text is escaped (& < > "). */
void tdm_svg_text(FILE *f, double x, double y, const char *anchor, int size, const char *weight, const char *fill,
                  const char *text);
/* The same with printf formatting. */
void tdm_svg_textf(FILE *f, double x, double y, const char *anchor, int size, const char *fill, const char *fmt,
                   ...) __attribute__((format(printf, 7, 8)));

/* The timeline of tools/svg_timeline.c: read the phase log `log` and draw it into `out`. The log, one item
 * per line ('#' starts a comment; times in ns of the device's simulated clock):
 *   bar LANE START END KIND LABEL...   a phase of one lane (app | net | nand)
 *   span START END LABEL...            a chapter of the story (drawn as a band above the lanes)
 *   mark T KIND LABEL...               an event across all lanes (e.g. a power cut)
 * KIND picks the colour: fetch verify capture install trial run fail rollback recover cut.
 * Returns the number of bars drawn, or -1 with a one-line reason in `why`. */
int tdm_svg_timeline(const char *log, const char *out, char *why, size_t why_cap);

#endif
