/* The A4 page writer. See paper-internal.h. */
#include "core-internal.h"
#include "util.h"
#include "paper-internal.h"

#include <fontconfig/fontconfig.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.7 /* 20 mm */
#define MM 2.8346

/* cairo and fontconfig keep process-wide font caches; release them at exit
 * so leak checkers see a clean process (both are safe to call once all
 * surfaces are gone, which is so after main returns). */
static void paper_release_caches(void) {
        cairo_debug_reset_static_data();
        FcFini();
}

int paper_open(struct paper *p, const char *path, const char *title) {
        static bool registered;
        if (!registered) {
                atexit(paper_release_caches);
                registered = true;
        }
        *p = (struct paper) {0};
        p->surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
        if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
                int r = err_set(EIO, "cannot write '%s': %s", path, cairo_status_to_string(cairo_surface_status(p->surface)));
                cairo_surface_destroy(p->surface);
                p->surface = NULL;
                return r;
        }
        if (title) cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "assetctl");
        p->cr = cairo_create(p->surface);
        p->y = MARGIN;
        p->pages = 1;
        return 0;
}

static void font(struct paper *p, double size, bool bold) {
        cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(p->cr, size);
}

/* Move down by `h`, starting a new page when the line would not fit. */
static void advance(struct paper *p, double h) {
        if (p->y + h > PAGE_H - MARGIN) {
                cairo_show_page(p->cr);
                p->pages++;
                p->y = MARGIN;
        }
        p->y += h;
}

static void show_at(struct paper *p, double x, const char *s) {
        cairo_move_to(p->cr, x, p->y);
        cairo_show_text(p->cr, s);
}

void paper_heading(struct paper *p, const char *text, double size) {
        font(p, size, true);
        advance(p, size * 1.4);
        show_at(p, MARGIN, text);
        p->y += size * 0.3;
}

static double width_of(struct paper *p, const char *s) {
        cairo_text_extents_t e;
        cairo_text_extents(p->cr, s, &e);
        return e.x_advance;
}

/* Show text wrapped at spaces within [x, PAGE_W - MARGIN]. */
static void wrapped(struct paper *p, double x, const char *text, double size) {
        double maxw = PAGE_W - MARGIN - x;
        _cleanup_free_ char *buf = xstrdup(text);
        char *line = buf;
        while (*line) {
                char *end = line, *cut = NULL;
                for (;;) {
                        char *sp = strchr(end, ' ');
                        char save = 0;
                        char *stop = sp ? sp : end + strlen(end);
                        save = *stop;
                        *stop = 0;
                        bool fits = width_of(p, line) <= maxw;
                        *stop = save;
                        if (!fits && cut) break;
                        cut = stop;
                        if (!sp || !fits) break;
                        end = sp + 1;
                }
                char save = *cut;
                *cut = 0;
                advance(p, size * 1.35);
                show_at(p, x, line);
                *cut = save;
                line = *cut ? cut + 1 : cut;
        }
}

void paper_para(struct paper *p, const char *text) {
        font(p, 10.5, false);
        wrapped(p, MARGIN, text, 10.5);
        p->y += 4;
}

void paper_field(struct paper *p, const char *label, const char *value) {
        font(p, 10.5, true);
        advance(p, 10.5 * 1.45);
        show_at(p, MARGIN, label);
        /* a label wider than its column puts the value on the next line */
        bool fits = width_of(p, label) <= 40 * MM - 4;
        font(p, 10.5, false);
        if (fits) p->y -= 10.5 * 1.35;
        wrapped(p, MARGIN + 40 * MM, value && *value ? value : "-", 10.5);
}

void paper_row(struct paper *p, const char *const *cells, const double *x_mm, int n, bool bold) {
        font(p, 9.5, bold);
        advance(p, 9.5 * 1.4);
        for (int i = 0; i < n; i++) {
                if (!cells[i]) continue;
                /* clip long cells to the next column */
                double lim = i + 1 < n ? (x_mm[i + 1] - x_mm[i]) * MM - 4 : PAGE_W - MARGIN - (MARGIN + x_mm[i] * MM);
                _cleanup_free_ char *c = xstrdup(cells[i]);
                size_t len = strlen(c);
                while (len > 1 && width_of(p, c) > lim) {
                        do len--;
                        while (len > 1 && ((unsigned char) c[len] & 0xc0) == 0x80);
                        c[len] = 0;
                }
                show_at(p, MARGIN + x_mm[i] * MM, c);
        }
}

void paper_gap(struct paper *p, double pt) { advance(p, pt); }

void paper_signature(struct paper *p, const char *label) {
        font(p, 10.5, false);
        advance(p, 34);
        show_at(p, MARGIN, label);
        double x = MARGIN + 45 * MM;
        cairo_set_line_width(p->cr, 0.6);
        cairo_move_to(p->cr, x, p->y + 2);
        cairo_line_to(p->cr, x + 70 * MM, p->y + 2);
        show_at(p, x + 75 * MM, "Date");
        cairo_move_to(p->cr, x + 85 * MM, p->y + 2);
        cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + 2);
        cairo_stroke(p->cr);
}

int paper_close(struct paper *p, const char *path) {
        cairo_show_page(p->cr);
        cairo_status_t st = cairo_status(p->cr);
        cairo_destroy(p->cr);
        cairo_surface_finish(p->surface);
        if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(p->surface);
        cairo_surface_destroy(p->surface);
        p->cr = NULL;
        p->surface = NULL;
        if (st != CAIRO_STATUS_SUCCESS) return err_set(EIO, "cannot write '%s': %s", path, cairo_status_to_string(st));
        return 0;
}
