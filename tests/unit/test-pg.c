/* The PostgreSQL engine (db/pg.c) on a real server: the one tests/run.sh
 * starts (tests/pg/server.sh), found through PGHOST, PGPORT and PGUSER.
 * Without ASSETCTL_TEST_PG the test is skipped (exit 77). The test makes
 * its own database and drops it at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db-internal.h"
#include "util.h"

static const struct db_engine *E = &db_engine_pg;
static char dbname[64];
static char *uri;

/* before-images handed to the write check (audit.c's audit_before_add(),
 * wrapped by the linker for this test: tests/meson.build) */
static struct {
        char *table;
        int64_t rowid;
        struct db_value *v;
        int n;
} images[8];
static int n_images;

int __wrap_audit_before_add(struct db *db, const char *table, int64_t rowid, struct db_value *v, int n);
int __wrap_audit_before_add(struct db *db, const char *table, int64_t rowid, struct db_value *v, int n) {
        (void) db;
        assert_true(n_images < (int) ELEMENTSOF(images));
        images[n_images].table = xstrdup(table);
        images[n_images].rowid = rowid;
        images[n_images].v = v;
        images[n_images].n = n;
        n_images++;
        return 0;
}

static void images_clear(void) {
        for (int k = 0; k < n_images; k++) {
                for (int i = 0; i < images[k].n; i++) free(images[k].v[i].p);
                free(images[k].v);
                free(images[k].table);
        }
        n_images = 0;
}

/* The server's maintenance database, for CREATE/DROP DATABASE. */
static void admin(const char *sql) {
        PGconn *c = PQconnectdb("dbname=postgres");
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) fail_msg("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
}

static int group_setup(void **state) {
        (void) state;
        snprintf(dbname, sizeof(dbname), "assetctl_test_pg_%ld", (long) getpid());
        char sql[128];
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
        admin(sql);
        uri = xasprintf("postgresql:///%s?host=%s&port=%s&user=%s", dbname, getenv("PGHOST"), getenv("PGPORT"),
                        getenv("PGUSER"));
        return 0;
}

static int group_teardown(void **state) {
        (void) state;
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", dbname);
        admin(sql);
        free(uri);
        images_clear();
        return 0;
}

static struct db *open_school(int64_t school) {
        struct db *db = xcalloc(1, sizeof(*db));
        db->where = xstrdup(uri);
        int r = E->open(db, 0);
        if (r < 0) fail_msg("open: %s", err_msg());
        db->school = school;
        if (E->use_school(db, school) < 0) fail_msg("use_school: %s", err_msg());
        return db;
}

/* What the engine itself touches of a trust's schema (db/pg/trust.sql has
 * the real ones): schema_migrations and the before-image capture. The
 * schema's own tests are tests/cli/0950 and 0951. */
static const char engine_schema[] =
        "CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL);\n"
        "CREATE UNLOGGED TABLE audit_before (pid int NOT NULL DEFAULT pg_backend_pid(), tbl text NOT NULL,\n"
        "  rowid bigint NOT NULL, row jsonb NOT NULL);\n"
        "CREATE FUNCTION audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF current_setting('assetctl.capture', true) = 'on' THEN\n"
        "    INSERT INTO audit_before (tbl, rowid, row) VALUES (TG_TABLE_NAME, OLD.rowid, to_jsonb(OLD));\n"
        "  END IF;\n"
        "  RETURN OLD;\n"
        "END $$;\n";

static void close_db(struct db *db) {
        E->close(db);
        free(db->where);
        free(db);
}

static void exec_ok(struct db *db, const char *sql) {
        if (E->exec(db, sql, "exec") < 0) fail_msg("%s: %s", sql, err_msg());
}

/* One integer from a query without parameters. */
static int64_t one_int(struct db *db, const char *sql) {
        struct db_stmt *st;
        assert_int_equal(E->prepare(db, sql, &st), 0);
        assert_int_equal(E->step(db, st, "one"), 1);
        int64_t v = E->column_int(st, 0);
        assert_int_equal(E->step(db, st, "one"), 0);
        E->finalize(st);
        return v;
}

static void test_connect_errors(void **state) {
        (void) state;
        char dir[] = "/tmp/assetctl-nopg.XXXXXX";
        assert_non_null(mkdtemp(dir));
        struct db db = {0};
        db.where = xasprintf("postgresql:///trust?host=%s&port=5999&user=nobody", dir);
        assert_int_equal(E->open(&db, 0), -ECONNREFUSED);
        char *want = xasprintf("cannot connect to the server '%s:5999/trust': connection to server on socket "
                               "\"%s/.s.PGSQL.5999\" failed: No such file or directory",
                               dir, dir);
        if (strncmp(err_msg(), want, strlen(want)) != 0) fail_msg("got: %s", err_msg());
        free(want);
        free(db.where);
        assert_null(db.conn);

        /* a password in the URI is refused before any connection */
        db.where = xasprintf("postgresql://alice:s3cret@/trust?host=%s&port=5999", dir);
        assert_int_equal(E->open(&db, 0), -EINVAL);
        char *want2 = xasprintf("refusing the URI of the server '%s:5999/trust': it holds a password; "
                                "keep passwords in ~/.pgpass, PGPASSFILE or a service file", dir);
        assert_string_equal(err_msg(), want2);
        assert_null(strstr(err_msg(), "s3cret"));
        free(want2);
        free(db.where);
        db.where = xasprintf("postgresql:///trust?host=%s&password=s3cret", dir);
        assert_int_equal(E->open(&db, 0), -EINVAL);
        free(db.where);
        rmdir(dir);
}

static void test_schema_version(void **state) {
        (void) state;
        struct db *db = open_school(0);
        char *want = xasprintf("'%s:%s/%s' is not a trust: it has no schema_migrations (run 'assetctl trust init')",
                               getenv("PGHOST"), getenv("PGPORT"), dbname);
        assert_int_equal(E->schema_version(db), -1);
        assert_string_equal(err_msg(), want);
        free(want);
        assert_int_equal(E->n_migrations, DB_SQLITE_MIGRATIONS);
        assert_ptr_equal(E->migrations, db_pg_migrations);
        assert_int_equal(E->begin(db, true), 0);
        exec_ok(db, engine_schema);
        assert_int_equal(E->set_schema_version(db, 1), 0);
        assert_int_equal(E->commit(db), 0);
        assert_int_equal(E->schema_version(db), 1);
        /* the test's own table: every type, id given by the server */
        exec_ok(db, "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY, name text UNIQUE, n bigint,"
                    " r double precision, b bytea, flag boolean,"
                    " rowid bigint GENERATED ALWAYS AS (id) STORED,"
                    " school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,"
                    " PRIMARY KEY (school_id, id));"
                    "CREATE TRIGGER t_before BEFORE UPDATE OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION audit_capture();"
                    "CREATE TABLE u (k text, v text, rowid bigint NOT NULL DEFAULT 0,"
                    " school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint, UNIQUE (school_id, k))");
        close_db(db);
}

static void test_translate_and_types(void **state) {
        (void) state;
        struct db *db = open_school(3);
        struct db_stmt *st;
        /* ?1 inside a literal and a quoted identifier stays as it is */
        assert_int_equal(E->prepare(db, "SELECT ?1::text || '?1' AS \"a?2\", ?2::bigint + 1, ?3::float8, ?4::bytea,"
                                        " ?5::text, true, false, 2.5::numeric, E'it''s \\'?3'",
                                    &st), 0);
        E->bind_text(st, 1, "x", 1);
        E->bind_int(st, 2, 41);
        E->bind_real(st, 3, 0.25);
        E->bind_blob(st, 4, "a\0b", 3);
        E->bind_null(st, 5);
        assert_int_equal(E->step(db, st, "select"), 1);
        assert_int_equal(E->column_count(st), 9);
        assert_string_equal(E->column_name(st, 0), "a?2");
        size_t n;
        assert_int_equal(E->column_type(st, 0), DB_TEXT);
        assert_string_equal(E->column_text(st, 0, &n), "x?1");
        assert_int_equal(n, 3);
        assert_int_equal(E->column_type(st, 1), DB_INTEGER);
        assert_int_equal(E->column_int(st, 1), 42);
        assert_string_equal(E->column_text(st, 1, NULL), "42");
        assert_int_equal(E->column_type(st, 2), DB_REAL);
        assert_true(E->column_real(st, 2) == 0.25);
        assert_int_equal(E->column_type(st, 3), DB_BLOB);
        const char *b = E->column_blob(st, 3, &n);
        assert_int_equal(n, 3);
        assert_memory_equal(b, "a\0b", 3);
        assert_int_equal(E->column_type(st, 4), DB_NULL);
        assert_null(E->column_text(st, 4, &n));
        assert_int_equal(E->column_type(st, 5), DB_INTEGER);
        assert_int_equal(E->column_int(st, 5), 1);
        assert_string_equal(E->column_text(st, 5, NULL), "1");
        assert_int_equal(E->column_int(st, 6), 0);
        assert_int_equal(E->column_type(st, 7), DB_REAL);
        assert_string_equal(E->column_text(st, 8, NULL), "it's '?3");
        assert_int_equal(E->step(db, st, "select"), 0);
        /* reset clears the bindings: unbound is NULL */
        E->reset(st);
        E->bind_text(st, 1, "y", 1);
        assert_int_equal(E->step(db, st, "select"), 1);
        assert_string_equal(E->column_text(st, 0, NULL), "y?1");
        assert_int_equal(E->column_type(st, 1), DB_NULL);
        E->finalize(st);

        /* several rows */
        assert_int_equal(E->prepare(db, "SELECT g, 'r' || g FROM generate_series(1, ?1) g ORDER BY g", &st), 0);
        E->bind_int(st, 1, 5);
        for (int i = 1; i <= 5; i++) {
                assert_int_equal(E->step(db, st, "rows"), 1);
                assert_int_equal(E->column_int(st, 0), i);
        }
        assert_int_equal(E->step(db, st, "rows"), 0);
        assert_int_equal(E->step(db, st, "rows"), 0);
        E->finalize(st);
        close_db(db);
}

static void test_insert_last_id_errors(void **state) {
        (void) state;
        struct db *db = open_school(3);
        struct db_stmt *st;
        assert_int_equal(E->prepare(db, "INSERT INTO t (name, n, r, b, flag) VALUES (?1, ?2, ?3, ?4, ?5);", &st), 0);
        E->bind_text(st, 1, "first", 5);
        E->bind_int(st, 2, -9000000000LL);
        E->bind_real(st, 3, 1.5);
        E->bind_blob(st, 4, "\0\1\2", 3);
        E->bind_int(st, 5, 1);
        assert_int_equal(E->step(db, st, "insert 'first'"), 0);
        int64_t first = E->last_id(db);
        assert_true(first > 0);
        assert_int_equal(E->column_count(st), 0);
        E->reset(st);
        E->bind_text(st, 1, "second", 6);
        assert_int_equal(E->step(db, st, "insert 'second'"), 0);
        assert_int_equal(E->last_id(db), first + 1);
        /* the same name again: the unique constraint */
        E->reset(st);
        E->bind_text(st, 1, "first", 5);
        assert_int_equal(E->step(db, st, "cannot add 'first'"), -EEXIST);
        assert_string_equal(err_msg(), "cannot add 'first': duplicate key value violates unique constraint \"t_name_key\"");
        assert_int_equal(E->last_id(db), first + 1);
        E->finalize(st);

        /* an explicit id; and a statement with its own RETURNING */
        assert_int_equal(E->prepare(db, "INSERT INTO t (id, name) VALUES (?1, ?2) RETURNING id, name", &st), 0);
        E->bind_int(st, 1, 100);
        E->bind_text(st, 2, "hundred", 7);
        assert_int_equal(E->step(db, st, "insert"), 1);
        assert_int_equal(E->column_int(st, 0), 100);
        assert_string_equal(E->column_text(st, 1, NULL), "hundred");
        assert_int_equal(E->step(db, st, "insert"), 0);
        E->finalize(st);

        /* read back what went in */
        assert_int_equal(E->prepare(db, "SELECT n, r, b, flag, school_id FROM t WHERE name = ?1", &st), 0);
        E->bind_text(st, 1, "first", 5);
        assert_int_equal(E->step(db, st, "select"), 1);
        assert_int_equal(E->column_int(st, 0), -9000000000LL);
        assert_true(E->column_real(st, 1) == 1.5);
        size_t n;
        const void *b = E->column_blob(st, 2, &n);
        assert_int_equal(n, 3);
        assert_memory_equal(b, "\0\1\2", 3);
        assert_int_equal(E->column_int(st, 3), 1);
        assert_int_equal(E->column_int(st, 4), 3);
        E->finalize(st);

        /* ON CONFLICT (k): the school's column goes in front */
        assert_int_equal(E->prepare(db, "INSERT INTO u (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v", &st), 0);
        for (int i = 0; i < 2; i++) {
                E->reset(st);
                E->bind_text(st, 1, "key", 3);
                E->bind_text(st, 2, i ? "two" : "one", 3);
                if (E->step(db, st, "upsert") < 0) fail_msg("%s", err_msg());
        }
        E->finalize(st);
        assert_int_equal(one_int(db, "SELECT count(*) FROM u WHERE v = 'two'"), 1);

        /* a statement the server refuses */
        assert_int_equal(E->prepare(db, "SELECT nosuch FROM t", &st), -EIO);
        assert_string_equal(err_msg(), "cannot prepare 'SELECT nosuch FROM t': column \"nosuch\" does not exist");
        assert_int_equal(E->exec(db, "CREATE TABLE t (x int)", "cannot create 't'"), -EIO);
        assert_string_equal(err_msg(), "cannot create 't': relation \"t\" already exists");
        close_db(db);
}

static void test_transactions(void **state) {
        (void) state;
        struct db *db = open_school(3);
        int64_t before = one_int(db, "SELECT count(*) FROM t");
        assert_int_equal(E->begin(db, true), 0);
        exec_ok(db, "INSERT INTO t (name) VALUES ('rolled back')");
        E->rollback(db);
        assert_int_equal(one_int(db, "SELECT count(*) FROM t"), before);
        assert_int_equal(E->begin(db, true), 0);
        exec_ok(db, "INSERT INTO t (name) VALUES ('kept')");
        assert_int_equal(E->commit(db), 0);
        assert_int_equal(one_int(db, "SELECT count(*) FROM t"), before + 1);
        /* a read snapshot does not write */
        assert_int_equal(E->begin(db, false), 0);
        assert_int_equal(E->exec(db, "INSERT INTO t (name) VALUES ('no')", "cannot add 'no'"), -EROFS);
        assert_string_equal(err_msg(), "cannot add 'no': cannot execute INSERT in a read-only transaction");
        /* the failed statement aborted it: COMMIT says so */
        assert_int_equal(E->commit(db), -EIO);
        assert_non_null(strstr(err_msg(), "had failed and was rolled back"));
        assert_int_equal(one_int(db, "SELECT count(*) FROM t"), before + 1);
        close_db(db);
}

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One text value from a query without parameters (malloc'd). */
static char *one_text(struct db *db, const char *sql) {
        struct db_stmt *st;
        assert_int_equal(E->prepare(db, sql, &st), 0);
        assert_int_equal(E->step(db, st, "one"), 1);
        char *v = xstrdup(E->column_text(st, 0, NULL));
        assert_int_equal(E->step(db, st, "one"), 0);
        E->finalize(st);
        return v;
}

static void test_write_lock(void **state) {
        (void) state;
        struct db *a = open_school(7), *b = open_school(7), *c = open_school(8);
        /* a writer waits SQLite's busy timeout, whatever the session says */
        exec_ok(a, "SET lock_timeout = 0");
        assert_int_equal(E->begin(a, true), 0);
        char *wait = one_text(a, "SELECT current_setting('lock_timeout')");
        assert_string_equal(wait, "10s");
        free(wait);
        /* another school's writer does not wait */
        double t0 = now_s();
        assert_int_equal(E->begin(c, true), 0);
        assert_true(now_s() - t0 < 1);
        assert_int_equal(E->commit(c), 0);
        /* the same school's writer waits, here 300 ms, then gives up as
         * SQLite does: busy, "database is locked" */
        b->lock_wait_ms = 300;
        t0 = now_s();
        assert_int_equal(E->begin(b, true), -EBUSY);
        double waited = now_s() - t0;
        assert_true(waited >= 0.25 && waited < 5);
        char *want = xasprintf("cannot start a transaction: database is locked (school 7 on the server '%s:%s/%s': "
                               "another writer held its write lock for more than 300 ms)",
                               getenv("PGHOST"), getenv("PGPORT"), dbname);
        assert_string_equal(err_msg(), want);
        free(want);
        /* it is not left in a transaction */
        assert_int_equal(E->begin(b, false), 0);
        E->rollback(b);
        /* a second school's lock taken inside a transaction (a transfer's)
         * is bounded the same way */
        assert_int_equal(E->begin(c, true), 0);
        c->tx_depth = 1; /* as db_begin() counts it */
        c->lock_wait_ms = 200;
        assert_int_equal(E->use_school(c, 7), -EBUSY);
        want = xasprintf("cannot take the write lock of school 7: database is locked (school 7 on the server '%s:%s/%s': "
                         "another writer held its write lock for more than 200 ms)",
                         getenv("PGHOST"), getenv("PGPORT"), dbname);
        assert_string_equal(err_msg(), want);
        free(want);
        E->rollback(c);
        c->tx_depth = 0;
        assert_int_equal(E->commit(a), 0);
        /* free again: the writer gets the lock at once */
        t0 = now_s();
        assert_int_equal(E->begin(b, true), 0);
        assert_true(now_s() - t0 < 1);
        assert_int_equal(E->commit(b), 0);
        close_db(a);
        close_db(b);
        close_db(c);
}

static void test_before_images(void **state) {
        (void) state;
        struct db *db = open_school(3);
        images_clear();
        assert_int_equal(E->begin(db, true), 0);
        exec_ok(db, "UPDATE t SET name = 'renamed', b = '\\x00ff'::bytea WHERE name = 'first'");
        exec_ok(db, "DELETE FROM t WHERE name = 'second'");
        assert_int_equal(E->take_before_images(db), 0);
        assert_int_equal(n_images, 2);
        assert_string_equal(images[0].table, "t");
        /* t's columns in order: id name n r b flag rowid school_id */
        assert_int_equal(images[0].n, 8);
        struct db_value *v = images[0].v;
        assert_int_equal(images[0].rowid, v[0].i);
        assert_int_equal(v[0].type, DB_INTEGER);
        assert_int_equal(v[1].type, DB_TEXT);
        assert_string_equal(v[1].p, "first");
        assert_int_equal(v[2].type, DB_INTEGER);
        assert_int_equal(v[2].i, -9000000000LL);
        assert_int_equal(v[3].type, DB_REAL);
        assert_true(v[3].r == 1.5);
        assert_int_equal(v[4].type, DB_BLOB);
        assert_int_equal(v[4].n, 3);
        assert_memory_equal(v[4].p, "\0\1\2", 3);
        assert_int_equal(v[5].type, DB_INTEGER);
        assert_int_equal(v[5].i, 1);
        assert_int_equal(v[7].i, 3);
        assert_string_equal(images[1].v[1].p, "second");
        assert_int_equal(images[1].v[4].type, DB_NULL);
        /* taken means gone */
        assert_int_equal(E->take_before_images(db), 0);
        assert_int_equal(n_images, 2);
        assert_int_equal(E->commit(db), 0);
        images_clear();
        /* a session without the capture (psql) leaves nothing behind */
        exec_ok(db, "SET assetctl.capture = 'off'; UPDATE t SET n = 1");
        assert_int_equal(one_int(db, "SELECT count(*) FROM audit_before"), 0);
        close_db(db);
}

/* Row-level security refusing a write: -EACCES naming the login. */
static void test_rls_refused(void **state) {
        (void) state;
        struct db *owner = open_school(3);
        char *sql = xasprintf("CREATE ROLE %s_tech LOGIN; GRANT SELECT, INSERT ON t TO %s_tech;"
                              " ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
                              " CREATE POLICY only_one ON t USING (true) WITH CHECK (school_id = 1)",
                              dbname, dbname);
        exec_ok(owner, sql);
        free(sql);
        struct db db = {.school = 3};
        db.where = xasprintf("postgresql:///%s?host=%s&port=%s&user=%s_tech", dbname, getenv("PGHOST"),
                             getenv("PGPORT"), dbname);
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->use_school(&db, 3), 0);
        assert_int_equal(E->exec(&db, "INSERT INTO t (id, name) VALUES (500, 'x')", "cannot add 'x'"), -EACCES);
        char *want = xasprintf("cannot add 'x': login '%s_tech' may not write the rows of school 3: new row violates "
                               "row-level security policy for table \"t\"", dbname);
        assert_string_equal(err_msg(), want);
        free(want);
        E->close(&db);
        free(db.where);
        sql = xasprintf("DROP POLICY only_one ON t; ALTER TABLE t DISABLE ROW LEVEL SECURITY;"
                        " REVOKE ALL ON t FROM %s_tech; DROP ROLE %s_tech", dbname, dbname);
        exec_ok(owner, sql);
        free(sql);
        close_db(owner);
}

/* The school of a connection: ASSETCTL_SCHOOL by code, else the login's
 * one school, else 0. */
static void test_pick_school(void **state) {
        (void) state;
        struct db *owner = open_school(0);
        assert_int_equal(owner->school, 0);   /* no trust tables yet */
        exec_ok(owner, "CREATE TABLE schools (id bigint PRIMARY KEY, code text UNIQUE, name text);"
                       "CREATE TABLE grants (db_role text, school_id bigint, role text);"
                       "INSERT INTO schools VALUES (4, 'north', 'North'), (5, 'south', 'South')");
        struct db db = {0};
        db.where = uri;
        setenv("ASSETCTL_SCHOOL", "south", 1);
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->opened(&db, 0), 0);
        assert_int_equal(db.school, 5);
        assert_int_equal(one_int(&db, "SELECT current_setting('assetctl.school')::int"), 5);
        E->close(&db);
        db.school = 0;
        setenv("ASSETCTL_SCHOOL", "west", 1);
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->opened(&db, 0), -ENOENT);
        char *want = xasprintf("no school 'west' in the trust '%s:%s/%s'", getenv("PGHOST"), getenv("PGPORT"), dbname);
        assert_string_equal(err_msg(), want);
        free(want);
        E->close(&db);
        assert_null(db.conn);
        unsetenv("ASSETCTL_SCHOOL");
        /* no grants: the trust itself */
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->opened(&db, 0), 0);
        assert_int_equal(db.school, 0);
        E->close(&db);
        /* grants for one school (and a trust-wide one, which does not count) */
        exec_ok(owner, "INSERT INTO grants VALUES (current_user, 4, 'technician'), (current_user, NULL, 'auditor')");
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->opened(&db, 0), 0);
        assert_int_equal(db.school, 4);
        E->close(&db);
        db.school = 0;
        /* for two: none chosen */
        exec_ok(owner, "INSERT INTO grants VALUES (current_user, 5, 'head')");
        assert_int_equal(E->open(&db, 0), 0);
        assert_int_equal(E->opened(&db, 0), 0);
        assert_int_equal(db.school, 0);
        E->close(&db);
        exec_ok(owner, "DROP TABLE schools; DROP TABLE grants");
        close_db(owner);
}

static void test_lost_connection(void **state) {
        (void) state;
        struct db *db = open_school(3), *killer = open_school(3);
        int64_t pid = one_int(db, "SELECT pg_backend_pid()");
        struct db_stmt *st;
        assert_int_equal(E->prepare(killer, "SELECT pg_terminate_backend(?1::int)", &st), 0);
        E->bind_int(st, 1, pid);
        assert_int_equal(E->step(killer, st, "kill"), 1);
        E->finalize(st);
        assert_int_equal(E->exec(db, "SELECT 1", "cannot list the assets"), -EIO);
        char *want = xasprintf("cannot list the assets: lost the connection to the server '%s:%s/%s': ", getenv("PGHOST"),
                               getenv("PGPORT"), dbname);
        if (strncmp(err_msg(), want, strlen(want)) != 0) fail_msg("got: %s", err_msg());
        free(want);
        close_db(db);
        close_db(killer);
}

int main(void) {
        if (!getenv("ASSETCTL_TEST_PG")) {
                printf("skipped: no PostgreSQL server (ASSETCTL_TEST_PG is unset; tests/run.sh starts one)\n");
                return 77;
        }
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_connect_errors),
                cmocka_unit_test(test_schema_version),
                cmocka_unit_test(test_translate_and_types),
                cmocka_unit_test(test_insert_last_id_errors),
                cmocka_unit_test(test_transactions),
                cmocka_unit_test(test_write_lock),
                cmocka_unit_test(test_before_images),
                cmocka_unit_test(test_rls_refused),
                cmocka_unit_test(test_pick_school),
                cmocka_unit_test(test_lost_connection),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
