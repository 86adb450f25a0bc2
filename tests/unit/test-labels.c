/* Sheet templates and label layout: strict parsing, the layout's promises
 * (module in whole dots, quiet zone clear, text inside the label and off the
 * code), ellipsis on character boundaries, and a rendered label read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "config.h"
#include "decode-helper.h"
#include "label.h"
#include "sheet.h"
#include "util.h"

static const char good_sheet[] =
        "# comment\r\n"
        "description = Test\r\n"
        "page-width = 210\n"
        "page-height = 297\n"
        "columns = 3\n"
        "  rows = 7  \n"
        "label-width = 63.5\n"
        "label-height = 38.1\n"
        "left = 7.2\n"
        "top = 15.15\n"
        "column-pitch = 66.04\n"
        "row-pitch = 38.1\n";

static void test_sheet_parse(void **state) {
        _cleanup_sheet_ struct sheet *s = NULL;
        assert_int_equal(sheet_parse(good_sheet, "'t'", "l7160", &s), 0);
        assert_string_equal(s->name, "L7160");
        assert_string_equal(s->description, "Test");
        assert_int_equal(sheet_count(s), 21);
        double x, y;
        sheet_position(s, 4, &x, &y); /* row 2, column 2 */
        assert_true(fabs(x - (7.2 + 66.04)) < 1e-9);
        assert_true(fabs(y - (15.15 + 38.1)) < 1e-9);
        sheet_position(s, 20, &x, &y);
        assert_true(fabs(x - (7.2 + 2 * 66.04)) < 1e-9);
        assert_true(fabs(y - (15.15 + 6 * 38.1)) < 1e-9);

        static const struct {
                const char *replace, *with, *error;
        } bad[] = {
                {"columns = 3", "columns = 3.5", "'t' line 5: columns '3.5' is not a whole number"},
                {"columns = 3", "columns = -3", "'t' line 5: columns '-3' is not a number"},
                {"columns = 3", "columns = 0", "'t' line 5: columns 0 is out of range (1 to 100)"},
                {"left = 7.2", "left = 7,2", "'t' line 9: left '7,2' is not a number of millimetres (like 12.5)"},
                {"left = 7.2", "left = 1e1", "'t' line 9: left '1e1' is not a number of millimetres (like 12.5)"},
                {"left = 7.2", "left 7.2", "'t' line 9: expected 'key = value', got 'left 7.2'"},
                {"top = 15.15", "top = 15.15\ntop = 1", "'t' line 11: 'top' given twice"},
                {"top = 15.15", "tpo = 15.15", "'t' line 10: unknown key 'tpo'"},
                {"row-pitch = 38.1", "", "'t': 'row-pitch' is missing"},
                {"row-pitch = 38.1", "row-pitch = 30", "'t': row-pitch 30.00 is less than label-height 38.10: labels would overlap"},
                {"column-pitch = 66.04", "column-pitch = 76.04", "'t': the labels reach 222.78 mm across, past the page width 210.00 mm"},
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct strbuf sb = {0};
                const char *at = strstr(good_sheet, bad[i].replace);
                sb_add(&sb, good_sheet, (size_t) (at - good_sheet));
                sb_puts(&sb, bad[i].with);
                sb_puts(&sb, at + strlen(bad[i].replace));
                struct sheet *b = NULL;
                assert_int_equal(sheet_parse(sb.buf, "'t'", "x", &b), -EINVAL);
                assert_null(b);
                assert_string_equal(err_msg(), bad[i].error);
                sb_free(&sb);
        }
        struct sheet *b = NULL;
        assert_int_equal(sheet_parse("left = 1\n\x01\n", "'t'", "x", &b), -EINVAL);
        assert_string_equal(err_msg(), "'t' line 2: not valid UTF-8 text");
}

static void test_installed_sheets(void **state) {
        /* the stocks DESIGN.md names, with its published figures */
        static const struct {
                const char *name;
                int cols, rows;
                double w, h, left, top, cp, rp;
        } want[] = {
                {"L7651", 5, 13, 38.10, 21.17, 4.67, 10.90, 40.64, 21.17},
                {"L7160", 3, 7, 63.50, 38.10, 7.20, 15.15, 66.04, 38.10},
                {"L7163", 2, 7, 99.06, 38.10, 4.67, 15.15, 101.60, 38.10},
        };
        setenv("ASSETCTL_SHEETS_DIR", ASSETCTL_SRCDIR "/labels/sheets", 1);
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                _cleanup_sheet_ struct sheet *s = NULL;
                assert_int_equal(sheet_find(want[i].name, &s), 0);
                assert_int_equal(s->columns, want[i].cols);
                assert_int_equal(s->rows, want[i].rows);
                assert_true(fabs(s->label_width - want[i].w) < 1e-9 && fabs(s->label_height - want[i].h) < 1e-9);
                assert_true(fabs(s->left - want[i].left) < 1e-9 && fabs(s->top - want[i].top) < 1e-9);
                assert_true(fabs(s->column_pitch - want[i].cp) < 1e-9 && fabs(s->row_pitch - want[i].rp) < 1e-9);
        }
        struct sheet *s = NULL;
        assert_int_equal(sheet_find("../etc/passwd", &s), -EINVAL);
        assert_int_equal(sheet_find("L1", &s), -ENOENT);
        assert_string_equal(err_msg(), "no label sheet 'L1': known sheets are L7160, L7163, L7651");
        unsetenv("ASSETCTL_SHEETS_DIR");
}

/* Every promise of a layout, checked on the numbers. */
static void check_layout(const struct label_spec *spec, const struct label_layout *l) {
        double dot = 25.4 / spec->dpi;
        double k = l->module / dot;
        assert_true(fabs(k - round(k)) < 1e-6);
        assert_true(round(k) >= LABEL_MIN_MODULE_DOTS);
        assert_true(l->module >= LABEL_MIN_MODULE_MM - 1e-9);
        double q = LABEL_QUIET_MODULES * l->module, side = l->qr->width * l->module;
        double qx0 = l->qr_x - q, qy0 = l->qr_y - q, qx1 = l->qr_x + side + q, qy1 = l->qr_y + side + q;
        assert_true(qx0 >= spec->pad - dot && qy0 >= spec->pad - dot);
        assert_true(qx1 <= spec->width - spec->pad + dot && qy1 <= spec->height - spec->pad + dot);
        assert_true(l->n_lines >= 1);
        for (int i = 0; i < l->n_lines; i++) {
                const struct label_line *ln = &l->lines[i];
                /* the line's box: advance width, font ascent/descent at most 1.2 em */
                double x0 = ln->x, x1 = ln->x + ln->width, y0 = ln->y - ln->size, y1 = ln->y + 0.3 * ln->size;
                assert_true(x0 >= spec->pad - 1e-6);
                assert_true(x1 <= spec->width - spec->pad + 1e-6);
                assert_true(y0 >= spec->pad - 1e-6);
                assert_true(y1 <= spec->height - spec->pad + 1e-6);
                bool clear = x0 >= qx1 - 1e-6 || x1 <= qx0 + 1e-6 || y0 >= qy1 - 1e-6 || y1 <= qy0 + 1e-6;
                assert_true(clear);
        }
}

static void test_layout(void **state) {
        static const struct label_text texts[] = {
                {"TS-000001", "TS-000001", "Test School", "Dell Latitude 5420"},
                {"TS-000001", "https://assets.example.sch.uk/a/TS-000001", "Ysgol Gymraeg Llanfairpwllgwyngyll a Phorthaethwy", "Lenovo ThinkPad X1 Carbon Gen 11"},
                {"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "S", NULL},
        };
        static const struct label_spec specs[] = {
                {38.10, 21.17, 300, 1.5, QR_ECC_M},
                {63.50, 38.10, 300, 1.5, QR_ECC_M},
                {99.06, 38.10, 300, 1.5, QR_ECC_H},
                {62, 29, 600, 1.0, QR_ECC_M},
                {30, 50, 300, 1.0, QR_ECC_M}, /* tall: text below */
        };
        int ok = 0;
        for (size_t s = 0; s < ELEMENTSOF(specs); s++)
                for (size_t t = 0; t < ELEMENTSOF(texts); t++) {
                        _cleanup_label_layout_ struct label_layout *l = NULL;
                        int r = label_layout(&specs[s], &texts[t], &l);
                        if (r < 0) {
                                /* a refusal must say why, naming the tag */
                                assert_int_equal(r, -E2BIG);
                                assert_non_null(strstr(err_msg(), texts[t].tag));
                                continue;
                        }
                        check_layout(&specs[s], l);
                        assert_string_equal(l->lines[0].text, texts[t].tag); /* the tag is never shortened */
                        ok++;
                }
        assert_true(ok >= 11);

        /* the tag in large text and the school shortened on L7160 */
        _cleanup_label_layout_ struct label_layout *l = NULL;
        if (label_layout(&specs[1], &texts[1], &l) < 0) fail_msg("%s", err_msg());
        assert_true(l->n_lines >= 2);
        const char *sch = l->lines[1].text;
        assert_true(strlen(sch) < strlen(texts[1].school));
        assert_string_equal(sch + strlen(sch) - 3, "\xe2\x80\xa6");
        assert_true(l->lines[0].size > l->lines[1].size);

        struct label_layout *x = NULL;
        struct label_spec tiny = {20, 10, 300, 1.0, QR_ECC_M};
        assert_int_equal(label_layout(&tiny, &texts[0], &x), -E2BIG);
        assert_non_null(strstr(err_msg(), "under the 0.34 mm minimum"));
        struct label_text empty = {"", "", "S", NULL};
        assert_int_equal(label_layout(&specs[1], &empty, &x), -EINVAL);
}

static void test_ellipsize(void **state) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
        cairo_t *cr = cairo_create(s);
        cairo_select_font_face(cr, LABEL_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 3);
        _cleanup_free_ char *fits = label_ellipsize(cr, "Ysgol", 100);
        assert_string_equal(fits, "Ysgol");
        /* "e" + combining acute (U+0301) repeated: never cut between them */
        const char *comb = "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81";
        for (double w = 2; w < 20; w += 0.7) {
                _cleanup_free_ char *e = label_ellipsize(cr, comb, w);
                size_t n = strlen(e);
                if (!streq(e, comb)) {
                        assert_string_equal(e + n - 3, "\xe2\x80\xa6");
                        /* what precedes the ellipsis ends with a whole e + accent */
                        if (n > 3) assert_memory_equal(e + n - 6, "e\xcc\x81", 3);
                        cairo_text_extents_t ex;
                        cairo_text_extents(cr, e, &ex);
                        assert_true(n == 3 || ex.x_advance <= w + 1e-6);
                }
                assert_true(utf8_valid(e, n));
        }
        /* Welsh: ŵ and ŷ are two bytes each; cuts fall between characters */
        _cleanup_free_ char *w = label_ellipsize(cr, "Ysgol Gymraeg Bro \xc5\xb4y\xc5\xb7r", 30);
        assert_true(utf8_valid(w, strlen(w)));
        assert_string_equal(w + strlen(w) - 3, "\xe2\x80\xa6");
        assert_true(w[strlen(w) - 4] != ' '); /* trailing spaces dropped */
        cairo_destroy(cr);
        cairo_surface_destroy(s);
}

static void test_bitmap_decodes(void **state) {
        if (!have_zbarimg()) skip();
        struct label_spec spec = {58.9, 22.9, 300, 0.5, QR_ECC_M};
        struct label_text t = {"TS-000042", "TS-000042", "Ysgol Gyfun Gŵyr", "HP EliteBook"};
        int w = (int) lround(58.9 / 25.4 * 300), h = (int) lround(22.9 / 25.4 * 300), stride;
        _cleanup_free_ uint8_t *bits = NULL;
        assert_int_equal(label_render_bitmap(&spec, &t, w, h, &bits, &stride), 0);
        assert_int_equal(stride, (w + 7) / 8);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        uint8_t *d = cairo_image_surface_get_data(s);
        int ds = cairo_image_surface_get_stride(s);
        for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                        uint32_t v = bits[(size_t) y * stride + x / 8] & (0x80 >> (x % 8)) ? 0 : 0xffffff;
                        memcpy(d + (size_t) y * ds + (size_t) x * 4, &v, 4);
                }
        cairo_surface_mark_dirty(s);
        char path[] = "/tmp/test-labels-XXXXXX.png";
        int fd = mkstemps(path, 4);
        close(fd);
        cairo_surface_write_to_png(s, path);
        cairo_surface_destroy(s);
        char **texts = NULL;
        int n = zbar_decode_file(path, &texts);
        unlink(path);
        assert_int_equal(n, 1);
        assert_string_equal(texts[0], "TS-000042");
        strv_free(texts, n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sheet_parse),
                cmocka_unit_test(test_installed_sheets),
                cmocka_unit_test(test_layout),
                cmocka_unit_test(test_ellipsize),
                cmocka_unit_test(test_bitmap_decodes),
        };
        int failed = cmocka_run_group_tests(tests, NULL, NULL);
        label_release_caches();
        return failed;
}
