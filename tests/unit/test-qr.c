/* QR wrapper: modes, limits, errors, and a drawn symbol read back by zbarimg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "decode-helper.h"
#include "label.h"
#include "qr.h"
#include "util.h"

static void test_modes_and_sizes(void **state) {
        _cleanup_qr_ struct qr *a = NULL, *b = NULL;
        /* 9 alphanumeric characters fit version 1-M (capacity 20); in 8-bit
         * mode 20 lower-case letters do not (capacity 14) */
        assert_true(qr_text_is_alnum("YA-000001"));
        assert_false(qr_text_is_alnum("ya-000001"));
        assert_int_equal(qr_encode("ABCDEFGHIJKLMNOPQRST", QR_ECC_M, &a), 0);
        assert_int_equal(a->version, 1);
        assert_int_equal(a->width, 21);
        assert_int_equal(qr_encode("abcdefghijklmnopqrst", QR_ECC_M, &b), 0);
        assert_int_equal(b->version, 2);
        assert_int_equal(b->width, 25);
        /* finder pattern: top-left 7x7 ring is dark on its border */
        for (int i = 0; i < 7; i++) {
                assert_int_equal(a->modules[i], 1);
                assert_int_equal(a->modules[6 * a->width + i], 1);
        }
        assert_int_equal(a->modules[1 * a->width + 1], 0);
        for (size_t i = 0; i < (size_t) a->width * a->width; i++)
                assert_true(a->modules[i] <= 1);
}

static void test_errors(void **state) {
        struct qr *q = (struct qr *) 0x1;
        assert_int_equal(qr_encode("", QR_ECC_M, &q), -EINVAL);
        assert_ptr_equal(q, (struct qr *) 0x1);
        assert_string_equal(err_msg(), "cannot encode an empty QR code");
        assert_int_equal(qr_encode("X", (enum qr_ecc) 9, &q), -EINVAL);

        /* 2,000 bytes fit 8-bit 40-L (2,953) but not 40-H (1,273) */
        _cleanup_free_ char *big = xmalloc(2001);
        memset(big, 'x', 2000);
        big[2000] = 0;
        assert_int_equal(qr_encode(big, QR_ECC_H, &q), -E2BIG);
        assert_string_equal(err_msg(), "cannot encode 2000 bytes as a QR code at error-correction level H: too long");
        _cleanup_qr_ struct qr *ok = NULL;
        assert_int_equal(qr_encode(big, QR_ECC_L, &ok), 0);
        assert_int_equal(ok->width, 17 + 4 * ok->version);
        _cleanup_free_ char *huge = xmalloc(3001);
        memset(huge, 'x', 3000);
        huge[3000] = 0;
        assert_int_equal(qr_encode(huge, QR_ECC_L, &q), -E2BIG);

        enum qr_ecc e;
        assert_int_equal(qr_ecc_from_string("q", &e), 0);
        assert_int_equal(e, QR_ECC_Q);
        assert_int_equal(qr_ecc_from_string("H", &e), 0);
        assert_int_equal(e, QR_ECC_H);
        assert_int_equal(qr_ecc_from_string("X", &e), -EINVAL);
        assert_int_equal(qr_ecc_from_string("MM", &e), -EINVAL);
        assert_int_equal(qr_ecc_from_string("", &e), -EINVAL);
        assert_string_equal(qr_ecc_to_string(QR_ECC_L), "L");
}

/* Draw text with a 4-module quiet zone to a PNG and read it back. */
static void roundtrip(const char *text, enum qr_ecc ecc, double module_px) {
        _cleanup_qr_ struct qr *q = NULL;
        assert_int_equal(qr_encode(text, ecc, &q), 0);
        int side = (int) ((q->width + 8) * module_px + 0.5);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        qr_draw_cairo(cr, q, 4 * module_px, 4 * module_px, module_px);
        cairo_destroy(cr);
        char path[] = "/tmp/test-qr-XXXXXX.png";
        int fd = mkstemps(path, 4);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
        cairo_surface_destroy(s);
        char **texts = NULL;
        int n = zbar_decode_file(path, &texts);
        unlink(path);
        assert_int_equal(n, 1);
        assert_string_equal(texts[0], text);
        strv_free(texts, n);
}

static void test_draw_decode(void **state) {
        if (!have_zbarimg())
                skip();
        roundtrip("YA-000001", QR_ECC_M, 6);
        roundtrip("https://assets.example.sch.uk/a/YA-000042", QR_ECC_Q, 4.5); /* fractional modules: anti-aliased */
        roundtrip("Ysgol Gymraeg Aberystwyth \xe2\x80\x93 caf\xc3\xa9", QR_ECC_H, 5);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_modes_and_sizes),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_draw_decode),
        };
        int failed = cmocka_run_group_tests(tests, NULL, NULL);
        label_release_caches();
        return failed;
}
