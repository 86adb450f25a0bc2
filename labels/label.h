/* One asset label: layout (where the QR code and each line of text go, with
 * the checks that the code scans and the text fits) and drawing with cairo,
 * plus writers for a PDF of sheets and single PNG/SVG labels. Lengths are in
 * millimetres. Nothing here prints. */
#pragma once

#include <cairo.h>

#include "qr.h"
#include "sheet.h"

/* The smallest QR module we print: 4 dots at 300 dpi (0.34 mm). */
#define LABEL_MIN_MODULE_MM (4.0 * 25.4 / 300.0)
/* Dots per module at least, at the printer's resolution. */
#define LABEL_MIN_MODULE_DOTS 4
/* Quiet zone around the symbol, in modules (ISO/IEC 18004). */
#define LABEL_QUIET_MODULES 4

/* What a label says. Strings are borrowed. */
struct label_text {
        const char *tag;        /* printed large, always in full */
        const char *payload;    /* what the QR code holds (the tag or a URL) */
        const char *school;     /* printed, shortened with an ellipsis if long */
        const char *make_model; /* printed when it fits; NULL or "" for none */
};

/* The label stock and printer. */
struct label_spec {
        double width, height; /* the label, mm */
        double dpi;           /* printer resolution: modules are whole dots */
        double pad;           /* margin kept clear inside every edge, mm */
        enum qr_ecc ecc;
};

/* One line of text placed on a label. */
struct label_line {
        char *text;   /* as printed (maybe shortened), owned */
        double size;  /* font size, mm */
        double x, y;  /* start of the baseline, mm from the label's top left */
        double width; /* advance width, mm */
        bool bold;
};

/* A label laid out; see label_layout(). */
struct label_layout {
        double width, height;     /* the label, mm */
        struct qr *qr;            /* owned */
        double module;            /* module side, mm (whole printer dots) */
        double qr_x, qr_y;        /* the symbol's top-left corner (inside the quiet zone), mm */
        struct label_line lines[3];
        int n_lines;
};

/* The font the labels use (it has the glyphs for Welsh and most European
 * languages). */
#define LABEL_FONT "DejaVu Sans"

/* Lay out a label: the QR code as large as the label allows (module a whole
 * number of dots, at least LABEL_MIN_MODULE_MM and LABEL_MIN_MODULE_DOTS,
 * with the quiet zone inside the label), and beside it (below it on a tall
 * label) the tag in large bold type, the school's name, and make and model
 * when there is room. Text never enters the code's quiet zone or the
 * margin; long names end in an ellipsis cut on a character boundary.
 * Returns 0 and a new layout in *ret, or -E2BIG / -EINVAL with the reason
 * (naming the tag) when the code or the text cannot fit. */
int label_layout(const struct label_spec *spec, const struct label_text *t, struct label_layout **ret);
void label_layout_free(struct label_layout *l);
static inline void label_layout_freep(struct label_layout **l) { label_layout_free(*l); }
#define _cleanup_label_layout_ _cleanup_(label_layout_freep)

/* Draw a laid-out label with its top-left corner at (x, y) in the user space
 * of cr (which must be in millimetres). Draws black on whatever is there. */
void label_draw(cairo_t *cr, const struct label_layout *l, double x, double y);

/* Shorten text so that it is at most max_width wide at the font and size set
 * on cr: cut on a character boundary (never between a letter and its
 * combining accent), trailing spaces dropped, "…" appended. Returns a new
 * string (the text itself when it fits). */
char *label_ellipsize(cairo_t *cr, const char *text, double max_width);

/* Write n labels to a PDF of sheets: positions skip..skip+n-1 onwards, as
 * many pages as needed, everything shifted by (offset_x, offset_y) mm for
 * printers that feed off true. Refuses skip >= labels per sheet. The file
 * is written whole or not at all. Returns the number of pages. */
int label_write_pdf(const char *path, const struct sheet *s, double offset_x, double offset_y, int skip,
                    const struct label_text *items, size_t n, enum qr_ecc ecc);

/* One label as a PNG at spec->dpi, white background. */
int label_write_png(const char *path, const struct label_spec *spec, const struct label_text *t);
/* One label as SVG (size in mm in the file). */
int label_write_svg(const char *path, const struct label_spec *spec, const struct label_text *t);

/* Render one label into a 1-bit bitmap `width_px` x `height_px` at spec's
 * dpi (for label printers): row-major, rows of stride bytes, MSB first,
 * 1 = black. Returns 0 and the bitmap (caller frees) in *ret. */
int label_render_bitmap(const struct label_spec *spec, const struct label_text *t, int width_px, int height_px,
                        uint8_t **ret, int *ret_stride);

/* Drop cairo's and fontconfig's process-wide font caches. Call once at the
 * end, when no cairo object is alive (so leak checkers see a clean exit). */
void label_release_caches(void);
