/* Hand-written SVG (tools/svg.h). Owns: the SVG syntax and XML escaping. Never: decides what is drawn. */
#include "svg.h"

#include <stdarg.h>

FILE *tdm_svg_open(const char *path, int width, int height)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return NULL;
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
            width, height, width, height);
    tdm_svg_rect(f, 0, 0, width, height, "#ffffff", 1.0, NULL);
    return f;
}

int tdm_svg_close(FILE *f)
{
    fprintf(f, "</svg>\n");
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

void tdm_svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, double opacity,
                  const char *stroke)
{
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y, w, h, fill);
    if (opacity < 1.0) {
        fprintf(f, " fill-opacity=\"%.2f\"", opacity);
    }
    if (stroke) {
        fprintf(f, " stroke=\"%s\" stroke-width=\"1\"", stroke);
    }
    fprintf(f, "/>\n");
}

void tdm_svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke, double width,
                  int dashed)
{
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n", x1,
            y1, x2, y2, stroke, width, dashed ? " stroke-dasharray=\"4 3\"" : "");
}

void tdm_svg_text(FILE *f, double x, double y, const char *anchor, int size, const char *weight, const char *fill,
                  const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\">", x, y,
            anchor, size, weight, fill);
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*p, f); break;
        }
    }
    fprintf(f, "</text>\n");
}

void tdm_svg_textf(FILE *f, double x, double y, const char *anchor, int size, const char *fill, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    tdm_svg_text(f, x, y, anchor, size, "normal", fill, buf);
}
