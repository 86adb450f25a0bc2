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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_date), cmocka_unit_test(test_money), cmocka_unit_test(test_dates_arith),
                cmocka_unit_test(test_utf8),       cmocka_unit_test(test_hex),   cmocka_unit_test(test_err),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
