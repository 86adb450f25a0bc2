/* Benchmark helper for tests/bench/pg-engine: N single-row INSERTs in one
 * write transaction, then N single-row SELECTs by key, through the
 * PostgreSQL engine (db/pg.c) as the store runs them (prepared once,
 * bound, stepped, reset). Prints "insert SECONDS" and "select SECONDS".
 *   bench-pg-engine URI N */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db-internal.h"
#include "util.h"

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what) {
        fprintf(stderr, "bench-pg-engine: %s: %s\n", what, err_msg());
        return 1;
}

int main(int argc, char **argv) {
        const struct db_engine *E = &db_engine_pg;
        int64_t n;
        if (argc != 3 || parse_int64(argv[2], &n) < 0 || n < 1) {
                fprintf(stderr, "usage: bench-pg-engine URI N\n");
                return 2;
        }
        struct db db = {.where = argv[1], .school = 1};
        if (E->open(&db, 0) < 0) return die("open");
        if (E->exec(&db, "CREATE TABLE bench_engine (id bigint PRIMARY KEY, name text NOT NULL, n bigint,"
                         " rowid bigint GENERATED ALWAYS AS (id) STORED)", "create") < 0)
                return die("create");
        struct db_stmt *st;
        char name[32];
        double t0 = now_s();
        if (E->begin(&db, true) < 0) return die("begin");
        if (E->prepare(&db, "INSERT INTO bench_engine (id, name, n) VALUES (?1, ?2, ?3)", &st) < 0) return die("prepare");
        for (int64_t i = 1; i <= n; i++) {
                int l = snprintf(name, sizeof(name), "asset %" PRId64, i);
                E->reset(st);
                E->bind_int(st, 1, i);
                E->bind_text(st, 2, name, l);
                E->bind_int(st, 3, i * 7);
                if (E->step(&db, st, "insert") < 0) return die("insert");
        }
        E->finalize(st);
        if (E->commit(&db) < 0) return die("commit");
        double t1 = now_s();
        if (E->prepare(&db, "SELECT name, n FROM bench_engine WHERE id = ?1", &st) < 0) return die("prepare");
        int64_t sum = 0;
        for (int64_t i = 1; i <= n; i++) {
                E->reset(st);
                E->bind_int(st, 1, i);
                if (E->step(&db, st, "select") != 1) return die("select");
                sum += E->column_int(st, 1);
        }
        E->finalize(st);
        double t2 = now_s();
        E->close(&db);
        if (sum != 7 * n * (n + 1) / 2) {
                fprintf(stderr, "bench-pg-engine: wrong sum %" PRId64 "\n", sum);
                return 1;
        }
        printf("insert %.3f\nselect %.3f\n", t1 - t0, t2 - t1);
        return 0;
}
