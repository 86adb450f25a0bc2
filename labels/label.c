/* Label layout and rendering; see label.h. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <sys/stat.h>

#include "label.h"

/* Font sizes (mm, the em square): the tag is never smaller than 1.8 mm
 * (about 5 pt, still legible), nor larger than 8 mm; the small lines sit
 * between 1.5 and 3.5 mm. */
#define TAG_MIN 1.8
#define TAG_MAX 8.0
#define SMALL_MIN 1.5
#define SMALL_MAX 3.5

void label_layout_free(struct label_layout *l) {
        if (!l) return;
        qr_free(l->qr);
        for (int i = 0; i < l->n_lines; i++) free(l->lines[i].text);
        free(l);
}

/* Unhinted metrics, so that widths measured on one surface hold on every
 * other (PDF, PNG, SVG) and scale linearly with the font size. */
static void set_font_options(cairo_t *cr) {
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_set_font_options(cr, fo);
        cairo_font_options_destroy(fo);
}

static void set_font(cairo_t *cr, double size, bool bold) {
        cairo_select_font_face(cr, LABEL_FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, size);
}

/* Ink extent of text from the pen position: how far it reaches left of the
 * pen (*ret_left, >= 0) and the whole width from that point. */
static double text_width(cairo_t *cr, const char *s, double *ret_left) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, s, &e);
        double left = e.x_bearing < 0 ? -e.x_bearing : 0;
        double right = fmax(e.x_advance, e.x_bearing + e.width);
        if (ret_left) *ret_left = left;
        return left + right;
}

/* A measuring context: a tiny image surface with the label font options. */
static cairo_t *measure_context(void) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
        cairo_t *cr = cairo_create(s);
        cairo_surface_destroy(s);
        set_font_options(cr);
        return cr;
}
static inline void cairo_destroyp(cairo_t **cr) { if (*cr) cairo_destroy(*cr); }

/* Combining marks that belong to the character before them. */
static bool is_combining(uint32_t c) {
        return (c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
               (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200d || (c >= 0xfe00 && c <= 0xfe0f);
}

/* Decode the UTF-8 character at s (valid UTF-8 assumed); its length in *len. */
static uint32_t utf8_char(const unsigned char *s, size_t *len) {
        if (s[0] < 0x80) { *len = 1; return s[0]; }
        if ((s[0] & 0xe0) == 0xc0) { *len = 2; return ((uint32_t) (s[0] & 0x1f) << 6) | (s[1] & 0x3f); }
        if ((s[0] & 0xf0) == 0xe0) { *len = 3; return ((uint32_t) (s[0] & 0x0f) << 12) | ((uint32_t) (s[1] & 0x3f) << 6) | (s[2] & 0x3f); }
        *len = 4;
        return ((uint32_t) (s[0] & 0x07) << 18) | ((uint32_t) (s[1] & 0x3f) << 12) | ((uint32_t) (s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

char *label_ellipsize(cairo_t *cr, const char *text, double max_width) {
        if (text_width(cr, text, NULL) <= max_width) return xstrdup(text);
        /* the places where a cut may fall: before each character that is not
         * a combining mark; binary search for the longest prefix that fits */
        size_t n = strlen(text), nb = 0;
        size_t *cuts = xmalloc(sizeof *cuts * (n + 1));
        for (size_t i = 0; i < n;) {
                size_t len;
                uint32_t c = utf8_char((const unsigned char *) text + i, &len);
                if (i > 0 && !is_combining(c)) cuts[nb++] = i;
                i += len;
        }
        char *best = xstrdup("\xe2\x80\xa6");
        size_t lo = 0, hi = nb; /* try cuts[lo..hi-1] */
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                size_t end = cuts[mid];
                while (end > 0 && text[end - 1] == ' ') end--;
                char *cand = xasprintf("%.*s\xe2\x80\xa6", (int) end, text);
                if (end > 0 && text_width(cr, cand, NULL) <= max_width) {
                        free(best);
                        best = cand;
                        lo = mid + 1;
                } else {
                        free(cand);
                        hi = mid;
                }
        }
        free(cuts);
        return best;
}

int label_layout(const struct label_spec *spec, const struct label_text *t, struct label_layout **ret) {
        _cleanup_label_layout_ struct label_layout *l = xcalloc(1, sizeof *l);
        _cleanup_(cairo_destroyp) cairo_t *cr = NULL;

        if (isempty(t->tag) || isempty(t->payload)) return err_set(EINVAL, "a label needs a tag");
        if (spec->dpi < 72 || spec->dpi > 4800) return err_set(EINVAL, "cannot lay out labels at %g dpi", spec->dpi);
        int r = qr_encode(t->payload, spec->ecc, &l->qr);
        if (r < 0) return err_prefix(r, "cannot make the label for '%s'", t->tag);

        const double w = spec->width, h = spec->height, pad = spec->pad, dot = 25.4 / spec->dpi;
        l->width = w;
        l->height = h;
        /* text beside the code on a wide label, below it on a tall one */
        bool side = w >= h * 1.25;
        double box = side ? fmin(h - 2 * pad, (w - 2 * pad) * 0.55) : fmin(w - 2 * pad, (h - 2 * pad) * 0.62);
        int total = l->qr->width + 2 * LABEL_QUIET_MODULES;
        double want = box / total;
        int k = (int) floor(want / dot + 1e-9);
        l->module = k * dot;
        if (box <= 0 || k < LABEL_MIN_MODULE_DOTS || l->module < LABEL_MIN_MODULE_MM - 1e-9)
                return err_set(E2BIG, "cannot fit the QR code for '%s' on a %.2f x %.2f mm label: its %d modules "
                               "(%d and the quiet zone) would be %.2f mm each, under the %.2f mm minimum "
                               "(%d dots at 300 dpi); use larger labels, a shorter URL or a lower --ecc",
                               t->tag, w, h, total, l->qr->width, fmax(want, 0), LABEL_MIN_MODULE_MM, LABEL_MIN_MODULE_DOTS);
        double q = total * l->module; /* the code with its quiet zone */
        double qx, qy, tx0, tx1, ty0, ty1;
        if (side) {
                qx = round(pad / dot) * dot;
                qy = round((h - q) / 2 / dot) * dot;
                tx0 = qx + q, tx1 = w - pad, ty0 = pad, ty1 = h - pad;
        } else {
                qx = round((w - q) / 2 / dot) * dot;
                qy = round(pad / dot) * dot;
                tx0 = pad, tx1 = w - pad, ty0 = qy + q, ty1 = h - pad;
        }
        l->qr_x = qx + LABEL_QUIET_MODULES * l->module;
        l->qr_y = qy + LABEL_QUIET_MODULES * l->module;
        double tw = tx1 - tx0, th = ty1 - ty0;

        cr = measure_context();
        /* sizes scale linearly: measure at 1 mm */
        set_font(cr, 1, true);
        cairo_font_extents_t fb, fr;
        cairo_font_extents(cr, &fb);
        double tag_w1 = text_width(cr, t->tag, NULL);
        set_font(cr, 1, false);
        cairo_font_extents(cr, &fr);
        double tag_lh = fb.ascent + fb.descent, small_lh = fr.ascent + fr.descent;

        double tag = fmin(fmin(TAG_MAX, tw / tag_w1), th * 0.45 / tag_lh);
        double small = fmax(SMALL_MIN, fmin(SMALL_MAX, tag * 0.5));
        bool school = !isempty(t->school), mm = !isempty(t->make_model);
        /* the block's height: tag, school, make and model, gaps of 15% */
#define BLOCK(tg, sm, nsm) ((tg) * tag_lh + (nsm) * (sm) * (small_lh + 0.15))
        int nsmall = school + mm;
        if (mm && BLOCK(tag, small, nsmall) > th) mm = false, nsmall--;
        if (BLOCK(tag, small, nsmall) > th) {
                small = SMALL_MIN;
                tag = fmin(tag, (th - nsmall * small * (small_lh + 0.15)) / tag_lh);
        }
        if (tag < TAG_MIN || tw <= 0)
                return err_set(E2BIG, "cannot fit the text for '%s' on a %.2f x %.2f mm label: %.1f x %.1f mm is left beside the "
                               "QR code; use larger labels", t->tag, w, h, fmax(tw, 0), fmax(th, 0));
#undef BLOCK

        double y = ty0 + (th - (tag * tag_lh + nsmall * small * (small_lh + 0.15))) / 2;
        struct { const char *text; double size; bool bold; } want_lines[3] = {
                {t->tag, tag, true}, {school ? t->school : NULL, small, false}, {mm ? t->make_model : NULL, small, false},
        };
        for (int i = 0; i < 3; i++) {
                if (!want_lines[i].text) continue;
                struct label_line *ln = &l->lines[l->n_lines++];
                set_font(cr, want_lines[i].size, want_lines[i].bold);
                ln->text = i == 0 ? xstrdup(t->tag) : label_ellipsize(cr, want_lines[i].text, tw);
                if (i > 0 && streq(ln->text, "\xe2\x80\xa6"))
                        return err_set(E2BIG, "cannot fit the text for '%s': no room for '%s'", t->tag, want_lines[i].text);
                double left;
                ln->width = text_width(cr, ln->text, &left);
                ln->size = want_lines[i].size;
                ln->bold = want_lines[i].bold;
                const cairo_font_extents_t *fe = i == 0 ? &fb : &fr;
                if (i > 0) y += 0.15 * ln->size;
                ln->y = y + fe->ascent * ln->size;
                y += (fe->ascent + fe->descent) * ln->size;
                ln->x = (side ? tx0 : tx0 + (tw - ln->width) / 2) + left;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

void label_draw(cairo_t *cr, const struct label_layout *l, double x, double y) {
        cairo_save(cr);
        cairo_translate(cr, x, y);
        set_font_options(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        qr_draw_cairo(cr, l->qr, l->qr_x, l->qr_y, l->module);
        for (int i = 0; i < l->n_lines; i++) {
                const struct label_line *ln = &l->lines[i];
                set_font(cr, ln->size, ln->bold);
                cairo_move_to(cr, ln->x, ln->y);
                cairo_show_text(cr, ln->text);
        }
        cairo_new_path(cr);
        cairo_restore(cr);
}

/* cairo writes through this into a FILE. */
static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int length) {
        return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* An output file written to a temporary name and renamed when complete. */
struct outfile {
        char *path, *tmp;
        FILE *f;
};

static int outfile_open(struct outfile *o, const char *path) {
        o->path = xstrdup(path);
        o->tmp = xasprintf("%s.tmpXXXXXX", path);
        int fd = mkstemp(o->tmp);
        if (fd < 0) {
                int e = errno;
                free(o->path);
                free(o->tmp);
                return err_set(e, "cannot create '%s': %s", path, strerror(e));
        }
        fchmod(fd, 0644);
        o->f = fdopen(fd, "wb");
        return 0;
}

/* Finish: on success (ok) flush and rename, else remove the temporary. */
static int outfile_close(struct outfile *o, bool ok) {
        int r = 0;
        if (ok && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) < 0)) {
                r = err_set(errno ? errno : EIO, "cannot write '%s': %s", o->path, strerror(errno ? errno : EIO));
                ok = false;
        }
        fclose(o->f);
        if (ok && rename(o->tmp, o->path) < 0) {
                r = err_set(errno, "cannot write '%s': %s", o->path, strerror(errno));
                ok = false;
        }
        if (!ok) unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        return r;
}

static int cairo_failed(cairo_status_t st, const char *path) {
        return err_set(st == CAIRO_STATUS_NO_MEMORY ? ENOMEM : EIO, "cannot write '%s': %s", path, cairo_status_to_string(st));
}

/* Sheets are printed on office printers: keep 1.5 mm clear at each edge. */
#define SHEET_PAD 1.5
#define SHEET_DPI 300

int label_write_pdf(const char *path, const struct sheet *s, double offset_x, double offset_y, int skip,
                    const struct label_text *items, size_t n, enum qr_ecc ecc) {
        if (skip < 0 || skip >= sheet_count(s))
                return err_set(EINVAL, "cannot skip %d labels: a %s sheet has %d", skip, s->name, sheet_count(s));
        if (n == 0) return err_set(EINVAL, "no labels to print");
        struct label_spec spec = {.width = s->label_width, .height = s->label_height, .dpi = SHEET_DPI, .pad = SHEET_PAD, .ecc = ecc};
        struct outfile o;
        int r = outfile_open(&o, path);
        if (r < 0) return r;
        cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_stream, o.f, s->page_width * 72 / 25.4, s->page_height * 72 / 25.4);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "assetctl");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Asset labels");
        cairo_t *cr = cairo_create(surface);
        cairo_scale(cr, 72 / 25.4, 72 / 25.4);
        int pages = 1, per = sheet_count(s);
        for (size_t i = 0; i < n && r >= 0; i++) {
                int pos = skip + (int) i;
                if (pos > 0 && pos % per == 0) {
                        cairo_show_page(cr);
                        pages++;
                }
                struct label_layout *l = NULL;
                r = label_layout(&spec, &items[i], &l);
                if (r < 0) break;
                double x, y;
                sheet_position(s, pos % per, &x, &y);
                label_draw(cr, l, x + offset_x, y + offset_y);
                label_layout_free(l);
        }
        cairo_destroy(cr);
        cairo_surface_finish(surface);
        cairo_status_t st = cairo_surface_status(surface);
        cairo_surface_destroy(surface);
        if (r >= 0 && st != CAIRO_STATUS_SUCCESS) r = cairo_failed(st, path);
        int c = outfile_close(&o, r >= 0);
        return r < 0 ? r : c < 0 ? c : pages;
}

int label_write_png(const char *path, const struct label_spec *spec, const struct label_text *t) {
        _cleanup_label_layout_ struct label_layout *l = NULL;
        int r = label_layout(spec, t, &l);
        if (r < 0) return r;
        int wpx = (int) lround(spec->width / 25.4 * spec->dpi), hpx = (int) lround(spec->height / 25.4 * spec->dpi);
        if (wpx > 20000 || hpx > 20000) return err_set(E2BIG, "cannot write '%s': %d x %d pixels is too large", path, wpx, hpx);
        cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
        cairo_t *cr = cairo_create(surface);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, spec->dpi / 25.4, spec->dpi / 25.4);
        label_draw(cr, l, 0, 0);
        cairo_destroy(cr);
        struct outfile o;
        r = outfile_open(&o, path);
        if (r >= 0) {
                cairo_status_t st = cairo_surface_write_to_png_stream(surface, write_stream, o.f);
                if (st != CAIRO_STATUS_SUCCESS) r = cairo_failed(st, path);
                int c = outfile_close(&o, r >= 0);
                if (r >= 0) r = c;
        }
        cairo_surface_destroy(surface);
        return r;
}

int label_write_svg(const char *path, const struct label_spec *spec, const struct label_text *t) {
        _cleanup_label_layout_ struct label_layout *l = NULL;
        int r = label_layout(spec, t, &l);
        if (r < 0) return r;
        struct outfile o;
        r = outfile_open(&o, path);
        if (r < 0) return r;
        /* with the document unit set to mm, user space is millimetres */
        cairo_surface_t *surface = cairo_svg_surface_create_for_stream(write_stream, o.f, spec->width, spec->height);
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_MM);
        cairo_t *cr = cairo_create(surface);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        label_draw(cr, l, 0, 0);
        cairo_destroy(cr);
        cairo_surface_finish(surface);
        cairo_status_t st = cairo_surface_status(surface);
        cairo_surface_destroy(surface);
        if (st != CAIRO_STATUS_SUCCESS) r = cairo_failed(st, path);
        int c = outfile_close(&o, r >= 0);
        return r < 0 ? r : c;
}

int label_render_bitmap(const struct label_spec *spec, const struct label_text *t, int width_px, int height_px,
                        uint8_t **ret, int *ret_stride) {
        _cleanup_label_layout_ struct label_layout *l = NULL;
        int r = label_layout(spec, t, &l);
        if (r < 0) return r;
        cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_A8, width_px, height_px);
        cairo_t *cr = cairo_create(surface);
        cairo_scale(cr, spec->dpi / 25.4, spec->dpi / 25.4);
        label_draw(cr, l, 0, 0);
        cairo_destroy(cr);
        cairo_surface_flush(surface);
        const uint8_t *px = cairo_image_surface_get_data(surface);
        int src_stride = cairo_image_surface_get_stride(surface);
        int stride = (width_px + 7) / 8;
        uint8_t *bits = xcalloc((size_t) height_px, (size_t) stride);
        for (int yy = 0; yy < height_px; yy++)
                for (int xx = 0; xx < width_px; xx++)
                        if (px[(size_t) yy * src_stride + xx] >= 128)
                                bits[(size_t) yy * stride + xx / 8] |= (uint8_t) (0x80 >> (xx % 8));
        cairo_surface_destroy(surface);
        *ret = bits;
        *ret_stride = stride;
        return 0;
}

void label_release_caches(void) {
        cairo_debug_reset_static_data();
        FcFini();
}
