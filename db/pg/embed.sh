#!/bin/sh
# Turn the PostgreSQL schema (db/pg/*.sql) into C: db_pg_trust_init (the
# trust part, trust.sql) and db_pg_migrations[] (one step per NNN-name.sql,
# in the order given; each file's first line is
# "-- migration N: NAME", N and NAME as in SQLite's db_migrations[]).
# Comment lines and blank lines are left out of the strings.
#
# Usage: embed.sh OUT.c trust.sql 001-....sql 002-....sql ...
# Shell and sed only: build.sh installs no scripting language.
set -eu
out=$1 trust=$2
shift 2

c_string() {
        sed -e '/^[[:space:]]*--/d' -e '/^[[:space:]]*$/d' \
            -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
            -e 's/^/        "/' -e 's/$/\\n"/' "$1"
        echo "        ;"
}

header() {
        sed -n '1s/^-- migration \([0-9][0-9]*\): \(.*\)$/\1 \2/p' "$1"
}

{
        echo "/* Generated from the db/pg/ SQL files by db/pg/embed.sh: do not edit. */"
        echo "#include \"db-internal.h\""
        echo
        echo "const char db_pg_trust_init[] ="
        c_string "$trust"
        n=0
        for f in "$@"; do
                n=$((n + 1))
                h=$(header "$f")
                if [ -z "$h" ]; then
                        echo "embed.sh: $f: the first line is not '-- migration N: NAME'" >&2
                        exit 1
                fi
                if [ "${h%% *}" != "$n" ]; then
                        echo "embed.sh: $f: migration ${h%% *} where $n was expected" >&2
                        exit 1
                fi
                echo
                echo "static const char pg_m$n[] ="
                c_string "$f"
        done
        echo
        echo "const struct migration db_pg_migrations[] = {"
        n=0
        for f in "$@"; do
                n=$((n + 1))
                h=$(header "$f")
                name=$(printf '%s\n' "${h#* }" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
                echo "        {$n, \"$name\", pg_m$n},"
        done
        echo "};"
        echo "const size_t db_pg_n_migrations = ELEMENTSOF(db_pg_migrations);"
} >"$out.tmp"
mv "$out.tmp" "$out"
