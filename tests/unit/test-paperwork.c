/* The paperwork's parsers: List of Waste codes, carrier registrations and
 * the shipped code list (every category names a described code). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>

#include "core-internal.h"
#include "disposal.h"
#include "json.h"

static void code_ok(const char *in, const char *want) {
        char out[12] = "";
        assert_int_equal(waste_code_normalise("--ewc", in, out), 0);
        assert_string_equal(out, want);
}

static void code_bad(const char *in, const char *msg) {
        char out[12] = "unchanged";
        assert_int_equal(waste_code_normalise("--ewc", in, out), -EINVAL);
        assert_string_equal(out, "unchanged");
        assert_non_null(strstr(err_msg(), msg));
}

static void test_codes(void **state) {
        code_ok("20 01 36", "20 01 36");
        code_ok("200135*", "20 01 35*");
        code_ok("16-06-01*", "16 06 01*");
        code_ok("16.02.14", "16 02 14");
        code_bad("", "not a List of Waste code");
        code_bad(NULL, "not a List of Waste code");
        code_bad("20 01 3", "not a List of Waste code");
        code_bad("20 01 366", "not a List of Waste code");
        code_bad("2 001 36", "not a List of Waste code");
        code_bad("20 01 36**", "not a List of Waste code");
        code_bad("*20 01 36", "not a List of Waste code");
        code_bad("20 01 36 ", "not a List of Waste code");
        code_bad("20 0a 36", "not a List of Waste code");
        code_bad("00 01 36", "no List of Waste chapter 00");
        code_bad("21 01 01", "no List of Waste chapter 21");
}

static void test_carriers(void **state) {
        char out[24] = "";
        assert_int_equal(carrier_registration_normalise("CBDU123456", out), 0);
        assert_string_equal(out, "CBDU123456");
        assert_int_equal(carrier_registration_normalise("cbdl 42", out), 0);
        assert_string_equal(out, "CBDL42");
        const char *bad[] = {"", "CBDU", "CBDX123", "CBU123456", "123456", "CBDU12A456", "CBDU-123456", "CBDU12345678901",
                             "WCR/R/1234567", NULL};
        for (const char **b = bad; *b; b++) {
                snprintf(out, sizeof out, "x");
                assert_int_equal(carrier_registration_normalise(*b, out), -EINVAL);
                assert_string_equal(out, "x");
        }
        assert_int_equal(carrier_registration_normalise(NULL, out), -EINVAL);
}

static void test_shipped_list(void **state) {
        json_t *c = NULL;
        assert_int_equal(waste_codes_load(&c), 0);
        json_t *codes = json_object_get(c, "codes"), *cats = json_object_get(c, "categories");
        assert_true(json_object_size(codes) >= 5);
        /* the codes the issue names are all there */
        for (const char *const *k = (const char *const[]) {"16 02 13*", "16 02 14", "20 01 35*", "20 01 36", "16 06 01*", NULL}; *k; k++)
                assert_non_null(json_object_get(codes, *k));
        assert_string_equal(json_str(cats, "crt monitor"), "20 01 35*");
        assert_string_equal(json_str(cats, "laptop"), "20 01 36");
        assert_string_equal(json_str(c, "default"), "20 01 36");
        json_decref(c);
}

static void test_bad_list(void **state) {
        char path[] = "/tmp/assetctl-test-codes-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char text[] = "# a list\ncode\t20 01 36\tWEEE\ncategory\tlaptop\t20 01 35*\n";
        assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t) (sizeof text - 1));
        close(fd);
        setenv("ASSETCTL_WASTE_CODES", path, 1);
        json_t *c = NULL;
        assert_int_equal(waste_codes_load(&c), -EINVAL);
        assert_non_null(strstr(err_msg(), "category 'laptop' names code 20 01 35*, which has no 'code' line"));
        fd = open(path, O_WRONLY | O_TRUNC);
        const char text2[] = "code\t20 01 36\tWEEE\ncategory\tlaptop 20 01 36\n";
        assert_int_equal(write(fd, text2, sizeof text2 - 1), (ssize_t) (sizeof text2 - 1));
        close(fd);
        assert_int_equal(waste_codes_load(&c), -EINVAL);
        assert_non_null(strstr(err_msg(), "line 2"));
        unsetenv("ASSETCTL_WASTE_CODES");
        unlink(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_codes),
                cmocka_unit_test(test_carriers),
                cmocka_unit_test(test_shipped_list),
                cmocka_unit_test(test_bad_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
