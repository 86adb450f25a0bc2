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

/* Audit encoding 2 of known rows, pinned byte for byte (worked out by hand
 * from the rules in audit.c, not by running it): a person (integers, text,
 * NULLs, the id as key, fields in name order) and a setting (its key column
 * as key). A change to the encoding must be a new version, never an edit. */
static const char golden_person[] =
        "\x00\x00\x00\x00\x00\x00\x00\x06\x70\x65\x72\x73\x6f\x6e\x69\x00"
        "\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x0c\x00"
        "\x00\x00\x00\x00\x00\x00\x0a\x61\x75\x70\x5f\x73\x69\x67\x6e\x65"
        "\x64\x6e\x00\x00\x00\x00\x00\x00\x00\x0b\x61\x75\x70\x5f\x76\x65"
        "\x72\x73\x69\x6f\x6e\x6e\x00\x00\x00\x00\x00\x00\x00\x0a\x61\x75"
        "\x74\x68\x6f\x72\x69\x73\x65\x72\x69\x00\x00\x00\x00\x00\x00\x00"
        "\x01\x00\x00\x00\x00\x00\x00\x00\x0a\x63\x72\x65\x61\x74\x65\x64"
        "\x5f\x61\x74\x74\x00\x00\x00\x00\x00\x00\x00\x14\x32\x30\x32\x36"
        "\x2d\x30\x31\x2d\x30\x31\x54\x30\x30\x3a\x30\x30\x3a\x30\x30\x5a"
        "\x00\x00\x00\x00\x00\x00\x00\x05\x65\x6d\x61\x69\x6c\x6e\x00\x00"
        "\x00\x00\x00\x00\x00\x02\x69\x64\x69\x00\x00\x00\x00\x00\x00\x00"
        "\x07\x00\x00\x00\x00\x00\x00\x00\x09\x6a\x6f\x62\x5f\x74\x69\x74"
        "\x6c\x65\x6e\x00\x00\x00\x00\x00\x00\x00\x0c\x6c\x65\x61\x76\x69"
        "\x6e\x67\x5f\x64\x61\x74\x65\x6e\x00\x00\x00\x00\x00\x00\x00\x04"
        "\x6e\x61\x6d\x65\x74\x00\x00\x00\x00\x00\x00\x00\x09\x41\x6e\x6e"
        "\x20\x4f\x74\x68\x65\x72\x00\x00\x00\x00\x00\x00\x00\x03\x72\x65"
        "\x66\x74\x00\x00\x00\x00\x00\x00\x00\x02\x50\x37\x00\x00\x00\x00"
        "\x00\x00\x00\x04\x72\x6f\x6c\x65\x74\x00\x00\x00\x00\x00\x00\x00"
        "\x05\x73\x74\x61\x66\x66\x00\x00\x00\x00\x00\x00\x00\x0a\x75\x70"
        "\x64\x61\x74\x65\x64\x5f\x61\x74\x74\x00\x00\x00\x00\x00\x00\x00"
        "\x14\x32\x30\x32\x36\x2d\x30\x31\x2d\x30\x31\x54\x30\x30\x3a\x30"
        "\x30\x3a\x30\x30\x5a";
#define GOLDEN_PERSON_LEN 341
static const char golden_setting[] =
        "\x00\x00\x00\x00\x00\x00\x00\x07\x73\x65\x74\x74\x69\x6e\x67\x74"
        "\x00\x00\x00\x00\x00\x00\x00\x06\x73\x63\x68\x6f\x6f\x6c\x00\x00"
        "\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x03\x6b\x65"
        "\x79\x74\x00\x00\x00\x00\x00\x00\x00\x06\x73\x63\x68\x6f\x6f\x6c"
        "\x00\x00\x00\x00\x00\x00\x00\x05\x76\x61\x6c\x75\x65\x74\x00\x00"
        "\x00\x00\x00\x00\x00\x0b\x54\x65\x73\x74\x20\x53\x63\x68\x6f\x6f"
        "\x6c";
#define GOLDEN_SETTING_LEN 97

static void test_audit_encoding_v2(void **state) {
        struct db *db = fresh();
        assert_int_equal(sqlite3_exec(db_handle(db),
                                      "INSERT INTO people(id, ref, name, email, role, job_title, authoriser, aup_signed, aup_version, "
                                      "leaving_date, created_at, updated_at) VALUES (7, 'P7', 'Ann Other', NULL, 'staff', NULL, 1, "
                                      "NULL, NULL, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        struct strbuf b = {0};
        assert_int_equal(audit_row_encoding(db, "people", 7, 2, &b), 0);
        assert_int_equal(b.len, GOLDEN_PERSON_LEN);
        assert_memory_equal(b.buf, golden_person, GOLDEN_PERSON_LEN);

        /* the hash the audit log records for the row is the SHA-256 of it */
        assert_int_equal(db_begin(db), 0);
        assert_int_equal(db_audit(db, "person.add", "P7", NULL, "people", 7), 0);
        assert_int_equal(db_commit(db), 0);
        char want[65];
        sha256_hex(golden_person, GOLDEN_PERSON_LEN, want);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT r.row_hash, e.encoding FROM audit_rows r "
                                            "JOIN audit_events e ON e.id = r.event_id WHERE r.tbl = 'people' AND r.row_id = 7",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *) sqlite3_column_text(st, 0), want);
        assert_int_equal(sqlite3_column_int(st, 1), 2);
        sqlite3_finalize(st);

        int64_t rowid = -1;
        assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT rowid FROM settings WHERE key = 'school'", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        rowid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        assert_int_equal(audit_row_encoding(db, "settings", rowid, 2, &b), 0);
        assert_int_equal(b.len, GOLDEN_SETTING_LEN);
        assert_memory_equal(b.buf, golden_setting, GOLDEN_SETTING_LEN);

        /* encoding 1 is what it was: name NUL, SQLite type, native length, text */
        assert_int_equal(audit_row_encoding(db, "settings", rowid, 1, &b), 0);
        uint64_t len = 6;
        char v1[64];
        size_t k = 0;
        memcpy(v1 + k, "key", 4), k += 4;
        v1[k++] = SQLITE_TEXT;
        memcpy(v1 + k, &len, 8), k += 8;
        memcpy(v1 + k, "school", 6), k += 6;
        assert_true(b.len > k);
        assert_memory_equal(b.buf, v1, k);
        assert_int_equal(audit_row_encoding(db, "people", 99, 2, &b), -ENOENT);

        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_null(rep.problem);
        sb_free(&b);
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
                cmocka_unit_test(test_audit_encoding_v2),
                cmocka_unit_test(test_newer_schema_refused),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        char *cmd[] = {"rm", "-rf", dir, NULL};
        (void) cmd;
        return r;
}
