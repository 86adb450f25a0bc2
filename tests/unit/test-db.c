/* The store and the register rules on real SQLite files in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "core.h"
#include "json.h"

static char dir[] = "/tmp/assetctl-test-db-XXXXXX";

static struct db *fresh(void) {
        static int n;
        char *path = xasprintf("%s/t%d/assets.db", dir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        free(path);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        return db;
}

static void test_add_and_tags(void **state) {
        struct db *db = fresh();
        json_t *a = json_pack("{ss,ss,ss}", "make", "Dell", "model", "Latitude", "serial", "ABC1");
        char *tag;
        assert_int_equal(asset_add(db, a, &tag), 0);
        assert_string_equal(tag, "TS-000001");
        free(tag);
        json_decref(a);
        /* same serial, same make (any case): refused, names the existing tag */
        a = json_pack("{ss,ss,ss}", "make", "dell", "model", "Latitude", "serial", "abc1");
        assert_int_equal(asset_add(db, a, &tag), -EEXIST);
        assert_non_null(strstr(err_msg(), "TS-000001"));
        json_decref(a);
        /* same serial, other make: fine */
        a = json_pack("{ss,ss,ss}", "make", "HP", "model", "ProBook", "serial", "ABC1");
        assert_int_equal(asset_add(db, a, &tag), 0);
        assert_string_equal(tag, "TS-000002");
        free(tag);
        json_decref(a);
        a = json_pack("{ss,ss,ss,ss}", "make", "HP", "model", "x", "serial", "Z", "tag", "bad tag");
        assert_int_equal(asset_add(db, a, &tag), -EINVAL);
        assert_non_null(strstr(err_msg(), "tag:"));
        json_decref(a);
        db_close(db);
}

static void test_moves(void **state) {
        assert_int_equal(asset_check_move("T", ST_IN_STOCK, ST_ISSUED), 0);
        assert_int_equal(asset_check_move("T", ST_ISSUED, ST_DISPOSAL_REQUESTED), -EPERM);
        assert_int_equal(asset_check_move("T", ST_ISSUED, ST_LOST), 0);
        assert_int_equal(asset_check_move("T", ST_DISPOSED, ST_LOST), -EPERM);
        assert_int_equal(asset_check_move("T", ST_AUTHORISED, ST_DESTROY_REQUIRED), 0);
        assert_string_equal(err_msg(), "'T' is disposed and cannot become lost");
}

static void test_audit_tamper(void **state) {
        struct db *db = fresh();
        json_t *a = json_pack("{ss,ss,ss}", "make", "Apple", "model", "iPad", "serial", "DMP1");
        assert_int_equal(asset_add(db, a, NULL), 0);
        json_decref(a);
        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_null(rep.problem);
        assert_int_equal(rep.events, 3);
        audit_report_done(&rep);
        /* an edit behind the tool's back */
        assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE assets SET location = 'Skip' WHERE tag = 'TS-000001'", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_non_null(rep.problem);
        assert_int_equal(rep.bad_event, 3);
        audit_report_done(&rep);
        /* the log refuses edits */
        assert_int_not_equal(sqlite3_exec(db_handle(db), "DELETE FROM audit_events", NULL, NULL, NULL), SQLITE_OK);
        db_close(db);
}

static void test_newer_schema_refused(void **state) {
        char *path = xasprintf("%s/newer.db", dir);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        assert_int_equal(sqlite3_exec(db_handle(db), "PRAGMA user_version = 9999", NULL, NULL, NULL), SQLITE_OK);
        db_close(db);
        assert_int_equal(db_open(path, 0, &db), -EPROTO);
        assert_non_null(strstr(err_msg(), "newer assetctl"));
        free(path);
}

int main(void) {
        if (!mkdtemp(dir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_add_and_tags),
                cmocka_unit_test(test_moves),
                cmocka_unit_test(test_audit_tamper),
                cmocka_unit_test(test_newer_schema_refused),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        char *cmd[] = {"rm", "-rf", dir, NULL};
        (void) cmd;
        return r;
}
