/* The store and the register rules on real SQLite files in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "core.h"
#include "db-internal.h" /* tampers with the file behind the store */
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

static int64_t count_of(struct db *db, const char *sql) {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

static void verify_names(struct db *db, int64_t event, const char *text) {
        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        if (!text) assert_null(rep.problem);
        else {
                assert_non_null(rep.problem);
                assert_non_null(strstr(rep.problem, text));
                assert_int_equal(rep.bad_event, event);
        }
        audit_report_done(&rep);
}

/* Rows audited at consecutive rowids share one audit_rows entry; a rowid
 * missing from a db_audit_rows() range is recorded as deleted; a row audited
 * twice in one event ends its run, and its later entry is the one verified. */
static void test_audit_runs(void **state) {
        struct db *db = fresh(); /* events 1-2: the settings */
        sqlite3 *h = db_handle(db);
        assert_int_equal(db_begin(db), 0);
        for (int i = 1; i <= 6; i++) {
                char *sql = xasprintf("INSERT INTO people(ref, name, created_at, updated_at) VALUES ('P%d', 'N%d', 't', 't')", i, i);
                assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
                free(sql);
        }
        assert_int_equal(sqlite3_exec(h, "DELETE FROM people WHERE id = 5", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(db_audit_begin(db, "test.runs", NULL, NULL), 0);
        assert_int_equal(db_audit_rows(db, "people", 1, 6), 0);        /* 1-4, 5 deleted, 6 */
        assert_int_equal(sqlite3_exec(h, "UPDATE people SET name = 'changed' WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(db_audit_row(db, "people", 2), 0);
        assert_int_equal(db_audit_end(db), 0);
        assert_int_equal(db_commit(db), 0);
        /* [1-4], deleted 5, [6], [2] */
        assert_int_equal(count_of(db, "SELECT count(*) FROM audit_rows WHERE event_id = 3"), 4);
        assert_int_equal(count_of(db, "SELECT n_rows FROM audit_rows WHERE event_id = 3 AND row_id = 1"), 4);
        assert_int_equal(count_of(db, "SELECT count(*) FROM audit_rows WHERE event_id = 3 AND row_id = 5 AND row_hash = 'deleted'"), 1);
        verify_names(db, 0, NULL);
        assert_int_equal(sqlite3_exec(h, "UPDATE people SET email = 'x' WHERE id = 3", NULL, NULL, NULL), SQLITE_OK);
        verify_names(db, 3, "people row 3 was changed after it");
        assert_int_equal(sqlite3_exec(h, "UPDATE people SET email = NULL WHERE id = 3", NULL, NULL, NULL), SQLITE_OK);
        verify_names(db, 0, NULL);
        assert_int_equal(sqlite3_exec(h, "DELETE FROM people WHERE id = 4", NULL, NULL, NULL), SQLITE_OK);
        verify_names(db, 3, "people row 4 is gone");
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
                cmocka_unit_test(test_audit_runs),
                cmocka_unit_test(test_newer_schema_refused),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        char *cmd[] = {"rm", "-rf", dir, NULL};
        (void) cmd;
        return r;
}
