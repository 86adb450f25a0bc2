#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util.h"

static void test_parse_date(void **state) {
        char d[11];
        assert_int_equal(parse_date("2024-02-29", d), 0);
        assert_string_equal(d, "2024-02-29");
        assert_int_equal(parse_date("31/12/2023", d), 0);
        assert_string_equal(d, "2023-12-31");
        assert_int_equal(parse_date("2023-02-29", d), -EINVAL);
        assert_int_equal(parse_date("2023-13-01", d), -EINVAL);
        assert_int_equal(parse_date("2023-1-01", d), -EINVAL);
        assert_int_equal(parse_date("", d), -EINVAL);
        assert_int_equal(parse_date("2023-01-01x", d), -EINVAL);
}

static void test_money(void **state) {
        int64_t p;
        assert_int_equal(parse_money_pence("1234.5", &p), 0);
        assert_int_equal(p, 123450);
        assert_int_equal(parse_money_pence("1,234.56", &p), 0);
        assert_int_equal(p, 123456);
        assert_int_equal(parse_money_pence("\xc2\xa3" "12", &p), 0);
        assert_int_equal(p, 1200);
        assert_int_equal(parse_money_pence("12.345", &p), -EINVAL);
        assert_int_equal(parse_money_pence("-3", &p), -EINVAL);
        assert_int_equal(parse_money_pence("abc", &p), -EINVAL);
        assert_int_equal(parse_money_pence(".5", &p), -EINVAL);
        /* commas only as thousands separators: a decimal comma is refused, not read as pounds */
        assert_int_equal(parse_money_pence("649,99", &p), -EINVAL);
        assert_int_equal(parse_money_pence("1,0490", &p), -EINVAL);
        assert_int_equal(parse_money_pence("1234,567", &p), -EINVAL);
        assert_int_equal(parse_money_pence(",123", &p), -EINVAL);
        assert_int_equal(parse_money_pence("123,", &p), -EINVAL);
        assert_int_equal(parse_money_pence("1,234,567.89", &p), 0);
        assert_int_equal(p, 123456789);
}

static void test_dates_arith(void **state) {
        char d[11];
        date_add_days("2024-02-28", 1, d);
        assert_string_equal(d, "2024-02-29");
        date_add_days("2024-12-31", 1, d);
        assert_string_equal(d, "2025-01-01");
        assert_int_equal(date_diff_days("2024-01-01", "2025-01-01"), 366);
}

static void test_utf8(void **state) {
        assert_true(utf8_valid("Ysgol Gymraeg Llanfairpwll \xc3\xa2", 29));
        assert_false(utf8_valid("\xc3", 1));
        assert_false(utf8_valid("\xc0\xaf", 2)); /* overlong */
        assert_false(utf8_valid("a\x01", 2));
        assert_false(utf8_valid("a\xc2\x9b", 3)); /* C1 control */
        assert_true(utf8_valid("\xc2\xa3", 2));   /* £ */
}

static void test_hex(void **state) {
        uint8_t b[3] = {0x00, 0xab, 0xff}, o[3];
        char h[7];
        hex_encode(b, 3, h);
        assert_string_equal(h, "00abff");
        assert_int_equal(hex_decode("00ABff", o, 3), 0);
        assert_memory_equal(b, o, 3);
        assert_int_equal(hex_decode("00abf", o, 3), -EINVAL);
        assert_int_equal(hex_decode("00abfg", o, 3), -EINVAL);
}

static void test_err(void **state) {
        assert_int_equal(err_set(EPERM, "cannot do '%s'", "x"), -EPERM);
        assert_string_equal(err_msg(), "cannot do 'x'");
        err_prefix(-EPERM, "outer");
        assert_string_equal(err_msg(), "outer: cannot do 'x'");
}

static void check_safe(const char *in, size_t n, const char *want) {
        struct strbuf sb = {0};
        sb_add(&sb, "", 0);
        sb_add_safe(&sb, in, n);
        assert_string_equal(sb.buf, want);
        assert_true(text_is_safe(sb.buf, sb.len));
        /* escaping twice changes nothing */
        struct strbuf again = {0};
        sb_add(&again, "", 0);
        sb_add_safe(&again, sb.buf, sb.len);
        assert_string_equal(again.buf, want);
        sb_free(&again);
        sb_free(&sb);
}

static void test_safe(void **state) {
        check_safe("plain café ☕ \\ ok", strlen("plain café ☕ \\ ok"), "plain café ☕ \\ ok");
        check_safe("a\x1b[31mb", 7, "a\\x1b[31mb");
        check_safe("t\tn\nr\r\x7f", 7, "t\\tn\\nr\\r\\x7f");
        check_safe("c1 \xc2\x9b x", 7, "c1 \\u{9b} x");
        check_safe("raw \x9b \xff \xc3", 9, "raw \\x9b \\xff \\xc3");
        check_safe("\xc0\xaf", 2, "\\xc0\\xaf"); /* overlong */
        check_safe("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* surrogate */
        check_safe("a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8", 17,
                   "a\\u{202e}b\\u{2066}c\\u{200f}\\u{61c}\\u{2028}");
        check_safe("nul\0x", 5, "nul\\x00x");
        assert_false(text_is_safe("a\x1b", 2));
        assert_true(text_is_safe("\xc2\xa3", 2));
}

static void test_printf_safe(void **state) {
        _cleanup_free_ char *a = xasprintf_safe("%s|%-6s|%5s|%.3s|%d %lld %zu %5.1f%% %c %x|%*s|%-*s|%.*s", "a\x1b", "b", "c",
                                                "d\x1b" "efg", -3, 12345678901LL, (size_t) 7, 2.25, 'q', 255u, 3, "e", 3, "f", 2,
                                                "gh\x1b");
        assert_string_equal(a, "a\\x1b|b     |    c|d\\x1be|-3 12345678901 7   2.2% q ff|  e|f  |gh");
        /* a precision cuts at a character, never inside one */
        _cleanup_free_ char *b = xasprintf_safe("[%.2s]", "a\xc3\xa9");
        assert_string_equal(b, "[a]");
        _cleanup_free_ char *c = xasprintf_safe("the format's own line break is kept: %s\n", "x\ny");
        assert_string_equal(c, "the format's own line break is kept: x\\ny\n");
        _cleanup_free_ char *e = xasprintf_safe("%s", "");
        assert_string_equal(e, "");
        /* err_set() escapes what it quotes, and a message may quote err_msg() */
        err_set(EINVAL, "cannot read '%s': bad", "\x1b]0;pwned\x07");
        assert_string_equal(err_msg(), "cannot read '\\x1b]0;pwned\\x07': bad");
        err_set(EINVAL, "again: %s", err_msg());
        assert_string_equal(err_msg(), "again: cannot read '\\x1b]0;pwned\\x07': bad");
        err_prefix(-EINVAL, "in '%s'", "f\xff");
        assert_string_equal(err_msg(), "in 'f\\xff': again: cannot read '\\x1b]0;pwned\\x07': bad");
}

static char *csv_cell(const char *s) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        csv_write_field(f, s);
        fclose(f);
        return buf;
}

static void check_csv(const char *value, const char *want) {
        _cleanup_free_ char *got = csv_cell(value);
        assert_string_equal(got, want);
        /* what import reads back (unquoted) loses exactly the escape */
        _cleanup_free_ char *unq = NULL;
        const char *cell = want;
        if (*want == '"') {
                struct strbuf sb = {0};
                sb_add(&sb, "", 0);
                for (const char *p = want + 1; p[1]; p++) {
                        if (*p == '"') p++;
                        sb_add(&sb, p, 1);
                }
                unq = sb_take(&sb);
                cell = unq;
        }
        assert_string_equal(cell + csv_escape_len(cell, strlen(cell)), value);
}

static void test_csv_formulas(void **state) {
        check_csv("plain", "plain");
        check_csv("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        check_csv("@SUM(A1)", "'@SUM(A1)");
        check_csv("+1", "'+1");
        check_csv("-x", "'-x");
        check_csv("-", "'-");
        check_csv("-1+2", "'-1+2");
        check_csv("-5", "-5");
        check_csv("-12.50", "-12.50");
        check_csv("-12.", "'-12.");
        check_csv("\t=1", "\"'\t=1\"");
        check_csv("\r=1", "\"'\r=1\"");
        check_csv("'", "'");
        check_csv("'quoted", "'quoted");
        check_csv("'/dev/sdb' is mounted", "'/dev/sdb' is mounted");
        check_csv("''", "'''");
        check_csv("'=x", "''=x");
        check_csv("a=b", "a=b");
        check_csv("2026-11-23", "2026-11-23");
        check_csv("649.99", "649.99");
        check_csv("", "");
        /* a lone ' or one before other text is data, not the escape */
        assert_int_equal(csv_escape_len("'", 1), 0);
        assert_int_equal(csv_escape_len("'abc", 4), 0);
        assert_int_equal(csv_escape_len("'-", 2), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_date), cmocka_unit_test(test_money), cmocka_unit_test(test_dates_arith),
                cmocka_unit_test(test_utf8),       cmocka_unit_test(test_hex),   cmocka_unit_test(test_err),
                cmocka_unit_test(test_safe),       cmocka_unit_test(test_printf_safe), cmocka_unit_test(test_csv_formulas),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
