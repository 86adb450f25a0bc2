/* The Brother QL protocol without a device: PackBits, status replies and
 * their errors, the exact bytes of small jobs written out by hand from the
 * command reference, and the print flow against a fake transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "brother.h"
#include "printer.h"
#include "util.h"

static void test_packbits(void **state) {
        /* the example from Apple's PackBits technical note */
        static const uint8_t in[] = {0xAA, 0xAA, 0xAA, 0x80, 0x00, 0x2A, 0xAA, 0xAA, 0xAA, 0xAA, 0x80, 0x00,
                                     0x2A, 0x22, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
        static const uint8_t want[] = {0xFE, 0xAA, 0x02, 0x80, 0x00, 0x2A, 0xFD, 0xAA, 0x03, 0x80, 0x00, 0x2A, 0x22, 0xF7, 0xAA};
        uint8_t out[64], back[64];
        size_t n = ql_packbits(in, sizeof in, out);
        assert_int_equal(n, sizeof want);
        assert_memory_equal(out, want, sizeof want);
        assert_int_equal(ql_unpackbits(out, n, back, sizeof back), (ssize_t) sizeof in);
        assert_memory_equal(back, in, sizeof in);
        /* long runs and literals split at 128; pseudo-random lines round-trip */
        uint8_t big[300], enc[400], dec[300];
        memset(big, 0, sizeof big);
        n = ql_packbits(big, sizeof big, enc);
        assert_int_equal(n, 6); /* 128 + 128 + 44 */
        assert_int_equal(enc[0], 0x81);
        uint32_t x = 12345;
        for (int round = 0; round < 200; round++) {
                for (size_t i = 0; i < sizeof big; i++) {
                        x = x * 1103515245 + 12345;
                        big[i] = (x >> 16) % 4 == 0 ? 0xff : (uint8_t) (round % 3 ? 0 : x >> 24);
                }
                n = ql_packbits(big, sizeof big, enc);
                assert_true(n <= sizeof big + (sizeof big + 127) / 128);
                assert_int_equal(ql_unpackbits(enc, n, dec, sizeof dec), (ssize_t) sizeof big);
                assert_memory_equal(dec, big, sizeof big);
        }
        assert_int_equal(ql_unpackbits((const uint8_t *) "\x05\x01", 2, dec, sizeof dec), -EBADMSG);
}

static void make_status(uint8_t *b, uint8_t e1, uint8_t e2, uint8_t width, uint8_t type, uint8_t length, uint8_t st, uint8_t phase) {
        memset(b, 0, QL_STATUS_SIZE);
        b[0] = 0x80, b[1] = 0x20, b[2] = 'B', b[3] = '4', b[4] = '5', b[5] = '0', b[6] = '0';
        b[8] = e1, b[9] = e2, b[10] = width, b[11] = type, b[17] = length, b[18] = st, b[19] = phase;
}

static void test_status(void **state) {
        uint8_t b[QL_STATUS_SIZE];
        struct ql_status s;
        make_status(b, 0, 0, 62, 0x0b, 29, 0, 0);
        assert_int_equal(ql_status_parse(b, sizeof b, &s), 0);
        assert_int_equal(ql_status_check(&s), 0);
        assert_string_equal(ql_media_from_status(&s)->name, "62x29");
        make_status(b, 0, 0, 29, 0x0a, 0, 0, 0);
        ql_status_parse(b, sizeof b, &s);
        assert_string_equal(ql_media_from_status(&s)->name, "29");
        make_status(b, 0, 0, 62, 0x0b, 31, 0, 0); /* no such die-cut size */
        ql_status_parse(b, sizeof b, &s);
        assert_null(ql_media_from_status(&s));
        assert_int_equal(ql_status_parse(b, 31, &s), -EBADMSG);
        b[2] = 'X';
        assert_int_equal(ql_status_parse(b, 32, &s), -EBADMSG);

        static const struct {
                uint8_t e1, e2;
                int r;
                const char *msg;
        } cases[] = {
                {0x01, 0, -ENOMEDIUM, "no labels are loaded: load a DK roll"},
                {0x02, 0, -ENOMEDIUM, "the labels have run out: load a new DK roll"},
                {0x04, 0, -EIO, "the cutter is jammed"},
                {0, 0x10, -EIO, "the cover is open: close it and try again"},
                {0, 0x01, -EMEDIUMTYPE, "wrong media: the loaded roll does not suit the job (the printer asks to replace the media)"},
                {0, 0x40, -EIO, "the labels cannot be fed: check the roll is seated"},
                {0x01, 0x10, -EIO, "the cover is open: close it and try again; no labels are loaded: load a DK roll"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                make_status(b, cases[i].e1, cases[i].e2, 62, 0x0a, 0, 0, 0);
                ql_status_parse(b, sizeof b, &s);
                assert_int_equal(ql_status_check(&s), cases[i].r);
                assert_string_equal(err_msg(), cases[i].msg);
        }
        make_status(b, 0, 0, 62, 0x0a, 0, QL_ST_ERROR, 0);
        ql_status_parse(b, sizeof b, &s);
        assert_int_equal(ql_status_check(&s), -EIO);
}

static void test_tables(void **state) {
        assert_string_equal(ql_model_by_product(0x2042)->name, "QL-700");
        assert_string_equal(ql_model_by_product(0x209d)->name, "QL-820NWB");
        assert_null(ql_model_by_product(0x2049)); /* the QL-700's Editor Lite disk */
        for (const struct ql_model *m = ql_models; m->name; m++) {
                assert_true(m->line_bytes == 90 || m->line_bytes == 162);
                assert_true(m->invalidate == 200 || m->invalidate == 400);
        }
        assert_int_equal(ql_model_by_name("ql-1060n")->line_bytes, 162);
        assert_string_equal(ql_media_by_name("62 mm")->name, "62");
        assert_string_equal(ql_media_by_name("29X90")->name, "29x90");
        assert_null(ql_media_by_name("63"));
        char d[48];
        assert_string_equal(ql_media_describe(ql_media_by_name("62x29"), d), "62 x 29 mm die-cut labels");
        /* every medium's printable area fits its head, offsets included */
        for (const struct ql_media *m = ql_media_table; m->name; m++) {
                int pins = m->wide_only ? 1296 : 720;
                assert_true(m->dots_across + m->offset_right + (m->wide_only ? 44 : 0) <= pins);
                assert_true(m->dots_across <= m->width_mm * 300 / 25.4);
        }
        struct ql_geometry g;
        ql_geometry_for(ql_media_by_name("29"), &g);
        assert_true(g.rotated);
        assert_int_equal(g.across, 306);
        ql_geometry_for(ql_media_by_name("62x29"), &g);
        assert_false(g.rotated);
        assert_int_equal(g.along, 271);
}

static void test_place_line(void **state) {
        uint8_t bits[200] = {0}, out[162];
        bits[0] = 0x80; /* pixel 0 only */
        const struct ql_model *m = ql_model_by_name("QL-700");
        ql_place_line(m, ql_media_by_name("62"), bits, out);
        /* pin 720 - 12 - 1 - 0 = 707: byte 88, bit 3 */
        for (int i = 0; i < 90; i++) assert_int_equal(out[i], i == 88 ? 0x10 : 0);
        memset(bits, 0, sizeof bits);
        bits[305 / 8] = 0x80 >> (305 % 8); /* last pixel of 29 mm tape */
        ql_place_line(m, ql_media_by_name("29"), bits, out);
        /* pin 720 - 6 - 1 - 305 = 408: byte 51, bit 0 */
        for (int i = 0; i < 90; i++) assert_int_equal(out[i], i == 51 ? 0x80 : 0);
        memset(bits, 0, sizeof bits);
        bits[0] = 0x80;
        ql_place_line(ql_model_by_name("QL-1050"), ql_media_by_name("102"), bits, out);
        /* pin 1296 - (12 + 44) - 1 = 1239: byte 154, bit 7 */
        for (int i = 0; i < 162; i++) assert_int_equal(out[i], i == 154 ? 0x01 : 0);
}

/* Small pages whose bytes are written out here from the reference. */
static void test_job_bytes(void **state) {
        const struct ql_model *m700 = ql_model_by_name("QL-700"), *m820 = ql_model_by_name("QL-820NWB");
        uint8_t lines[3 * 90] = {0};
        lines[90 + 88] = 0x10; /* line 1: one dot */
        struct strbuf sb = {0};
        ql_job_begin(&sb, m700);
        ql_job_page(&sb, m700, ql_media_by_name("62"), lines, 3, true, true, true);
        struct strbuf want = {0};
        uint8_t zeros[400] = {0};
        sb_add(&want, (const char *) zeros, 200);
        sb_add(&want, "\x1b\x40", 2);
        sb_add(&want, "\x1b\x69\x7a\x86\x0a\x3e\x00\x03\x00\x00\x00\x00\x00", 13); /* ESC i z: continuous 62 mm, 3 lines, page 0 */
        sb_add(&want, "\x1b\x69\x4d\x40", 4);     /* ESC i M: auto cut */
        sb_add(&want, "\x1b\x69\x41\x01", 4);     /* ESC i A: every label */
        sb_add(&want, "\x1b\x69\x4b\x08", 4);     /* ESC i K: cut at end */
        sb_add(&want, "\x1b\x69\x64\x23\x00", 5); /* ESC i d: 35 dots */
        for (int i = 0; i < 3; i++) {
                sb_add(&want, "\x67\x00\x5a", 3); /* g 0 90 */
                sb_add(&want, (const char *) lines + i * 90, 90);
        }
        sb_add(&want, "\x1a", 1);
        assert_int_equal(sb.len, want.len);
        assert_memory_equal(sb.buf, want.buf, want.len);
        sb_free(&sb);
        sb_free(&want);

        ql_job_begin(&sb, m820);
        ql_job_page(&sb, m820, ql_media_by_name("62x29"), lines, 3, true, false, true);
        ql_job_page(&sb, m820, ql_media_by_name("62x29"), lines, 3, false, true, true);
        sb_add(&want, (const char *) zeros, 400);
        sb_add(&want, "\x1b\x40\x1b\x69\x61\x01", 6); /* ESC @, ESC i a 1 */
        for (int page = 0; page < 2; page++) {
                sb_add(&want, "\x1b\x69\x7a\x8e\x0b\x3e\x1d\x03\x00\x00\x00", 11); /* die-cut 62 x 29, 3 lines */
                sb_add(&want, page ? "\x01\x00" : "\x00\x00", 2);
                sb_add(&want, "\x1b\x69\x4d\x40\x1b\x69\x41\x01\x1b\x69\x4b\x08", 12);
                sb_add(&want, "\x1b\x69\x64\x00\x00", 5); /* no margin on die-cut */
                sb_add(&want, "\x4d\x02", 2);             /* M 2: TIFF */
                sb_add(&want, "Z", 1);
                sb_add(&want, "\x67\x00\x05\xa9\x00\x01\x10\x00", 8); /* 88 x 00 as a run, then 10 00 literally */
                sb_add(&want, "Z", 1);
                sb_add(&want, page ? "\x1a" : "\x0c", 1);
        }
        assert_int_equal(sb.len, want.len);
        assert_memory_equal(sb.buf, want.buf, want.len);
        sb_free(&sb);
        sb_free(&want);
}

/* A printer in memory: replies queued, writes recorded. */
struct fake {
        struct strbuf written;
        uint8_t replies[8][QL_STATUS_SIZE];
        int n_replies, next;
        int fail_write;
};

static int fake_write(void *u, const uint8_t *buf, size_t n) {
        struct fake *f = u;
        if (f->fail_write) return -EIO;
        sb_add(&f->written, (const char *) buf, n);
        return 0;
}

static int fake_read(void *u, uint8_t *buf, size_t n, int timeout_ms) {
        struct fake *f = u;
        if (f->next >= f->n_replies) return 0;
        memcpy(buf, f->replies[f->next++], QL_STATUS_SIZE);
        return QL_STATUS_SIZE;
}

static const struct label_text items[] = {
        {"TS-000001", "TS-000001", "Test School", "Dell Latitude 5420"},
        {"TS-000002", "TS-000002", "Test School", "Apple iPad"},
};

static int print_with(struct fake *f, const char *model, const char *want, size_t n, const struct ql_media **used) {
        struct ql_transport t = {fake_write, fake_read, f, 50};
        return ql_print(&t, ql_model_by_name(model), want ? ql_media_by_name(want) : NULL, items, n, QR_ECC_M, used);
}

static void test_print_flow(void **state) {
        const struct ql_media *used = NULL;
        struct fake f = {0};
        make_status(f.replies[0], 0, 0, 62, 0x0b, 29, QL_ST_REPLY, 0);
        make_status(f.replies[1], 0, 0, 62, 0x0b, 29, QL_ST_PHASE, 1);
        make_status(f.replies[2], 0, 0, 62, 0x0b, 29, QL_ST_PRINTED, 1);
        make_status(f.replies[3], 0, 0, 62, 0x0b, 29, QL_ST_PRINTED, 1);
        f.n_replies = 4;
        assert_int_equal(print_with(&f, "QL-820NWB", "62x29", 2, &used), 0);
        assert_string_equal(used->name, "62x29");
        /* written: status request, then exactly the encoded job */
        struct strbuf job = {0};
        uint8_t zeros[400] = {0};
        sb_add(&job, (const char *) zeros, 400);
        sb_add(&job, "\x1b\x40\x1b\x69\x53", 5);
        assert_int_equal(ql_encode_job(ql_model_by_name("QL-820NWB"), ql_media_by_name("62x29"), items, 2, QR_ECC_M, &job), 0);
        assert_int_equal(f.written.len, job.len);
        assert_memory_equal(f.written.buf, job.buf, job.len);
        assert_int_equal(f.next, 4); /* waited for both labels */
        sb_free(&job);
        sb_free(&f.written);

        /* refusals before anything is printed: nothing but the status request is sent */
        static const struct {
                uint8_t e1, e2, width, type, length;
                const char *want, *model;
                int r;
                const char *msg;
        } refuse[] = {
                {0, 0x10, 62, 0x0a, 0, NULL, "QL-700", -EIO, "cannot print on the QL-700: the cover is open: close it and try again"},
                {0x01, 0, 0, 0, 0, NULL, "QL-700", -ENOMEDIUM, "cannot print on the QL-700: no labels are loaded: load a DK roll"},
                {0, 0, 0, 0, 0, NULL, "QL-700", -ENOMEDIUM, "cannot print on the QL-700: no labels are loaded: load a DK roll"},
                {0, 0, 62, 0x0a, 0, "29x90", "QL-700", -EMEDIUMTYPE,
                 "cannot print on the QL-700: wrong media: it has 62 mm continuous tape loaded, the job asks for 29 x 90 mm die-cut labels"},
                {0, 0x01, 62, 0x0a, 0, NULL, "QL-700", -EMEDIUMTYPE,
                 "cannot print on the QL-700: wrong media: the loaded roll does not suit the job (the printer asks to replace the media)"},
                {0, 0, 102, 0x0a, 0, NULL, "QL-700", -EMEDIUMTYPE, "cannot print on the QL-700: it has 102 mm continuous tape loaded, which only a QL-1050/1060N can print on"},
                {0, 0, 12, 0x0a, 0, NULL, "QL-700", -E2BIG, "cannot print on 12 mm continuous tape: cannot fit the QR code for 'TS-000001'"},
        };
        for (size_t i = 0; i < ELEMENTSOF(refuse); i++) {
                struct fake g = {0};
                make_status(g.replies[0], refuse[i].e1, refuse[i].e2, refuse[i].width, refuse[i].type, refuse[i].length, 0, 0);
                g.n_replies = 1;
                assert_int_equal(print_with(&g, refuse[i].model, refuse[i].want, 1, &used), refuse[i].r);
                assert_true(strncmp(err_msg(), refuse[i].msg, strlen(refuse[i].msg)) == 0);
                assert_int_equal(g.written.len, 200 + 5);
                sb_free(&g.written);
        }

        /* errors while printing */
        struct fake h = {0};
        make_status(h.replies[0], 0, 0, 62, 0x0a, 0, QL_ST_REPLY, 0);
        make_status(h.replies[1], 0, 0, 62, 0x0a, 0, QL_ST_PRINTED, 1);
        make_status(h.replies[2], 0x02, 0, 62, 0x0a, 0, QL_ST_ERROR, 0);
        h.n_replies = 3;
        assert_int_equal(print_with(&h, "QL-700", NULL, 2, &used), -ENOMEDIUM);
        assert_string_equal(err_msg(), "the QL-700 stopped after 1 of 2 labels: the labels have run out: load a new DK roll");
        sb_free(&h.written);

        struct fake c = {0};
        make_status(c.replies[0], 0, 0, 62, 0x0a, 0, QL_ST_REPLY, 0);
        make_status(c.replies[1], 0, 0, 62, 0x0a, 0, QL_ST_NOTIFY, 0);
        c.replies[1][22] = 1; /* notification: cover open */
        c.n_replies = 2;
        assert_int_equal(print_with(&c, "QL-700", NULL, 1, &used), -EIO);
        assert_string_equal(err_msg(), "the QL-700 stopped after 0 of 1 labels: the cover is open: close it and try again");
        sb_free(&c.written);

        struct fake quiet = {0}; /* never answers */
        assert_int_equal(print_with(&quiet, "QL-700", NULL, 1, &used), -ETIMEDOUT);
        assert_string_equal(err_msg(), "cannot print on the QL-700: the printer did not answer within 0.1 seconds");
        sb_free(&quiet.written);

        struct fake silent = {0}; /* answers the status, never reports the label printed */
        make_status(silent.replies[0], 0, 0, 62, 0x0a, 0, QL_ST_REPLY, 0);
        silent.n_replies = 1;
        assert_int_equal(print_with(&silent, "QL-700", NULL, 1, &used), -ETIMEDOUT);
        assert_string_equal(err_msg(), "the QL-700 printed 0 of 1 labels: the printer did not answer within 0.1 seconds");
        sb_free(&silent.written);

        struct fake broken = {.fail_write = 1};
        assert_int_equal(print_with(&broken, "QL-700", NULL, 1, &used), -EIO);
        assert_string_equal(err_msg(), "cannot print on the QL-700: cannot send to the printer: Input/output error");
}

/* On narrow tape the label is turned a quarter: what the head prints,
 * seen from the front, must be the label rotated, never mirrored. */
static void test_rotation(void **state) {
        const struct ql_model *m = ql_model_by_name("QL-700");
        const struct ql_media *md = ql_media_by_name("29");
        struct ql_geometry g;
        ql_geometry_for(md, &g);
        assert_true(g.rotated);
        struct strbuf job = {0};
        assert_int_equal(ql_encode_job(m, md, items, 1, QR_ECC_M, &job), 0);
        struct label_spec spec = {.width = g.width_mm, .height = g.height_mm, .dpi = QL_DPI, .pad = 0.5, .ecc = QR_ECC_M};
        _cleanup_free_ uint8_t *bits = NULL;
        int stride;
        assert_int_equal(label_render_bitmap(&spec, &items[0], g.along, g.across, &bits, &stride), 0);
        /* header: 200 NULs, ESC @, ESC i z (13), M, A, K (4 each), d (5) */
        size_t off = 200 + 2 + 13 + 4 + 4 + 4 + 5;
        int same = 0, mirrored = 0, dark = 0;
        for (int j = 0; j < g.along; j++) {
                const uint8_t *rec = (const uint8_t *) job.buf + off + (size_t) j * 93;
                assert_memory_equal(rec, "g\x00\x5a", 3);
                for (int p = 0; p < g.across; p++) {
                        int pin = 720 - md->offset_right - 1 - p;
                        bool printed = rec[3 + pin / 8] & (0x80 >> (pin % 8));
                        int row = g.across - 1 - p, mrow = p;
                        bool want = bits[(size_t) row * stride + j / 8] & (0x80 >> (j % 8));
                        bool mwant = bits[(size_t) mrow * stride + j / 8] & (0x80 >> (j % 8));
                        same += printed == want;
                        mirrored += printed == mwant;
                        dark += printed;
                }
        }
        assert_int_equal(same, g.along * g.across);
        assert_true(mirrored < same);
        assert_true(dark > 1000);
        sb_free(&job);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_packbits),
                cmocka_unit_test(test_status),
                cmocka_unit_test(test_tables),
                cmocka_unit_test(test_place_line),
                cmocka_unit_test(test_job_bytes),
                cmocka_unit_test(test_print_flow),
                cmocka_unit_test(test_rotation),
        };
        int failed = cmocka_run_group_tests(tests, NULL, NULL);
        label_release_caches();
        return failed;
}
