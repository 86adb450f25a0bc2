/* Loans, scan parsing, lost-property hold dates and stock-takes, on real
 * SQLite files in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "core.h"
#include "incident.h"
#include "json.h"
#include "loans.h"
#include "store-loans.h"
#include "scan.h"
#include "stocktake.h"

static char dir[] = "/tmp/assetctl-test-loans-XXXXXX";

static struct db *fresh(void) {
        static int n;
        _cleanup_free_ char *path = xasprintf("%s/t%d/assets.db", dir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        for (int i = 1; i <= 3; i++) {
                char serial[8];
                snprintf(serial, sizeof serial, "S%d", i);
                json_t *a = json_pack("{ss,ss,ss,ss,sb}", "make", "Dell", "model", "Latitude", "serial", serial, "location",
                                      "Room 1", "personal_data", i == 3);
                assert_int_equal(asset_add(db, a, NULL), 0);
                json_decref(a);
        }
        json_t *p = json_pack("{ss,ss}", "ref", "JB", "name", "Jo Bloggs");
        assert_int_equal(person_add(db, p), 0);
        json_decref(p);
        return db;
}

static void test_normalise(void **state) {
        char out[65];
        assert_int_equal(scan_normalise("ts-000001\r\n", out, sizeof out), 0);
        assert_string_equal(out, "TS-000001");
        assert_int_equal(scan_normalise("  https://a.example/x/ts-000002?src=qr#top \n", out, sizeof out), 0);
        assert_string_equal(out, "TS-000002");
        assert_int_equal(scan_normalise("http://a.example/TS-3/", out, sizeof out), 0);
        assert_string_equal(out, "TS-3");
        assert_int_equal(scan_normalise("\r\n", out, sizeof out), 1);
        assert_int_equal(scan_normalise("two words\n", out, sizeof out), -EINVAL);
        assert_int_equal(scan_normalise("\x1b[A\n", out, sizeof out), -EINVAL);
        assert_int_equal(scan_normalise("http://a.example/", out, sizeof out), -EINVAL);
        char big[600];
        memset(big, 'A', sizeof big - 1);
        big[sizeof big - 1] = 0;
        assert_int_equal(scan_normalise(big, out, sizeof out), -EINVAL);
}

static void test_hold_until(void **state) {
        char d[11];
        const char *ends = LOSTPROP_TERM_ENDS_DEFAULT;
        assert_int_equal(lostprop_hold_until("2026-11-23", ends, d), 0);
        assert_string_equal(d, "2027-03-31");
        assert_int_equal(lostprop_hold_until("2026-12-20", ends, d), 0); /* last day of term */
        assert_string_equal(d, "2027-03-31");
        assert_int_equal(lostprop_hold_until("2026-12-21", ends, d), 0); /* Christmas holiday */
        assert_string_equal(d, "2027-07-20");
        assert_int_equal(lostprop_hold_until("2026-01-05", ends, d), 0);
        assert_string_equal(d, "2026-07-20");
        assert_int_equal(lostprop_hold_until("2026-05-01", "12-20,07-20,03-31", d), 0); /* any order */
        assert_string_equal(d, "2026-12-20");
        assert_int_equal(lostprop_hold_until("2026-05-01", "07-20", d), 0); /* one end a year */
        assert_string_equal(d, "2027-07-20");
        assert_int_equal(lostprop_hold_until("2026-05-01", "13-01", d), -EINVAL);
        assert_int_equal(lostprop_hold_until("2026-05-01", "", d), -EINVAL);
}

static void test_issue_rules(void **state) {
        struct db *db = fresh();
        json_t *l = NULL;
        assert_int_equal(loan_issue(db, "TS-000001", "JB", NULL, &l), -EPERM);
        assert_non_null(strstr(err_msg(), "has not signed the acceptable-use agreement"));
        assert_int_equal(person_sign_aup(db, "JB", "2026-09-01", "1"), 0);
        assert_int_equal(loan_issue(db, "ts-000001", "jb", NULL, &l), 0);
        assert_string_equal(json_str(l, "tag"), "TS-000001");
        assert_string_equal(json_str(l, "ref"), "JB");
        json_decref(l);
        assert_int_equal(loan_issue(db, "TS-000001", "JB", NULL, NULL), -EPERM);
        assert_non_null(strstr(err_msg(), "it is issued to Jo Bloggs (JB) since"));
        /* the store itself refuses a second open loan for one asset */
        json_t *a = NULL;
        assert_int_equal(db_asset_by_tag(db, "TS-000001", &a), 0);
        json_t *dup = json_pack("{sO,sI,ss}", "asset_id", json_object_get(a, "id"), "person_id", (json_int_t) 1, "issued_at", "2026-01-01");
        int64_t id;
        assert_int_equal(db_begin(db), 0);
        assert_int_equal(db_loan_insert(db, dup, &id), -EEXIST);
        db_rollback(db);
        json_decref(dup);
        json_decref(a);
        /* personal data, not encrypted; the override */
        assert_int_equal(loan_issue(db, "TS-000003", "JB", NULL, NULL), -EPERM);
        struct issue_opts o = {.override = "head's say-so"};
        assert_int_equal(loan_issue(db, "TS-000003", "JB", &o, NULL), 0);
        /* return, and returning twice */
        assert_int_equal(loan_return(db, "TS-000001", "ok", NULL, NULL), 0);
        assert_int_equal(loan_return(db, "TS-000001", NULL, NULL, NULL), -EPERM);
        /* a leaver */
        assert_int_equal(person_set_leaving(db, "JB", "2000-01-01"), 0);
        assert_int_equal(loan_issue(db, "TS-000002", "JB", NULL, NULL), -EPERM);
        assert_non_null(strstr(err_msg(), "left on 2000-01-01"));
        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_null(rep.problem);
        audit_report_done(&rep);
        db_close(db);
}

static void test_scan_session(void **state) {
        struct db *db = fresh();
        assert_int_equal(person_sign_aup(db, "JB", NULL, NULL), 0);
        struct scan_session s = {.db = db};
        static const struct {
                const char *in;
                enum scan_result res;
                const char *out;
        } steps[] = {
                {"ts-000001\n", SCAN_REFUSED, "refused: cannot return 'TS-000001': it is not on loan (it is in stock; scan a person first to issue it)"},
                {"jb\r\n", SCAN_INFO, "borrower: Jo Bloggs (JB), holds nothing"},
                {"TS-000001\r\n", SCAN_DONE, "TS-000001 issued to Jo Bloggs (JB)"},
                {"DONE\n", SCAN_INFO, "done with Jo Bloggs (JB): no borrower selected"},
                {"x y\n", SCAN_IGNORED, "ignored: 'x y' is not a tag, person reference or badge"},
                {"https://h/a/ts-000001\n", SCAN_DONE, "TS-000001 returned by Jo Bloggs (JB)"},
        };
        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                char *text = NULL;
                assert_int_equal(scan_one(&s, steps[i].in, &text), steps[i].res);
                assert_string_equal(text, steps[i].out);
                free(text);
        }
        char *sum = scan_summary(&s);
        assert_string_equal(sum, "6 scans: 1 issued, 1 returned, 1 refused, 1 ignored");
        free(sum);
        scan_session_done(&s);
        db_close(db);
}

static void test_stocktake(void **state) {
        struct db *db = fresh();
        int64_t id, expected;
        assert_int_equal(stocktake_start(db, "room 1", &id, &expected), 0);
        assert_int_equal(expected, 3);
        json_t *info = NULL, *rep = NULL;
        assert_int_equal(stocktake_scan(db, 0, "ts-000001", &info), 0);
        json_decref(info);
        assert_int_equal(stocktake_scan(db, 0, "TS-999999", &info), 0);
        assert_false(json_is_true(json_object_get(info, "known")));
        json_decref(info);
        assert_int_equal(stocktake_finish(db, id, &rep), 0);
        assert_int_equal(json_array_size(json_object_get(rep, "found")), 1);
        assert_int_equal(json_array_size(json_object_get(rep, "missing")), 2);
        assert_int_equal(json_array_size(json_object_get(rep, "unknown")), 1);
        json_decref(rep);
        assert_int_equal(stocktake_finish(db, id, &rep), -EPERM);
        db_close(db);
}

int main(void) {
        if (!mkdtemp(dir)) return 1;
        setenv("ASSETCTL_ACTOR", "tester", 1);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_normalise),
                cmocka_unit_test(test_hold_until),
                cmocka_unit_test(test_issue_rules),
                cmocka_unit_test(test_scan_session),
                cmocka_unit_test(test_stocktake),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        /* remove the temp dir and the registers in it */
        char *argv[] = {(char *) "rm", (char *) "-rf", dir, NULL};
        pid_t pid = fork();
        if (pid == 0) {
                execvp("rm", argv);
                _exit(127);
        }
        if (pid > 0) waitpid(pid, NULL, 0);
        return r;
}
