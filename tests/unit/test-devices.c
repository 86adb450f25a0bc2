/* core/devices.c: sizes for people, the identity the register records for
 * a drive, and matching a drive to the register (medium serial, WWN, asset
 * serial). Drives are built by hand here; the real ones are tested under
 * umockdev and on loop devices (tests/cli/03*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core-internal.h" /* a test reaches the store too */
#include "blockdev.h"
#include "core.h"
#include "json.h"

static void check_size(uint64_t n, const char *want) {
        _cleanup_free_ char *s = size_human(n);
        assert_string_equal(s, want);
}

static void test_size_human(void **state) {
        check_size(0, "0 B");
        check_size(999, "999 B");
        check_size(1000, "1.0 kB");
        check_size(67108864, "67.1 MB");
        check_size(16008609792ULL, "16.0 GB");
        check_size(240057409536ULL, "240 GB");
        check_size(500107862016ULL, "500 GB");
        check_size(999950000000ULL, "1.0 TB"); /* not "1000 GB" */
        check_size(1000204886016ULL, "1.0 TB");
        check_size(18000000000000ULL, "18.0 TB");
}

static void test_identity(void **state) {
        struct blockdev b = {.bus = "usb", .vendor = "SanDisk", .model = "Cruzer Blade", .serial = "4C53"};
        _cleanup_free_ char *s1 = NULL, *m1 = NULL, *s2 = NULL, *m2 = NULL, *s3 = NULL, *m3 = NULL;
        device_register_identity(&b, &s1, &m1);
        assert_string_equal(s1, "4C53");
        assert_string_equal(m1, "SanDisk Cruzer Blade");
        /* a model that already starts with the vendor is not doubled */
        struct blockdev c = {.bus = "nvme", .vendor = "Samsung", .model = "Samsung SSD 970", .serial = NULL};
        device_register_identity(&c, &s2, &m2);
        assert_null(s2);
        assert_string_equal(m2, "Samsung SSD 970");
        struct blockdev l = {.bus = "loop", .backing_file = "/srv/img/laptop.img"};
        device_register_identity(&l, &s3, &m3);
        assert_string_equal(s3, "file:/srv/img/laptop.img");
        assert_string_equal(m3, "disk image");
}

static void test_match(void **state) {
        char dir[] = "/tmp/assetctl-devices.XXXXXX";
        assert_non_null(mkdtemp(dir));
        _cleanup_free_ char *path = xasprintf("%s/a.db", dir);
        _cleanup_db_ struct db *db = NULL;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        _cleanup_json_ json_t *a = json_pack("{s:s, s:s, s:s}", "make", "Dell", "model", "Latitude", "serial", "L1");
        _cleanup_json_ json_t *stick = json_pack("{s:s, s:s, s:s}", "make", "SanDisk", "model", "Cruzer", "serial", "STICK1");
        _cleanup_free_ char *tag = NULL, *tag2 = NULL;
        assert_int_equal(asset_add(db, a, &tag), 0);
        assert_int_equal(asset_add(db, stick, &tag2), 0);
        _cleanup_json_ json_t *m = json_pack("{s:s, s:s, s:I, s:s, s:s}", "model", "WD Blue", "serial", "WD-1", "size_bytes",
                                             (json_int_t) 1000, "kind", "hdd", "wwn", "0x5000aaaa");
        assert_int_equal(asset_add_media(db, tag, m, NULL), 0);

        struct blockdev by_serial = {.bus = "ata", .model = "WD Blue", .serial = "wd-1"};
        struct blockdev by_wwn = {.bus = "ata", .model = "WD Blue", .serial = "OTHER", .wwn = "0x5000AAAA"};
        struct blockdev by_asset = {.bus = "usb", .model = "Cruzer", .serial = "stick1"};
        struct blockdev none = {.bus = "ata", .model = "X", .serial = "NOPE", .wwn = "0x1"};
        json_t *r = NULL;
        assert_int_equal(device_match(db, &by_serial, &r), 0);
        assert_string_equal(json_str(r, "asset_tag"), "TS-000001");
        assert_string_equal(json_str(r, "matched_by"), "serial");
        json_decref(r);
        assert_int_equal(device_match(db, &by_wwn, &r), 0);
        assert_string_equal(json_str(r, "matched_by"), "wwn");
        assert_string_equal(json_str(r, "medium_serial"), "WD-1");
        json_decref(r);
        assert_int_equal(device_match(db, &by_asset, &r), 0);
        assert_string_equal(json_str(r, "asset_tag"), "TS-000002");
        assert_string_equal(json_str(r, "matched_by"), "asset serial");
        json_decref(r);
        json_t *sentinel = json_object(); /* *ret is written (NULL) when nothing matches */
        r = sentinel;
        assert_int_equal(device_match(db, &none, &r), 0);
        assert_null(r);
        json_decref(sentinel);
        db_close(db);
        db = NULL;
        _cleanup_free_ char *rm = xasprintf("%s-wal", path), *rm2 = xasprintf("%s-shm", path);
        unlink(rm);
        unlink(rm2);
        unlink(path);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_size_human),
                cmocka_unit_test(test_identity),
                cmocka_unit_test(test_match),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
