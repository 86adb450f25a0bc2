/* The importer: CSV parsing with physical line numbers, header mapping
 * (ours and Snipe-IT's), per-row problems, the per-row hook, JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core-internal.h" /* a test reaches the store too */
#include "import.h"
#include "json.h"

static char dir[] = "/tmp/assetctl-test-import-XXXXXX";

static struct import_table *csv(const char *s) { return import_parse_csv("t.csv", s, strlen(s)); }

/* "LINE: column: reason" of problem i. */
static char *prob(const struct import_table *t, size_t i) {
        assert_true(i < t->n_prob);
        return xasprintf("%lld: %s: %s", (long long) t->probs[i].line, t->probs[i].column, t->probs[i].reason);
}

static void assert_prob(const struct import_table *t, size_t i, const char *want) {
        char *p = prob(t, i);
        assert_string_equal(p, want);
        free(p);
}

static void test_lines(void **state) {
        /* BOM, CRLF, a blank line, a quoted field over three lines, "" quotes */
        struct import_table *t = csv("\xef\xbb\xbf" "serial,make,model,notes\r\n"
                                     "A1,Dell,L,\"one\r\ntwo\r\nthree\"\r\n"
                                     "\r\n"
                                     "A2,Dell,L,\"say \"\"hi\"\", ok\"\r\n"
                                     "A3,Dell,L,last");
        assert_int_equal(t->n_prob, 0);
        assert_int_equal(t->n_cols, 4);
        assert_string_equal(t->cols[0].header, "serial");
        assert_int_equal(t->n_rec, 3);
        assert_int_equal(t->recs[0].line, 2);
        assert_string_equal(t->recs[0].fields[3], "one\ntwo\nthree");
        assert_int_equal(t->recs[1].line, 6);
        assert_string_equal(t->recs[1].fields[3], "say \"hi\", ok");
        assert_int_equal(t->recs[2].line, 7);
        assert_string_equal(t->recs[2].fields[3], "last");
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), 0);
        assert_string_equal(json_str(t->recs[0].rec, "notes"), "one\ntwo\nthree");
        import_table_free(t);
}

static void test_parse_problems(void **state) {
        struct import_table *t = csv("serial,make,model\n"
                                     "A1,Dell\n"             /* too few */
                                     "A\"2,Dell,L\n"         /* quote in unquoted field */
                                     "A3,Dell,L,x\n"         /* too many */
                                     "A4,Dell,L\x81\n"       /* not UTF-8, not Windows-1252 */
                                     "A5,Dell,\"L\n");       /* never closed */
        assert_int_equal(t->n_rec, 5);
        assert_prob(t, 0, "2: model: missing (the row has 2 fields, the header 3)");
        assert_prob(t, 1, "3: serial: bad quoting: a quote inside an unquoted field or text after a closing quote");
        assert_prob(t, 2, "4: column 4: extra field (the row has 4 fields, the header 3)");
        assert_prob(t, 3, "5: model: byte 0x81 is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)");
        assert_prob(t, 4, "6: model: unterminated quoted field (the quote opened here is never closed)");
        assert_int_equal(t->n_prob, 5);
        import_table_free(t);

        t = csv("");
        assert_prob(t, 0, "1: header: the file is empty");
        import_table_free(t);
        t = csv("serial,make,model\r\n");
        assert_prob(t, 0, "1: header: no records after the header");
        import_table_free(t);
        /* old Excel for Mac: bare CRs end the lines */
        t = csv("serial,make\rA,B\r\"C\rD\",E\r");
        assert_int_equal(t->n_prob, 0);
        assert_true(t->cr_line_ends);
        assert_int_equal(t->n_rec, 2);
        assert_int_equal(t->recs[1].line, 3);
        assert_string_equal(t->recs[1].fields[0], "C\nD");
        import_table_free(t);
}

static void test_encodings(void **state) {
        /* not UTF-8: Windows-1252 (pound, e acute, curly quotes, euro) */
        struct import_table *t = csv("serial,make,model\nA1,Caf\xe9,\x93\xa3\x80\x94\n");
        assert_int_equal(t->n_prob, 0);
        assert_true(t->encoding_guessed);
        assert_string_equal(t->encoding, "Windows-1252");
        assert_string_equal(t->recs[0].fields[1], "Caf\xc3\xa9");
        assert_string_equal(t->recs[0].fields[2], "\xe2\x80\x9c\xc2\xa3\xe2\x82\xac\xe2\x80\x9d");
        import_table_free(t);
        /* each byte Windows-1252 leaves undefined, named with its line and column */
        const char undefined[] = {'\x81', '\x8d', '\x8f', '\x90', '\x9d'};
        for (size_t i = 0; i < sizeof undefined; i++) {
                char buf[64], want[128];
                snprintf(buf, sizeof buf, "serial,make,model\nA1,B,C\nA2,B%c,C\n", undefined[i]);
                t = csv(buf);
                snprintf(want, sizeof want, "3: make: byte 0x%02X is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)",
                         (unsigned char) undefined[i]);
                assert_int_equal(t->n_prob, 1);
                assert_prob(t, 0, want);
                import_table_free(t);
        }
        /* said to be UTF-8 (by --encoding or a byte-order mark): not converted */
        const char *bad = "serial,make,model\nA1,B\xe9,C\n";
        t = import_parse_csv_as("t.csv", bad, strlen(bad), "UTF-8");
        assert_prob(t, 0, "2: make: not valid UTF-8 (save the file as UTF-8, or give its --encoding)");
        import_table_free(t);
        t = csv("\xef\xbb\xbf" "serial,make,model\nA1,B\xe9,C\n");
        assert_prob(t, 0, "2: make: not valid UTF-8 (save the file as UTF-8, or give its --encoding)");
        import_table_free(t);
        /* ISO-8859-1 reads 0x81 as a C1 control (refused later, as text) and
         * Mac Roman has no undefined byte */
        t = import_parse_csv_as("t.csv", "serial\n\xa3\x81\n", 9, "latin1");
        assert_int_equal(t->n_prob, 0);
        assert_string_equal(t->recs[0].fields[0], "\xc2\xa3\xc2\x81");
        import_table_free(t);
        t = import_parse_csv_as("t.csv", "serial\n\x8e\n", 9, "mac-roman");
        assert_string_equal(t->recs[0].fields[0], "\xc3\xa9");
        import_table_free(t);
        const char *name;
        assert_int_equal(import_encoding("CP1252", &name), 0);
        assert_string_equal(name, "Windows-1252");
        assert_int_equal(import_encoding("utf-16", &name), -EINVAL);
}

static void test_dates(void **state) {
        static const struct {
                const char *in;
                enum import_date_format fmt;
                const char *want; /* NULL: refused */
        } cases[] = {
                {"2023-01-23", IMPORT_DATES_ISO, "2023-01-23"},
                {"2023-01-23 00:00:00", IMPORT_DATES_ISO, "2023-01-23"},
                {"2023-01-23T00:00:00", IMPORT_DATES_ISO, "2023-01-23"},
                {"2023-01-23T10:11:12Z", IMPORT_DATES_ISO, "2023-01-23"},
                {"2023-01-23 9:05", IMPORT_DATES_DMY, "2023-01-23"},
                {"23/01/2023", IMPORT_DATES_DMY, "2023-01-23"},
                {"23/1/23", IMPORT_DATES_DMY, "2023-01-23"},
                {"1/23/23", IMPORT_DATES_MDY, "2023-01-23"},
                {"01/23/2023 00:00", IMPORT_DATES_MDY, "2023-01-23"},
                {"29/02/24", IMPORT_DATES_DMY, "2024-02-29"},
                {"23/01/2023", IMPORT_DATES_ISO, NULL},
                {"1/23/23", IMPORT_DATES_DMY, NULL},
                {"31/02/2023", IMPORT_DATES_DMY, NULL},
                {"29/02/23", IMPORT_DATES_DMY, NULL},
                {"2023-02-30", IMPORT_DATES_ISO, NULL},
                {"2023-1-23", IMPORT_DATES_ISO, NULL},
                {"2023-01-23 24:00", IMPORT_DATES_ISO, NULL},
                {"2023-01-23x", IMPORT_DATES_ISO, NULL},
                {"1/2/345", IMPORT_DATES_DMY, NULL},
                {"123/1/2023", IMPORT_DATES_DMY, NULL},
                {"0/1/2023", IMPORT_DATES_DMY, NULL},
                {"23/01/2023 nine", IMPORT_DATES_DMY, NULL},
                {"", IMPORT_DATES_DMY, NULL},
                {"soon", IMPORT_DATES_ISO, NULL},
                {"2023-", IMPORT_DATES_ISO, NULL},
                {"2023-01", IMPORT_DATES_ISO, NULL},
                {"1/", IMPORT_DATES_DMY, NULL},
                {"1/2/", IMPORT_DATES_DMY, NULL},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char d[11];
                int r = import_date(cases[i].in, cases[i].fmt, d);
                if (cases[i].want) {
                        if (r < 0) fail_msg("'%s': %s", cases[i].in, err_msg());
                        assert_string_equal(d, cases[i].want);
                } else if (r == 0)
                        fail_msg("'%s' read as %s", cases[i].in, d);
        }
        char d[11];
        assert_int_equal(import_date("23/01/2023", IMPORT_DATES_ISO, d), -EINVAL);
        assert_string_equal(err_msg(), "'23/01/2023' is a day-first or month-first date: say which with --date-format d/m/y or "
                                       "--date-format m/d/y");
        assert_int_equal(import_date("31/02/2023", IMPORT_DATES_DMY, d), -EINVAL);
        assert_string_equal(err_msg(), "'31/02/2023' is not a date: read as d/m/y, month 2 has no day 31");
        assert_int_equal(import_date("23/01/2023", IMPORT_DATES_MDY, d), -EINVAL);
        assert_string_equal(err_msg(), "'23/01/2023' is not a date: read as m/d/y, it has no month 23");
}

static void test_snipeit_assets(void **state) {
        struct import_table *t = csv("Asset Tag,Name,Serial Number,Manufacturer,Model Name,Purchase Date,Purchase Cost,Warranty,Status,"
                                     "Checked Out To: Username,Checkout Type\n"
                                     "ya-1,Head's laptop,S1,HP,EliteBook,31/01/2024,\"1,049.50\",13,Deployed,jbloggs,user\n");
        t->date_format = IMPORT_DATES_DMY;
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), 0);
        json_t *a = t->recs[0].rec;
        assert_string_equal(json_str(a, "tag"), "YA-1");
        assert_string_equal(json_str(a, "make"), "HP");
        assert_string_equal(json_str(a, "purchased"), "2024-01-31");
        assert_int_equal(json_integer_value(json_object_get(a, "cost_pence")), 104950);
        /* 13 months from 31 January 2024: the end of February 2025 */
        assert_string_equal(json_str(a, "warranty_until"), "2025-02-28");
        assert_string_equal(json_str(a, "status"), "in_stock");
        char *ig = import_ignored(t);
        assert_string_equal(ig, "Checked Out To: Username, Checkout Type");
        free(ig);
        /* ignored columns stay readable for hooks */
        assert_string_equal(import_value(t, &t->recs[0], "checked out to: username"), "jbloggs");
        assert_null(import_value(t, &t->recs[0], "no such column"));
        import_table_free(t);
}

static void test_mapping_problems(void **state) {
        struct import_table *t = csv("Serial,Serial Number,Manufacturer,Model\nA,A,B,C\n");
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), -EBADMSG);
        assert_prob(t, 0, "1: Serial Number: duplicate column: 'Serial' (column 1) already gives the serial");
        import_table_free(t);
        t = csv("Manufacturer,Model\nB,C\n");
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), -EBADMSG);
        assert_prob(t, 0, "1: serial: required column missing (the header has no serial column; --allow-missing-serial imports "
                          "the assets without one, to record later)");
        import_table_free(t);
        /* with --allow-missing-serial: no column, or a blank one */
        t = csv("Manufacturer,Model\nB,C\n");
        t->allow_missing_serial = true;
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), 0);
        assert_string_equal(json_str(t->recs[0].rec, "serial"), "");
        import_table_free(t);
        t = csv("serial,make,model\n ,B,C\n");
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), -EINVAL);
        assert_prob(t, 0, "2: serial: blank: every asset needs its serial (--allow-missing-serial imports it without one, to record later)");
        import_table_free(t);
        t = csv("serial,make,model,Purchase Cost,purchased,warranty\n"
                "A,B,C,12.345,,\n"
                "A,B,C,,2024-02-30,\n"
                "A,B,C,,,24\n"
                "A,B,,,,\n");
        assert_int_equal(import_map(t, IMPORT_ASSETS, NULL), -EINVAL);
        assert_prob(t, 0, "2: Purchase Cost: '12.345' is not an amount in pounds (1049.99 or 1,049.99)");
        assert_prob(t, 1, "3: purchased: '2024-02-30' is not a date (use YYYY-MM-DD)");
        assert_prob(t, 2, "4: warranty: 24 months from when? the row has no purchase date");
        assert_prob(t, 3, "5: model: required");
        import_table_free(t);
}

static void test_snipeit_people(void **state) {
        struct import_table *t = csv("First Name,Last Name,Email,Username,Employee Number,Job Title\n"
                                     "Siân,Jones,sian@school.example,sjones,E7,Head\n"
                                     "Dafydd,,d@school.example,dafydd,,\n");
        assert_int_equal(import_map(t, IMPORT_PEOPLE, NULL), 0);
        assert_string_equal(json_str(t->recs[0].rec, "name"), "Siân Jones");
        assert_string_equal(json_str(t->recs[0].rec, "ref"), "E7");  /* employee number first */
        assert_string_equal(json_str(t->recs[1].rec, "ref"), "dafydd"); /* else the username */
        assert_string_equal(json_str(t->recs[1].rec, "name"), "Dafydd");
        import_table_free(t);
}

static void test_json(void **state) {
        const char *j = "[{\"ref\":\"A\",\"name\":\"Al\",\"authoriser\":true},{\"ref\":\"B\",\"name\":[1]}]";
        struct import_table *t = import_parse_json("t.json", j, strlen(j));
        assert_int_equal(t->n_rec, 2);
        assert_string_equal(t->recs[0].fields[2], "yes");
        assert_prob(t, 0, "2: name: must be text, a number, true, false or null");
        import_table_free(t);
}

static struct db *fresh(void) {
        static int n;
        char *path = xasprintf("%s/t%d/assets.db", dir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        free(path);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        return db;
}

/* A hook as issue 3 will write one: reads an ignored column per row. */
static int hook_row(struct db *db, const struct import_table *t, const struct import_record *rec, const char *subject, void *userdata) {
        int *calls = userdata;
        (*calls)++;
        const char *who = import_value(t, rec, "Checked Out To: Username");
        if (who && streq(who, "nobody")) return err_set(EINVAL, "Checked Out To: Username: no person 'nobody'");
        return 0;
}

static void test_run_and_hook(void **state) {
        struct db *db = fresh();
        static const char *const cols[] = {"Checked Out To: Username", NULL};
        int calls = 0;
        struct import_hook hook = {cols, hook_row, &calls};
        const char *good = "serial,make,model,Checked Out To: Username,Phone\nS1,Dell,L,jb,1\nS2,Dell,L,,2\n";
        struct import_table *t = csv(good);
        size_t added = 0;
        assert_int_equal(import_run(db, t, IMPORT_ASSETS, &hook, 0, &added), 0);
        assert_int_equal(added, 2);
        assert_int_equal(calls, 2);
        char *ig = import_ignored(t);
        assert_string_equal(ig, "Phone"); /* the hook's column is used, not ignored */
        free(ig);
        import_table_free(t);
        json_t *a;
        assert_int_equal(db_asset_by_tag(db, "TS-000002", &a), 0);
        assert_string_equal(json_str(a, "serial"), "S2");
        json_decref(a);

        /* a row the hook rejects: listed, and nothing is written */
        t = csv("serial,make,model,Checked Out To: Username\nS3,Dell,L,nobody\nS4,Dell,L,\n");
        assert_int_equal(import_run(db, t, IMPORT_ASSETS, &hook, 0, &added), -EINVAL);
        assert_prob(t, 0, "2: Checked Out To: Username: no person 'nobody'");
        import_table_free(t);
        assert_int_equal(db_asset_by_tag(db, "TS-000004", &a), -ENOENT);

        /* duplicates against the register, and a dry run writes nothing */
        t = csv("serial,make,model\nS1,DELL,L\n");
        assert_int_equal(import_run(db, t, IMPORT_ASSETS, NULL, 0, &added), -EINVAL);
        assert_prob(t, 0, "2: serial: serial 'S1' (DELL) is already registered as 'TS-000001'");
        import_table_free(t);
        t = csv("serial,make,model\nS9,Dell,L\n");
        assert_int_equal(import_run(db, t, IMPORT_ASSETS, NULL, IMPORT_DRY_RUN, &added), 0);
        assert_int_equal(added, 1);
        import_table_free(t);
        assert_int_equal(db_asset_by_tag(db, "TS-000003", &a), -ENOENT);

        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_null(rep.problem);
        assert_int_equal(rep.events, 3); /* two settings, one import */
        audit_report_done(&rep);
        db_close(db);
}

/* Statuses: ours, Snipe-IT's labels, its "Label (type)", the --status-map,
 * and the states an import refuses. */
static void test_statuses(void **state) {
        (void) state;
        struct import_table *t = csv("serial,make,model,status,issued_to\n"
                                     "S1,M,X,In Stock,\n"
                                     "S2,M,X,ready to deploy,\n"
                                     "S3,M,X,Out for Diagnostics,\n"
                                     "S4,M,X,Spare Kit (pending),\n"
                                     "S5,M,X,Broken - Not Fixable (undeployable),\n"
                                     "S6,M,X,Archived,\n"
                                     "S7,M,X,authorised,\n"
                                     "S8,M,X,issued,\n"
                                     "S9,M,X,issued,JB\n"
                                     "S10,M,X,Lost/Stolen,\n");
        assert_int_equal(import_status_map_add(t, "broken  not_fixable=DISPOSED"), 0);
        assert_int_equal(import_status_map_add(t, "Archived"), -EINVAL);
        assert_int_equal(import_status_map_add(t, "Archived=binned"), -EINVAL);
        assert_int_equal(import_status_map_add(t, "=in_stock"), -EINVAL);
        assert_int_equal(import_map(t, IMPORT_ASSETS, asset_import_hook()), -EINVAL);
        static const char *const want[] = {"in_stock", "in_stock", "in_repair", "in_stock", "disposed", NULL, NULL, NULL,
                                           "issued", "lost"};
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                if (want[i]) assert_string_equal(json_str(t->recs[i].rec, "status"), want[i]);
                else assert_null(t->recs[i].rec);
        assert_int_equal(t->n_prob, 3);
        assert_prob(t, 0, "7: status: 'Archived' is not a status here: say what it means with --status-map "
                          "'Archived=STATE' (in_stock, in_repair, lost, stolen, found or disposed)");
        char *p = prob(t, 1);
        assert_non_null(strstr(p, "8: status: 'authorised' is part-way through disposal (authorised)"));
        free(p);
        p = prob(t, 2);
        assert_non_null(strstr(p, "9: status: 'issued' needs who holds it"));
        free(p);
        /* issued_to is the hook's: not an ignored column */
        char *ign = import_ignored(t);
        assert_string_equal(ign, "");
        free(ign);
        import_table_free(t);
}

/* The cells that hold lists, and the helpers beside them. */
static void test_cells(void **state) {
        (void) state;
        json_t *m = NULL;
        assert_int_equal(import_media_parse("", &m), 0);
        assert_int_equal(json_array_size(m), 0);
        json_decref(m);
        assert_int_equal(import_media_parse("[{\"model\":\" M \",\"serial\":\"S\",\"size_bytes\":1,\"kind\":\"nvme\","
                                            "\"wwn\":null,\"created_at\":\"2024-01-02 03:04:05\"}]", &m), 0);
        char *s = json_canonical(m);
        assert_string_equal(s, "[{\"created_at\":\"2024-01-02T03:04:05Z\",\"kind\":\"nvme\",\"model\":\"M\",\"serial\":\"S\",\"size_bytes\":1}]");
        free(s);
        json_decref(m);
        static const char *const bad[] = {
                "{}", "[1]", "[{\"model\":\"M\",\"serial\":\"S\",\"size_bytes\":1.5,\"kind\":\"ssd\"}]",
                "[{\"model\":\"M\",\"serial\":\"\",\"size_bytes\":1,\"kind\":\"ssd\"}]",
                "[{\"model\":\"M\",\"serial\":\"S\\u0000x\",\"size_bytes\":1,\"kind\":\"ssd\"}]",
                "[{\"model\":\"M\",\"serial\":\"S\",\"size_bytes\":1,\"kind\":\"ssd\",\"serial\":\"T\"}]",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                m = NULL;
                assert_int_equal(import_media_parse(bad[i], &m), -EINVAL);
                assert_null(m);
        }
        assert_int_equal(import_badges_parse("  B1\tb2  ", &m), 0);
        s = json_canonical(m);
        assert_string_equal(s, "[\"B1\",\"b2\"]");
        free(s);
        json_decref(m);
        assert_int_equal(import_badges_parse("[\"A B\"]", &m), -EINVAL);
        assert_int_equal(import_badges_parse("X x", &m), -EINVAL);

        char d;
        assert_int_equal(import_csv_dialect("a;b;\"c,d\"\n1;2;3\n", 17, &d), 0);
        assert_int_equal(d, ';');
        assert_int_equal(import_csv_dialect("\"a;b\",c\n", 8, &d), 0);
        assert_int_equal(d, ',');
        assert_int_equal(import_csv_dialect("\n\na\tb\n", 7, &d), 0);
        assert_int_equal(d, '\t');
        assert_int_equal(import_csv_dialect("sep=|\r\na|b\n", 11, &d), 7);
        assert_int_equal(d, '|');

        char ts[21];
        assert_int_equal(import_timestamp("2024-02-29 23:59:60", ts), 0);
        assert_string_equal(ts, "2024-02-29T23:59:60Z");
        assert_int_equal(import_timestamp("2023-02-29T00:00:00Z", ts), -EINVAL);
        assert_int_equal(import_timestamp("2024-01-01T24:00:00Z", ts), -EINVAL);
        assert_int_equal(import_timestamp("2024-01-01 1:00:000", ts), -EINVAL);
        assert_int_equal(import_timestamp("2024-01-01", ts), -EINVAL);
}

int main(void) {
        if (!mkdtemp(dir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lines),
                cmocka_unit_test(test_parse_problems),
                cmocka_unit_test(test_encodings),
                cmocka_unit_test(test_dates),
                cmocka_unit_test(test_snipeit_assets),
                cmocka_unit_test(test_mapping_problems),
                cmocka_unit_test(test_snipeit_people),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_run_and_hook),
                cmocka_unit_test(test_statuses),
                cmocka_unit_test(test_cells),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
