/* pg-schema: what the db library embeds of the schemas, for the trust
 * tests (tests/cli/0950, 0951): they apply to a real server exactly the
 * text the engine runs, and hold the two migration sequences in step.
 *
 *   pg-schema names sqlite|pg   one line per migration step: "N<TAB>name"
 *   pg-schema trust             the trust part (db_pg_trust_init)
 *   pg-schema migration N       the PostgreSQL SQL of step N */
#include "db-internal.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static int usage(void) {
        fputs("usage: pg-schema names sqlite|pg | trust | migration N\n", stderr);
        return 2;
}

int main(int argc, char **argv) {
        if (argc == 3 && streq(argv[1], "names")) {
                const struct migration *m;
                size_t n;
                if (streq(argv[2], "sqlite")) {
                        m = db_migrations;
                        n = db_engine_sqlite.n_migrations;
                } else if (streq(argv[2], "pg")) {
                        m = db_pg_migrations;
                        n = db_pg_n_migrations;
                } else
                        return usage();
                for (size_t i = 0; i < n; i++)
                        printf("%d\t%s\n", m[i].version, m[i].name);
                return 0;
        }
        if (argc == 2 && streq(argv[1], "trust")) {
                fputs(db_pg_trust_init, stdout);
                return 0;
        }
        if (argc == 3 && streq(argv[1], "migration")) {
                int64_t v;
                if (parse_int64(argv[2], &v) < 0) return usage();
                for (size_t i = 0; i < db_pg_n_migrations; i++)
                        if (db_pg_migrations[i].version == v) {
                                fputs(db_pg_migrations[i].sql, stdout);
                                return 0;
                        }
                fprintf(stderr, "pg-schema: no migration %s\n", argv[2]);
                return 1;
        }
        return usage();
}
